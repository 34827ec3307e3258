"""One lab's data and media in one file, and back: ``export_lab`` / ``import_lab``.

The file is a zip holding ``manifest.json`` (format, version, the lab, row counts, a SHA-256 of
the data and of every media file), ``data.json`` (the rows) and ``media/<stored name>`` (the
files). Rows never carry primary keys: a row points at another by its natural key — a site by
domain, a user by username, a lab by slug, a person by slug, a project by slug (unique in its
lab) — or, for publications, by a key local to the file. So a backup imports into a database
that holds other labs without colliding, and SQLite → PostgreSQL and back gives the same file.

What is in it: the Lab and its Site; every person with a membership in the lab, with their
memberships (of this lab), profile sections, news, honors, talks and teaching; the lab's news;
the lab's publications (those with a member author, and those its projects link) with all their
authorships — authors outside the lab are printed names or outside persons, exported without
their own parts — and links; the lab's projects with collaborators, figures and linked papers;
its redirects; the accounts linked to those people; every media file a row names (avatars,
thumbnails, figures, renditions) or its markdown points at (markdownx uploads, imported images).

Accounts keep their username, names, e-mail, ``is_staff``/``is_active`` and **password hash**,
so a restore is a real restore (members sign in as before). That makes the file as sensitive as
the database: store it like one. Superuser status, groups and permissions are not exported: they
belong to the deployment, not to one lab (a lab's powers come from its memberships), and a lab's
file must not be a way to become superuser somewhere else. An account that already exists in the
target (same username) is linked as it is, never changed.

Import is all or nothing (one transaction; media files written are removed again on failure),
refuses a lab whose slug exists unless ``replace`` is given, and reports counts. Rows are saved
the way ``loaddata`` saves them (``save_base(raw=True)``): the values stored are the values
exported — markdown HTML, timestamps, renditions — with no re-rendering and no new thumbnails.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sites.models import Site
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from labsite.models import Redirect
from people.models import (
    CVEntry,
    Honor,
    Lab,
    Membership,
    NewsItem,
    Person,
    ProfileSection,
    Talk,
    Teaching,
)
from publications.models import Authorship, Publication, PublicationLink
from research.models import Collaborator, Figure, Project

FORMAT = "labsite-lab-backup"
#: 2: CV entries (``cv_entries``) and ``Person.cv_hidden``.
VERSION = 2
USER_FIELDS = ("username", "first_name", "last_name", "email", "is_staff", "is_active", "password")
USER_FIELDS += ("date_joined", "last_login")

#: Rows of a backup, in the order they are written and read back (a row's targets come first).
#: ``data.json`` has one list per name; a row's relations are natural keys (see ``_ref``).
MODELS: dict[str, type[models.Model]] = {
    "publications": Publication,
    "persons": Person,
    "labs": Lab,
    "memberships": Membership,
    "sections": ProfileSection,
    "news": NewsItem,
    "honors": Honor,
    "cv_entries": CVEntry,
    "talks": Talk,
    "teaching": Teaching,
    "authorships": Authorship,
    "links": PublicationLink,
    "projects": Project,
    "collaborators": Collaborator,
    "figures": Figure,
    "redirects": Redirect,
}
#: A member's own parts: replaced as a whole when the member is imported again.
PERSON_PARTS = ("sections", "news", "honors", "cv_entries", "talks", "teaching")


class BackupError(Exception):
    """A backup that cannot be written or read; the message says why. Nothing was written."""


@dataclass
class BackupResult:
    lab: Lab
    path: Path
    counts: dict[str, int] = field(default_factory=dict)


# --- export ---------------------------------------------------------------------------------


def export_lab(*, lab: Lab, path: Path) -> BackupResult:
    """Write ``lab``'s data and media to the zip file ``path``."""
    rows = _collect(lab)
    keys = _Keys(rows)
    data: dict[str, Any] = {
        "site": {"domain": lab.site.domain, "name": lab.site.name},
        "users": [_user_row(user) for user in _users(rows)],
    }
    for name in MODELS:
        data[name] = [_row(obj, keys) for obj in rows[name]]
    data["persons"] = [
        {**row, "member": obj.pk in keys.members}
        for row, obj in zip(data["persons"], rows["persons"], strict=True)
    ]
    for row, obj in zip(data["publications"], rows["publications"], strict=True):
        row["key"] = keys.publication[obj.pk]
    for row, obj in zip(data["projects"], rows["projects"], strict=True):
        row["publications"] = sorted(keys.publication[p.pk] for p in obj.publications.all())

    media = _media_names(rows, data)
    payload = json.dumps(data, cls=_Encoder, indent=1, sort_keys=True).encode()
    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "lab": lab.slug,
        "exported_at": timezone.now().isoformat(),
        "counts": _counts(data),
        "data_sha256": hashlib.sha256(payload).hexdigest(),
        "media": {},
    }
    path = Path(path)
    try:
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("data.json", payload)
            for name in media:
                with default_storage.open(name, "rb") as source:
                    content = source.read()
                manifest["media"][name] = hashlib.sha256(content).hexdigest()
                archive.writestr(f"media/{name}", content)
            archive.writestr("manifest.json", json.dumps(manifest, indent=1, sort_keys=True))
    except OSError as exc:
        raise BackupError(f"Cannot write {path}: {exc}") from exc
    return BackupResult(lab=lab, path=path, counts={**manifest["counts"], "media": len(media)})


