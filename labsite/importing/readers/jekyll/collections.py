"""Jekyll collection items, where the front matter *is* the record.

academicpages: ``_publications`` (title, venue, date, paperurl, slidesurl, bibtexurl, citation,
excerpt, category — and fork fields such as ``authors``, ``year``, ``link``), ``_talks``,
``_teaching``, ``_portfolio``. al-folio: ``_news`` (inline announcements), ``_projects``.
"""

from __future__ import annotations

import html
import re
from typing import Any

from labsite.importing.extract.authors import looks_like_authors, parse_authors
from labsite.importing.extract.common import (
    Context,
    arxiv_id,
    date_of,
    doi_of,
    find_links,
    link_kind,
    remove_links,
    strip_markup,
    year_of,
)
from labsite.importing.extract.projects import figures_in
from labsite.importing.extract.venues import (
    kind_of,
    short_venue,
    split_venue,
    status_of,
    workshop_badge,
)
from labsite.importing.identity import plainly_someone_else
from labsite.importing.records import (
    ET_AL,
    AuthorRecord,
    FigureRecord,
    LinkRecord,
    NewsRecord,
    ProjectRecord,
    PublicationRecord,
    SourceRef,
    TalkRecord,
    TeachingRecord,
)


def _s(meta: dict[str, Any], *keys: str) -> str:
    """The first non-empty string value among ``keys``."""
    for key in keys:
        value = meta.get(key)
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            text = str(value).strip()
            if text:
                return text
    return ""


_CATEGORY_KIND = [
    ("thesis", r"thes[ie]s|dissertation"),
    ("workshop", r"workshop"),
    ("preprint", r"preprint|under review|submitted|manuscript"),
    ("journal", r"journal|article"),
    ("conference", r"conference|proceedings"),
    ("chapter", r"chapter"),
    ("book", r"book"),
    ("patent", r"patent"),
    ("report", r"report"),
]


def category_kind(category: str, categories: dict[str, Any]) -> str:
    """An academicpages ``category`` key, through ``publication_category`` titles, → kind."""
    labels = [category]
    entry = categories.get(category) if isinstance(categories, dict) else None
    if isinstance(entry, dict) and isinstance(entry.get("title"), str):
        labels.insert(0, entry["title"])  # the title the site shows says more than the key
    for label in labels:
        for kind, pattern in _CATEGORY_KIND:
            if re.search(pattern, label.lower()):
                return kind
    return ""


def citation_parts(citation: str, title: str = "") -> tuple[str, str, str]:
    """(authors, title, rest) of an academicpages ``citation`` (HTML-escaped).

    The title is found quoted (the template's style), else as the page's own ``title``
    written unquoted (ACM "A, B, and C. 2022. Title. Venue"; APA "Last, F. (2025). <b>Title</b>.
    In <i>Venue</i>"), else in bold.
    """
    text = html.unescape(citation)
    m = re.search(r"[\"“](.{3,500}?)[,.]?[\"”]", text)
    if not m and title:
        words = re.findall(r"\w+", title)
        if words:
            text = re.sub(r"</?(?:b|strong|i|em)>", "", text, flags=re.I)
            m = re.search("(" + r"[\W_]+".join(map(re.escape, words)) + ")", text, re.I)
    if not m:
        m = re.search(r"<(?:b|strong)>(.{3,500}?)</(?:b|strong)>", text, re.I)
    if not m:
        return "", "", text
    before = text[: m.start()].strip()
    before = re.sub(
        r"\(\s*(?:19|20)\d\d[a-z]?(?:\s*,\s*[^()]{1,30})?\s*\)\.?\s*$", "", before
    ).strip()  # "(2024)", "(2024, May)"
    before = before.rstrip(",")
    before = re.sub(r",?\s*(?:19|20)\d\d[a-z]?\.?$", "", before).strip()
    return before, m.group(1).strip(" ,."), text[m.end() :].strip(" ,.")


def citation_authors(citation: str) -> list[AuthorRecord]:
    """The authors of a ``citation`` that gives no title, only names and a venue
    (``'<b>A. Lee</b>, B. Roe. <i>Venue</i>. <b>ICML 2019</b>.'``): the names before the venue."""
    text = html.unescape(citation)
    head = re.split(r"<(?:i|em)\b", text, maxsplit=1, flags=re.I)[0].strip().rstrip(".").strip()
    return parse_authors(head) if head and looks_like_authors(head) else []


