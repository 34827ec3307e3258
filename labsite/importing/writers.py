"""Writing one page's records: sections, publications, news, honors, talks, teaching, projects.

Split from :mod:`labsite.importing.load` (which decides the owner and the transactions) to keep
each module readable. :class:`SiteWriter` reads a site's existing imported rows in a few bulk
queries (:meth:`SiteWriter.preload`), then writes page after page against those in-memory maps,
so a no-change re-import costs a handful of queries per site rather than several per record.

:func:`merge_fields` is the one rule for updating an imported row (a three-way merge):

============================  ============================================================
source value == current value  nothing to do
current == last imported       the source changed and nobody edited the field: write it
anything else                  the field was edited in the admin: keep it, report a conflict
============================  ============================================================
"""

from __future__ import annotations

import contextlib
import datetime
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.core.files.storage import default_storage
from django.db import models
from django.urls import Resolver404, resolve, reverse
from django.utils.text import slugify

from labsite.importing import identity
from labsite.importing.media import read_image
from labsite.importing.records import (
    AuthorRecord,
    PageRecord,
    ProjectRecord,
    PublicationRecord,
    SiteRecord,
    SourceRef,
)
from labsite.importing.report import PageReport
from labsite.markdown import render_inline, render_markdown
from labsite.models import Redirect, normalize_path
from people.models import (
    Honor,
    Lab,
    NewsItem,
    Person,
    ProfileSection,
    SectionKind,
    Talk,
    TalkKind,
    Teaching,
)
from publications.models import (
    Authorship,
    LinkKind,
    Publication,
    PublicationKind,
    PublicationLink,
    PublicationStatus,
    normalize_doi,
)
from research.models import Collaborator, Figure, Project

_EMPTY = ("", None, [], {})


def plain(value: Any) -> Any:
    """A value as stored in ``imported_values`` (JSON): dates as ISO text."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _short(value: Any) -> str:
    text = repr(plain(value))
    return text if len(text) <= 60 else text[:57] + "…'"


def merge_fields(
    obj: models.Model, values: dict[str, Any], *, page: PageReport, model: str, label: str
) -> list[str]:
    """Apply ``values`` to ``obj`` by the three-way rule; return the fields it changed.

    A field the import never wrote (not in ``imported_values``) counts as edited when it holds a
    value: an import fills an empty field, it does not overwrite one somebody typed. A source
    that leaves a field empty never conflicts with a value put there by someone else.
    """
    imported = dict(obj.imported_values or {})
    changed: list[str] = []
    for name, desired in values.items():
        current = getattr(obj, name)
        if plain(desired) == plain(current):
            imported[name] = plain(desired)
            continue
        edited = plain(current) != imported[name] if name in imported else current not in _EMPTY
        if desired in _EMPTY and edited:
            # The source says nothing here and the value came from elsewhere (an editor, or a
            # co-author's page that filled a blank): nothing to disagree with, keep it quietly.
            continue
        if edited:
            page.conflicts.append(
                f"{model} {label!r}: {name} was edited after the last import; kept "
                f"{_short(current)} (the source now says {_short(desired)})"
            )
            continue
        setattr(obj, name, desired)
        imported[name] = plain(desired)
        changed.append(name)
    obj.imported_values = imported
    return changed


def _clip(model: type[models.Model], values: dict[str, Any]) -> dict[str, Any]:
    """Cut text to the column's length (PostgreSQL refuses longer); drop URLs that would not fit."""
    out: dict[str, Any] = {}
    for name, value in values.items():
        limit = getattr(model._meta.get_field(name), "max_length", None)
        if isinstance(value, str):
            value = value.strip()
            if limit and len(value) > limit:
                if isinstance(model._meta.get_field(name), models.URLField):
                    value = ""
                else:
                    value = value[: limit - 1].rstrip() + "…"
        out[name] = value
    return out


# Models whose save() only renders markdown: a new row can be inserted by :func:`insert`.
_PLAIN_SAVE = {ProfileSection, NewsItem, Honor, Talk, Teaching}
_PLAIN_TEXT = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ,.:;!?()/+=%-]*")


def _is_plain(text: str) -> bool:
    """Text that markdown + smarty + the sanitizer leave exactly as it is (a typical title)."""
    return (
        _PLAIN_TEXT.fullmatch(text) is not None
        and "--" not in text
        and ".." not in text
        and "  " not in text
        and not text.endswith(" ")
        and re.match(r"\d+[.)]( |$)", text) is None
    )


