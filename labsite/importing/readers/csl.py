"""CSL-JSON files (Zotero's "CSL JSON" export, Manubot, citation.js, pandoc-citeproc).

A list of items (or ``{"items": [...]}``), each with ``type``, ``title``, ``author``
(``[{"family", "given"}]`` or ``[{"literal"}]``), ``issued`` (``{"date-parts": [[y, m, d]]}``,
or ``{"raw"}``/``{"literal"}``), ``container-title`` (and ``container-title-short``), ``DOI``,
``URL``, ``volume``, ``issue``, ``page``, ``publisher``, ``abstract``. An arXiv preprint shows as
``archive: arXiv`` with ``number: arXiv:…``, an arXiv ``URL``, or Manubot's ``id: arxiv:…``.
The file names no owner: ``--person`` names them, or the author on nearly every item does.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from labsite.importing.extract.common import arxiv_id, year_of
from labsite.importing.readers.structured import (
    CSL_KINDS,
    finish,
    kind_of_type,
    name_parts,
    open_json_site,
    peek_json,
    text,
)
from labsite.importing.records import (
    AuthorRecord,
    LinkRecord,
    PageRecord,
    PublicationRecord,
    SiteRecord,
    SourceRef,
)


def _items(data: Any) -> list[Any]:
    if isinstance(data, dict) and isinstance(data.get("items"), list):
        return data["items"]
    return data if isinstance(data, list) else []


def is_csl(data: Any) -> bool:
    items = [item for item in _items(data) if isinstance(item, dict)]
    if not items:
        return False
    csl_keys = {"issued", "container-title", "DOI", "author", "type"}
    return sum(1 for item in items if "title" in item and csl_keys & item.keys()) >= len(items) / 2


class CslJsonReader:
    name = "CSL-JSON file"

    def detect(self, path: Path) -> float:
        if is_csl(peek_json(path)):
            return 0.9
        # Any other JSON file is no page: read here, it gets a clear error, not a section of
        # braces (the ORCID reader claims its own with a higher score).
        return 0.3 if path.is_file() and path.suffix.lower() in (".json", ".csljson") else 0.0

    def read(self, path: Path) -> SiteRecord:
        site, rel, data = open_json_site(
            path, is_csl, "not a CSL-JSON list of items, nor an ORCID record"
        )
        if data is None:
            return site
        page = PageRecord(source=SourceRef(rel, 1), title=path.stem)
        seen: set[str] = set()
        for index, item in enumerate(_items(data), start=1):
            record = _publication(item, rel, index) if isinstance(item, dict) else None
            if record is None:
                page.warnings.append(f"{rel}: item {index} has no title")
                continue
            if record.key in seen:
                page.warnings.append(f"{rel}: item {index} repeats the id {record.key!r}")
                continue
            seen.add(record.key)
            page.publications.append(record)
        if not page.publications:
            page.warnings.append(f"{rel}: no items with a title in this CSL-JSON file")
        site.pages.append(page)
        return site


def _date(value: Any) -> tuple[int | None, int | None]:
    if not isinstance(value, dict):
        return year_of(text(value)), None
    parts = value.get("date-parts")
    if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
        first = [int(p) if str(p).strip().lstrip("-").isdigit() else None for p in parts[0]]
        year = first[0] if first[0] and 1000 < first[0] < 3000 else None
        month = first[1] if len(first) > 1 and first[1] and 1 <= first[1] <= 12 else None
        return year, month
    raw = text(value.get("raw") or value.get("literal"))
    m = re.match(r"(\d{4})(?:-(\d{1,2}))?", raw)
    if m:
        month = int(m.group(2)) if m.group(2) and 1 <= int(m.group(2)) <= 12 else None
        return int(m.group(1)), month
    return year_of(raw), None


def _author(person: Any) -> AuthorRecord | None:
    if not isinstance(person, dict):
        return None
    literal = text(person.get("literal"))
    given = text(person.get("given"))
    family = " ".join(
        p for p in (text(person.get("non-dropping-particle")), text(person.get("family"))) if p
    )
    name = literal or name_parts(given, family)
    if not name:
        return None
    return AuthorRecord(name=name, url=text(person.get("ORCID") or person.get("orcid")))


def _arxiv(item: dict[str, Any]) -> str:
    for value in (
        text(item.get("id")) if text(item.get("id")).lower().startswith("arxiv:") else "",
        text(item.get("number")) if "arxiv" in text(item.get("archive")).lower() else "",
        text(item.get("number")) if text(item.get("number")).lower().startswith("arxiv") else "",
        text(item.get("URL")),
        text(item.get("note")),
    ):
        found = arxiv_id(value) or arxiv_id(f"arXiv:{value.split(':', 1)[-1]}") if value else ""
        if found:
            return found
    return ""


def _publication(item: dict[str, Any], rel: str, index: int) -> PublicationRecord | None:
    title = text(item.get("title"))
    if not title:
        return None
    record = PublicationRecord(title=title, source=SourceRef(rel, 1))
    record.key = f"id:{text(item.get('id'))}" if text(item.get("id")) else f"item:{index}"
    record.authors = [a for a in map(_author, item.get("author") or []) if a is not None]
    record.year, record.month = _date(item.get("issued"))
    record.kind = kind_of_type(text(item.get("type")), CSL_KINDS)
    record.venue = text(item.get("container-title")) or text(item.get("event-title"))
    record.short_venue = text(item.get("container-title-short"))
    if record.kind == "thesis" or record.kind == "report":
        record.venue = record.venue or text(item.get("publisher"))
    record.doi = text(item.get("DOI"))
    record.arxiv_id = _arxiv(item)
    if record.arxiv_id and record.kind in ("other", "") and not record.venue:
        record.kind = "preprint"
    record.volume = text(item.get("volume"))
    record.number = text(item.get("issue"))
    record.pages = text(item.get("page"))
    record.publisher = text(item.get("publisher"))
    record.abstract = text(item.get("abstract"))
    url = text(item.get("URL"))
    if url:
        record.links.append(LinkRecord("paper", url))
    return finish(record)
