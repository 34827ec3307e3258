"""The pieces a publication entry is read from: a title span, the end of a name list, an APA or
Vancouver reference, a link line. Pure functions on one line of text, used by the shapes."""

from __future__ import annotations

import itertools
import re

from labsite.importing.extract.authors import looks_like_authors, split_top_level
from labsite.importing.extract.common import (
    CJK_LETTER,
    YEAR,
    Context,
    find_links,
    link_kind,
    normalise,
    remove_links,
    strip_markup,
    word_count,
)
from labsite.importing.extract.venues import kind_of, short_venue, status_of
from labsite.importing.records import LinkRecord
from labsite.importing.words import VENUE_LEAD
from labsite.normalise import NAME_PARTICLES

_LEAD_SYMBOLS = re.compile(r"^[\s\W_]{0,6}?(?=[\[*_<\"“\w])")
_QUOTED = re.compile(r"[\"“]([^\"“”]{4,400}?)[\"”]")
_SPAN = re.compile(
    r"\*\*(?P<b>.{2,600}?)\*\*|__(?P<u>.{2,600}?)__|<(?:b|strong)>(?P<h>.{2,600}?)</(?:b|strong)>"
    r"|(?<![\w*])[*_](?P<i>[^*_\n]{2,600}?)[*_](?![\w*])"
)
_LINK_ONLY_JUNK = re.compile(r"[\s\[\](),|/·•;:\\-]+")


def names_end(line: str) -> re.Match[str] | None:
    """The full stop that ends a name list: after a surname, not an initial ("A.").

    A surname is three letters or more, or a short one with a lower-case letter ("Ng", "Li"):
    an initial is a capital alone."""
    for m in re.finditer(r"\.\s+(?=\S)", line[:3000]):
        if _SURNAME_END.search(strip_markup(line[: m.start()])):
            return m
    return None


# (or a name in CJK letters: "李娜", two letters)
_SURNAME_END = re.compile(
    rf"(?:[^\W\d_]{{3,}}|(?<![^\W\d_])[^\W\d_](?=[^\W\d_]*[a-z])[^\W\d_]|[{CJK_LETTER}]{{2}})$"
)


EMPTY_LINK = re.compile(r"\[([^\[\]]{2,800})\]\(\s*\)")  # "[Title]()": a title, no address
CODE_BADGE = re.compile(r"^`{0,2}([^`\n]{2,40}?)`{1,2}(?!`)\s*")
_ITALIC_START = re.compile(r",\s*(?=(?:\*(?!\*)|_(?!_))[^\W\d_])")
# An italic span that closes: the star or underscore after its text ends a word.
_ITALIC_CLOSES = re.compile(r"([*_])[^*_\n]{1,600}?(?<!\s)\1(?![\w*])")
_BOLD_VENUE = re.compile(r",\s*(?=\*\*([^*\n]{2,120})\*\*)")


def authors_before_italic(line: str) -> int:
    """Where the venue starts in ``A. Lovelace, **B. Owner**, *Venue*, 2023`` (0 if it does not).

    A bold venue works too (``A. Lovelace and **B. Owner**, **ICSE 2025** (CCF-A)``) when the
    bold text reads as a venue: it holds a year, or is one acronym such as ``EMSE``.
    """
    for m in _ITALIC_START.finditer(line[:3000]):
        if not _ITALIC_CLOSES.match(line, m.end()):
            continue  # "A. Lee, *B. Chen, *C. Kim": stars before names mark them, no venue
        head = line[: m.start()]
        if looks_like_authors(head, single_ok=True) and len(split_top_level(head)) >= 1:
            return m.end()
    for m in _BOLD_VENUE.finditer(line[:3000]):
        bold = m.group(1).strip()
        if not (YEAR.search(bold) or re.fullmatch(r"[A-Z][\w&\-]*[A-Z][\w&\-]*", bold)):
            continue
        head = line[: m.start()]
        if looks_like_authors(head, single_ok=True):
            return m.end()
    return 0


def title_first_citation(line: str) -> tuple[str, str, str] | None:
    """(title, authors, rest) of ``A plain title. A. Author, B. Owner. Venue, 2022.``: the
    title's sentence, then a list of two names or more (or the owner's, highlighted), then a
    year. Markup-free, like :func:`plain_citation` with the title first."""
    first = re.search(r"[.?!](?=\s+\S)", line[:600])
    if first is None:
        return None
    title = strip_markup(line[: first.start() + 1]).rstrip(".").strip()
    rest = line[first.end() :].lstrip()
    names = names_end(rest)
    if word_count(title) < 3 or names is None:
        return None
    authors, after = rest[: names.start()], rest[names.end() :]
    if not looks_like_authors(authors, single_ok=True) or not YEAR.search(after):
        return None
    if looks_like_authors(line[: first.start()], single_ok=True):
        return None  # names first: plain_citation's shape
    return title, authors, after


