"""A BibTeX file given on its own (``papers.bib``): its entries, in the file's order."""

from __future__ import annotations

from pathlib import Path

from labsite.importing.readers.files import FileCollector
from labsite.importing.records import SiteRecord


class BibtexReader:
    name = "BibTeX file"

    def detect(self, path: Path) -> float:
        return 0.9 if path.is_file() and path.suffix.lower() == ".bib" else 0.0

    def read(self, path: Path) -> SiteRecord:
        site = SiteRecord(root=path.parent)
        collector = FileCollector(path.parent, site)
        collector.run_plan([(path, "bib")])
        collector.finish()
        return site
