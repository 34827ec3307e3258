"""What the readers of structured sources (Hugo front matter, ORCID, CSL-JSON) share.

Those sources name each field (a title, a list of authors, a venue, a date, a type), so no
guessing is needed; what is left is mapping their vocabularies onto the models' values and
reading each file safely (:func:`read_json`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from labsite.importing.extract.common import arxiv_id, doi_of, strip_markup
from labsite.importing.extract.venues import kind_of, short_venue
from labsite.importing.read import ReadError, read_text
from labsite.importing.readers.files import relative
from labsite.importing.records import LinkRecord, PublicationRecord, SiteRecord
from labsite.importing.safety import Refused, limit
from labsite.normalise import normalize_doi

#: CSL item types (also HugoBlox's ``publication_types``) → a PublicationKind value.
CSL_KINDS = {
    "paper-conference": "conference",
    "article-journal": "journal",
    "article": "preprint",
    "manuscript": "preprint",
    "chapter": "chapter",
    "book": "book",
    "thesis": "thesis",
    "report": "report",
    "patent": "patent",
    "dataset": "other",
    "software": "other",
    "speech": "other",
    "webpage": "other",
}

#: ORCID work types (API v3.0, lower case with dashes) → a PublicationKind value.
ORCID_KINDS = {
    "conference-paper": "conference",
    "conference-abstract": "conference",
    "conference-poster": "conference",
    "journal-article": "journal",
    "preprint": "preprint",
    "working-paper": "preprint",
    "book": "book",
    "edited-book": "book",
    "book-chapter": "chapter",
    "dissertation-thesis": "thesis",
    "dissertation": "thesis",
    "report": "report",
    "patent": "patent",
}


def kind_of_type(value: str, table: dict[str, str]) -> str:
    """A PublicationKind value for a source's type name; ``other`` for a type it does not map."""
    value = str(value or "").strip().lower().replace("_", "-")
    if not value:
        return ""
    return table.get(value, "other")


def text(value: Any) -> str:
    """A string field as plain text ("" for anything that is not a string or a number)."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return ""
    return str(value).strip()


def finish(record: PublicationRecord) -> PublicationRecord:
    """What every structured reader fills the same way: DOI and arXiv id in their bare form
    (from each other's links when the source gave none), the short venue, a preprint status."""
    record.title = strip_markup(record.title)
    record.venue = strip_markup(record.venue)
    record.doi = normalize_doi(record.doi)
    for link in record.links:
        record.doi = record.doi or normalize_doi(doi_of(link.url))
        record.arxiv_id = record.arxiv_id or arxiv_id(link.url)
        if link.kind == "paper" and arxiv_id(link.url):
            link.kind = "arxiv"  # the work's URL is its arXiv page
    if record.doi.startswith("10.48550/arxiv."):
        record.arxiv_id = record.arxiv_id or record.doi[len("10.48550/arxiv.") :]
    if record.arxiv_id:
        record.arxiv_id = arxiv_id(f"arXiv:{record.arxiv_id}") or arxiv_id(record.arxiv_id)
        if not any(link.kind == "arxiv" for link in record.links) and record.arxiv_id:
            record.links.append(LinkRecord("arxiv", f"https://arxiv.org/abs/{record.arxiv_id}"))
    if record.kind in ("conference", "") and kind_of(record.venue) == "workshop":
        record.kind = "workshop"  # CSL has no workshop type: a workshop paper is a conference's
    if record.venue and not record.short_venue:
        record.short_venue = short_venue(record.venue)
    if record.kind == "preprint" and not record.status:
        record.status = "preprint"
    return record


class BrokenJson(ValueError):
    """A file that is not JSON; ``line`` is where the parser stopped (1 when it cannot say)."""

    def __init__(self, message: str, line: int = 1) -> None:
        super().__init__(message)
        self.line = line


def read_json(path: Path, root: Path) -> Any:
    """A JSON file's value, read through the import's safety limits; raises ValueError with a
    message fit for the report when it is not JSON."""
    try:
        raw = read_text(path, root=root, max_bytes=limit("LABSITE_IMPORT_MAX_BIB_BYTES"))
    except (ReadError, Refused) as exc:
        raise ValueError(exc.message) from None
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno}, column {exc.colno}"
        raise BrokenJson(f"broken JSON: {exc.msg} ({where})", exc.lineno) from None
    except RecursionError:
        raise BrokenJson("broken JSON: nested too deeply") from None


def open_json_site(
    path: Path, accepts: Callable[[Any], bool], refusal: str
) -> tuple[SiteRecord, str, Any]:
    """A site record for the JSON file ``path``, its relative name, and its value; the value is
    ``None`` (and the site holds the error line) when the file is broken or not accepted."""
    root = path.parent
    site = SiteRecord(root=root)
    rel = relative(path, root)
    try:
        data = read_json(path, root)
    except ValueError as exc:
        site.errors.append(f"{rel}:{getattr(exc, 'line', 1)}: {exc}")
        return site, rel, None
    if not accepts(data):
        site.errors.append(f"{rel}:1: {refusal}")
        return site, rel, None
    return site, rel, data


def peek_json(path: Path) -> Any:
    """The JSON in ``path`` when it is a small-enough ``.json`` file, for ``detect``; else None."""
    if not path.is_file() or path.suffix.lower() not in (".json", ".csljson"):
        return None
    try:
        if path.stat().st_size > limit("LABSITE_IMPORT_MAX_BIB_BYTES"):
            return None
        return json.loads(path.read_bytes())
    except (OSError, ValueError, RecursionError):
        return None


def name_parts(given: str, family: str) -> str:
    """``"Lena", "Varkonyi"`` → ``"Lena Varkonyi"``; either may be missing."""
    return re.sub(r"\s+", " ", f"{given} {family}").strip()
