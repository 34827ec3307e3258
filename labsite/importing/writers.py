"""Writing one page's records: sections, news, honors, talks, teaching, projects, redirects.

Split from :mod:`labsite.importing.load` (which decides the owner and the transactions) to keep
each module readable; publications are in :mod:`labsite.importing.papers`, the merge rule and
row helpers in :mod:`labsite.importing.rows`. :class:`SiteWriter` reads a site's existing
imported rows in a few bulk queries (:meth:`SiteWriter.preload`), then writes page after page
against those in-memory maps, so a no-change re-import costs a handful of queries per site
rather than several per record.
"""

from __future__ import annotations

import contextlib
from collections import Counter
from typing import Any

from django.core.files.storage import default_storage
from django.db import models
from django.urls import reverse
from django.utils.text import slugify

from labsite.importing import review
from labsite.importing.confidence import assess_page
from labsite.importing.extract.projects import rewrite_refs
from labsite.importing.identity import Indexes
from labsite.importing.media import read_image, store_write_up_image
from labsite.importing.papers import AuthorRow, PublicationWriter, StoredPub
from labsite.importing.persons import OUTSIDE_KEY, say_doubts_of_created
from labsite.importing.posts import write_posts
from labsite.importing.records import (
    FigureRecord,
    PageRecord,
    ProjectRecord,
    SiteRecord,
    SourceRef,
)
from labsite.importing.report import PageReport
from labsite.importing.rows import (
    PLAIN_SAVE,
    choice_of,
    clipped,
    insert,
    merge_fields,
    plain,
    positions_within,
    unique_key,
    valid_year,
    web_url,
)
from labsite.models import Redirect, is_live_path, normalize_path
from people.models import (
    CVEntry,
    CVKind,
    Honor,
    Lab,
    Membership,
    NewsItem,
    Person,
    ProfileSection,
    SectionKind,
    Talk,
    TalkKind,
    Teaching,
)
from publications.models import Authorship
from research.models import Collaborator, Figure, Project


