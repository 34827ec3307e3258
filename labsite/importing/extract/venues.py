"""Venues as people print them: "NeurIPS 2023", "_ICML 2022, JMLR 2023_",
"Transactions on Machine Learning Research 2023", "Published in *Nature*, 2024".

:func:`split_venue` returns the venue without its year, the year and month, a presentation
note ("Spotlight"), a status ("accepted", "under_review", "preprint") and a short name.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from labsite.importing.extract.common import MONTH_RE, MONTHS, YEAR, strip_markup
from labsite.importing.words import (
    CONFERENCE_WORDS,
    JOURNAL_ACRONYMS,
    JOURNAL_WORDS,
    PREPRINT_WORDS,
    RANK_LABELS,
    THESIS_WORDS,
    VENUE_ACRONYMS,
    VENUE_LEAD,
    VENUE_LONG_NAMES,
    WORKSHOP_WORDS,
)

_ACRONYMS = VENUE_ACRONYMS
_ACRONYM_RE = re.compile(
    r"(?<![A-Za-z])("
    + "|".join(re.escape(a) for a in sorted(_ACRONYMS, key=len, reverse=True))
    + r")(?![A-Za-z])"
)

_NOTE = re.compile(
    r"[(\[]\s*((?:long |short )?(?:spotlight|oral|poster|highlight|contributed talk|invited talk)"
    r"[^()\[\]]{0,80})[)\]]",
    re.I,
)
# A presentation written after the venue's year: "NeurIPS 2022 Spotlight", "ICML 2021, oral".
_PRESENTATION = r"(?:long |short )?(?:spotlight|oral|poster)(?: presentation| paper| talk)?"
_NOTE_AT_END = re.compile(rf"(?<=\d)[\s,;:–—-]+({_PRESENTATION})[\s.!]*$", re.I)
# …or before it: "NeurIPS spotlight, 2025".
_NOTE_BEFORE_YEAR = re.compile(
    rf"(?<=[^\W\d_])\s+({_PRESENTATION})(?=[\s,;]+(?:19|20)\d\d\W*$)", re.I
)
# A remark on the author list printed with the venue: "(alphabetical order)", "(equal
# contribution)", glued to the year or not ("ICML, 2018(equal contribution)").
_ORDER_REMARK = re.compile(
    r"\(\s*(?:\\?\*\s*)?((?:authors?\s+(?:are\s+)?(?:listed\s+)?(?:in\s+)?)?alphabetical(?:ly)?"
    r"(?:\s+order(?:ing)?)?|equal(?:ly)?\s+contribut\w*|co-?first\s+authors?)[^()]{0,40}\)",
    re.I,
)
_NOTE_WORDS = re.compile(
    r"\b(spotlight|oral|poster presentation|highlight|contributed talk|invited talk|"
    r"top \d+(?:\.\d+)?\s?%)",
    re.I,
)
_REVIEW = r"(?:under (?:conference |journal )?review|submitted)"
_STATUS = [
    (r"^\s*(?:to appear|forthcoming)(?:\s+(?:in|at|on))?\b[\s:,]*", "accepted"),
    (r"^\s*accepted(?:\s+(?:at|to|in|by))?\b[\s:,]*", "accepted"),
    (r"^\s*" + _REVIEW + r"(?:\s+(?:at|to))?\b[\s:,]*", "under_review"),
    (r"^\s*in (?:press|submission)\b[\s:,]*", "accepted"),
]
_STATUS_ANYWHERE = [
    (r"\bunder (?:conference |journal )?review\b|\bsubmitted\b|\bin submission\b", "under_review"),
    (r"\bto appear\b|\baccepted\b|\bforthcoming\b|\bin press\b", "accepted"),
    (r"\bpreprint\b|\barxiv\b|\bbiorxiv\b|\bmedrxiv\b|\bssrn\b|\bworking paper\b", "preprint"),
]


@dataclass
class Venue:
    venue: str = ""
    year: int | None = None
    month: int | None = None
    note: str = ""
    status: str = ""
    short: str = ""
    kind: str = ""
    #: The kind its name suggests when its words say none ("Natural Hazards": a journal),
    #: weaker than anything else the source says (a ``booktitle:`` key).
    guess: str = ""


def status_of(text: str) -> str:
    for pattern, status in _STATUS_ANYWHERE:
        if re.search(pattern, text, re.I):
            return status
    return ""


# A preprint server's identifier standing for the venue: "arXiv:2401.01234", "bioRxiv 2023.01.02".
_PREPRINT_ID = re.compile(r"(arXiv|bioRxiv|medRxiv|ChemRxiv|SSRN)\s*[:\s]\s*[\w./-]*\d", re.I)


def short_venue(venue: str) -> str:
    """A recognisable short name: the venue itself when it is one word, an acronym in it, …"""
    venue = venue.strip()
    if not venue:
        return ""
    server = _PREPRINT_ID.match(venue)
    if server:  # "arXiv:2401.01234": the server, not the paper's number
        return server.group(1)
    if " " not in venue and len(venue) <= 24:
        return venue
    m = re.search(r"\(([A-Z][A-Za-z@\-]{1,15})(?:[\s'’]+\d{2,4})?\)", venue)
    if m:
        return m.group(1)
    low = venue.lower()
    for pattern, short in VENUE_LONG_NAMES:
        if re.search(pattern, low):
            return short
    m = _ACRONYM_RE.search(venue)
    if m:
        return m.group(1)
    m = re.match(r"^([A-Z][A-Za-z@\-]{1,15})(?:\s+'?\d{2,4})?$", venue)
    return m.group(1) if m else ""


def kind_of(venue: str, status: str = "") -> str:
    """A PublicationKind value the venue's wording implies, or ""."""
    low = venue.lower()
    if not low and status in ("preprint", "under_review"):
        return "preprint"
    rules = [
        ("thesis", THESIS_WORDS),
        ("patent", r"\bpatent\b"),
        ("workshop", WORKSHOP_WORDS),
        ("preprint", PREPRINT_WORDS),
        ("chapter", r"\bchapter\b"),
        ("report", r"\btechnical (?:report|note|memorand(?:um|a))s?\b|\btech\.? rep"),
        ("book", r"^book\b"),
        ("journal", JOURNAL_WORDS + "|" + "|".join(rf"\b{a.lower()}\b" for a in JOURNAL_ACRONYMS)),
        (
            "conference",
            CONFERENCE_WORDS
            + "|"
            + "|".join(rf"\b{a.lower()}\b" for a in _ACRONYMS if a not in JOURNAL_ACRONYMS),
        ),
    ]
    if _SATELLITE.search(venue):
        return "workshop"  # "ICML-FL": a workshop named after the conference it is held at
    for kind, pattern in rules:
        if re.search(pattern, low):
            return kind
    return ""