def _collect(lab: Lab) -> dict[str, list[models.Model]]:
    """Every row of the backup, by name, each list in primary-key order (the order the rows
    were made: models ordered by ``order, pk`` keep their ties' order through a round trip)."""
    members = Person.objects.filter(memberships__lab=lab).distinct()
    projects = Project.objects.filter(lab=lab)
    publications = Publication.objects.filter(
        Q(pk__in=Publication.objects.for_lab(lab)) | Q(projects__in=projects)
    ).distinct()
    authorships = Authorship.objects.filter(publication__in=publications)
    collaborators = Collaborator.objects.filter(project__in=projects)
    linked = {
        *authorships.values_list("person", flat=True),
        *collaborators.values_list("person", flat=True),
        *projects.values_list("owner", flat=True),
    }
    persons = Person.objects.filter(Q(pk__in=members) | Q(pk__in=linked - {None}))
    own_news = Q(person__in=members) & (Q(lab__isnull=True) | Q(lab=lab))
    rows = {
        "publications": publications,
        "persons": persons,
        "labs": Lab.objects.filter(pk=lab.pk),
        "memberships": Membership.objects.filter(lab=lab),
        "sections": ProfileSection.objects.filter(person__in=members),
        "news": NewsItem.objects.filter(own_news | Q(lab=lab, person__isnull=True)),
        "honors": Honor.objects.filter(person__in=members),
        "cv_entries": CVEntry.objects.filter(person__in=members),
        "talks": Talk.objects.filter(person__in=members),
        "teaching": Teaching.objects.filter(person__in=members),
        "authorships": authorships,
        "links": PublicationLink.objects.filter(publication__in=publications),
        "projects": projects,
        "collaborators": collaborators,
        "figures": Figure.objects.filter(project__in=projects),
        "redirects": Redirect.objects.filter(lab=lab),
    }
    return {name: list(queryset.order_by("pk")) for name, queryset in rows.items()}


