"""Publication lists written by hand in markdown: the section's lines cut into entries.

Entries come from AcadHomepage paper boxes, markdown tables, HTML ``<li>``/``<tr>`` items or
heading-led ``<div>`` boxes, else markdown list items and paragraphs; each is then read by the
shape that scores best (:mod:`labsite.importing.shapes`), or left as prose.
"""

from __future__ import annotations

import bisect
import re

from labsite.importing.extract.authors import looks_like_authors
from labsite.importing.extract.common import (
    YEAR,
    Context,
    Item,
    find_links,
    split_items,
    strip_markup,
)
from labsite.importing.records import PublicationRecord
from labsite.importing.shapes import read_entry


def entry_items(lines: list[tuple[int, str]]) -> list[Item]:
    """The section's entries, in order: boxes, table rows, HTML items or markdown items."""
    boxes, lines = paper_box_items(lines)
    rows, lines = table_items(lines)
    return boxes + rows + (html_items(lines) or join_stacked_paragraphs(split_items(lines)))


_TITLE_PARAGRAPH = re.compile(r"^\s*(?:\*\*|__|<b>|<strong>|\[)")


def _title_paragraph(item: Item) -> bool:
    line = item.lines[0]
    return (
        not item.is_list
        and len(item.lines) == 1
        and bool(_TITLE_PARAGRAPH.match(line))
        and len(strip_markup(line).split()) >= 2
        and not looks_like_authors(line, single_ok=False)
    )


def _venue_paragraph(item: Item) -> bool:
    return (
        not item.is_list
        and len(item.lines) <= 2
        and bool(YEAR.search(item.text))
        and not _TITLE_PARAGRAPH.match(item.lines[0])
    )


def join_stacked_paragraphs(items: list[Item]) -> list[Item]:
    """A title, its authors and its venue written as paragraphs of their own (blank lines
    between them) are one entry: ``**Title**`` / ``A. Lee, **B. Owner**`` / ``Venue, 2023``."""
    out: list[Item] = []
    n = 0
    while n < len(items):
        item, names = items[n], items[n + 1] if n + 1 < len(items) else None
        if names is None or names.is_list or not _title_paragraph(item):
            out.append(item)
            n += 1
            continue
        if not looks_like_authors(names.lines[0]):
            out.append(item)
            n += 1
            continue
        lines = [*item.lines, *names.lines]
        n += 2
        if n < len(items) and _venue_paragraph(items[n]):
            lines.extend(items[n].lines)
            n += 1
        out.append(Item(item.line, lines))
    return out


def extract_publications(
    lines: list[tuple[int, str]], ctx: Context, source_path: str, selected: bool = False
) -> list[PublicationRecord]:
    """Every publication in a section's lines, in order."""
    legend = _selected_marker(lines)
    corresponding = _corresponding_marker(lines)
    out: list[PublicationRecord] = []
    for item in entry_items(lines):
        record = read_entry(item, ctx, source_path, selected).record
        if record is None:
            continue
        if legend and item.lines and item.lines[0].lstrip().startswith(legend):
            record.selected = True
        if corresponding and len(item.lines) > 1 and corresponding in item.lines[0]:
            for author in record.authors:  # "Title †" with "† corresponding author" in the legend
                author.corresponding = author.corresponding or author.is_owner
        out.append(record)
    return out


_TABLE_ROLES = [
    ("title", r"title|paper|publication|article"),
    ("authors", r"authors?"),
    ("venue", r"venue|conference|journal|published|where|booktitle"),
    ("year", r"year|date|when"),
]


