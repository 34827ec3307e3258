"""What machines read in a page's head: canonical URL, OpenGraph/Twitter cards, JSON-LD, and
Google Scholar's ``citation_*`` tags.

Views build plain data here (dicts and lists, from rows they already loaded, so no query is
added); the partials ``labsite/includes/_meta.html`` and
``publications/includes/_citation_meta.html`` and the ``json_ld`` tag print it. Every URL is
absolute on the request's host, the host the page was asked for.
"""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Iterable
from typing import Any

from django.http import HttpRequest
from django.utils.html import strip_tags
from django.utils.text import Truncator

from people.models import Lab, Membership, Person, Post
from publications.models import Publication, PublicationKind

DESCRIPTION_WORDS = 40


def absolute(request: HttpRequest, path: str) -> str:
    """``/people/ada/`` → ``https://lab.example.org/people/ada/`` on the request's host."""
    if path.startswith(("http://", "https://")):
        return path
    return request.build_absolute_uri(path)


def plain(html: str, words: int = DESCRIPTION_WORDS) -> str:
    """Stored HTML as one line of text for a description (no markdown is rendered here).

    Entities are decoded (``&lt;`` → ``<``): the result is text, escaped once by whatever prints
    it (template autoescape, JSON-LD, Atom), not shown as a literal ``&lt;`` to readers.
    """
    text = " ".join(html_lib.unescape(strip_tags(html or "")).split())
    return Truncator(text).words(words, truncate="…")


def page_meta(
    request: HttpRequest,
    *,
    title: str,
    description: str = "",
    image: str | None = None,
    type: str = "website",
    feeds: Iterable[tuple[str, str]] = (),
) -> dict[str, Any]:
    """The ``meta`` context dict the ``_meta.html`` partial prints.

    ``canonical`` is the page's own URL without its query string, so filtered lists and tracking
    parameters all point search engines to one address. ``feeds`` are ``(title, path)`` pairs
    for Atom autodiscovery links.
    """
    lab: Lab | None = getattr(request, "lab", None)
    return {
        "title": title,
        "description": description,
        "canonical": absolute(request, request.path),
        "image": absolute(request, image) if image else "",
        "type": type,
        "site_name": lab.name if lab else "",
        # A portrait is small and square: the large card would crop it; figures fill it well.
        "twitter_card": "summary_large_image" if image and type != "profile" else "summary",
        "feeds": [(feed_title, absolute(request, path)) for feed_title, path in feeds],
    }


def _image_url(field) -> str | None:
    """The URL of a stored image, or None for an empty field."""
    return field.url if field else None


def organization_ld(request: HttpRequest, lab: Lab) -> dict[str, Any]:
    """schema.org ``ResearchOrganization`` for the lab home page."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ResearchOrganization",
        "name": lab.name,
        "url": absolute(request, "/"),
    }
    if lab.short_name:
        data["alternateName"] = lab.short_name
    if lab.tagline or lab.about_html:
        data["description"] = lab.tagline or plain(lab.about_html)
    if lab.email:
        data["email"] = lab.email
    if lab.institution:
        data["parentOrganization"] = {"@type": "CollegeOrUniversity", "name": lab.institution}
    if lab.address:
        data["address"] = " ".join(lab.address.split())
    if lab.website:
        data["sameAs"] = [lab.website]
    return data


def person_ld(
    request: HttpRequest, person: Person, lab: Lab, memberships: Iterable[Membership] = ()
) -> dict[str, Any]:
    """schema.org ``Person`` for a member homepage: name, job, lab, profiles (``sameAs``).

    The email is left out on purpose: the page hides it from scrapers, JSON-LD must not leak it.
    """
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Person",
        "name": person.name,
        "url": absolute(request, person.get_absolute_url()),
    }
    memberships = list(memberships)
    current = [m for m in memberships if not m.is_alumnus]
    job = person.position or (current[0].role_label if current else "")
    if job:
        data["jobTitle"] = job
    lab_org = {"@type": "ResearchOrganization", "name": lab.name, "url": absolute(request, "/")}
    if current or not memberships:
        data["affiliation"] = lab_org
    else:
        data["alumniOf"] = lab_org
    if person.affiliation:
        data["worksFor"] = {"@type": "Organization", "name": person.affiliation}
    image = _image_url(person.avatar_display)
    if image:
        data["image"] = absolute(request, image)
    if person.bio_html:
        data["description"] = plain(person.bio_html)
    profiles = [url for kind, _label, url in person.profile_links() if kind != "cv"]
    if profiles:
        data["sameAs"] = profiles
    return data


def _date(publication: Publication) -> str:
    """``2024`` or ``2024-05``: as precise as the row knows, never a made-up day."""
    if not publication.year:
        return ""
    if publication.month:
        return f"{publication.year:04d}-{publication.month:02d}"
    return f"{publication.year:04d}"


def _authors(publication: Publication) -> list[Any]:
    return sorted(publication.authorships.all(), key=lambda a: a.position)


def _pdf_url(publication: Publication) -> str:
    for link in publication.links.all():
        if link.kind == "pdf":
            return link.url
    if publication.arxiv_id:
        return f"https://arxiv.org/pdf/{publication.arxiv_id}"
    return ""


def article_ld(request: HttpRequest, publication: Publication, lab: Lab) -> dict[str, Any]:
    """schema.org ``ScholarlyArticle`` for a publication page; authors in printed order."""
    authors = []
    for authorship in _authors(publication):
        author: dict[str, Any] = {"@type": "Person", "name": authorship.name}
        if authorship.person_id and authorship.person is not None:
            author["url"] = absolute(request, authorship.person.get_absolute_url())
        authors.append(author)
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ScholarlyArticle",
        "headline": publication.title[:110],
        "name": publication.title,
        "url": absolute(request, publication.get_absolute_url()),
        "author": authors,
        "publisher": {"@type": "ResearchOrganization", "name": lab.name},
    }
    date = _date(publication)
    if date:
        data["datePublished"] = date
    venue = publication.venue or publication.short_venue
    if venue:
        kind = "Periodical" if publication.kind == PublicationKind.JOURNAL else "Event"
        data["isPartOf" if kind == "Periodical" else "about"] = {"@type": kind, "name": venue}
    if publication.abstract_html:
        data["abstract"] = plain(publication.abstract_html, words=300)
    identifiers = []
    if publication.doi:
        identifiers.append(
            {"@type": "PropertyValue", "propertyID": "DOI", "value": publication.doi}
        )
        data["sameAs"] = [f"https://doi.org/{publication.doi}"]
    if publication.arxiv_id:
        identifiers.append(
            {"@type": "PropertyValue", "propertyID": "arXiv", "value": publication.arxiv_id}
        )
    if identifiers:
        data["identifier"] = identifiers
    pdf = _pdf_url(publication)
    if pdf:
        data["encoding"] = {
            "@type": "MediaObject",
            "contentUrl": pdf,
            "encodingFormat": "application/pdf",
        }
    return data


_IMG_SRC = re.compile(r"""<img\b[^>]*?\ssrc=["']([^"']+)["']""", re.I)


def first_image(html: str) -> str | None:
    """The address of the first image in stored (sanitized) HTML, for a page's card."""
    match = _IMG_SRC.search(html or "")
    return html_lib.unescape(match.group(1)) if match else None


