"""export_lab / import_lab (issue 8, item 9): one lab's data and media, a lossless round trip.

The snapshot below is written independently of labsite/backup.py: every row of every model the
backup covers, every field except the primary key, relations named by what they point at.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sites.models import Site
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, models
from PIL import Image

from labsite.backup import BackupError, export_lab, import_lab
from labsite.models import Redirect
from people.models import (
    Honor,
    Lab,
    Membership,
    NewsItem,
    Person,
    Post,
    ProfileSection,
    Talk,
    Teaching,
)
from publications import entries
from publications.models import Authorship, Publication, PublicationLink
from research.models import Collaborator, Figure, Project
from tests import factories as f

pytestmark = pytest.mark.django_db

COVERED = [
    Site,
    Lab,
    Person,
    Membership,
    ProfileSection,
    NewsItem,
    Honor,
    Talk,
    Teaching,
    Publication,
    Authorship,
    PublicationLink,
    Project,
    Collaborator,
    Figure,
    Redirect,
    Post,
]


def png(width: int, height: int, color=(40, 90, 160)) -> ContentFile:
    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, format="PNG")
    return ContentFile(out.getvalue(), name="image.png")


def describe(obj) -> object:
    """What a relation points at, without its primary key."""
    if obj is None:
        return None
    if isinstance(obj, Site):
        return obj.domain
    if isinstance(obj, Lab | Person | Project):
        return obj.slug
    if isinstance(obj, Publication):
        return (obj.title, obj.doi, obj.year)
    if isinstance(obj, get_user_model()):
        return obj.username
    raise AssertionError(f"no description for {obj!r}")


def snapshot() -> dict[str, list]:
    """Every covered row (and linked account), every field but the pk, sorted."""
    result: dict[str, list] = {}
    for model in COVERED:
        rows = []
        queryset = model.objects.all()
        if model is Site:
            queryset = queryset.filter(lab__isnull=False)
        for obj in queryset:
            row = {}
            for field in obj._meta.concrete_fields:
                if field.primary_key:
                    continue
                value = getattr(obj, field.name)
                if field.is_relation:
                    value = describe(value)
                elif isinstance(field, models.FileField):
                    value = value.name
                elif field.name == "entry_parts":
                    # The stored list entry names rows by pk, which a round trip changes: what
                    # must hold is that it is the entry these rows make.
                    value = value == entries.build_parts(
                        Publication.objects.with_authors().get(pk=obj.pk)
                    )
                row[field.name] = value
            if model is Project:
                row["publications"] = sorted(describe(p) for p in obj.publications.all())
            rows.append(repr(sorted(row.items())))
        result[model._meta.label] = sorted(rows)
    users = get_user_model().objects.filter(person__isnull=False)
    result["users"] = sorted(
        repr([u.username, u.email, u.is_staff, u.is_active, u.password, u.is_superuser])
        for u in users
    )
    return result


def media_bytes() -> dict[str, bytes]:
    root = Path(settings.MEDIA_ROOT)
    if not root.exists():
        return {}
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.fixture
def rich(alice, bob, carol, dana):
    """Lab A with one of everything, media, and ties to lab B (a paper alice shares with carol,
    carol as a collaborator) that must come along as outside people, not as lab B's data."""
    lab_a = alice.person.memberships.get().lab
    lab_b = carol.person.memberships.get().lab
    alice.person.avatar.save("me.png", png(900, 700), save=False)
    upload = default_storage.save("uploads/2026/12/0123abcd.png", png(30, 20, (200, 10, 10)))
    alice.person.bio = f"Hello.\n\n![a plot](/media/{upload})"
    alice.person.aliases = ["A. Anders", "Alice A."]
    alice.person.save()
    figure = f.FigureFactory(project=alice.project, image=png(1600, 800), alt_text="The rig")
    assert figure.rendition  # a web rendition was made
    shared = f.PublicationFactory(title="A shared paper", doi="10.1234/shared.1", year=2023)
    f.AuthorshipFactory(publication=shared, person=alice.person, position=0, selected=True)
    f.AuthorshipFactory(publication=shared, person=carol.person, position=1)
    f.AuthorshipFactory(publication=shared, person=None, name="Printed Only", position=2)
    f.PublicationLinkFactory(publication=shared, kind="pdf", url="https://example.org/s.pdf")
    alice.project.publications.add(shared, carol.publication)
    f.CollaboratorFactory(project=alice.project, person=carol.person, name="C. Chen", order=1)
    f.CollaboratorFactory(project=alice.project, person=None, name="Outside Friend", order=2)
    f.NewsItemFactory(lab=lab_a, person=None, text="Lab A moved buildings")
    f.NewsItemFactory(lab=lab_b, person=None, text="Lab B news")
    f.ProfileSectionFactory(person=alice.person, title="Second section", order=0)
    Redirect.objects.create(lab=lab_a, old_path="/old/alice/", new_path="/people/alice-anders/")
    Membership.objects.create(person=bob.person, lab=lab_b, role="visitor")
    f.PostFactory(person=alice.person, title="Alice's write-up", project=alice.project, tags=["x"])
    f.PostFactory(person=bob.person, title="Bob's draft", status="draft")
    f.PostFactory(person=dana.person, lab=lab_a, title="Lab A's welcome")
    f.PostFactory(person=carol.person, lab=lab_b, title="Lab B's welcome")
    return lab_a, lab_b