def render(text: str) -> str:
    """:func:`labsite.markdown.render_markdown`, without the renderer for plain text.

    Under load the renderer costs ~1-2 ms a call (it builds a Markdown instance each time);
    a synthetic lab has thousands of plain titles. The shortcut gives the same HTML: see
    ``test_plain_text_fast_path_renders_like_markdown``.
    """
    if not text or not text.strip():
        return ""
    if "\n" not in text and _is_plain(text):
        return f"<p>{text}</p>"
    return render_markdown(text)


def render_line(text: str) -> str:
    """:func:`labsite.markdown.render_inline`, with the same plain-text shortcut."""
    if text and "\n" not in text and _is_plain(text):
        return text
    return render_inline(text)


def prepare(obj: models.Model) -> None:
    """Do what the model's ``save()`` would before an INSERT: render markdown, normalise DOI.

    Only for models whose ``save()`` does nothing else (publications and the person-owned
    rows). The post_save receivers do not run for rows inserted this way: the loader bumps the
    page cache's content version once at the end of the import instead.
    """
    for source, target in getattr(obj, "markdown_fields", {}).items():
        setattr(obj, target, render(getattr(obj, source)))
    if isinstance(obj, Publication):
        obj.title_html = render_line(obj.title)
        obj.doi = normalize_doi(obj.doi)


def insert(obj: models.Model) -> None:
    """:func:`prepare` and INSERT one new row."""
    prepare(obj)
    _bulk_insert(type(obj), [obj])


def _bulk_insert(model: type[models.Model], objs: list[models.Model]) -> None:
    """INSERT ``objs`` and give each its primary key (SQLite ≥ 3.35 and PostgreSQL return it)."""
    if not objs:
        return
    from django.db import connection

    if connection.features.can_return_rows_from_bulk_insert:
        model._default_manager.bulk_create(objs, batch_size=500)
    else:  # pragma: no cover - older SQLite: one INSERT each, still with its key
        for obj in objs:
            model._default_manager.bulk_create([obj])


def _year(value: int | None) -> int | None:
    return value if isinstance(value, int) and 1900 <= value <= 2200 else None


_CHOICES: dict[type[models.TextChoices], frozenset[str]] = {}


def _choice(value: str, choices: type[models.TextChoices], default: str) -> str:
    allowed = _CHOICES.get(choices)
    if allowed is None:
        allowed = _CHOICES[choices] = frozenset(choices.values)
    return value if value in allowed else default


