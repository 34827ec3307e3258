"""Jekyll sites: academicpages, al-folio, minimal-mistakes and their forks.

Everything the importer knows about Jekyll is here: which files a site is made of
(:func:`_plan_site`), the ``_config.yml`` owner (:mod:`.profile`), the collections
(``_publications``, ``_talks``, ``_teaching``, ``_projects``, ``_news``: :mod:`.collections`),
``_data`` publication lists and ``_posts`` write-ups. Pages themselves are read as every
markdown page is (:class:`~labsite.importing.readers.files.FileCollector`), except those Jekyll
does not publish and the theme's utility pages (:mod:`.unpublished`), which the report names.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from labsite.importing.coauthors import link_coauthors
from labsite.importing.extract.common import Context
from labsite.importing.extract.posts import post_page
from labsite.importing.extract.projects import body_media
from labsite.importing.extract.publications import highlighted_names
from labsite.importing.parse import ParsedPage, load_yaml
from labsite.importing.read import ReadError, read_text
from labsite.importing.readers.base import ImportInputError
from labsite.importing.readers.files import (
    PAGE_SUFFIXES,
    FileCollector,
    relative,
    site_files,
)
from labsite.importing.readers.jekyll.collections import (
    collection_news,
    collection_project,
    collection_publication,
    collection_talk,
    collection_teaching,
    projects_in_site_order,
    someone_elses,
)
from labsite.importing.readers.jekyll.cv import (
    data_files,
    keep_one_cv_source,
    read_cv_data,
)
from labsite.importing.readers.jekyll.discover import (
    collection_kind,
    extra_collection_folders,
    resolve_data_refs,
)
from labsite.importing.readers.jekyll.profile import is_home_page, profile_from_config
from labsite.importing.readers.jekyll.scholar import (
    scholar_source,
    unused_bibliographies,
    unused_warning,
)
from labsite.importing.readers.jekyll.unpublished import (
    fragment_reason,
    included_files,
    unpublished_reason,
    utility_reason,
)
from labsite.importing.records import PageRecord, SiteRecord, SourceRef
from labsite.importing.safety import Refused, check_text, limit
from labsite.normalise import normalise, normalize_doi

_SITE_MARKERS = ("_config.yml", "_config.yaml")
_SITE_FOLDERS = (
    "_pages",
    "_publications",
    "_bibliography",
    "_posts",
    "_news",
    "_projects",
    "_talks",
)
_SKIP_ROOT_FILES = {
    "readme", "license", "changelog", "contributing", "code_of_conduct", "install", "authors",
    "security", "404", "customize", "faq",
}  # fmt: skip

_COLLECTIONS = [
    ("_publications", "publication"),
    ("_talks", "talk"),
    ("_teaching", "teaching"),
    ("_portfolio", "project"),
    ("_projects", "project"),
    ("_news", "news"),
]


# ``_data/publications.yml`` and the like: a list that a page renders with Liquid
_DATA_PUBLICATIONS = re.compile(r"(?:my[_-]?)?(?:publications?|papers?|pubs?|publist|preprints)")


def is_site(folder: Path) -> bool:
    if any((folder / name).is_file() for name in _SITE_MARKERS):
        return True
    return any((folder / name).is_dir() for name in _SITE_FOLDERS)


_PAGE_BYTES = "LABSITE_IMPORT_MAX_PAGE_BYTES"
_COLLECTION_SUFFIXES = PAGE_SUFFIXES + (".html",)


def _plan_site(root: Path, config: dict[str, Any]) -> list[tuple[Path, str]]:
    """(file, kind) for every source file of a Jekyll site, pages first.

    The site's own collections (declared in ``_config.yml``, or other ``_name/`` folders of
    documents) come after the theme's, as kind "collection": what each holds is decided
    when it is read (:mod:`.discover`)."""
    plan: list[tuple[Path, str]] = []
    for path in site_files(root, "*", (*PAGE_SUFFIXES, ".html")):
        if path.stem.lower() in _SKIP_ROOT_FILES or path.suffix == ".html":
            continue
        plan.append((path, "page"))
    plan.extend((p, "page") for p in site_files(root / "_pages", "**/*", PAGE_SUFFIXES, root))
    for folder, kind in _COLLECTIONS:
        files = site_files(root / folder, "**/*", _COLLECTION_SUFFIXES, root)
        plan.extend((p, "translation" if translation_of(p, root / folder) else kind) for p in files)
    for folder in _extra_folders(root, config):
        files = site_files(folder, "**/*", _COLLECTION_SUFFIXES, root)
        plan.extend(
            (p, "translation" if translation_of(p, folder) else "collection") for p in files
        )
    bibs = site_files(scholar_source(root, config), "**/*", (".bib",), root)
    unused = unused_bibliographies(root, config, [p for p in bibs if p.is_file()])
    plan.extend((p, "unused-bib" if p in unused else "bib") for p in bibs)
    plan.extend(
        (p, "data")
        for p in site_files(root / "_data", "*", (".yml", ".yaml"), root)
        if p.is_dir() or _DATA_PUBLICATIONS.fullmatch(p.stem.lower())
    )
    plan.extend((p, "cv") for p in data_files(root))  # resume.json, _data/cv.yml
    plan.extend(
        (p, "post") for p in site_files(root / "_posts", "**/*", PAGE_SUFFIXES + (".html",), root)
    )
    # A site folder that is a symlink out of the site: reported once, never walked.
    return [(p, "refused" if p.is_dir() else kind) for p, kind in plan]


def _extra_folders(root: Path, config: dict[str, Any]) -> list[Path]:
    known = {folder for folder, _ in _COLLECTIONS}
    return extra_collection_folders(root, config, known, _COLLECTION_SUFFIXES)


# A language folder inside a collection: "en", "zh", "pt-BR", "zh_CN".
_LANGUAGE_FOLDER = re.compile(r"[a-z]{2,3}(?:[-_][A-Za-z]{2,4})?")


def translation_of(path: Path, folder: Path) -> Path | None:
    """The file that ``_publications/en/2020-dams.md`` translates: ``_publications/2020-dams.md``
    (a multilingual site keeps each language's copy in a folder named after the language; the
    copy at the top is the site's own language)."""
    try:
        parts = path.relative_to(folder).parts
    except ValueError:
        return None
    if len(parts) != 2 or not _LANGUAGE_FOLDER.fullmatch(parts[0]):
        return None
    original = folder / parts[1]
    return original if original.is_file() else None


class JekyllCollector(FileCollector):
    """A site's files, with ``_config.yml`` read first and the collections understood."""

    def __init__(self, root: Path, site: SiteRecord) -> None:
        super().__init__(root, site)
        self.held: tuple[Path, ParsedPage] | None = None  # a page parsed to decide on it
        self.peeked: dict[Path, ParsedPage | None] = {}  # a collection's files, read to decide
        self.folder_kinds: dict[Path, str] = {}  # a site's own collection → what it holds
        self.data_maps: dict[str, dict[str, Any]] | None = None  # ``_data`` stem → mapping
        self.title_names: list[tuple[PageRecord, list[str]]] = []  # see title_names_only_at_home
        self.page_files: list[Path] = []  # the site's pages, as planned
        self._included: set[Path] | None = None

    def included(self) -> set[Path]:
        """The files the site's pages include (``include_relative``); read once, when asked."""
        if self._included is None:
            self._included = included_files(self.page_files, self.quiet_read)
        return self._included

    def quiet_read(self, path: Path) -> str | None:
        """A file's text, or None; what goes wrong is said when the file is read as a page."""
        try:
            return read_text(path, root=self.root, max_bytes=limit(_PAGE_BYTES))
        except (OSError, ReadError, Refused, ValueError):
            return None

    def parsed(self, path: Path) -> ParsedPage | None:
        if self.held is not None and self.held[0] == path:
            parsed, self.held = self.held[1], None
            return parsed
        if path in self.peeked:
            return self.peeked.pop(path)
        return super().parsed(path)

    def page(self, path: Path) -> PageRecord | None:
        """A page of the site; one Jekyll does not publish, or the theme's utility page (the
        404 page, a markdown style guide), is only named in the report."""
        rel = relative(path, self.root)
        reason = unpublished_reason(path, self.root)
        if not reason:
            parsed = self.parsed(path)
            if parsed is None:
                return None
            reason = utility_reason(parsed.meta, parsed.sections, path) or fragment_reason(
                path, has_front_matter=parsed.has_front_matter, included=self.included()
            )
            if not reason:
                self.held = (path, parsed)
                record = super().page(path)
                if record is not None and not is_home_page(path, self.root, parsed.meta):
                    self.title_names_only_at_home(record)
                return record
        return PageRecord(
            source=SourceRef(rel, 1), warnings=[f"{rel}: skipped ({reason}); not imported"]
        )

    def title_names_only_at_home(self, record: PageRecord) -> None:
        """A page other than the home/about page names what it is about in its title, not its
        owner: only the names it highlights in its publications stay the owner's. The titles
        are kept aside (:meth:`restore_title_names`)."""
        highlighted = highlighted_names(record.publications)
        titles = [n for n in record.owner_names if n not in highlighted]
        if titles:
            self.title_names.append((record, titles))
            record.owner_names = [n for n in record.owner_names if n in highlighted]

    def restore_title_names(self) -> None:
        """A site that names its owner nowhere else (no ``_config.yml`` name, no home page
        title, no highlighted author) still has its other pages' titles, as before."""
        site = self.site
        named = any(page.owner_names for page in site.pages) or any(
            author.is_owner
            for page in site.pages
            for pub in page.publications
            for author in pub.authors
        )
        if site.profile.name or named:
            return
        for record, titles in self.title_names:
            record.owner_names = [*titles, *record.owner_names]

    def handler(self, kind: str) -> Callable[[Path], PageRecord | None]:
        if kind == "data":
            return self.data
        if kind == "post":
            return self.post
        if kind == "cv":
            return lambda p: read_cv_data(self, p)
        if kind == "translation":
            return self.translation
        if kind == "unused-bib":
            return self.unused_bib
        if kind in {k for _, k in _COLLECTIONS}:
            return lambda p: self.collection(p, kind)
        if kind == "collection":
            return self.own_collection
        return super().handler(kind)

    def own_collection(self, path: Path) -> PageRecord | None:
        """A document of one of the site's own collections, read as what the collection holds
        (decided once, from all its documents); a collection of something else is named in
        the report once, at its first document."""
        folder = next(p for p in path.parents if p.parent == self.root)
        if folder not in self.folder_kinds:
            files = site_files(folder, "**/*", _COLLECTION_SUFFIXES, self.root)
            originals = [file for file in files if not translation_of(file, folder)]
            for file in originals:
                if file not in self.peeked:
                    self.peeked[file] = super().parsed(file)
            metas = [p.meta for f in originals if (p := self.peeked.get(f)) is not None]
            self.folder_kinds[folder] = collection_kind(folder, metas)
            kind = self.folder_kinds[folder]
            if not kind:
                for file in files:
                    self.peeked.pop(file, None)
                rel = relative(folder, self.root)
                return PageRecord(
                    source=SourceRef(relative(path, self.root), 1),
                    warnings=[
                        f"{rel}/: skipped (a collection of {_documents(len(files))}, neither "
                        "publications nor talks, teaching, projects or news); not imported"
                    ],
                )
        kind = self.folder_kinds[folder]
        return self.collection(path, kind) if kind else None

    def unused_bib(self, path: Path) -> PageRecord:
        """A ``.bib`` file the site's jekyll-scholar does not render (:mod:`.scholar`)."""
        rel = relative(path, self.root)
        warning = unused_warning(path, self.root, self.config)
        return PageRecord(source=SourceRef(rel, 1), warnings=[warning])

    def translation(self, path: Path) -> PageRecord:
        """Another language's copy of a collection file: one work, imported once, from the
        site's own language (the copy at the top of the collection)."""
        rel = relative(path, self.root)
        folders = [self.root / folder for folder, _ in _COLLECTIONS]
        folders += _extra_folders(self.root, self.config)
        found = (translation_of(path, folder) for folder in folders)
        original = next((p for p in found if p is not None), None)
        what = f"a translation of {relative(original, self.root)}" if original else "a translation"
        return PageRecord(
            source=SourceRef(rel, 1), warnings=[f"{rel}: skipped ({what}); not imported"]
        )

    def load_config(self) -> None:
        for name in _SITE_MARKERS:
            path = self.root / name
            if not path.is_file():
                continue
            text = self.read(path)
            if text is None:
                return
            try:
                loaded = load_yaml(text)
            except yaml.YAMLError as exc:
                mark = getattr(exc, "problem_mark", None)
                self.error(
                    path,
                    (mark.line + 1) if mark else 1,
                    f"broken YAML: {getattr(exc, 'problem', '') or exc}",
                )
                return
            except (RecursionError, ValueError, TypeError) as exc:
                self.error(path, 1, f"broken YAML: {type(exc).__name__}")
                return
            if isinstance(loaded, dict):
                self.config = loaded
            return

    def setup_context(self) -> None:
        url = self.config.get("url") if isinstance(self.config.get("url"), str) else ""
        base = self.config.get("baseurl") if isinstance(self.config.get("baseurl"), str) else ""
        site_url = (url or "").strip().rstrip("/")
        base = (base or "").strip().strip("/")
        if site_url and base:
            site_url = f"{site_url}/{base}"
        self.ctx = Context(root=self.root, page_dir=self.root, site_url=site_url)

    def collection(self, path: Path, kind: str) -> PageRecord | None:
        parsed = self.parsed(path)
        if parsed is None:
            return None
        rel = relative(path, self.root)
        ctx = self.context_for(path)
        page = PageRecord(source=SourceRef(rel, 1), title=parsed.title)
        meta, body = parsed.meta, parsed.body
        permalink = meta.get("permalink")
        page.permalink = permalink.strip() if isinstance(permalink, str) else ""
        categories = self.config.get("publication_category")
        categories = categories if isinstance(categories, dict) else {}
        if kind == "publication":
            meta = _flat_entry(resolve_data_refs(meta, self.data_mappings()))
            record = collection_publication(meta, body, ctx, rel, categories)
            owner_names = [n for n in [self.site.profile.name, *self.site.profile.aliases] if n]
            if record and someone_elses(record, owner_names):
                # Like a theme's sample: not the owner's, and no address of theirs to keep.
                authors = ", ".join(a.name for a in record.authors[:3])
                page.permalink = ""
                page.warnings.append(
                    f"{rel}: publication {record.title[:60]!r} is by {authors}"
                    f"{', …' if len(record.authors) > 3 else ''}, not by the site's owner "
                    f"{owner_names[0]!r} (a file of the site this one was copied from); "
                    "not imported"
                )
                return page
            if record:
                page.publications.append(record)
        elif kind == "talk":
            talk = collection_talk(meta, body, ctx, rel)
            if talk:
                page.talks.append(talk)
        elif kind == "teaching":
            teaching = collection_teaching(meta, body, rel)
            if teaching:
                page.teaching.append(teaching)
        elif kind == "news":
            news = collection_news(meta, body, rel)
            if news:
                page.news.append(news)
        elif kind == "project":
            project = collection_project(meta, body, ctx, rel)
            if project:
                project.body, project.media, warns = body_media(project.body, ctx)
                page.warnings.extend(f"{rel}: {warning}" for warning in warns)
                page.projects.append(project)
        if not (page.publications or page.talks or page.teaching or page.news or page.projects):
            page.warnings.append(f"{rel}: nothing to import (no title or date)")
        return page

    def data_mappings(self) -> dict[str, dict[str, Any]]:
        """``_data/*.yml`` files that are mappings of keys to entries (``authors.yml``,
        ``journals.yml``): what a collection's front matter may name by key. A file that does
        not read is left to the step that reads it as publications, or to nobody."""
        if self.data_maps is None:
            self.data_maps = {}
            for path in site_files(self.root / "_data", "*", (".yml", ".yaml"), self.root):
                if path.is_dir() or _DATA_PUBLICATIONS.fullmatch(path.stem.lower()):
                    continue
                try:
                    text = read_text(path, root=self.root, max_bytes=limit(_PAGE_BYTES))
                    check_text(text)
                    loaded = load_yaml(text)
                except (ReadError, Refused, yaml.YAMLError, RecursionError, ValueError, TypeError):
                    continue
                if isinstance(loaded, dict) and any(
                    isinstance(v, dict | str) for v in loaded.values()
                ):
                    self.data_maps[path.stem] = {str(k): v for k, v in loaded.items()}
        return self.data_maps

    def data(self, path: Path) -> PageRecord | None:
        """``_data/publications.yml``: entries with a title, authors, venue, year and links."""
        text = self.read(path)
        if text is None:
            return None
        rel = relative(path, self.root)
        try:
            data = load_yaml(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            self.error(path, (mark.line + 1) if mark else 1, f"broken YAML: {exc}"[:200])
            return None
        page = PageRecord(source=SourceRef(rel, 1), title=path.stem)
        ctx = self.context_for(path)
        given: dict[str, int] = {}
        for entry in _data_entries(data):
            record = collection_publication(_flat_entry(entry), "", ctx, rel, {})
            if record is None:
                continue
            # Two entries with one title (a paper under "ML" and again under "Workshops") each
            # keep a key: the loader tells one paper listed twice from two works by their
            # authors and venues (works.same_work).
            key = f"{rel}:{normalise(record.title)[:150]}"
            given[key] = given.get(key, 0) + 1
            record.key = key if given[key] == 1 else f"{key}~{given[key]}"
            record.selected = record.selected or _truthy(entry.get("selected"))
            doi = entry.get("doi")
            if not record.doi and isinstance(doi, str) and "10." in doi:
                record.doi = normalize_doi(doi)
            page.publications.append(record)
        if not page.publications:
            page.warnings.append(f"{rel}: no publications with a title in this data file")
        return page

    def post(self, path: Path) -> PageRecord | None:
        parsed = self.parsed(path)
        if parsed is None:
            return None
        return post_page(parsed, relative(path, self.root), self.context_for(path))


def _data_entries(data: Any, depth: int = 0) -> list[dict[str, Any]]:
    """Every mapping with a ``title`` in a data file: a list, or lists grouped under keys."""
    if depth > 4:
        return []
    if isinstance(data, dict):
        if isinstance(data.get("title"), str):
            return [data]
        return [e for value in data.values() for e in _data_entries(value, depth + 1)]
    if isinstance(data, list):
        return [e for value in data for e in _data_entries(value, depth + 1)]
    return []


def _flat_entry(entry: dict[str, Any]) -> dict[str, Any]:
    """A data entry in ``_publications`` front-matter terms: author lists joined, links lifted."""
    flat = dict(entry)
    for key in ("authors", "author"):
        value = entry.get(key)
        if isinstance(value, list):
            names = [v.get("name", "") if isinstance(v, dict) else str(v) for v in value]
            flat[key] = ", ".join(n for n in names if n)
    links = entry.get("links")
    if isinstance(links, dict):
        for name, url in links.items():
            if isinstance(url, str) and url.strip():
                lowered = str(name).lower()
                key = {"paper": "paperurl", "arxiv": "arxivurl", "slides": "slidesurl"}.get(
                    lowered, f"{lowered}url" if lowered in ("code", "poster", "video") else lowered
                )
                flat.setdefault(key, url)
    for key in ("venue", "journal", "booktitle", "conference"):
        if isinstance(flat.get(key), dict):
            flat[key] = str(flat[key].get("name", ""))
    if "paperurl" not in flat:
        for key in ("doi", "arxiv"):
            value = entry.get(key)
            if isinstance(value, str) and value.startswith("http"):
                flat["paperurl"] = value
                break
    return flat


def _documents(count: int) -> str:
    return "one document" if count == 1 else f"{count} documents"


def _truthy(value: Any) -> bool:
    return value is True or str(value).strip().lower() in ("true", "yes", "1")


def read_site(path: Path) -> SiteRecord:
    """Read, repair, parse and extract a whole Jekyll site; never touches the database."""
    site = SiteRecord(root=path)
    collector = JekyllCollector(path, site)
    collector.load_config()
    plan = _plan_site(path, collector.config)
    if not plan:
        raise ImportInputError(
            f"{path}: no pages found (expected markdown pages, a _pages/ folder or a Jekyll site)"
        )
    collector.setup_context()
    collector.page_files = [p for p, kind in plan if kind == "page"]
    site.profile = profile_from_config(collector.config, collector.ctx)
    # The owner's names, as far as the config tells them: entry shapes read a lone unmarked
    # name before a title as the owner's own entry (labsite/importing/shapes/base.py).
    collector.ctx.owner_names = [n for n in [site.profile.name, *site.profile.aliases] if n]
    collector.run_plan([(p, kind) for p, kind in plan if kind != "post"])
    collector.attach_write_ups()
    for folder in ("_projects", "_portfolio"):
        projects_in_site_order(
            [
                project
                for page in site.pages
                if page.source.path.startswith(folder + "/")
                for project in page.projects
            ]
        )
    # Every post is a page of its own, a project's write-up too (labsite/importing/posts.py).
    collector.run_plan([(p, kind) for p, kind in plan if kind == "post"])
    keep_one_cv_source(site)
    collector.restore_title_names()
    collector.finish()
    coauthors = path / "_data" / "coauthors.yml"
    if coauthors.is_file():  # al-folio's links for co-authors' names (labsite/importing/coauthors)
        link_coauthors(site, collector.read(coauthors))
    return site


class JekyllReader:
    """A folder with ``_config.yml``, or with Jekyll's ``_pages``/``_publications``/… folders."""

    name = "Jekyll site"

    def detect(self, path: Path) -> float:
        if not path.is_dir():
            return 0.0
        if any((path / name).is_file() for name in _SITE_MARKERS):
            return 0.9
        return 0.7 if is_site(path) else 0.0

    def read(self, path: Path) -> SiteRecord:
        return read_site(path)