def blog_posting_ld(request: HttpRequest, post: Post, lab: Lab) -> dict[str, Any]:
    """schema.org ``BlogPosting`` for a post page: headline, dates, author, keywords."""
    lab_org = {"@type": "ResearchOrganization", "name": lab.name, "url": absolute(request, "/")}
    url = absolute(request, post.get_absolute_url())
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "BlogPosting",
        "headline": post.title[:110],
        "name": post.title,
        "url": url,
        "mainEntityOfPage": url,
        "datePublished": post.date.isoformat(),
        "dateModified": post.updated.date().isoformat() if post.updated else post.date.isoformat(),
        "publisher": lab_org,
    }
    if post.person_id and post.person is not None:
        data["author"] = {"@type": "Person", "name": post.person.name}
        if not post.lab_id:
            data["author"]["url"] = absolute(request, post.person.get_absolute_url())
    else:
        data["author"] = lab_org
    description = post.excerpt or plain(post.body_html)
    if description:
        data["description"] = description
    if post.tags:
        data["keywords"] = ", ".join(post.tags)
    image = first_image(post.body_html)
    if image:
        data["image"] = absolute(request, image)
    return data


def citation_meta(request: HttpRequest, publication: Publication) -> list[tuple[str, str]]:
    """Google Scholar's ``citation_*`` tags as ``(name, content)`` pairs, in Scholar's order.

    Scholar reads ``citation_author`` once per author, in order; the venue goes into
    ``citation_journal_title`` for journals, ``citation_conference_title`` for conference and
    workshop papers, ``citation_dissertation_institution`` for theses and
    ``citation_technical_report_institution`` for reports.
    """
    tags: list[tuple[str, str]] = [("citation_title", publication.title)]
    tags += [("citation_author", a.name) for a in _authors(publication) if a.name.strip()]
    if publication.year:
        date = f"{publication.year:04d}"
        if publication.month:
            date += f"/{publication.month:02d}"
        tags.append(("citation_publication_date", date))
    venue = publication.venue or publication.short_venue
    venue_tag = {
        PublicationKind.JOURNAL: "citation_journal_title",
        PublicationKind.CONFERENCE: "citation_conference_title",
        PublicationKind.WORKSHOP: "citation_conference_title",
        PublicationKind.THESIS: "citation_dissertation_institution",
        PublicationKind.REPORT: "citation_technical_report_institution",
        PublicationKind.CHAPTER: "citation_inbook_title",
    }.get(publication.kind)
    if venue and venue_tag:
        tags.append((venue_tag, venue))
    for field, tag in (
        ("volume", "citation_volume"),
        ("number", "citation_issue"),
        ("publisher", "citation_publisher"),
    ):
        value = getattr(publication, field)
        if value:
            tags.append((tag, value))
    if publication.pages:
        first, _sep, last = publication.pages.replace("–", "-").partition("-")
        tags.append(("citation_firstpage", first.strip()))
        if last.strip("- "):
            tags.append(("citation_lastpage", last.strip("- ")))
    if publication.doi:
        tags.append(("citation_doi", publication.doi))
    if publication.arxiv_id:
        tags.append(("citation_arxiv_id", publication.arxiv_id))
    pdf = _pdf_url(publication)
    if pdf:
        tags.append(("citation_pdf_url", pdf))
    tags.append(("citation_abstract_html_url", absolute(request, publication.get_absolute_url())))
    return tags


class PageMetaMixin:
    """Adds ``meta`` (for ``_meta.html``) and ``json_ld`` (for the ``json_ld`` tag) to a view.

    Views override ``get_meta(context)`` and, where a schema.org type fits, ``get_json_ld``;
    both build from what ``get_context_data`` already loaded, so the head costs no query.
    """

    def get_meta(self, context: dict[str, Any]) -> dict[str, Any]:
        lab = getattr(self.request, "lab", None)
        return page_meta(self.request, title=lab.name if lab else "")

    def get_json_ld(self, context: dict[str, Any]) -> dict[str, Any] | None:
        return None

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["meta"] = self.get_meta(context)
        context["json_ld"] = self.get_json_ld(context)
        return context
