"""The site's CV page (``cv.md``, ``/resume/``): its Education, Experience and Service lists.

academicpages keeps the CV as markdown: sections under "Education", "Work experience",
"Service", one list item per entry (:func:`~labsite.importing.extract.cv.cv_sections`). They
become the page's ``cv_entries``; a CV section read as entries is not also kept as a prose
section of the homepage (the member's CV page shows the entries), while the CV page's other
sections (Skills, prose) stay as every page's do.

Template content: an entry that holds the theme's sample text ("GitHub University") is left
out by the rule the page extractor uses for sample sections
(:func:`~labsite.importing.extract.page.is_theme_sample`), entry by entry, so the owner's own
entries in a half-edited section are kept.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from labsite.importing.extract.common import strip_markup
from labsite.importing.extract.cv import cv_sections
from labsite.importing.extract.page import is_theme_sample
from labsite.importing.parse import ParsedPage
from labsite.importing.records import CVEntryRecord, PageRecord, SourceRef

_CV_PERMALINK = re.compile(r"^/?(?:cv|resume|vita|vitae|curriculum[-_]?vitae)(?:/|\.html?)?$", re.I)
_CV_STEMS = {"cv", "resume", "vita", "vitae", "curriculum-vitae", "curriculum_vitae"}
_CV_TITLES = {"cv", "resume", "résumé", "curriculum vitae", "curriculum vitæ", "vita"}


def is_cv_page(meta: dict[str, Any], path: Path) -> bool:
    """The site's CV page: permalink /cv/ or /resume/, a file cv.md/resume.md, or that title."""
    permalink = meta.get("permalink")
    if isinstance(permalink, str) and _CV_PERMALINK.match(permalink.strip()):
        return True
    if path.stem.lower() in _CV_STEMS:
        return True
    title = meta.get("title")
    words = " ".join(strip_markup(title).lower().split()) if isinstance(title, str) else ""
    return words in _CV_TITLES


def _sample(record: CVEntryRecord) -> bool:
    return is_theme_sample(
        " ".join((record.title, record.organization, record.location, record.detail))
    )


def without_samples(records: list[CVEntryRecord], warnings: list[str]) -> list[CVEntryRecord]:
    kept = []
    for record in records:
        if _sample(record):
            warnings.append(
                f"{record.source}: CV entry {record.title!r} is the theme's sample text"
            )
        else:
            kept.append(record)
    return kept


def read_cv_page(page: PageRecord, parsed: ParsedPage, rel: str) -> None:
    """Fill ``page.cv_entries`` from a CV page's sections; those sections stop being prose.

    A section of nothing but the theme's sample entries keeps the extractor's one warning for
    it; in a section the owner has partly edited, each sample entry left out is named instead.
    """
    shift = parsed.body_line - 1
    entries: list[CVEntryRecord] = []
    read_lines: set[int] = set()  # file lines of the CV headings that gave entries
    read_titles: set[str] = set()
    edited_lines: set[int] = set()  # … of those with at least one entry of the owner's
    for heading, heading_line, records in cv_sections(parsed.body, rel):
        if not records:
            continue  # a CV heading over prose stays a prose section
        line = heading_line + shift
        read_lines.add(line)
        read_titles.add(strip_markup(heading).strip().lower())
        for record in records:
            record.source = SourceRef(rel, record.source.line + shift)
        if all(_sample(record) for record in records):
            continue
        edited_lines.add(line)
        entries.extend(records)
    if not read_lines:
        return
    page.sections = [
        section
        for section in page.sections
        if section.kind != "prose"
        or not (
            section.source.line in read_lines
            or strip_markup(section.title).strip().lower() in read_titles
        )
    ]
    sample_section = re.compile(rf"^{re.escape(rel)}:(\d+): section .* the theme's sample text")
    page.warnings = [
        warning
        for warning in page.warnings
        if not ((m := sample_section.match(warning)) and int(m.group(1)) in edited_lines)
    ]
    page.cv_entries = without_samples(entries, page.warnings)
