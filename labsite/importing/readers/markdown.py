"""Loose markdown pages: one page, or a folder of pages (and ``.bib`` files) that is no site."""

from __future__ import annotations

from pathlib import Path

from labsite.importing.readers.base import ImportInputError
from labsite.importing.readers.files import LOOSE_SUFFIXES, FileCollector, visible
from labsite.importing.records import SiteRecord

_SKIP_DIRS = {
    "_site", "_includes", "_layouts", "_sass", "_data", "assets", "node_modules", "vendor",
    "_drafts", "images", "files", "scripts", "markdown_generator", "talkmap", "bin", "spec",
}  # fmt: skip


def _plan_loose(root: Path) -> list[tuple[Path, str]]:
    plan = []
    for path in sorted(root.rglob("*")):
        if not path.is_file() or not visible(path, root):
            continue
        if any(part in _SKIP_DIRS for part in path.relative_to(root).parts[:-1]):
            continue
        if path.suffix.lower() in LOOSE_SUFFIXES:
            plan.append((path, "page"))
        elif path.suffix.lower() == ".bib":
            plan.append((path, "bib"))
    return plan


class MarkdownReader:
    """A markdown (or ``.txt``) page, or a folder of them with no site around it."""

    name = "markdown pages"

    def detect(self, path: Path) -> float:
        if path.is_file():
            # Any other file is read as a page too, the last resort (a README with no suffix).
            return 0.5 if path.suffix.lower() in LOOSE_SUFFIXES else 0.05
        return 0.1 if path.is_dir() else 0.0

    def read(self, path: Path) -> SiteRecord:
        if path.is_file():
            root, plan = path.parent, [(path, "page")]
        else:
            root, plan = path, _plan_loose(path)
        if not plan:
            raise ImportInputError(
                f"{path}: no pages found (expected markdown pages, a _pages/ folder "
                "or a Jekyll site)"
            )
        site = SiteRecord(root=root)
        collector = FileCollector(root, site)
        collector.run_plan(plan)
        collector.attach_write_ups()
        collector.finish()
        return site
