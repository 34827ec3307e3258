"""Adding papers from the admin: printed authors linked to lab members, BibTeX pasted in.

The importer already knows how to read BibTeX (:mod:`labsite.importing.bibtex`), how to tell
two papers are one (:class:`labsite.importing.identity.PublicationIndex`: DOI, then arXiv id
*with* the title, then normalised title) and how to tell a printed name is a person
(:class:`labsite.importing.identity.PeopleIndex`). This module only adds what the admin needs on
top: the editor's permissions (a paper they may not edit is reported, never touched), the
editor's labs as the only people linked by name, and one transaction for a whole paste.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from labsite import permissions
from labsite.cache import bump_for_publications
from labsite.importing import identity
from labsite.importing.bibtex import parse_bibtex
from labsite.importing.extract.common import Context
from labsite.importing.papers import PublicationWriter
from labsite.importing.records import AuthorRecord, PublicationRecord
from labsite.importing.rows import EMPTY, choice_of, web_url
from people.models import Membership, Person
from publications import entries
from publications.models import Authorship, LinkKind, Publication, PublicationLink

NOT_AMONG_AUTHORS = (
    "You are not among the authors: add yourself (or ask a lab admin to add this paper)"
)


@dataclass
class MemberMatcher:
    """The people a printed author name may be linked to by name alone: the editor's labs'.

    Only sure matches count (same name or alias after normalising case, accents, spaces and
    "Last, First"; initials or middle names when only one lab member fits) — a surname one letter
    off is never linked silently from a form.
    """

    index: identity.PeopleIndex
    members: set[int]
    own_person_id: int | None = None

    @classmethod
    def for_user(cls, user) -> MemberMatcher:
        actor = permissions.actor_for(user)
        ids = set(
            Membership.objects.filter(lab__in=actor.lab_ids).values_list("person_id", flat=True)
        )
        if actor.person_id:
            ids.add(actor.person_id)
        index = identity.PeopleIndex()
        for person in Person.objects.filter(pk__in=ids).only("pk", "name", "slug", "aliases"):
            index.add(person.pk, person.name, slug=person.slug, aliases=person.all_names()[1:])
        return cls(index=index, members=ids, own_person_id=actor.person_id)

    def match(self, name: str, *, exclude: set[int]) -> int | None:
        """The lab member ``name`` surely is, or ``None``."""
        found = self.index.match(name, exclude=exclude, members=self.members)
        if found is None or not found.certain or found.pk not in self.members:
            return None
        return found.pk

    def name_of(self, pk: int) -> str:
        return self.index.entries[pk].name


NO_LAB_AUTHOR = (
    "None of the authors is linked to a member of your lab: link one (the paper would not be "
    "yours to edit afterwards)"
)


@dataclass(frozen=True)
class AuthorRule:
    """One of ``people`` must be among a paper's linked authors, else ``message``."""

    people: frozenset[int]
    message: str


def author_rule(user) -> AuthorRule | None:
    """What a paper ``user`` adds must have among its authors so they can still edit it.

    A member adds their own papers: they are told when they left themself out (never appended
    silently). A lab admin adds papers for their lab's people: one of those must be an author.
    A superuser adds anything.
    """
    actor = permissions.actor_for(user)
    if actor.is_superuser:
        return None
    if actor.admin_lab_ids:
        people = set(
            Membership.objects.filter(lab__in=actor.admin_lab_ids).values_list(
                "person_id", flat=True
            )
        )
        return AuthorRule(frozenset(people | {actor.person_id}), NO_LAB_AUTHOR)
    return AuthorRule(frozenset({actor.person_id}), NOT_AMONG_AUTHORS)


# --- BibTeX -------------------------------------------------------------------------------------


class IntakeError(ValueError):
    """The input cannot be read at all: nothing was written."""


@dataclass
class IntakeItem:
    title: str
    action: str  # "created", "merged" or "skipped"
    publication: Publication | None = None
    detail: str = ""  # how it matched and what changed, or why it was skipped