_NAMES_AND_YEAR = re.compile(r"(?P<year>\((?:19|20)\d\d[a-z]?\))\s*[.,:]?\s*(?=\S)")


def authors_then_year(line: str) -> tuple[str, int, str] | None:
    """(names, year, rest) of ``A. Lee, **B. Owner** (2025). *Venue*, 37``: the names, the
    year in parentheses, then the venue (APA's order, after a title written first)."""
    m = _NAMES_AND_YEAR.search(line, 0, 1500)
    if m is None or not looks_like_authors(line[: m.start()].strip(), single_ok=True):
        return None
    return line[: m.start()].strip(), int(m.group("year").strip("()")[:4]), line[m.end() :]


def authors_before_venue(line: str) -> int:
    """Where the venue starts in ``A. Lovelace, **B. Owner**, NeurIPS 2021`` (0 if it does
    not): names and a venue with its year, all joined by commas, as in ``**Title**, A.
    Lovelace, **B. Owner**, NeurIPS 2021``.

    The venue starts at the first comma after which comes no other name (and a year later on);
    the names before it hold no year and no venue word ("Proceedings of X, Vancouver, Canada"
    is a venue and a place, not three people)."""
    # (at most the first 60 commas of the first 1,500 characters: an author list is shorter,
    # and each try reads the whole line)
    for m in itertools.islice(re.finditer(r",\s*", line[:1500]), 60):
        head, tail = strip_markup(line[: m.start()]), strip_markup(line[m.end() :])
        if YEAR.search(head) or not YEAR.search(tail) or kind_of(head):
            return 0
        following = split_top_level(tail)[0].split("(")[0]  # "Berg Tomas (2025)."
        if _name_like(following):
            continue
        if looks_like_authors(line[: m.start()], single_ok=True):
            return m.end()
    return 0


def _name_like(part: str) -> bool:
    """One person's name ("B. Owner", "Ana María Ruiz"), not a venue ("NeurIPS 2021")."""
    words = part.strip(" .*†‡#").split()
    if not 2 <= len(words) <= 5 or re.search(r"\d", part) or kind_of(part) or short_venue(part):
        return False
    return all(w[:1].isupper() or w.lower() in NAME_PARTICLES for w in words)


def authors_after_venue(line: str) -> bool:
    """An author line that follows the venue line: highlighted owner or three names or more."""
    if not looks_like_authors(line, single_ok=False):
        return False
    return bool(_HIGHLIGHT_MARK.search(line)) or len(split_top_level(strip_markup(line))) >= 3


_HIGHLIGHT_MARK = re.compile(r"<u>|<b>|<strong>|\*\*|__|<mark>", re.I)


def is_link_line(line: str) -> bool:
    """A line of the entry's links: links, and at most a link's label without its address and a
    remark in parentheses (``[[Project]](…) [code] (to be updated)``)."""
    if not find_links(line):
        return False
    rest = strip_markup(remove_links(line))
    rest = _BARE_LABEL.sub(
        lambda m: "" if link_kind(m.group(1), "") not in NOT_LINK_LABELS else m[0], rest
    )
    rest = _LINK_ONLY_JUNK.sub("", _REMARK.sub("", rest, count=2))
    return len(rest) <= 2


_BARE_LABEL = re.compile(r"\[\s*([^\[\]]{1,30}?)\s*\]")
#: Link kinds whose label is no link's ("[Oral]", "[Poster]" are presentations; "other" is a
#: label no table knows): a bracketed label of these kinds is text, not a link still to come.
NOT_LINK_LABELS = frozenset({"other", "talk", "poster"})
_REMARK = re.compile(r"\(\s*[^()]{0,40}\)\s*$")


def link_records(line: str, ctx: Context) -> list[LinkRecord]:
    out = []
    for label, url, _pos in find_links(line):
        kind = link_kind(label, url)
        clean_label = label.strip("()[] ")
        keep = clean_label if normalise(clean_label) not in (kind, "") else ""
        out.append(LinkRecord(kind=kind, url=ctx.absolute(url), label=keep))
    return out


