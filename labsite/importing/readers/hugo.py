"""Hugo Academic / HugoBlox (Wowchemy) sites.

A site is a folder with ``content/`` and a Hugo configuration (``config/_default/``,
``hugo.yaml``, ``config.toml``, …). What it holds:

- ``content/authors/<slug>/_index.md``: a person (``title``, ``role``, ``organizations``,
  ``social``, ``superuser``, an ``avatar.*`` beside it); the body is their bio. The superuser (or
  the ``admin`` folder) is the site's owner; a publication names people by these slugs.
- ``content/publication/<slug>/index.md``: a work (``authors``, ``author_notes``, ``date``,
  ``publication_types``, ``publication``, ``publication_short``, ``doi``, ``url_pdf``,
  ``url_code``, …, ``links``), with ``cite.bib`` beside it.
- ``content/event`` (``content/talk`` in older Academic): talks; ``content/project``: projects;
  ``content/post``: posts, read as news items.
- ``config/_default/params.yaml``: the site's contact details.

Front matter is YAML (``---``) or TOML (``+++``). A page with ``draft: true`` is one Hugo does
not publish (unless the configuration says ``buildDrafts``): it is not imported, and the report
says it was skipped as a draft. A trailing ``others`` (or ``et al.``) in ``authors``, which the
academic tool writes for BibTeX's ``and others``, is the "et al." the BibTeX reader makes of it.
"""

from __future__ import annotations

import datetime
import re
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from labsite.importing.bibtex import parse_bibtex
from labsite.importing.extract.authors import same_person
from labsite.importing.extract.common import Context, link_kind, strip_markup
from labsite.importing.parse import load_yaml, parse_page
from labsite.importing.readers.base import ImportInputError
from labsite.importing.readers.files import FileCollector, relative, run_file
from labsite.importing.readers.structured import CSL_KINDS, finish, kind_of_type, text
from labsite.importing.records import (
    ET_AL,
    AuthorRecord,
    FigureRecord,
    LinkRecord,
    NewsRecord,
    PageRecord,
    ProfileRecord,
    ProjectRecord,
    PublicationRecord,
    SectionRecord,
    SiteRecord,
    SourceRef,
    TalkRecord,
    doubt,
)
from labsite.normalise import name_tokens

_CONFIG_FILES = (
    "config/_default/hugo.yaml",
    "config/_default/config.yaml",
    "config/_default/hugo.toml",
    "config/_default/config.toml",
    "hugo.yaml",
    "hugo.toml",
    "config.yaml",
    "config.toml",
)
_PARAMS_FILES = ("config/_default/params.yaml", "config/_default/params.toml")

#: Hugo Academic's numbered publication types (before HugoBlox used CSL's names).
_NUMBERED_KINDS = {
    "0": "other",
    "1": "conference",
    "2": "journal",
    "3": "preprint",
    "4": "report",
    "5": "book",
    "6": "chapter",
    "7": "thesis",
    "8": "patent",
}

#: ``url_*`` front-matter keys → (LinkKind value, label when the kind's name is not enough).
_URL_KEYS = {
    "url_pdf": ("pdf", ""),
    "url_preprint": ("paper", "Preprint"),
    "url_code": ("code", ""),
    "url_dataset": ("data", ""),
    "url_poster": ("poster", ""),
    "url_project": ("project", ""),
    "url_slides": ("slides", ""),
    "url_source": ("other", "Source"),
    "url_video": ("video", ""),
}

_SOCIAL = {
    "graduation-cap": "google_scholar",
    "google-scholar": "google_scholar",
    "github": "github",
    "orcid": "orcid",
    "linkedin": "linkedin",
    "twitter": "twitter",
    "x-twitter": "twitter",
    "envelope": "email",
    "at-symbol": "email",
}

_IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".gif")

# The last entry of an ``authors`` list that says the list goes on: BibTeX's ``and others``.
_ET_AL = re.compile(r"^(?:and\s+)?others$|^et\.?\s*al\.?$|^…$|^\.{3}$", re.I)


def is_hugo_site(path: Path) -> bool:
    if not path.is_dir() or not (path / "content").is_dir():
        return False
    return (path / "config" / "_default").is_dir() or any(
        (path / name).is_file() for name in _CONFIG_FILES
    )


class HugoReader:
    name = "Hugo Academic site"

    def detect(self, path: Path) -> float:
        if not is_hugo_site(path):
            return 0.0
        content = path / "content"
        if any((content / name).is_dir() for name in ("authors", "publication", "publications")):
            return 1.0
        return 0.8

    def read(self, path: Path) -> SiteRecord:
        site = SiteRecord(root=path)
        HugoCollector(path, site).collect()
        if not site.pages and not site.errors:
            raise ImportInputError(f"{path}: a Hugo site with nothing to import in content/")
        return site


