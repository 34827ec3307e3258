"""A Jekyll site's CV data files: a JSON Resume file, al-folio's ``_data/cv.yml``.

academicpages keeps the CV as markdown (``_pages/cv.md``, read with every page:
:mod:`labsite.importing.readers.cv_page`); al-folio renders it from
``assets/json/resume.json`` (JSON Resume) or, in older versions, ``_data/cv.yml``. Each file
becomes one page whose ``cv_entries`` hold its degrees, positions and service roles.

Template content: entries holding the theme's sample text are left out as on the CV page; a
JSON Resume whose ``basics.name``, or a ``cv.yml`` whose "Full Name", is not the site owner's
(al-folio ships both for a famous physicist) is someone else's CV and is left out.

One source per site: when several give entries, the first (the CV page, then
:data:`DATA_FILES` in order) is imported and the others are reported, never merged into
duplicates.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from labsite.importing.extract.authors import same_person
from labsite.importing.extract.cv import from_cv_yaml, from_resume_json
from labsite.importing.parse import load_yaml
from labsite.importing.readers.cv_page import without_samples
from labsite.importing.readers.files import relative
from labsite.importing.readers.resume import is_resume, resume_name
from labsite.importing.readers.structured import read_json
from labsite.importing.records import PageRecord, SiteRecord, SourceRef
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


# The rows of a ``cv.yml`` "map" section (``name``/``value``) that give the CV's person.
_NAME_ROWS = {"full name", "name"}


def cv_yaml_name(data: Any) -> str:
    """The person a ``cv.yml`` is of: a "map" section's ``Full Name`` row, or ""."""
    if not isinstance(data, list):
        return ""
    for section in data:
        contents = section.get("contents") if isinstance(section, dict) else None
        for row in contents if isinstance(contents, list) else []:
            if not isinstance(row, dict) or not isinstance(row.get("name"), str):
                continue
            value = row.get("value")
            if row["name"].strip().lower() in _NAME_ROWS and isinstance(value, str):
                return " ".join(value.split())
    return ""


def _someone_else(rel: str, what: str, name: str, owner: str) -> str:
    """The warning for a CV file of another person than the owner, or ""."""
    if name and owner and not same_person(name, owner):
        return f"{rel}: the {what} of {name!r}, not of the site's owner {owner!r}; not imported"
    return ""


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
        except ValueError as exc:  # the file the CV page renders: an error, as a broken page
            collector.error(path, getattr(exc, "line", 1), str(exc))
            return None
        if not is_resume(data):
            page.warnings.append(f"{rel}: not a JSON Resume document; not imported")
            return page
        other = _someone_else(rel, "resume", resume_name(data), collector.site.profile.name)
        if other:
            page.warnings.append(other)
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
        other = _someone_else(rel, "CV", cv_yaml_name(data), collector.site.profile.name)
        if other:
            page.warnings.append(other)
            return page
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
