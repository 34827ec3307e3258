"""Author lists as homepages print them: highlighted owner, equal-contribution marks, links.

``<u>Lena Varkonyi</u>\\*, Ritam Basuray\\*, Nikhil Varadan, Jin Tao and Tobias Ellerbrook``,
``**Yasmine Ouazzani<sup>\\*</sup>**, Kexin Dai<sup>\\*</sup>``, ``Varkonyi, L., Rethy, T.`` — all
become ordered :class:`AuthorRecord` lists.
"""

from __future__ import annotations

import html
import re
from dataclasses import replace

from labsite.importing.extract.common import (
    CJK_LETTER,
    find_links,
    normalise,
    strip_markup,
    unescape,
)
from labsite.importing.records import ET_AL, AuthorRecord
from labsite.importing.words import INSTITUTION_WORDS
from labsite.normalise import NAME_PARTICLES

_HIGHLIGHT = re.compile(r"<u>|<b>|<strong>|\*\*|__|<mark>|<em>|<ins>", re.I)
_EQUAL_MARK = re.compile(r"(?:<sup>\s*(?:\\?\*|†|#|⭑|\+)+\s*</sup>|\\\*|\*|†|⭑|＊|\\?#)\s*$")
# "+" after a name: the corresponding author in the lists that use it (a legend says so; "*"
# is the equal-contribution mark there).
_LEAD_MARK = re.compile(r"^\s*(?:\\?\*|†|＊)+\s*(?=[^\W\d_])")
_CORRESPONDING = re.compile(r"(?:✉|📧|<sup>\s*(?:c|✉)\s*</sup>|\(corresponding\)|\+)\s*$", re.I)
_AFFIL = re.compile(r"<sup>\s*[\d,\s]{1,20}\s*</sup>")
_INITIALS = re.compile(r"^(?:[A-Z]\.?(?:[ -]?[A-Z]\.?){0,3})$")
# An initial or a suffix keeps its full stop: "A. B.", "J.-P.", "Ch.", "Jr."; a surname does not.
_INITIAL_END = re.compile(r"(?:^|[\s.-])(?:[A-Z]|[A-Z][a-z]?h|Jr|Sr)\.$")
_NATIVE_ALIAS = re.compile(
    r"\s*[(（][^()（）]{0,40}[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af][^()（）]{0,40}[)）]\s*$"
)
# A name in CJK letters: two to four (Chinese, Korean), or a Japanese family and given name.
_CJK_NAME = re.compile(f"[{CJK_LETTER}]{{2,4}}|[{CJK_LETTER}]{{1,4}} [{CJK_LETTER}]{{1,4}}")
_ET_AL = re.compile(r"^(?:and\s+)?(?:et\.?\s*al\.?|others)$", re.I)
# A parenthesis after the last name that rates the venue ("(IF: 9.1)", "(CORE A*)", "(CCF-A)").
_METRIC_AFTER = re.compile(r"\s*\((?=[^()]*(?:\d|:|\b[A-Z]{2,}\b))[^()]{1,40}\)\s*$")
_GLUED_ET_AL = re.compile(r"(?<=[^\s,;])\s+(et\.?\s*al\.?|and others)\s*$", re.I)
_AND = re.compile(r"&|\band\b", re.I)
_SKIP = re.compile(r"^(?:\.{2,}|…|et al\.?|others|and others|etc\.?)$", re.I)