def someone_elses(record: PublicationRecord, owner_names: list[str]) -> bool:
    """Whether a ``_publications`` file is plainly another person's paper: its author list
    (whole, no "et al.") names nobody who shares a name with the site's owner.

    A fork keeps the files of the person whose site it copied (their names bold in its
    ``citation``); each file is one paper the site lists as its owner's, so a file without
    the owner is theirs. An owner the config does not name, or names in another script than
    the authors', cannot be told apart: every file is kept.
    """
    names = [a.name for a in record.authors if a.name.strip()]
    if not names or not owner_names or ET_AL in names:
        return False
    return all(plainly_someone_else(name, owner_names) for name in names)


# the front-matter key that holds a venue, when it says the venue's kind
_VENUE_KEY_KIND = {"journal": "journal", "booktitle": "conference", "conference": "conference"}
# front-matter keys naming a publication's kind, the specific ones before ``category``
_KIND_KEYS = ("type", "publication_type", "pub_type", "pubtype", "category")


def _excerpt_authors(excerpt: str) -> list[AuthorRecord]:
    """Authors written only in an HTML ``excerpt:`` (``<p>A. Lee, <b>B. Owner</b></p>…``)."""
    for part in re.split(
        r"<br\s*/?>|</?(?:p|div|li)\b[^<>]{0,200}>|\n", excerpt[:5000], flags=re.I
    ):
        if strip_markup(part).strip() and looks_like_authors(part):
            return parse_authors(part)
    return []


def collection_publication(
    meta: dict[str, Any], body: str, ctx: Context, source_path: str, categories: dict[str, Any]
) -> PublicationRecord | None:
    """One ``_publications/*.md`` file → a publication."""
    title = strip_markup(_s(meta, "title"))
    if not title:
        return None
    record = PublicationRecord(title=title, source=SourceRef(source_path, 1))
    record.key = source_path
    venue_text = _s(meta, "venue", "journal", "booktitle", "conference")
    citation = _s(meta, "citation")
    cite_authors, _cite_title, cite_rest = (
        citation_parts(citation, title) if citation else ("", "", "")
    )
    authors_text = _s(meta, "authors", "author")
    if authors_text:
        record.authors = parse_authors(authors_text)
    elif cite_authors:
        record.authors = parse_authors(cite_authors)
    elif citation and not _cite_title:
        record.authors = citation_authors(citation)
    body_lines = [ln.strip() for ln in body.split("\n") if ln.strip()]
    if not record.authors and body_lines and looks_like_authors(body_lines[0].split("<br")[0]):
        record.authors = parse_authors(re.split(r"<br\s*/?>", body_lines[0])[0])
    if not record.authors:
        record.authors = _excerpt_authors(_s(meta, "excerpt"))
    if not record.authors:
        bib = re.search(r"```(?:bibtex|bib)?\s*\n(@.{10,20000}?)```", body, re.S)
        if bib:
            from labsite.importing.bibtex import parse_bibtex

            parsed = parse_bibtex(bib.group(1), ctx, source_path)
            if parsed.publications:
                record.authors = parsed.publications[0].authors
                record.bibtex = parsed.publications[0].bibtex
    if not venue_text:
        m = re.search(r"published in\s+(.{3,300}?)(?:$|<br|\n)", body, re.I | re.M)
        if m:
            venue_text = m.group(1)
        elif cite_rest:
            italic = re.search(r"<i>(.{2,300}?)</i>", html.unescape(citation))
            venue_text = italic.group(1) if italic else ""
    venue = split_venue(venue_text) if venue_text else None
    if venue:
        record.venue = venue.venue
        record.short_venue = venue.short
        record.status = venue.status
        record.note = venue.note
    record.year = year_of(meta.get("year")) or (venue.year if venue else None)
    when = date_of(meta.get("date"))
    if record.year is None and when:
        record.year = when[0].year
    if when and when[1] != "year" and when[0].year == record.year:
        record.month = when[0].month
    if record.year is None and venue and venue.year:
        record.year = venue.year
    kinds = (category_kind(_s(meta, k), categories) for k in _KIND_KEYS if _s(meta, k))
    record.kind = next((k for k in kinds if k), "")
    if not record.kind:
        record.kind = kind_of(record.venue, record.status) or (venue.kind if venue else "")
    if not record.kind:  # the key that held the venue names its kind: ``journal:``, ``booktitle:``
        held = next((k for k in ("venue", "journal", "booktitle", "conference") if _s(meta, k)), "")
        record.kind = _VENUE_KEY_KIND.get(held, "") or (venue.guess if venue else "")
    if record.kind == "preprint" and not record.status:
        record.status = "preprint"
    if not record.status:
        record.status = (
            status_of(record.venue) if record.venue.lower() != "preprint" else "preprint"
        )
    for key, kind in _LINK_KEYS:
        url = _s(meta, key)
        if not url or not re.match(r"^(?:https?://|/|[\w.-]+/)", url):
            continue
        label = _s(meta, "urltext") if key == "arxivurl" else ""
        record.links.append(
            LinkRecord(kind=kind or link_kind(label, url), url=ctx.absolute(url), label="")
        )
    record.links.extend(_other_link_keys(meta, ctx))
    for label, url, _ in find_links(body):
        if re.search(r"download|paper|pdf|code|github|slides|poster|arxiv|video", label, re.I):
            record.links.append(LinkRecord(kind=link_kind(label, url), url=ctx.absolute(url)))
    seen: set[str] = set()
    record.links = [ln for ln in record.links if not (ln.url in seen or seen.add(ln.url))]
    everything = " ".join([citation, *[ln.url for ln in record.links]])
    record.arxiv_id = arxiv_id(everything)
    record.doi = doi_of(everything)
    excerpt = _s(meta, "excerpt", "abstract")
    abstract = _abstract_from_body(body)
    record.abstract = abstract or (excerpt if excerpt and not looks_like_authors(excerpt) else "")
    if not record.short_venue and record.venue:
        record.short_venue = short_venue(record.venue)
    record.short_venue = workshop_badge(record.short_venue, record.kind, record.venue)
    return record


