"""A member's CV, built from the data: the page ``/people/<slug>/cv/`` and its PDF.

Nothing here is typed twice: positions are the member's lab memberships and their
"experience" CV entries, publications are their papers (grouped by kind, newest first), talks,
teaching and honors their own rows; only education and service are CV entries of their own.
The member leaves sections out in the admin (``Person.cv_hidden``).

The PDF is the same content through a print template, made by WeasyPrint. It is given only
this site's static and media files: any other address in the page (an image in a bio pointing
at another server, or at an internal one) is not fetched.
"""

from __future__ import annotations

import datetime
import mimetypes
import threading
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any
from urllib.parse import unquote, urlsplit

from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.files.storage import default_storage
from django.db.models import F, Prefetch
from django.utils.encoding import iri_to_uri

from people.models import CVEntry, CVKind, Membership, Person

#: (key, heading) of every CV section, in the CV's order.
CV_SECTIONS: tuple[tuple[str, str], ...] = (
    ("positions", "Positions"),
    ("education", "Education"),
    ("publications", "Publications"),
    ("talks", "Talks"),
    ("teaching", "Teaching"),
    ("honors", "Honors and awards"),
    ("service", "Service"),
)
CV_SECTION_KEYS = frozenset(key for key, _ in CV_SECTIONS)

#: The heading over each kind of paper (PublicationKind values), plural as a CV prints them.
KIND_HEADINGS = {
    "conference": "Conference papers",
    "journal": "Journal articles",
    "workshop": "Workshop papers",
    "preprint": "Preprints",
    "thesis": "Theses",
    "book": "Books",
    "chapter": "Book chapters",
    "patent": "Patents",
    "report": "Technical reports",
    "other": "Other publications",
}


@dataclass
class Position:
    """One line of "Positions": a lab membership or an experience entry, alike on the page."""

    title: str
    organization: str
    years: str
    detail: str = ""
    sort_key: tuple = ()


@dataclass
class CVSection:
    key: str
    heading: str
    rows: list[Any] = field(default_factory=list)
    #: Publications only: ``[(kind label, [Publication])]``.
    groups: list[tuple[str, list[Any]]] = field(default_factory=list)


def _year_span(start: datetime.date | None, end: datetime.date | None) -> str:
    if start and end:
        return str(start.year) if start.year == end.year else f"{start.year}–{end.year}"
    if start:
        return f"{start.year}–present"
    return str(end.year) if end else ""


def _membership_position(membership: Membership) -> Position:
    today = datetime.date.today()
    end = membership.end if membership.end and membership.end <= today else None
    return Position(
        title=membership.role_label,
        organization=membership.lab.name,
        years=_year_span(membership.start, end),
        sort_key=(end is None, (end or membership.start or datetime.date.min).year),
    )


def _entry_position(entry: CVEntry) -> Position:
    ongoing = entry.end_year is None and entry.start_year is not None
    return Position(
        title=entry.title,
        organization=", ".join(p for p in (entry.organization, entry.location) if p),
        years=entry.years,
        detail=entry.detail,
        sort_key=(ongoing, entry.end_year or entry.start_year or 0),
    )


def cv_person_queryset(lab):
    """The person with everything the CV shows prefetched: a fixed number of queries."""
    return Person.objects.for_lab(lab).prefetch_related(
        "cv_entries",
        "talks",
        "teaching",
        "honors",
        Prefetch(
            "memberships",
            queryset=Membership.objects.for_lab(lab)
            .select_related("lab")
            .order_by(F("start").desc(nulls_last=True), "pk"),
            to_attr="lab_memberships",
        ),
    )


def build_cv(person: Person) -> list[CVSection]:
    """The CV's sections with rows, in order, leaving out hidden and empty ones.

    ``person`` comes from :func:`cv_person_queryset`; the publications are one more query.
    """
    from publications.models import Publication, PublicationKind

    hidden = set(person.cv_hidden or ())
    entries = list(person.cv_entries.all())
    rows: dict[str, list[Any]] = {
        "positions": sorted(
            [_membership_position(m) for m in person.lab_memberships]
            + [_entry_position(e) for e in entries if e.kind == CVKind.EXPERIENCE],
            key=lambda p: p.sort_key,
            reverse=True,
        ),
        "education": [e for e in entries if e.kind == CVKind.EDUCATION],
        "talks": list(person.talks.all()),
        "teaching": list(person.teaching.all()),
        "honors": list(person.honors.all()),
        "service": [e for e in entries if e.kind == CVKind.SERVICE],
    }
    sections = []
    for key, heading in CV_SECTIONS:
        if key in hidden:
            continue
        section = CVSection(key=key, heading=heading)
        if key == "publications":
            papers = list(Publication.objects.for_person(person).with_authors().newest_first())
            labels = {**dict(PublicationKind.choices), **KIND_HEADINGS}
            order = {kind: i for i, (kind, _) in enumerate(PublicationKind.choices)}
            papers.sort(key=lambda p: order.get(p.kind, len(order)))  # stable: newest first
            section.groups = [
                (labels.get(kind, "Other"), list(group))
                for kind, group in groupby(papers, key=lambda p: p.kind)
            ]
            section.rows = papers
        else:
            section.rows = rows[key]
        if section.rows:
            sections.append(section)
    return sections


