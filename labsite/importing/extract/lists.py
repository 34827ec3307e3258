"""News, honors, talks and teaching lists written by hand in markdown."""

from __future__ import annotations

import datetime
import hashlib
import re
import unicodedata
from collections import Counter

from labsite.importing.extract.common import (
    MONTH_RE,
    YEAR,
    Context,
    Item,
    find_links,
    item_lines,
    leading_date,
    link_kind,
    normalise,
    parse_date_text,
    remove_links,
    split_items,
    strip_markup,
)
from labsite.importing.records import HonorRecord, NewsRecord, SourceRef, TalkRecord, TeachingRecord
from labsite.importing.words import ONGOING_CJK, RANGE_DASHES, TALK_KINDS

# ---------------------------------------------------------------- dates

# Date spellings :func:`leading_date` does not read, respelled into ones it does:
# "2014年11月" → "2014-11", "2025-Dec" → "Dec 2025", "2016年6月至今" → "2016-06 - present".
_CJK_DATE = re.compile(
    r"(?P<y>(?:19|20)\d\d)\s*年(?:\s*(?P<m>\d{1,2})\s*月(?:\s*(?P<d>\d{1,2})\s*[日号])?)?"
)
_YEAR_MONTH = re.compile(
    rf"(?P<y>(?:19|20)\d\d)\s*[-/.]\s*(?P<mon>{MONTH_RE})(?![^\W\d_])"
    r"(?:[-/.](?P<d>\d{1,2})(?!\d))?",
    re.I,
)
_ONGOING_CJK = re.compile(rf"^\s*(?:{RANGE_DASHES}\s*)?(?:{'|'.join(ONGOING_CJK)})")
_RANGE_SEP = re.compile(rf"^\s*(?:{RANGE_DASHES}|to\b)\s*", re.I)
_FULL_PUNCT = re.compile(r"^\s*([，、；])\s*")
_LEAD_PREFIX = re.compile(r"^[^\w]{0,15}?(?=\d)")


def _one_date(text: str) -> tuple[str, int] | None:
    """A CJK or "YYYY-Mon" date at the very start of ``text``, respelled, and its length."""
    m = _CJK_DATE.match(text)
    if m:
        if m.group("m") is None:
            return m.group("y"), m.end()
        spelled = f"{m.group('y')}-{int(m.group('m')):02d}"
        return (f"{spelled}-{int(m.group('d')):02d}" if m.group("d") else spelled), m.end()
    m = _YEAR_MONTH.match(text)
    if m:
        mon = m.group("mon").rstrip(".")
        if m.group("d"):
            return f"{mon} {int(m.group('d'))}, {m.group('y')}", m.end()
        return f"{mon} {m.group('y')}", m.end()
    return None


def respell_date(text: str) -> str:
    """``text`` with a leading CJK (``2014年11月``) or ``2025-Dec`` date in a usual spelling.

    The second date of a range is respelled too (``2011年8月-2016年6月``, ``2016年6月至今``), so
    the range is seen as one; full-width punctuation after the date becomes its ASCII twin.
    Text that does not open with such a date is returned unchanged.
    """
    prefix = _LEAD_PREFIX.match(text)
    if prefix is None:
        return text
    start = prefix.end()
    first = _one_date(text[start:])
    if first is None:
        return text
    spelled, length = first
    pos = start + length
    ongoing = _ONGOING_CJK.match(text[pos:])
    sep = _RANGE_SEP.match(text[pos:])
    if ongoing:
        spelled += " - present"
        pos += ongoing.end()
    elif sep:
        second = _one_date(text[pos + sep.end() :])
        if second is not None:  # another date in a spelling of its own ("2016年6月")
            spelled += f" - {second[0]}"
            pos += sep.end() + second[1]
    punct = _FULL_PUNCT.match(text[pos:])
    tail = text[pos:]
    if punct:
        tail = {"，": ", ", "、": ", ", "；": "; "}[punct.group(1)] + text[pos + punct.end() :]
    return text[:start] + spelled + tail


