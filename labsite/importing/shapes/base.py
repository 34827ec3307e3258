"""What every entry shape shares: the prepared entry and the shape protocol."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Protocol

from labsite.importing.extract.authors import looks_like_authors
from labsite.importing.extract.common import (
    YEAR,
    Context,
    Item,
    find_links,
    item_lines,
    link_kind,
    remove_links,
    strip_markup,
    word_count,
)
from labsite.importing.identity import compare_names
from labsite.importing.records import PublicationRecord
from labsite.importing.shapes.spans import (
    CODE_BADGE,
    EMPTY_LINK,
    NOT_LINK_LABELS,
    is_link_line,
    names_end,
    strip_lead,
    title_span,
)

# Below this score no shape is sure enough: the entry is kept as prose, not guessed.
THRESHOLD = 0.5
_MAX_ENTRY = 20000
# A code span or a styled <span> holding one name in a list of names: the owner, set apart.
_CODE_NAME = re.compile(r"`([^`\n]{2,80})`")
_SPAN_NAME = re.compile(r"<span\b[^<>]{0,200}>([^<>]{2,80})</span>", re.I)


@dataclass
class Reader:
    """Where entries are read: the site (for addresses), the file, the section's selection."""

    ctx: Context
    source_path: str
    selected: bool = False


@dataclass
class Entry:
    """One list item or paragraph, its lines prepared: bullets and numbers gone, a badge
    (``\\`\\`NeurIPS 2025\\`\\` **Title**``) set aside as a venue hint, the owner's own markup
    (a code span, a styled span among names) read as the highlight it is."""

    item: Item
    lines: list[str]
    hints: list[str] = field(default_factory=list)
    #: The year of a label before the entry (``[**2024**] Names. Title…``).
    year: int | None = None

    @property
    def first(self) -> str:
        return self.lines[0]

    @property
    def rest(self) -> list[str]:
        return self.lines[1:]

    @property
    def text(self) -> str:
        return " ".join(self.lines)


def _set_apart_owner(line: str, pattern: re.Pattern[str]) -> str:
    """``A. Lee, `Bo Owner`, C. Kim`` → ``A. Lee, **Bo Owner**, C. Kim`` when exactly one name
    is marked and the line reads as names once it is."""
    found = pattern.findall(line)
    if len(found) != 1 or re.search(r"\d", found[0]):
        return line
    marked = pattern.sub(lambda m: f"**{m.group(1).strip()}**", line, count=1)
    head = re.split(r"(?<=[^\W\d_]{3})\.\s", marked, maxsplit=1)[0]
    return marked if looks_like_authors(head, single_ok=False) else line


_HIGHLIGHTED = re.compile(r"\*\*|__|<b>|<strong>|<u>|<mark>", re.I)


def _set_apart_sole_owner(line: str, owner_names: tuple[str, ...]) -> str:
    """``T. Lind. A title. Venue, 2020.`` on Tomas Lind's page → ``**T. Lind**. A title…``: a
    lone name before the title that is the owner's is the highlight a co-authored entry would
    have (people seldom bold their name when it is the only one)."""
    if not owner_names or _HIGHLIGHTED.search(line[:200]):
        return line
    end = names_end(line)
    if end is None:
        return line
    head = line[: end.start()].strip()
    if not head or len(head) > 80 or re.search(r",|;|&|\band\b|\d", head):
        return line
    if not any(compare_names(head, owner) for owner in owner_names):
        return line
    return f"**{head}**{line[end.start() :]}"


# After the owner's name: a comma and no other name ("Tomas Lind, *2023*", not ", Ana Ruiz").
_LONE_AFTER = re.compile(r"\s*[,.;](?!\s*[^\W\d_]+\s+[^\W\d_])")


def _set_apart_lone_owner(line: str, owner_names: tuple[str, ...]) -> str:
    """``Tomas Lind, *2023*`` under a title on Tomas Lind's page: the owner's name alone on
    the author line, before the venue, is the highlight it would be among other names."""
    if not owner_names or _HIGHLIGHTED.search(line[:200]):
        return line
    for owner in owner_names:
        if line.startswith(owner) and _LONE_AFTER.match(line, len(owner)):
            return f"**{owner}**{line[len(owner) :]}"
    return line