def split_top_level(text: str) -> list[str]:
    """Split at commas, semicolons, '&' and the word 'and' that are outside tags and links (the
    full-width and ideographic commas of CJK lists too: "张伟、李娜")."""
    parts: list[str] = []
    depth_tag = depth_sq = depth_par = 0
    buf: list[str] = []
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == "<":
            depth_tag += 1
        elif ch == ">" and depth_tag:
            depth_tag -= 1
        elif ch == "[":
            depth_sq += 1
        elif ch == "]" and depth_sq:
            depth_sq -= 1
        elif ch == "(":
            depth_par += 1
        elif ch == ")" and depth_par:
            depth_par -= 1
        outside = not (depth_tag or depth_sq or depth_par)
        if outside and ch in ",;&，；、":  # and the full-width comma, semicolon, enumeration comma
            parts.append("".join(buf))
            buf = []
            i += 1
            continue
        if outside and ch in " \t" and text[i + 1 : i + 5].lower() == "and ":
            parts.append("".join(buf))
            buf = []
            i += 5
            continue
        buf.append(ch)
        i += 1
    parts.append("".join(buf))
    return parts


def _one(raw: str) -> AuthorRecord | None:
    token = raw.strip()
    token = re.sub(r"^(?:and|&)\s+", "", token, flags=re.I).strip()
    token = re.sub(r"^(?:\.\s?){3}|^…", "", token).strip()  # APA's ". . ." before the last name
    if not token:
        return None
    links = find_links(token)
    url = links[0][1] if links else ""
    is_owner = bool(_HIGHLIGHT.search(token))
    token = _AFFIL.sub("", token)
    # marks may sit inside or outside the highlight: <u>Name</u>\*, **Name<sup>*</sup>**
    plain_marked = re.sub(r"</?(?:u|b|strong|mark|em|ins|span)[^<>]{0,100}>|\*\*|__", "", token)
    plain_marked = re.sub(r"\[([^\[\]]{0,300})\]\([^()]{0,1000}\)", r"\1", plain_marked).strip()
    equal = corresponding = False
    italic = re.fullmatch(r"\*([^*]{2,80})\*", plain_marked)  # "***B. Owner***": bold italic
    if italic:
        plain_marked = italic.group(1).strip()
    lead = _LEAD_MARK.match(plain_marked)  # "Tom Brenn, *Ines Ortl, *Sun Li": marks before names
    if lead:
        equal = True
        plain_marked = plain_marked[lead.end() :]
    note = re.search(r"\s*\(([^()]{2,40})\)\s*$", plain_marked)  # "Ben Carr (equal contribution)"
    if note and re.search(r"equal|co-?first|joint first|corresponding", note.group(1), re.I):
        equal = bool(re.search(r"equal|first", note.group(1), re.I))
        corresponding = bool(re.search(r"corresponding", note.group(1), re.I))
        plain_marked = plain_marked[: note.start()].rstrip()
    plain_marked = _METRIC_AFTER.sub("", plain_marked)  # "Bo Chen **(IF: 9)**": the venue's
    plain_marked = re.sub(r"(?<=[*+†⭑#✉])\.$", "", plain_marked)  # "**Bo Owner+**."
    for _ in range(3):
        m = _EQUAL_MARK.search(plain_marked)
        if m:
            equal = True
            plain_marked = plain_marked[: m.start()].rstrip()
            continue
        m = _CORRESPONDING.search(plain_marked)
        if m:
            corresponding = True
            plain_marked = plain_marked[: m.start()].rstrip()
            continue
        break
    name = strip_markup(unescape(plain_marked)).strip(" ,:;*†")
    if name.endswith(".") and not _INITIAL_END.search(name):
        name = name[:-1].rstrip()  # a sentence's full stop, not an initial's ("Bo Ng." → "Bo Ng")
    name = re.sub(r"^\d+\s*", "", name)
    alias = _NATIVE_ALIAS.search(name)  # "Tomas Lind(林汤姆)": the name in its own script
    if alias and re.search(r"[A-Za-z]", name[: alias.start()]):
        name = name[: alias.start()].rstrip()
    if not name or _SKIP.match(name) or not re.search(r"[^\W\d_]", name):
        return None
    if len(name) > 80:
        return None
    return AuthorRecord(
        name=name, is_owner=is_owner, equal_contribution=equal, corresponding=corresponding, url=url
    )


