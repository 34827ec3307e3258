"""The pure half of ``import_pages``: a path → one :class:`SiteRecord` (no database).

``collect(path)`` accepts a markdown page, a folder of pages, or a whole Jekyll site
(academicpages, al-folio, minimal-mistakes and their forks). It finds the files a site is made
of, reads each (any encoding), repairs mojibake, parses sections and extracts records. A bad
file never stops the others: it becomes one ``"path:line: message"`` line in
``SiteRecord.errors``. Only a missing path or a folder without pages raises
:class:`ImportInputError`, which the command reports in one line.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from labsite.importing.bibtex import parse_bibtex
from labsite.importing.extract.authors import same_person
from labsite.importing.extract.collections import (
    collection_news,
    collection_project,
    collection_publication,
    collection_talk,
    collection_teaching,
    projects_in_site_order,
)
from labsite.importing.extract.common import Context, normalise, strip_markup
from labsite.importing.extract.page import (
    SectionError,
    clean_person_name,
    extract_page,
    person_like,
)
from labsite.importing.extract.projects import body_media
from labsite.importing.parse import ParsedPage, load_yaml, parse_page
from labsite.importing.read import ReadError, read_text
from labsite.importing.records import (
    FigureRecord,
    PageRecord,
    ProfileRecord,
    SiteRecord,
    SourceRef,
)
from labsite.importing.repair import repair_text
from labsite.importing.safety import (
    OutsideSite,
    Refused,
    check_bib_text,
    check_text,
    is_contained,
    limit,
)


class ImportInputError(Exception):
    """The path given to the import cannot be imported at all (missing, or holds no pages)."""


PAGE_SUFFIXES = (".md", ".markdown", ".mdown", ".mkd")
LOOSE_SUFFIXES = (*PAGE_SUFFIXES, ".txt")
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
_SKIP_DIRS = {
    "_site", "_includes", "_layouts", "_sass", "_data", "assets", "node_modules", "vendor",
    "_drafts", "images", "files", "scripts", "markdown_generator", "talkmap", "bin", "spec",
}  # fmt: skip
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


def _visible(path: Path, root: Path) -> bool:
    rel = path.relative_to(root).parts
    return not any(part.startswith(".") for part in rel)


def _files(
    root: Path, pattern: str, suffixes: tuple[str, ...], site: Path | None = None
) -> list[Path]:
    """Files under ``root`` with these suffixes, in name order.

    A folder of the site (``site``) that is a symlink leading outside it is not listed at all
    (``_pages -> /`` would walk the whole disk): it comes back as itself, which the collector
    reports as refused.
    """
    if not root.is_dir():
        return []
    if site is not None and not is_contained(root, site):
        return [root]
    found = [
        p
        for p in root.glob(pattern)
        if p.is_file() and p.suffix.lower() in suffixes and _visible(p, root)
    ]
    return sorted(found)


def _plan_site(root: Path) -> list[tuple[Path, str]]:
    """(file, kind) for every source file of a Jekyll site, pages first."""
    plan: list[tuple[Path, str]] = []
    for path in _files(root, "*", (*PAGE_SUFFIXES, ".html")):
        if path.stem.lower() in _SKIP_ROOT_FILES or path.suffix == ".html":
            continue
        plan.append((path, "page"))
    plan.extend((p, "page") for p in _files(root / "_pages", "**/*", PAGE_SUFFIXES, root))
    for folder, kind in _COLLECTIONS:
        plan.extend(
            (p, kind) for p in _files(root / folder, "**/*", PAGE_SUFFIXES + (".html",), root)
        )
    plan.extend((p, "bib") for p in _files(root / "_bibliography", "**/*", (".bib",), root))
    plan.extend(
        (p, "data")
        for p in _files(root / "_data", "*", (".yml", ".yaml"), root)
        if p.is_dir() or _DATA_PUBLICATIONS.fullmatch(p.stem.lower())
    )
    plan.extend(
        (p, "post") for p in _files(root / "_posts", "**/*", PAGE_SUFFIXES + (".html",), root)
    )
    # A site folder that is a symlink out of the site: reported once, never walked.
    return [(p, "refused" if p.is_dir() else kind) for p, kind in plan]


def _plan_loose(root: Path) -> list[tuple[Path, str]]:
    plan = []
    for path in sorted(root.rglob("*")):
        if not path.is_file() or not _visible(path, root):
            continue
        if any(part in _SKIP_DIRS for part in path.relative_to(root).parts[:-1]):
            continue
        if path.suffix.lower() in LOOSE_SUFFIXES:
            plan.append((path, "page"))
        elif path.suffix.lower() == ".bib":
            plan.append((path, "bib"))
    return plan


# ---------------------------------------------------------------- profile


def _url(value: str, template: str) -> str:
    value = value.strip()
    if not value:
        return ""
    if re.match(r"^https?://", value):
        return value
    return template.format(value.strip("@/ "))


def _profile_from_config(config: dict[str, Any], ctx: Context) -> ProfileRecord:
    """The site owner as ``_config.yml`` describes them (academicpages or al-folio)."""
    profile = ProfileRecord()
    author = config.get("author") if isinstance(config.get("author"), dict) else {}
    if isinstance(config.get("author"), str):
        author = {"name": config["author"]}  # minima and friends: ``author: Jane Doe``

    def get(source: dict[str, Any], *keys: str) -> str:
        for key in keys:
            value = source.get(key)
            if isinstance(value, str | int) and not isinstance(value, bool) and str(value).strip():
                return str(value).strip()
        return ""

    first, middle, last = (
        get(config, "first_name"),
        get(config, "middle_name"),
        get(config, "last_name"),
    )
    raw_name = get(author, "name") or " ".join(p for p in (first, middle, last) if p)
    if not raw_name:
        title = get(config, "name", "title")
        raw_name = title if person_like(title) else ""
    if raw_name:
        profile.name = clean_person_name(raw_name)
        printed = strip_markup(raw_name)
        if printed != profile.name and (
            "(" in printed or re.match(r"(?:dr|prof|professor)\.?\s", printed, re.I)
        ):
            profile.aliases.append(printed)  # "Wei Chen (Victor)", "Dr. Ada Lovelace"
        nickname = re.search(r"\(([^()]{2,30})\)", raw_name)
        if nickname and profile.name.split():
            profile.aliases.append(f"{nickname.group(1).strip()} {profile.name.split()[-1]}")
    scholar = config.get("scholar") if isinstance(config.get("scholar"), dict) else {}
    for alias in _scholar_names(scholar):
        if not profile.name:
            profile.name = alias
        elif alias != profile.name and alias not in profile.aliases:
            profile.aliases.append(alias)
    bio = get(author, "bio")
    tagline = strip_markup(bio)
    if tagline and len(tagline) <= 120 and "\n" not in tagline:
        # academicpages' bio is a one-line tagline under the name: that is the position the
        # member page shows under the name; kept as the bio as well it would be said twice.
        profile.position = tagline
    else:
        profile.bio = bio
    profile.location = get(author, "location")
    profile.affiliation = get(author, "employer", "affiliation", "organization")
    profile.email = get(author, "email") or get(config, "email")
    profile.website = get(author, "website", "uri", "url", "homepage")
    profile.google_scholar = _url(
        get(author, "googlescholar", "google_scholar", "scholar") or get(config, "scholar_userid"),
        "https://scholar.google.com/citations?user={}",
    )
    profile.github = _url(
        get(author, "github") or get(config, "github_username"), "https://github.com/{}"
    )
    profile.orcid = _url(get(author, "orcid") or get(config, "orcid_id"), "https://orcid.org/{}")
    profile.linkedin = _url(
        get(author, "linkedin") or get(config, "linkedin_username"),
        "https://www.linkedin.com/in/{}",
    )
    profile.twitter = _url(
        get(author, "twitter", "x") or get(config, "x_username", "twitter_username"),
        "https://twitter.com/{}",
    )
    profile.website = profile.website or ctx.site_url  # the site being imported is their homepage
    cv = get(author, "cv") or get(config, "cv_pdf")
    if cv and not re.match(r"^(?:[a-z]+://|/)", cv):
        cv = "/assets/pdf/" + cv  # al-folio keeps the CV among its PDFs
    profile.cv = ctx.absolute(cv) if cv else ""
    for link in author.get("links") or [] if isinstance(author.get("links"), list) else []:
        if not isinstance(link, dict):
            continue
        label = str(link.get("label") or "").lower()
        url = str(link.get("url") or "").strip()
        if not url:
            continue
        if "scholar" in label and not profile.google_scholar:
            profile.google_scholar = url
        elif "github" in label and not profile.github:
            profile.github = url
        elif "linkedin" in label and not profile.linkedin:
            profile.linkedin = url
        elif ("twitter" in label or label == "x") and not profile.twitter:
            profile.twitter = url
        elif "orcid" in label and not profile.orcid:
            profile.orcid = url
        elif "email" in label and not profile.email:
            profile.email = url.removeprefix("mailto:")
        elif label in ("website", "homepage") and not profile.website:
            profile.website = url
    avatar = get(author, "avatar")
    if avatar:
        profile.avatar = _avatar(avatar, ctx, ("images", "assets/images", "assets/img"))
    return profile


def _scholar_names(scholar: dict[str, Any]) -> list[str]:
    """al-folio's ``scholar: {first_name: [Felix, F.], last_name: [Morrow]}``: names it bolds."""

    def names(value: Any) -> list[str]:
        items = value if isinstance(value, list) else [value]
        out = [re.sub(r"[*†‡]", "", str(v)).strip() for v in items if isinstance(v, str | int)]
        return [v for v in out if v]

    combined = []
    for last in names(scholar.get("last_name")):
        for first in names(scholar.get("first_name")):
            name = f"{first} {last}"
            if name not in combined:
                combined.append(name)
    return combined