def table_items(
    lines: list[tuple[int, str]],
) -> tuple[list[Item], list[tuple[int, str]]]:
    """A markdown table of publications (``| Year | Title | Venue |``): one item per row,
    its cells in the order title, authors, venue and year, links; and the other lines."""
    rows = [(n, t) for n, t in lines if t.strip().startswith("|") and t.strip().count("|") >= 3]
    if len(rows) < 3:
        return [], lines

    def cells(text: str) -> list[str]:
        return [c.strip() for c in re.split(r"(?<!\\)\|", text.strip().strip("|"))]

    header = cells(rows[0][1])
    roles: dict[str, int] = {}
    for i, name in enumerate(header):
        for role, pattern in _TABLE_ROLES:
            if role not in roles and re.fullmatch(rf"\W*(?:{pattern})\W*", name.lower()):
                roles[role] = i
    if "title" not in roles:
        return [], lines
    items = []
    for lineno, text in rows[1:]:
        row = cells(text)
        if all(re.fullmatch(r":?-{2,}:?|", c) for c in row) or len(row) <= roles["title"]:
            continue

        def cell(role: str, row: list[str] = row) -> str:
            i = roles.get(role)
            return row[i] if i is not None and i < len(row) else ""

        venue = ", ".join(c for c in (cell("venue"), cell("year")) if c)
        used = set(roles.values())
        rest = [c for i, c in enumerate(row) if i not in used and find_links(c)]
        parts = [cell("title"), cell("authors"), venue, *rest]
        items.append(Item(lineno, [p for p in parts if p]))
    used_lines = {n for n, _ in rows}
    return items, [(n, t) for n, t in lines if n not in used_lines]


_BOX_OPEN = re.compile(r"<div\s+class\s*=\s*['\"]paper-box['\"]", re.I)
_BOX_TEXT = re.compile(r"<div\s+class\s*=\s*['\"]paper-box-text['\"][^<>]*>", re.I)
_BADGE = re.compile(r"<div\s+class\s*=\s*['\"]badge['\"][^<>]*>(.{1,80}?)</div>", re.I)


def _description(line: str) -> bool:
    """A paragraph describing the paper (in a box, below its links), not a venue line."""
    words = len(strip_markup(line).split())
    if looks_like_authors(line):
        return False  # ten names or more are still the author line
    return words >= 40 or (words >= 20 and not YEAR.search(line))


# "[**Introduction**]": a label over a box's description, not a venue.
_BOX_LABEL = re.compile(r"\[\s*(?:\*\*|__)?[^\[\]*_\d]{1,30}(?:\*\*|__)?\s*\]")


def paper_box_items(
    lines: list[tuple[int, str]],
) -> tuple[list[Item], list[tuple[int, str]]]:
    """AcadHomepage's ``<div class='paper-box'>`` entries, one item each, and the other lines.

    A box holds an image with a badge ("CVPR 2025") and a text part: the title, the author
    and venue lines, the links and a bulleted description (dropped). The badge is kept as the
    item's last line, so it is the venue when the box names no other.
    """
    if not any(_BOX_OPEN.search(text) for _, text in lines):
        return [], lines
    items: list[Item] = []
    rest: list[tuple[int, str]] = []
    current: Item | None = None
    badge = ""
    in_text = False
    for lineno, text in lines:
        if _BOX_OPEN.search(text):
            if current is not None and current.lines:  # the previous box was never closed
                items.append(current)
                if badge and not _LABELLED.match(current.lines[0]):
                    current.lines.append(badge)
            m = _BADGE.search(text)
            badge = strip_markup(m.group(1)) if m else ""
            current, in_text = Item(lineno, []), False
            after = _BOX_TEXT.split(text, maxsplit=1)
            if len(after) == 2:
                in_text, text = True, after[1]
            else:
                continue
        if current is None:
            rest.append((lineno, text))
            continue
        if not rest or rest[-1][1].strip():
            rest.append((lineno, ""))  # the box ends whatever paragraph came before it
        if not in_text:
            after = _BOX_TEXT.split(text, maxsplit=1)
            if len(after) == 2:
                in_text, text = True, after[1]
            else:
                continue
        stripped = text.strip()
        if re.fullmatch(r"(?:</div>\s*)+", stripped) or stripped.endswith("</div>"):
            head = re.sub(r"(?:</div>\s*)+$", "", stripped)
            if head and not re.match(r"[-*+]\s", head):
                current.lines.append(head)
            if current.lines:
                if badge and not _LABELLED.match(current.lines[0]):
                    current.lines.append(badge)
                items.append(current)
            current = None
            continue
        if (
            stripped
            and not re.match(r"[-*+]\s", stripped)
            and not _description(stripped)
            and not _BOX_LABEL.fullmatch(stripped)
        ):
            current.lines.append(stripped)
    if current is not None and current.lines:
        items.append(current)
    return items, [(n, t) for n, t in rest if not re.fullmatch(r"\s*(?:</div>\s*)+", t)]