def _joined(last: AuthorRecord, first: AuthorRecord) -> AuthorRecord:
    return AuthorRecord(
        name=f"{first.name.strip()} {last.name.strip()}".strip(),
        is_owner=last.is_owner or first.is_owner,
        equal_contribution=last.equal_contribution or first.equal_contribution,
        corresponding=last.corresponding or first.corresponding,
        url=last.url or first.url,
    )


def _pair_last_first(
    records: list[AuthorRecord], joined_by_and: bool = False
) -> list[AuthorRecord]:
    """``Varkonyi, L., Rethy, T.`` was split at every comma: join surname and initials.

    MLA and Chicago invert the first author only (``Lind, Tomas, and Ana Ruiz``, ``Lind, T.,
    and A. Ruiz``): a lone surname and a lone given name or initials, then full names."""
    if (
        len(records) >= 3
        and " " not in records[0].name.strip()
        and (" " not in records[1].name.strip() or _INITIALS.match(records[1].name))
        and not _INITIALS.match(records[0].name)
        and all(" " in r.name.strip() for r in records[2:])
    ):
        return [_joined(records[0], records[1]), *records[2:]]
    loose = _pair_loosely(records)
    if loose is not None:
        return loose
    if len(records) < 2 or len(records) % 2:
        return records
    firsts = records[1::2]
    lasts = records[0::2]
    if any(_INITIALS.match(r.name) or " " in r.name.strip() for r in lasts):
        return records
    if all(" " not in r.name.strip() and not _INITIALS.match(r.name) for r in firsts) and (
        len(records) > 2 or joined_by_and
    ):
        return records  # "Lund, Holt, Ives, & Penn": surnames only, as APA's in-text lists
    # "Lee, A., Chen, B.": initials after each surname; or given names, every surname one
    # word and every given name one to three ("Lee, Ann, Chen, Bo Carl, and Diaz, Carla")
    if not all(_INITIALS.match(r.name) for r in firsts) and not all(
        _given_names(r.name) for r in firsts
    ):
        return records
    return [_joined(last, first) for last, first in zip(lasts, firsts, strict=True)]


# "Weng K.", "Sen Ray H.-J.": a surname and its initials with the comma left out.
_INVERTED = re.compile(
    r"^(?P<last>[^\W\d_][^\W\d_'’-]*[a-z][^\W\d_'’-]*(?:[ '’-][^\W\d_'’-]+){0,2})\s+"
    r"(?P<initials>[A-Z]\.(?:[ -]?[A-Z]\.){0,3})$"
)


# Given names, written out, perhaps with a middle initial: "Kari", "Kari A.", "Ana María".
_GIVEN_AND_INITIALS = re.compile(r"^[A-Z][a-zà-ÿ'’-]+(?:\s+(?:[A-Z][a-zà-ÿ'’-]+|[A-Z]\.)){0,2}$")


def _surname(name: str) -> bool:
    """One surname of one to three words, a particle among them: "Lind", "Sen Ray", "van Dorn",
    "de la Cruz" (no initials: those are the given names that follow it)."""
    words = name.split()
    return (
        1 <= len(words) <= 3
        and not _INITIALS.match(name)
        and any(w[:1].isupper() and re.search(r"[a-z]", w) for w in words)
        and all(
            (w[:1].isupper() and not w.endswith(".")) or w.lower() in NAME_PARTICLES for w in words
        )
    )


