"""CV rows from the CV sources homepages keep: education, positions held, service.

Three shapes, one record (:class:`~labsite.importing.records.CVEntryRecord`):

- a markdown CV page (academicpages' ``_pages/cv.md``): sections under headings such as
  "Education" or "Work experience", one list item per entry — ``Ph.D. in X, University,
  2018`` or ``Spring 2024: Research Assistant`` with the place and duties as sub-items;
- JSON Resume (``assets/json/resume.json``, al-folio's CV page): ``education``, ``work``,
  ``volunteer``;
- al-folio's older ``_data/cv.yml``: a list of sections with ``title`` and ``contents``.

Everything else in those sources (publications, talks, awards, skills) is read elsewhere or
left out: the CV page builds those from the member's own rows. Section headings are looked up
in :data:`SECTION_KINDS`, a table of words in several languages, not in control flow.
"""

from __future__ import annotations

import re
from typing import Any

from labsite.importing.extract.common import CJK_LETTER, MONTH_RE, strip_markup, year_of
from labsite.importing.records import CVEntryRecord, SourceRef
from labsite.importing.words import INSTITUTION_FIRST_WORDS, ONGOING_WORDS, RANGE_DASHES

#: Heading words (lower case, without punctuation) → CV entry kind.
SECTION_KINDS: dict[str, str] = {
    # education
    "education": "education",
    "academic background": "education",
    "degrees": "education",
    "formation": "education",
    "ausbildung": "education",
    "educación": "education",
    "formação": "education",
    "istruzione": "education",
    "教育经历": "education",
    "教育背景": "education",
    # positions
    "experience": "experience",
    "work experience": "experience",
    "professional experience": "experience",
    "research experience": "experience",
    "employment": "experience",
    "positions": "experience",
    "academic positions": "experience",
    "appointments": "experience",
    "work": "experience",
    "berufserfahrung": "experience",
    "experiencia": "experience",
    "expérience": "experience",
    "expérience professionnelle": "experience",
    "工作经历": "experience",
    # service
    "service": "service",
    "professional service": "service",
    "academic service": "service",
    "services": "service",
    "volunteer": "service",
    "volunteering": "service",
    "outreach": "service",
}

_CJK = re.compile(f"[{CJK_LETTER}]")

_HEADING_ATX = re.compile(r"^#{1,6}\s+(?P<text>.+?)\s*#*\s*$")
_SETEXT = re.compile(r"^(?:=+|-+)\s*$")
_YEAR = r"(?:19|20)\d{2}"
# One date of a CV row, a year with the month if given: "2016", "2016.09", "Sep 2016",
# "2016-Sep", "2016年9月" (the month is read over: a CV row keeps years).
_DATE = (
    rf"(?:(?:{MONTH_RE})\s+)?(?<!\d){_YEAR}"
    rf"(?:\s*年(?:\s*\d{{1,2}}\s*月)?|[./-]\d{{1,2}}(?![\d.]\d)|[-/.](?:{MONTH_RE})(?![^\W\d_]))?"
)
_RANGE = re.compile(
    rf"(?P<start>{_DATE})\s*(?:(?:{RANGE_DASHES}|to|until)\s*(?P<end>{_DATE}(?!\d)|"
    rf"{'|'.join(ONGOING_WORDS)})|(?P<since>至今|以来))(?![^\W\d_])",
    re.IGNORECASE,
)
_ONE_YEAR = re.compile(rf"\b(?P<year>{_YEAR})\b")
_ONE_DATE = re.compile(rf"(?<![^\W\d_])(?P<date>{_DATE})(?!\d)(?![a-z])", re.IGNORECASE)
_TERM = re.compile(r"\b(?:spring|summer|fall|autumn|winter)\b", re.IGNORECASE)
_PAREN = re.compile(r"\(([^()]*)\)")
_ONGOING = frozenset(ONGOING_WORDS)


def section_kind(heading: str) -> str | None:
    words = " ".join(re.sub(r"[^\w\s]", " ", strip_markup(heading).lower()).split())
    return SECTION_KINDS.get(words)


