"""The lines after a publication's title: authors, venue, year, links, awards, notes, status.

Each line is recognised by its shape, not its position, so an award line before the venue or
a missing author line does not derail the rest. :class:`Tail` reads them one at a time, each
step a small method; :func:`finish` turns what it gathered into the record's fields.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from labsite.importing.extract.authors import looks_like_authors, parse_authors
from labsite.importing.extract.common import (
    YEAR,
    Context,
    arxiv_date,
    arxiv_id,
    doi_of,
    find_links,
    normalise,
    parse_date_text,
    remove_links,
    strip_markup,
)
from labsite.importing.extract.venues import kind_of, reads_as_prose, split_venue, status_of
from labsite.importing.identity import compare_names
from labsite.importing.records import LinkRecord, PublicationRecord
from labsite.importing.shapes.spans import (
    authors_after_venue,
    authors_before_italic,
    authors_before_venue,
    authors_then_year,
    is_link_line,
    link_records,
    names_end,
    vancouver_names_end,
)
from labsite.importing.words import AWARD, AWARD_WORDS, FIELD_LABELS, NOTE_LINE

_AWARD = re.compile(AWARD, re.I)
_AWARD_WORDS = re.compile(AWARD_WORDS, re.I)
# An award set apart after the venue, in parentheses or bold: "**(Best Paper Award)**".
_AWARD_PART = re.compile(
    rf"(?:\*\*|__|<b>|<strong>)?\s*\(\s*((?:[^()]{{0,80}}?)(?:{AWARD})[^()]{{0,60}})\)\s*"
    r"(?:\*\*|__|</b>|</strong>)?\.?\s*$",
    re.I,
)
_NOTE_LINE = re.compile(NOTE_LINE, re.I)
_RED = re.compile(r"<span[^<>]{0,200}color\s*:\s*red[^<>]{0,200}>(.{1,300}?)</span>", re.I)
_BY = re.compile(r"^\s*by\s+(?=[^\W\d_*<])", re.I)
_LANGUAGE = re.compile(r"\s*\((in [A-Z][a-z]{2,20})\)[.,;]?\s*")
_LABEL = re.compile(r"\[([^\[\]]{2,40})\][.,;]?")
_YEAR_AT_END = re.compile(r"\b(?:19|20)\d\d\b")
_FIELD_LABEL = re.compile(
    rf"^\s*(?:\*\*|__|<b>|<strong>)?(?:{FIELD_LABELS})(?:\*\*|__|</b>|</strong>)?\s*[:：]"
    r"(?:\*\*|__|</b>|</strong>)?\s*",
    re.I,
)


@dataclass
class Tail:
    """What the lines after a title say, gathered line by line."""

    record: PublicationRecord
    ctx: Context
    links: list[LinkRecord] = field(default_factory=list)
    venue_lines: list[str] = field(default_factory=list)
    awards: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    status: str = ""

    def apply(self) -> None:
        """Venue, status, kind, award and note onto the record."""
        record = self.record
        apply_venue(record, self.venue_lines, self.notes)
        if self.status and not record.status:
            record.status = self.status
        if not record.kind and record.status in ("preprint", "under_review") and not record.venue:
            record.kind = "preprint"
        record.award = "; ".join(filter(None, self.awards))
        record.note = ", ".join(filter(None, self.notes))

    def read(self, line: str) -> None:
        line = _FIELD_LABEL.sub("", line, count=1)  # "Authors: A. Lee, B. Owner"
        if not strip_markup(line) and not find_links(line):
            return
        rest = self._authors(line)
        if rest is None:
            return
        if is_link_line(rest):
            self.links.extend(link_records(rest, self.ctx))
            return
        rest = self._red(rest)
        if rest is not None:
            self._body(rest)

    def _authors(self, line: str) -> str | None:
        """The author list, when this line holds it; what is left of the line (None: all)."""
        record = self.record
        if record.authors:
            return line
        line = _BY.sub("", line, count=1)  # "[Title](…) by A. Lee, B. Owner. *Venue*"
        if self.venue_lines:  # the venue line came first, then the authors
            if authors_after_venue(line):
                record.authors = parse_authors(line)
                return None
            return line
        venue_at = authors_before_italic(line)  # "A, B, **Owner**, *Venue*, 2023"
        if venue_at:
            record.authors = parse_authors(line[:venue_at].rstrip(" ,"))
            return line[venue_at:].lstrip(" ,")
        if looks_like_authors(line):
            record.authors = parse_authors(line)
            return None
        # "A. Lovelace, B. Smith. NeurIPS 2023"; "**B. Owner**. PhD thesis"; "Brenn T, Ortl I."
        split = vancouver_names_end(line) or names_end(line)
        if split and (
            looks_like_authors(line[: split.start()], single_ok=True)
            or self._owner_alone(line[: split.start()])
        ):
            record.authors = parse_authors(line[: split.start()])
            return line[split.end() :]
        dated = authors_then_year(line)  # "A. Lovelace, **B. Owner** (2023). *Venue*"
        if dated:
            names, year, rest = dated
            record.authors = parse_authors(names)
            if record.year is None:
                record.year = year
            return rest
        venue_at = authors_before_venue(line)  # "A. Lovelace, **B. Owner**, NeurIPS 2023"
        if venue_at:
            record.authors = parse_authors(line[:venue_at].rstrip(" ,"))
            return line[venue_at:]
        return line

    def _owner_alone(self, names: str) -> bool:
        """ "Ana Ruiz. Thèse de doctorat" on Ana Ruiz's page: the owner's name, alone."""
        plain = strip_markup(names).strip()
        return bool(plain) and any(compare_names(plain, owner) for owner in self.ctx.owner_names)

    def _red(self, line: str) -> str | None:
        """A span in red: an award, a presentation note, or a ranking ("CCF-A")."""
        red = _RED.search(line)
        if not red:
            return line
        text = strip_markup(red.group(1)).replace("🏆", "").strip(" !")
        if _NOTE_LINE.match(text.strip(" ()")):
            self.notes.append(text.strip(" ()"))
        elif _AWARD_WORDS.search(red.group(1)) or len(text.split()) > 3:
            self.awards.append(text)
        else:
            self.notes.append(text)
        line = line.replace(red.group(0), " ").replace("🏆", " ")
        return line if strip_markup(line) else None

    def _body(self, line: str) -> None:
        """An award, a note, a status or a venue line (with its links)."""
        language = _LANGUAGE.match(strip_markup(remove_links(line)))
        if language:  # "(in Spanish). *Actas del Simposio*": the paper's language, a note
            self.notes.append(language.group(1))
            line = line.replace(language.group(0).strip(), "", 1)
        award = _AWARD_PART.search(line)  # "IJCKG, 2021. **(Best Paper Award)**": both
        if award and re.search(r"[^\W\d_]", strip_markup(remove_links(line[: award.start()]))):
            self.awards.append(strip_markup(award.group(1)).strip(" *()"))
            line = line[: award.start()] + line[award.end() :]
        body = strip_markup(remove_links(line)).strip()
        bare = body.strip(" ()[],.;:|")
        if _AWARD.search(body) and not _YEAR_AT_END.search(bare[-6:] or "x"):
            self.awards.append(body.replace("🏆", "").strip(" *"))
        elif _NOTE_LINE.match(bare):
            self.notes.append(bare)
            return
        elif status_of(bare) == "under_review" and len(bare.split()) <= 8:
            self.status = "under_review"  # "Under review, 2025": the year still counts
            years = YEAR.findall(bare)
            if years and self.record.year is None:
                self.record.year = int(years[-1])
            return
        elif label := _LABEL.fullmatch(body):  # "**[Book Chapter]**": a label, not a venue
            label = label.group(1).strip()
            kind, status = kind_of(label), status_of(label)
            if kind and not self.record.kind:
                self.record.kind = kind
            if status:
                self.status = status
            if not (kind or status):
                self.notes.append(label)
        elif bare:
            self.venue_lines.append(remove_links(line))
        self.links.extend(link_records(line, self.ctx))


def finish(
    record: PublicationRecord,
    ctx: Context,
    selected: bool,
    authors_text: str,
    url: str,
    more: list[str],
) -> PublicationRecord | None:
    """Authors, venue, year, links, awards and notes from the lines after the title; None when
    nothing says this is a publication (a lone linked line such as "Google Scholar Page")."""
    record.selected = selected
    if authors_text:
        record.authors = parse_authors(authors_text)
    tail = Tail(record, ctx)
    for line in more:
        tail.read(line)
    tail.apply()
    record.links = _links(tail.links, url, ctx)
    _identifiers(record, " ".join([url, *[link.url for link in record.links], *more]))
    if record.arxiv_id and not (record.venue or record.kind):
        record.kind = "preprint"  # "Names, [Title](arxiv.org/abs/…)": on arXiv, nowhere else yet
        record.status = record.status or "preprint"
    if (
        not record.authors
        and record.year is None
        and (not record.venue or reads_as_prose(record.venue))
    ):
        return None  # "**A full list is on my profile**. It is often stale.": prose
    return record


def _links(links: list[LinkRecord], url: str, ctx: Context) -> list[LinkRecord]:
    """The entry's links, the title's own first, each address once."""
    if url and not url.startswith("#"):  # "[Title](#)": no address yet
        kind = "arxiv" if "arxiv.org" in url else "paper"
        title_link = LinkRecord(kind=kind, url=ctx.absolute(url))
        if not any(link.url == title_link.url or link.kind == kind for link in links):
            links.insert(0, title_link)
    seen: set[str] = set()
    return [link for link in links if not (link.url in seen or seen.add(link.url))]


def _identifiers(record: PublicationRecord, everything: str) -> None:
    record.arxiv_id = arxiv_id(everything)
    record.doi = doi_of(everything)
    record.key = normalise(record.title)[:200]
    if record.year is None and record.arxiv_id:
        dated = arxiv_date(record.arxiv_id)  # "arXiv preprint arXiv:2406.04307" and no year
        if dated:
            record.year, record.month = dated


def apply_venue(record: PublicationRecord, venue_lines: list[str], notes: list[str]) -> None:
    """Fill venue, year, month, status, kind and short venue from the venue line(s)."""
    parts: list[str] = []
    for line in venue_lines:
        parts.extend(p for p in re.split(r"\s+\|\s+|\s*\|\s*(?=\*)", line) if p.strip())
    main = ""
    for part in parts:
        plain = strip_markup(part).strip(" ,.;()")
        if not plain:
            continue
        if re.fullmatch(r"(?:19|20)\d\d[a-z]?", plain):  # "(2019)." after the names: a year
            if record.year is None:
                record.year = int(plain[:4])
            continue
        if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}|\d{4}-\d{1,2}", plain):
            parsed = parse_date_text(plain)
            if parsed and record.year is None:
                record.year, record.month = parsed[0].year, parsed[0].month
            continue
        if re.search(r"\barxiv\b", plain, re.I) and main:
            continue
        if not main:
            main = part
    if not main:
        return
    venue = split_venue(main)
    record.venue = venue.venue
    record.short_venue = venue.short
    if venue.year is not None:
        record.year = venue.year
        record.month = venue.month
    record.status = venue.status
    record.kind = venue.kind or venue.guess
    if venue.note:
        notes.append(venue.note)