def empty_database() -> None:
    Publication.objects.all().delete()
    Person.objects.all().delete()
    Lab.objects.all().delete()
    Site.objects.exclude(pk=settings.SITE_ID if hasattr(settings, "SITE_ID") else 1).delete()
    get_user_model().objects.all().delete()
    for name in list(media_bytes()):
        default_storage.delete(name)


def test_round_trip_of_every_lab_loses_nothing(rich, tmp_path):
    lab_a, lab_b = rich
    before, files_before = snapshot(), media_bytes()
    # avatar, its thumbnail and 4 WebP copies (80-480 px); figure, rendition and 5 WebP copies
    # (320-1600 px); a markdownx upload
    assert len(files_before) == 14
    assert sum(name.endswith(".webp") for name in files_before) == 9
    export_lab(lab=lab_a, path=tmp_path / "a.zip")
    export_lab(lab=lab_b, path=tmp_path / "b.zip")

    empty_database()
    assert (Person.objects.count(), media_bytes()) == (0, {})
    import_lab(path=tmp_path / "a.zip")
    import_lab(path=tmp_path / "b.zip")

    assert snapshot() == before
    assert media_bytes() == files_before


def test_round_trip_of_one_lab_keeps_its_rows_and_files(rich, tmp_path):
    lab_a, _ = rich
    alice = Person.objects.get(slug="alice-anders")
    alice_before = [repr(row) for row in snapshot()["people.Person"] if "alice-anders" in row]
    files_before = media_bytes()
    result = export_lab(lab=lab_a, path=tmp_path / "a.zip")
    assert result.counts["media"] == 14  # 5 files and the 9 WebP copies of avatar and figure
    empty_database()
    imported = import_lab(path=tmp_path / "a.zip")
    assert imported.counts == {
        "users": 4,  # carol's account comes with her, as an outside co-author
        "publications": 5,  # three own papers, the shared one, carol's (a project links it)
        "persons": 4,
        "labs": 1,
        "memberships": 3,
        "sections": 4,
        "news": 4,
        "honors": 3,
        "cv_entries": 3,
        "talks": 3,
        "teaching": 3,
        "authorships": 11,
        "links": 1,
        "projects": 3,
        "collaborators": 2,
        "figures": 1,
        "redirects": 1,
        "posts": 3,  # alice's and bob's own, lab A's; not lab B's
        "media": 14,
    }
    assert [repr(row) for row in snapshot()["people.Person"] if "alice-anders" in row] == (
        alice_before
    )
    assert media_bytes() == files_before
    restored = Person.objects.get(slug="alice-anders")
    assert (restored.user.username, restored.user.check_password("pw")) == ("alice", True)
    assert restored.bio_html == alice.bio_html