# A conference's acronym joined to a workshop's by a hyphen: "ICML-FL", "CVPR-W", "NeurIPS-WiML".
_SATELLITE = re.compile(
    r"(?<![\w-])(?:"
    + "|".join(re.escape(a) for a in VENUE_ACRONYMS)
    + r")-[A-Z][A-Za-z]{0,7}(?![\w-])"
)


# "In Proceedings of …", "To appear in *Journal …*": the lead belongs to no venue's name. (The
# lead is matched in any case, the name after it must start as a name does.)
_VENUE_LEAD_START = re.compile(rf"^\s*(?i:{VENUE_LEAD})\s+(?=[A-Z0-9\"“(])")
# "…, 2021, pp. 1–10", "…, vol. 12, no. 3": page and issue numbers after a venue's name.
_TRAILING_PAGES = re.compile(
    r"[\s,;:.]*(?:\b(?:pp?\.|pages?|vol\.|volume|no\.|issue|art\.|article)\s*(?=[\w–-]*\d)[\w–-]{1,12}"
    r"(?:\s*[–-]\s*\w{1,8})?[\s,;:.]*)+$",
    re.I,
)
# "ICML 2021: 100-110", "Journal of Sand 12(3):1–10": a bare page range (with its volume).
_TRAILING_PAGE_RANGE = re.compile(
    r"[\s,;:]+(?:\d{1,4}\s*(?:\(\d{1,4}\))?\s*:\s*)?"
    r"(?!(?:19|20)\d\d\s*[–-]\s*(?:19|20)\d\d)\d{1,6}\s*[–-]\s*\d{1,6}[\s.]*$"
)


