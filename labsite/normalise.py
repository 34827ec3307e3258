"""The one place names, titles, DOIs and arXiv ids are normalised, for comparing and storing.

Everything that compares two names or two papers, or stores an identifier, uses these: the
importer's readers, extractors and matching (:mod:`labsite.importing.identity`), and the models
(``Publication.save()`` stores :func:`normalize_doi`'s form). Pure functions; no Django.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# --- names ------------------------------------------------------------------------------------

# Particles kept inside surnames ("van der Waals"): they are not first names or initials.
NAME_PARTICLES = frozenset(
    {
        "van",
        "von",
        "der",
        "den",
        "de",
        "del",
        "della",
        "da",
        "di",
        "du",
        "la",
        "le",
        "bin",
        "al",
    }
)


_SUFFIXES = {"jr", "sr", "ii", "iii", "iv", "phd", "dr", "prof"}


def strip_accents(text: str) -> str:
    """``"Tamás Réthy"`` → ``"Tamas Rethy"`` (NFKD, combining marks dropped)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def name_tokens(name: str) -> list[str]:
    """Lower-case ASCII tokens of a person's name; ``"Varkonyi, Lena"`` is put back in order."""
    return list(_name_tokens(name or ""))


@lru_cache(maxsize=65536)
def _name_tokens(name: str) -> tuple[str, ...]:
    name = strip_accents(name or "").replace("\u00a0", " ")
    if name.count(",") == 1:  # "Last, First" as in BibTeX
        last, first = (part.strip() for part in name.split(","))
        if last and first:
            name = f"{first} {last}"
    name = re.sub(r"[*†‡§¶\d]", " ", name)  # marks for equal contribution, affiliations
    name = re.sub(r"[.\-‐‑–]", " ", name)
    tokens = [t for t in re.sub(r"[^a-zA-Z' ]", " ", name).lower().replace("'", "").split() if t]
    return tuple([t for t in tokens if t not in _SUFFIXES] or tokens)


@lru_cache(maxsize=65536)
def normalize_name(name: str) -> str:
    """The form names are compared in: ``"L. Varkonyi"`` → ``"l varkonyi"``."""
    return " ".join(name_tokens(name))


@lru_cache(maxsize=65536)
def split_name(name: str) -> tuple[tuple[str, ...], str]:
    """``(given tokens, surname)``; particles stay with the surname (``"van der waals"``)."""
    tokens = name_tokens(name)
    if not tokens:
        return (), ""
    surname = [tokens[-1]]
    rest = tokens[:-1]
    while rest and rest[-1] in NAME_PARTICLES:
        surname.insert(0, rest.pop())
    return tuple(rest), " ".join(surname)


# --- titles -------------------------------------------------------------------------------------


@lru_cache(maxsize=65536)
def normalize_title(title: str) -> str:
    """Titles compared without case, accents, markup, punctuation or LaTeX braces; letters
    of any script kept."""
    title = strip_accents(title or "").replace("{", "").replace("}", "")
    title = re.sub(r"<[^>]+>", " ", title)
    # letters of every script count: "基于BIM的…" is not "bim" (two Chinese titles that share
    # one Latin acronym were taken for one paper)
    title = re.sub(r"[\W_]+", " ", title).lower()
    return " ".join(title.split())


def normalise(text: str) -> str:
    """Lower-case letters (of any script, accents removed) and digits only: for comparing
    titles and names."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[\W_]+", " ", bare.lower()).strip()


# --- identifiers --------------------------------------------------------------------------------

_ARXIV_NEW = re.compile(r"(?<![\d.])(\d{4}\.\d{4,5})(?:v\d+)?(?![\d])")


_ARXIV_OLD = re.compile(r"([a-z\-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?", re.IGNORECASE)


def normalize_arxiv(value: str) -> str:
    """``arXiv:2311.01234v2`` or ``https://arxiv.org/pdf/2311.01234.pdf`` → ``2311.01234``."""
    value = (value or "").strip()
    if not value:
        return ""
    match = _ARXIV_NEW.search(value)
    if match:
        return match.group(1)
    match = _ARXIV_OLD.search(value)
    return match.group(1).lower() if match else ""


#: Resolver prefixes a DOI is written with (``https://doi.org/10.1/x``, ``doi:10.1/x``).
_DOI_PREFIXES = (
    "https://doi.org/",
    "http://doi.org/",
    "https://dx.doi.org/",
    "http://dx.doi.org/",
    "doi:",
)
_DOI = re.compile(r"(10\.\d{4,9}/\S+)")


def normalize_doi(value: str) -> str:
    """A DOI in the one form it is stored and compared in: bare and lower case (DOIs are
    case-insensitive). ``https://doi.org/10.1/X.``, ``doi:10.1/X`` → ``10.1/x``; a closing
    parenthesis or a sentence's full stop after it is not part of it."""
    value = (value or "").strip()
    match = _DOI.search(value)
    if not match:
        # not DOI-shaped: compared and stored as written, without a resolver prefix
        for prefix in _DOI_PREFIXES:
            if value.lower().startswith(prefix):
                value = value[len(prefix) :]
        return value.strip().lower()
    doi = match.group(1).rstrip(".,;")
    while doi.endswith(")") and doi.count(")") > doi.count("("):
        doi = doi[:-1].rstrip(".,;")
    return doi.lower()
