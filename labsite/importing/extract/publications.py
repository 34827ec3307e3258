"""Publication lists written by hand in markdown, in their many layouts.

Two layouts cover almost every homepage:

- *stacked*: a bold or linked title line, then the author line, then venue/year, award, note
  and link lines (``\\[[Paper](…)\\], \\[[Code](…)\\]``, ``[[arxiv](…), [code](…)]``, HTML anchors);
- *citation*: one line, ``A. Author, **B. Owner**. "Title." **Venue 2023** [(arxiv)](…)`` or
  ``Authors. [*Title*](…), Venue, 2022.``

Each line after the title is recognised by its shape, not its position, so an award line
before the venue or a missing author line does not derail the rest.
"""

from __future__ import annotations

import re

from labsite.importing.extract.authors import looks_like_authors, parse_authors, split_top_level
from labsite.importing.extract.common import (
    YEAR,
    Context,
    Item,
    arxiv_date,
    arxiv_id,
    doi_of,
    find_links,
    item_lines,
    link_kind,
    normalise,
    parse_date_text,
    remove_links,
    split_items,
    strip_markup,
)
from labsite.importing.extract.venues import split_venue, status_of
from labsite.importing.records import LinkRecord, PublicationRecord, SourceRef

_LEAD_SYMBOLS = re.compile(r"^[\s\W_]{0,6}?(?=[\[*_<\"“\w])")
_QUOTED = re.compile(r"[\"“]([^\"“”]{8,400}?)[\"”]")
_SPAN = re.compile(
    r"\*\*(?P<b>.{2,600}?)\*\*|__(?P<u>.{2,600}?)__|<(?:b|strong)>(?P<h>.{2,600}?)</(?:b|strong)>"
    r"|(?<![\w*])[*_](?P<i>[^*_\n]{2,600}?)[*_](?![\w*])"
)
_AWARD = re.compile(
    r"award|best\s+(?:\w+\s+){0,3}papers?|outstanding\s+paper|honou?rable mention|runner[- ]up"
    r"|\bprize\b|🏆|color\s*:\s*red",
    re.I,
)
_AWARD_WORDS = re.compile(
    r"award|best|outstanding|distinguished|honou?rable|runner[- ]up|prize|winner|🏆|🥇", re.I
)
_NOTE_LINE = re.compile(
    r"^(?:long |short )?(?:spotlight|oral|poster|highlight|contributed talk|invited talk|"
    r"selected for|top \d)",
    re.I,
)
_LINK_ONLY_JUNK = re.compile(r"[\s\[\](),|/·•;:\\-]+")


def _names_end(line: str) -> re.Match[str] | None:
    """The full stop that ends a name list: after a word of three letters or more, not "A."."""
    for m in re.finditer(r"\.\s+(?=\S)", line[:3000]):
        if re.search(r"[^\W\d_]{3,}$", strip_markup(line[: m.start()])):
            return m
    return None


_EMPTY_LINK = re.compile(r"\[([^\[\]]{2,800})\]\(\s*\)")  # "[Title]()": a title, no address
_CODE_BADGE = re.compile(r"^`{0,2}([^`\n]{2,40}?)`{1,2}(?!`)\s*")
_ITALIC_START = re.compile(r",\s*(?=(?:\*(?!\*)|_(?!_))[^\W\d_])")
_BOLD_VENUE = re.compile(r",\s*(?=\*\*([^*\n]{2,120})\*\*)")


def _authors_before_italic(line: str) -> int:
    """Where the venue starts in ``A. Lovelace, **B. Owner**, *Venue*, 2023`` (0 if it does not).

    A bold venue works too (``A. Lovelace and **B. Owner**, **ICSE 2025** (CCF-A)``) when the
    bold text reads as a venue: it holds a year, or is one acronym such as ``EMSE``.
    """
    for m in _ITALIC_START.finditer(line[:3000]):
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


def _authors_after_venue(line: str) -> bool:
    """An author line that follows the venue line: highlighted owner or three names or more."""
    if not looks_like_authors(line, single_ok=False):
        return False
    return bool(_HIGHLIGHT_MARK.search(line)) or len(split_top_level(strip_markup(line))) >= 3


