"""The writing half of ``import_pages``: match what exists, then write, one transaction per page.

:func:`load_site` takes what the pure steps understood
(:class:`~labsite.importing.records.SiteRecord`) and writes it into a lab. The rules it keeps:

- **Owner.** ``--person`` (a slug, or a full name that creates the person), else the names the
  site gives its owner (a front-matter title, the ``_config.yml`` author), else the name
  highlighted throughout the publication list; else :class:`OwnerError` asks for ``--person``.
- **One transaction per source page** (a savepoint inside the site's transaction, see
  :func:`_load_one`). An exception rolls back that page only and becomes one
  line, ``file:line: message``; the other pages still import.
- **Idempotent.** Every imported row stores ``source_file`` (``<site folder>/<path>``) and
  ``source_key``; a second run finds each row again and, when nothing changed, writes nothing.
- **Admin edits win.** ``imported_values`` keeps what the last import wrote. A field whose current
  value differs from it was edited in the admin: it is kept and reported as a conflict.
- **People.** The owner is created when new. A co-author or collaborator printed with a
  profile link (homepage, Scholar, ORCID, DBLP, …) becomes a Person without a membership, found
  again by that link or name on every later page and run (:mod:`labsite.importing.persons`); a
  name without a link is linked to an existing Person when matched and otherwise stays a
  printed name with ``person=None`` (a Person for every bare co-author name would fill the
  database with strangers, each a duplicate waiting for the next spelling). When a Person is
  created, the unlinked rows that name them are linked then
  (:func:`~labsite.importing.persons.link_back`), so import order does not matter.
- **Shared papers.** A paper is owned by the first source that imported it; another member's
  source that describes the same paper only fills empty fields, adds missing links, and links
  its owner's Authorship. Two sources never fight over a field. The paper's place within its
  year (``order``) is the one the fullest list naming it gives (:mod:`labsite.importing.papers`),
  whichever source imports first.
- **Dry run.** Everything runs inside one transaction that is rolled back; images are validated
  but not stored. The report is the same as the real one.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sized
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils.text import slugify

from labsite.importing import identity
from labsite.importing.extract.authors import same_person
from labsite.importing.identity import Indexes
from labsite.importing.media import read_image
from labsite.importing.persons import link_back
from labsite.importing.records import ProfileRecord, SiteRecord
from labsite.importing.report import PageReport, SiteReport
from labsite.importing.rows import merge_fields
from labsite.importing.writers import SiteWriter
from labsite.normalise import name_tokens, normalize_name
from people.models import Lab, Membership, Person, Role
from publications import entries

log = logging.getLogger(__name__)

# Template defaults that name nobody: academicpages ships "Your Name", al-folio "You R. Name".
PLACEHOLDER_NAMES = {
    "your name",
    "your sidebar name",
    "you r name",
    "first last",
    "firstname lastname",
    "jane doe",
    "john doe",
    "name",
    "author",
    "your full name",
    "your first name your last name",
}


class OwnerError(Exception):
    """The page owner cannot be told, or ``--person`` names nobody."""


Progress = Callable[[int, int, str], None]


def load_site(
    site: SiteRecord,
    *,
    lab: Lab,
    owner: str | None,
    dry_run: bool,
    verbosity: int,
    indexes: Indexes | None = None,
    progress: Progress | None = None,
) -> SiteReport:
    """Write ``site`` into ``lab``; ``owner`` is ``--person`` (slug or full name) or ``None``.

    Returns the report; never raises for a bad page (it is rolled back and reported). Raises
    nothing for an owner that cannot be told either: that is the report's one error line.
    ``verbosity`` changes nothing here: the report records every record, and
    :func:`~labsite.importing.report.render_report` chooses what to print.
    """
    return load_sites(
        [site],
        lab=lab,
        owner=owner,
        dry_run=dry_run,
        verbosity=verbosity,
        indexes=indexes,
        progress=progress,
    )[0]


def load_sites(
    sites: Iterable[SiteRecord],
    *,
    lab: Lab,
    owner: str | None,
    dry_run: bool,
    verbosity: int,
    indexes: Indexes | None = None,
    progress: Progress | None = None,
    total: int | None = None,
) -> list[SiteReport]:
    """:func:`load_site` for several sites, sharing one set of indexes (one dry-run transaction).

    ``sites`` may be a stream (the command loads each site while workers still read the next
    ones); ``total`` is then the number of sites expected, for the progress bar.
    """
    indexes = indexes or Indexes.from_database()
    if owner is None:
        sites = (part for site in sites for part in split_by_owner(site))
    if total is None:
        total = len(sites) if isinstance(sites, Sized) else 0
    counter = _ProgressCounter(total, progress)
    reports: list[SiteReport] = []
    if dry_run:
        with transaction.atomic():
            for site in sites:
                reports.append(
                    _load_one(
                        site,
                        lab=lab,
                        owner_arg=owner,
                        dry_run=True,
                        indexes=indexes,
                        counter=counter,
                    )
                )
            transaction.set_rollback(True)
    else:
        for site in sites:
            reports.append(
                _load_one(
                    site, lab=lab, owner_arg=owner, dry_run=False, indexes=indexes, counter=counter
                )
            )
        if any(r.totals()["created"] or r.totals()["updated"] for r in reports):
            # Rows inserted in bulk sent no post_save: make every cached page stale once.
            from labsite.cache import bump_content_version

            bump_content_version()
    return reports


@dataclass
class _ProgressCounter:
    total: int
    callback: Progress | None
    done: int = 0

    def step(self, label: str) -> None:
        self.done += 1
        if self.callback is not None:
            self.callback(self.done, self.total, label)


def site_label(site: SiteRecord) -> str:
    """The folder name that prefixes every ``source_file`` of this site (``nexus-lab``)."""
    root = site.root
    if root.is_file():
        root = root.parent
    return root.name or "site"


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:300]


def _load_one(
    site: SiteRecord,
    *,
    lab: Lab,
    owner_arg: str | None,
    dry_run: bool,
    indexes: Indexes,
    counter: _ProgressCounter,
) -> SiteReport:
    """One site: its owner, then each page in its own ``transaction.atomic()``.

    The pages' transactions nest in one per site, so each page is a savepoint: a page that
    fails rolls back alone, exactly as with a transaction each, but the site commits once.
    On SQLite every commit is an fsync (about 10 ms here); a site of 100 ``_publications/``
    files would otherwise spend a second just committing. A crash mid-site loses that site's
    pages, which the next (idempotent) run writes again.
    """
    # Entries of the papers touched are rebuilt once, before the site commits.
    with transaction.atomic(), entries.batch():
        report = _load_pages(site, lab=lab, owner_arg=owner_arg, dry_run=dry_run, indexes=indexes)
    counter.step(str(site.root))
    return report


def _load_pages(
    site: SiteRecord,
    *,
    lab: Lab,
    owner_arg: str | None,
    dry_run: bool,
    indexes: Indexes,
) -> SiteReport:
    label = site_label(site)
    report = SiteReport(root=str(site.root), dry_run=dry_run)
    report.errors.extend(f"{label}/{error}" for error in site.errors)
    if not site.pages:
        if not site.errors:
            report.errors.append(f"{site.root}: no pages to import")
        return report
    profile_page = PageReport(source=f"{label} (profile)")
    try:
        with transaction.atomic():
            owner, created = resolve_owner(
                site, owner_arg=owner_arg, people=indexes.people, page=profile_page
            )
            _apply_profile(
                owner,
                site.profile,
                created=created,
                lab=lab,
                root=site.root,
                label=label,
                dry_run=dry_run,
                page=profile_page,
                people=indexes.people,
            )
            link_back(owner, lab=lab, label=label, page=profile_page, people=indexes.people)
    except OwnerError as exc:
        # One loose page: name the file, not the folder it sits in.
        where = site.root / site.pages[0].source.path if len(site.pages) == 1 else site.root
        report.errors.append(f"{where}: {exc}")
        return report
    except Exception as exc:  # noqa: BLE001 - one line per failure, the other sites go on
        log.debug("profile of %s failed", site.root, exc_info=True)
        report.errors.append(f"{site.root}: {_one_line(exc)}")
        _reload(indexes)
        return report
    report.owner = owner.name
    report.pages.append(profile_page)

    writer = SiteWriter(
        site=site, lab=lab, owner=owner, label=label, dry_run=dry_run, indexes=indexes
    )
    writer.preload()
    for page in site.pages:
        page_report = PageReport(source=f"{label}/{page.source.path}")
        page_report.warnings.extend(page.warnings)
        writer.report = page_report
        try:
            with transaction.atomic():
                writer.write_page(page)
        except Exception as exc:  # noqa: BLE001 - the page rolls back alone; reported on one line
            log.debug("page %s failed", page.source, exc_info=True)
            writer.discard_files()
            page_report.error = f"{label}/{page.source}: {_one_line(exc)}"
            report.errors.append(page_report.error)
            _reload(indexes)
            writer.preload()
        else:
            writer.keep_files()
        report.pages.append(page_report)
    return report


def _reload(indexes: Indexes) -> None:
    """After a rollback the indexes may name rows that no longer exist: read them again."""
    fresh = Indexes.from_database()
    indexes.people, indexes.publications = fresh.people, fresh.publications


# --- the owner --------------------------------------------------------------------------------


def is_placeholder(name: str) -> bool:
    """A template's default ("Your Name") or a heading ("About Me"): a name of nobody."""
    normalized = normalize_name(name)
    if not normalized or normalized in PLACEHOLDER_NAMES or len(normalized.split()) > 6:
        return True
    return identity.heading_phrase(name)


