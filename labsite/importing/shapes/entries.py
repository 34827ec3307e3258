"""The ways a publication entry is written, one small class each.

Every shape scores an entry (how sure it is it can read it) and parses it; the best score
wins, and below :data:`~labsite.importing.shapes.base.THRESHOLD` the entry stays prose.
"""

from __future__ import annotations

import re

from labsite.importing.extract.authors import looks_like_authors
from labsite.importing.extract.common import (
    find_links,
    link_kind,
    remove_links,
    strip_markup,
    word_count,
)
from labsite.importing.extract.venues import kind_of, status_of
from labsite.importing.records import PublicationRecord, SourceRef
from labsite.importing.shapes.base import Entry, Reader
from labsite.importing.shapes.spans import (
    apa_citation,
    authors_before_italic,
    authors_before_venue,
    is_link_line,
    linked_title,
    plain_citation,
    sentence_title_before_italic,
    title_first_citation,
    title_span,
    vancouver_citation,
)
from labsite.importing.shapes.tail import finish
from labsite.importing.words import LEGEND, METRIC_WORDS, ROLE_WORDS

# A line that is all title: bold, linked or plain, with a mark or a presentation note after it.
_WHOLE_SPAN = re.compile(
    r"(?:\*\*|__|<b>|<strong>)?\s*(?:\[.{2,800}\]\([^()\s]{1,1000}\)|[^\[\]]{2,800}?)\s*"
    r"(?:\*\*|__|</b>|</strong>)?[\s†‡*✉⭑\\]*(?:\((?:spotlight|oral|poster)[^()]{0,40}\))?",
    re.I,
)
_MAX_TITLE_LINE = 1200


def _whole_span(line: str) -> bool:
    """Is the line all title? Runs of spaces are one space first: the pattern's neighbouring
    ``\\s*`` would otherwise try every split of a long run (cubic time on hostile text)."""
    line = re.sub(r"\s+", " ", line.strip())
    return len(line) <= _MAX_TITLE_LINE and bool(_WHOLE_SPAN.fullmatch(line))


_TAG = re.compile(r"^\[(spotlight|oral|poster|workshop|highlight)\]\s*", re.I)
# A linked title, then the venue on the same line: "[Title](…), *Journal of Sand*, 2023, 12".
_VENUE_AFTER_LINK = re.compile(
    r"^\s*(?:\*\*|__)?\[[^\[\]]{2,800}\]\([^()\s]{1,1000}\)(?:\*\*|__)?\s*[,;–—-]\s*(\S.{2,600})$"
)
# A venue and year in parentheses after a title line: "**Title** (ICLR 2021)".
_VENUE_IN_TITLE = re.compile(r"\s*\(([^()]{0,80}\b(?:19|20)\d\d\b[^()]{0,40})\)\s*$")
_NOTE_IN_TITLE = re.compile(r"\((spotlight|oral|poster)[^()]{0,40}\)", re.I)
_METRIC = re.compile(METRIC_WORDS, re.I)
_LEGEND = re.compile(LEGEND, re.I)
_ROLE = re.compile(ROLE_WORDS, re.I)
_DATE_RANGE = re.compile(
    r"(?:19|20)\d\d(?:[./-]\d{1,2})?\s*(?:[-–—~]|\bto\b)\s*(?:(?:19|20)\d\d|present|now|today)",
    re.I,
)


_RED_MARK = re.compile(r"<span[^<>]{0,200}color\s*:\s*red[^<>]{0,200}>.{1,300}?</span>", re.I)


def _red_marks(line: str) -> tuple[str, list[str]]:
    """A title line without its red marks (an award, "Oral"), and the marks for the tail."""
    marks = _RED_MARK.findall(line)
    return (_RED_MARK.sub(" ", line).strip() if marks else line), marks


def _record(title: str, entry: Entry, reader: Reader) -> PublicationRecord:
    return PublicationRecord(
        title=_unquoted(title), source=SourceRef(reader.source_path, entry.item.line)
    )


# A title wrapped whole in quotes ("'Sand at night'", "“Sand at night.”"): the quotes are the
# list's way of printing titles, not part of the title.
_WRAPPING_QUOTES = re.compile(r"^\s*(['\"‘“«])(.{3,}?)[.,]?(['\"’”»])[.,]?\s*$", re.S)
_PAIRS = {"'": "'", '"': '"', "‘": "’", "“": "”", "«": "»"}


def _unquoted(title: str) -> str:
    found = _WRAPPING_QUOTES.match(title)
    if found is None or _PAIRS[found.group(1)] != found.group(3):
        return title
    inner = found.group(2).strip()
    return title if any(q in inner for q in (found.group(1), found.group(3))) else inner