def _reads_as_name(title: str) -> bool:
    """Two to four words of letters, as a person's name is (not "Lab of X | Home", "2024")."""
    if not title or re.search(r"[\d@|:/#()\[\]]", title):
        return False
    return 2 <= len(name_tokens(title)) <= 4


def _listed(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _date(value: Any) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    m = re.match(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})", text(value))
    if m:
        try:
            return datetime.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return None
    m = re.match(r"\s*(\d{4})\b", text(value))
    return datetime.date(int(m.group(1)), 1, 1) if m else None


class HugoCollector(FileCollector):
    def __init__(self, root: Path, site: SiteRecord) -> None:
        super().__init__(root, site)
        self.authors: dict[str, str] = {}  # author folder (slug) → display name
        self.owner_slug = ""
        self.build_drafts = False  # the configuration's ``buildDrafts``: drafts are published

    # -- files -------------------------------------------------------------------------
    def front_matter(self, path: Path) -> tuple[dict[str, Any], str] | None:
        """(meta, body) of a content file, YAML or TOML front matter; None after an error."""
        raw = self.read(path)
        if raw is None:
            return None
        if raw.lstrip("\ufeff").startswith("+++"):
            m = re.match(r"\ufeff?\+\+\+[ \t]*\n(.*?)\n\+\+\+[ \t]*(?:\n|$)", raw, re.S)
            if not m:
                self.error(path, 1, "TOML front matter is not closed by +++")
                return None
            try:
                meta = tomllib.loads(m.group(1))
            except tomllib.TOMLDecodeError as exc:
                self.error(path, 1, f"broken TOML: {exc}")
                return None
            return meta, raw[m.end() :]
        parsed = parse_page(raw, relative(path, self.root))
        if parsed.errors:
            line, message = parsed.errors[0]
            self.error(path, line, message)
            return None
        return parsed.meta, parsed.body

    def config_file(self, names: tuple[str, ...]) -> dict[str, Any]:
        for name in names:
            path = self.root / name
            if not path.is_file():
                continue
            raw = self.read(path)
            if raw is None:
                return {}
            try:
                loaded = tomllib.loads(raw) if name.endswith(".toml") else load_yaml(raw)
            except (yaml.YAMLError, tomllib.TOMLDecodeError) as exc:
                self.error(path, 1, f"broken configuration: {exc}"[:200])
                return {}
            except (RecursionError, ValueError, TypeError) as exc:
                self.error(path, 1, f"broken configuration: {type(exc).__name__}")
                return {}
            return loaded if isinstance(loaded, dict) else {}
        return {}

    def bundles(self, *sections: str) -> list[Path]:
        """Every content file of these sections: leaf bundles (``x/index.md``) and pages."""
        found: list[Path] = []
        for section in sections:
            folder = self.root / "content" / section
            if not folder.is_dir():
                continue
            for path in sorted(folder.rglob("*.md")):
                if path.name == "_index.md" or any(p.startswith(".") for p in path.parts):
                    continue
                found.append(path)
        return found

    def key(self, path: Path) -> str:
        rel = relative(path, self.root)
        return rel.removesuffix("/index.md")

    def bundle_context(self, path: Path) -> Context:
        return Context(root=self.root, page_dir=path.parent, site_url=self.ctx.site_url)

    # -- the whole site ---------------------------------------------------------------
    def collect(self) -> None:
        config = self.config_file(_CONFIG_FILES)
        params = self.config_file(_PARAMS_FILES)
        self.build_drafts = meta_true(config.get("buildDrafts") or config.get("builddrafts"))
        base = text(config.get("baseURL") or config.get("baseurl")).rstrip("/")
        self.ctx = Context(root=self.root, page_dir=self.root, site_url=base)
        self.read_authors()
        if not self.site.profile.email:
            self.site.profile.email = text(params.get("email")).removeprefix("mailto:")
        if not self.site.profile.website:
            self.site.profile.website = base
        for path in self.bundles("publication", "publications"):
            self.file(path, self.publication)
        for path in self.bundles("event", "talk"):
            self.file(path, self.event)
        for path in self.bundles("project"):
            self.file(path, self.project)
        for path in self.bundles("post"):
            self.file(path, self.post)
        self.name_owner_by_site_title(text(config.get("title")))
        self.finish()

    def file(self, path: Path, handler: Callable[[Path], PageRecord | None]) -> None:
        run_file(self, path, handler)

    # -- authors ----------------------------------------------------------------------
    def read_authors(self) -> None:
        folder = self.root / "content" / "authors"
        people: list[tuple[str, Path, dict[str, Any], str]] = []
        for path in sorted(folder.glob("*/_index.md")) if folder.is_dir() else []:
            read = self.front_matter(path)
            if read is None:
                continue
            meta, body = read
            slug = path.parent.name
            name = strip_markup(text(meta.get("title"))) or self.person_name(meta) or slug
            self.authors[slug] = name
            people.append((slug, path, meta, body))
        owner = next((p for p in people if meta_true(p[2].get("superuser"))), None)
        owner = owner or next((p for p in people if p[0] == "admin"), None)
        owner = owner or (people[0] if len(people) == 1 else None)
        if owner is None:
            return
        slug, path, meta, body = owner
        self.owner_slug = slug
        self.site.profile = self.profile(meta, body, path)
        page = PageRecord(source=SourceRef(relative(path, self.root), 1))
        page.title = self.site.profile.name
        page.owner_names = [self.site.profile.name]
        if body.strip():
            page.sections.append(SectionRecord("About", "prose", body.strip(), page.source))
        page.sections.extend(owner_sections(meta, page.source))
        self.site.pages.append(page)

    def name_owner_by_site_title(self, title: str) -> None:
        """An owner whose author profile gives no name (``title:`` left empty, or no profile):
        the site's title names them when it reads as a person's name and that person is an
        author of most of the site's papers (an academic theme's site is titled with its
        owner's name; a lab's or a blog's title matches no author, so it is not taken).

        The papers that list the profile by its folder (``authors: [admin]``) then print that
        name, not the folder's.
        """
        profile = self.site.profile
        title = strip_markup(title).strip()
        if profile.name or not _reads_as_name(title):
            return
        pubs = [pub for page in self.site.pages for pub in page.publications if pub.authors]
        listed = sum(any(same_person(a.name, title) for a in pub.authors) for pub in pubs)
        if not pubs or listed * 2 <= len(pubs):
            return
        profile.name = title
        if self.owner_slug:
            self.authors[self.owner_slug] = title
        for page in self.site.pages:
            if page.owner_names == [""]:  # the nameless profile's own page
                page.title, page.owner_names = title, [title]
            for pub in page.publications:
                for author in pub.authors:
                    if author.is_owner and author.name == self.owner_slug:
                        author.name = title

    @staticmethod
    def person_name(meta: dict[str, Any]) -> str:
        return " ".join(text(meta.get(k)) for k in ("first_name", "last_name") if text(meta.get(k)))

    def profile(self, meta: dict[str, Any], body: str, path: Path) -> ProfileRecord:
        profile = ProfileRecord(
            name=strip_markup(text(meta.get("title"))) or self.person_name(meta)
        )
        full = self.person_name(meta)
        if full and full != profile.name:
            profile.aliases.append(full)
        profile.position = strip_markup(text(meta.get("role")))
        organizations = [o for o in _listed(meta.get("organizations")) if isinstance(o, dict)]
        if organizations:
            profile.affiliation = strip_markup(text(organizations[0].get("name")))
        profile.bio = body.strip() or text(meta.get("bio"))
        profile.email = text(meta.get("email"))
        for entry in _listed(meta.get("social")):
            if not isinstance(entry, dict):
                continue
            link = text(entry.get("link") or entry.get("url"))
            icon = text(entry.get("icon")).lower().removeprefix("brands/")
            field = _SOCIAL.get(icon)
            if not link:
                continue
            if field == "email":
                profile.email = profile.email or link.removeprefix("mailto:")
            elif field and not getattr(profile, field):
                setattr(profile, field, link)
            elif icon in ("cv", "ai-cv", "file-pdf", "academicons/cv") and not profile.cv:
                profile.cv = self.ctx.absolute(link)
        for candidate in sorted(path.parent.glob("avatar.*")):
            if candidate.suffix.lower() in _IMAGE_SUFFIXES:
                profile.avatar = FigureRecord(src=candidate.name, path=candidate.resolve())
                break
        return profile

    def author(self, raw: Any, note: str, last: bool = False) -> AuthorRecord | None:
        printed = text(raw)
        if not printed:
            return None
        if last and printed not in self.authors and _ET_AL.match(printed.strip()):
            return AuthorRecord(name=ET_AL)  # "others": the list goes on, as BibTeX's
        equal = printed.endswith("*") or "equal" in note.lower()
        printed = printed.rstrip("*").strip()
        name = self.authors.get(printed, strip_markup(printed))
        is_owner = bool(self.owner_slug) and printed == self.owner_slug
        return AuthorRecord(name=name, is_owner=is_owner, equal_contribution=equal)

    # -- content ----------------------------------------------------------------------
    def links(self, meta: dict[str, Any], ctx: Context) -> list[LinkRecord]:
        found: list[LinkRecord] = []
        for key, (kind, label) in _URL_KEYS.items():
            url = text(meta.get(key))
            if url:
                found.append(LinkRecord(kind, ctx.absolute(self.in_bundle(url, ctx)), label))
        for entry in _listed(meta.get("links")):
            if not isinstance(entry, dict) or not text(entry.get("url")):
                continue
            # HugoBlox: ``type`` names the kind (pdf, code, dataset, …); ``name`` is a label
            label = text(entry.get("name"))
            url = ctx.absolute(self.in_bundle(text(entry["url"]), ctx))
            kind = link_kind(text(entry.get("type")) or label or text(entry.get("icon")), url)
            found.append(LinkRecord(kind, url, "" if label.lower() in ("", kind) else label))
        return found

    def in_bundle(self, url: str, ctx: Context) -> str:
        """``paper.pdf`` beside the page is served at the page's address; Hugo's ``static/``
        files at the site root."""
        if re.match(r"^[a-z][a-z0-9+.-]*:|^/|^#", url, re.I) or ctx.page_dir is None:
            return url
        if (ctx.page_dir / url).is_file():
            return "/" + relative(ctx.page_dir / url, self.root / "content")
        return "/" + url

    def titled(
        self, path: Path
    ) -> PageRecord | None | tuple[PageRecord, dict[str, Any], str, str, str]:
        """A content file's page, front matter, body, plain title and relative path; or what
        to return instead: ``None`` (unreadable, already reported) or the page with its
        "no title" warning."""
        read = self.front_matter(path)
        if read is None:
            return None
        meta, body = read
        rel = relative(path, self.root)
        page = PageRecord(source=SourceRef(rel, 1), title=text(meta.get("title")))
        if self.skipped_draft(page, meta):
            return page
        title = strip_markup(text(meta.get("title")))
        if not title:
            page.warnings.append(f"{rel}: nothing to import (no title)")
            return page
        return page, meta, body, title, rel

    def skipped_draft(self, page: PageRecord, meta: dict[str, Any]) -> bool:
        """``draft: true``: a page Hugo does not publish; the report says it was skipped."""
        if self.build_drafts or not meta_true(meta.get("draft")):
            return False
        title = strip_markup(text(meta.get("title")))
        named = f" {title!r}" if title else ""
        page.warnings.append(
            f"{page.source.path}: skipped (draft){named}: the page says draft: true, "
            "so Hugo does not publish it"
        )
        return True

    def publication(self, path: Path) -> PageRecord | None:
        opened = self.titled(path)
        if not isinstance(opened, tuple):
            return opened
        page, meta, body, title, rel = opened
        ctx = self.bundle_context(path)
        record = PublicationRecord(title=title, source=SourceRef(rel, 1), key=self.key(path))
        notes = [text(n) for n in _listed(meta.get("author_notes"))]
        listed = _listed(meta.get("authors"))
        for index, raw in enumerate(listed):
            note = notes[index] if index < len(notes) else ""
            author = self.author(raw, note, last=index == len(listed) - 1)
            if author is not None:
                record.authors.append(author)
        when = _date(meta.get("date")) or _date(meta.get("publishDate"))
        if when is not None:
            record.year = when.year
            # The academic tool writes the 1st of January when a .bib gives only the year.
            record.month = None if (when.month, when.day) == (1, 1) else when.month
        types = [text(t) for t in _listed(meta.get("publication_types"))]
        if types:
            record.kind = _NUMBERED_KINDS.get(types[0]) or kind_of_type(types[0], CSL_KINDS)
        venue = strip_markup(text(meta.get("publication")))
        record.venue = re.sub(r"^In\s+", "", venue).strip(" .,")
        record.short_venue = re.sub(
            r"^In\s+", "", strip_markup(text(meta.get("publication_short")))
        )
        record.doi = text(meta.get("doi"))
        record.abstract = text(meta.get("abstract")) or text(meta.get("summary"))
        record.selected = meta_true(meta.get("featured"))
        record.links = self.links(meta, ctx)
        cite = path.parent / "cite.bib"
        if cite.is_file():
            self.cite(record, cite, ctx)
        page.publications.append(finish(record))
        return page

    def cite(self, record: PublicationRecord, cite: Path, ctx: Context) -> None:
        """``cite.bib`` beside a publication: its BibTeX, and what the front matter left out."""
        raw = self.read(cite, "bib")
        if raw is None:
            return
        result = parse_bibtex(raw, ctx, relative(cite, self.root))
        if not result.publications:
            return
        bib = result.publications[0]
        record.bibtex = bib.bibtex
        if not record.venue and bib.venue:
            record.short_venue = record.short_venue or bib.short_venue
            for reason in bib.doubts:  # a venue the .bib names by an unknown macro
                doubt(record, reason, bib.confidence)
        for name in ("venue", "volume", "number", "pages", "publisher", "doi", "arxiv_id"):
            if not getattr(record, name) and getattr(bib, name):
                setattr(record, name, getattr(bib, name))
        if record.year is None:
            record.year, record.month = bib.year, bib.month
        if not record.authors:
            record.authors = bib.authors
        if not record.kind:
            record.kind = bib.kind

    def event(self, path: Path) -> PageRecord | None:
        opened = self.titled(path)
        if not isinstance(opened, tuple):
            return opened
        page, meta, body, title, rel = opened
        ctx = self.bundle_context(path)
        talk = TalkRecord(title=title, source=SourceRef(rel, 1), key=self.key(path))
        talk.event = strip_markup(text(meta.get("event")))
        talk.url = text(meta.get("event_url"))
        talk.location = strip_markup(text(meta.get("location")))
        talk.date = _date(meta.get("date"))
        talk.description = body.strip() or text(meta.get("abstract")) or text(meta.get("summary"))
        for link in self.links(meta, ctx):
            if link.kind == "slides" and not talk.slides_url:
                talk.slides_url = link.url
            elif link.kind == "video" and not talk.video_url:
                talk.video_url = link.url
        words = f"{title} {talk.event}".lower()
        for kind in ("keynote", "tutorial", "poster", "panel", "seminar", "invited"):
            if kind in words:
                talk.kind = kind
                break
        page.talks.append(talk)
        return page

    def project(self, path: Path) -> PageRecord | None:
        opened = self.titled(path)
        if not isinstance(opened, tuple):
            return opened
        page, meta, body, title, rel = opened
        ctx = self.bundle_context(path)
        project = ProjectRecord(title=title, source=SourceRef(rel, 1), key=self.key(path))
        project.summary = text(meta.get("summary"))
        project.body = body.strip()
        project.start = _date(meta.get("date"))
        project.links = self.links(meta, ctx)
        external = text(meta.get("external_link"))
        if external:
            project.links.insert(0, LinkRecord("website", ctx.absolute(external)))
        image = meta.get("image") if isinstance(meta.get("image"), dict) else {}
        for candidate in sorted(path.parent.glob("featured.*")):
            if candidate.suffix.lower() in _IMAGE_SUFFIXES:
                caption = strip_markup(text(image.get("caption")))
                project.figures.append(
                    FigureRecord(src=candidate.name, path=candidate.resolve(), caption=caption)
                )
                break
        page.projects.append(project)
        return page

    def post(self, path: Path) -> PageRecord | None:
        read = self.front_matter(path)
        if read is None:
            return None
        meta, _body = read
        rel = relative(path, self.root)
        page = PageRecord(source=SourceRef(rel, 1), title=text(meta.get("title")))
        if self.skipped_draft(page, meta):
            return page
        title = strip_markup(text(meta.get("title")))
        when = _date(meta.get("date"))
        if not title or when is None:
            page.warnings.append(f"{rel}: nothing to import (no title or date)")
            return page
        summary = strip_markup(text(meta.get("summary")))
        news = f"**{title}**" + (f": {summary}" if summary else "")
        page.news.append(
            NewsRecord(date=when, text=news, source=SourceRef(rel, 1), key=self.key(path))
        )
        return page


def meta_true(value: Any) -> bool:
    return value is True or text(value).lower() in ("true", "yes", "1")


def owner_sections(meta: dict[str, Any], source: SourceRef) -> list[SectionRecord]:
    """The owner's interests and education (``education.courses``) as sections of their page."""
    sections = []
    interests = [strip_markup(text(i)) for i in _listed(meta.get("interests"))]
    if any(interests):
        items = "\n".join(f"- {i}" for i in interests if i)
        sections.append(SectionRecord("Interests", "prose", items, source))
    education = meta.get("education")
    courses = education.get("courses") if isinstance(education, dict) else None
    lines = []
    for course in _listed(courses):
        if isinstance(course, dict) and text(course.get("course")):
            parts = [text(course.get(k)) for k in ("course", "institution", "year")]
            lines.append("- " + ", ".join(p for p in parts if p))
    if lines:
        sections.append(SectionRecord("Education", "prose", "\n".join(lines), source))
    return sections
