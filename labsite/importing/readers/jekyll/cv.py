"""A Jekyll site's CV entries: its CV page's sections, a JSON Resume file, al-folio's cv.yml.

academicpages keeps the CV as markdown (``_pages/cv.md``: "Education", "Work experience",
"Service" lists); al-folio renders it from ``assets/json/resume.json`` (JSON Resume) or, in
older versions, ``_data/cv.yml``. Each becomes :class:`CVEntryRecord`\\ s on its page
(``PageRecord.cv_entries``). A CV section read as entries is not also kept as a prose section
of the homepage (the CV page shows the entries); the CV page's other sections stay as they were.

Template content: an entry that holds the theme's sample text ("GitHub University") is left
out by the rule the page extractor uses for sample sections
(:func:`~labsite.importing.extract.page.is_theme_sample`), entry by entry, so the owner's own
entries in a half-edited section are kept; a JSON Resume whose ``basics.name`` is not the
site owner's (al-folio ships one for a famous physicist) is someone else's CV and is left out.

One source per site: when several give entries, the first (the CV page, then
:data:`DATA_FILES` in order) is imported and the others are reported, never merged into
duplicates.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from labsite.importing.extract.authors import same_person
from labsite.importing.extract.common import strip_markup
from labsite.importing.extract.cv import cv_sections, from_cv_yaml, from_resume_json
from labsite.importing.extract.page import is_theme_sample
from labsite.importing.parse import ParsedPage, load_yaml
from labsite.importing.readers.files import relative
from labsite.importing.readers.resume import is_resume, resume_name
from labsite.importing.readers.structured import read_json
from labsite.importing.records import CVEntryRecord, PageRecord, SiteRecord, SourceRef
from labsite.importing.safety import OutsideSite, contained

if TYPE_CHECKING:
    from labsite.importing.readers.files import FileCollector

#: CV data files of a site, in the order they are preferred.
DATA_FILES = (
    "assets/json/resume.json",
    "_data/resume.json",
    "_data/cv.json",
    "_data/cv.yml",
    "_data/cv.yaml",
)

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


def data_files(root: Path) -> list[Path]:
    return [root / name for name in DATA_FILES if (root / name).is_file()]


def read_cv_data(collector: FileCollector, path: Path) -> PageRecord | None:
    """A CV data file's entries as one page (JSON Resume, or al-folio's ``_data/cv.yml``)."""
    rel = relative(path, collector.root)
    page = PageRecord(source=SourceRef(rel, 1), title=path.stem)
    if path.suffix.lower() == ".json":
        try:
            contained(path, collector.root)
        except OutsideSite as exc:
            collector.refuse(path, exc.message)  # a warning naming the path, never its target
            return None
        try:
            data = read_json(path, collector.root)
        except ValueError as exc:
            collector.error(path, 1, str(exc))
            return None
        if not is_resume(data):
            page.warnings.append(f"{rel}: not a JSON Resume document; not imported")
            return page
        name = resume_name(data)
        owner = collector.site.profile.name
        if name and owner and not same_person(name, owner):
            page.warnings.append(
                f"{rel}: the resume of {name!r}, not of the site's owner {owner!r}; not imported"
            )
            return page
        records = from_resume_json(data, rel)
    else:
        text = collector.read(path)
        if text is None:
            return None
        try:
            data = load_yaml(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            collector.error(path, (mark.line + 1) if mark else 1, f"broken YAML: {exc}"[:200])
            return None
        records = from_cv_yaml(data, rel)
    page.cv_entries = without_samples(records, page.warnings)
    if not records:
        page.warnings.append(f"{rel}: no education, work or service entries in this file")
    return page


def keep_one_cv_source(site: SiteRecord) -> None:
    """Only the first page with CV entries keeps them; the others say where they were read."""
    first = ""
    for page in site.pages:
        if not page.cv_entries:
            continue
        if not first:
            first = page.source.path
            continue
        page.warnings.append(
            f"{page.source.path}: {len(page.cv_entries)} CV entries not imported; "
            f"the CV is read from {first}"
        )
        page.cv_entries = []
