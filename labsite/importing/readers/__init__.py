"""The pure half of ``import_pages``: a path → one :class:`SiteRecord` (no database).

Each kind of source has a reader (:class:`~labsite.importing.readers.base.Reader`:
``detect(path) -> score``, ``read(path) -> SiteRecord``); :func:`collect` hands a path to the
reader surest of it. Every reader returns the same records, so loading is one path
(:mod:`labsite.importing.load`). Only a missing path, or one no reader can read, raises
:class:`ImportInputError`, which the command reports in one line.
"""

from __future__ import annotations

from pathlib import Path

from labsite.importing.readers.base import ImportInputError, Reader
from labsite.importing.readers.bib import BibtexReader
from labsite.importing.readers.csl import CslJsonReader
from labsite.importing.readers.html_site import HtmlSiteReader
from labsite.importing.readers.hugo import HugoReader
from labsite.importing.readers.jekyll import JekyllReader
from labsite.importing.readers.markdown import MarkdownReader
from labsite.importing.readers.orcid import OrcidReader
from labsite.importing.readers.resume import JsonResumeReader
from labsite.importing.readers.samples import drop_theme_samples
from labsite.importing.records import SiteRecord

__all__ = ["READERS", "ImportInputError", "Reader", "best_reader", "collect", "site_paths"]

#: Every reader, in the order a tie is broken in.
READERS: list[Reader] = [
    HugoReader(),
    JekyllReader(),
    OrcidReader(),
    JsonResumeReader(),
    CslJsonReader(),
    BibtexReader(),
    HtmlSiteReader(),
    MarkdownReader(),
]


def best_reader(path: Path) -> Reader | None:
    """The reader surest that ``path`` is its kind of source; None when none is at all."""
    scored = [(reader.detect(path), -index, reader) for index, reader in enumerate(READERS)]
    score, _, reader = max(scored, key=lambda t: t[:2])
    return reader if score > 0 else None


def is_site(folder: Path) -> bool:
    """Whether ``folder`` is a whole site (Jekyll or Hugo), as opposed to a folder of pages."""
    return any(
        isinstance(reader, JekyllReader | HugoReader) and reader.detect(folder) >= 0.5
        for reader in READERS
    )


def site_paths(path: Path) -> list[Path]:
    """The sites one PATH argument names: itself, or each site in a folder of sites.

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
    """Read everything under ``path`` with the reader that fits it; never touches the database.

    Raises :class:`ImportInputError` when ``path`` does not exist or holds nothing to import;
    every other problem is one line in ``SiteRecord.errors``. The themes' example works
    are left out here, whichever reader found them (:mod:`.samples`).
    """
    path = Path(path)
    if not path.exists():
        raise ImportInputError(f"{path}: no such file or folder")
    if not (path.is_file() or path.is_dir()):
        raise ImportInputError(f"{path}: not a file or folder")
    reader = best_reader(path)
    if reader is None:
        raise ImportInputError(
            f"{path}: no pages found (expected markdown pages, a _pages/ folder or a Jekyll site)"
        )
    return drop_theme_samples(reader.read(path))
