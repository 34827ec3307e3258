"""A paper's metadata from its DOI (Crossref) or arXiv id (the arXiv API), for "Add by DOI".

Both services are asked once, with a short timeout; every way the answer can fail (no network,
a timeout, a 404, a body that is not what the API documents) is a :class:`LookupFailed` with a
sentence for the member, so the view shows it and writes nothing.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

import httpx

from labsite.normalise import normalize_arxiv, normalize_doi

TIMEOUT_SECONDS = 8.0
CROSSREF_URL = "https://api.crossref.org/works/{doi}"
ARXIV_URL = "http://export.arxiv.org/api/query"
USER_AGENT = "labsite/0.1 (a research lab website; add by DOI)"

_ATOM = "{http://www.w3.org/2005/Atom}"
_ARXIV = "{http://arxiv.org/schemas/atom}"

# Crossref's work types → PublicationKind values.
_CROSSREF_KIND = {
    "journal-article": "journal",
    "proceedings-article": "conference",
    "posted-content": "preprint",
    "book-chapter": "chapter",
    "book": "book",
    "monograph": "book",
    "edited-book": "book",
    "dissertation": "thesis",
    "report": "report",
}


class LookupFailed(Exception):
    """The identifier could not be looked up; ``str()`` is the message for the member."""


@dataclass(frozen=True)
class PaperMetadata:
    title: str
    authors: list[str] = field(default_factory=list)  # "Given Family", in order
    venue: str = ""
    year: int | None = None
    month: int | None = None
    volume: str = ""
    number: str = ""
    pages: str = ""
    publisher: str = ""
    kind: str = ""  # a PublicationKind value
    doi: str = ""
    arxiv_id: str = ""
    abstract: str = ""
    source: str = ""  # "Crossref" or "arXiv"


@dataclass(frozen=True)
class Identifier:
    kind: str  # "doi" or "arxiv"
    value: str


def parse_identifier(text: str) -> Identifier:
    """A DOI (bare, ``doi:``, a doi.org URL) or an arXiv id (bare, ``arXiv:``, an arxiv.org URL)."""
    text = (text or "").strip()
    if re.search(r"10\.\d{4,9}/\S+", text) and "arxiv.org/" not in text.lower():
        doi = normalize_doi(text)
        if doi.startswith("10.48550/arxiv."):
            # arXiv's own DOIs are registered with DataCite, not Crossref: ask arXiv.
            return Identifier("arxiv", normalize_arxiv(doi.removeprefix("10.48550/arxiv.")))
        return Identifier("doi", doi)
    arxiv = normalize_arxiv(text)
    if arxiv and (re.fullmatch(r"(?i)(arxiv:)?\s*[\w.\-/]+(v\d+)?", text) or "arxiv.org" in text):
        return Identifier("arxiv", arxiv)
    raise LookupFailed(
        f"{text[:100]!r} is neither a DOI (10.1234/…, or a https://doi.org/… link) nor an arXiv "
        "id (2401.01234, or an arxiv.org link)."
    )


def make_client() -> httpx.Client:
    """The HTTP client for both services (tests replace it with one on a MockTransport)."""
    return httpx.Client(
        timeout=TIMEOUT_SECONDS, headers={"User-Agent": USER_AGENT}, follow_redirects=True
    )


def lookup(text: str) -> PaperMetadata:
    identifier = parse_identifier(text)
    with make_client() as client:
        if identifier.kind == "doi":
            return fetch_crossref(identifier.value, client=client)
        return fetch_arxiv(identifier.value, client=client)


def _get(client: httpx.Client, url: str, service: str, what: str, **params) -> httpx.Response:
    try:
        response = client.get(url, params=params or None)
    except httpx.TimeoutException as exc:
        raise LookupFailed(
            f"{service} did not answer within {TIMEOUT_SECONDS:g} seconds; try again later, or "
            "paste the paper's BibTeX instead. Nothing was added."
        ) from exc
    except httpx.HTTPError as exc:
        raise LookupFailed(
            f"{service} could not be reached ({type(exc).__name__}): is this server offline? "
            "Paste the paper's BibTeX instead. Nothing was added."
        ) from exc
    if response.status_code == 404:
        raise LookupFailed(f"{service} does not know {what}. Check it for typos.")
    if response.status_code != 200:
        raise LookupFailed(
            f"{service} answered with an error (HTTP {response.status_code}) for {what}; try "
            "again later. Nothing was added."
        )
    return response


def _malformed(service: str) -> LookupFailed:
    return LookupFailed(
        f"{service} sent an answer that could not be read; try again later, or paste the paper's "
        "BibTeX instead. Nothing was added."
    )


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text or "")).strip()


def fetch_crossref(doi: str, *, client: httpx.Client) -> PaperMetadata:
    """Crossref's ``/works/<doi>``: ``{"status": "ok", "message": {…}}``."""
    response = _get(client, CROSSREF_URL.format(doi=doi), "Crossref", f"the DOI {doi}")
    try:
        message = response.json()["message"]
        titles = message.get("title") or []
        title = _clean(titles[0] if titles else "")
        if not title:
            raise ValueError("no title")
        authors = []
        for author in sorted(
            message.get("author") or [], key=lambda a: 0 if a.get("sequence") == "first" else 1
        ):
            name = " ".join(p for p in (author.get("given"), author.get("family")) if p)
            if name or author.get("name"):
                authors.append(name or author["name"])
        issued = (message.get("issued") or {}).get("date-parts") or [[]]
        parts = [int(p) for p in (issued[0] or []) if p is not None]
        venues = message.get("container-title") or []
    except (ValueError, KeyError, TypeError, AttributeError, IndexError) as exc:
        raise _malformed("Crossref") from exc
    return PaperMetadata(
        title=title,
        authors=authors,
        venue=_clean(venues[0]) if venues else "",
        year=parts[0] if parts else None,
        month=parts[1] if len(parts) > 1 and 1 <= parts[1] <= 12 else None,
        volume=str(message.get("volume") or ""),
        number=str(message.get("issue") or ""),
        pages=str(message.get("page") or "").replace("-", "–"),
        publisher=str(message.get("publisher") or ""),
        kind=_CROSSREF_KIND.get(str(message.get("type") or ""), "other"),
        doi=normalize_doi(str(message.get("DOI") or doi)),
        abstract=_clean(str(message.get("abstract") or "")),
        source="Crossref",
    )