class Vancouver:
    """``Brook A, Carr BC, **Dunn C**. Title. Journal. 2020;5(2):10-20.`` (PubMed)."""

    name = "vancouver"

    def score(self, entry: Entry) -> float:
        return 0.9 if vancouver_citation(entry.first) and not apa_citation(entry.first) else 0

    def parse(self, entry: Entry, reader: Reader) -> PublicationRecord | None:
        found = vancouver_citation(entry.first)
        if found is None:
            return None
        authors, title, after = found
        more = [p for p in after.split("\n") if p.strip(" .;")]
        record = _record(title, entry, reader)
        more = [*more, *entry.rest, *entry.hints]
        return finish(record, reader.ctx, reader.selected, authors, "", more)


class Apa:
    """``Last, F. M., & Last, F. (2023). Title. *Venue*, 18(2), e1.``"""

    name = "apa"

    def score(self, entry: Entry) -> float:
        return 0.92 if apa_citation(entry.first) else 0

    def parse(self, entry: Entry, reader: Reader) -> PublicationRecord | None:
        found = apa_citation(entry.first)
        if found is None:
            return None
        authors, title, year, after = found
        record = _record(title, entry, reader)
        more = [after, *entry.rest, *entry.hints]
        done = finish(record, reader.ctx, reader.selected, authors, "", more)
        if done is not None and done.year is None:
            done.year = int(year)
        return done


class Stacked:
    """A title line (bold, linked or plain), then author, venue, award and link lines."""

    name = "stacked"

    def score(self, entry: Entry) -> float:
        first = entry.first
        if not entry.rest or not _whole_span(first):
            return 0
        if looks_like_authors(first, single_ok=False) and not any(
            looks_like_authors(line, single_ok=False)
            or authors_before_italic(line)
            or authors_before_venue(line)
            for line in entry.rest[:2]
        ):
            return 0  # the names come first; "Sand and Wind" over a name line is a title
        if is_link_line(first) and not linked_title(first) and not _short_linked_title(entry):
            return 0  # "[Paper] [Code]": the links of an entry, not its title
        return 0.8

    def parse(self, entry: Entry, reader: Reader) -> PublicationRecord | None:
        first, marks = _red_marks(entry.first)  # "**Title** <span color:red>Best Paper</span>"
        links = find_links(first)
        title = strip_markup(remove_links(first)) if not links else links[0][0]
        after = _VENUE_AFTER_LINK.match(first)  # "[Title](…), *Journal*, 2023, 12, 101."
        line_venue = (
            after.group(1) if after and re.search(r"[^\W\d_]", strip_markup(after[1])) else ""
        )
        if line_venue:
            title = links[0][0]
        elif links and len(strip_markup(remove_links(first)).strip(" †‡*\\")) > 3:
            title = strip_markup(first)
        url = links[0][1] if links else ""
        title = title.strip(" †‡*✉⭑\\").rstrip(".").strip()
        notes: list[str] = []
        tag = _TAG.match(title)
        if tag:
            notes.append(f"({tag.group(1)})")
            title = title[tag.end() :]
        note = _NOTE_IN_TITLE.search(title)
        if note:
            notes.append(note.group(0))
            title = title.replace(note.group(0), "").strip()
        venue = _VENUE_IN_TITLE.search(title)  # "**Title** (ICLR 2021)"
        if venue and word_count(title[: venue.start()]) >= 2:
            title = title[: venue.start()].strip()
        if not title:
            return None
        more = [*entry.rest, *entry.hints, *notes, *marks, *([venue.group(1)] if venue else [])]
        if line_venue:
            more.insert(0, line_venue)
        return finish(_record(title, entry, reader), reader.ctx, reader.selected, "", url, more)


def _short_linked_title(entry: Entry) -> bool:
    """``[Unfolding Cranes](…)`` over an author line: a title of two words, not a link's
    label ("[Project Page]" names a kind of link)."""
    links = find_links(entry.first)
    if len(links) != 1 or word_count(links[0][0]) != 2 or not entry.rest:
        return False
    label = links[0][0]
    if link_kind(label, "") != "other" or looks_like_authors(label):
        return False
    return looks_like_authors(entry.rest[0].split("(")[0].split(". (")[0], single_ok=True)


class Citation:
    """One line: ``A. Author, **B. Owner**. "Title." **Venue 2023**`` or
    ``Authors. [*Title*](…), Venue, 2022.`` — the title is quoted, linked or emphasised."""

    name = "citation"

    def score(self, entry: Entry) -> float:
        span = title_span(entry.first)
        if span is None:
            return 0
        # "Names. Plain title. *Venue*": the italic span is the venue, the title before it
        start = sentence_title_before_italic(entry.first, span)[2]
        return 0.7 if _authors_before(entry.first, start) else 0.3

    def parse(self, entry: Entry, reader: Reader) -> PublicationRecord | None:
        span = title_span(entry.first)
        return _one_line(entry, reader, span) if span else None