def owner_candidates(site: SiteRecord) -> list[str]:
    """Names the site gives its owner, best first: page titles, config author, highlighted name."""
    names: list[str] = []
    for page in site.pages:
        names.extend(page.owner_names)
    profile = site.profile
    if profile.name:
        names.append(profile.name)
    highlighted: Counter[str] = Counter()
    printed: dict[str, str] = {}
    for page in site.pages:
        for pub in page.publications:
            for author in pub.authors:
                if author.is_owner and author.name:
                    key = normalize_name(author.name)
                    highlighted[key] += 1
                    # keep the longest spelling: "Yasmine Ouazzani" over "Y. Ouazzani"
                    if len(author.name) > len(printed.get(key, "")):
                        printed[key] = author.name
    names.extend(printed[key] for key, _ in highlighted.most_common())
    names = [name.strip() for name in names if name and not is_placeholder(name)]
    if not names:
        names = _common_author(site)
    # "Z. Wang" highlighted on the page and "Ziwei Wang" in _config.yml: the full spelling wins;
    # a name written out in full stays as its owner wrote it ("Ana Ruiz", not one paper's
    # "Ana M. Ruiz" or "Ana María Ruiz")
    fuller = []
    for name in names:
        longer = [n for n in names if len(n) > len(name) and same_person(n, name)]
        best = max(longer, key=len) if longer and _abbreviated(name) else name
        if best not in fuller:
            fuller.append(best)
    return fuller