def _set_apart_glued_owner(line: str, owner_names: tuple[str, ...]) -> str:
    """``Ana Ruiz, Tomas Lind Sand ripples at night (ICST 2024)`` on Tomas Lind's page: the
    owner's name, last of the names and run straight into the title, ends the names."""
    if not owner_names or _HIGHLIGHTED.search(line[:300]):
        return line
    for owner in owner_names:
        if len(owner.split()) < 2:
            continue
        found = re.search(rf"(?:^|,\s*|\band\s+)({re.escape(owner)})\s+(?=[A-Z][a-z])", line[:1500])
        if found is None or not looks_like_authors(line[: found.end(1)], single_ok=True):
            continue
        return f"{line[: found.start(1)]}**{owner}**. {line[found.end() :]}"
    return line


# A label before the entry, in brackets, markup inside or out: "[**2024**]", "**[ICLR'24]**",
# "\\[Preprint\\]", "(2021)" (in parentheses a year only). Never a link's label: "[Title](…)".
_LEAD_LABEL = re.compile(
    r"^\s*(?:\*\*|__)?(?:\\?\[\s*(?:\*\*|__|\*|_)?(?P<label>[^\[\]\n*_`]{2,40}?)(?:\*\*|__|\*|_)?\s*"
    r"\\?\](?!\()|\(\s*(?:\*\*|__)?(?P<year>(?:19|20)\d\d)(?:\*\*|__)?\s*\))(?:\*\*|__)?\s*[:|–—-]?\s*(?=\S)"
)
_LABEL_YEAR = re.compile(r"(?:19|20)\d\d")


# A label written with more markup inside: "[**NeurIPS 2022** <span …><b>Spotlight</b></span>]".
_MARKED_LABEL = re.compile(r"^(\s*\\?\[)([^\[\]\n]{2,300}?[*<_][^\[\]\n]{0,300}?)(\\?\](?!\())")


def _title_opens(line: str) -> bool:
    """Does the line open with a quoted, bold or linked title (of three words or more)?"""
    span = title_span(line)
    return span is not None and not line[: span[2]].strip(" \t*_") and word_count(span[0]) >= 3


def _lead_label(line: str) -> tuple[str, str, int | None]:
    """``[**2024**] **Bo Owner**, A. Lee. "Title."`` → the line after the label, the label
    for the venue hints ("" for a year) and the label's year."""
    marked = _MARKED_LABEL.match(line)
    if marked and len(strip_markup(marked.group(2)).split()) <= 6:
        label = " ".join(strip_markup(marked[2]).split())
        line = f"{marked[1]}{label}{marked[3]}{line[marked.end() :]}"
    found = _LEAD_LABEL.match(line)
    if not found:
        return line, "", None
    label = (found.group("label") or found.group("year")).strip()
    rest = line[found.end() :]
    if word_count(strip_markup(rest)) < 3:
        return line, "", None  # "[Title of the paper] and little else": not a label
    if _LABEL_YEAR.fullmatch(label):
        return rest, "", int(label)
    return rest, label, None


def _split_trailing_links(line: str) -> list[str]:
    """``Title. [\\[paper\\]](…); [![stars](…)](…)`` → the title line, and its links' line: links
    after a title are the entry's links whatever line they are written on."""
    for label, _url, pos in find_links(line)[:30]:
        head, tail = line[:pos], line[pos:]
        if word_count(strip_markup(label)) >= 4:
            continue  # "Names, [A linked title of the paper](…)": the title, not its link
        if word_count(strip_markup(head)) >= 2 and is_link_line(tail):
            # (the bracket opened around the links stays with them: "Title \[[PDF](…)\]")
            return [re.sub(r"[\s;,|–—-]*(?:\\?[\[(]\s*)?$", "", head), tail]
    return [line]