def strip_lead(line: str) -> str:
    """Drop leading bullets, ``[12]`` numbers and emoji (``🔹**Title**``) but keep markup."""
    line = re.sub(r"^\s*[\[(][A-Z]{0,3}[-.]?\d{1,3}[\])]\s*", "", line)  # [12], [C3], (J-2)
    m = _LEAD_SYMBOLS.match(line)
    return line[m.end() :] if m else line


def _link_end(line: str, url: str, pos: int) -> int:
    """Where the link found at ``pos`` ends: after ``](url)`` or after ``</a>``."""
    if line.startswith("<", pos):
        close = re.compile(r"</a\s*>", re.I).search(line, pos)
        return close.end() if close else pos
    at = line.find(url, pos)
    return line.find(")", at + len(url)) + 1 if at >= 0 else pos


def linked_title(line: str) -> bool:
    """A line that is one link whose label reads as a title (three words or more)."""
    links = find_links(line)
    return len(links) == 1 and word_count(links[0][0]) >= 3 and not looks_like_authors(links[0][0])


def _names_then(line: str, start: int) -> bool:
    """Is everything before ``start`` a list of names?"""
    head = line[:start].strip().rstrip(".,:")
    return bool(strip_markup(head)) and looks_like_authors(head, single_ok=True)


_BY_NAMES = re.compile(r"\s*,?\s*by\s+[^\W\d_]", re.I)


def title_span(line: str) -> tuple[str, str, int, int] | None:
    """(title, url, start, end) of the first span that reads as a title, not a name: the
    earliest of the first quoted, linked and emphasised ones (a quoted phrase in a remark
    after a bold title is not the title)."""
    found = [f for f in (_quoted_title(line), _linked_title(line), _marked_title(line)) if f]
    return min(found, key=lambda f: f[2]) if found else None


def _quoted_title(line: str) -> tuple[str, str, int, int] | None:
    for m in _QUOTED.finditer(line):
        title = strip_markup(m.group(1)).strip(" .,")
        # (two words are a title when quoted right after the names: 'Lee, Ann "Os Widgets".')
        if word_count(title) >= 3 or (word_count(title) == 2 and _names_then(line, m.start())):
            links = find_links(m.group(1))
            return title, links[0][1] if links else "", m.start(), m.end()
    return None


def _linked_title(line: str) -> tuple[str, str, int, int] | None:
    for label, url, pos in find_links(line):
        end = _link_end(line, url, pos)
        words = word_count(label)
        by = words == 2 and _BY_NAMES.match(line, max(end, pos))  # "[Short Title](…) by A. Lee"
        if (words >= 3 or by) and not looks_like_authors(label):
            return strip_markup(label).strip(" .,"), url, pos, max(end, pos)
    return None


def _marked_title(line: str) -> tuple[str, str, int, int] | None:
    for m in _SPAN.finditer(line):
        inner = next(g for g in m.groups() if g is not None)
        text = strip_markup(inner).strip(" .,")
        if word_count(text) >= 3 and not looks_like_authors(inner):
            links = find_links(inner)
            return text, links[0][1] if links else "", m.start(), m.end()
    return None


_APA = re.compile(
    r"^(?P<authors>.{2,3000}?)\s*\(\s*(?P<year>(?:19|20)\d\d)[a-z]?"
    r"(?:\s*,\s*[^()]{1,30})?\s*\)\s*\.?\s*(?:\*\*|__|</b>|</strong>)?\s*\.?\s*(?P<rest>\S.*)$"
)
_APA_NAME = re.compile(r"[^\W\d_]{2,},\s*(?:[A-Z]\.\s?-?){1,3}")


def apa_citation(line: str) -> tuple[str, str, str, str] | None:
    """(authors, title, year, rest) of an APA reference, ``Last, F. M., & Last, F. (2023). Title.
    *Venue*, 18(2), e1.`` — the owner may be bold, or the whole author-and-year part."""
    m = _APA.match(line[:4000])
    if not m:
        return None
    authors = re.sub(r"^(?:\*\*|__|<b>|<strong>)", "", m.group("authors").strip())
    if authors.count("**") % 2:
        authors = authors.replace("**", "")
    if not _APA_NAME.search(strip_markup(authors)) or not looks_like_authors(authors):
        return None
    rest = m.group("rest")
    end = re.search(r"(?<=[^\s.]{2})[.?!](?=\s+\S)|(?<=[^\s.]{2})[.?!]$", rest[:800])
    if end is None:
        return None
    title = strip_markup(rest[: end.end()]).rstrip(".").strip()
    if word_count(title) < 2:
        return None
    after = rest[end.end() :].strip()
    after = re.sub(r"(?<![(<\"'=])\b(https?://[^\s<>()\[\]]*[^\s<>()\[\].,;])", r"<\1>", after)
    return authors, title, m.group("year"), after


