"""ORCID public records (API v3.0 JSON): the record's person and its works.

Three shapes are read, all as the ORCID API returns them: a whole record
(``GET /v3.0/{orcid}/record``: ``orcid-identifier``, ``person``, ``activities-summary``), the
works summary (``GET /v3.0/{orcid}/works``: ``group`` → ``work-summary``), and full works in
bulk (``GET /v3.0/{orcid}/works/{put-codes}``: ``bulk`` → ``work``), which alone carry the
``contributors``. Each work gives its title, type, publication date, journal title, URL and
external ids (``doi``, ``arxiv``, …). A work with no contributors is the record owner's, with
no co-authors known: it is imported with the owner as its one author and a warning saying so.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from labsite.importing.readers.structured import (
    ORCID_KINDS,
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
    ProfileRecord,
    PublicationRecord,
    SiteRecord,
    SourceRef,
)

#: Contributor roles that do not make an author (CRediT roles, given as URLs, all do).
_NOT_AUTHORS = {"editor", "chair-or-translator", "chair", "translator", "graduate-student"}


#: Labels for links an external id gives (other than the DOI and the arXiv id).
_ID_LABELS = {"handle": "Handle", "pmid": "PubMed", "pmc": "PubMed Central", "uri": "Link"}


def _value(node: Any, *keys: str) -> str:
    """``node[k1][k2]…``, then its ``value`` when it is ORCID's ``{"value": …}`` wrapper."""
    for key in keys:
        node = node.get(key) if isinstance(node, dict) else None
    if isinstance(node, dict):
        node = node.get("value")
    return text(node)


def _list(node: Any, *keys: str) -> list[Any]:
    for key in keys:
        node = node.get(key) if isinstance(node, dict) else None
    return node if isinstance(node, list) else []