def _chunks(items: list[int], size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _keyed(base: str, seen: Counter[str]) -> str:
    """``base``, or ``base#2``… for the second record with the same base on one page."""
    base = base[:280] or "item"
    seen[base] += 1
    return base if seen[base] == 1 else f"{base}#{seen[base]}"


@dataclass(slots=True)
class _Author:
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
    def of(cls, row: Authorship) -> _Author:
        return cls(*(getattr(row, name) for name in cls.FIELDS))

    def set(self, dirty: dict[int, _Author], **values: Any) -> None:
        """Change this row; the writer saves every changed row of a page in one bulk UPDATE."""
        for name, value in values.items():
            setattr(self, name, value)
        dirty[self.pk] = self


@dataclass
class _NewPub:
    """A paper first seen on this page, waiting for the page's batch INSERT."""

    record: PublicationRecord
    key: str
    repeats: list[PublicationRecord] = field(default_factory=list)
    rows: list[Authorship] = field(default_factory=list)


@dataclass
class _Pub:
    obj: Publication
    authors: list[_Author]
    links: list[tuple[str, str]]  # (kind, url)


class SiteWriter:
    """Writes the pages of one site for one owner into one lab; see the module docstring."""

    def __init__(
        self, *, site: SiteRecord, lab: Lab, owner: Person, label: str, dry_run: bool, indexes
    ) -> None:
        self.site, self.lab, self.owner, self.label = site, lab, owner, label
        self.dry_run = dry_run
        self.indexes = indexes
        self.report = PageReport(source=label)
        self.owner_names = [*owner.all_names(), *site.profile.aliases]
        self.target = reverse("people:detail", kwargs={"slug": owner.slug})
        self._files: list[str] = []
        self._dirty: dict[int, _Author] = {}  # author rows changed on this page, not yet saved
        self.page_ref = SourceRef(label)

    # --- bulk reads ---------------------------------------------------------------------------

    def source_file(self, page: PageRecord) -> str:
        return f"{self.label}/{page.source.path}"[:500]

    def preload(self) -> None:
        """Read every row this site imported before, and every paper it may match, at once."""
        files = [self.source_file(page) for page in self.site.pages]
        self.rows: dict[type[models.Model], dict[tuple[str, str], Any]] = {}
        for model in (ProfileSection, NewsItem, Honor, Talk, Teaching):
            self.rows[model] = {
                (row.source_file, row.source_key): row
                for row in model.objects.filter(source_file__in=files)
            }
        projects = Project.objects.filter(lab=self.lab, source_file__in=files).prefetch_related(
            "collaborators", "figures"
        )
        self.rows[Project] = {(row.source_file, row.source_key): row for row in projects}
        wanted: set[int] = set()
        for page in self.site.pages:
            source_file = self.source_file(page)
            for record in page.publications:
                found = self._find(record, source_file, self._pub_key(record))
                if found is not None:
                    wanted.add(found[0])
        self.pubs: dict[int, _Pub] = {}
        self._fetch_pubs(wanted)
        self.redirects = {row.old_path: row for row in Redirect.objects.filter(lab=self.lab)}

    def _fetch_pubs(self, pks: set[int]) -> None:
        """Papers with their authors and links, in three queries (no prefetch machinery)."""
        pks = set(pks) - set(self.pubs)
        if not pks:
            return
        authors: dict[int, list[_Author]] = {pk: [] for pk in pks}
        links: dict[int, list[tuple[str, str]]] = {pk: [] for pk in pks}
        for chunk in _chunks(sorted(pks), 500):
            rows = Authorship.objects.filter(publication_id__in=chunk).order_by("position")
            for values in rows.values_list("publication_id", *_Author.FIELDS):
                authors[values[0]].append(_Author(*values[1:]))
            link_rows = PublicationLink.objects.filter(publication_id__in=chunk).order_by(
                "order", "pk"
            )
            for pub_id, kind, url in link_rows.values_list("publication_id", "kind", "url"):
                links[pub_id].append((kind, url))
            for pub in Publication.objects.filter(pk__in=chunk):
                self.pubs[pub.pk] = _Pub(pub, authors[pub.pk], links[pub.pk])

    def keep_files(self) -> None:
        self._files.clear()

    def discard_files(self) -> None:
        """Delete the media a rolled-back page stored: no row points at them any more."""
        for name in self._files:
            with contextlib.suppress(OSError):
                default_storage.delete(name)
        self._files.clear()

    # --- one page -----------------------------------------------------------------------------

    def _where(self, record) -> str:
        """``file:line`` of a record, falling back to its page when the record does not say."""
        source = getattr(record, "source", None)
        return str(source) if source is not None and source.path else str(self.page_ref)

    def write_page(self, page: PageRecord) -> None:
        self.page_ref = page.source
        self._dirty.clear()
        source_file = self.source_file(page)
        index = self.site.pages.index(page)
        self._sections(page, source_file, index)
        self._publications(page, source_file)
        self._news(page, source_file)
        self._honors(page, source_file)
        self._talks(page, source_file)
        self._teaching(page, source_file)
        seen: Counter[str] = Counter()
        for record in page.projects:
            key = record.key or _keyed(
                "project:" + (slugify(record.title)[:200] or "untitled"), seen
            )
            self._project(record, source_file, key)
        self._redirects(page, source_file)

    def _upsert(
        self,
        model: type[models.Model],
        source_file: str,
        key: str,
        values: dict[str, Any],
        *,
        extra: dict[str, Any],
        name: str,
        label: str,
    ) -> tuple[Any, str]:
        """Create the row or three-way merge it; report and return ``(row, action)``."""
        values = _clip(model, values)
        rows = self.rows[model]
        row = rows.get((source_file, key))
        if row is None:
            row = model(
                **values,
                **extra,
                source_file=source_file,
                source_key=key,
                imported_values={k: plain(v) for k, v in values.items()},
            )
            if model in _PLAIN_SAVE:
                insert(row)
            else:
                row.save()
            rows[(source_file, key)] = row
            action = "created"
        else:
            changed = merge_fields(row, values, page=self.report, model=name, label=label)
            action = "updated" if changed else "unchanged"
            if changed:
                row.save()
        self.report.add(action, name, label)
        return row, action

    def _sections(self, page: PageRecord, source_file: str, page_index: int) -> None:
        seen: Counter[str] = Counter()
        for position, record in enumerate(page.sections):
            key = _keyed("section:" + (slugify(record.title) or "untitled"), seen)
            values = {
                "title": record.title or "About",
                "kind": _choice(record.kind, SectionKind, SectionKind.PROSE),
                "body": record.body,
                # Stable across runs whatever else fails: pages keep their order, sections theirs.
                "order": page_index * 100 + position,
            }
            self._upsert(
                ProfileSection,
                source_file,
                key,
                values,
                extra={"person": self.owner},
                name="section",
                label=values["title"],
            )

    def _news(self, page: PageRecord, source_file: str) -> None:
        seen: Counter[str] = Counter()
        for record in page.news:
            key = record.key or _keyed(f"news:{record.date.isoformat()}", seen)
            values = {
                "date": record.date,
                "date_precision": record.precision
                if record.precision in {"day", "month", "year"}
                else "day",
                "text": record.text,
            }
            self._upsert(
                NewsItem,
                source_file,
                key,
                values,
                extra={"person": self.owner},
                name="news",
                label=f"{record.date}: {record.text[:60]}",
            )

    def _honors(self, page: PageRecord, source_file: str) -> None:
        seen: Counter[str] = Counter()
        for order, record in enumerate(page.honors):
            key = record.key or _keyed(
                f"honor:{slugify(record.title)[:200]}:{record.year or ''}", seen
            )
            values = {
                "title": record.title,
                "year": _year(record.year),
                "detail": record.detail,
                "url": record.url,
                "order": order,
            }
            self._upsert(
                Honor,
                source_file,
                key,
                values,
                extra={"person": self.owner},
                name="honor",
                label=record.title,
            )

    def _talks(self, page: PageRecord, source_file: str) -> None:
        seen: Counter[str] = Counter()
        for record in page.talks:
            key = record.key or _keyed(
                f"talk:{slugify(record.title)[:200]}:{plain(record.date) or ''}", seen
            )
            values = {
                "title": record.title,
                "event": record.event,
                "date": record.date,
                "location": record.location,
                "kind": _choice(record.kind, TalkKind, TalkKind.TALK),
                "url": record.url,
                "slides_url": record.slides_url,
                "video_url": record.video_url,
                "description": record.description,
            }
            self._upsert(
                Talk,
                source_file,
                key,
                values,
                extra={"person": self.owner},
                name="talk",
                label=record.title,
            )

    def _teaching(self, page: PageRecord, source_file: str) -> None:
        seen: Counter[str] = Counter()
        for order, record in enumerate(page.teaching):
            base = f"teaching:{slugify(record.course)[:200]}:{record.term or record.year or ''}"
            key = record.key or _keyed(base, seen)
            values = {
                "course": record.course,
                "role": record.role,
                "institution": record.institution,
                "term": record.term,
                "year": _year(record.year),
                "url": record.url,
                "order": order,
            }
            self._upsert(
                Teaching,
                source_file,
                key,
                values,
                extra={"person": self.owner},
                name="teaching",
                label=record.course,
            )

    # --- publications -------------------------------------------------------------------------

    @staticmethod
    def _pub_key(record: PublicationRecord) -> str:
        return (record.key or "pub:" + identity.normalize_title(record.title))[:300]

    def _find(
        self, record: PublicationRecord, source_file: str, key: str
    ) -> tuple[int, str] | None:
        return self.indexes.publications.find(
            source_file=source_file,
            source_key=key,
            doi=record.doi,
            arxiv_id=record.arxiv_id,
            title=record.title,
            year=_year(record.year),
        )

    @staticmethod
    def _pub_values(record: PublicationRecord) -> dict[str, Any]:
        month = record.month if isinstance(record.month, int) and 1 <= record.month <= 12 else None
        values: dict[str, Any] = {
            "title": record.title,
            "venue": record.venue,
            "short_venue": record.short_venue,
            "year": _year(record.year),
            "month": month,
            "volume": record.volume,
            "number": record.number,
            "pages": record.pages,
            "publisher": record.publisher,
            "doi": identity.normalize_doi(record.doi),
            "arxiv_id": identity.normalize_arxiv(record.arxiv_id) or record.arxiv_id.strip(),
            "abstract": record.abstract,
            "award": record.award,
            "note": record.note,
            "bibtex": record.bibtex,
        }
        if _choice(record.kind, PublicationKind, "") == record.kind != "":
            values["kind"] = record.kind
        if _choice(record.status, PublicationStatus, "") == record.status != "":
            values["status"] = record.status
        return _clip(Publication, values)

    @staticmethod
    def _author_list(record: PublicationRecord) -> list[list[Any]]:
        return [
            [a.name.strip()[:200], a.equal_contribution, a.corresponding]
            for a in record.authors
            if a.name.strip()
        ]

    def _owner_position(
        self, authors: list[AuthorRecord]
    ) -> tuple[int, identity.NameMatch | None] | None:
        """Which printed author is the owner: a sure name match, the highlight, else a guess."""
        matches = [self._owner_match(a.name) for a in authors]
        for i, match in enumerate(matches):
            if match is not None and match.certain:
                return i, match
        for i, author in enumerate(authors):
            if author.is_owner:
                return i, None
        for i, match in enumerate(matches):
            if match is not None:
                return i, match
        return None

    def _owner_match(self, name: str) -> identity.NameMatch | None:
        results = [r for r in (identity.compare_names(name, n) for n in self.owner_names) if r]
        return max(results, key=lambda r: r.score) if results else None

    def _publications(self, page: PageRecord, source_file: str) -> None:
        """Match each paper; the page's new papers are then written together (see ``_create``)."""
        new: list[_NewPub] = []
        pending = identity.PublicationIndex()  # the page's new papers, by their place in ``new``
        for record in page.publications:
            if not record.title.strip():
                self.report.warnings.append(
                    f"{self._where(record)}: a publication without a title; skipped"
                )
                continue
            key = self._pub_key(record)
            found = self._find(record, source_file, key)
            if found is not None:
                self._publication(record, source_file, key, found)
                continue
            facts = {"doi": record.doi, "arxiv_id": record.arxiv_id, "title": record.title}
            again = pending.find(**facts, year=_year(record.year))
            if again is not None:
                new[again[0]].repeats.append(record)  # the same paper twice on one page
                continue
            pending.add(len(new), **facts, year=_year(record.year))
            new.append(_NewPub(record, key))
        if new:
            self._create(new, source_file)
        self._save_authors()

    def _save_authors(self) -> None:
        """One bulk UPDATE for the author rows this page linked or selected."""
        if not self._dirty:
            return
        rows = [
            Authorship(pk=a.pk, person_id=a.person_id, selected=a.selected)
            for a in self._dirty.values()
        ]
        Authorship.objects.bulk_update(rows, ["person", "selected"], batch_size=500)
        self._dirty.clear()

    def _publication(
        self, record: PublicationRecord, source_file: str, key: str, found: tuple[int, str]
    ) -> None:
        """A paper that exists: merge it if this source owns it, else only fill its blanks."""
        values = self._pub_values(record)
        authors = [a for a in record.authors if a.name.strip()]
        desired_authors = self._author_list(record)
        label = values["title"]
        selected_key = f"selected:{self.owner.pk}"
        pk, how = found
        self._fetch_pubs({pk})
        entry = self.pubs[pk]
        pub = entry.obj
        changed: list[str] = []
        owned = (pub.source_file, pub.source_key) == (source_file, key)
        if owned:
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
        else:
            for name, value in values.items():
                if value in _EMPTY or getattr(pub, name) not in _EMPTY:
                    continue
                if name == "doi" and self.indexes.publications.by_doi.get(value, pub.pk) != pub.pk:
                    continue  # another paper holds this DOI
                setattr(pub, name, value)
                changed.append(name)
            if not entry.authors and authors:
                self._write_authors(entry, record, authors)
                changed.append("authors")
        if changed:
            pub.save()
            if "doi" in changed:
                self.indexes.publications.by_doi.setdefault(pub.doi, pub.pk)
        linked = self._link_owner(entry, record, authors)
        linked += self._link_coauthors(entry)
        linked += self._add_links(entry, record)
        linked += self._select(entry, record, selected_key)
        action = "updated" if changed or linked else "unchanged"
        self.report.add(
            action, "publication", f"{label} (matched by {how})" if how not in {"source"} else label
        )

    def _create(self, new: list[_NewPub], source_file: str) -> None:
        """Insert a page's new papers, their authors and links: three INSERTs, not three each.

        A site's publication list or ``papers.bib`` is one page of a hundred papers; writing
        them row by row cost most of a first import.
        """
        selected_key = f"selected:{self.owner.pk}"
        pubs: list[Publication] = []
        for item in new:
            record = item.record
            values = self._pub_values(record)
            pub = Publication(
                **values,
                source_file=source_file,
                source_key=item.key,
                imported_values={
                    **{k: plain(v) for k, v in values.items()},
                    "authors": self._author_list(record),
                },
            )
            if record.selected or any(r.selected for r in item.repeats):
                pub.imported_values[selected_key] = True
            prepare(pub)
            pubs.append(pub)
        _bulk_insert(Publication, pubs)
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
                    self.report.warnings.append(
                        f"{self._where(record)}: {record.title[:60]!r} has no author list; "
                        f"listed under {self.owner.name}"
                    )
            rows.extend(item.rows)
            seen: set[tuple[str, str]] = set()
            for source in (record, *item.repeats):
                for link in self._link_rows(pub, source, seen, start=len(seen)):
                    links.append(link)
            self.report.add("created", "publication", pub.title)
        _bulk_insert(Authorship, rows)
        _bulk_insert(PublicationLink, links)
        by_pub: dict[int, list[_Author]] = {pub.pk: [] for pub in pubs}
        for row in rows:
            by_pub[row.publication_id].append(_Author.of(row))
        link_pairs: dict[int, list[tuple[str, str]]] = {pub.pk: [] for pub in pubs}
        for link in links:
            link_pairs[link.publication_id].append((link.kind, link.url))
        for pub in pubs:
            self.pubs[pub.pk] = _Pub(pub, by_pub[pub.pk], link_pairs[pub.pk])

    def _link_rows(
        self, pub: Publication, record: PublicationRecord, seen: set[tuple[str, str]], *, start: int
    ) -> list[PublicationLink]:
        """New PublicationLink rows for ``record``'s links not in ``seen`` (which grows)."""
        out = []
        for link in record.links:
            url = (link.url or "").strip()
            kind = _choice(link.kind, LinkKind, LinkKind.OTHER)
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
        entry: _Pub,
        record: PublicationRecord,
        authors: list[AuthorRecord],
        *,
        select_owner: bool = False,
    ) -> None:
        """Replace the author rows, keeping each linked person and their choices by name."""
        old = {identity.normalize_name(a.name): a for a in entry.authors if a.person_id}
        if entry.authors:
            Authorship.objects.filter(pk__in=[a.pk for a in entry.authors]).delete()
        rows = self._author_rows(entry.obj, record, authors, select_owner=select_owner, old=old)
        entry.authors = [_Author.of(row) for row in Authorship.objects.bulk_create(rows)]

    def _author_rows(
        self,
        pub: Publication,
        record: PublicationRecord,
        authors: list[AuthorRecord],
        *,
        select_owner: bool = False,
        old: dict[str, _Author] | None = None,
    ) -> list[Authorship]:
        """Unsaved Authorship rows, each linked to its person when known (owner first)."""
        old = old or {}
        people = self.indexes.people
        owner_at = self._owner_position(authors)
        taken: set[int] = set()
        rows: list[Authorship] = []
        for position, author in enumerate(authors):
            row = Authorship(
                publication=pub,
                name=author.name.strip()[:200],
                position=position,
                equal_contribution=author.equal_contribution,
                corresponding=author.corresponding,
            )
            previous = old.get(identity.normalize_name(author.name))
            if previous is not None and previous.person_id not in taken:
                row.person_id = previous.person_id
                row.selected, row.hidden = previous.selected, previous.hidden
            elif owner_at is not None and owner_at[0] == position and self.owner.pk not in taken:
                row.person_id = self.owner.pk
                row.selected = select_owner
                if owner_at[1] is not None and not owner_at[1].certain:
                    self.report.warnings.append(
                        f"{self._where(record)}: author {author.name!r} taken to be the owner "
                        f"{self.owner.name!r} ({owner_at[1].reason}); check it"
                    )
            if row.person_id:
                taken.add(row.person_id)
            rows.append(row)
        taken.add(self.owner.pk)
        for row in rows:
            if row.person_id is None:
                match = people.match(
                    row.name, url=_author_url(authors, row.position), exclude=taken
                )
                if match is not None:
                    row.person_id = match.pk
                    taken.add(match.pk)
                    self._warn_uncertain(record, row.name, match)
        return rows

    def _warn_uncertain(self, record: PublicationRecord | ProjectRecord, name: str, match) -> None:
        if not match.certain:
            self.report.warnings.append(
                f"{self._where(record)}: {name!r} linked to {match.name!r} "
                f"({match.reason}); check it"
            )

    def _link_owner(
        self, entry: _Pub, record: PublicationRecord, authors: list[AuthorRecord]
    ) -> int:
        """Make sure the owner's Authorship points at the owner; 1 if a row changed."""
        if any(a.person_id == self.owner.pk for a in entry.authors):
            return 0
        if not entry.authors:
            # A collection item with no author list is still the owner's paper: list them.
            row = Authorship.objects.create(
                publication=entry.obj, person=self.owner, name=self.owner.name[:200], position=0
            )
            entry.authors = [_Author.of(row)]
            self.report.warnings.append(
                f"{self._where(record)}: {record.title[:60]!r} has no author list; "
                f"listed under {self.owner.name}"
            )
            return 1
        candidates = [a for a in entry.authors if a.person_id is None]
        owner_at = self._owner_position(authors)
        chosen = None
        if owner_at is not None:
            printed = identity.normalize_name(authors[owner_at[0]].name)
            chosen = next(
                (a for a in candidates if identity.normalize_name(a.name) == printed), None
            )
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

    def _link_coauthors(self, entry: _Pub) -> int:
        unlinked = [a for a in entry.authors if a.person_id is None]
        if not unlinked:
            return 0
        taken = {a.person_id for a in entry.authors if a.person_id}
        changed = 0
        for row in unlinked:
            match = self.indexes.people.match(row.name, exclude=taken)
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

    def _add_links(self, entry: _Pub, record: PublicationRecord) -> int:
        """Add the links the paper does not have yet (never removes one)."""
        seen = set(entry.links)
        new = self._link_rows(entry.obj, record, seen, start=len(entry.links))
        if new:
            PublicationLink.objects.bulk_create(new)
            entry.links.extend((link.kind, link.url) for link in new)
        return len(new)

    def _select(self, entry: _Pub, record: PublicationRecord, selected_key: str) -> int:
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

    # --- projects -----------------------------------------------------------------------------

    def _project(self, record: ProjectRecord, source_file: str, key: str) -> None:
        start, end = record.start, record.end
        if start and end and end < start:
            start, end = end, start
        values = {
            "title": record.title,
            "summary": record.summary,
            "body": record.body,
            "start": start,
            "end": end,
        }
        project, action = self._upsert(
            Project,
            source_file,
            key,
            values,
            extra={"lab": self.lab, "owner": self.owner},
            name="project",
            label=record.title,
        )
        line = self.report.records[-1]
        changed = self._collaborators(project, record, created=action == "created")
        changed += self._figures(project, record, source_file)
        if changed and action == "unchanged":
            line.action = "updated"

    def _collaborators(self, project: Project, record: ProjectRecord, *, created: bool) -> int:
        desired = [
            [c.name.strip()[:200], (c.url or "").strip()]
            for c in record.collaborators
            if c.name.strip()
        ]
        desired = [[name, url if len(url) <= 500 else ""] for name, url in desired]
        current_rows = [] if created else sorted(project.collaborators.all(), key=lambda c: c.order)
        current = [[c.name, c.url] for c in current_rows]
        previous = project.imported_values.get("collaborators")
        changes = 0
        if desired != current:
            if current and current != previous:
                self.report.conflicts.append(
                    f"project {record.title!r}: collaborators were edited after the last "
                    "import; kept"
                )
            else:
                Collaborator.objects.filter(project=project).delete()
                taken: set[int] = set()
                rows = []
                for order, (name, url) in enumerate(desired):
                    row = Collaborator(project=project, name=name, url=url, order=order)
                    match = self.indexes.people.match(name, url=url, exclude=taken)
                    if match is not None:
                        row.person_id = match.pk
                        taken.add(match.pk)
                        self._warn_uncertain(record, name, match)
                    rows.append(row)
                current_rows = Collaborator.objects.bulk_create(rows)
                changes += 1
        else:
            taken = {c.person_id for c in current_rows if c.person_id}
            for row in current_rows:
                if row.person_id is None:
                    match = self.indexes.people.match(row.name, url=row.url, exclude=taken)
                    if match is not None:
                        row.person_id = match.pk
                        row.save(update_fields=["person"])
                        taken.add(match.pk)
                        changes += 1
        if previous != desired:
            project.imported_values["collaborators"] = desired
            Project.objects.filter(pk=project.pk).update(imported_values=project.imported_values)
        return changes

    def _figures(self, project: Project, record: ProjectRecord, source_file: str) -> int:
        existing = {f.source_key: f for f in project.figures.all()} if project.pk else {}
        changes = 0
        for order, fig in enumerate(record.figures):
            key = (fig.src or f"figure-{order}")[:300]
            width = (
                fig.display_width
                if isinstance(fig.display_width, int) and fig.display_width > 0
                else None
            )
            values = _clip(
                Figure,
                {
                    "alt_text": _alt_text(fig.alt, fig.caption, record.title),
                    "caption": fig.caption,
                    "display_width": width,
                    "order": order,
                },
            )
            figure = existing.get(key)
            if figure is None:
                figure = Figure(
                    project=project,
                    source_file=source_file,
                    source_key=key,
                    imported_values={k: plain(v) for k, v in values.items()},
                    **values,
                )
                self._attach(figure, fig, record)
                figure.save()
                _close(figure.image, figure.rendition)
                self.report.add("created", "figure", f"{record.title}: {fig.src}")
                changes += 1
                continue
            changed = merge_fields(figure, values, page=self.report, model="figure", label=fig.src)
            if figure.missing_source and not figure.image and self._attach(figure, fig, record):
                changed.append("image")
            if changed:
                figure.save()
                _close(figure.image, figure.rendition)
                changes += 1
            self.report.add(
                "updated" if changed else "unchanged", "figure", f"{record.title}: {fig.src}"
            )
        return changes

    def _attach(self, figure: Figure, fig, record: ProjectRecord) -> bool:
        """Give ``figure`` its image file, or note the missing source (with a warning)."""
        image, why = read_image(fig, self.site.root)
        if image is None:
            figure.missing_source = (fig.src or "?")[:500]
            self.report.warnings.append(f"{self._where(record)}: figure of {record.title!r}: {why}")
            return False
        figure.missing_source = ""
        if not self.dry_run:
            figure.image.save(image.content.name, image.content, save=False)
            self._files.append(figure.image.name)
        return True

    # --- old addresses ------------------------------------------------------------------------

    def _redirects(self, page: PageRecord, source_file: str) -> None:
        """The page's ``permalink`` and ``redirect_from`` → the owner's page, in this lab.

        A path that labsite itself serves is never redirected: ``/`` above all. Every member's
        old homepage had ``permalink: /``; on the lab's host ``/`` is the lab home, and a
        redirect there would send every visitor of the lab to one member. The same goes for
        ``/publications/`` and the other live pages. The first member to claim an old path
        keeps it; a later claim is reported as a warning.
        """
        paths = [page.permalink, *page.redirect_from]
        for raw in paths:
            if not raw or not str(raw).strip():
                continue
            old = normalize_path(str(raw))[:500]
            if _is_live(old):
                self.report.add("skipped", "redirect", f"{old} (a page of this site)")
                continue
            existing = self.redirects.get(old)
            if existing is None:
                row = Redirect.objects.create(
                    lab=self.lab, old_path=old, new_path=self.target, source_file=source_file
                )
                self.redirects[old] = row
                self.report.add("created", "redirect", f"{old} → {self.target}")
            elif existing.new_path == self.target:
                self.report.add("unchanged", "redirect", f"{old} → {self.target}")
            elif existing.source_file == source_file:
                existing.new_path = self.target
                existing.save(update_fields=["new_path"])
                self.report.add("updated", "redirect", f"{old} → {self.target}")
            else:
                self.report.warnings.append(
                    f"{page.source}: {old} already redirects to {existing.new_path}; not changed"
                )


# Alt texts that templates put in and nobody changed: they describe nothing.
_EMPTY_ALT = {"", "drawing", "image", "img", "figure", "fig", "picture", "photo", "alt", "alt text"}


def _alt_text(alt: str, caption: str, title: str) -> str:
    """The figure's alt text, or its caption, or "Figure: <project>" when the source's is empty."""
    if (alt or "").strip().lower() not in _EMPTY_ALT:
        return alt.strip()
    return (caption or "").strip() or f"Figure: {title}"


def _close(*files) -> None:
    """Close stored files that saving opened (renditions, dimensions): no leaked handles."""
    for file in files:
        if file:
            file.close()


def _author_url(authors: list[AuthorRecord], position: int) -> str:
    return authors[position].url if position < len(authors) else ""


def _is_live(path: str) -> bool:
    try:
        resolve(path.split("?")[0])
    except Resolver404:
        return False
    return True