class SiteWriter(PublicationWriter):
    """Writes the pages of one site for one owner into one lab; see the module docstring."""

    def __init__(
        self,
        *,
        site: SiteRecord,
        lab: Lab,
        owner: Person,
        label: str,
        dry_run: bool,
        indexes: Indexes,
    ) -> None:
        self.site, self.lab, self.owner, self.label = site, lab, owner, label
        self.dry_run = dry_run
        self.indexes = indexes
        self.report = PageReport(source=label)
        self.owner_names = [*owner.all_names(), *site.profile.aliases]
        self.target = reverse("people:detail", kwargs={"slug": owner.slug})
        self._files: list[str] = []
        self._dirty: dict[int, AuthorRow] = {}  # author rows changed on this page, not yet saved
        self.page_ref = SourceRef(label)

    # --- bulk reads ---------------------------------------------------------------------------

    def source_file(self, page: PageRecord) -> str:
        return f"{self.label}/{page.source.path}"[:500]

    def preload(self) -> None:
        """Read every row this site imported before, and every paper it may match, at once."""
        files = [self.source_file(page) for page in self.site.pages]
        self.rows: dict[type[models.Model], dict[tuple[str, str], Any]] = {}
        for model in (ProfileSection, NewsItem, Honor, Talk, Teaching, CVEntry):
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
                wanted |= self._candidates(record, source_file)
        self.pubs: dict[int, StoredPub] = {}
        self._fetch_pubs(wanted)
        self.redirects = {row.old_path: row for row in Redirect.objects.filter(lab=self.lab)}
        # The lab's people (and the owner): weak name matches are trusted only among them.
        self.members = set(
            Membership.objects.filter(lab=self.lab).values_list("person_id", flat=True)
        ) | {self.owner.pk}
        # ... and the people its projects name (collaborators found by their links): "M. Ali"
        # on a lab paper is the lab's collaborator Mona Ali, not any M. Ali.
        self.members |= set(
            Collaborator.objects.filter(project__lab=self.lab, person__isnull=False).values_list(
                "person_id", flat=True
            )
        )
        # ... and the people the import linked as co-authors of its members' papers (found by
        # their profile links on an earlier run, persons.py): trusted again on every run, so a
        # re-import links and doubts exactly as the first one did.
        lab_people = Membership.objects.filter(lab=self.lab).values("person_id")
        self.members |= set(
            Authorship.objects.filter(
                publication__authorships__person__in=lab_people,
                person__source_key=OUTSIDE_KEY,
            ).values_list("person_id", flat=True)
        )

    def keep_files(self) -> None:
        self._files.clear()

    def discard_files(self) -> None:
        """Delete the media a rolled-back page stored: no row points at them any more."""
        for name in self._files:
            with contextlib.suppress(OSError):
                default_storage.delete(name)
        self._files.clear()

    # --- one page -----------------------------------------------------------------------------

    def _where(self, record: object) -> str:
        """``file:line`` of a record, falling back to its page when the record does not say."""
        source = getattr(record, "source", None)
        return str(source) if source is not None and source.path else str(self.page_ref)

    def write_page(self, page: PageRecord) -> None:
        self.page_ref = page.source
        self._dirty.clear()
        assess_page(page)  # how sure the import is of each record (confidence.py)
        source_file = self.source_file(page)
        index = self.site.pages.index(page)
        self._sections(page, source_file, index)
        self._publications(page, source_file)
        self._news(page, source_file)
        self._honors(page, source_file)
        self._talks(page, source_file)
        self._teaching(page, source_file)
        self._cv_entries(page, source_file)
        seen: Counter[str] = Counter()
        for order, record in enumerate(page.projects):
            key = record.key or unique_key(
                "project:" + (slugify(record.title)[:200] or "untitled"), seen
            )
            self._project(record, source_file, key, order if record.order is None else record.order)
        write_posts(self, page, source_file)  # labsite/importing/posts.py
        self._redirects(page, source_file)
        say_doubts_of_created(self.indexes.people, source_file=source_file, report=self.report)

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
        record: review.Doubtful | None = None,
    ) -> tuple[Any, str]:
        """Create the row or three-way merge it; report and return ``(row, action)``.

        ``record`` (what the row is written from) carries how sure the import is of it: an
        unsure record's row is flagged "needs review" (:mod:`labsite.importing.review`).
        """
        values = clipped(model, values)
        key = key.replace("\x00", "")[:300]
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
            self._judge(row, record, values, name, label)
            if model in PLAIN_SAVE:
                insert(row)
            else:
                row.save()
            rows[(source_file, key)] = row
            action = "created"
        else:
            changed = merge_fields(row, values, page=self.report, model=name, label=label)
            action = "updated" if changed else "unchanged"
            judged = self._judge(row, record, values, name, label)
            if changed:
                row.save()
            elif judged:
                review.save_verdict(row)
        self.report.add(action, name, label)
        return row, action

    def _judge(
        self,
        row: models.Model,
        record: review.Doubtful | None,
        values: dict[str, Any],
        name: str,
        label: str,
    ) -> bool:
        """List an unsure record in the report and set its row's flag; whether the flag moved."""
        if record is None:
            return False
        if review.is_unsure(record):
            self.report.unsure.append(review.unsure_line(name, label, record))
        return review.apply_verdict(row, record, review.source_values(values))

    def _sections(self, page: PageRecord, source_file: str, page_index: int) -> None:
        seen: Counter[str] = Counter()
        for position, record in enumerate(page.sections):
            key = unique_key("section:" + (slugify(record.title) or "untitled"), seen)
            values = {
                "title": record.title or "About",
                "kind": choice_of(record.kind, SectionKind, SectionKind.PROSE),
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
                record=record,
                label=values["title"],
            )

    def _news(self, page: PageRecord, source_file: str) -> None:
        seen: Counter[str] = Counter()
        # News sort by date, then by ``order``: items of one date (a month, for "Mar 2024")
        # keep the page's order.
        orders = positions_within(record.date for record in page.news)
        for record, order in zip(page.news, orders, strict=True):
            key = record.key or unique_key(f"news:{record.date.isoformat()}", seen)
            values = {
                "date": record.date,
                "date_precision": record.precision
                if record.precision in {"day", "month", "year"}
                else "day",
                "text": record.text,
                "order": order,
            }
            self._upsert(
                NewsItem,
                source_file,
                key,
                values,
                extra={"person": self.owner},
                name="news",
                record=record,
                label=f"{record.date}: {record.text[:60]}",
            )

    def _honors(self, page: PageRecord, source_file: str) -> None:
        seen: Counter[str] = Counter()
        for order, record in enumerate(page.honors):
            key = record.key or unique_key(
                f"honor:{slugify(record.title)[:200]}:{record.year or ''}", seen
            )
            values = {
                "title": record.title,
                "year": valid_year(record.year),
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
                record=record,
                label=record.title,
            )

    def _talks(self, page: PageRecord, source_file: str) -> None:
        seen: Counter[str] = Counter()
        orders = positions_within(record.date for record in page.talks)
        for record, order in zip(page.talks, orders, strict=True):
            key = record.key or unique_key(
                f"talk:{slugify(record.title)[:200]}:{plain(record.date) or ''}", seen
            )
            values = {
                "title": record.title,
                "event": record.event,
                "date": record.date,
                "location": record.location,
                "kind": choice_of(record.kind, TalkKind, TalkKind.TALK),
                "url": record.url,
                "slides_url": record.slides_url,
                "video_url": record.video_url,
                "description": record.description,
                "order": order,
            }
            self._upsert(
                Talk,
                source_file,
                key,
                values,
                extra={"person": self.owner},
                name="talk",
                record=record,
                label=record.title,
            )

    def _teaching(self, page: PageRecord, source_file: str) -> None:
        seen: Counter[str] = Counter()
        for order, record in enumerate(page.teaching):
            base = f"teaching:{slugify(record.course)[:200]}:{record.term or record.year or ''}"
            key = record.key or unique_key(base, seen)
            values = {
                "course": record.course,
                "role": record.role,
                "institution": record.institution,
                "term": record.term,
                "year": valid_year(record.year),
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
                record=record,
                label=record.course,
            )

    def _cv_entries(self, page: PageRecord, source_file: str) -> None:
        """The CV's degrees, positions and service roles, in the source's order."""
        seen: Counter[str] = Counter()
        for order, record in enumerate(page.cv_entries):
            where = slugify(record.organization)[:100]
            base = f"cv:{record.kind}:{slugify(record.title)[:150]}:{where}"
            key = record.key or unique_key(base, seen)
            start, end = valid_year(record.start_year), valid_year(record.end_year)
            if start and end and end < start:
                start, end = end, start
            values = {
                "kind": choice_of(record.kind, CVKind, CVKind.EDUCATION),
                "title": record.title,
                "organization": record.organization,
                "location": record.location,
                "start_year": start,
                "end_year": end,
                "detail": record.detail,
                "order": order,
            }
            label = (
                f"{record.title}, {record.organization}" if record.organization else record.title
            )
            self._upsert(
                CVEntry,
                source_file,
                key,
                values,
                extra={"person": self.owner},
                name="cv entry",
                label=label,
            )

    # --- projects -----------------------------------------------------------------------------

    def _project(self, record: ProjectRecord, source_file: str, key: str, order: int) -> None:
        start, end = record.start, record.end
        if start and end and end < start:
            start, end = end, start
        values = {
            "title": record.title,
            "summary": record.summary,
            "body": self._write_up_media(record) if record.media else record.body,
            "start": start,
            "end": end,
            "order": order,  # the page's order; the research pages sort by it first
        }
        project, action = self._upsert(
            Project,
            source_file,
            key,
            values,
            extra={"lab": self.lab, "owner": self.owner},
            name="project",
            record=record,
            label=record.title,
        )
        line = self.report.records[-1]
        changed = self._collaborators(project, record, created=action == "created")
        changed += self._figures(project, record, source_file)
        if changed and action == "unchanged":
            line.action = "updated"

    def _write_up_media(self, record: ProjectRecord) -> str:
        """The body with its images in the site folder stored as media and pointed at."""
        mapping: dict[str, str] = {}
        for ref in record.media:
            url, why, stored = store_write_up_image(ref, self.site.root, dry_run=self.dry_run)
            if stored:
                self._files.append(stored)
            if url or ref.fallback:
                mapping[ref.src] = url or ref.fallback
            if not url:
                kept = "linked on the original site" if ref.fallback else "left as written"
                self.report.warnings.append(
                    f"{self._where(record)}: write-up of {record.title!r}: {why}; {kept}"
                )
        return rewrite_refs(record.body, mapping)

    def _collaborators(self, project: Project, record: ProjectRecord, *, created: bool) -> int:
        desired = [
            [c.name.replace("\x00", "").strip()[:200], (c.url or "").strip()]
            for c in record.collaborators
            if c.name.strip()
        ]
        desired = [[name, web_url(url) if len(url) <= 500 else ""] for name, url in desired]
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
                    match = self._person(name, url, taken)
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
                if row.person_id is not None:
                    # linked by an earlier import: its doubt is said on every import
                    match = self.indexes.people.match(
                        row.name, url=row.url, exclude=taken - {row.person_id}, members=self.members
                    )
                    if match is not None and match.pk == row.person_id:
                        self._warn_uncertain(record, row.name, match)
                if row.person_id is None:
                    match = self._person(row.name, row.url, taken)
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
            values = clipped(
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
                self._files.extend(figure.rendition_names())
                _close(figure.image, figure.rendition)
                self.report.add("created", "figure", f"{record.title}: {fig.src}")
                changes += 1
                continue
            changed = merge_fields(figure, values, page=self.report, model="figure", label=fig.src)
            if figure.missing_source and not figure.image and self._attach(figure, fig, record):
                changed.append("image")
            if changed:
                figure.save()
                if "image" in changed:  # new copies: a rolled-back page deletes them
                    self._files.extend(figure.rendition_names())
                _close(figure.image, figure.rendition)
                changes += 1
            self.report.add(
                "updated" if changed else "unchanged", "figure", f"{record.title}: {fig.src}"
            )
        return changes

    def _attach(self, figure: Figure, fig: FigureRecord, record: ProjectRecord) -> bool:
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
            old = normalize_path(str(raw).replace("\x00", ""))[:500]
            if is_live_path(old):
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


def _close(*files: Any) -> None:
    """Close stored files that saving opened (renditions, dimensions): no leaked handles."""
    for file in files:
        if file:
            file.close()