def years(text: str) -> tuple[int | None, int | None, str]:
    """``(start, end, rest)``: the years ``text`` names and the text without them.

    "2014 – 2019" gives both, "2021–present" a start and no end (ongoing), one year alone an
    end (a degree's year, a one-year position: the caller decides).
    """
    m = _RANGE.search(text)
    if m:
        end = (m.group("end") or m.group("since")).lower()
        rest = (text[: m.start()] + text[m.end() :]).strip()
        return _year(m.group("start")), (None if end in _ONGOING else _year(end)), rest
    found = list(_ONE_DATE.finditer(text))
    if found:
        last = found[-1]
        rest = (text[: last.start()] + text[last.end() :]).strip()
        return None, _year(last.group("date")), rest
    return None, None, text


def _year(date: str) -> int | None:
    m = re.search(_YEAR, date)
    return int(m.group(0)) if m else None


def _tidy(text: str) -> str:
    text = _TERM.sub("", text)
    text = re.sub(r"\s*[，；]\s*", ", ", text)  # full-width commas separate the parts too
    text = re.sub(r"\s*,\s*(?:,\s*)+", ", ", text)
    return text.strip(" ,;:：–—-、")


def parse_item(
    kind: str, head: str, subitems: list[str], source: SourceRef
) -> CVEntryRecord | None:
    """One list item of a markdown CV section as a record, or None when it names nothing."""
    text = strip_markup(head).replace("：", ":")
    date_part, colon, after = text.partition(":")
    if colon and _ONE_DATE.search(date_part) and after.strip():
        # "Spring 2024: Research Assistant": the date comes first.
        start, end, _ = years(date_part)
        text = after.strip()
    else:
        start, end, text = years(text)
    notes = [n.strip() for n in _PAREN.findall(text) if n.strip()]
    text = _tidy(_PAREN.sub("", text))
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if not parts:
        return None
    title, organization, location = parts[0], "", ""
    if _institution_first(parts):  # "北原大学虚构系，工学博士": the degree comes last
        title, organization = parts[-1], ", ".join(parts[:-1])
    elif len(parts) > 1:
        organization = parts[1]
        location = ", ".join(parts[2:])
    details = []
    for sub in (strip_markup(s) for s in subitems):
        if not sub:
            continue
        if not organization and ":" not in sub:
            organization = sub
        else:
            details.append(sub)
    if kind != "education" and start is None and end is not None:
        start = end  # a one-year position ("Summer 2015: intern")
    return CVEntryRecord(
        kind=kind,
        title=title[:300],
        organization=organization[:300],
        location=location[:200],
        start_year=start,
        end_year=end,
        detail="; ".join([*notes, *details])[:500],
        source=source,
    )


def _institution_first(parts: list[str]) -> bool:
    """A CJK row written institution first: the first part names one, the last does not."""
    if len(parts) < 2 or not _CJK.search(parts[0]):
        return False

    def named(part: str) -> bool:
        return any(word in part for word in INSTITUTION_FIRST_WORDS)

    return named(parts[0]) and not named(parts[-1])


def _sections(text: str) -> list[tuple[str, int, list[tuple[int, str]]]]:
    """``[(heading, heading line, [(line number, line)])]`` of a markdown page."""
    lines = text.splitlines()
    sections: list[tuple[str, int, list[tuple[int, str]]]] = []
    heading, heading_line, body = "", 0, []
    i = 0
    while i < len(lines):
        line = lines[i]
        atx = _HEADING_ATX.match(line)
        setext = (
            i + 1 < len(lines)
            and line.strip()
            and _SETEXT.match(lines[i + 1])
            and not line.lstrip().startswith(("-", "*", "+"))
        )
        if atx or setext:
            sections.append((heading, heading_line, body))
            heading = atx.group("text") if atx else line.strip()
            heading_line = i + 1
            body = []
            i += 1 if atx else 2
            continue
        body.append((i + 1, line))
        i += 1
    sections.append((heading, heading_line, body))
    return sections


_BULLET = re.compile(r"^(?P<indent>[ \t]*)(?:[-*+•]|\d{1,3}[.)])[ \t]+(?P<text>\S.*)$")


def _list_items(body: list[tuple[int, str]]) -> list[tuple[int, str, list[str]]]:
    """``[(line number, item text, [sub-item texts])]``: top-level items (indented less than
    two columns) with the items nested under them; other text is not an entry."""
    items: list[tuple[int, str, list[str]]] = []
    for lineno, line in body:
        if not line.strip():
            continue
        m = _BULLET.match(line)
        nested = m is not None and len(m.group("indent").expandtabs(4)) >= 2
        if m and not nested:
            items.append((lineno, m.group("text"), []))
        elif m and items:
            items[-1][2].append(m.group("text"))
        elif items and line[:1] in (" ", "\t"):  # a wrapped line of the last item
            if items[-1][2]:
                items[-1][2][-1] += " " + line.strip()
            else:
                items[-1] = (items[-1][0], items[-1][1] + " " + line.strip(), items[-1][2])
    return items