def fetch_arxiv(arxiv_id: str, *, client: httpx.Client) -> PaperMetadata:
    """The arXiv API's Atom feed for ``id_list=<id>``: one ``<entry>``, or an error entry."""
    what = f"the arXiv id {arxiv_id}"
    response = _get(client, ARXIV_URL, "arXiv", what, id_list=arxiv_id)
    try:
        feed = ET.fromstring(response.content)
    except ET.ParseError as exc:
        raise _malformed("arXiv") from exc
    entry = feed.find(f"{_ATOM}entry")
    entry_id = entry.findtext(f"{_ATOM}id", "") if entry is not None else ""
    if entry is None or "api/errors" in entry_id or not entry.findtext(f"{_ATOM}title"):
        raise LookupFailed(f"arXiv does not know {what}. Check it for typos.")
    published = entry.findtext(f"{_ATOM}published", "")
    match = re.match(r"(\d{4})-(\d{2})", published)
    doi = entry.findtext(f"{_ARXIV}doi", "")
    journal = _clean(entry.findtext(f"{_ARXIV}journal_ref", ""))
    return PaperMetadata(
        title=_clean(entry.findtext(f"{_ATOM}title", "")),
        authors=[
            _clean(author.findtext(f"{_ATOM}name", ""))
            for author in entry.findall(f"{_ATOM}author")
            if _clean(author.findtext(f"{_ATOM}name", ""))
        ],
        venue=journal,
        year=int(match.group(1)) if match else None,
        month=int(match.group(2)) if match else None,
        kind="journal" if doi and journal else "preprint",
        doi=normalize_doi(doi) if doi else "",
        arxiv_id=arxiv_id,
        abstract=_clean(entry.findtext(f"{_ATOM}summary", "")),
        source="arXiv",
    )