_HIGHLIGHT_MARK = re.compile(r"<u>|<b>|<strong>|\*\*|__|<mark>", re.I)


def _is_link_line(line: str) -> bool:
    if not find_links(line):
        return False
    rest = _LINK_ONLY_JUNK.sub("", strip_markup(remove_links(line)))
    return len(rest) <= 2


def _link_records(line: str, ctx: Context) -> list[LinkRecord]:
    out = []
    for label, url, _pos in find_links(line):
        kind = link_kind(label, url)
        clean_label = label.strip("()[] ")
        keep = clean_label if normalise(clean_label) not in (kind, "") else ""
        out.append(LinkRecord(kind=kind, url=ctx.absolute(url), label=keep))
    return out


def _strip_lead(line: str) -> str:
    """Drop leading bullets, ``[12]`` numbers and emoji (``🔹**Title**``) but keep markup."""
    line = re.sub(r"^\s*[\[(][A-Z]{0,3}[-.]?\d{1,3}[\])]\s*", "", line)  # [12], [C3], (J-2)
    m = _LEAD_SYMBOLS.match(line)
    return line[m.end() :] if m else line


def _title_span(line: str) -> tuple[str, str, int, int] | None:
    """(title, url, start, end) of the first span that reads as a title, not a name."""
    candidates: list[tuple[str, str, int, int]] = []
    for m in _QUOTED.finditer(line):
        title = strip_markup(m.group(1)).strip(" .,")
        if len(title.split()) >= 3:
            links = find_links(m.group(1))
            candidates.append((title, links[0][1] if links else "", m.start(), m.end()))
            break
    if candidates:
        return candidates[0]
    for label, url, pos in find_links(line):
        if len(label.split()) >= 3 and not looks_like_authors(label):
            end = line.find(")", line.find(url, pos) + len(url)) + 1 if url in line else pos
            return strip_markup(label).strip(" .,"), url, pos, max(end, pos)
    for m in _SPAN.finditer(line):
        inner = next(g for g in m.groups() if g is not None)
        text = strip_markup(inner).strip(" .,")
        if len(text.split()) >= 3 and not looks_like_authors(inner):
            links = find_links(inner)
            return text, links[0][1] if links else "", m.start(), m.end()
    return None


_APA = re.compile(
    r"^(?P<authors>.{2,3000}?)\s*\(\s*(?P<year>(?:19|20)\d\d)[a-z]?"
    r"(?:\s*,\s*[^()]{1,30})?\s*\)\s*\.?\s*(?:\*\*|__|</b>|</strong>)?\s*\.?\s*(?P<rest>\S.*)$"
)
_APA_NAME = re.compile(r"[^\W\d_]{2,},\s*(?:[A-Z]\.\s?-?){1,3}")


def _apa_citation(line: str) -> tuple[str, str, str, str] | None:
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
    if len(title.split()) < 2:
        return None
    after = rest[end.end() :].strip()
    after = re.sub(r"(?<![(<\"'=])\b(https?://[^\s<>()\[\]]*[^\s<>()\[\].,;])", r"<\1>", after)
    return authors, title, m.group("year"), after


def _sentence_title_before_italic(
    line: str, span: tuple[str, str, int, int]
) -> tuple[str, str, int, int]:
    """``A. Author, B. Owner. Plain title. *Journal of Sand*, 2021``: the italic span is the
    venue and the sentence between the names and it is the title."""
    start = span[2]
    if line[start : start + 1] not in ("*", "_") or line[start : start + 2] in ("**", "__"):
        return span
    names = _names_end(line[:start])
    if names is None or not looks_like_authors(line[: names.start()], single_ok=True):
        return span
    middle = line[names.end() : start].strip().rstrip(".,").strip()
    if len(strip_markup(middle).split()) < 2 or find_links(middle):
        return span
    return strip_markup(middle), "", names.start(), start