def cv_sections(text: str, source_path: str) -> list[tuple[str, int, list[CVEntryRecord]]]:
    """``[(heading, heading line, entries)]`` for each CV section of a markdown page (a heading
    :data:`SECTION_KINDS` knows), in page order; a section may hold no entries (prose)."""
    found: list[tuple[str, int, list[CVEntryRecord]]] = []
    for heading, heading_line, body in _sections(text):
        kind = section_kind(heading) if heading else None
        if kind is None:
            continue
        records = []
        for line, head, subitems in _list_items(body):
            record = parse_item(kind, head, subitems, SourceRef(source_path, line))
            if record is not None:
                records.append(record)
        found.append((heading, heading_line, records))
    return found


def from_markdown(text: str, source_path: str) -> list[CVEntryRecord]:
    """The education, positions and service entries of a markdown CV page, in page order."""
    return [record for _, _, records in cv_sections(text, source_path) for record in records]


def _text(value: Any) -> str:
    return strip_markup(value) if isinstance(value, str) else ""


def from_resume_json(data: Any, source_path: str) -> list[CVEntryRecord]:
    """Education, work and volunteer entries of a JSON Resume document (jsonresume.org)."""
    if not isinstance(data, dict):
        return []
    records: list[CVEntryRecord] = []
    source = SourceRef(source_path)
    for row in data.get("education") or []:
        if not isinstance(row, dict):
            continue
        degree = " in ".join(p for p in (_text(row.get("studyType")), _text(row.get("area"))) if p)
        title = degree or _text(row.get("institution"))
        if not title:
            continue
        records.append(
            CVEntryRecord(
                kind="education",
                title=title[:300],
                organization=(_text(row.get("institution")) if degree else "")[:300],
                location=_text(row.get("location"))[:200],
                start_year=year_of(row.get("startDate")),
                end_year=year_of(row.get("endDate")),
                detail=_text(row.get("score") or row.get("summary"))[:500],
                source=source,
            )
        )
    for key, kind, place in (
        ("work", "experience", "name"),
        ("volunteer", "service", "organization"),
    ):
        for row in data.get(key) or []:
            if not isinstance(row, dict):
                continue
            organization = _text(row.get(place) or row.get("company") or row.get("organization"))
            title = _text(row.get("position")) or organization
            if not title:
                continue
            records.append(
                CVEntryRecord(
                    kind=kind,
                    title=title[:300],
                    organization=(organization if title != organization else "")[:300],
                    location=_text(row.get("location"))[:200],
                    start_year=year_of(row.get("startDate")),
                    end_year=year_of(row.get("endDate")),
                    detail=_text(row.get("summary"))[:500],
                    source=source,
                )
            )
    return records


def from_cv_yaml(data: Any, source_path: str) -> list[CVEntryRecord]:
    """al-folio's ``_data/cv.yml``: sections with ``title`` and ``contents`` of entries that
    have ``title``, ``institution`` and ``year`` ("2014 - 2019")."""
    if not isinstance(data, list):
        return []
    records: list[CVEntryRecord] = []
    source = SourceRef(source_path)
    for section in data:
        if not isinstance(section, dict):
            continue
        kind = section_kind(str(section.get("title") or ""))
        contents = section.get("contents")
        if kind is None or not isinstance(contents, list):
            continue
        for row in contents:
            if not isinstance(row, dict):
                continue
            title = _text(row.get("title"))
            if not title:
                continue
            start, end, _ = years(str(row.get("year") or ""))
            description = row.get("description")
            if isinstance(description, list):
                description = "; ".join(_text(d) for d in description if _text(d))
            records.append(
                CVEntryRecord(
                    kind=kind,
                    title=title[:300],
                    organization=_text(row.get("institution"))[:300],
                    location=_text(row.get("location"))[:200],
                    start_year=start,
                    end_year=end,
                    detail=_text(description)[:500],
                    source=source,
                )
            )
    return records