def _works(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Every work in the export, one per group (the record's preferred version first)."""
    if isinstance(data.get("bulk"), list):
        return [
            b["work"]
            for b in data["bulk"]
            if isinstance(b, dict) and isinstance(b.get("work"), dict)
        ]
    groups = _list(data, "activities-summary", "works", "group") or _list(data, "group")
    works = []
    for group in groups:
        summaries = [w for w in _list(group, "work-summary") if isinstance(w, dict)]
        if summaries:
            works.append(summaries[0])
    if not works and isinstance(data.get("title"), dict):
        works.append(data)  # one work on its own
    return works


def is_orcid(data: Any) -> bool:
    if not isinstance(data, dict):
        return False
    if "orcid-identifier" in data or "activities-summary" in data or "bulk" in data:
        return True
    groups = data.get("group")
    return isinstance(groups, list) and any(
        isinstance(g, dict) and "work-summary" in g for g in groups
    )


class OrcidReader:
    name = "ORCID record"

    def detect(self, path: Path) -> float:
        return 1.0 if is_orcid(peek_json(path)) else 0.0

    def read(self, path: Path) -> SiteRecord:
        site, rel, data = open_json_site(
            path, lambda data: isinstance(data, dict), "not an ORCID record"
        )
        if data is None:
            return site
        site.profile = _profile(data)
        works = _works(data)
        if not site.profile.orcid:
            # works in bulk name no person, but each work's path starts with its record's iD
            paths = {text(w.get("path")).strip("/").split("/")[0] for w in works}
            if len(paths) == 1 and re.fullmatch(r"\d{4}-\d{4}-\d{4}-\d{3}[\dX]", next(iter(paths))):
                site.profile.orcid = f"https://orcid.org/{paths.pop()}"
        page = PageRecord(source=SourceRef(rel, 1), title=site.profile.name)
        if site.profile.name:
            page.owner_names = [site.profile.name]
        seen: set[str] = set()
        unattributed: list[str] = []
        for index, work in enumerate(works, start=1):
            record = _publication(work, rel, index, site.profile)
            if record is None:
                page.warnings.append(f"{rel}: work {index} has no title")
                continue
            if record.key in seen:
                continue
            seen.add(record.key)
            if not work.get("contributors"):
                unattributed.append(record.title)
            page.publications.append(record)
        if unattributed:
            page.warnings.append(
                f"{rel}: {len(unattributed)} work(s) name no contributors (the record's works "
                "summary does not carry them): only the record's owner is listed as their author"
            )
        if not page.publications:
            page.warnings.append(f"{rel}: no works in this ORCID record")
        site.pages.append(page)
        return site


def _profile(data: dict[str, Any]) -> ProfileRecord:
    person = data.get("person") if isinstance(data.get("person"), dict) else {}
    name = person.get("name") if isinstance(person.get("name"), dict) else {}
    profile = ProfileRecord()
    full = name_parts(_value(name, "given-names"), _value(name, "family-name"))
    credit = _value(name, "credit-name")
    profile.name = full or credit
    if credit and credit != profile.name:
        profile.aliases.append(credit)
    for other in _list(person, "other-names", "other-name"):
        alias = _value(other, "content") if isinstance(other, dict) else ""
        if alias and alias not in profile.aliases and alias != profile.name:
            profile.aliases.append(alias)
    profile.bio = _value(person, "biography", "content")
    identifier = data.get("orcid-identifier")
    orcid = _value(identifier, "uri") or (
        f"https://orcid.org/{_value(identifier, 'path')}" if _value(identifier, "path") else ""
    )
    profile.orcid = orcid
    _researcher_urls(profile, person)
    emails = _list(person, "emails", "email")
    if emails and isinstance(emails[0], dict):
        profile.email = text(emails[0].get("email"))
    return profile


def _publication(
    work: dict[str, Any], rel: str, index: int, owner: ProfileRecord
) -> PublicationRecord | None:
    title = _value(work, "title", "title")
    if not title:
        return None
    subtitle = _value(work, "title", "subtitle")
    if subtitle:
        title = f"{title}: {subtitle}"
    put_code = text(work.get("put-code"))
    record = PublicationRecord(title=title, source=SourceRef(rel, 1))
    record.key = f"put-code:{put_code}" if put_code else f"work:{index}"
    record.kind = kind_of_type(text(work.get("type")), ORCID_KINDS)
    record.venue = _value(work, "journal-title")
    year = _value(work, "publication-date", "year")
    month = _value(work, "publication-date", "month")
    record.year = int(year) if year.isdigit() else None
    record.month = int(month) if month.isdigit() and 1 <= int(month) <= 12 else None
    record.abstract = text(work.get("short-description"))
    _external_ids(record, work)
    url = _value(work, "url")
    if url and all(link.url != url for link in record.links):
        record.links.insert(0, LinkRecord("paper", url))
    citation = work.get("citation")
    if isinstance(citation, dict) and text(citation.get("citation-type")) == "bibtex":
        record.bibtex = text(citation.get("citation-value"))
    record.authors = _authors(work, owner)
    return finish(record)


def _external_ids(record: PublicationRecord, work: dict[str, Any]) -> None:
    """The work's own ids (``self``): its DOI, its arXiv id, and the others as links."""
    for external in _list(work, "external-ids", "external-id"):
        if not isinstance(external, dict):
            continue
        if text(external.get("external-id-relationship")) not in ("", "self"):
            continue  # "part-of": the journal's ISSN, the book a chapter is in
        kind = text(external.get("external-id-type")).lower()
        value = text(external.get("external-id-value"))
        url = _value(external, "external-id-url")
        if kind == "doi" and value and not record.doi:
            record.doi = value
        elif kind == "arxiv" and value and not record.arxiv_id:
            record.arxiv_id = value
        elif url and kind not in ("doi", "arxiv"):
            record.links.append(LinkRecord("paper", url, _ID_LABELS.get(kind, "")))


def _authors(work: dict[str, Any], owner: ProfileRecord) -> list[AuthorRecord]:
    """The contributors who are authors, in order; the record's owner when none is named."""
    contributors = [c for c in _list(work, "contributors", "contributor") if isinstance(c, dict)]
    if not contributors:
        if not owner.name:
            return []
        return [AuthorRecord(name=owner.name, is_owner=True, url=owner.orcid)]
    owner_orcid = owner.orcid.rstrip("/").rsplit("/", 1)[-1]
    authors = []
    for contributor in contributors:
        attributes = contributor.get("contributor-attributes")
        role = text(attributes.get("contributor-role")) if isinstance(attributes, dict) else ""
        name = _value(contributor, "credit-name")
        if role.lower() in _NOT_AUTHORS or not name:
            continue
        orcid_path = _value(contributor, "contributor-orcid", "path")
        url = _value(contributor, "contributor-orcid", "uri")
        is_owner = bool(owner_orcid) and orcid_path == owner_orcid
        authors.append(AuthorRecord(name=name, is_owner=is_owner, url=url))
    return authors


def _researcher_urls(profile: ProfileRecord, person: dict[str, Any]) -> None:
    """The record's websites: Google Scholar, GitHub and LinkedIn by address, else the homepage."""
    for url in _list(person, "researcher-urls", "researcher-url"):
        label = _value(url, "url-name").lower()
        link = _value(url, "url")
        if not link:
            continue
        if "scholar" in label or "scholar.google" in link:
            profile.google_scholar = profile.google_scholar or link
        elif "github" in link:
            profile.github = profile.github or link
        elif "linkedin" in link:
            profile.linkedin = profile.linkedin or link
        elif not profile.website:
            profile.website = link