def _pair_loosely(records: list[AuthorRecord]) -> list[AuthorRecord] | None:
    """``Lind, K., van Dorn, A., Sen Ray, H., Weng K., & Orban, T.`` split at every comma: a
    list of surnames each followed by its initials, where a surname may be several words or
    start with a particle and a comma may be missing. None unless every part pairs (a list
    with one full name in it is not an inverted list)."""
    if sum(1 for r in records if _INITIALS.match(r.name)) < 2:
        return None
    out: list[AuthorRecord] = []
    i = 0
    while i < len(records):
        record = records[i]
        after = records[i + 1] if i + 1 < len(records) else None
        if (
            _surname(record.name)
            and after is not None
            and (_INITIALS.match(after.name) or _GIVEN_AND_INITIALS.match(after.name))
        ):  # "Lind, K." or "Lind, Kari A."
            out.append(_joined(record, after))
            i += 2
            continue
        inverted = _INVERTED.match(record.name.strip())
        if inverted is None:
            return None
        first = AuthorRecord(name=inverted["initials"])
        out.append(_joined(replace(record, name=inverted["last"]), first))
        i += 1
    return out


def _given_names(name: str) -> bool:
    """One to three given names, a particle among them ("Amadeu de Oliveira")."""
    words = name.split()
    return 1 <= len(words) <= 4 and all(
        (w[:1].isupper() and w[1:2].islower()) or (i and w.lower() in NAME_PARTICLES)
        for i, w in enumerate(words)
    )


def parse_authors(text: str) -> list[AuthorRecord]:
    """An ordered author list from one printed line."""
    text = html.unescape(text[:5000]).strip()
    text = re.sub(r"\(\s*\\?\*\s*equal contributions?\s*\)", "", text, flags=re.I)
    head, tail = text[:-60], text[-60:]  # (the end only: no rescanning of a long line)
    text = head + _GLUED_ET_AL.sub(", et al.", tail)  # "Barr, T. et al." → "Barr, T., et al."
    parts = [part for part in split_top_level(text) if part.strip()]
    records = [r for r in (_one(part) for part in parts) if r is not None]
    records = _pair_last_first(records, _AND.search(text) is not None)
    if parts and _ET_AL.match(strip_markup(parts[-1]).strip()):
        records.append(AuthorRecord(name=ET_AL))  # "A. Lee, et al.": the list goes on
    return records


_INSTITUTION = re.compile(INSTITUTION_WORDS, re.I)


def looks_like_authors(text: str, single_ok: bool = True) -> bool:
    """Does a line read as a list of names (not a venue, a sentence or a link list)?"""
    first_part = split_top_level(text)[0]
    if len(strip_markup(first_part).split()) > 5:
        return False  # a title (commas inside its link or emphasis are not name separators)
    plain = strip_markup(text)
    if not plain or len(plain) > 2000:
        return False
    if re.search(r"\b(?:19|20)\d\d\b", plain):
        return False  # a year belongs to a venue line
    if _HIGHLIGHT.search(text) and re.search(r"[,]|\band\b", text):
        return True
    names = [p.strip() for p in split_top_level(plain) if p.strip()]
    if not names or any(len(name.split()) > 6 for name in names):
        return False  # "…, Julien Jacques. Presented at the student session": a sentence
    good = 0
    for name in names:
        clean = name.strip(" .*†⭑#")
        words = clean.split()
        if re.match(r"^(?:\.{2,}|…|et al\.?)$", clean):
            good += 1
            continue
        capitalised = (
            1 <= len(words) <= 5
            and all(w[:1].isupper() or w[:1] in "(-'" for w in words)
            and not re.search(r"[:?!]", clean)  # "Foldix: Fast Image and Video": a title's
            and not _INSTITUTION.search(clean)  # "College of Paper Sciences": a place
        )
        if capitalised or _CJK_NAME.fullmatch(clean):
            good += 1
    if len(names) == 1:
        return single_ok and bool(_HIGHLIGHT.search(text)) and good == 1
    return good >= max(2, int(len(names) * 0.8))


def same_person(name: str, other: str) -> bool:
    """Loose name match: full name, or same surname and first initial ("J Park" / "Jiwoo Park")."""
    a, b = normalise(name).split(), normalise(other).split()
    if not a or not b:
        return False
    if a == b:
        return True
    if a[-1] != b[-1]:
        return False
    return a[0][0] == b[0][0]