_BARE_YEAR = re.compile(r"^(?P<lead>[^\w\[(*_<`]{0,12}?)\s*(?P<y>(?:19|20)\d\d)\s*,\s*(?=[^\W\d_])")


def lead_date(text: str, bare_year: bool = False) -> tuple[datetime.date, str, str] | None:
    """:func:`leading_date`, reading CJK and ``2025-Dec`` dates too (see :func:`respell_date`).

    With ``bare_year``, a year and a comma (``2022, Outstanding Mentor Award``) is a date too.
    A date that opens a range gives None, as there.
    """
    text = respell_date(text)
    found = leading_date(text)
    if found or not bare_year:
        return found
    m = _BARE_YEAR.match(text)
    if m is None:
        return None
    lead = m.group("lead").strip()
    rest = text[m.end() :].strip()
    return datetime.date(int(m.group("y")), 1, 1), "year", (f"{lead} {rest}" if lead else rest)


# ---------------------------------------------------------------- keys


def _text_digest(text: str) -> str:
    """A short stable digest of an item's whole text, whatever its script."""
    plain = " ".join(unicodedata.normalize("NFKC", strip_markup(text)).casefold().split())
    return hashlib.sha1(plain.encode("utf-8")).hexdigest()[:10]


def distinct_keys(records: list, texts: list[str]) -> None:
    """Give each record of one list a key of its own.

    The keys are made of a few normalised words, which two items may share (two awards of one
    year written in a script :func:`normalise` drops, a date and the same title): the first
    keeps its key, a later one gets its text's digest added, and an item repeated word for
    word its position among the repeats, so none overwrites another on import.
    """
    seen: set[str] = set()
    repeats: Counter[str] = Counter()
    for record, text in zip(records, texts, strict=True):
        key = record.key
        if key in seen:
            key = f"{record.key}~{_text_digest(text)}"
            repeats[key] += 1
            if repeats[key] > 1:
                key = f"{key}#{repeats[key]}"
        seen.add(key)
        record.key = key


# ---------------------------------------------------------------- news


def extract_news(lines: list[tuple[int, str]], source_path: str) -> list[NewsRecord]:
    """Date-led items: ``Month YYYY:``, ``[Mon YYYY]``, ``YYYY-MM-DD``, ``**Jan 2024**``,
    ``2024-Jan``, ``2024年1月``, and in a list ``2024,`` (see :func:`lead_date`).

    A leading emoji stays in the text; the date and its punctuation go. An item led by a range
    of dates (``2020年9月-2024年6月，…``) is a CV row, not news. Items of one date get keys of
    their own (:func:`distinct_keys`).
    """
    out: list[NewsRecord] = []
    texts: list[str] = []
    for item in dated_items(lines):
        text = _unwrap(" ".join(item_lines(item)).strip())
        if len(text) > 20000:
            continue
        found = lead_date(text, bare_year=item.is_list)
        if not found:
            continue
        date, precision, rest = found
        rest = re.sub(r"^(?:&nbsp;|\s)+", "", rest.strip().strip("|").strip())
        if not strip_markup(rest):
            continue
        out.append(
            NewsRecord(
                date=date,
                text=rest,
                precision=precision,
                source=SourceRef(source_path, item.line),
                key=f"{date.isoformat()}:{normalise(strip_markup(rest))[:80]}",
            )
        )
        texts.append(rest)
    distinct_keys(out, texts)
    return out


def _unwrap(text: str) -> str:
    """``<li><b>Jan 2024</b>: …</li>`` and ``| Jan 2024 | … |`` read like plain items."""
    text = re.sub(r"^(?:\s*<(?:li|p|div|td|tr)\b[^<>]{0,200}>)+", "", text, flags=re.I)
    text = re.sub(r"(?:</(?:li|p|div|td|tr|ul|ol|table|tbody)>\s*)+$", "", text, flags=re.I)
    return re.sub(r"</td>\s*<td[^<>]{0,200}>", " | ", text, flags=re.I).strip()