def _abbreviated(name: str) -> bool:
    """Does the name hold an initial ("Z. Wang", "Wang Z"), or is it a surname alone?"""
    words = name.replace(".", ". ").split()
    return len(words) < 2 or any(len(word.strip(".")) == 1 for word in words)


def _common_author(site: SiteRecord) -> list[str]:
    """The one author of (nearly) every publication of a site that names nobody else.

    A .bib of one person's papers, with no ``_config.yml``, still tells whose it is: the name
    on at least 90% of three or more entries ("Gershon, Jacob" and "Gershon, Jacob Merle").
    """
    pubs = [pub for page in site.pages for pub in page.publications if pub.authors]
    if len(pubs) < 3:
        return []
    counts: Counter[tuple[str, str]] = Counter()
    longest: dict[tuple[str, str], str] = {}
    for pub in pubs:
        keys = set()
        for author in pub.authors:
            words = normalize_name(author.name).split()
            if len(words) < 2:
                continue
            key = (words[-1], words[0][:1])
            keys.add(key)
            if len(author.name) > len(longest.get(key, "")):
                longest[key] = author.name
        counts.update(keys)
    ranked = counts.most_common(2)
    if not ranked or ranked[0][1] < 0.9 * len(pubs):
        return []
    if len(ranked) > 1 and ranked[1][1] == ranked[0][1]:
        return []  # two people on every paper: cannot tell which one
    return [longest[ranked[0][0]]]