#: Front-matter keys academicpages (and its forks) give a paper's links, with their kind.
_LINK_KEYS = (
    ("paperurl", "paper"),
    ("link", "paper"),
    ("url", "paper"),
    ("arxivurl", ""),
    ("pdf", "pdf"),
    ("codeurl", "code"),
    ("code", "code"),
    ("slidesurl", "slides"),
    ("posterurl", "poster"),
    ("videourl", "video"),
    ("bibtexurl", "bibtex"),
)
# Keys whose address is not one of the paper's links: the page's own, and its pictures.
_NOT_LINK_KEYS = frozenset(
    {"permalink", "redirect_from", "redirect_to", "layout", "image", "img", "teaser",
     "thumbnail", "header", "cover", "preview", "avatar", "banner", "og_image", "urltext"}
)  # fmt: skip
# A web address, or a file of the site that is a document (a PDF, a .bib, slides, a page).
_LINK_VALUE = re.compile(
    r"^(?:https?://\S+|/\S+\.(?:pdf|bib|txt|zip|gz|ps|pptx?|key|odp|html?|mp4|ipynb))$", re.I
)
_IMAGE_VALUE = re.compile(r"\.(?:png|jpe?g|gif|svg|webp|bmp|ico)(?:[?#].*)?$", re.I)


def _other_link_keys(meta: dict[str, Any], ctx: Context) -> list[LinkRecord]:
    """Links a fork names its own way (``bib: /papers/x.bib``, ``vurl: https://youtu.be/…``):
    any other key whose value is an address, its kind from the key's name, else the address."""
    known = {key for key, _ in _LINK_KEYS} | _NOT_LINK_KEYS
    found = []
    for key, value in meta.items():
        if not isinstance(key, str) or key.lower() in known or not isinstance(value, str):
            continue
        url = value.strip()
        if not _LINK_VALUE.match(url) or _IMAGE_VALUE.search(url):
            continue
        label = re.sub(r"_?(?:url|link|href)$", "", key.lower()) or key.lower()
        found.append(LinkRecord(kind=link_kind(label, url), url=ctx.absolute(url)))
    return found


def _abstract_from_body(body: str) -> str:
    """The body without the author line, 'Published in', download links and citation blocks."""
    text = re.sub(r"```.*?```", "", body, flags=re.S)
    text = re.split(
        r"<b>\s*Recommended citation|\*\*Recommended citation|Recommended citation:", text
    )[0]
    keep = []
    for para in re.split(r"\n\s*\n", text):
        plain = strip_markup(remove_links(para)).strip()
        if not plain or re.match(r"(?i)^(published in|download|bibtex)", plain):
            continue
        if looks_like_authors(para.split("<br")[0]) and "published in" in para.lower():
            continue
        if len(plain.split()) < 4:
            continue
        keep.append(para.strip())
    return "\n\n".join(keep)


