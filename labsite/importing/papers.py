"""Publications: a site's papers matched to stored ones, new ones written in batches.

A paper is stored once for every co-author's site. The source that first imported it owns
it (its fields are three-way merged, its author list too); any other source describing the
same paper only fills empty fields, adds missing links and links its owner's Authorship.
A page's new papers, their authors and links are written in three INSERTs.

``Publication.order`` is the paper's place among the papers of its year on the page that lists
it (see :func:`page_orders`). One paper has one order however many pages list it: the fullest
list it appears on places it (a publications page over a home page's three selected papers,
a co-author's full list over a one-paper news page); on a tie the page that placed it first
keeps it. That choice depends on the pages, not on the order they are imported in, so a
re-import of the same files moves nothing. An order changed in the admin is kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from labsite.importing import identity, review
from labsite.importing.extract.common import markdown_text
from labsite.importing.persons import find_person
from labsite.importing.records import (
    AuthorRecord,
    PageRecord,
    ProjectRecord,
    PublicationRecord,
    doubt,
)
from labsite.importing.rows import (
    EMPTY,
    bulk_insert,
    choice_of,
    chunks,
    clipped,
    merge_fields,
    plain,
    positions_within,
    prepare,
    valid_year,
    web_url,
)
from labsite.importing.works import Listing, distinct_from_stored, distinct_kinds, same_work
from labsite.normalise import normalize_arxiv, normalize_doi, normalize_name, normalize_title
from publications import entries
from publications.models import (
    Authorship,
    LinkKind,
    Publication,
    PublicationKind,
    PublicationLink,
    PublicationStatus,
)


@dataclass(slots=True)
class AuthorRow:
    """An Authorship row as the loader needs it: plain values, no model instance to build."""

    pk: int
    name: str
    position: int
    equal_contribution: bool
    corresponding: bool
    person_id: int | None
    selected: bool
    hidden: bool

    FIELDS = (
        "pk",
        "name",
        "position",
        "equal_contribution",
        "corresponding",
        "person_id",
        "selected",
        "hidden",
    )

    @classmethod
    def of(cls, row: Authorship) -> AuthorRow:
        return cls(*(getattr(row, name) for name in cls.FIELDS))

    def set(self, dirty: dict[int, AuthorRow], **values: Any) -> None:
        """Change this row; the writer saves every changed row of a page in one bulk UPDATE."""
        for name, value in values.items():
            setattr(self, name, value)
        dirty[self.pk] = self


def _fullness(record: PublicationRecord) -> tuple:
    """How much a listing says: authors, a year, a venue longer than a badge, then sizes."""
    venue = record.venue.strip()
    return (
        bool(record.authors),
        record.year is not None,
        len(venue) > len(record.short_venue.strip()) + 3,
        len(record.authors),
        len(venue),
    )


def fullest_first(records: list[PublicationRecord]) -> list[PublicationRecord]:
    """The page's papers in their order, except that a paper listed twice (a badge line in a
    "Selected" list above the full citation) is read from its fuller listing first, in the
    place of the first: the repeat then adds only its links and selection. Two works with
    one title (other authors, another venue: :func:`~labsite.importing.works.same_work`)
    are not a paper listed twice."""
    out = list(records)
    seen = identity.PublicationIndex()
    for i, record in enumerate(records):
        if not record.title.strip():
            continue
        facts = {"doi": record.doi, "arxiv_id": record.arxiv_id, "title": record.title}
        year, kind = valid_year(record.year), record.kind
        listing = Listing.of(record)
        found = seen.find(
            **facts,
            year=year,
            kind=kind,
            two_works=distinct_kinds,
            same_work=lambda j, listing=listing: same_work(Listing.of(out[j]), listing),
        )
        if found is None:
            seen.add(i, **facts, kind=kind, year=year)
        elif _fullness(record) > _fullness(out[found[0]]):
            out[found[0]], out[i] = record, out[found[0]]
    return out


@dataclass
class _NewPub:
    """A paper first seen on this page, waiting for the page's batch INSERT."""

    record: PublicationRecord
    key: str
    order: int = 0
    repeats: list[PublicationRecord] = field(default_factory=list)
    rows: list[Authorship] = field(default_factory=list)