def sentence_title_before_italic(
    line: str, span: tuple[str, str, int, int]
) -> tuple[str, str, int, int]:
    """``A. Author, B. Owner. Plain title. *Journal of Sand*, 2021``: the italic span is the
    venue and the sentence between the names and it is the title."""
    start = span[2]
    if line[start : start + 1] not in ("*", "_") or line[start : start + 2] in ("**", "__"):
        return span
    names = names_end(line[:start])
    if names is None or not looks_like_authors(line[: names.start()], single_ok=True):
        return span
    middle = line[names.end() : start].strip().rstrip(".,").strip()
    middle = _VENUE_LEAD_AT_END.sub("", middle).rstrip(".,").strip()
    if word_count(strip_markup(middle)) < 2 or find_links(middle):
        return span
    return strip_markup(middle), "", names.start(), start


# "Title. In" before an italic venue: the title ends at its full stop, the lead is the venue's.
_VENUE_LEAD_AT_END = re.compile(rf"(?<=[.?!,])\s+(?:{VENUE_LEAD})$", re.I)


# Vancouver / PubMed: "Brook A, Carr BC, **Dunn C**. Title. Journal. 2020;5(2):10-20."
_VANCOUVER_NAME = (
    r"(?:\*\*|<b>|<strong>|<u>)?[^\W\d_][\w'’\-]*(?:\s[^\W\d_][\w'’\-]*){0,2}\s[A-Z]{1,3}"
    r"(?:\*\*|</b>|</strong>|</u>)?[*†#]?"
)
_VANCOUVER = re.compile(
    rf"^(?P<authors>{_VANCOUVER_NAME}(?:,\s*{_VANCOUVER_NAME}){{0,200}}(?:,?\s*et al)?)"
    # "… Carr BC. Title." (PubMed), or "… Carr BC (2020) Title." (Springer's author-year)
    r"(?:\.\s+|\s*\((?P<year>(?:19|20)\d\d)[a-z]?\)\.?\s+)"
    r"(?P<title>[^.?!]{8,400}[.?!])\s+(?P<rest>\S.*)$"
)


_VANCOUVER_NAMES = re.compile(
    rf"^\s*{_VANCOUVER_NAME}(?:,\s*{_VANCOUVER_NAME}){{0,200}}(?:,?\s*et al)?\.(?=\s+\S)"
)


def vancouver_names_end(line: str) -> re.Match[str] | None:
    """After ``Brenn T, Ortl I, **Quill M**.`` in an author line ``Brenn T, Ortl I, Quill M.
    Sand Journal 2025.``: the initials' full stop ends PubMed's names (:func:`names_end`
    takes no initial's full stop for the end of a list)."""
    found = _VANCOUVER_NAMES.match(line[:3000])
    if found is None or "," not in found.group(0):
        return None
    return re.compile(r"\.\s+").match(line, found.end() - 1)


def vancouver_citation(line: str) -> tuple[str, str, str] | None:
    """(authors, title, rest) of a Vancouver reference, the authors as "A. Brook, B. C. Carr"."""
    m = _VANCOUVER.match(line[:4000])
    if not m or not (m.group("year") or YEAR.search(m.group("rest"))):
        return None

    authors = re.sub(
        r"(?P<open>(?:\*\*|<b>|<strong>|<u>)?)(?P<last>[^\W\d_][\w'’\-]*(?:\s[^\W\d_][\w'’\-]*){0,2})"
        r"\s(?P<ini>[A-Z]{1,3})(?=(?:\*\*|</b>|</strong>|</u>)?[*†#]?(?:,|$|\s*et al))",
        lambda n: f"{n.group('open')}{'. '.join(n.group('ini'))}. {n.group('last')}",
        m.group("authors"),
    )
    rest = m.group("rest")
    journal = re.match(r"(?P<j>[^.;]{2,200}?)\.\s+(?P<y>(?:19|20)\d\d)\b(?P<tail>.*)$", rest)
    if journal:  # "Nature Sand. 2020;5(2):10-20." → "Nature Sand, 2020" and the rest apart
        rest = f"{journal.group('j')}, {journal.group('y')}\n{journal.group('tail')}"
    elif m.group("year") and not YEAR.search(rest):  # the year was in front: to the venue
        rest = f"{rest.rstrip(' .')}, {m.group('year')}"
    return authors, m.group("title").rstrip("."), rest