def collection_talk(
    meta: dict[str, Any], body: str, ctx: Context, source_path: str
) -> TalkRecord | None:
    title = strip_markup(_s(meta, "title"))
    if not title:
        return None
    talk = TalkRecord(title=title, source=SourceRef(source_path, 1), key=source_path)
    talk.event = strip_markup(_s(meta, "venue", "event", "conference"))
    talk.location = strip_markup(_s(meta, "location"))
    when = date_of(meta.get("date"))
    talk.date = when[0] if when else None
    kind_text = _s(meta, "type", "talk_type")
    from labsite.importing.extract.lists import talk_kind

    talk.kind = talk_kind(kind_text) if kind_text else "talk"
    talk.url = ctx.absolute(_s(meta, "talkurl", "paperurl", "link", "url"))
    talk.slides_url = ctx.absolute(_s(meta, "slidesurl", "slides"))
    talk.video_url = ctx.absolute(_s(meta, "videourl", "video"))
    talk.description = body.strip()
    return talk


def collection_teaching(meta: dict[str, Any], body: str, source_path: str) -> TeachingRecord | None:
    course = strip_markup(_s(meta, "title", "course"))
    if not course:
        return None
    record = TeachingRecord(course=course, source=SourceRef(source_path, 1), key=source_path)
    record.role = strip_markup(_s(meta, "type", "role"))
    record.institution = strip_markup(_s(meta, "venue", "institution", "school"))
    record.term = strip_markup(_s(meta, "term", "semester"))
    record.year = year_of(meta.get("date")) or year_of(meta.get("year")) or year_of(record.term)
    if not record.term and isinstance(meta.get("date"), str):
        record.term = ""
    record.url = _s(meta, "url", "link", "courseurl")
    return record


def collection_news(meta: dict[str, Any], body: str, source_path: str) -> NewsRecord | None:
    """al-folio ``_news`` item: inline announcement text, else the title (linked to nothing)."""
    when = date_of(meta.get("date"))
    if not when:
        m = re.match(r"(\d{4}-\d{1,2}-\d{1,2})", source_path.rsplit("/", 1)[-1])
        when = date_of(m.group(1)) if m else None
    if not when:
        return None
    text = body.strip()
    inline = meta.get("inline")
    if not text or inline is False:
        text = strip_markup(_s(meta, "title")) or text
    if not strip_markup(text):
        return None
    return NewsRecord(
        date=when[0],
        text=text,
        precision=when[1],
        source=SourceRef(source_path, 1),
        key=source_path,
    )


def collection_project(
    meta: dict[str, Any], body: str, ctx: Context, source_path: str
) -> ProjectRecord | None:
    """al-folio ``_projects`` / academicpages ``_portfolio`` item."""
    title = strip_markup(_s(meta, "title"))
    if not title:
        return None
    record = ProjectRecord(title=title, source=SourceRef(source_path, 1), key=source_path)
    record.summary = _s(meta, "description", "excerpt", "summary")
    record.body = body.strip()
    image = _s(meta, "img", "image", "teaser", "thumbnail")
    header = meta.get("header")
    if not image and isinstance(header, dict):
        image = _s(header, "teaser", "image", "overlay_image")
    if image:
        record.figures.append(FigureRecord(src=image, path=_resolve_image(image, ctx)))
    record.figures.extend(figures_in(body, ctx))
    for key, kind in (("github", "code"), ("redirect", "website"), ("url", "website")):
        url = _s(meta, key)
        if url and re.match(r"^https?://", url):
            record.links.append(LinkRecord(kind=kind, url=url))
    when = date_of(meta.get("date"))
    record.start = when[0] if when else None
    importance = meta.get("importance")
    if isinstance(importance, int | float) and not isinstance(importance, bool):
        record.order = max(0, min(int(importance), 1_000_000))  # see projects_in_site_order
    return record


def projects_in_site_order(projects: list[ProjectRecord]) -> None:
    """Number one collection's projects (files in path order) in the order the site shows.

    al-folio's projects page sorts by ``importance`` (lower first, none last), then, as Jekyll
    lists a collection, by path; academicpages' portfolio is the collection in path order.
    The rank is stored as each record's ``order``.
    """
    ranked = sorted(
        enumerate(projects),
        key=lambda item: (item[1].order is None, item[1].order or 0, item[0]),
    )
    for rank, (_, record) in enumerate(ranked):
        record.order = rank


def _resolve_image(src: str, ctx: Context) -> Any:
    """Collection images are named relative to the site, or to its usual image folders."""
    for candidate in (src, f"assets/img/{src}", f"images/{src}", f"assets/images/{src}"):
        path = ctx.resolve("/" + candidate.lstrip("/"))
        if path is not None:
            return path
    return None
