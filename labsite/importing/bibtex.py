"""al-folio ``_bibliography/*.bib`` → publications, through bibtexparser 2.

al-folio adds its own keys to BibTeX entries: ``abbr`` (the venue badge), ``selected``,
``pdf``/``poster``/``slides`` (files under ``assets/pdf/``), ``code``, ``html``, ``arxiv``,
``award``/``award_name``, ``video``, ``website``, ``blog``. Authors come as ``Last, First`` or
``First Last`` joined by `` and ``, sometimes with ``*`` marks for equal contribution. The raw
entry text is kept so the publication page can show the BibTeX as the author wrote it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

import bibtexparser
from bibtexparser import model
from bibtexparser.middlewares import RemoveEnclosingMiddleware

from labsite.importing.extract.common import (
    MONTHS,
    Context,
    arxiv_date,
    arxiv_id,
    doi_of,
    normalise,
    year_of,
)
from labsite.importing.extract.venues import kind_of, short_venue, workshop_badge
from labsite.importing.records import (
    ET_AL,
    AuthorRecord,
    LinkRecord,
    PublicationRecord,
    SourceRef,
    doubt,
)
from labsite.importing.words import AAS_JOURNAL_MACROS
from labsite.normalise import normalize_doi

_TYPE_KIND = {
    "article": "journal",
    "inproceedings": "conference",
    "conference": "conference",
    "proceedings": "conference",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
    "thesis": "thesis",
    "book": "book",
    "inbook": "chapter",
    "incollection": "chapter",
    "techreport": "report",
    "report": "report",
    "patent": "patent",
    "unpublished": "preprint",
    "misc": "other",
    "online": "other",
}
_FILE_KEYS = ("pdf", "poster", "slides", "supp")
_URL_KEYS = [
    ("html", "paper"),
    ("url", "paper"),
    ("pdf", "pdf"),
    ("arxiv", "arxiv"),
    ("code", "code"),
    ("poster", "poster"),
    ("slides", "slides"),
    ("video", "video"),
    ("website", "website"),
    ("blog", "blog"),
    ("supp", "other"),
    ("data", "data"),
]


# Fields that hold the year when ``year`` does not (``year = {Thesis}``, biblatex ``date``).
_YEAR_FALLBACKS = ("date", "eventdate", "issued", "defense_year", "defence_year", "origdate")
# ``type`` values of a thesis written as another entry type (``@article{…, type={PhD thesis}}``)
_THESIS_TYPE = re.compile(r"thesis|dissertation|\bph\.?\s?d\b|master|bachelor|diplom", re.I)


@dataclass
class BibResult:
    publications: list[PublicationRecord] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line, message)


_LATEX_ACCENTS = {
    '"': "\u0308",
    "'": "\u0301",
    "`": "\u0300",
    "^": "\u0302",
    "~": "\u0303",
    "=": "\u0304",
    ".": "\u0307",
    "u": "\u0306",
    "v": "\u030c",
    "H": "\u030b",
    "c": "\u0327",
    "k": "\u0328",
}
_LATEX_SYMBOLS = {
    r"\ss": "ß",
    r"\o": "ø",
    r"\O": "Ø",
    r"\ae": "æ",
    r"\AE": "Æ",
    r"\aa": "å",
    r"\AA": "Å",
    r"\l": "ł",
    r"\L": "Ł",
    r"\i": "ı",
    r"\&": "&",
    r"\%": "%",
    r"\_": "_",
    r"\$": "$",
    r"\#": "#",
    "---": "—",
    "--": "–",
    r"\textendash": "–",
    r"\textemdash": "—",
}


def decode_latex(text: str) -> str:
    """``{\\"U}ber`` → ``Über``; braces that protect capitals go. Math stays as written."""

    def accent(m: re.Match[str]) -> str:
        mark, letter = m.group(1), m.group(2)
        if letter == r"\i":
            letter = "i"
        return unicodedata.normalize("NFC", letter + _LATEX_ACCENTS[mark])

    pattern = re.compile(r"\\([\"'`^~=.uvHck])\s?\{?\s*(\\i|[A-Za-z])\s*\}?")
    text = pattern.sub(accent, text)
    for latex, char in sorted(_LATEX_SYMBOLS.items(), key=lambda kv: -len(kv[0])):
        if latex[0] != "\\":
            text = text.replace(latex, char)
        elif latex[-1].isalpha():  # \ss eats the space after it; \& does not
            text = re.sub(re.escape(latex) + r"(?![A-Za-z])\s?", char, text)
        else:
            text = text.replace(latex, char)
    text = re.sub(r"\\(?:emph|textit|textbf|textsc|mathrm|text)\{([^{}]{0,500})\}", r"\1", text)
    # braces outside math only protect capitals; inside ``$…$`` they group (``^{2+}``, ``_{12}``)
    parts = re.split(r"((?<!\\)\$[^$]{0,500}(?<!\\)\$)", text)
    text = "".join(
        part if n % 2 else re.sub(r"(?<!\\)[{}]", "", part) for n, part in enumerate(parts)
    )
    return re.sub(r"\s+", " ", text).strip()


def _person(raw: str) -> AuthorRecord | None:
    name = raw.strip()
    if not name:
        return None
    equal = bool(re.search(r"\*|\\\*|†", name))
    name = re.sub(r"\\?\*|†|‡|\^\{?[*†]\}?", "", name)
    name = decode_latex(name).strip(" ,")
    if "," in name:
        last, _, first = name.partition(",")
        first = re.sub(r",\s*(?:jr\.?|sr\.?|iii?|iv)$", "", first.strip(), flags=re.I)
        name = f"{first.strip()} {last.strip()}".strip()
    if not name:
        return None
    if name.lower() == "others":  # BibTeX's "and others": the list goes on
        return AuthorRecord(name=ET_AL)
    return AuthorRecord(name=re.sub(r"\s+", " ", name), equal_contribution=equal)


def split_bib_authors(value: str) -> list[AuthorRecord]:
    """``Last, First and First Last and …`` → ordered authors; ``*`` marks equal contribution."""
    out: list[AuthorRecord] = []
    parts = [p.strip() for p in re.split(r"\s+and\s+", value.strip(), flags=re.I)]
    for n, part in enumerate(parts):
        commas = part.count(",")
        if commas >= 1:
            left, _, right = part.partition(",")
            # "Garcia Lopez, Juan Carlos" or "del Arco, Flor" among "Last, First" names is one
            # person; "Meiling Zhou, Haoran Qiu" among "First Last" names lacks an "and"
            others = [p for i, p in enumerate(parts) if i != n and p.lower() != "others"]
            last_first = sum("," in p for p in others) * 2 > len(others)
            particle = bool(re.match(r"(?:van|von|der|de|del|della|di|da|du|le|la)\s", left))
            if (
                commas == 1
                and len(left.split()) >= 2
                and len(right.split()) >= 2
                and not last_first
                and not particle
            ):
                for name in (left, right):  # "Meiling Zhou, Haoran Qiu": a missing "and"
                    rec = _person(name)
                    if rec:
                        out.append(rec)
                continue
        rec = _person(part)
        if rec:
            out.append(rec)
    return out


def _truthy(value: str) -> bool:
    return value.strip().strip('{}"').lower() in ("true", "yes", "1")


def _file_url(value: str, ctx: Context) -> str:
    """al-folio file keys name files under ``assets/pdf/`` unless they are URLs."""
    value = value.strip()
    if re.match(r"^[a-z][a-z0-9+.-]*://", value, re.I) or value.startswith("/"):
        return ctx.absolute(value)
    return ctx.absolute("/assets/pdf/" + value)


def entry_to_publication(
    entry: model.Entry,
    ctx: Context,
    source_path: str,
    line_offset: int = 0,
    strings: dict[str, str] | None = None,
) -> PublicationRecord | None:
    fields = {f.key.lower(): _concatenated(str(f.value), strings or {}) for f in entry.fields}
    title = decode_latex(fields.get("title", ""))
    if not title:
        return None
    record = PublicationRecord(
        title=title,
        source=SourceRef(source_path, (entry.start_line or 0) + 1 + line_offset),
        key=entry.key,
    )
    if title.endswith("🏆"):
        record.title = title.rstrip(" 🏆")
        record.award = "🏆"
    record.authors = split_bib_authors(fields.get("author", "") or fields.get("editor", ""))
    venue_field = fields.get("booktitle") or fields.get("journal") or fields.get("school") or ""
    venue_field = venue_field or fields.get("institution", "") or fields.get("howpublished", "")
    record.venue, macro_short = _venue(venue_field, record)
    record.short_venue = (
        decode_latex(fields.get("abbr", "")) or macro_short or short_venue(record.venue)
    )
    record.year = _year(fields)
    month = fields.get("month", "").strip().lower().rstrip(".")
    if month.isdigit() and 1 <= int(month) <= 12:
        record.month = int(month)
    elif month[:3] in MONTHS:
        record.month = MONTHS[month[:3]]
    etype = entry.entry_type.lower()
    record.kind = _TYPE_KIND.get(etype, "other")
    if _THESIS_TYPE.search(fields.get("type", "")) or (
        fields.get("school") and not fields.get("journal") and not fields.get("booktitle")
    ):
        record.kind = "thesis"  # "@article{…, school={…}}": the type says thesis, not journal
    text_for_kind = f"{record.venue} {fields.get('publisher', '')}"
    implied = kind_of(text_for_kind)
    if record.kind == "thesis":
        pass
    elif implied in ("preprint", "workshop") or (
        implied
        and (record.kind == "other" or (record.kind == "journal" and implied == "conference"))
    ):
        record.kind = implied
    if record.kind == "other" and (fields.get("eprint") or fields.get("arxiv")):
        record.kind = "preprint"
    if record.kind == "preprint":
        record.status = "preprint"
    record.short_venue = workshop_badge(record.short_venue, record.kind, record.venue)
    record.selected = _truthy(fields.get("selected", ""))
    record.abstract = fields.get("abstract", "").strip()
    record.volume = fields.get("volume", "").strip()
    record.number = fields.get("number", "").strip()
    record.pages = decode_latex(fields.get("pages", ""))
    record.publisher = decode_latex(fields.get("publisher", ""))
    award = fields.get("award_name") or fields.get("award") or ""
    if award:
        record.award = decode_latex(award)
    record.doi = normalize_doi(fields.get("doi", ""))
    arxiv_value = fields.get("arxiv") or (
        fields.get("eprint") if "arxiv" in fields.get("archiveprefix", "").lower() else ""
    )
    record.arxiv_id = arxiv_value.strip() if arxiv_value else ""
    seen: set[str] = set()
    for key, kind in _URL_KEYS:
        value = re.sub(r"\\([_%&#~$])", r"\1", fields.get(key, "").strip())  # "a\_b" → "a_b"
        if not value or re.search(r"[xX]{4}\.[xX]{4}|/[xX]{4,}(?:[/.]|$)", value):
            continue  # empty, or the template's placeholder ("arxiv.org/pdf/xxxx.xxxxx")
        if key == "arxiv":
            url = f"https://arxiv.org/abs/{value}"
        elif key in _FILE_KEYS:
            url = _file_url(value, ctx)
        else:
            url = ctx.absolute(value)
        if url in seen:
            continue
        seen.add(url)
        record.links.append(LinkRecord(kind=kind, url=url))
    if not record.arxiv_id:
        record.arxiv_id = arxiv_id(" ".join([record.venue, *(link.url for link in record.links)]))
    if record.year is None and record.arxiv_id:
        dated = arxiv_date(record.arxiv_id)
        if dated:
            record.year, record.month = dated
    if not record.doi:
        record.doi = doi_of(" ".join(link.url for link in record.links))
    record.bibtex = entry.raw.strip() if entry.raw else ""
    if not record.key:
        record.key = normalise(title)[:200]
    return record


# A field that is one LaTeX macro and nothing else: ``journal = {\mnras}``.
_LONE_MACRO = re.compile(r"\s*\{?\s*\\([A-Za-z]+)\s*\}?\s*")


def _venue(value: str, record: PublicationRecord) -> tuple[str, str]:
    """(venue, its abbreviation or "") of a venue field.

    ADS exports, and so astronomers' .bib files, name a journal by its AASTeX macro
    (``\\mnras``, ``\\apj``), which the paper's LaTeX expands: expanded here from the documented
    list (:data:`~labsite.importing.words.AAS_JOURNAL_MACROS`). A macro not on it keeps its
    name without the backslash, and the record says the venue is uncertain.
    """
    macro = _LONE_MACRO.fullmatch(value)
    if macro is None:
        return decode_latex(value), ""
    name = macro.group(1)
    known = AAS_JOURNAL_MACROS.get(name.lower())
    if known is not None:
        return known
    doubt(record, f"the venue is the LaTeX macro \\{name}, which this import does not know")
    return name, ""


def _year(fields: dict[str, str]) -> int | None:
    """The year field, or when it is no year (``year = {Thesis}``) the year of a date field."""
    found = year_of(fields.get("year", ""))
    if found is None and fields.get("year", "").strip():
        numbers = re.search(r"\b(?:19|20)\d\d\b", fields["year"])
        found = int(numbers.group(0)) if numbers else None
    keys = [*_YEAR_FALLBACKS, *sorted(k for k in fields if k.endswith("year") and k != "year")]
    for key in keys if found is None else ():
        m = re.search(r"\b(?:19|20)\d\d\b", fields.get(key, ""))
        if m:
            return int(m.group(0))
    return found


def _strip_front_matter(text: str) -> str:
    """al-folio .bib files open with an empty Jekyll front matter (``---`` twice)."""
    lines = text.split("\n")
    if lines and lines[0].strip() == "---":
        for i in range(1, min(len(lines), 200)):
            if lines[i].strip() == "---":
                return "\n" * (i + 1) + "\n".join(lines[i + 1 :])
    return text


def _concatenated(value: str, strings: dict[str, str]) -> str:
    """``neurips # " 36"`` (an @string joined with ``#``) → ``Advances in … 36``."""
    if "#" not in value or not re.search(r"[\"}]\s*#|#\s*[\"{]", value):
        return value
    parts = re.split(r"\s+#\s+|(?<=[\"}])\s*#\s*|\s*#\s*(?=[\"{])", value)
    out = []
    for part in (p.strip() for p in parts):
        if re.fullmatch(r"[A-Za-z][\w:-]*", part) and part.lower() in strings:
            part = strings[part.lower()]
        out.append(part.removeprefix('"').removesuffix('"').strip("{}"))
    return "".join(out)


# A field that ends a line without its comma, before the next field: ``title={A}\n author=…``.
_MISSING_COMMA = re.compile(r"([}\"])([ \t]*\r?\n[ \t]*[A-Za-z_-]{2,30}[ \t]*=[ \t]*[{\"\d])")


def _unenclosed(entry: model.Entry, library: bibtexparser.Library) -> model.Entry:
    """A block bibtexparser set aside (a repeated key or field) skipped its middlewares: its
    values still carry their ``{…}``/``"…"``; give it the same treatment as every other entry.
    A repeated field keeps its first value, as BibTeX does."""
    first: dict[str, model.Field] = {}
    for f in entry.fields:
        first.setdefault(f.key.lower(), f)
    entry.fields = list(first.values())
    return RemoveEnclosingMiddleware().transform_entry(entry, library)


def parse_bibtex(text: str, ctx: Context, source_path: str) -> BibResult:
    """Every entry of a .bib file; a broken entry is an error with its line, the rest still load.

    What jekyll-scholar forgives is forgiven here too: a missing comma between two fields,
    and two entries with one key (the second keeps its place under a suffixed key).
    """
    result = BibResult()
    body = _MISSING_COMMA.sub(r"\1,\2", _strip_front_matter(text))
    try:
        library = bibtexparser.parse_string(body)
    except Exception as exc:  # bibtexparser raises on some malformed input
        result.errors.append((1, f"unreadable BibTeX: {type(exc).__name__}: {exc}"[:300]))
        return result
    strings = {
        str(b.key).lower(): str(b.value).strip().removeprefix('"').removesuffix('"').strip("{}")
        for b in library.strings
    }
    for block in library.blocks:
        entry: model.Entry | None = None
        if isinstance(block, model.Entry):
            entry = block
        elif isinstance(block, model.DuplicateFieldKeyBlock):
            entry = _unenclosed(block.ignore_error_block, library)  # jekyll-scholar takes these
        elif isinstance(block, model.DuplicateBlockKeyBlock):
            duplicate = block.ignore_error_block
            if isinstance(duplicate, model.Entry):
                duplicates = sum(1 for r in result.publications if r.key.startswith(duplicate.key))
                duplicate.key = f"{duplicate.key}~{duplicates + 1}"
                entry = _unenclosed(duplicate, library)  # "smith2020deep" twice, as Scholar names
        elif isinstance(block, model.ParsingFailedBlock):
            line = (block.start_line or 0) + 1
            message = str(getattr(block, "error", "")) or "unparseable BibTeX block"
            result.errors.append((line, message.split("\n")[0][:200]))
            continue
        if entry is None:
            continue
        try:
            record = entry_to_publication(entry, ctx, source_path, strings=strings)
        except Exception as exc:  # one odd entry must not lose the others
            result.errors.append(
                ((entry.start_line or 0) + 1, f"{type(exc).__name__}: {exc}"[:200])
            )
            continue
        if record is not None:
            result.publications.append(record)
    return result