# A journal's volume, issue and pages or article number: "37(2):10-20", "vol. 12", ", 37, 095146".
_VOLUME = re.compile(
    r"\b(?!(?:19|20)\d\d\b)\d{1,4}\s*\((?:\d{1,4}|[A-Z])\)|\b(?i:vol(?:ume)?)\.?\s*\d|"
    r"\b(?!(?:19|20)\d\d\b)\d{1,4}\s*:\s*\d{1,6}\s*[–-]|"
    r",\s*\d{1,4}\s*,\s*(?:[a-z]?\d{3,}|\d{1,6}\s*[–-]\s*\d{1,6})\b"
)


# Words a venue's name leaves in lower case ("Advances in Neural Information…").
_SMALL_WORDS = frozenset(
    {"a", "an", "and", "at", "by", "de", "des", "du", "et", "for", "from", "in", "into", "la"}
    | {"le", "of", "on", "over", "the", "to", "under", "via", "with"}
)


def _significant_words(text: str) -> list[str]:
    """The words of ``text`` but the small ones ("of", "the", "de"…): those a name capitalises."""
    return [w for w in re.findall(r"[^\W\d_]+", text) if w.lower() not in _SMALL_WORDS]


def _capitalised(words: list[str]) -> int:
    return sum(w[0].isupper() for w in words)


def _sentence(text: str) -> bool:
    """A sentence of prose (a paper's summary), not a venue's name: it ends with a full stop,
    has six words or more, and most of its words start in lower case (a venue's name is
    capitalised: "Advances in Neural Information Processing Systems")."""
    words = _significant_words(text)
    if not re.search(r"[.!?]\s*$", text) or len(words) < 6:
        return False
    return _capitalised(words) * 2 < len(words)


def reads_as_prose(text: str) -> bool:
    """Words of a sentence, not a venue's name: three words or more, half of them or more in
    lower case ("This list is often stale"), and nothing that names a kind of publication or
    a status ("arXiv preprint", "under review")."""
    plain = strip_markup(text)
    words = _significant_words(plain)
    if len(words) < 3 or kind_of(plain) or status_of(plain):
        return False
    return _capitalised(words) * 2 <= len(words)


def _cut_end(pattern: re.Pattern[str], text: str, window: int = 120) -> str:
    """``text`` without what ``pattern`` (anchored at the end) matches in its last ``window``
    characters: an end pattern searched over the whole text would try every start (quadratic
    on long runs of separators)."""
    start = max(0, len(text) - window)
    m = pattern.search(text, start)
    return text[: m.start()] if m else text


_RANK = re.compile(
    rf"[,;|]\s*(?:{RANK_LABELS})\s*(?=[)\],;|]|$)|(?:(?<=[(\[,;|])|(?<=\s))(?:{RANK_LABELS})\s*"
    r"(?=[)\],;|]|$)"
)
# The venue's own acronym in parentheses at its end, with or without the year: "(ICIL 2025)".
_OWN_ACRONYM = re.compile(
    r"\s*\(\s*([A-Z][A-Za-z0-9@&\-]{1,15})(?:[\s,'’]*(?:(?:19|20)\d\d|\d\d))?\s*\)[\s.,;]*$"
)
_TRAILING_DATE = re.compile(
    rf"[\s,;:.\[]*(?:\b{MONTH_RE}[\s,.]*(?:\d{{1,2}}[\s,]+)?)?"
    rf"(?:\((?:19[5-9]\d|20\d\d)\)|(?<![\w-])(?:19[5-9]\d|20\d\d))[\s.,;:\]]*$",
    re.I,
)