def dated_items(lines: list[tuple[int, str]]) -> list[Item]:
    """Items, with a paragraph whose lines each open with a date (or a table) split per line."""
    out: list[Item] = []
    for item in split_items(lines):
        parts = item.lines
        starts = [
            i
            for i, part in enumerate(parts)
            if i == 0 or part.lstrip().startswith("|") or lead_date(_unwrap(part.strip())[:300])
        ]
        if len(starts) == 1:
            out.append(item)
            continue
        for n, start in enumerate(starts):
            end = starts[n + 1] if n + 1 < len(starts) else len(parts)
            out.append(Item(item.line + start, parts[start:end], item.is_list))
    return out


# ---------------------------------------------------------------- honors

_RANGE_END = re.compile(
    r"[\s,(]*((?:19|20)\d\d)\s*(?:[-–—/]\s*(?:(?:19|20)?\d\d|present|now))?\)?\.?\s*$", re.I
)


_LEAD_RANGE = re.compile(
    r"^[^\w]{0,6}((?:19|20)\d\d)(?:[./-]\d{1,2})?\s*[-–—~]\s*"
    r"(?:(?:19|20)\d\d(?:[./-]\d{1,2})?|present|now)\s*[)\]]?\s*(?:[:,.|–—-]\s*|\s)",
    re.I,
)


def split_honor(text: str) -> tuple[str, int | None, str, str]:
    """(title, year, detail, url) of one honor line."""
    links = find_links(text)
    url = links[0][1] if links else ""
    text = respell_date(text)  # "2014年11月，…", "2025-Dec …", "2011年8月-2016年6月，…"
    span = _LEAD_RANGE.match(strip_markup(text))
    if span and span.end() < len(strip_markup(text)):  # "_2021 - 2023_, Merit Student"
        title, _, detail, _ = split_honor(strip_markup(text)[span.end() :])
        return title, int(span.group(1)), detail, url
    lead = lead_date(text, bare_year=True)
    if lead and lead[2]:  # "2023: Best Paper Award", "**2023** Fellowship", "2023, Fellowship"
        title, _, detail, _ = split_honor(lead[2])
        return title, lead[0].year, detail, url
    plain = strip_markup(text).strip().rstrip(".")
    lead_year = re.match(r"((?:19|20)\d\d)\s+(?=\S)", plain)
    if lead_year and len(YEAR.findall(plain)) == 1:  # "2023 Best Paper Award"
        title, _, detail, _ = split_honor(plain[lead_year.end() :])
        return title, int(lead_year.group(1)), detail, url
    year = None
    years = YEAR.findall(plain)
    m = _RANGE_END.search(plain)
    ranged = bool(m and re.search(r"[-–—/]", m.group(0)))
    if m and (len(years) == 1 or (ranged and len(years) == 2)):
        year = int(m.group(1))
        plain = plain[: m.start()].strip().rstrip(",;:")
    elif years:
        year = int(years[0])
    title, detail = plain, ""
    for m in re.finditer(r"\s*[,:;]\s+|\s+[-–—]\s+", plain):
        if plain.count("(", 0, m.start()) == plain.count(")", 0, m.start()):  # not in (…)
            title, detail = plain[: m.start()], plain[m.end() :]
            break
    if year is not None and not detail:
        title = re.sub(rf"[\s,]*\(?{year}\)?$", "", title).strip()
    detail = re.sub(r"[\s,]*$", "", detail)
    return title.strip(" *"), year, detail.strip(), url


_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*)$")