def test_export_holds_the_lab_and_outside_people_but_nothing_of_the_other_lab(rich, tmp_path):
    lab_a, _ = rich
    export_lab(lab=lab_a, path=tmp_path / "a.zip")
    with zipfile.ZipFile(tmp_path / "a.zip") as archive:
        data = json.loads(archive.read("data.json"))
    persons = {row["slug"]: row["member"] for row in data["persons"]}
    assert persons == {
        "alice-anders": True,
        "bob-brown": True,
        "dana-diaz": True,
        "carol-chen": False,  # a co-author and collaborator: linked, her parts stay behind
    }
    assert sorted(row["title"] for row in data["sections"]) == [
        "About Alice Anders",
        "About Bob Brown",
        "About Dana Diaz",
        "Second section",
    ]
    assert sorted(row["text"] for row in data["news"]) == [
        "Alice Anders news",
        "Bob Brown news",
        "Dana Diaz news",
        "Lab A moved buildings",
    ]
    assert [(row["person"], row["lab"]) for row in data["memberships"]] == [
        ("alice-anders", "lab-a"),
        ("bob-brown", "lab-a"),
        ("dana-diaz", "lab-a"),
    ]  # bob's visit to lab B is lab B's
    assert sorted(row["title"] for row in data["projects"]) == [
        "Alice Anders's project",
        "Bob Brown's project",
        "Dana Diaz's project",
    ]
    assert sorted(row["username"] for row in data["users"]) == ["alice", "bob", "carol", "dana"]
    assert all("is_superuser" not in row for row in data["users"])


def test_import_refuses_an_existing_lab_unless_replace(rich, tmp_path):
    lab_a, _ = rich
    export_lab(lab=lab_a, path=tmp_path / "a.zip")
    before = snapshot()
    with pytest.raises(BackupError) as error:
        import_lab(path=tmp_path / "a.zip")
    assert str(error.value) == (
        "A lab 'lab-a' exists already; give --replace to replace it with the backup."
    )
    assert snapshot() == before

    import_lab(path=tmp_path / "a.zip", replace=True)
    assert snapshot() == before  # replaced by itself: nothing doubled, nothing lost


def test_commands_report_counts(rich, tmp_path, capsys):
    lab_a, _ = rich
    call_command("export_lab", "--lab", "lab-a", str(tmp_path / "a.zip"))
    out = capsys.readouterr().out
    assert out.splitlines()[1] == "The file holds password hashes: store it like a database dump."
    empty_database()
    call_command("import_lab", str(tmp_path / "a.zip"))
    out = capsys.readouterr().out
    assert out.startswith(f"Imported lab lab-a from {tmp_path / 'a.zip'}: 4 users, 5 publications")
    with pytest.raises(CommandError) as error:
        call_command("export_lab", "--lab", "no-such-lab", str(tmp_path / "x.zip"))
    assert str(error.value) == "No lab 'no-such-lab'."