@dataclass
class StoredPub:
    obj: Publication
    authors: list[AuthorRow]
    links: list[tuple[str, str]]  # (kind, url)


class PublicationWriter:
    """The publication half of :class:`~labsite.importing.writers.SiteWriter` (a mixin).

    It relies on what the site writer sets up: ``owner``, ``owner_names``, ``members``,
    ``indexes``, ``report``, ``pubs`` (filled by :meth:`_fetch_pubs`), ``_dirty``, ``_where()``.
    """

    def _fetch_pubs(self, pks: set[int]) -> None:
        """Papers with their authors and links, in three queries (no prefetch machinery)."""
        pks = set(pks) - set(self.pubs)
        if not pks:
            return
        authors: dict[int, list[AuthorRow]] = {pk: [] for pk in pks}
        links: dict[int, list[tuple[str, str]]] = {pk: [] for pk in pks}
        for chunk in chunks(sorted(pks), 500):
            rows = Authorship.objects.filter(publication_id__in=chunk).order_by("position")
            for values in rows.values_list("publication_id", *AuthorRow.FIELDS):
                authors[values[0]].append(AuthorRow(*values[1:]))
            link_rows = PublicationLink.objects.filter(publication_id__in=chunk).order_by(
                "order", "pk"
            )
            for pub_id, kind, url in link_rows.values_list("publication_id", "kind", "url"):
                links[pub_id].append((kind, url))
            for pub in Publication.objects.filter(pk__in=chunk):
                self.pubs[pub.pk] = StoredPub(pub, authors[pub.pk], links[pub.pk])

    @staticmethod
    def _pub_key(record: PublicationRecord) -> str:
        key = record.key or "pub:" + normalize_title(record.title)
        return key.replace("\x00", "")[:300]

    def _find(
        self, record: PublicationRecord, source_file: str, key: str
    ) -> tuple[int, str] | None:
        listing = Listing.of(record)
        return self.indexes.publications.find(
            source_file=source_file,
            source_key=key,
            doi=record.doi,
            arxiv_id=record.arxiv_id,
            title=record.title,
            year=valid_year(record.year),
            kind=record.kind,
            two_works=distinct_from_stored,
            same_work=lambda pk: same_work(self._stored_listing(pk), listing),
        )

    def _candidates(self, record: PublicationRecord, source_file: str) -> set[int]:
        """Every stored paper ``_find`` may weigh for ``record``: what preload fetches at once,
        so that weighing the papers of one title (``_stored_listing``) costs no query."""
        index = self.indexes.publications
        found = index.find(
            source_file=source_file,
            source_key=self._pub_key(record),
            doi=record.doi,
            arxiv_id=record.arxiv_id,
            title=record.title,
        )
        return ({found[0]} if found else set()) | set(index.title_matches(record.title))

    def _stored_listing(self, pk: int) -> Listing:
        """A stored paper as :func:`~labsite.importing.works.same_work` compares it: fetched
        only for a paper whose title matched (the match goes on to fetch it anyway)."""
        self._fetch_pubs({pk})
        entry = self.pubs[pk]
        pub = entry.obj
        authors = tuple(a.name for a in entry.authors)
        return Listing(authors, pub.venue, pub.short_venue, pub.year, pub.kind)

    @staticmethod
    def _pub_values(record: PublicationRecord) -> dict[str, Any]:
        month = record.month if isinstance(record.month, int) and 1 <= record.month <= 12 else None
        values: dict[str, Any] = {
            # Every reader gives the title as plain text (entities decoded); the field is
            # markdown, so what could read as a tag is escaped back (see markdown_text).
            "title": markdown_text(record.title),
            "venue": record.venue,
            "short_venue": record.short_venue,
            "year": valid_year(record.year),
            "month": month,
            "volume": record.volume,
            "number": record.number,
            "pages": record.pages,
            "publisher": record.publisher,
            "doi": normalize_doi(record.doi),
            "arxiv_id": normalize_arxiv(record.arxiv_id) or record.arxiv_id.strip(),
            "abstract": record.abstract,
            "award": record.award,
            "note": record.note,
            "bibtex": record.bibtex,
        }
        if choice_of(record.kind, PublicationKind, "") == record.kind != "":
            values["kind"] = record.kind
        if choice_of(record.status, PublicationStatus, "") == record.status != "":
            values["status"] = record.status
        return clipped(Publication, values)

    @staticmethod
    def _author_list(record: PublicationRecord) -> list[list[Any]]:
        return [
            [a.name.replace("\x00", "").strip()[:200], a.equal_contribution, a.corresponding]
            for a in record.authors
            if a.name.strip()
        ]

    def _owner_position(
        self, authors: list[AuthorRecord]
    ) -> tuple[int, identity.NameMatch | None] | None:
        """Which printed author is the owner: a sure name match, the highlight, else a guess.

        A highlighted name that is plainly someone else's (no name of it is the owner's: a
        theme's sample papers bold their author) is not the owner, however bold."""
        matches = [self._owner_match(a.name) for a in authors]
        for i, match in enumerate(matches):
            if match is not None and match.certain:
                return i, match
        for i, author in enumerate(authors):
            if author.is_owner and not self._someone_else(author.name):
                return i, None
        for i, match in enumerate(matches):
            if match is not None:
                return i, match
        return None

    def _someone_else(self, name: str) -> bool:
        """Whether ``name`` is plainly not the owner's (:func:`identity.plainly_someone_else`)."""
        return identity.plainly_someone_else(name, self.owner_names)

    def _owner_match(self, name: str) -> identity.NameMatch | None:
        results = [r for r in (identity.compare_names(name, n) for n in self.owner_names) if r]
        return max(results, key=lambda r: r.score) if results else None

    def _publications(self, page: PageRecord, source_file: str) -> None:
        """Match each paper; the page's new papers are then written together (see ``_create``)."""
        new: list[_NewPub] = []
        pending = identity.PublicationIndex()  # the page's new papers, by their place in ``new``
        orders, size = page_orders(page.publications)
        placing = _Placing(source_file, size)
        handled: set[int] = set()  # stored papers an earlier entry of this page matched
        keys: dict[str, int] = {}  # the page's source keys, and how often each was given
        for record, order in zip(fullest_first(page.publications), orders, strict=True):
            if not record.title.strip():
                self.report.warnings.append(
                    f"{self._where(record)}: a publication without a title; skipped"
                )
                continue
            key = _unique_key(self._pub_key(record), keys)
            self._doubt_owner(record)
            self._drop_copied_doi(record, pending)
            found = self._find(record, source_file, key)
            if found is not None and found[0] in handled:
                # The same paper listed again on this page (a selected list above the full
                # one): as on the first import, it adds its links and selection, no fields.
                self._repeat(self.pubs[found[0]], record)
                continue
            if found is not None:
                handled.add(found[0])
                self._publication(record, source_file, key, found, order, placing)
                continue
            facts = {
                "doi": record.doi,
                "arxiv_id": record.arxiv_id,
                "title": record.title,
                "kind": record.kind,
            }
            listing = Listing.of(record)
            again = pending.find(
                **facts,
                year=valid_year(record.year),
                two_works=distinct_kinds,
                same_work=lambda j, listing=listing: same_work(Listing.of(new[j].record), listing),
            )
            if again is not None:
                new[again[0]].repeats.append(record)  # the same paper twice on one page
                continue
            pending.add(len(new), **facts, year=valid_year(record.year))
            new.append(_NewPub(record, key, order))
        if new:
            self._create(new, placing)
        self._save_authors()

    def _drop_copied_doi(
        self, record: PublicationRecord, pending: identity.PublicationIndex
    ) -> None:
        """A DOI that a paper of another title holds (stored, or new on this page) is not this
        paper's: a copied front matter. Both papers are kept; the DOI stays with the first,
        and the report says so on every import."""
        clash = self.indexes.publications.doi_clash(record.doi, record.title) or pending.doi_clash(
            record.doi, record.title
        )
        if clash is None:
            return
        self.report.warnings.append(
            f"{self._where(record)}: DOI {normalize_doi(record.doi)} is also given to "
            f"{clash[1][:60]!r}, a paper with another title; kept as two papers, the DOI only "
            f"on that one"
        )
        record.doi = ""

    def _warn_no_authors(self, record: PublicationRecord) -> None:
        self.report.warnings.append(
            f"{self._where(record)}: {record.title[:60]!r} has no author list; "
            f"listed under {self.owner.name}"
        )

    def _repeat(self, entry: StoredPub, record: PublicationRecord) -> None:
        """A second listing of a paper on one page: its links and its selection only."""
        self._add_links(entry, record)
        if record.selected:
            self._select(entry, record, f"selected:{self.owner.pk}")

    def _save_authors(self) -> None:
        """One bulk UPDATE for the author rows this page linked or selected."""
        if not self._dirty:
            return
        rows = [
            Authorship(pk=a.pk, person_id=a.person_id, selected=a.selected)
            for a in self._dirty.values()
        ]
        Authorship.objects.bulk_update(rows, ["person", "selected"], batch_size=500)
        entries.mark_stale(
            Authorship.objects.filter(pk__in=[row.pk for row in rows]).values_list(
                "publication", flat=True
            )
        )
        self._dirty.clear()

    def _publication(
        self,
        record: PublicationRecord,
        source_file: str,
        key: str,
        found: tuple[int, str],
        order: int,
        placing: _Placing,
    ) -> None:
        """A paper that exists: merge it if this source owns it, else only fill its blanks."""
        values = self._pub_values(record)
        authors = [a for a in record.authors if a.name.strip()]
        label = values["title"]
        selected_key = f"selected:{self.owner.pk}"
        pk, how = found
        self._fetch_pubs({pk})
        entry = self.pubs[pk]
        pub = entry.obj
        owned = (pub.source_file, pub.source_key) == (source_file, key)
        if owned:
            changed = self._merge_owned(entry, record, values, authors, label)
            judged = self._judge_paper(pub, record, values, self._author_list(record), label)
        else:
            changed = self._fill_blanks(entry, values, authors, record)
            judged = False
        placed, noted = self._place(pub, order, placing, label)
        if placed:
            changed.append("order")
        if judged and not changed:
            review.save_verdict(pub)
        if changed:
            pub.save()
            if "doi" in changed:
                self.indexes.publications.hold_doi(pub.doi, pub.pk, pub.title)
        elif noted:  # only the bookkeeping of who placed it: not an update of the paper
            Publication.objects.filter(pk=pub.pk).update(imported_values=pub.imported_values)
        if "authors" not in changed:
            self._review_links(entry, record, authors)  # rewritten rows said their doubts
        linked = self._link_owner(entry, record, authors)
        if not authors and [a.person_id for a in entry.authors] == [self.owner.pk]:
            self._warn_no_authors(record)  # on every import, not only the one that listed them
        linked += self._link_coauthors(entry)
        linked += self._add_links(entry, record)
        linked += self._select(entry, record, selected_key)
        action = "updated" if changed or linked else "unchanged"
        self.report.add(
            action, "publication", f"{label} (matched by {how})" if how not in {"source"} else label
        )

    def _merge_owned(
        self,
        entry: StoredPub,
        record: PublicationRecord,
        values: dict[str, Any],
        authors: list[AuthorRecord],
        label: str,
    ) -> list[str]:
        """A paper this source owns: its fields and authors by the three-way rule."""
        pub, pk = entry.obj, entry.obj.pk
        desired_authors = self._author_list(record)
        holder = self.indexes.publications.by_doi.get(values.get("doi") or "", pk)
        if holder != pk:  # the source now gives a DOI another stored paper has
            self.report.warnings.append(
                f"{self._where(record)}: DOI {values.pop('doi')} belongs to another stored "
                f"paper; not given to {label[:60]!r}"
            )
        changed = merge_fields(pub, values, page=self.report, model="publication", label=label)
        if desired_authors:
            current = [[a.name, a.equal_contribution, a.corresponding] for a in entry.authors]
            previous = pub.imported_values.get("authors")
            if desired_authors != current:
                if previous is None and not current or current == previous:
                    self._write_authors(entry, record, authors)
                    changed.append("authors")
                else:
                    self.report.conflicts.append(
                        f"publication {label!r}: the author list was edited after the last "
                        "import; kept"
                    )
            pub.imported_values["authors"] = desired_authors
        return changed

    def _fill_blanks(
        self,
        entry: StoredPub,
        values: dict[str, Any],
        authors: list[AuthorRecord],
        record: PublicationRecord,
    ) -> list[str]:
        """A paper another source owns: only its empty fields, and authors if it has none."""
        pub = entry.obj
        changed: list[str] = []
        for name, value in values.items():
            if value in EMPTY or getattr(pub, name) not in EMPTY:
                continue
            if name == "doi" and self.indexes.publications.by_doi.get(value, pub.pk) != pub.pk:
                continue  # another paper holds this DOI
            setattr(pub, name, value)
            changed.append(name)
        if not entry.authors and authors:
            self._write_authors(entry, record, authors)
            changed.append("authors")
        return changed

    def _place(
        self, pub: Publication, order: int, placing: _Placing, label: str
    ) -> tuple[bool, bool]:
        """Give ``pub`` this page's ``order`` if this page places it (see the module docstring).

        Returns ``(changed, noted)``: whether the order changed, and whether only the record of
        which page placed it did (kept in ``imported_values``, saved without counting as an
        update).
        """
        imported = pub.imported_values
        placed_by = imported.get(PLACED_BY)
        mark = [placing.source_file, placing.size]
        if pub.pk in placing.done:
            return False, False
        placing.done.add(pub.pk)
        if (
            isinstance(placed_by, list)
            and len(placed_by) == 2
            and placed_by[0] != placing.source_file
            and placing.size <= placed_by[1]
        ):
            return False, False  # a list as full or fuller placed it
        recorded = imported.get("order")
        edited = pub.order != recorded if recorded is not None else pub.order != 0
        if pub.order != order and edited:
            self.report.conflicts.append(
                f"publication {label!r}: order was edited after the last import; kept "
                f"{pub.order} (the source now says {order})"
            )
            return False, False
        noted = recorded != pub.order or placed_by != mark
        changed = pub.order != order
        pub.order = order
        imported["order"] = order
        imported[PLACED_BY] = mark
        return changed, noted and not changed

    def _create(self, new: list[_NewPub], placing: _Placing) -> None:
        """Insert a page's new papers, their authors and links: three INSERTs, not three each.

        A site's publication list or ``papers.bib`` is one page of a hundred papers; writing
        them row by row cost most of a first import.
        """
        selected_key = f"selected:{self.owner.pk}"
        source_file = placing.source_file
        pubs: list[Publication] = []
        for item in new:
            record = item.record
            values = self._pub_values(record)
            pub = Publication(
                **values,
                order=item.order,
                source_file=source_file,
                source_key=item.key,
                imported_values={
                    **{k: plain(v) for k, v in values.items()},
                    "authors": self._author_list(record),
                    "order": item.order,
                    PLACED_BY: [source_file, placing.size],
                },
            )
            if record.selected or any(r.selected for r in item.repeats):
                pub.imported_values[selected_key] = True
            self._judge_paper(pub, record, values, pub.imported_values["authors"], pub.title)
            prepare(pub)
            pubs.append(pub)
        bulk_insert(Publication, pubs)
        placing.done.update(pub.pk for pub in pubs)
        rows: list[Authorship] = []
        links: list[PublicationLink] = []
        for item, pub in zip(new, pubs, strict=True):
            record = item.record
            self.indexes.publications.add(
                pub.pk,
                source_file=source_file,
                source_key=item.key,
                doi=pub.doi,
                arxiv_id=pub.arxiv_id,
                title=pub.title,
                year=pub.year,
                kind=pub.kind,
            )
            authors = [a for a in record.authors if a.name.strip()]
            selected = pub.imported_values.get(selected_key, False)
            item.rows = self._author_rows(pub, record, authors, select_owner=selected)
            if not any(row.person_id == self.owner.pk for row in item.rows):
                if item.rows:
                    self.report.warnings.append(
                        f"{self._where(record)}: {self.owner.name} is not among the authors of "
                        f"{record.title[:60]!r}"
                    )
                else:
                    # A collection item with no author list is still the owner's paper.
                    item.rows = [
                        Authorship(
                            publication=pub,
                            person_id=self.owner.pk,
                            name=self.owner.name[:200],
                            position=0,
                            selected=selected,
                        )
                    ]
                    self._warn_no_authors(record)
            rows.extend(item.rows)
            seen: set[tuple[str, str]] = set()
            for source in (record, *item.repeats):
                for link in self._link_rows(pub, source, seen, start=len(seen)):
                    links.append(link)
            self.report.add("created", "publication", pub.title)
        bulk_insert(Authorship, rows)
        bulk_insert(PublicationLink, links)
        by_pub: dict[int, list[AuthorRow]] = {pub.pk: [] for pub in pubs}
        for row in rows:
            by_pub[row.publication_id].append(AuthorRow.of(row))
        link_pairs: dict[int, list[tuple[str, str]]] = {pub.pk: [] for pub in pubs}
        for link in links:
            link_pairs[link.publication_id].append((link.kind, link.url))
        for pub in pubs:
            self.pubs[pub.pk] = StoredPub(pub, by_pub[pub.pk], link_pairs[pub.pk])

    def _link_rows(
        self, pub: Publication, record: PublicationRecord, seen: set[tuple[str, str]], *, start: int
    ) -> list[PublicationLink]:
        """New PublicationLink rows for ``record``'s links not in ``seen`` (which grows)."""
        out = []
        for link in record.links:
            url = web_url(link.url)
            kind = choice_of(link.kind, LinkKind, LinkKind.OTHER)
            if not url or len(url) > 1000 or (kind, url) in seen:
                continue
            seen.add((kind, url))
            out.append(
                PublicationLink(
                    publication=pub,
                    kind=kind,
                    url=url,
                    label=link.label[:60],
                    order=start + len(out),
                )
            )
        return out

    def _write_authors(
        self,
        entry: StoredPub,
        record: PublicationRecord,
        authors: list[AuthorRecord],
        *,
        select_owner: bool = False,
    ) -> None:
        """Replace the author rows, keeping each linked person and their choices by name."""
        old = {normalize_name(a.name): a for a in entry.authors if a.person_id}
        if entry.authors:
            Authorship.objects.filter(pk__in=[a.pk for a in entry.authors]).delete()
        rows = self._author_rows(entry.obj, record, authors, select_owner=select_owner, old=old)
        entry.authors = [AuthorRow.of(row) for row in Authorship.objects.bulk_create(rows)]
        entries.mark_stale([entry.obj.pk])

    def _author_rows(
        self,
        pub: Publication,
        record: PublicationRecord,
        authors: list[AuthorRecord],
        *,
        select_owner: bool = False,
        old: dict[str, AuthorRow] | None = None,
    ) -> list[Authorship]:
        """Unsaved Authorship rows, each linked to its person when known (owner first)."""
        old = old or {}
        owner_at = self._owner_position(authors)
        taken: set[int] = set()
        rows: list[Authorship] = []
        for position, author in enumerate(authors):
            row = Authorship(
                publication=pub,
                name=author.name.replace("\x00", "").strip()[:200],
                position=position,
                equal_contribution=author.equal_contribution,
                corresponding=author.corresponding,
            )
            previous = old.get(normalize_name(author.name))
            if previous is not None and previous.person_id not in taken:
                row.person_id = previous.person_id
                row.selected, row.hidden = previous.selected, previous.hidden
            elif owner_at is not None and owner_at[0] == position and self.owner.pk not in taken:
                row.person_id = self.owner.pk
                row.selected = select_owner
                self._warn_owner_guess(record, author.name, owner_at[1])
            if row.person_id:
                taken.add(row.person_id)
            rows.append(row)
        taken.add(self.owner.pk)
        for row in rows:
            if row.person_id is None:
                match = self._person(row.name, _author_url(authors, row.position), taken)
                if match is not None:
                    row.person_id = match.pk
                    taken.add(match.pk)
                    self._warn_uncertain(record, row.name, match)
        return rows

    def _warn_owner_guess(
        self, record: PublicationRecord, name: str, match: identity.NameMatch | None
    ) -> None:
        if match is not None and not match.certain:
            self.report.warnings.append(
                f"{self._where(record)}: author {name!r} taken to be the owner "
                f"{self.owner.name!r} ({match.reason}); check it"
            )

    def _review_links(
        self, entry: StoredPub, record: PublicationRecord, authors: list[AuthorRecord]
    ) -> None:
        """The doubts about a stored paper's linked authors, said again on every import.

        The rows were linked (and the doubt first said) by the import that wrote them; an
        import that finds them as they are must not fall silent about them.
        """
        owner_at = self._owner_position(authors)
        for row in entry.authors:
            at_owner = owner_at is not None and owner_at[0] == row.position < len(authors)
            if row.person_id == self.owner.pk and at_owner:
                self._warn_owner_guess(record, row.name, owner_at[1])
        for row in entry.authors:
            if row.person_id in (None, self.owner.pk) or row.position >= len(authors):
                continue
            others = {a.person_id for a in entry.authors if a.person_id and a is not row}
            match = self.indexes.people.match(
                row.name,
                url=_author_url(authors, row.position),
                exclude=others | {self.owner.pk},
                members=self.members,
            )
            if match is not None and match.pk == row.person_id:
                self._warn_uncertain(record, row.name, match)

    def _person(self, name: str, url: str, taken: set[int]) -> identity.PersonMatch | None:
        """The Person a co-author or collaborator is; created when linked and new (persons.py)."""
        return find_person(
            self.indexes.people,
            name,
            url,
            exclude=taken,
            members=self.members,
            lab=self.lab,
            report=self.report,
            source_file=f"{self.label}/{self.page_ref.path}",
        )

    def _doubt_owner(self, record: PublicationRecord) -> None:
        """A paper on the owner's page that does not name them: a guess whose paper it is."""
        authors = [a for a in record.authors if a.name.strip()]
        if authors and self._owner_position(authors) is None:
            doubt(record, f"{self.owner.name} not found among the authors", 0.5)

    def _judge_paper(
        self,
        pub: Publication,
        record: PublicationRecord,
        values: dict[str, Any],
        authors: list[list[Any]],
        label: str,
    ) -> bool:
        """The paper's "needs review" flag from the record's confidence (review.py)."""
        if review.is_unsure(record):
            self.report.unsure.append(review.unsure_line("publication", label, record))
        facts = {**review.source_values(values), "authors": authors}
        return review.apply_verdict(pub, record, facts)

    def _warn_uncertain(
        self, record: PublicationRecord | ProjectRecord, name: str, match: identity.PersonMatch
    ) -> None:
        if not match.certain:
            self.report.warnings.append(
                f"{self._where(record)}: {name!r} linked to {match.name!r} "
                f"({match.reason}); check it"
            )

    def _link_owner(
        self, entry: StoredPub, record: PublicationRecord, authors: list[AuthorRecord]
    ) -> int:
        """Make sure the owner's Authorship points at the owner; 1 if a row changed."""
        if any(a.person_id == self.owner.pk for a in entry.authors):
            return 0
        if not entry.authors:
            # A collection item with no author list is still the owner's paper: list them.
            row = Authorship.objects.create(
                publication=entry.obj, person=self.owner, name=self.owner.name[:200], position=0
            )
            entry.authors = [AuthorRow.of(row)]
            return 1
        candidates = [a for a in entry.authors if a.person_id is None]
        owner_at = self._owner_position(authors)
        chosen = None
        if owner_at is not None:
            printed = normalize_name(authors[owner_at[0]].name)
            chosen = next((a for a in candidates if normalize_name(a.name) == printed), None)
        if chosen is None:
            sure = [(self._owner_match(a.name), a) for a in candidates]
            chosen = next((a for m, a in sure if m is not None and m.certain), None)
        if chosen is None:
            self.report.warnings.append(
                f"{self._where(record)}: {self.owner.name} is not among the authors of "
                f"{record.title[:60]!r}"
            )
            return 0
        chosen.set(self._dirty, person_id=self.owner.pk)
        return 1

    def _link_coauthors(self, entry: StoredPub) -> int:
        unlinked = [a for a in entry.authors if a.person_id is None]
        if not unlinked:
            return 0
        taken = {a.person_id for a in entry.authors if a.person_id}
        changed = 0
        for row in unlinked:
            match = self.indexes.people.match(row.name, exclude=taken, members=self.members)
            if match is None:
                continue
            row.set(self._dirty, person_id=match.pk)
            taken.add(match.pk)
            changed += 1
            if not match.certain:
                self.report.warnings.append(
                    f"{row.name!r} linked to {match.name!r} ({match.reason}); check it"
                )
        return changed

    def _add_links(self, entry: StoredPub, record: PublicationRecord) -> int:
        """Add the links the paper does not have yet (never removes one)."""
        seen = set(entry.links)
        new = self._link_rows(entry.obj, record, seen, start=len(entry.links))
        if new:
            PublicationLink.objects.bulk_create(new)
            entries.mark_stale([entry.obj.pk])
            entry.links.extend((link.kind, link.url) for link in new)
        return len(new)

    def _select(self, entry: StoredPub, record: PublicationRecord, selected_key: str) -> int:
        """Turn ``selected`` on for the owner once; an admin who turns it off is not overruled."""
        if not record.selected:
            return 0
        row = next((a for a in entry.authors if a.person_id == self.owner.pk), None)
        if row is None or row.selected:
            entry.obj.imported_values.setdefault(selected_key, True)
            return 0
        if entry.obj.imported_values.get(selected_key):
            self.report.conflicts.append(
                f"publication {record.title[:60]!r}: unselected after the last import; kept"
            )
            return 0
        row.set(self._dirty, selected=True)
        entry.obj.imported_values[selected_key] = True
        Publication.objects.filter(pk=entry.obj.pk).update(
            imported_values=entry.obj.imported_values
        )
        return 1


