"""BibTeX for publications: one entry each, valid for BibTeX and bibtexparser, stable keys.

A member's own ``bibtex`` field wins when it parses as an entry; otherwise the entry is generated
from the structured fields. Keys look like ``anders2024study`` (first author's last name, year,
first significant title word), so they stay the same from one export to the next; when two
papers in one export would share a key, the later one (by primary key, i.e. the order they were
added) gets ``b``, ``c``… appended, which keeps the choice deterministic.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import bibtexparser

from publications.models import Publication, PublicationKind

# kind -> (entry type, field that carries the venue)
ENTRY_TYPES: dict[str, tuple[str, str]] = {
    PublicationKind.CONFERENCE: ("inproceedings", "booktitle"),
    PublicationKind.WORKSHOP: ("inproceedings", "booktitle"),
    PublicationKind.JOURNAL: ("article", "journal"),
    PublicationKind.PREPRINT: ("misc", "howpublished"),
    PublicationKind.THESIS: ("phdthesis", "school"),
    PublicationKind.BOOK: ("book", "publisher"),
    PublicationKind.CHAPTER: ("incollection", "booktitle"),
    PublicationKind.PATENT: ("misc", "howpublished"),
    PublicationKind.REPORT: ("techreport", "institution"),
    PublicationKind.OTHER: ("misc", "howpublished"),
}

MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

# Words that make a poor key: "a2024a" says nothing, "anders2024study" does.
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "on",
        "of",
        "in",
        "for",
        "to",
        "and",
        "with",
        "from",
        "by",
        "at",
        "as",
        "is",
        "are",
        "via",
        "towards",
        "toward",
        "into",
        "its",
    ]
)

# LaTeX's special characters and how to write them literally.
_ESCAPES = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "$": r"\$",
}
_ESCAPE_RE = re.compile("|".join(re.escape(c) for c in _ESCAPES))
# Math is TeX already: kept verbatim so "$\mathcal{O}(n)$" stays math in the bibliography.
_MATH_RE = re.compile(r"\$\$.+?\$\$|\$[^$\n]+?\$", re.DOTALL)
# A word with a capital after its first letter (BERT, NeurIPS, iPhone): braced so BibTeX styles
# that lowercase titles keep it as written.
_CAPS_WORD_RE = re.compile(r"\b(\w*[A-Z]\w*)\b")


@dataclass(frozen=True)
class BibEntry:
    key: str
    text: str


def escape_latex(text: str) -> str:
    """``R&D 50%`` → ``R\\&D 50\\%``: LaTeX's special characters written literally."""
    return _ESCAPE_RE.sub(lambda m: _ESCAPES[m.group(0)], text)


def _escape_keeping_math(text: str, *, protect_caps: bool = False) -> str:
    out: list[str] = []
    position = 0
    for match in _MATH_RE.finditer(text):
        out.append(_escape_text(text[position : match.start()], protect_caps))
        out.append(match.group(0))
        position = match.end()
    out.append(_escape_text(text[position:], protect_caps))
    return "".join(out)


def _escape_text(text: str, protect_caps: bool) -> str:
    escaped = escape_latex(text)
    if not protect_caps:
        return escaped

    def brace(match: re.Match[str]) -> str:
        word = match.group(1)
        return "{" + word + "}" if any(c.isupper() for c in word[1:]) else word

    return _CAPS_WORD_RE.sub(brace, escaped)


def ascii_fold(text: str) -> str:
    """``Müller-Lüdenscheid`` → ``mullerludenscheid``: lowercase ASCII letters and digits only."""
    decomposed = unicodedata.normalize("NFKD", text)
    return re.sub(r"[^a-z0-9]", "", decomposed.encode("ascii", "ignore").decode().lower())


def last_name(name: str) -> str:
    """The family name of ``name`` as printed: ``Anders, Alice`` and ``Alice Anders`` → Anders."""
    name = name.strip().rstrip("*†‡").strip()
    if "," in name:
        return name.split(",", 1)[0].strip()
    parts = name.split()
    return parts[-1] if parts else ""


def base_key(publication: Publication, author_names: Sequence[str]) -> str:
    """``anders2024study``: first author's last name, year, first significant word of the title."""
    author = ascii_fold(last_name(author_names[0])) if author_names else ""
    title = _MATH_RE.sub(" ", publication.title)
    word = ""
    for token in re.split(r"[\s\-–—:/]+", title):
        folded = ascii_fold(token)
        if folded and folded not in STOPWORDS:
            word = folded
            break
    key = f"{author or 'anon'}{publication.year or ''}{word}"
    return key[:60]


