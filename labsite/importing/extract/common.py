"""Small text helpers shared by the extractors: markup, links, dates, names, list items.

Every pattern here is bounded (no nested quantifiers over the same characters), so a 1 MB line
of brackets or asterisks costs linear time, not a catastrophic backtrack.
"""

from __future__ import annotations

import datetime
import html
import re
from dataclasses import dataclass, field
from pathlib import Path

from labsite.importing.words import LINK_LABELS, PAPER_HOSTS
from labsite.markdown import protect_math, restore_math
from labsite.normalise import normalise  # noqa: F401 - the extractors' name for it

MONTHS = {
    name: i
    for i, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
# Month names of the other languages homepages are written in (es, fr, de, pt, it)
_FOREIGN_MONTHS = [
    ("enero", "janvier", "januar", "janeiro", "gennaio"),
    ("febrero", "février", "fevrier", "februar", "fevereiro", "febbraio"),
    ("marzo", "mars", "märz", "maerz", "março", "marco"),
    ("abril", "avril", "aprile"),
    ("mayo", "mai", "maio", "maggio"),
    ("junio", "juin", "juni", "junho", "giugno"),
    ("julio", "juillet", "juli", "julho", "luglio"),
    ("agosto", "août", "aout"),
    ("septiembre", "setiembre", "septembre", "setembro", "settembre"),
    ("octubre", "octobre", "oktober", "outubro", "ottobre"),
    ("noviembre", "novembre", "novembro"),
    ("diciembre", "décembre", "decembre", "dezember", "dezembro", "dicembre"),
]
for _number, _names in enumerate(_FOREIGN_MONTHS, start=1):
    for _name in _names:
        MONTHS.setdefault(_name, _number)
_FOREIGN_RE = "|".join(sorted({n for names in _FOREIGN_MONTHS for n in names}, key=len)[::-1])
MONTH_RE = (
    rf"(?:{_FOREIGN_RE}|"
    r"Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
YEAR = re.compile(r"(?<![\d.])(19[5-9]\d|20\d\d)(?![\d.]\d)")

# Letters of the scripts written without spaces between words (Chinese, Japanese, Korean).
CJK_LETTER = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af"
_CJK_RUN = re.compile(f"[{CJK_LETTER}]+")


def word_count(text: str) -> int:
    """Words in ``text``, a run of CJK letters counting one word for each two letters (a
    Chinese title of fourteen characters is seven words; a two-letter name is one)."""
    runs = _CJK_RUN.findall(text)
    if not runs:
        return len(text.split())
    spaced = len(_CJK_RUN.sub(" ", text).split())
    return spaced + sum(max(1, len(run) // 2) for run in runs)


# ---------------------------------------------------------------- context


@dataclass
class Context:
    """What the extractors may know about where a page lives (no database, no network)."""

    root: Path | None = None  # the site (or loose pages') folder
    page_dir: Path | None = None  # the folder of the page being read
    site_url: str = ""  # url + baseurl from _config.yml, to absolutise relative links
    owner_names: list[str] = field(default_factory=list)  # the site owner's names, if known

    def resolve(self, src: str) -> Path | None:
        """A file named in the page, found inside the site folder; None when absent."""
        if not src or self.root is None:
            return None
        clean = src.split("?")[0].split("#")[0].strip()
        if not clean or re.match(r"^[a-z][a-z0-9+.-]*:", clean, re.I):
            return None
        root = self.root.resolve()
        candidates = []
        if not clean.startswith("/") and self.page_dir is not None:
            candidates.append(self.page_dir / clean)
        candidates.append(root / clean.lstrip("/"))
        outside = None
        for candidate in candidates:
            try:
                resolved = candidate.resolve()
            except (OSError, RuntimeError, ValueError):
                continue
            if resolved.is_relative_to(root) and resolved.is_file():
                return resolved
            if outside is None and resolved.is_file():
                outside = candidate
        # A file that exists but leads out of the site (``..``, a symlink) is returned as named,
        # unread: every reader refuses it (labsite.importing.safety) with a warning naming it.
        return outside

    def absolute(self, url: str) -> str:
        """``/files/x.pdf`` → ``https://site/files/x.pdf`` when the site URL is known."""
        url = url.strip()
        if not url or re.match(r"^[a-z][a-z0-9+.-]*:", url, re.I) or url.startswith("#"):
            return url
        if not self.site_url:
            return url
        return self.site_url.rstrip("/") + "/" + url.lstrip("/")


# ---------------------------------------------------------------- markup

_TAG = re.compile(r"<[^<>\n]{0,500}>")
_IMG_MD = re.compile(r"!\[[^\[\]\n]{0,500}\]\([^()\s]{0,1000}(?:\s+\"[^\"\n]{0,200}\")?\)")
_LINK_MD = re.compile(
    r"\[((?:[^\[\]\n]|\[[^\[\]\n]{0,200}\]){0,500})\]\(\s*<?([^()\s<>]{0,1000}(?:\([^()\s]{0,200}\)[^()\s<>]{0,200})?)>?(?:\s+\"[^\"\n]{0,200}\")?\s*\)"
)
_LINK_HTML = re.compile(
    r"<a\s[^<>]{0,500}?href\s*=\s*[\"']([^\"'<>]{0,1000})[\"'][^<>]{0,500}>(.{0,500}?)</a\s*>",
    re.IGNORECASE | re.DOTALL,
)
_AUTOLINK = re.compile(r"<(https?://[^<>\s]{1,1000})>")
_EMPHASIS = re.compile(r"\*\*|__|(?<![\w\\])[*_]|[*_](?![\w])")
_SPACES = re.compile(r"[ \t\u00a0]+")
_CODE_SPAN = re.compile(r"(`+)(.+?)\1", re.S)


def unescape(text: str) -> str:
    """HTML entities and markdown backslash escapes to plain characters."""
    text = html.unescape(text)
    return re.sub(r"\\([\\`*_{}\[\]()#+\-.!|~<>\"'])", r"\1", text)


def strip_markup(text: str, keep_links: bool = False) -> str:
    """Markdown/HTML to the plain text a reader sees (links keep their label).

    The result is text, not markup: entities are decoded last, so ``&lt;b&gt;`` becomes the
    characters ``<b>``. Print it escaped, or pass it through :func:`markdown_text` before it
    goes into a markdown field.
    """
    text, math = protect_math(text)  # "AB$_4$": TeX, not emphasis, kept as written
    text = _IMG_MD.sub("", text)
    text = _LINK_HTML.sub(lambda m: m.group(2), text)
    if not keep_links:
        text = _LINK_MD.sub(lambda m: m.group(1), text)
    text = re.sub(r"<br\s*/?>", " ", text, flags=re.I)
    text = _TAG.sub("", text)
    text = text.replace("\\*", "\u2217")  # keep escaped asterisks through emphasis removal
    text = _EMPHASIS.sub("", text)
    text = text.replace("\u2217", "*")
    # code spans give their text; a lone backtick (TeX's opening quote) is shown as written
    text = _CODE_SPAN.sub(r"\2", unescape(text))
    return restore_math(_SPACES.sub(" ", text).strip(), math, escape=False)


_TAG_OPEN = re.compile(r"<(?=[A-Za-z/!?])")
_ENTITY_START = re.compile(r"&(?=#?[A-Za-z0-9]{1,32};)")


def markdown_text(text: str) -> str:
    """Plain text (what :func:`strip_markup` returns) made inert for a markdown field.

    :func:`strip_markup` decodes entities, so a page that *showed* ``<script>`` (written
    ``&lt;script&gt;``) gives the text ``<script>``: right for a plain field, but a markdown
    field (a publication title) would read it as a tag. Here a ``<`` that could open a tag and
    an ``&`` that could start an entity are written as entities again, outside math spans
    (``$a<b$`` stays TeX), so the page shows exactly the text the source showed.
    """
    protected, spans = protect_math(text)
    protected = _TAG_OPEN.sub("&lt;", _ENTITY_START.sub("&amp;", protected))
    return restore_math(protected, spans, escape=False)


def _image_alt(label: str) -> str:
    """The alt text of a badge image that is a link's only label (``<img alt="arXiv">``)."""
    m = re.search(r"!\[([^\[\]\n]{1,80})\]|\balt\s*=\s*[\"']([^\"'\n]{1,80})[\"']", label, re.I)
    return (m.group(1) or m.group(2)).strip() if m else ""


def find_links(text: str) -> list[tuple[str, str, int]]:
    """(label, url, position) of markdown links, HTML anchors and autolinks, in order."""
    found: list[tuple[str, str, int]] = []
    for m in _LINK_HTML.finditer(text):
        label = strip_markup(m.group(2)) or _image_alt(m.group(2))
        found.append((label, html.unescape(m.group(1)).strip(), m.start()))
    masked = _LINK_HTML.sub(lambda m: " " * len(m.group(0)), text)
    masked = _IMG_MD.sub(lambda m: " " * len(m.group(0)), masked)
    for m in _LINK_MD.finditer(masked):
        label = strip_markup(m.group(1)) or _image_alt(text[m.start(1) : m.end(1)])
        found.append((label, m.group(2).strip(), m.start()))
    for m in _AUTOLINK.finditer(masked):
        found.append((m.group(1), m.group(1), m.start()))
    found.sort(key=lambda t: t[2])
    return [f for f in found if f[1]]


def remove_links(text: str) -> str:
    """The text with every link (label and URL) taken out."""
    text = _LINK_HTML.sub(" ", text)
    text = _IMG_MD.sub(" ", text)
    text = _LINK_MD.sub(" ", text)
    return _AUTOLINK.sub(" ", text)


# ---------------------------------------------------------------- list items


@dataclass
class Item:
    """One entry of a list section: a list item or a paragraph, with its first line number."""

    line: int
    lines: list[str]
    is_list: bool = False

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


_ITEM = re.compile(r"^( {0,3})(?:[-*+•]|\d{1,3}[.)])[ \t]+(?=\S)")


def split_items(lines: list[tuple[int, str]]) -> list[Item]:
    """Group a section's lines into list items and paragraphs."""
    items: list[Item] = []
    current: Item | None = None
    blank_before = False
    for lineno, raw in lines:
        if not raw.strip():
            blank_before = True
            continue
        m = _ITEM.match(raw)
        if m:
            current = Item(lineno, [raw[m.end() :]], is_list=True)
            items.append(current)
        elif current is not None and (
            not blank_before or (current.is_list and raw[:1] in (" ", "\t"))
        ):
            current.lines.append(raw)
        else:
            current = Item(lineno, [raw], is_list=False)
            items.append(current)
        blank_before = False
    return items


_MAX_WRAPPED = 1500


def _open_span(line: str) -> bool:
    """Does the line leave an emphasis, a quotation or a link's label open (``*Journal of``)?
    Then the next source line is the same sentence, soft-wrapped."""
    plain = re.sub(r"\\.|`[^`]*`|<[^<>]*>", "", line)
    singles = re.sub(r"\*\*|__", "", plain)
    return (
        plain.count("**") % 2 == 1
        or len(re.findall(r"(?<![\w*])\*(?!\s)|(?<!\s)\*(?![\w*])", singles)) % 2 == 1
        or plain.count('"') % 2 == 1
        or plain.count("[") > plain.count("]")
    )


def item_lines(item: Item) -> list[str]:
    """An item's lines split at ``<br>`` with hard-break markers and edges removed; a line
    that leaves an emphasis, a quotation or a link label open is joined to the next."""
    out: list[str] = []
    joined: list[str] = []
    for raw in item.lines:
        if (
            joined
            and len(joined[-1]) < _MAX_WRAPPED  # a citation, not a page of unclosed brackets
            and not re.search(r"<br\s*/?>\s*$|\\$|  $", joined[-1])
            and _open_span(joined[-1])
        ):
            joined[-1] = f"{joined[-1].rstrip()} {raw.strip()}"
        else:
            joined.append(raw)
    for raw in joined:
        for part in re.split(r"<br\s*/?>", raw, flags=re.I):
            part = part.strip()
            if part.endswith("\\\\"):  # kramdown's forced line break: "Title \\"
                part = part[:-2].rstrip()
            elif part.endswith("\\"):
                part = part[:-1].rstrip()
            if part:
                out.append(part)
    return out


# ---------------------------------------------------------------- dates


def year_of(value: object) -> int | None:
    """A year from a front-matter value: 2021, "2021", "2021-09-27", "Sept 2021"."""
    if isinstance(value, datetime.date):
        return value.year
    if isinstance(value, int) and 1900 < value < 2200:
        return value
    if isinstance(value, str):
        m = YEAR.search(value)
        if m:
            return int(m.group(1))
    return None


_ISO = re.compile(r"(\d{4})-(\d{1,2})(?:-(\d{1,2}))?")


def date_of(value: object) -> tuple[datetime.date, str] | None:
    """A (date, precision) from a front-matter value, or None."""
    if isinstance(value, datetime.datetime):
        return value.date(), "day"
    if isinstance(value, datetime.date):
        return value, "day"
    if isinstance(value, int):
        year = year_of(value)
        return (datetime.date(year, 1, 1), "year") if year else None
    if not isinstance(value, str):
        return None
    m = _ISO.search(value)
    if m:
        year, month, day = int(m.group(1)), int(m.group(2)), m.group(3)
        try:
            if day:
                return datetime.date(year, month, int(day)), "day"
            return datetime.date(year, month, 1), "month"
        except ValueError:
            pass
    parsed = parse_date_text(value)
    if parsed:
        return parsed
    year = year_of(value)
    return (datetime.date(year, 1, 1), "year") if year else None


_DATE_FORMS = [
    # 2024-05-15, 2024/05/15, 2024.05.15
    (re.compile(r"(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})"), "ymd"),
    # 05/15/2024 (US order, as academic sites write it)
    (re.compile(r"(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>\d{4})"), "ymd"),
    # May 15, 2024 / May 15th 2024
    (
        re.compile(
            rf"(?P<mon>{MONTH_RE})\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})", re.I
        ),
        "monthday",
    ),
    # 15 May 2024
    (re.compile(rf"(?P<d>\d{{1,2}})\s+(?P<mon>{MONTH_RE}),?\s+(?P<y>\d{{4}})", re.I), "monthday"),
    # May 2024 / May, 2024 / May. 2024
    (re.compile(rf"(?P<mon>{MONTH_RE}),?\s+(?P<y>\d{{4}})", re.I), "month"),
    # 2024.05 / 2024-05 / 2024/05
    (re.compile(r"(?P<y>\d{4})[-/.](?P<m>\d{1,2})(?!\d)"), "ym"),
    # 05/2024
    (re.compile(r"(?P<m>\d{1,2})/(?P<y>\d{4})"), "ym"),
    # 2024
    (re.compile(r"(?P<y>(?:19|20)\d\d)(?!\d)"), "year"),
]


def _build_date(m: re.Match[str], form: str) -> tuple[datetime.date, str] | None:
    groups = m.groupdict()
    try:
        year = int(groups["y"])
        if not 1900 <= year <= 2200:
            return None
        if form == "year":
            return datetime.date(year, 1, 1), "year"
        mon = groups.get("mon")
        month = MONTHS[mon.lower().rstrip(".")] if mon else int(groups["m"])
        if groups.get("d"):
            return datetime.date(year, month, int(groups["d"])), "day"
        return datetime.date(year, month, 1), "month"
    except (ValueError, KeyError):
        return None


def parse_date_text(text: str) -> tuple[datetime.date, str] | None:
    """The first date written in ``text`` in any of the usual forms."""
    for pattern, form in _DATE_FORMS:
        m = pattern.search(text)
        if m:
            built = _build_date(m, form)
            if built:
                return built
    return None


# A news item opens with its date: emoji, brackets and bold may surround it.
# The date's own punctuation may sit inside the bold (``**May 2024:** …``, ``<b>May 2024:</b> …``);
# closers are taken only after an opener, so ``2024-05-01: *Title* …`` keeps its italics.
_LEAD = (
    r"^(?P<lead>[^\w\[\(*_<`]{0,12}?)\s*(?P<tag><(?:b|strong|span|i|em)(?=[\s>])[^<>]{0,80}>)?"
    r"(?P<open>[\[(*_`]{1,3})?\s*"
)
_PUNCT = r"[:：\-–—|~,.]"
_TAIL = (
    rf"(?(open)(?:\s*{_PUNCT}{{1,3}}(?=[\])*_`]|</))?|(?(tag)(?:\s*{_PUNCT}{{1,3}}(?=</))?|))"
    r"\s*(?(open)[\])*_`]{0,3}|)(?:\s*</(?:b|strong|span|i|em)>\s*(?(open)[\])*_`]{0,3}|))?"
    rf"(?:\s*{_PUNCT}+\s*|\s+|(?(open)(?<=[*_`\])>])|(?(tag)(?<=>)|(?!))))"
)
_NEWS_DATE = [
    (re.compile(_LEAD + p + _TAIL, re.I), form)
    for p, form in (
        (r"(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*[日号]", "ymd"),
        (r"(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月", "ym"),
        (rf"(?P<d>\d{{1,2}})\.?\s+de\s+(?P<mon>{MONTH_RE})\s+de\s+(?P<y>\d{{4}})", "monthday"),
        (r"(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})", "ymd"),
        (r"(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>\d{4})", "ymd"),
        (rf"(?P<mon>{MONTH_RE})\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})", "monthday"),
        (rf"(?P<d>\d{{1,2}})\.?\s+(?P<mon>{MONTH_RE}),?\s+(?P<y>\d{{4}})", "monthday"),
        (rf"(?P<mon>{MONTH_RE}),?\s+(?:de\s+)?(?P<y>\d{{4}})", "month"),
        (r"(?P<y>\d{4})[-/.](?P<m>\d{1,2})(?!\d)", "ym"),
        (r"(?P<m>\d{1,2})/(?P<y>\d{4})", "ym"),
        (r"(?P<y>(?:19|20)\d\d)", "year"),
    )
]


def _drop_orphan_closer(rest: str) -> str:
    """``**May 2024: all of it bold.**`` leaves a closer with no opener at the end of the rest."""
    for closer in ("**", "__"):
        if rest.endswith(closer) and rest.count(closer) % 2:
            return rest[: -len(closer)].rstrip()
    m = re.search(r"</(b|strong)>$", rest, re.I)
    if m and not re.search(rf"<{m.group(1)}\b", rest, re.I):
        return rest[: m.start()].rstrip()
    return rest


# What follows a date that opens a range: "*2020.09 - 2025.09*, PhD", "2021 – present: …".
_RANGE_REST = re.compile(
    rf"^[\s*_`]*[-–—~]\s*(?:(?:19|20)\d\d\b|(?:present|now|current|today|ongoing)\b"
    rf"|(?:{MONTH_RE})\.?,?\s+(?:\d{{1,2}},?\s+)?(?:19|20)\d\d)",
    re.I,
)


def leading_date(text: str) -> tuple[datetime.date, str, str] | None:
    """(date, precision, rest) when ``text`` opens with a date; the lead emoji is kept in rest.

    A date that opens a range (``2020.09 - 2025.09``, ``2021 – present``) is not a news date:
    such items are education or experience, and give None.
    """
    head = text[:200]
    for pattern, form in _NEWS_DATE:
        m = pattern.match(head)
        if not m:
            continue
        built = _build_date(m, form)
        if not built:
            continue
        date_end = max(m.end(g) for g in ("y", "m", "d", "mon") if m.groupdict().get(g))
        if _RANGE_REST.match(text[date_end : date_end + 40]):
            return None
        rest = _drop_orphan_closer(text[m.end() :].strip())
        lead = m.group("lead").strip()
        after = text[m.end("y") :]
        wrapped = after.startswith(
            ("**", "__", "]", ")", "</b>", "</strong>", "</i>", "</em>", "</span>", "*", "_", "`")
        )
        if form == "year" and not (wrapped or re.match(r"[:：\-–—|]", after.lstrip(" *_])"))):
            continue  # "2024 was a good year" is prose; "2024: …" and "**2024** …" are items
        return built[0], built[1], (f"{lead} {rest}" if lead else rest).strip()
    return None


# ---------------------------------------------------------------- identifiers

_ARXIV_URL = re.compile(
    r"arxiv\.org/(?:abs|pdf|html)/((?:\d{4}\.\d{4,5})|(?:[a-z\-]+(?:\.[A-Z]{2})?/\d{7}))", re.I
)
_ARXIV_TEXT = re.compile(r"arxiv[:\s]\s?(\d{4}\.\d{4,5})", re.I)
_DOI_URL = re.compile(
    r"(?:doi\.org/|/doi/(?:abs/|full/|pdf/|epdf/|book/)?|link\.springer\.com/(?:article|chapter)/|"
    r"biorxiv\.org/content/|medrxiv\.org/content/)(10\.\d{4,9}/[^\s\"'<>?#]{1,200})",
    re.I,
)
_DOI_TEXT = re.compile(r"\bdoi:?\s*(10\.\d{4,9}/[^\s\"'<>,;]{1,200})", re.I)


def arxiv_id(text: str) -> str:
    m = _ARXIV_URL.search(text) or _ARXIV_TEXT.search(text)
    if not m:
        return ""
    return re.sub(r"v\d+$", "", m.group(1).removesuffix(".pdf"))


def arxiv_date(identifier: str) -> tuple[int, int] | None:
    """(year, month) a new-style arXiv id encodes: ``2406.04307`` → (2024, 6)."""
    m = re.fullmatch(r"(\d\d)(\d\d)\.\d{4,5}", identifier)
    if not m or not 1 <= int(m.group(2)) <= 12:
        return None
    return 2000 + int(m.group(1)), int(m.group(2))


def doi_of(text: str) -> str:
    m = _DOI_URL.search(text) or _DOI_TEXT.search(text)
    if not m:
        return ""
    doi = m.group(1).rstrip(".,;)")
    doi = re.sub(r"(?:\.full)?(?:\.pdf)?$", "", doi)
    if "biorxiv" in text or "medrxiv" in text:
        doi = re.sub(r"v\d+$", "", doi)
    return doi


# ---------------------------------------------------------------- links


def link_kind(label: str, url: str) -> str:
    """A LinkKind value from a link's label, falling back on its address."""
    key = re.sub(r"[^a-z ]+", " ", label.lower()).strip()
    for kind, words in LINK_LABELS:
        if key in words:
            return kind
    for kind, words in LINK_LABELS:
        if any(re.search(rf"\b{re.escape(w)}\b", key) for w in words if len(w) > 3):
            return kind
    low = url.lower()
    if "arxiv.org" in low:
        return "arxiv"
    if "github.com" in low or "gitlab.com" in low:
        return "code"
    if "youtube.com" in low or "youtu.be" in low or "vimeo.com" in low or "slideslive" in low:
        return "video"
    if low.endswith(".bib"):
        return "bibtex"
    if low.endswith((".ppt", ".pptx", ".key")):
        return "slides"
    if low.endswith(".pdf"):
        return "pdf"
    host = re.sub(r"^[a-z][a-z0-9+.-]*://(?:www\.)?", "", low)
    if host.startswith(PAPER_HOSTS):
        return "paper"
    return "other"