def _empty_link(found: re.Match[str]) -> str:
    """``[Title]()``: a title with no address yet, bold as a title; ``[[PAPER]]()``: a link
    still to come, nothing."""
    label = found.group(1).strip(" []\\")
    if word_count(label) > 3 or link_kind(label, "") in NOT_LINK_LABELS:
        return f"**{found.group(1)}**"
    return ""


def _without_details(raw: list[str]) -> list[str]:
    """The entry's lines without a ``<details>`` block (a folded abstract or "tl;dr"): what
    the entry says about itself is not its venue."""
    out, inside = [], False
    for line in raw:
        opened = re.search(r"<details\b", line, re.I)
        if opened and not inside:
            head = line[: opened.start()]
            if head.strip():
                out.append(head)
            inside = True
        if inside:
            closed = re.search(r"</details\s*>", line, re.I)
            if closed:
                inside = False
                tail = line[closed.end() :]
                if tail.strip():
                    out.append(tail)
            continue
        out.append(line)
    return out


def prepare(item: Item, owner_names: tuple[str, ...] = ()) -> Entry | None:
    raw = _without_details(item_lines(item))
    lines = [strip_lead(EMPTY_LINK.sub(_empty_link, ln)) for ln in raw]
    hints: list[str] = []
    if raw and raw[0].lstrip().startswith("`"):
        first = raw[0].lstrip()  # its backticks kept: a badge, or the owner's name
        badge = CODE_BADGE.match(first)
        rest = first[badge.end() :] if badge else ""
        if badge and strip_markup(rest) and not re.match(r"\s*(?:[,;&]|and\s)", rest):
            first, hints = rest, [badge.group(1)]  # "``NeurIPS 2025`` **Title**"
        lines[0] = first
    lines = [_set_apart_owner(_set_apart_owner(ln, _CODE_NAME), _SPAN_NAME) for ln in lines]
    lines[1:] = [_set_apart_lone_owner(ln, owner_names) for ln in lines[1:]]
    lines = [ln for ln in lines if ln]
    if len(lines) >= 2 and _title_opens(lines[1]) and looks_like_authors(lines[0].rstrip(" :")):
        # "**B. Owner**, A. Lee." over '"The Title." Venue, 2021', "A. Lee and B. Owner:" over
        # "**The Title**, *Venue 2017*": one citation, written on two lines
        lines[:2] = [f"{lines[0].rstrip()} {lines[1].lstrip()}"]
    label, year = "", None
    if lines:
        lines[0], label, year = _lead_label(lines[0])
        # links at the end of the title line are read with the entry's other lines, as hints:
        # a one-line citation stays one line for the shapes
        first = _set_apart_glued_owner(_set_apart_sole_owner(lines[0], owner_names), owner_names)
        first, *links = _split_trailing_links(first)
        lines[0] = first
        hints.extend(links)
    if (
        lines
        and (label or year)
        and len(lines) == 1
        and not YEAR.search(remove_links(lines[0]))
        and (year or title_span(lines[0]) is None)
    ):
        # "[ICLR 2024] Names. Title." is "Names. Title. ICLR 2024.": a one-line citation's
        # venue and year come after its title (a linked or quoted title needs no help: the
        # label stays a hint, not glued to the last name of "[Title](…), A. Lee, B. Owner.")
        end = "" if re.search(r"[.?!]\W{0,3}$", lines[0]) else ("," if year else ".")
        lines[0] = f"{lines[0]}{end} {label or year}."
        label, year = "", None
    if label:
        hints.append(label)
    if not lines or len("".join(lines)) > _MAX_ENTRY:
        return None
    return Entry(item, lines, hints, year)


class Shape(Protocol):
    """One way of writing a publication entry."""

    name: str

    def score(self, entry: Entry) -> float:
        """How sure this shape is that it can read the entry: 0 (not at all) to 1."""
        ...

    def parse(self, entry: Entry, reader: Reader) -> PublicationRecord | None:
        """The publication, or None when the entry turns out not to be one."""
        ...