# Vancouver / PubMed: "Brook A, Carr BC, **Dunn C**. Title. Journal. 2020;5(2):10-20."
_VANCOUVER_NAME = (
    r"(?:\*\*|<b>|<strong>|<u>)?[^\W\d_][\w'’\-]*(?:\s[^\W\d_][\w'’\-]*){0,2}\s[A-Z]{1,3}"
    r"(?:\*\*|</b>|</strong>|</u>)?[*†#]?"
)
_VANCOUVER = re.compile(
    rf"^(?P<authors>{_VANCOUVER_NAME}(?:,\s*{_VANCOUVER_NAME}){{0,200}}(?:,?\s*et al)?)\.\s+"
    r"(?P<title>[^.?!]{8,400}[.?!])\s+(?P<rest>\S.*)$"
)


def _vancouver_citation(line: str) -> tuple[str, str, str] | None:
    """(authors, title, rest) of a Vancouver reference, the authors as "A. Brook, B. C. Carr"."""
    m = _VANCOUVER.match(line[:4000])
    if not m or not YEAR.search(m.group("rest")):
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
    return authors, m.group("title").rstrip("."), rest


def _plain_citation(line: str) -> tuple[str, str, int, int] | None:
    """``A. Author, B. Owner. A title in plain text. Venue, 2022.`` — no markup at all."""
    names = _names_end(line)
    if names is None or not looks_like_authors(line[: names.start()], single_ok=False):
        return None
    rest_start = names.end()
    end = re.search(r"[.?!](?=\s+\S)", line[rest_start : rest_start + 600])
    if end is None:
        return None
    title = strip_markup(line[rest_start : rest_start + end.start() + 1]).rstrip(".").strip()
    tail = line[rest_start + end.end() :]
    if len(title.split()) < 3 or not YEAR.search(tail):
        return None  # without a year after it, this is a sentence, not a citation
    return title, "", names.start(), rest_start + end.end()


def parse_entry(
    item: Item, ctx: Context, source_path: str, selected: bool = False
) -> PublicationRecord | None:
    """One list item or paragraph → a publication, or None if it does not read as one."""
    lines = [_strip_lead(_EMPTY_LINK.sub(r"**\1**", ln)) for ln in item_lines(item)]
    if lines and item_lines(item)[0].lstrip().startswith("`"):
        lines[0] = item_lines(item)[0].lstrip()  # keep the badge's backticks for _CODE_BADGE
    lines = [ln for ln in lines if ln]
    if not lines or len("".join(lines)) > 20000:
        return None
    first = lines[0]
    rest_lines = lines[1:]
    title = url = ""
    authors_text = ""
    tail_parts: list[str] = []
    badge = (
        _CODE_BADGE.match(first) if first.startswith("`") else None
    )  # "``NeurIPS 2025`` **Title**": the badge is a venue hint
    if badge and strip_markup(first[badge.end() :]):
        first = first[badge.end() :]
        tail_parts.append(badge.group(1))
    first_plain = strip_markup(first)
    vancouver = _vancouver_citation(first) if not _apa_citation(first) else None
    if vancouver:  # "Brook A, Carr B. Title. Journal. 2020;5(2):10-20."
        authors_text, title, after = vancouver
        record = PublicationRecord(title=title, source=SourceRef(source_path, item.line))
        more = [p for p in after.split("\n") if p.strip(" .;")]
        return _finish_entry(record, item, ctx, selected, authors_text, "", [*more, *rest_lines])
    apa = _apa_citation(first)
    if apa:  # "Last, F., & Last, F. (2023). Title. *Venue*": authors, then the year, then the title
        authors_text, title, year, after = apa
        record = PublicationRecord(title=title, source=SourceRef(source_path, item.line))
        done = _finish_entry(record, item, ctx, selected, authors_text, "", [after, *rest_lines])
        if done is not None and done.year is None:
            done.year = int(year)
        return done
    whole_span = re.fullmatch(
        r"(?:\*\*|__|<b>|<strong>)?\s*(?:\[.{2,800}\]\([^()\s]{1,1000}\)|[^\[\]]{2,800}?)\s*"
        r"(?:\*\*|__|</b>|</strong>)?[\s†‡*✉⭑\\]*(?:\((?:spotlight|oral|poster)[^()]{0,40}\))?",
        first.strip(),
        re.I,
    )
    first_is_authors = looks_like_authors(first, single_ok=False)
    if rest_lines and whole_span and not first_is_authors and not _is_link_line(first):
        links = find_links(first)
        title = strip_markup(remove_links(first)) if not links else links[0][0]
        if links and len(strip_markup(remove_links(first)).strip(" †‡*\\")) > 3:
            title = first_plain
        url = links[0][1] if links else ""
        title = title.strip(" †‡*✉⭑\\").rstrip(".").strip()
        tag = re.match(r"^\[(spotlight|oral|poster|workshop|highlight)\]\s*", title, re.I)
        if tag:
            tail_parts.append(f"({tag.group(1)})")
            title = title[tag.end() :]
        note_in_title = re.search(r"\((spotlight|oral|poster)[^()]{0,40}\)", title, re.I)
        if note_in_title:
            tail_parts.append(note_in_title.group(0))
            title = title.replace(note_in_title.group(0), "").strip()
    else:
        span = _title_span(first) or _plain_citation(first)
        if span is None:
            return None
        span = _sentence_title_before_italic(first, span)
        title, url, start, end = span
        authors_text = first[:start].strip().rstrip(".,:")
        if re.search(r"\w", strip_markup(authors_text)) and not looks_like_authors(authors_text):
            return None  # prose that happens to hold a link, not "Authors. Title. Venue"
        after = first[end:].strip().lstrip(".,:").strip()
        if after:
            tail_parts.append(after)
    if not title or len(title.split()) < 2 and not rest_lines:
        return None
    record = PublicationRecord(title=title, source=SourceRef(source_path, item.line))
    return _finish_entry(record, item, ctx, selected, authors_text, url, rest_lines + tail_parts)