def split_by_owner(site: SiteRecord) -> list[SiteRecord]:
    """A folder of loose pages by several people (no ``_config.yml``): one part per owner.

    ``import_pages seeds/`` holds three members' pages; each page names its own owner (its
    title, or the author it highlights), so each goes to that person. A page that names nobody
    becomes its own part and gets the "cannot tell whose page this is" error. A Jekyll site, or
    a folder whose pages all name one person (or none), stays whole.
    """
    if site.profile.name or len(site.pages) < 2:
        return [site]
    owners: dict[str, list] = {}
    nameless = []
    for page in site.pages:
        names = owner_candidates(SiteRecord(root=site.root, pages=[page]))
        if names:
            owners.setdefault(normalize_name(names[0]), []).append(page)
        else:
            nameless.append(page)
    if len(owners) < 2:
        return [site]
    parts = [
        SiteRecord(root=site.root, profile=site.profile, pages=pages) for pages in owners.values()
    ]
    parts += [SiteRecord(root=site.root, profile=site.profile, pages=[page]) for page in nameless]
    parts[0].errors = list(site.errors)
    return parts


def resolve_owner(
    site: SiteRecord, *, owner_arg: str | None, people: identity.PeopleIndex, page: PageReport
) -> tuple[Person, bool]:
    """The page owner's Person and whether it was created now."""
    if owner_arg:
        owner_arg = owner_arg.strip()
        pk = people.get_slug(owner_arg) or people.get_slug(slugify(owner_arg))
        match = people.match(owner_arg) if pk is None else None
        if (
            pk is None
            and match is not None
            and match.certain
            and match.reason in {"same name", "slug"}
        ):
            pk = match.pk
        if pk is not None:
            return Person.objects.get(pk=pk), False
        if len(name_tokens(owner_arg)) < 2 or re.fullmatch(r"[a-z0-9-]+", owner_arg):
            raise OwnerError(
                f"no person with the slug {owner_arg!r}; give the full name "
                f'(--person "First Last") to create them'
            )
        return _create_person(owner_arg, people=people, page=page), True
    candidates = owner_candidates(site)
    if not candidates:
        raise OwnerError(
            "cannot tell whose page this is (no title, no _config.yml author, no highlighted "
            'author); name the owner with --person "First Last" or --person SLUG'
        )
    name = candidates[0]
    profile = site.profile
    urls = [profile.google_scholar, profile.github, profile.orcid, profile.website]
    for url in urls:
        match = people.match("", url=url) if url else None
        if match is not None:
            return Person.objects.get(pk=match.pk), False
    match = people.match(name)
    if match is not None and not match.weak:
        # The owner an earlier run kept apart from someone: said again, as on that run.
        _kept_apart(name, people.match(name, exclude={match.pk}), page)
        return Person.objects.get(pk=match.pk), False
    # A whole site is too much to hang on an initial or a spelling: a second person is easy
    # to notice and fix, a wrong merge mixes two people's pages.
    _kept_apart(name, match, page)
    return _create_person(name, people=people, page=page), True


def _kept_apart(name: str, match: identity.PersonMatch | None, page: PageReport) -> None:
    if match is not None and match.weak:
        page.warnings.append(
            f"owner {name!r} kept apart from {match.name!r} ({match.reason}); "
            "if they are one person, give --person with that person's slug"
        )


def _create_person(name: str, *, people: identity.PeopleIndex, page: PageReport) -> Person:
    person = Person(name=name[:200])
    person.save()
    people.add(person.pk, person.name, slug=person.slug)
    page.add("created", "person", person.name)
    return person


# Roles read from the profile's position; the order matters ("postdoc" before "professor" for
# "postdoctoral fellow with Prof. X").
_ROLE_PATTERNS = [
    (re.compile(r"post-?doc", re.I), Role.POSTDOC),
    (re.compile(r"\b(ph\.?\s?d|doctoral|graduate research)", re.I), Role.PHD),
    (re.compile(r"\bprofessor\b|\bfaculty\b|\bprincipal investigator\b|\bPI\b"), Role.PI),
    (re.compile(r"\bm\.?\s?s\.?c?\b|master", re.I), Role.MASTERS),
    (re.compile(r"undergrad|\bb\.?\s?s\.?c?\b|bachelor", re.I), Role.UNDERGRAD),
    (re.compile(r"engineer|staff|manager|scientist", re.I), Role.STAFF),
    (re.compile(r"visiting|visitor", re.I), Role.VISITOR),
]