def plain_citation(line: str) -> tuple[str, str, int, int] | None:
    """``A. Author, B. Owner. A title in plain text. Venue, 2022.`` — no markup at all."""
    # Where the names end: a full stop after a surname, or DBLP's colon ("A. Author, B. Owner:
    # Title. Venue 2022"); the earlier that gives a citation wins. One name only when it is
    # set apart (bold, underlined): the owner's own entry.
    colon = _DBLP_NAMES.search(line, 3, 1500)
    found = (names_end(line), colon, inverted_names_end(line), _after_highlighted_name(line))
    ends = [(m.start(), m.end()) for m in found if m]
    for start, end in sorted(ends):
        if not looks_like_authors(line[:start], single_ok=True):
            continue
        found = _plain_title(line, start, end)
        if found is not None:
            return found
    return None


# DBLP's way: the names end with a colon.
_DBLP_NAMES = re.compile(r":\s+(?=\S)")


# A highlighted name and the comma after it, the title next: "A. Lee, **B. Owner**, Title, …".
_HIGHLIGHTED_NAME = re.compile(r"(?:\*\*|__|</b>|</strong>|</u>)[*†‡#\\]*\s*(,)\s*(?=[^\W\d_])")


def _after_highlighted_name(line: str) -> re.Match[str] | None:
    """The comma after the owner's highlighted name when the names end there: ``Jon Vale, **Bo
    Owner**, Scaling laws of solvers, *submitted, 2025*`` (the next part is no name)."""
    for m in itertools.islice(_HIGHLIGHTED_NAME.finditer(line, 0, 1500), 20):
        following = split_top_level(line[m.end() :])[0]
        if not _name_like(strip_markup(following)) and word_count(strip_markup(following)) >= 3:
            return m
    return None


# Where a plain title ends: its full stop; the comma before an italic venue ("…, *Journal*");
# a venue with its year in parentheses ("Title (ICML 2026)").
_PLAIN_TITLE_END = re.compile(
    r"[.?!](?=\s+\S)|,\s*(?=\*(?!\*)\S|_(?!_)\S)|\s+(?=\([^()]{0,80}\b(?:19|20)\d\d\b[^()]{0,20}\)\W*$)"
)


def _plain_title(line: str, names_start: int, rest_start: int) -> tuple[str, str, int, int] | None:
    end = _PLAIN_TITLE_END.search(line[rest_start : rest_start + 600])
    if end is None:
        return None
    title = strip_markup(line[rest_start : rest_start + end.start() + 1]).rstrip(".,").strip()
    tail = line[rest_start + end.end() :]
    if word_count(title) < 3 or not (YEAR.search(tail) or status_of(strip_markup(tail))):
        return None  # without a year (or "under review") after it, a sentence, not a citation
    return title, "", names_start, rest_start + end.end()


# One inverted name, "Lind, K." or "van Dorn, A.-B.", its highlight around it or not.
_INVERTED_NAME = (
    r"(?:\*\*|__|<(?:b|strong|u)>)?[^\W\d_][^\W\d_'’ -]{0,30}(?:[ '’-][^\W\d_'’-]+){0,2},?\s*"
    r"[A-Z](?:\.?-?\s?[A-Z]){0,3}\.(?:\*\*|__|</(?:b|strong|u)>)?"
)
_INVERTED_NAMES = re.compile(
    rf"^\s*{_INVERTED_NAME}(?:\s*,?\s*(?:(?:&|and)\s+)?{_INVERTED_NAME}){{0,60}}\s*,?(?=\s+\S)"
)


def inverted_names_end(line: str) -> re.Match[str] | None:
    """After ``Orban, T., **Quill, M.**, Lind, K.`` in ``Orban, T., **Quill, M.**, Lind, K. A
    title.``: surnames with their initials, where the last initial's full stop ends the names
    (:func:`names_end` takes no initial's full stop for the end of a list)."""
    found = _INVERTED_NAMES.match(line[:3000])
    if found is None or found.group(0).count(",") < 2:
        return None
    return re.compile(r"\s+").match(line, found.end())
