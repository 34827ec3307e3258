"""Reading a site's files, for every reader that reads markdown pages and ``.bib`` files.

:class:`FileCollector` reads each file through the safety limits, repairs it, parses it and
extracts its records; a bad file becomes one ``"path:line: message"`` line in
``SiteRecord.errors`` and never stops the others (:func:`run_file`). The Jekyll reader adds
the Jekyll collections to it; the loose-pages and BibTeX readers use it as it is.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from labsite.importing.bibtex import parse_bibtex
from labsite.importing.extract.authors import same_person
from labsite.importing.extract.common import Context, strip_markup
from labsite.importing.extract.page import SectionError, extract_page
from labsite.importing.extract.projects import body_media
from labsite.importing.parse import ParsedPage, parse_page
from labsite.importing.read import ReadError, read_text
from labsite.importing.readers.cv_page import is_cv_page, read_cv_page
from labsite.importing.records import FigureRecord, PageRecord, SiteRecord, SourceRef
from labsite.importing.repair import repair_text
from labsite.importing.safety import (
    OutsideSite,
    Refused,
    check_bib_text,
    check_text,
    is_contained,
    limit,
)

T = TypeVar("T")

PAGE_SUFFIXES = (".md", ".markdown", ".mdown", ".mkd")
LOOSE_SUFFIXES = (*PAGE_SUFFIXES, ".txt")


def visible(path: Path, root: Path) -> bool:
    rel = path.relative_to(root).parts
    return not any(part.startswith(".") for part in rel)


def site_files(
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
        if p.is_file() and p.suffix.lower() in suffixes and visible(p, root)
    ]
    return sorted(found)


def avatar_figure(src: str, ctx: Context, folders: tuple[str, ...]) -> FigureRecord:
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


def relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.name


class FileCollector:
    def __init__(self, root: Path, site: SiteRecord) -> None:
        self.root = root
        self.site = site
        self.config: dict[str, Any] = {}
        self.ctx = Context(root=root, page_dir=root)
        self.used_posts: set[Path] = set()
        self.refused: list[str] = []  # paths (as the site names them) left unread

    def error(self, path: Path, line: int, message: str) -> None:
        message = " ".join(message.split())
        self.site.errors.append(f"{relative(path, self.root)}:{line}: {message}")

    def refuse(self, path: Path, message: str) -> None:
        """A file or folder leading outside the site: a warning naming it, never its target."""
        warning = f"{relative(path, self.root)}: {message}"
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

        def checked() -> str:
            text = read_text(path, root=self.root, max_bytes=max_bytes)
            if kind == "bib":  # a field may be one long line: only the entry count is bounded
                check_bib_text(text)
            else:
                check_text(text)
            return repair_text(text)

        return self.within_limits(path, checked)

    def within_limits(self, path: Path, read: Callable[[], T]) -> T | None:
        """``read()``, which reads ``path`` through the safety limits; None when it may not be
        read: a path leading outside the site is a warning, a file the limits refuse an error."""
        try:
            return read()
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
        page = parse_page(text, relative(path, self.root), self.config)
        if page.errors:
            line, message = page.errors[0]
            self.error(path, line, message)
            return None
        return page

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
        rel = relative(path, self.root)
        record = extract_page(parsed, rel, self.context_for(path))
        if is_cv_page(parsed.meta, path):
            read_cv_page(record, parsed, rel)  # its Education/Experience/Service lists
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
                self.site.profile.avatar = avatar_figure(
                    image.strip(), self.ctx, ("assets/img", "images")
                )
        return record

    def bib(self, path: Path) -> PageRecord | None:
        text = self.read(path, "bib")
        if text is None:
            return None
        rel = relative(path, self.root)
        result = parse_bibtex(text, self.context_for(path), rel)
        for line, message in result.errors:
            self.error(path, line, message)
        page = PageRecord(source=SourceRef(rel, 1), title=path.stem)
        page.publications = result.publications
        return page

    def refused_folder(self, path: Path) -> PageRecord | None:
        self.refuse(path, "refused: a symlinked folder that leads outside the site folder")
        return None

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
                post = relative(found, self.root)
                project.write_up = post  # the post's own page is linked from the project's
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

    def handler(self, kind: str) -> Callable[[Path], PageRecord | None]:
        """The method that reads one file of this kind (``page``, ``bib``, ``refused``)."""
        return {"page": self.page, "bib": self.bib, "refused": self.refused_folder}[kind]

    def run_plan(self, plan: list[tuple[Path, str]]) -> None:
        """Read each ``(file, kind)`` in order; each file's records become one page."""
        for file_path, kind in plan:
            run_file(self, file_path, self.handler(kind))

    def finish(self) -> None:
        """Owners marked on every page, and the refused paths as one page of warnings."""
        self.mark_owners()
        if self.refused:
            # Not an error: the rest of the site imports. The warning names the path in the site.
            first = self.refused[0].split(": ", 1)[0]
            self.site.pages.append(
                PageRecord(source=SourceRef(first, 1), title="", warnings=list(self.refused))
            )


def run_file(
    collector: FileCollector, path: Path, handler: Callable[[Path], PageRecord | None]
) -> None:
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
