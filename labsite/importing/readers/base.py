"""What every source reader is: ``detect(path) -> score`` and ``read(path) -> SiteRecord``.

A reader understands one kind of source (a Jekyll site, loose markdown pages, a BibTeX file, a
Hugo Academic site, an ORCID record, a CSL-JSON file) and returns the same records
(:mod:`labsite.importing.records`), so the loader has one path whatever the source was. The
registry (:mod:`labsite.importing.readers`) asks each reader how sure it is that a path is its
kind and hands the path to the surest.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from labsite.importing.records import SiteRecord


class ImportInputError(Exception):
    """The path given to the import cannot be imported at all (missing, or holds no pages)."""


class Reader(Protocol):
    #: shown in messages: "Jekyll site", "ORCID record"
    name: str

    def detect(self, path: Path) -> float:
        """How sure this reader is that ``path`` is its kind of source: 0 (not at all) to 1."""
        ...

    def read(self, path: Path) -> SiteRecord:
        """Everything understood from ``path``; never touches the database.

        Raises :class:`ImportInputError` when nothing in ``path`` can be imported at all; every
        other problem is one ``"path:line: message"`` line in ``SiteRecord.errors``.
        """
        ...