def _avatar(src: str, ctx: Context, folders: tuple[str, ...]) -> FigureRecord:
    local = src
    if ctx.site_url and src.startswith(ctx.site_url):
        local = src[len(ctx.site_url) :]
    elif re.match(r"^https?://[^/]+\.github\.io/", src):
        local = re.sub(r"^https?://[^/]+", "", src)
    path = None
    if not re.match(r"^[a-z]+://", local):
        path = ctx.resolve("/" + local.lstrip("/"))
        for folder in folders:
            if path is not None:
                break
            path = ctx.resolve(f"/{folder}/{local.lstrip('/')}")
    return FigureRecord(src=src, path=path, alt="")


# ---------------------------------------------------------------- one file


def _rel(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.name


class _Collector:
    def __init__(self, root: Path, site: SiteRecord) -> None:
        self.root = root
        self.site = site
        self.config: dict[str, Any] = {}
        self.ctx = Context(root=root, page_dir=root)
        self.used_posts: set[Path] = set()
        self.refused: list[str] = []  # paths (as the site names them) left unread

    def error(self, path: Path, line: int, message: str) -> None:
        message = " ".join(message.split())
        self.site.errors.append(f"{_rel(path, self.root)}:{line}: {message}")

    def refuse(self, path: Path, message: str) -> None:
        """A file or folder leading outside the site: a warning naming it, never its target."""
        warning = f"{_rel(path, self.root)}: {message}"
        if warning not in self.refused:
            self.refused.append(warning)

    def read(self, path: Path, kind: str = "page") -> str | None:
        """A file's text, repaired; None (and an error or warning) when it is not to be read.

        Every file the importer reads comes through here: the containment check and the size,
        line-length and nesting limits (:mod:`labsite.importing.safety`) apply to all alike.
        """
        max_bytes = limit(
            "LABSITE_IMPORT_MAX_BIB_BYTES" if kind == "bib" else "LABSITE_IMPORT_MAX_PAGE_BYTES"
        )
        try:
            text = read_text(path, root=self.root, max_bytes=max_bytes)
            if kind == "bib":  # a field may be one long line: only the entry count is bounded
                check_bib_text(text)
            else:
                check_text(text)
            return repair_text(text)
        except OutsideSite as exc:
            self.refuse(path, exc.message)
            return None
        except (ReadError, Refused) as exc:
            self.error(path, exc.line, exc.message)
            return None

    def parsed(self, path: Path) -> ParsedPage | None:
        text = self.read(path)
        if text is None:
            return None
        page = parse_page(text, _rel(path, self.root), self.config)
        if page.errors:
            line, message = page.errors[0]
            self.error(path, line, message)
            return None
        return page

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

    def context_for(self, path: Path) -> Context:
        return Context(
            root=self.root,
            page_dir=path.parent,
            site_url=self.ctx.site_url,
            owner_names=self.ctx.owner_names,
        )

    # -- kinds ----------------------------------------------------------------------
    def page(self, path: Path) -> PageRecord | None:
        parsed = self.parsed(path)
        if parsed is None:
            return None
        rel = _rel(path, self.root)
        record = extract_page(parsed, rel, self.context_for(path))
        subtitle = parsed.meta.get("subtitle")
        if isinstance(subtitle, str) and not self.site.profile.position:
            tagline = strip_markup(subtitle).replace("•", "·").strip()
            if tagline and len(tagline) <= 200:
                self.site.profile.position = tagline  # al-folio's about subtitle
        cv_pdf = parsed.meta.get("cv_pdf")
        if isinstance(cv_pdf, str) and cv_pdf.strip() and not self.site.profile.cv:
            cv = cv_pdf.strip()
            if not re.match(r"^(?:[a-z]+://|/)", cv):
                cv = "/assets/pdf/" + cv  # al-folio's cv page names a file among its PDFs
            self.site.profile.cv = self.ctx.absolute(cv)
        profile_meta = parsed.meta.get("profile")
        if isinstance(profile_meta, dict) and self.site.profile.avatar is None:
            image = profile_meta.get("image")
            if isinstance(image, str) and image.strip():
                self.site.profile.avatar = _avatar(
                    image.strip(), self.ctx, ("assets/img", "images")
                )
        return record

    def collection(self, path: Path, kind: str) -> PageRecord | None:
        parsed = self.parsed(path)
        if parsed is None:
            return None
        rel = _rel(path, self.root)
        ctx = self.context_for(path)
        page = PageRecord(source=SourceRef(rel, 1), title=parsed.title)
        meta, body = parsed.meta, parsed.body
        permalink = meta.get("permalink")
        page.permalink = permalink.strip() if isinstance(permalink, str) else ""
        categories = self.config.get("publication_category")
        categories = categories if isinstance(categories, dict) else {}
        if kind == "publication":
            record = collection_publication(meta, body, ctx, rel, categories)
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

    def bib(self, path: Path) -> PageRecord | None:
        text = self.read(path, "bib")
        if text is None:
            return None
        rel = _rel(path, self.root)
        result = parse_bibtex(text, self.context_for(path), rel)
        for line, message in result.errors:
            self.error(path, line, message)
        page = PageRecord(source=SourceRef(rel, 1), title=path.stem)
        page.publications = result.publications
        return page

    def data(self, path: Path) -> PageRecord | None:
        """``_data/publications.yml``: entries with a title, authors, venue, year and links."""
        text = self.read(path)
        if text is None:
            return None
        rel = _rel(path, self.root)
        try:
            data = load_yaml(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            self.error(path, (mark.line + 1) if mark else 1, f"broken YAML: {exc}"[:200])
            return None
        page = PageRecord(source=SourceRef(rel, 1), title=path.stem)
        ctx = self.context_for(path)
        seen: set[str] = set()
        for entry in _data_entries(data):
            record = collection_publication(_flat_entry(entry), "", ctx, rel, {})
            if record is None:
                continue
            key = f"{rel}:{normalise(record.title)[:150]}"
            if key in seen:
                continue
            seen.add(key)
            record.key = key
            record.selected = record.selected or _truthy(entry.get("selected"))
            doi = entry.get("doi")
            if not record.doi and isinstance(doi, str) and "10." in doi:
                record.doi = re.sub(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", "", doi.strip())
            page.publications.append(record)
        if not page.publications:
            page.warnings.append(f"{rel}: no publications with a title in this data file")
        return page

    def refused_folder(self, path: Path) -> PageRecord | None:
        self.refuse(path, "refused: a symlinked folder that leads outside the site folder")
        return None

    def post(self, path: Path) -> PageRecord | None:
        parsed = self.parsed(path)
        if parsed is None:
            return None
        rel = _rel(path, self.root)
        page = PageRecord(source=SourceRef(rel, 1), title=parsed.title)
        page.warnings.append(f"{rel}: blog post not imported (no project links to it)")
        return page

    def attach_write_ups(self) -> None:
        """A project's "Read More" link to a ``_posts`` file brings that post in as its body."""
        for page in self.site.pages:
            page_dir = (self.root / page.source.path).parent
            for project in page.projects:
                if not project.read_more or project.body:
                    continue
                target = project.read_more.split("#")[0].split("?")[0]
                if re.match(r"^[a-z]+://", target):
                    continue
                ctx = Context(root=self.root, page_dir=page_dir)
                found = (
                    ctx.resolve(target) or ctx.resolve(target + ".md") or self._post_by_slug(target)
                )
                if found is None:
                    page.warnings.append(
                        f"{page.source.path}:{project.source.line}: write-up {target} not found"
                    )
                    continue
                parsed = self.parsed(found)
                if parsed is None:
                    continue
                body = parsed.body.strip()
                project.body, project.media, warns = body_media(body, self.context_for(found))
                post = _rel(found, self.root)
                page.warnings.extend(f"{post}: {warning}" for warning in warns)
                self.used_posts.add(found.resolve())

    def _post_by_slug(self, target: str) -> Path | None:
        """``/2024/04/03/asymml.html`` or ``/posts/asymml/``: the post a Jekyll URL came from."""
        slug = re.sub(r"\.html?$", "", target.rstrip("/").rsplit("/", 1)[-1])
        if not re.fullmatch(r"[\w.-]{1,200}", slug):
            return None
        posts = self.root / "_posts"
        if not posts.is_dir():
            return None
        matches = sorted(
            p
            for p in posts.glob("*")
            if p.suffix.lower() in PAGE_SUFFIXES
            and re.sub(r"^\d{4}-\d{1,2}-\d{1,2}-", "", p.stem) == slug
        )
        return matches[0] if len(matches) == 1 else None

    def mark_owners(self) -> None:
        """Authors matching the site owner's names are the owner, where the page did not say."""
        names = [n for n in [self.site.profile.name, *self.site.profile.aliases] if n]
        for page in self.site.pages:
            for name in page.owner_names:
                if name not in names and len(page.owner_names) <= 3:
                    names.append(name)
        if not names:
            return
        for page in self.site.pages:
            for pub in page.publications:
                if any(a.is_owner for a in pub.authors):
                    continue
                for author in pub.authors:
                    if any(same_person(author.name, n) for n in names):
                        author.is_owner = True
                        break


def site_paths(path: Path) -> list[Path]:
    """The sites one PATH argument names: itself, or each Jekyll site in a folder of sites.

    A lab often keeps its members' homepage repositories side by side in one folder
    (``lab/ada/_config.yml``, ``lab/ben/_config.yml``). Read as one site, every figure and
    avatar path would be resolved against the wrong root and every page credited to one owner;
    so such a folder stands for the sites in it, in name order. Anything else is itself.
    """
    path = Path(path)
    if not path.is_dir() or is_site(path):
        return [path]
    try:
        children = sorted(
            child
            for child in path.iterdir()
            if child.is_dir() and not child.name.startswith(".") and is_site(child)
        )
    except OSError:
        return [path]
    return children or [path]


def collect(path: Path) -> SiteRecord:
    """Read, repair, parse and extract everything under ``path``; never touches the database.

    Raises :class:`ImportInputError` when ``path`` does not exist or holds no pages at all;
    every other problem is one line in ``SiteRecord.errors``.
    """
    path = Path(path)
    if not path.exists():
        raise ImportInputError(f"{path}: no such file or folder")
    if path.is_file():
        root = path.parent
        plan = [(path, "bib" if path.suffix.lower() == ".bib" else "page")]
        site_mode = False
    elif path.is_dir():
        root = path
        site_mode = is_site(path)
        plan = _plan_site(path) if site_mode else _plan_loose(path)
    else:
        raise ImportInputError(f"{path}: not a file or folder")
    if not plan:
        raise ImportInputError(
            f"{path}: no pages found (expected markdown pages, a _pages/ folder or a Jekyll site)"
        )
    site = SiteRecord(root=root)
    collector = _Collector(root, site)
    if site_mode:
        collector.load_config()
        collector.setup_context()
        site.profile = _profile_from_config(collector.config, collector.ctx)
    handlers: dict[str, Callable[[Path], PageRecord | None]] = {
        "page": collector.page,
        "bib": collector.bib,
        "data": collector.data,
        "refused": collector.refused_folder,
    }
    posts: list[Path] = []
    for file_path, kind in plan:
        if kind == "post":
            posts.append(file_path)
            continue
        _run(
            collector,
            file_path,
            lambda p, k=kind: handlers[k](p) if k in handlers else collector.collection(p, k),
        )
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
    for post in posts:
        if post.resolve() in collector.used_posts:
            continue
        _run(collector, post, collector.post)
    collector.mark_owners()
    if collector.refused:
        # Not an error: the rest of the site imports. The warning names the path in the site.
        first = collector.refused[0].split(": ", 1)[0]
        site.pages.append(
            PageRecord(source=SourceRef(first, 1), title="", warnings=list(collector.refused))
        )
    return site


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


def _truthy(value: Any) -> bool:
    return value is True or str(value).strip().lower() in ("true", "yes", "1")


def _run(collector: _Collector, path: Path, handler: Callable[[Path], PageRecord | None]) -> None:
    """Run one file's handler; whatever goes wrong in it becomes that file's error line."""
    try:
        page = handler(path)
    except SectionError as exc:
        collector.error(path, exc.line, exc.message)
        return
    except RecursionError:
        collector.error(path, 1, "could not understand this file (nested too deeply)")
        return
    except Exception as exc:  # a bad file must never stop the others
        collector.error(
            path, 1, f"could not understand this file ({type(exc).__name__}: {exc})"[:300]
        )
        return
    if page is not None:
        collector.site.pages.append(page)