def extract_honors(lines: list[tuple[int, str]], source_path: str) -> list[HonorRecord]:
    out: list[HonorRecord] = []
    texts: list[str] = []
    items = split_items(lines)
    has_list = any(item.is_list for item in items)
    heading_year: int | None = None
    for item in items:
        text = " ".join(item_lines(item))[:2000]
        if not strip_markup(text):
            continue
        heading = _HEADING.match(text)
        if heading:  # "## 2025" over the year's honors; "### Scholarships" over a group
            years = YEAR.findall(heading.group(1))
            heading_year = int(years[0]) if len(years) == 1 else None
            continue
        title, year, detail, url = split_honor(text)
        year = year if year is not None else heading_year
        if not title:
            continue
        label = not item.is_list and year is None and not detail and not url
        if has_list and label and len(title.split()) <= 4:
            continue  # a label over part of the list ("Scholarships", "Competitions")
        out.append(
            HonorRecord(
                title=title,
                year=year,
                detail=detail,
                url=url,
                source=SourceRef(source_path, item.line),
                key=f"{normalise(title)[:120]}:{year or ''}",
            )
        )
        texts.append(text)
    distinct_keys(out, texts)
    return out


# ---------------------------------------------------------------- talks

_TALK_KINDS = TALK_KINDS


def talk_kind(text: str) -> str:
    low = text.lower()
    for kind, pattern in _TALK_KINDS:
        if re.search(pattern, low):
            return kind
    return "talk"


def _talk_links(text: str, talk: TalkRecord, ctx: Context) -> None:
    for label, url, _ in find_links(text):
        kind = link_kind(label, url)
        if kind == "slides" and not talk.slides_url:
            talk.slides_url = ctx.absolute(url)
        elif kind == "video" and not talk.video_url:
            talk.video_url = ctx.absolute(url)
        elif not talk.url:
            talk.url = ctx.absolute(url)


def extract_talks(lines: list[tuple[int, str]], ctx: Context, source_path: str) -> list[TalkRecord]:
    """A talk per line; a bold title line followed by a list of venues gives one talk per venue."""
    out: list[TalkRecord] = []
    current_title = ""
    for item in split_items(lines):
        parts = item_lines(item)
        if not parts:
            continue
        text = " ".join(parts)[:3000]
        plain_item = strip_markup(text)
        if not item.is_list and re.fullmatch(
            r"\s*(?:\*\*|__|<b>|<strong>).{2,400}(?:\*\*|__|</b>|</strong>)\s*:?\s*", parts[0]
        ):
            current_title = strip_markup(parts[0]).rstrip(":")
            for venue_line in parts[1:]:
                out.append(_venue_talk(current_title, venue_line, item.line, ctx, source_path))
            continue
        if item.is_list and current_title:
            out.append(_venue_talk(current_title, text, item.line, ctx, source_path))
            continue
        if not plain_item or len(plain_item.split()) < 3 or plain_item.endswith(("...", "…", ":")):
            continue
        talk = TalkRecord(title="", source=SourceRef(source_path, item.line))
        dated = leading_date(text)
        body = dated[2] if dated else text
        if dated:
            talk.date = dated[0]
        italic = re.search(r"(?<![\w*])[*_]([^*_]{3,300})[*_](?![\w*])", body)
        quoted = re.search(r"[\"“]([^\"“”]{3,300})[\"”]", body)
        plain = strip_markup(remove_links(body)).strip()
        plain = re.sub(r"\(\s*\)", "", plain).strip(" ,.")
        if italic:
            talk.title = strip_markup(italic.group(1)).strip(" .")
            talk.event = strip_markup(remove_links(body.replace(italic.group(0), " "))).strip(
                " .,:;()"
            )
        elif quoted:
            talk.title = strip_markup(quoted.group(1)).strip(" .,")
            talk.event = strip_markup(remove_links(body.replace(quoted.group(0), " "))).strip(
                " .,:;()"
            )
        else:
            head, _, tail = plain.partition(", ")
            talk.title, talk.event = head.strip(), tail.strip()
        if talk.date is None:
            parsed = parse_date_text(talk.event)
            if parsed and parsed[1] != "year":
                talk.date = parsed[0]
        talk.kind = talk_kind(plain)
        _talk_links(body, talk, ctx)
        talk.key = f"{normalise(talk.title)[:120]}:{normalise(talk.event)[:60]}"
        if talk.title:
            out.append(talk)
    return out