@dataclass
class IntakeReport:
    items: list[IntakeItem] = field(default_factory=list)
    linked: list[str] = field(default_factory=list)  # "Linked X to the lab member Y"

    def of(self, action: str) -> list[IntakeItem]:
        return [item for item in self.items if item.action == action]

    @property
    def created(self) -> list[IntakeItem]:
        return self.of("created")

    @property
    def merged(self) -> list[IntakeItem]:
        return self.of("merged")

    @property
    def skipped(self) -> list[IntakeItem]:
        return self.of("skipped")


def read_bibtex(text: str) -> list[PublicationRecord]:
    """Every entry of ``text``; any unreadable entry refuses the whole paste."""
    if not text.strip():
        raise IntakeError("Paste at least one BibTeX entry (@article{…}, @inproceedings{…}).")
    result = parse_bibtex(text, Context(), "pasted BibTeX")
    if result.errors:
        lines = "; ".join(f"line {line}: {message}" for line, message in result.errors)
        raise IntakeError(f"This BibTeX could not be read ({lines}). Nothing was added.")
    if not result.publications:
        raise IntakeError(
            "No BibTeX entry with a title was found: an entry looks like "
            "@article{key, title={…}, author={…}, year={…}}. Nothing was added."
        )
    return result.publications


def add_from_bibtex(text: str, *, user) -> IntakeReport:
    """Create or merge every entry of ``text`` for ``user``, in one transaction."""
    return add_records(read_bibtex(text), user=user)


def add_records(records: list[PublicationRecord], *, user) -> IntakeReport:
    report = IntakeReport()
    matcher = MemberMatcher.for_user(user)
    papers = identity.PublicationIndex.from_database()
    rule = author_rule(user)
    with transaction.atomic(), entries.batch():
        for record in records:
            _add_record(record, user=user, matcher=matcher, papers=papers, report=report, rule=rule)
        # Authors and links went in with bulk_create, which sends no signal: the labs that now
        # show these papers get their pages refreshed here.
        bump_for_publications(item.publication.pk for item in report.items if item.publication)
    return report


def _facts(record: PublicationRecord) -> dict:
    year = record.year if isinstance(record.year, int) else None
    return {"doi": record.doi, "arxiv_id": record.arxiv_id, "title": record.title, "year": year}


_HOW = {"doi": "by DOI", "arxiv": "by arXiv id and title", "title": "by title"}


def _add_record(
    record: PublicationRecord,
    *,
    user,
    matcher: MemberMatcher,
    papers: identity.PublicationIndex,
    report: IntakeReport,
    rule: AuthorRule | None,
) -> None:
    found = papers.find(**_facts(record))
    if found is not None:
        pub = Publication.objects.get(pk=found[0])
        how = _HOW.get(found[1], found[1])
        if not permissions.can_edit(user, pub):
            report.items.append(
                IntakeItem(
                    record.title,
                    "skipped",
                    detail=f"matches a stored paper ({how}) that you may not edit; left as it is "
                    "— ask one of its authors or a lab admin",
                )
            )
            return
        changed = _merge(pub, record, matcher=matcher, report=report)
        detail = f"matched {how}; " + (
            f"filled in {', '.join(changed)}" if changed else "nothing new"
        )
        report.items.append(IntakeItem(pub.title, "merged", pub, detail))
        return
    notes = list(record.doubts)  # what the entry left uncertain (an unknown journal macro)
    clash = papers.doi_clash(record.doi, record.title)
    if clash is not None:  # a DOI copied from another paper's entry: not this paper's
        notes.append(f"DOI {record.doi} is already that of {clash[1][:60]!r}; not given here")
        record.doi = ""
    authors = [a for a in record.authors if a.name.strip()]
    linked = report.linked
    report.linked = []
    people = _link(authors, matcher=matcher, report=report, taken=set())
    if rule is not None and not rule.people & set(people.values()):
        report.linked = linked  # nothing of this entry is written, nor said to be linked
        report.items.append(IntakeItem(record.title, "skipped", detail=rule.message))
        return
    report.linked = linked + report.linked
    pub = Publication(**PublicationWriter._pub_values(record))
    pub.save()
    Authorship.objects.bulk_create(
        Authorship(
            publication=pub,
            name=author.name.strip()[:200],
            position=position,
            person_id=people.get(position),
            equal_contribution=author.equal_contribution,
            corresponding=author.corresponding,
        )
        for position, author in enumerate(authors)
    )
    entries.mark_stale([pub.pk])
    _add_links(pub, record)
    papers.add(pub.pk, doi=pub.doi, arxiv_id=pub.arxiv_id, title=pub.title, year=pub.year)
    detail = "; ".join([f"{len(authors)} authors", *notes])
    report.items.append(IntakeItem(pub.title, "created", pub, detail))