def guess_role(position: str) -> str:
    """A Membership role from a profile's position text; PhD student when it does not say.

    PhD student is the default because most homepages a lab imports are its students' — the
    PI's and postdocs' pages nearly always say "Professor" or "Postdoc" somewhere.
    """
    for pattern, role in _ROLE_PATTERNS:
        if pattern.search(position or ""):
            return role
    return Role.PHD


_PROFILE_URL_FORMS = {
    "google_scholar": "https://scholar.google.com/citations?user={}",
    "github": "https://github.com/{}",
    "orcid": "https://orcid.org/{}",
    "linkedin": "https://www.linkedin.com/in/{}",
    "twitter": "https://twitter.com/{}",
}
_URL_FIELDS = {"website", "cv", "google_scholar", "github", "orcid", "linkedin", "twitter"}
PROFILE_FIELDS = (
    "position",
    "affiliation",
    "location",
    "email",
    "bio",
    "website",
    "google_scholar",
    "github",
    "orcid",
    "linkedin",
    "twitter",
    "cv",
)


def profile_values(profile: ProfileRecord, page: PageReport) -> dict[str, str]:
    """The Person fields a profile sets, URLs completed from bare ids, over-long values dropped."""
    values: dict[str, str] = {}
    for name in PROFILE_FIELDS:
        value = (getattr(profile, name) or "").strip()
        if not value:
            continue
        if name in _PROFILE_URL_FORMS and "://" not in value and "." not in value.split("/")[0]:
            value = _PROFILE_URL_FORMS[name].format(value.strip("@/"))
        elif name in _URL_FIELDS and "://" not in value and not value.startswith("/"):
            value = "https://" + value
        limit = Person._meta.get_field(name).max_length
        if limit and len(value) > limit:
            if name in {"position", "affiliation", "location"}:
                value = value[:limit]
            else:
                page.warnings.append(f"profile {name} longer than {limit} characters; not imported")
                continue
        values[name] = value
    return values


def _apply_profile(
    owner: Person,
    profile: ProfileRecord,
    *,
    created: bool,
    lab: Lab,
    root: Path,
    label: str,
    dry_run: bool,
    page: PageReport,
    people: identity.PeopleIndex,
) -> None:
    """Profile fields (three-way merged), aliases, avatar and the owner's Membership in ``lab``."""
    if created or not owner.source_file:
        owner.source_file = owner.source_file or f"{label}/_config.yml"
        owner.source_key = owner.source_key or "profile"
    values = profile_values(profile, page)
    changed = merge_fields(owner, values, page=page, model="person", label=owner.name)
    new_aliases = [
        alias
        for alias in profile.aliases
        if alias and alias not in owner.all_names() and not is_placeholder(alias)
    ]
    if new_aliases:
        owner.aliases = [*owner.aliases, *new_aliases]
        changed.append("aliases")
    if profile.avatar is not None and not owner.avatar:
        image, why = read_image(profile.avatar, root)
        if image is None:
            page.warnings.append(f"avatar: {why}")
        elif owner.imported_values.get("avatar") != profile.avatar.src:
            if not dry_run:
                owner.avatar.save(image.content.name, image.content, save=False)
            owner.imported_values["avatar"] = profile.avatar.src
            changed.append("avatar")
    if changed or owner.pk is None or created:
        owner.save()
        for file in (owner.avatar, owner.avatar_thumbnail):
            if file:
                file.close()
        people.add(
            owner.pk,
            owner.name,
            slug=owner.slug,
            aliases=owner.aliases,
            urls=[
                getattr(owner, f)
                for f in ("website", "google_scholar", "github", "orcid", "linkedin")
            ],
        )
        if not created and changed:
            page.add("updated", "person", owner.name)
    elif not created:
        page.add("unchanged", "person", owner.name)
    if not Membership.objects.filter(person=owner, lab=lab).exists():
        role = guess_role(values.get("position", "") or profile.position)
        Membership.objects.create(person=owner, lab=lab, role=role)
        page.add("created", "membership", f"{owner.name}, {Role(role).label}, {lab.slug}")
