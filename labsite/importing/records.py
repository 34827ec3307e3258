"""What the pure steps of the import produce and the loader consumes.

These dataclasses are the seam between *understanding* a homepage (read, repair, parse,
extract: pure functions, tested on literal strings) and *writing* it (load: the database).
Nothing here touches Django models; values use the models' choice values as plain strings
(``people.models.SectionKind``, ``publications.models.PublicationKind`` / ``LinkKind``,
``people.models.TalkKind``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

#: A record read with less confidence than this is flagged "needs review" for its owner.
UNSURE_BELOW = 0.8
#: Confidence levels as the report and the admin name them: ``(lowest score, name)``.
CONFIDENCE_LEVELS = ((0.8, "high"), (0.5, "medium"), (0.0, "low"))


class Doubtful(Protocol):
    """Any record below: it carries how sure the reader was."""

    confidence: float
    doubts: list[str]


def doubt(record: Doubtful, reason: str, confidence: float = 0.5) -> None:
    """Note that the reader guessed at ``record``: ``reason`` says what, in a few words.

    The record's confidence becomes at most ``confidence`` (0 … 1); each reason is kept once,
    so a step may run twice. Readers and entry shapes call this where they guess (a shape whose
    score is low passes that score); the loader flags what ends up below :data:`UNSURE_BELOW`.
    """
    record.confidence = max(0.0, min(record.confidence, confidence))
    reason = " ".join(reason.split())
    if reason and reason not in record.doubts:
        record.doubts.append(reason)


def shape_score(record: Doubtful, shape: str, score: float) -> None:
    """What an entry shape's ``score`` (0 … 1) says of the record it parsed.

    A score at or above :data:`UNSURE_BELOW` is a sure reading and changes nothing; a lower one
    becomes the record's confidence, with the shape named in the reason the owner reads.
    """
    if score < UNSURE_BELOW:
        doubt(record, f"read as {shape} with a weak match ({score:.2f})", score)


def is_unsure(record: Doubtful) -> bool:
    return record.confidence < UNSURE_BELOW


def review_reason(record: Doubtful) -> str:
    """Why the record needs its owner's look (``""`` when the reader was sure)."""
    if not is_unsure(record):
        return ""
    return "; ".join(record.doubts) or f"read with {confidence_level(record.confidence)} confidence"


def confidence_level(confidence: float) -> str:
    """``"high"``, ``"medium"`` or ``"low"``."""
    return next(name for floor, name in CONFIDENCE_LEVELS if confidence >= floor)


@dataclass(frozen=True)
class SourceRef:
    """Where a record came from: a file (relative to the import root) and a 1-based line."""

    path: str
    line: int = 1

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


#: The author that stands for the names a list leaves out ("and others", "et al.").
ET_AL = "et al."


@dataclass
class AuthorRecord:
    name: str  # as printed, markup removed: "Lena Varkonyi"
    is_owner: bool = False  # highlighted in the source (<u>, **, <b>, <strong>) or the site owner
    equal_contribution: bool = False  # *, \*, <sup>*</sup>, †
    corresponding: bool = False
    url: str = ""  # a linked author name


@dataclass
class LinkRecord:
    kind: str  # a publications.models.LinkKind value: paper, pdf, code, arxiv, slides, …
    url: str
    label: str = ""  # the text as written when it is not just the kind ("Supplementary")


@dataclass
class PublicationRecord:
    title: str
    authors: list[AuthorRecord] = field(default_factory=list)
    venue: str = ""
    short_venue: str = ""
    year: int | None = None
    month: int | None = None
    kind: str = ""  # a PublicationKind value, or "" when the source does not say
    status: str = ""  # a PublicationStatus value, or ""
    doi: str = ""
    arxiv_id: str = ""
    abstract: str = ""  # markdown
    award: str = ""
    note: str = ""  # "Spotlight Presentation", "Oral"
    links: list[LinkRecord] = field(default_factory=list)
    selected: bool = False  # shown on the owner's homepage ("Selected Publications", bib selected)
    bibtex: str = ""  # the entry as written in a .bib file
    volume: str = ""
    number: str = ""
    pages: str = ""
    publisher: str = ""
    source: SourceRef = field(default_factory=lambda: SourceRef(""))
    key: str = ""  # stable within the source: a bib key, a file name, or a normalised title
    # How sure the reader was (1.0: sure) and what it guessed: see :func:`doubt`.
    confidence: float = 1.0
    doubts: list[str] = field(default_factory=list)


@dataclass
class NewsRecord:
    date: datetime.date
    text: str  # markdown, with the date prefix removed and emoji kept
    precision: str = "day"  # "day", "month" or "year": how much of the date the source gave
    source: SourceRef = field(default_factory=lambda: SourceRef(""))
    key: str = ""
    # How sure the reader was (1.0: sure) and what it guessed: see :func:`doubt`.
    confidence: float = 1.0
    doubts: list[str] = field(default_factory=list)


@dataclass
class HonorRecord:
    title: str
    year: int | None = None
    detail: str = ""
    url: str = ""
    source: SourceRef = field(default_factory=lambda: SourceRef(""))
    key: str = ""
    # How sure the reader was (1.0: sure) and what it guessed: see :func:`doubt`.
    confidence: float = 1.0
    doubts: list[str] = field(default_factory=list)


@dataclass
class TalkRecord:
    title: str
    event: str = ""
    date: datetime.date | None = None
    location: str = ""
    kind: str = "talk"  # a TalkKind value
    url: str = ""
    slides_url: str = ""
    video_url: str = ""
    description: str = ""  # markdown
    source: SourceRef = field(default_factory=lambda: SourceRef(""))
    key: str = ""
    # How sure the reader was (1.0: sure) and what it guessed: see :func:`doubt`.
    confidence: float = 1.0
    doubts: list[str] = field(default_factory=list)