class _Encoder(DjangoJSONEncoder):
    """Django's, but datetimes keep their microseconds (Django's rounds to milliseconds, so a
    restored row would differ from the original)."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime.datetime):
            return o.isoformat()
        return super().default(o)


class _Keys:
    """Natural keys of the rows others point at."""

    def __init__(self, rows: dict[str, list[models.Model]]):
        self.members = {m.person_id for m in rows["memberships"]}
        self.publication = {p.pk: f"publication-{n}" for n, p in enumerate(rows["publications"])}

    def ref(self, obj: models.Model, fk: models.ForeignKey) -> Any:
        target_pk = getattr(obj, fk.attname)
        if target_pk is None:
            return None
        if fk.related_model is Publication:
            return self.publication[target_pk]
        target = getattr(obj, fk.name)
        return _natural_key(target)


def _natural_key(obj: models.Model) -> str:
    if isinstance(obj, Site):
        return obj.domain
    if isinstance(obj, Lab | Person | Project):
        return obj.slug
    if isinstance(obj, get_user_model()):
        return obj.get_username()
    raise BackupError(f"No natural key for {obj._meta.label}")  # a model this file cannot name


#: Fields that are bookkeeping, not content: a lab's page-cache counter moves with every save
#: (the restore itself bumps it) and means nothing in another database.
NOT_DATA = frozenset({"content_version"})


def _row(obj: models.Model, keys: _Keys) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for f in obj._meta.concrete_fields:
        if f.primary_key or f.name in NOT_DATA:
            continue
        if f.is_relation:
            row[f.name] = keys.ref(obj, f)
        elif isinstance(f, models.FileField):
            row[f.name] = getattr(obj, f.attname).name or ""
        else:
            row[f.name] = f.value_from_object(obj)
    return row


def _users(rows: dict[str, list[models.Model]]) -> list[Any]:
    users = [person.user for person in rows["persons"] if person.user_id]
    return sorted(users, key=lambda user: user.get_username())


def _user_row(user) -> dict[str, Any]:
    return {name: getattr(user, name) for name in USER_FIELDS}


def _media_names(rows: dict[str, list[models.Model]], data: dict[str, Any]) -> list[str]:
    """Stored files the rows name, and those their text points at (``/media/…`` in markdown)
    that exist in storage. A file a row names must exist: a backup without it is not one."""
    names: set[str] = set()
    for objs in rows.values():
        for obj in objs:
            for f in obj._meta.concrete_fields:
                if isinstance(f, models.FileField) and getattr(obj, f.attname).name:
                    stored = getattr(obj, f.attname).name
                    if not default_storage.exists(stored):
                        raise BackupError(
                            f"{obj._meta.verbose_name} {obj} names the file {stored!r}, "
                            "which is not in media storage."
                        )
                    names.add(stored)
    for referenced in _media_references(data):
        if default_storage.exists(referenced):
            names.add(referenced)
    return sorted(names)


def _media_references(value: Any) -> set[str]:
    """Media paths named in text, as ``MEDIA_URL``-relative paths (``uploads/2026/12/x.png``)."""
    pattern = re.compile(re.escape(settings.MEDIA_URL) + r"([\w\-./]+\.\w+)")
    found: set[str] = set()
    if isinstance(value, str):
        for match in pattern.finditer(value):
            candidate = PurePosixPath(match.group(1))
            if ".." not in candidate.parts:
                found.add(str(candidate))
    elif isinstance(value, dict):
        for item in value.values():
            found |= _media_references(item)
    elif isinstance(value, list):
        for item in value:
            found |= _media_references(item)
    return found


def _counts(data: dict[str, Any]) -> dict[str, int]:
    return {name: len(data[name]) for name in ("users", *MODELS)}


# --- import ---------------------------------------------------------------------------------


def import_lab(*, path: Path, replace: bool = False) -> BackupResult:
    """Read the backup ``path`` into the database and media storage, all or nothing."""
    manifest, data, media = read_backup(Path(path))
    written: list[str] = []
    try:
        with transaction.atomic():
            # Files first: an image field reads its file's size when a row names it.
            media_count = _write_media(media, written)
            lab, counts = _load(manifest, data, replace=replace)
            counts["media"] = media_count
    except BackupError:
        _remove(written)
        raise
    except Exception as exc:
        _remove(written)
        raise BackupError(f"{path} does not fit this database: {exc}") from exc
    return BackupResult(lab=lab, path=Path(path), counts=counts)


def read_backup(path: Path) -> tuple[dict[str, Any], dict[str, Any], dict[str, bytes]]:
    """``(manifest, data, media)`` of a backup file, checked against its manifest."""
    if not path.is_file():
        raise BackupError(f"{path} is not a file.")
    if not zipfile.is_zipfile(path):
        raise BackupError(f"{path} is not a labsite backup (not a zip file).")
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "manifest.json" not in names or "data.json" not in names:
                raise BackupError(f"{path} is not a labsite backup (no manifest.json/data.json).")
            manifest = _json(archive.read("manifest.json"), "manifest.json")
            if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
                raise BackupError(f"{path} is not a labsite backup (unknown format).")
            if manifest.get("version") != VERSION:
                raise BackupError(
                    f"{path} is a version {manifest.get('version')!r} backup; this labsite "
                    f"reads version {VERSION}."
                )
            payload = archive.read("data.json")
            if hashlib.sha256(payload).hexdigest() != manifest.get("data_sha256"):
                raise BackupError(f"{path}: data.json does not match its manifest (altered?).")
            data = _json(payload, "data.json")
            media: dict[str, bytes] = {}
            for name, digest in (manifest.get("media") or {}).items():
                if not _safe_media_name(name):
                    raise BackupError(f"{path}: unsafe media file name {name!r}.")
                member = f"media/{name}"
                if member not in names:
                    raise BackupError(f"{path}: the media file {name!r} is missing.")
                content = archive.read(member)
                if hashlib.sha256(content).hexdigest() != digest:
                    raise BackupError(f"{path}: the media file {name!r} was altered.")
                media[name] = content
    except (zipfile.BadZipFile, OSError, KeyError) as exc:
        raise BackupError(f"{path} cannot be read: {exc}") from exc
    if not isinstance(data, dict) or any(not isinstance(data.get(n), list) for n in MODELS):
        raise BackupError(f"{path}: data.json is not a lab backup's data.")
    return manifest, data, media


def _json(raw: bytes, name: str) -> Any:
    try:
        return json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BackupError(f"{name} is not valid JSON: {exc}") from exc


def _safe_media_name(name: str) -> bool:
    parts = PurePosixPath(name).parts
    return bool(parts) and not name.startswith("/") and ".." not in parts and "\\" not in name


class _Loader:
    """Rows of one backup saved into the database, their natural keys resolved as they come."""

    def __init__(self, data: dict[str, Any]):
        self.data = data
        self.users: dict[str, Any] = {}
        self.labs: dict[str, Lab] = {}
        self.persons: dict[str, Person] = {}
        self.projects: dict[str, Project] = {}
        self.publications: dict[str, Publication] = {}
        self.counts: Counter[str] = Counter()

    def target(self, fk: models.ForeignKey, key: Any) -> models.Model | None:
        if key is None:
            return None
        model = fk.related_model
        table = {
            Lab: self.labs,
            Person: self.persons,
            Project: self.projects,
            Publication: self.publications,
        }.get(model)
        if table is None and model is get_user_model():
            table = self.users
        if table is None or key not in table:
            raise BackupError(f"{fk.model._meta.label}.{fk.name} points at {key!r}, not in file.")
        return table[key]

    def publication(self, key: str) -> Publication:
        if key not in self.publications:
            raise BackupError(f"A project links the paper {key!r}, which is not in the file.")
        return self.publications[key]

    def build(self, model: type[models.Model], row: dict[str, Any], obj=None) -> models.Model:
        """``obj`` (or a new ``model``) with the row's values, checked field by field."""
        obj = obj or model()
        known = {f.name: f for f in model._meta.concrete_fields if not f.primary_key}
        extra = set(row) - set(known) - {"key", "member", "publications"}
        if extra:
            raise BackupError(f"{model._meta.label} has no field(s) {sorted(extra)}.")
        for name, f in known.items():
            if name not in row:
                continue  # a field newer than the file keeps its default
            value = row[name]
            if f.is_relation:
                setattr(obj, f.name, self.target(f, value))
            elif isinstance(f, models.FileField):
                setattr(obj, f.attname, value or "")
            elif isinstance(f, models.JSONField):
                setattr(obj, f.attname, value)
            else:
                setattr(obj, f.attname, f.to_python(value))
        return obj

    def save(self, name: str, obj: models.Model) -> models.Model:
        # As loaddata saves: values as exported (HTML, timestamps, renditions), no save() logic.
        obj.save_base(raw=True)
        self.counts[name] += 1
        return obj


