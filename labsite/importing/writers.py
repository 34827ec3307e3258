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
from typing import TYPE_CHECKING, Any

from django.core.files.storage import default_storage
from django.db import models
from django.urls import Resolver404, resolve, reverse
from django.utils.text import slugify

from labsite.importing.extract.projects import rewrite_refs
from labsite.importing.media import read_image, store_write_up_image
from labsite.importing.papers import PublicationWriter, _Author, _Pub
from labsite.importing.records import (
    FigureRecord,
    PageRecord,
    ProjectRecord,
    SiteRecord,
    SourceRef,
)
from labsite.importing.report import PageReport
from labsite.importing.rows import (
    _PLAIN_SAVE,
    _choice,
    _clip,
    _keyed,
    _year,
    insert,
    merge_fields,
    plain,
    positions_within,
    web_url,
)
from labsite.models import Redirect, normalize_path
from people.models import (
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
from research.models import Collaborator, Figure, Project

if TYPE_CHECKING:  # load imports this module
    from labsite.importing.load import Indexes


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
        # The lab's people (and the owner): weak name matches are trusted only among them.
        self.members = set(
            Membership.objects.filter(lab=self.lab).values_list("person_id", flat=True)
        ) | {self.owner.pk}

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
        source_file = self.source_file(page)
        index = self.site.pages.index(page)
        self._sections(page, source_file, index)
        self._publications(page, source_file)
        self._news(page, source_file)
        self._honors(page, source_file)
        self._talks(page, source_file)
        self._teaching(page, source_file)
        seen: Counter[str] = Counter()
        for order, record in enumerate(page.projects):
            key = record.key or _keyed(
                "project:" + (slugify(record.title)[:200] or "untitled"), seen
            )
            self._project(record, source_file, key, order if record.order is None else record.order)
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
        # News sort by date, then by ``order``: items of one date (a month, for "Mar 2024")
        # keep the page's order.
        orders = positions_within(record.date for record in page.news)
        for record, order in zip(page.news, orders, strict=True):
            key = record.key or _keyed(f"news:{record.date.isoformat()}", seen)
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
        orders = positions_within(record.date for record in page.talks)
        for record, order in zip(page.talks, orders, strict=True):
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
                "order": order,
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
                    match = self.indexes.people.match(
                        name, url=url, exclude=taken, members=self.members
                    )
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
                    match = self.indexes.people.match(
                        row.name, url=row.url, exclude=taken, members=self.members
                    )
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


def _close(*files: Any) -> None:
    """Close stored files that saving opened (renditions, dimensions): no leaked handles."""
    for file in files:
        if file:
            file.close()


def _is_live(path: str) -> bool:
    try:
        resolve(path.split("?")[0])
    except Resolver404:
        return False
    return True