@dataclass
class TeachingRecord:
    course: str
    role: str = ""
    institution: str = ""
    term: str = ""
    year: int | None = None
    url: str = ""
    source: SourceRef = field(default_factory=lambda: SourceRef(""))
    key: str = ""
    # How sure the reader was (1.0: sure) and what it guessed: see :func:`doubt`.
    confidence: float = 1.0
    doubts: list[str] = field(default_factory=list)


@dataclass
class CollaboratorRecord:
    name: str
    url: str = ""


@dataclass
class FigureRecord:
    src: str  # as written in the page: "assets/fig/demo/overview.png"
    path: Path | None = None  # resolved file inside the site folder, None when not found
    alt: str = ""
    caption: str = ""
    display_width: int | None = None  # from width="400"


@dataclass
class MediaRef:
    """An image a write-up names by a relative address, found in the site folder."""

    src: str  # as written: "images/foo.png"
    path: Path  # the file inside the site folder
    fallback: str = ""  # its address on the original site ("" when _config.yml has no url)


@dataclass
class ProjectRecord:
    title: str
    summary: str = ""  # markdown
    body: str = ""  # markdown: the full write-up ("Read More" post, or an al-folio project page)
    collaborators: list[CollaboratorRecord] = field(default_factory=list)
    figures: list[FigureRecord] = field(default_factory=list)
    read_more: str = ""  # the link as written, e.g. "_posts/2024-04-03-asymml.md"
    start: datetime.date | None = None
    end: datetime.date | None = None
    source: SourceRef = field(default_factory=lambda: SourceRef(""))
    key: str = ""
    links: list[LinkRecord] = field(default_factory=list)  # "[[Paper]](…)[[Code]](…)" on a project
    media: list[MediaRef] = field(default_factory=list)  # body images to store as media
    # The place the site gives it among its projects (a collection's sort); None: its place on
    # the page it is listed on.
    order: int | None = None
    write_up: str = ""  # the ``_posts`` file its "Read More" names, when found ("_posts/…md")

    # How sure the reader was (1.0: sure) and what it guessed: see :func:`doubt`.
    confidence: float = 1.0
    doubts: list[str] = field(default_factory=list)


@dataclass
class PostRecord:
    """A blog post (``_posts/YYYY-MM-DD-slug.md``): academicpages', al-folio's, any Jekyll's."""

    title: str
    date: datetime.date
    slug: str = ""  # from the file name: "2024-04-03-asymml.md" → "asymml"
    body: str = ""  # markdown
    excerpt: str = ""
    tags: list[str] = field(default_factory=list)  # tags and categories, in that order
    published: bool = True  # front matter ``published: false`` is a draft
    permalink: str = ""
    redirect_from: list[str] = field(default_factory=list)
    media: list[MediaRef] = field(default_factory=list)  # body images to store as media
    source: SourceRef = field(default_factory=lambda: SourceRef(""))
    key: str = ""


@dataclass
class SectionRecord:
    """One section of a homepage, in source order: prose, or the heading of a typed list."""

    title: str
    kind: str = "prose"  # a people.models.SectionKind value
    body: str = ""  # markdown for prose; an introduction for lists (may be "")
    source: SourceRef = field(default_factory=lambda: SourceRef(""))
    # How sure the reader was (a list kept as prose because no shape fit it, say): see doubt().
    confidence: float = 1.0
    doubts: list[str] = field(default_factory=list)


@dataclass
class ProfileRecord:
    """The page owner as a site tells of them (``_config.yml`` author block, front matter)."""

    name: str = ""
    aliases: list[str] = field(default_factory=list)
    position: str = ""
    affiliation: str = ""
    location: str = ""
    email: str = ""
    bio: str = ""  # markdown
    website: str = ""
    google_scholar: str = ""
    github: str = ""
    orcid: str = ""
    linkedin: str = ""
    twitter: str = ""
    cv: str = ""
    avatar: FigureRecord | None = None


@dataclass
class PageRecord:
    """Everything understood from one source file (a page, a post, a .bib, a collection item)."""

    source: SourceRef
    title: str = ""
    owner_names: list[str] = field(default_factory=list)  # names the page says are its owner's
    permalink: str = ""
    redirect_from: list[str] = field(default_factory=list)
    sections: list[SectionRecord] = field(default_factory=list)
    publications: list[PublicationRecord] = field(default_factory=list)
    news: list[NewsRecord] = field(default_factory=list)
    honors: list[HonorRecord] = field(default_factory=list)
    talks: list[TalkRecord] = field(default_factory=list)
    teaching: list[TeachingRecord] = field(default_factory=list)
    projects: list[ProjectRecord] = field(default_factory=list)
    posts: list[PostRecord] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # A CV source's degrees, positions and service roles (the CV page, resume.json, cv.yml)
    cv_entries: list[CVEntryRecord] = field(default_factory=list)


@dataclass
class SiteRecord:
    """One import unit: a Jekyll site folder, or loose pages, with the owner when it is known."""

    root: Path
    profile: ProfileRecord = field(default_factory=ProfileRecord)
    pages: list[PageRecord] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # "path:line: message", one per bad file


@dataclass
class CVEntryRecord:
    """A degree, a position or a service role from a CV source (people.models.CVEntry)."""

    kind: str  # a CVKind value: education, experience, service
    title: str
    organization: str = ""
    location: str = ""
    start_year: int | None = None
    end_year: int | None = None
    detail: str = ""
    source: SourceRef = field(default_factory=lambda: SourceRef(""))
    key: str = ""
    # How sure the reader was (1.0: sure) and what it guessed: see :func:`doubt`.
    confidence: float = 1.0
    doubts: list[str] = field(default_factory=list)