def split_venue(text: str) -> Venue:
    """Venue text (markup allowed) → :class:`Venue`. Links should be removed beforehand."""
    lead = _LEAD_ITALIC.match(text[:2000])  # "*IEEE JBHI*, 2025, DOI: …, Early access."
    # One space for any run of spaces: the patterns below then never rescan a long run.
    plain = printed = " ".join(strip_markup(text[:2000]).split())
    wrapped = re.fullmatch(r"\s*\(([^()]{2,300})\)[\s.,;]*", plain)
    if wrapped:  # "[Title](…) (AAAI 2020)": the venue in parentheses after the title
        plain = wrapped.group(1)
    plain = _VENUE_LEAD_START.sub("", plain)
    result = Venue()
    for pattern, status in _STATUS:
        m = re.match(pattern, plain, re.I)
        if m:
            result.status = status
            plain = plain[m.end() :]
            break
    notes = []
    for m in _NOTE.finditer(plain):
        notes.append(m.group(1).strip())
    plain = _NOTE.sub("", plain)
    end_note = _NOTE_AT_END.search(plain, max(0, len(plain) - 60))
    if end_note:  # "NeurIPS 2022 Spotlight"
        notes.append(end_note.group(1))
        plain = plain[: end_note.start()]
    year_note = _NOTE_BEFORE_YEAR.search(plain, max(0, len(plain) - 60))
    if year_note:  # "NeurIPS spotlight, 2025"
        notes.append(year_note.group(1))
        plain = plain[: year_note.start()] + plain[year_note.end() :]
    for m in _ORDER_REMARK.finditer(plain):
        if re.match(r"alpha|authors?", m.group(1), re.I):
            notes.append("Authors in alphabetical order")  # who did what: worth keeping
    plain = " ".join(_ORDER_REMARK.sub(" ", plain).split())
    plain = re.sub(
        r"(?<=[a-z])\((?=[A-Z][A-Za-z0-9@&\-]{1,15}\))", " (", plain
    )  # "Systems(NeurIPS)"
    plain = _RANK.sub("", plain)  # "(ICIL 2025, CCF-A)": a grade, not the venue
    plain = re.sub(r"\((?:[^()]{0,80}?[,;:]\s*|\W*)\)", "", plain)  # parentheses emptied of links
    # "Conference on Imaginary Learning 2025 (ICIL 2025)"
    own = _OWN_ACRONYM.search(plain, max(0, len(plain) - 60))
    if own and own.start() > 0:  # the acronym is the short venue; its year stays the venue's
        year = YEAR.search(own.group(0))
        head = plain[: own.start()]
        if _sentence(head):  # "We propose a new … . (IMC 2021)": a summary, then the venue
            head = own.group(1)
        plain = head + (f", {year.group(0)}" if year else "") + plain[own.end() :]
    plain = re.sub(r"\(\s*\\?\*\s*equal contributions?\s*\)", "", plain, flags=re.I)
    result.note = ", ".join(n[:1].upper() + n[1:] for n in notes)
    years = [int(y) for y in YEAR.findall(plain)]
    short_year = _SHORT_YEAR.search(plain) if not years else None
    if short_year:  # "CIKM ’21", "NeurIPS'23"
        yy = int(short_year.group(1))
        result.year = 2000 + yy if 2000 + yy <= datetime.date.today().year + 2 else 1900 + yy
    if years:
        result.year = years[0] if len(set(years)) > 1 else years[-1]
        m = re.search(rf"({MONTH_RE})[\s,.]*(?:\d{{1,2}}[\s,]+)?{result.year}", plain, re.I)
        if m:
            result.month = MONTHS.get(m.group(1).lower().rstrip("."))
    venue = plain
    if len(set(years)) <= 1:
        for _ in range(3):
            venue = _cut_end(_TRAILING_PAGE_RANGE, _cut_end(_TRAILING_PAGES, venue))
            venue = _cut_end(_TRAILING_DATE, venue).strip()
    venue = venue.strip(" ,;:.|-–—")
    if not result.status:
        status = status_of(venue)
        if status:
            result.status = status
    if re.fullmatch(_REVIEW + r"[\w ,.]*", venue, re.I):
        venue = ""  # "Under review, soon on arxiv" says a status, not a venue
    whole = venue
    if lead and venue:
        named = strip_markup(lead.group(1)).strip(" ,.")
        bare = re.sub(r"[\s,'’]*(?:19|20)\d\d$", "", named).strip()  # "**ICSE 2025**" → ICSE
        if bare and not status_of(bare) and not YEAR.search(bare):
            venue = bare  # the italic or bold name, without volume, pages, DOI and remarks
    result.venue = venue
    result.short = own.group(1) if own and own.start() > 0 else short_venue(venue)
    if short_year:
        result.short = _SHORT_YEAR.sub("", result.short).strip()
    result.kind = kind_of(venue, result.status) or kind_of(whole, result.status)
    if not result.kind and venue and _VOLUME.search(printed):
        result.kind = "journal"  # "Physics of Fluids, 37, 095146": volume and article number
    if not result.kind and _journal_like(venue):
        result.guess = "journal"
    result.short = workshop_badge(result.short, result.kind, venue)
    return result