class PlainCitation:
    """``A. Author, B. Owner. A title in plain text. Venue, 2022.`` — no markup at all; or the
    title first: ``A title in plain text. A. Author, B. Owner. Venue, 2022.``"""

    name = "plain"

    def score(self, entry: Entry) -> float:
        if title_span(entry.first) is not None:
            return 0  # a quoted, linked or emphasised title is the citation shape's
        if plain_citation(entry.first) is None and title_first_citation(entry.first) is None:
            return 0
        return 0.6

    def parse(self, entry: Entry, reader: Reader) -> PublicationRecord | None:
        span = plain_citation(entry.first)
        if span:
            return _one_line(entry, reader, span)
        found = title_first_citation(entry.first)
        if found is None:
            return None
        title, authors, after = found
        more = [after, *entry.rest, *entry.hints]
        return finish(_record(title, entry, reader), reader.ctx, reader.selected, authors, "", more)


# The year between the names and the title (Chicago's author-date: ``Lind, T. 2021. "Title."``).
_HEAD_YEAR = re.compile(r"[.,]?\s*\(?((?:19|20)\d\d)[a-z]?\)?[.,:]?\s*$")


# A bracketed phrase right after the title, not a link: the title in another language.
_TRANSLATION = re.compile(r"\[([^\[\]]{3,300})\](?!\()[.,]?\s*")


def _names_text(text: str) -> str:
    """The names before a title without the punctuation that ends them, an initial's full stop
    kept ("Vance, Y." stays "Vance, Y.")."""
    text = text.strip().rstrip(",:").rstrip()
    if text.endswith(".") and not re.search(r"(?:^|[\s.-])[A-Z]\.$", text):
        text = text[:-1]
    return text.rstrip(",: ")


def _is_label(text: str) -> bool:
    """ "Preprint", "Book chapter", "Under review": a label of the entry, not a translation."""
    return bool(kind_of(text) or status_of(text))


def _authors_before(line: str, start: int) -> bool:
    """Names (or nothing) before the title: not prose that happens to hold a link."""
    head = _HEAD_YEAR.sub("", line[:start].strip()).strip().rstrip(".,:")
    return not re.search(r"\w", strip_markup(head)) or looks_like_authors(head)


def _one_line(
    entry: Entry, reader: Reader, span: tuple[str, str, int, int]
) -> PublicationRecord | None:
    first = entry.first
    title, url, start, end = sentence_title_before_italic(first, span)
    if not _authors_before(first, start):
        return None
    authors = _names_text(first[:start])
    year = _HEAD_YEAR.search(authors) if re.search(r"\w", authors) else None
    if year:
        authors = authors[: year.start()].strip().rstrip(".,:")
    after = first[end:].strip().lstrip(".,:").strip()
    translated = _TRANSLATION.match(after)  # '"Os Widgets" [The Widgets]. *Revista*': the
    if translated and not _is_label(translated.group(1)):  # title's translation, shown with it
        title = f"{title} [{translated.group(1).strip()}]"
        after = after[translated.end() :]
    if not title or (word_count(title) < 2 and not entry.rest):
        return None
    more = [*([after] if after else []), *entry.rest, *entry.hints]
    record = _record(title, entry, reader)
    done = finish(record, reader.ctx, reader.selected, authors, url, more)
    if done is not None and done.year is None and year:
        done.year = int(year.group(1))
    return done


def not_a_publication(entry: Entry) -> bool:
    """Entries of a publication list that no shape should read: a line about the list's
    citation counts, the legend of its marks, an education or experience entry."""
    return _metric_line(entry) or _legend(entry) or _role_entry(entry) or _no_words(entry.first)


def _no_words(first: str) -> bool:
    """ "2024", "2024 (5 publications)": a heading of the list, never a paper's title."""
    plain = re.sub(
        r"\b(?:publications?|papers?|items?|articles?)\b", "", strip_markup(first), flags=re.I
    )
    return not re.search(r"[^\W\d_]", plain)


def _legend(entry: Entry) -> bool:
    """ "* denotes equal contribution", "+ corresponding author": what the list's marks mean."""
    return all(_LEGEND.search(strip_markup(line)) or not line.strip() for line in entry.lines)


def _metric_line(entry: Entry) -> bool:
    """ "Publication impact: 900 citations according to Google Scholar": about the list. (Its
    first line says so: a paper's remark under its citation, "Highly cited", does not.)"""
    text = strip_markup(remove_links(entry.first))
    return bool(_METRIC.search(text)) and not re.search(r"\*\*|<b>|<strong>|<u>", entry.first)


def _role_entry(entry: Entry) -> bool:
    """A role or degree over an institution and a date range (education, experience)."""
    title = strip_markup(entry.first)
    ranged = any(_DATE_RANGE.search(strip_markup(line)) for line in entry.rest)
    if not ranged:
        return False
    return bool(_ROLE.search(title)) or not any(
        looks_like_authors(line, single_ok=False) for line in entry.rest
    )


SHAPES = [Apa(), Vancouver(), Stacked(), Citation(), PlainCitation()]