# -- the PDF ----------------------------------------------------------------------------------


class RefusedURL(ValueError):
    """An address the PDF renderer is not allowed to fetch."""


def local_url_fetcher(url: str, timeout: int = 10, ssl_context=None, http_headers=None) -> dict:
    """WeasyPrint's fetcher, limited to this site's static and media files.

    Everything else is refused: the PDF is made on the server, and a bio's ``<img src>`` must
    not make the server fetch an address of the visitor's choosing.
    """
    from django.conf import settings

    parts = urlsplit(url)
    if parts.scheme not in ("", "http", "https") or ".." in unquote(parts.path).split("/"):
        raise RefusedURL(url)
    path = unquote(parts.path)
    static_url, media_url = settings.STATIC_URL, settings.MEDIA_URL
    if path.startswith(static_url):
        name = path[len(static_url) :]
        if name and staticfiles_storage.exists(name):  # collected (and hashed) files
            with staticfiles_storage.open(name, "rb") as handle:
                data = handle.read()
        elif name and (found := finders.find(name)):
            with open(found, "rb") as handle:
                data = handle.read()
        else:
            raise RefusedURL(url)
    elif path.startswith(media_url):
        name = path[len(media_url) :]
        if not name or not default_storage.exists(name):
            raise RefusedURL(url)
        with default_storage.open(name, "rb") as handle:
            data = handle.read()
    else:
        raise RefusedURL(url)
    mime, _ = mimetypes.guess_type(name)
    return {"string": data, "mime_type": mime or "application/octet-stream", "url": iri_to_uri(url)}


#: WeasyPrint's font configuration, made once per thread: building it (fontconfig's font list,
#: Pango's font map) is about a tenth of a CV's PDF time, the same for every CV. The print
#: template loads no web font (``@font-face``), so nothing one document adds is seen by the next.
_fonts = threading.local()


def font_config():
    from weasyprint.text.fonts import FontConfiguration

    if getattr(_fonts, "config", None) is None:
        _fonts.config = FontConfiguration()
    return _fonts.config


def render_pdf(html: str, *, base_url: str) -> bytes:
    """``html`` (the print template) as a PDF."""
    import weasyprint

    document = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=local_url_fetcher)
    return document.write_pdf(font_config=font_config())


#: Where made PDFs are kept, in the media storage: ``cv-pdf/<slug>-<hash of the HTML>.pdf``.
PDF_FOLDER = "cv-pdf"


def stored_pdf(html: str, *, slug: str, base_url: str) -> bytes:
    """The PDF of ``html``, made once for each content and kept in the media storage.

    WeasyPrint takes about a second for a CV with a hundred papers: the PDF is made the first
    time its content is asked for, by any process, and read back after (the name holds a hash
    of the print HTML and of WeasyPrint's version, so an edit makes a new one). The member's
    older PDFs are deleted when a new one is kept.
    """
    import hashlib

    import weasyprint
    from django.core.files.base import ContentFile

    digest = hashlib.sha256(f"{weasyprint.__version__}\n{html}".encode()).hexdigest()[:24]
    name = f"{PDF_FOLDER}/{slug}-{digest}.pdf"
    if default_storage.exists(name):
        with default_storage.open(name, "rb") as handle:
            return handle.read()
    pdf = render_pdf(html, base_url=base_url)
    try:
        _, files = default_storage.listdir(PDF_FOLDER)
    except (FileNotFoundError, NotADirectoryError):
        files = []
    for old in files:
        if old.startswith(f"{slug}-") and old.endswith(".pdf") and len(old) == len(slug) + 29:
            default_storage.delete(f"{PDF_FOLDER}/{old}")
    default_storage.save(name, ContentFile(pdf))
    return pdf
