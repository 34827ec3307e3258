"""JSON Resume files (jsonresume.org; al-folio's ``assets/json/resume.json``), given alone.

A JSON Resume document is one object with ``basics`` (the person: ``name``, ``label``,
``email``, ``url``, ``location``, ``profiles``) and lists such as ``education``, ``work`` and
``volunteer``. Its degrees, positions and service roles become CV entries
(:func:`~labsite.importing.extract.cv.from_resume_json`); ``basics`` names the owner. The
Jekyll reader reads the same files inside a site (:mod:`labsite.importing.readers.jekyll.cv`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from labsite.importing.extract.cv import from_resume_json
from labsite.importing.readers.structured import open_json_site, peek_json, text
from labsite.importing.records import PageRecord, ProfileRecord, SiteRecord, SourceRef

_LISTS = ("education", "work", "volunteer")
#: ``basics.profiles[].network`` (lower case) → the ProfileRecord field its ``url`` fills.
_NETWORKS = {
    "github": "github",
    "linkedin": "linkedin",
    "twitter": "twitter",
    "x": "twitter",
    "orcid": "orcid",
    "google scholar": "google_scholar",
    "googlescholar": "google_scholar",
}


def is_resume(data: Any) -> bool:
    """A JSON Resume document: an object with a ``basics`` object or an entry list it defines."""
    if not isinstance(data, dict):
        return False
    if isinstance(data.get("basics"), dict):
        return True
    return any(isinstance(data.get(key), list) and data.get(key) for key in _LISTS)


def resume_name(data: Any) -> str:
    basics = data.get("basics") if isinstance(data, dict) else None
    return text(basics.get("name")) if isinstance(basics, dict) else ""


def resume_profile(data: Any) -> ProfileRecord:
    """The owner as ``basics`` tells of them."""
    profile = ProfileRecord()
    basics = data.get("basics") if isinstance(data, dict) else None
    if not isinstance(basics, dict):
        return profile
    profile.name = text(basics.get("name"))
    profile.position = text(basics.get("label"))
    profile.email = text(basics.get("email"))
    profile.website = text(basics.get("url") or basics.get("website"))
    location = basics.get("location")
    if isinstance(location, dict):
        parts = (text(location.get(key)) for key in ("city", "region", "countryCode"))
        profile.location = ", ".join(p for p in parts if p)
    for entry in basics.get("profiles") or []:
        if not isinstance(entry, dict):
            continue
        field = _NETWORKS.get(text(entry.get("network")).lower())
        url = text(entry.get("url"))
        if field and url.startswith(("http://", "https://")) and not getattr(profile, field):
            setattr(profile, field, url)
    return profile


class JsonResumeReader:
    name = "JSON Resume file"

    def detect(self, path: Path) -> float:
        # Above the CSL reader's 0.3 for any JSON file, below ORCID's 1.0.
        return 0.9 if is_resume(peek_json(path)) else 0.0

    def read(self, path: Path) -> SiteRecord:
        site, rel, data = open_json_site(path, is_resume, "not a JSON Resume document")
        if data is None:
            return site
        site.profile = resume_profile(data)
        page = PageRecord(source=SourceRef(rel, 1), title=path.stem)
        page.cv_entries = from_resume_json(data, rel)
        if not page.cv_entries:
            page.warnings.append(f"{rel}: no education, work or volunteer entries to import")
        site.pages.append(page)
        return site