#: ``imported_values`` key: ``[source_file, papers on that page]`` of the page that placed it.
PLACED_BY = "order_from"


@dataclass
class _Placing:
    """The page writing papers now, as :meth:`PublicationWriter._place` weighs it."""

    source_file: str
    size: int  # distinct papers on the page
    # Papers this page placed already: two of its entries that match one stored paper must
    # not take turns (each run would move it back and forth).
    done: set[int] = field(default_factory=set)


def page_orders(records: list[PublicationRecord]) -> tuple[list[int], int]:
    """Each record's place among the page's papers of its year, and the number of papers.

    Pages list papers by year, newest first, and within a year in the author's order; the
    pages sort by year and then by this place. A paper listed twice on one page (a selected
    list above the full list) takes the place of its last listing, the full list's. Records
    without a title (skipped by the writer) get 0 and do not count.
    """
    index = identity.PublicationIndex()
    first: list[PublicationRecord] = []  # each paper's first listing, by group
    group_of: list[int | None] = []
    last: dict[int, int] = {}  # paper → position of its last listing
    year_of: dict[int, int | None] = {}
    for position, record in enumerate(records):
        if not record.title.strip():
            group_of.append(None)
            continue
        facts = {
            "doi": record.doi,
            "arxiv_id": record.arxiv_id,
            "title": record.title,
            "kind": record.kind,
        }
        year = valid_year(record.year)
        # a thesis and the paper from it: one title, two works
        listing = Listing.of(record)
        hit = index.find(
            **facts,
            year=year,
            two_works=distinct_kinds,
            same_work=lambda g, listing=listing: same_work(Listing.of(first[g]), listing),
        )
        group = hit[0] if hit is not None else len(last)
        if hit is None:
            index.add(group, **facts, year=year)
            first.append(record)
        group_of.append(group)
        last[group] = position
        year_of[group] = year
    listed = sorted(last, key=last.__getitem__)
    place = dict(zip(listed, positions_within(year_of[g] for g in listed), strict=True))
    return [0 if group is None else place[group] for group in group_of], len(last)


def _unique_key(key: str, given: dict[str, int]) -> str:
    """``key``, or ``key~2``, ``key~3``… when the page gave it already.

    A key made from the title (``pub:<title>``) is one for two works that share a title (a
    workshop and a conference listing of one study); each must keep a key of its own, so a
    re-import finds each as itself. The suffix follows the page's order, which a re-import of
    the same page repeats.
    """
    given[key] = given.get(key, 0) + 1
    return key if given[key] == 1 else f"{key}~{given[key]}"[:300]


def _author_url(authors: list[AuthorRecord], position: int) -> str:
    return authors[position].url if position < len(authors) else ""