def _finish_entry(
    record: PublicationRecord,
    item: Item,
    ctx: Context,
    selected: bool,
    authors_text: str,
    url: str,
    more: list[str],
) -> PublicationRecord | None:
    """Authors, venue, year, links, awards and notes from the lines after the title."""
    record.selected = selected
    title = record.title
    if authors_text:
        record.authors = parse_authors(authors_text)
    links: list[LinkRecord] = []
    venue_lines: list[str] = []
    awards: list[str] = []
    notes: list[str] = []
    status = ""
    for line in more:
        plain = strip_markup(line)
        if not plain and not find_links(line):
            continue
        if not record.authors and not venue_lines:
            venue_at = _authors_before_italic(line)  # "A, B, **Owner**, **EMSE** (CCF-B)"
            if venue_at:
                record.authors = parse_authors(line[:venue_at].rstrip(" ,"))
                line = line[venue_at:].lstrip(" ,")
                plain = strip_markup(line)
        if not record.authors and not venue_lines and looks_like_authors(line):
            record.authors = parse_authors(line)
            continue
        if not record.authors and venue_lines and _authors_after_venue(line):
            record.authors = parse_authors(line)  # venue line first, then the authors
            continue
        if not record.authors and not venue_lines:
            italic = _authors_before_italic(line)  # "A. Lovelace, B. Smith, *Venue*, 2023"
            if italic:
                record.authors = parse_authors(line[:italic])
                line = line[italic:].lstrip(" ,")
                plain = strip_markup(line)
        if not record.authors and not venue_lines:
            split = _names_end(line)  # "A. Lovelace, B. Smith. NeurIPS 2023"
            if split and looks_like_authors(line[: split.start()], single_ok=False):
                record.authors = parse_authors(line[: split.start()])
                line = line[split.end() :]
                plain = strip_markup(line)
        if _is_link_line(line):
            links.extend(_link_records(line, ctx))
            continue
        red = re.search(
            r"<span[^<>]{0,200}color\s*:\s*red[^<>]{0,200}>(.{1,300}?)</span>", line, re.I
        )
        if red:
            red_text = strip_markup(red.group(1)).replace("🏆", "").strip(" !")
            if _NOTE_LINE.match(red_text.strip(" ()")):
                notes.append(red_text.strip(" ()"))  # "(Spotlight)" in red is a note
            elif _AWARD_WORDS.search(red.group(1)) or len(red_text.split()) > 3:
                awards.append(red_text)
            else:
                notes.append(red_text)  # "CCF-A", "Q1": a ranking in red, not an award
            line = line.replace(red.group(0), " ").replace("🏆", " ")
            plain = strip_markup(line)
            if not plain:
                continue
        body = strip_markup(remove_links(line)).strip()
        body_bare = body.strip(" ()[],.;:|")
        if _AWARD.search(body) and not re.search(r"\b(?:19|20)\d\d\b", body_bare[-6:] or "x"):
            awards.append(body.replace("🏆", "").strip(" *"))
            links.extend(_link_records(line, ctx))
            continue
        if _NOTE_LINE.match(body_bare):
            notes.append(body_bare)
            continue
        line_status = status_of(body_bare)
        if line_status in ("under_review",) and len(body_bare.split()) <= 8:
            status = line_status
            continue
        if body_bare:
            venue_lines.append(remove_links(line))
        links.extend(_link_records(line, ctx))
    _apply_venue(record, venue_lines, notes)
    if status and not record.status:
        record.status = status
    if not record.kind and record.status in ("preprint", "under_review") and not record.venue:
        record.kind = "preprint"
    record.award = "; ".join(a for a in awards if a)
    record.note = ", ".join(n for n in notes if n)
    if url:
        title_link = LinkRecord(kind=link_kind("paper", url), url=ctx.absolute(url))
        title_link.kind = "arxiv" if "arxiv.org" in url else "paper"
        if not any(link.url == title_link.url or link.kind == title_link.kind for link in links):
            links.insert(0, title_link)
    seen: set[str] = set()
    for link in links:
        if link.url in seen:
            continue
        seen.add(link.url)
        record.links.append(link)
    everything = " ".join([url, *[link.url for link in record.links], *more])
    record.arxiv_id = arxiv_id(everything)
    record.doi = doi_of(everything)
    record.key = normalise(title)[:200]
    if record.year is None and record.arxiv_id:
        dated = arxiv_date(record.arxiv_id)  # "arXiv preprint arXiv:2406.04307" and no year
        if dated:
            record.year, record.month = dated
    if not record.authors and record.year is None and not record.venue:
        return None  # a lone linked line ("Google Scholar Page") is not a publication
    return record