def _author_names(publication: Publication) -> list[str]:
    # ``authorships`` is prefetched in order by the views; sort again so a caller that did not
    # prefetch still gets the printed order.
    rows = sorted(publication.authorships.all(), key=lambda a: a.position)
    return [a.name.strip() for a in rows if a.name.strip()]


def own_entry(publication: Publication) -> tuple[str, str] | None:
    """``(key, text)`` of the member's own BibTeX when it parses as an entry, else None."""
    raw = (publication.bibtex or "").strip()
    if not raw:
        return None
    library = bibtexparser.parse_string(raw)
    if library.failed_blocks or len(library.entries) != 1:
        return None
    entry = library.entries[0]
    return entry.key, entry.raw.strip()


def generate_entry(publication: Publication, key: str) -> str:
    """The entry for ``publication`` built from its fields, under ``key``."""
    entry_type, venue_field = ENTRY_TYPES.get(publication.kind, ("misc", "howpublished"))
    fields: list[tuple[str, str]] = []
    authors = _author_names(publication)
    if authors:
        fields.append(("author", " and ".join(escape_latex(name) for name in authors)))
    fields.append(("title", _escape_keeping_math(publication.title.strip(), protect_caps=True)))
    venue = publication.venue.strip() or publication.short_venue.strip()
    if publication.kind == PublicationKind.PREPRINT and not venue and publication.arxiv_id:
        venue = f"arXiv preprint arXiv:{publication.arxiv_id}"
    if venue:
        fields.append((venue_field, _escape_keeping_math(venue)))
    if publication.publisher and venue_field != "publisher":
        fields.append(("publisher", escape_latex(publication.publisher)))
    for name in ("volume", "number"):
        value = getattr(publication, name).strip()
        if value:
            fields.append((name, escape_latex(value)))
    if publication.pages.strip():
        pages = re.sub(r"\s*[-–—]+\s*", "--", publication.pages.strip())
        fields.append(("pages", escape_latex(pages)))
    if publication.year:
        fields.append(("year", str(publication.year)))
    if publication.month:
        fields.append(("month", MONTHS[publication.month - 1]))
    if publication.doi:
        fields.append(("doi", escape_latex(publication.doi)))
    if publication.arxiv_id:
        fields.append(("eprint", escape_latex(publication.arxiv_id)))
        fields.append(("archiveprefix", "arXiv"))
    if publication.note:
        fields.append(("note", _escape_keeping_math(publication.note)))
    lines = [f"@{entry_type}{{{key},"]
    for name, value in fields:
        # Month names are BibTeX's predefined macros: written bare so styles can localise them.
        rendered = value if name == "month" else "{" + value + "}"
        lines.append(f"  {name} = {rendered},")
    lines.append("}")
    return "\n".join(lines)


def _with_key(text: str, old: str, new: str) -> str:
    return re.sub(r"^(\s*@\s*\w+\s*[{(]\s*)" + re.escape(old), lambda m: m.group(1) + new, text)


def entries(publications: Iterable[Publication]) -> list[BibEntry]:
    """One entry per publication, in the given order, with keys unique within the list."""
    publications = list(publications)
    wanted: list[tuple[Publication, str, str | None]] = []
    for publication in publications:
        own = own_entry(publication)
        if own is not None:
            wanted.append((publication, own[0], own[1]))
        else:
            wanted.append((publication, base_key(publication, _author_names(publication)), None))
    # Deterministic disambiguation: for each key, the paper added first keeps it plain.
    taken: set[str] = set()
    final: dict[int, str] = {}
    for publication, key, _ in sorted(wanted, key=lambda row: (row[1], row[0].pk or 0)):
        candidate, n = key, 1
        while candidate in taken:
            candidate = key + _suffix(n)
            n += 1
        taken.add(candidate)
        final[id(publication)] = candidate
    result = []
    for publication, key, own_text in wanted:
        new_key = final[id(publication)]
        if own_text is not None:
            text = own_text if new_key == key else _with_key(own_text, key, new_key)
        else:
            text = generate_entry(publication, new_key)
        result.append(BibEntry(key=new_key, text=text))
    return result


def _suffix(n: int) -> str:
    """1 → ``b``, 2 → ``c`` … 25 → ``z``, 26 → ``ba``: the first paper keeps the bare key."""
    letters = ""
    while n:
        n, rest = divmod(n, 26)
        letters = chr(ord("a") + rest) + letters
    return letters


def entry_for(publication: Publication) -> str:
    """The BibTeX of one publication (for its page)."""
    return entries([publication])[0].text


def bibliography(publications: Iterable[Publication]) -> str:
    """A whole ``.bib`` file: entries separated by blank lines, ending in a newline."""
    texts = [entry.text for entry in entries(publications)]
    return "\n\n".join(texts) + "\n" if texts else ""