# A text that opens with its own label ("[**ICLR 2026**] [Title](…)"): the label, written with
# the entry and kept up to date with it, says the venue, not the image's badge.
_LABELLED = re.compile(r"^\s*(?:\*\*|__)?\\?\[[^\[\]\n]{2,300}\\?\](?!\()")


_HTML_ENTRY = re.compile(r"<(?:li|tr)\b[^<>]{0,300}>", re.I)
_HTML_HEADING = re.compile(r"<h[2-6]\b[^<>]{0,300}>", re.I)
_HTML_BLOCK = re.compile(
    r"<br\s*/?>|</?(?:td|th|p|div|li|tr|ul|ol|table|tbody|thead|h[2-6])\b[^<>]{0,300}>", re.I
)


def html_items(lines: list[tuple[int, str]]) -> list[Item] | None:
    """Entries written as HTML (``<li>`` or table rows): one item each, its blocks as lines."""
    text = "\n".join(t for _, t in lines)
    starts = [m.start() for m in _HTML_ENTRY.finditer(text)]
    if len(starts) < 2:  # <div> blocks each opened by an HTML heading: <h3>Title</h3><p>…</p>
        starts = [m.start() for m in _HTML_HEADING.finditer(text)]
    if len(starts) < 2 or not lines:
        return None
    # Each entry's line number is the number of the source line its start falls in (the lines
    # need not be consecutive: a section's lines can skip some).
    offsets, offset = [], 0
    for _, t in lines:
        offsets.append(offset)
        offset += len(t) + 1
    items = []
    for n, start in enumerate(starts):
        line = lines[bisect.bisect_right(offsets, start) - 1][0]
        end = starts[n + 1] if n + 1 < len(starts) else len(text)
        # the entry ends where it is closed, or at a markdown heading: not with what follows
        # the list ("</ol>\n\n## Under review" is not the last entry's venue)
        close = _HTML_ENTRY_END.search(text, start, end)
        end = close.end() if close else end
        heading = _MD_HEADING.search(text, start, end)
        end = heading.start() if heading else end
        chunk = _HTML_BLOCK.sub("\n", text[start:end])
        parts: list[str] = []
        for part in (p.strip() for p in chunk.split("\n")):
            if not strip_markup(part).strip():
                continue
            if parts and (
                (_SOFT_WRAP.match(part) and not _FIELD_END.search(parts[-1]))
                or _LIST_GOES_ON.search(parts[-1])
            ):
                parts[-1] = f"{parts[-1]} {part}"  # a sentence wrapped in the source: one line
            else:
                parts.append(part)
        if parts:
            items.append(Item(line, parts))
    return items


_HTML_ENTRY_END = re.compile(r"</(?:li|tr)\s*>", re.I)
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s", re.M)
# A source line that goes on with the sentence before it (HTML shows the two as one line)…
_SOFT_WRAP = re.compile(r"^[a-z]")
# …unless that sentence ended, or its line closed a piece of markup.
# …or it ends with a comma: a list of names written one per line ("<span>A. Lee</span>,").
_LIST_GOES_ON = re.compile(r",$")
_FIELD_END = re.compile(r"(?:[.;:!?]|</\w+>|\*\*|__)$")


def _corresponding_marker(lines: list[tuple[int, str]]) -> str:
    """A legend such as ``†  (Co-)Corresponding Author`` names the corresponding-author mark."""
    for _, line in lines[:80]:
        m = re.match(r"^\s*([†‡✉*#§¶])\s*\(?(?:co-\)?\s*)?corresponding", line, re.I)
        if m:
            return m.group(1)
    return ""


def _selected_marker(lines: list[tuple[int, str]]) -> str:
    """A legend such as ``🔹 Selected papers`` names the symbol that marks selected entries."""
    for _, line in lines[:80]:
        m = re.match(r"^\s*([^\w\s\[*_<(]{1,3})\s*selected\b", line, re.I)
        if m:
            return m.group(1)
    return ""


def highlighted_names(records: list[PublicationRecord]) -> list[str]:
    """Names shown highlighted in a publication list, most frequent first."""
    counts: dict[str, int] = {}
    for record in records:
        for author in record.authors:
            if author.is_owner:
                counts[author.name] = counts.get(author.name, 0) + 1
    return [name for name, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