def _apply_venue(record: PublicationRecord, venue_lines: list[str], notes: list[str]) -> None:
    """Fill venue, year, month, status, kind and short venue from the venue line(s)."""
    if not venue_lines:
        return
    parts: list[str] = []
    for line in venue_lines:
        parts.extend(p for p in re.split(r"\s+\|\s+|\s*\|\s*(?=\*)", line) if p.strip())
    main = ""
    for part in parts:
        plain = strip_markup(part).strip(" ,.;()")
        if not plain:
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
    record.kind = venue.kind
    if venue.note:
        notes.append(venue.note)


def extract_publications(
    lines: list[tuple[int, str]], ctx: Context, source_path: str, selected: bool = False
) -> list[PublicationRecord]:
    """Every publication in a section's lines, in order."""
    legend = _selected_marker(lines)
    corresponding = _corresponding_marker(lines)
    out: list[PublicationRecord] = []
    boxes, lines = paper_box_items(lines)
    rows, lines = table_items(lines)
    for item in boxes + rows + (html_items(lines) or split_items(lines)):
        record = parse_entry(item, ctx, source_path, selected)
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
    return words >= 40 or (words >= 20 and not YEAR.search(line))


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
                if badge:
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
                if badge:
                    current.lines.append(badge)
                items.append(current)
            current = None
            continue
        if stripped and not re.match(r"[-*+]\s", stripped) and not _description(stripped):
            current.lines.append(stripped)
    if current is not None and current.lines:
        items.append(current)
    return items, [(n, t) for n, t in rest if not re.fullmatch(r"\s*(?:</div>\s*)+", t)]


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
    line, previous = lines[0][0], 0
    items = []
    for n, start in enumerate(starts):
        line += text.count("\n", previous, start)  # counted piecewise: linear in the text
        previous = start
        end = starts[n + 1] if n + 1 < len(starts) else len(text)
        chunk = _HTML_BLOCK.sub("\n", text[start:end])
        parts = [p.strip() for p in chunk.split("\n") if strip_markup(p).strip()]
        if parts:
            items.append(Item(line, parts))
    return items


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