def _load(manifest: dict[str, Any], data: dict[str, Any], *, replace: bool):
    loader = _Loader(data)
    slug = manifest.get("lab")
    [lab_row] = data["labs"] if len(data["labs"]) == 1 else [None]
    if lab_row is None or lab_row.get("slug") != slug:
        raise BackupError("The backup's data does not hold exactly the lab its manifest names.")
    existing = Lab.objects.filter(slug=slug).first()
    if existing is not None:
        if not replace:
            raise BackupError(
                f"A lab {slug!r} exists already; give --replace to replace it with the backup."
            )
        existing.delete()

    _load_users(loader, data.get("users") or [])
    site_row = data.get("site") or {}
    site, _ = Site.objects.get_or_create(
        domain=site_row.get("domain", ""), defaults={"name": site_row.get("name", "")}
    )
    if Lab.objects.filter(site=site).exists():
        raise BackupError(f"The site {site.domain} belongs to another lab already.")
    site.name = site_row.get("name", site.name)
    site.save()

    for row in data["publications"]:
        loader.publications[row["key"]] = _load_publication(loader, row)
    for row in data["persons"]:
        loader.persons[row["slug"]] = _load_person(loader, row)

    lab = loader.build(Lab, {**lab_row, "site": None})
    lab.site = site
    if lab.is_default and Lab.objects.filter(is_default=True).exists():
        lab.is_default = False  # the target has its default lab: this one joins it
    loader.labs[slug] = loader.save("labs", lab)

    for name in ("memberships", *PERSON_PARTS, "authorships", "links"):
        for row in data[name]:
            loader.save(name, loader.build(MODELS[name], row))
    for row in data["projects"]:
        project = loader.save("projects", loader.build(Project, row))
        project.publications.set([loader.publication(key) for key in row["publications"]])
        loader.projects[project.slug] = project
    for name in ("collaborators", "figures", "redirects"):
        for row in data[name]:
            loader.save(name, loader.build(MODELS[name], row))
    _bump_cache()
    return lab, {"users": loader.counts["users"], **{n: loader.counts[n] for n in MODELS}}