def _venue_talk(title: str, line: str, lineno: int, ctx: Context, source_path: str) -> TalkRecord:
    event = strip_markup(remove_links(line)).strip(" .,;")
    talk = TalkRecord(title=title, event=event, kind=talk_kind(event))
    talk.source = SourceRef(source_path, lineno)
    parsed = parse_date_text(event)
    if parsed and parsed[1] != "year":
        talk.date = parsed[0]
    _talk_links(line, talk, ctx)
    talk.key = f"{normalise(title)[:120]}:{normalise(event)[:60]}"
    return talk


# ---------------------------------------------------------------- teaching

_TERM = re.compile(
    r"\b((?:Spring|Summer|Fall|Autumn|Winter|Michaelmas|Hilary|Trinity)[\s,]+(?:19|20)\d\d"
    r"(?:[^@]{0,60})?)$|\(((?:Spring|Summer|Fall|Autumn|Winter)\s+(?:19|20)\d\d)\)",
    re.I,
)


def parse_teaching(text: str) -> TeachingRecord | None:
    """``Role: Course @ Institution, Term``, ``(Spring 2019) AMAT 100 …``, ``**Course** at X``."""
    plain = strip_markup(remove_links(text)).strip().rstrip(".")
    if not plain or len(plain) > 1000:
        return None
    links = find_links(text)
    record = TeachingRecord(course="", url=links[0][1] if links else "")
    m = re.match(r"^\(([^()]{3,60})\)\s*(.+)$", plain)
    if m and YEAR.search(m.group(1)):
        record.term, plain = m.group(1).strip(), m.group(2).strip()
    if not record.term:
        t = _TERM.search(plain)
        if t:
            record.term = (t.group(1) or t.group(2)).strip()
            plain = plain[: t.start()].strip(" ,;-–(")
    if not record.term:
        m = re.search(r"[,\s(]+((?:19|20)\d\d(?:\s*[-–]\s*(?:19|20)?\d\d)?)\)?$", plain)
        if m:
            record.term = m.group(1)
            plain = plain[: m.start()].strip(" ,;:-–—")
    years = YEAR.findall(record.term)
    record.year = int(years[0]) if years else None
    role, sep, rest = plain.partition(": ")
    if sep and len(role.split()) <= 5:
        record.role, plain = role.strip(), rest.strip()
    for marker in (" @ ", " at ", ", "):
        if marker in plain:
            course, _, inst = plain.partition(marker)
            record.course, record.institution = course.strip(), inst.strip(" ,")
            break
    else:
        record.course = plain.strip()
    if not record.course:
        return None
    bold = bool(re.match(r"^\s*(?:\*\*|__|<b>|<strong>)", text))
    if not (record.term or record.year or bold or record.role):
        return None  # a sentence about teaching, not a course
    record.key = f"{normalise(record.course)[:120]}:{normalise(record.term)}"
    return record


def extract_teaching(lines: list[tuple[int, str]], source_path: str) -> list[TeachingRecord]:
    out: list[TeachingRecord] = []
    for item in split_items(lines):
        parts = item_lines(item)
        if not parts:
            continue
        head = parts[0].lstrip()
        if len(strip_markup(head).split()) > 14 and not head.startswith(("**", "__", "<b", "(")):
            continue  # a course description under the course line, not a course
        record = parse_teaching(parts[0])
        if record is None:
            continue
        record.source = SourceRef(source_path, item.line)
        out.append(record)
    return out


def teaching_from_headings(
    headings: list[tuple[str, int]], source_path: str
) -> list[TeachingRecord]:
    """Teaching written as one heading per course (``### TA: Course @ School, Fall 2020``)."""
    out = []
    for text, line in headings:
        record = parse_teaching(text)
        if record is not None:
            record.source = SourceRef(source_path, line)
            out.append(record)
    return out