def _link(
    authors: list[AuthorRecord], *, matcher: MemberMatcher, report: IntakeReport, taken: set[int]
) -> dict[int, int]:
    """``{position: person pk}`` for the printed names that are surely lab members."""
    linked: dict[int, int] = {}
    for position, author in enumerate(authors):
        pk = matcher.match(author.name, exclude=taken)
        if pk is not None:
            linked[position] = pk
            taken.add(pk)
            report.linked.append(link_message(author.name, matcher.name_of(pk)))
    return linked


def link_message(printed: str, member: str) -> str:
    return f"Linked {printed} to the lab member {member}"


def _merge(
    pub: Publication, record: PublicationRecord, *, matcher: MemberMatcher, report: IntakeReport
) -> list[str]:
    """Fill the stored paper's empty fields and links, link its unlinked authors; never
    overwrite what someone already wrote (the importer's rule for a paper another source owns)."""
    changed = []
    for name, value in PublicationWriter._pub_values(record).items():
        if value in EMPTY or getattr(pub, name) not in EMPTY:
            continue
        if name == "doi" and Publication.objects.filter(doi=value).exclude(pk=pub.pk).exists():
            continue  # another paper holds this DOI
        setattr(pub, name, value)
        changed.append(name)
    if changed:
        pub.save()
    rows = list(pub.authorships.order_by("position", "pk"))
    if not rows and record.authors:
        authors = [a for a in record.authors if a.name.strip()]
        people = _link(authors, matcher=matcher, report=report, taken=set())
        Authorship.objects.bulk_create(
            Authorship(
                publication=pub,
                name=a.name.strip()[:200],
                position=i,
                person_id=people.get(i),
                equal_contribution=a.equal_contribution,
            )
            for i, a in enumerate(authors)
        )
        entries.mark_stale([pub.pk])
        changed.append("authors")
    else:
        taken = {row.person_id for row in rows if row.person_id}
        for row in rows:
            if row.person_id is None:
                pk = matcher.match(row.name, exclude=taken)
                if pk is not None:
                    row.person_id = pk
                    taken.add(pk)
                    row.save(update_fields=["person"])
                    report.linked.append(link_message(row.name, matcher.name_of(pk)))
                    changed.append(f"author {row.name}")
    if _add_links(pub, record):
        changed.append("links")
    return changed


def _add_links(pub: Publication, record: PublicationRecord) -> int:
    """Add the record's links the paper does not have yet (never removes one)."""
    seen = set(pub.links.values_list("kind", "url"))
    start = len(seen)
    new = []
    for link in record.links:
        url = web_url(link.url)
        kind = choice_of(link.kind, LinkKind, LinkKind.OTHER)
        if not url or len(url) > 1000 or (kind, url) in seen:
            continue
        seen.add((kind, url))
        new.append(
            PublicationLink(
                publication=pub, kind=kind, url=url, label=link.label[:60], order=start + len(new)
            )
        )
    PublicationLink.objects.bulk_create(new)
    entries.rows_written(new)
    return len(new)