def _load_users(loader: _Loader, rows: list[dict[str, Any]]) -> None:
    User = get_user_model()
    for row in rows:
        username = row["username"]
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(is_superuser=False)
            for name in USER_FIELDS:
                f = User._meta.get_field(name)
                setattr(user, name, f.to_python(row.get(name, f.get_default())))
            user.save()
            loader.counts["users"] += 1
        loader.users[username] = user


def _load_person(loader: _Loader, row: dict[str, Any]) -> Person:
    """A person by slug: a member's row and parts replace what the target holds; an outside
    person already there (an author from another lab) is linked as they are."""
    person = Person.objects.filter(slug=row["slug"]).first()
    if person is not None and not row.get("member"):
        return person
    if person is not None:
        for name in PERSON_PARTS:
            MODELS[name].objects.filter(person=person).delete()
    person = loader.build(Person, row, person)
    if person.user_id and Person.objects.filter(user=person.user).exclude(pk=person.pk).exists():
        raise BackupError(f"The account {person.user} belongs to another person already.")
    return loader.save("persons", person)


def _load_publication(loader: _Loader, row: dict[str, Any]) -> Publication:
    """A paper by DOI (or, without one, by title and year when that names one paper): found,
    it takes the backup's values, authors and links; else it is created."""
    match = Publication.objects.none()
    if row.get("doi"):
        match = Publication.objects.filter(doi=row["doi"])
    elif row.get("title"):
        match = Publication.objects.filter(doi="", title=row["title"], year=row.get("year"))
    publication = match.first() if match.count() == 1 else None
    if publication is not None:
        publication.authorships.all().delete()
        publication.links.all().delete()
    return loader.save("publications", loader.build(Publication, row, publication))


def _write_media(media: dict[str, bytes], written: list[str]) -> int:
    """Each file at its stored name (rows and markdown point at it). A file already there with
    the same bytes is kept; with other bytes it is a conflict, not something to overwrite."""
    count = 0
    for name, content in sorted(media.items()):
        if default_storage.exists(name):
            with default_storage.open(name, "rb") as existing:
                if existing.read() == content:
                    continue
            raise BackupError(f"The media file {name!r} exists with other content.")
        stored = default_storage.save(name, ContentFile(content))
        written.append(stored)
        if stored != name:
            raise BackupError(f"The media file {name!r} could not be stored under its name.")
        count += 1
    return count


def _remove(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)


def _bump_cache() -> None:
    from labsite.cache import bump_content_version

    transaction.on_commit(bump_content_version)