def rewrite(source: Path, target: Path, change) -> Path:
    """A copy of the backup ``source`` with ``change(members: dict[name, bytes])`` applied."""
    with zipfile.ZipFile(source) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    change(members)
    with zipfile.ZipFile(target, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return target


def manifest_change(**values):
    def change(members):
        manifest = json.loads(members["manifest.json"])
        manifest.update(values)
        members["manifest.json"] = json.dumps(manifest).encode()

    return change


def drop_a_media_file(members):
    name = next(n for n in members if n.startswith("media/avatars/"))
    del members[name]


def alter_a_media_file(members):
    name = next(n for n in members if n.startswith("media/uploads/"))
    members[name] = members[name] + b"<script>alert(1)</script>"


def tamper_data(members):
    members["data.json"] = members["data.json"].replace(b"Alice Anders", b"Mallory")


def tamper_data_and_digest(members):
    """Data altered *and* its digest recomputed: the rows themselves must still be checked."""
    import hashlib

    data = json.loads(members["data.json"])
    data["authorships"][0]["person"] = "nobody-at-all"
    members["data.json"] = json.dumps(data).encode()
    manifest = json.loads(members["manifest.json"])
    manifest["data_sha256"] = hashlib.sha256(members["data.json"]).hexdigest()
    members["manifest.json"] = json.dumps(manifest).encode()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        pytest.param(manifest_change(version=2), "is a version 2 backup", id="wrong-version"),
        pytest.param(manifest_change(format="x"), "not a labsite backup", id="wrong-format"),
        pytest.param(drop_a_media_file, "is missing", id="missing-media"),
        pytest.param(alter_a_media_file, "was altered", id="altered-media"),
        pytest.param(tamper_data, "data.json does not match its manifest", id="tampered-json"),
        pytest.param(tamper_data_and_digest, "points at 'nobody-at-all'", id="bad-reference"),
    ],
)
def test_a_bad_file_is_refused_and_nothing_written(rich, tmp_path, change, message):
    lab_a, _ = rich
    export_lab(lab=lab_a, path=tmp_path / "a.zip")
    bad = rewrite(tmp_path / "a.zip", tmp_path / "bad.zip", change)
    empty_database()
    with pytest.raises(BackupError) as error:
        import_lab(path=bad)
    assert message in str(error.value)
    assert (Lab.objects.count(), Person.objects.count(), Publication.objects.count()) == (0, 0, 0)
    assert media_bytes() == {}


def test_a_file_that_is_not_a_zip_is_refused(db, tmp_path):
    (tmp_path / "notes.zip").write_text("just some text")
    with pytest.raises(CommandError) as error:
        call_command("import_lab", str(tmp_path / "notes.zip"))
    assert str(error.value) == f"{tmp_path / 'notes.zip'} is not a labsite backup (not a zip file)."
    assert Lab.objects.count() == 0


# --- across databases: SQLite ⇄ PostgreSQL ----------------------------------------------------

POSTGRES = "postgres://postgres@127.0.0.1:5432/labsite_backup_test"


def other_database(tmp_path: Path) -> str:
    """The other kind of database than the suite's: PostgreSQL when the suite runs on SQLite, a
    SQLite file when it runs on PostgreSQL. Made empty here."""
    if connection.vendor == "postgresql":
        return f"sqlite:///{tmp_path / 'other.sqlite3'}"
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as db:
        db.execute("DROP DATABASE IF EXISTS labsite_backup_test")
        db.execute("CREATE DATABASE labsite_backup_test")
    return POSTGRES


def manage(database_url: str, media_root: Path, *args: str) -> str:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(media_root),
        "LABSITE_TESTING": "1",
        "DJANGO_SETTINGS_MODULE": "labsite.settings",
    }
    result = subprocess.run(
        [sys.executable, str(settings.BASE_DIR / "manage.py"), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=settings.BASE_DIR,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def contents(path: Path) -> tuple[dict, dict, dict[str, bytes]]:
    with zipfile.ZipFile(path) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        data = json.loads(archive.read("data.json"))
        media = {n: archive.read(n) for n in archive.namelist() if n.startswith("media/")}
    del manifest["exported_at"]
    return manifest, data, media


def test_a_lab_moves_to_the_other_database_and_back_unchanged(rich, tmp_path):
    lab_a, _ = rich
    export_lab(lab=lab_a, path=tmp_path / "here.zip")
    url = other_database(tmp_path)
    media_root = tmp_path / "other-media"
    manage(url, media_root, "migrate", "--no-input", "-v", "0")
    out = manage(url, media_root, "import_lab", str(tmp_path / "here.zip"))
    assert out.startswith("Imported lab lab-a from")
    manage(url, media_root, "export_lab", "--lab", "lab-a", str(tmp_path / "there.zip"))

    assert contents(tmp_path / "there.zip") == contents(tmp_path / "here.zip")

    # ...and back: into this (emptied) database, then out again, still the same file.
    empty_database()
    import_lab(path=tmp_path / "there.zip")
    export_lab(lab=Lab.objects.get(slug="lab-a"), path=tmp_path / "back.zip")
    assert contents(tmp_path / "back.zip") == contents(tmp_path / "here.zip")