def _journal_like(venue: str) -> bool:
    """A name of words with no conference word and no acronym in it ("Natural Hazards",
    "Sustainable and Resilient Infrastructure"): a journal's. A meeting's name says what it is
    ("Conference", "Symposium", "Proceedings"…, matched before this) or goes by an acronym."""
    words = re.findall(r"[^\W\d_]+", venue)
    if not 2 <= len(words) <= 12 or re.search(r"\d", venue):
        return False
    if any(len(w) >= 2 and sum(c.isupper() for c in w) >= 2 for w in words):
        return False  # "ICST", "NeurIPS", "ACS ES&T": an acronym, likely a meeting's
    significant = _significant_words(venue)
    return bool(significant) and _capitalised(significant) == len(significant)


_MAIN_VENUES = frozenset(a.lower() for a in VENUE_ACRONYMS if a not in JOURNAL_ACRONYMS)
_OWN_NAME = re.compile(r"(?<![\w@-])([A-Z][\w-]{0,15}@[\w-]{2,20})|\(([A-Z][A-Za-z0-9@\-]{1,15})\)")


def workshop_badge(short: str, kind: str, venue: str = "") -> str:
    """A workshop's badge is its own name ("FL@ICML", "(EVW)") or "<Conference> Workshop",
    never the conference's alone: "ICML" on a workshop paper claims the main track."""
    if kind != "workshop" or short.lower() not in _MAIN_VENUES:
        return short
    own = _OWN_NAME.search(venue)
    if own and (own.group(1) or own.group(2)).lower() != short.lower():
        return own.group(1) or own.group(2)
    return f"{short} Workshop"


_SHORT_YEAR = re.compile(r"(?<=[A-Za-z])\s?['’‘](\d\d)(?![\d%])")
_LEAD_ITALIC = re.compile(
    r"\s*(?:In:?\s+)?(?:\*{1,2}(?!\*)|_(?!_)|<i>|<em>|<b>|<strong>)([^*_<>\n]{2,200}?)"
    r"(?:\*{1,2}|_|</i>|</em>|</b>|</strong>)(?=\s*[,.;(]\s*\S)"
)
