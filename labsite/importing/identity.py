"""Who is who and which paper is which: matching imported names and papers to existing rows.

Names, titles, DOIs and arXiv ids are compared in :mod:`labsite.normalise`'s forms; profile
URLs are reduced to keys here (:func:`profile_keys`). Two small in-memory
indexes (:class:`PeopleIndex`, :class:`PublicationIndex`) are filled from the database once per
run and kept up to date as the loader creates rows, so matching never costs a query per record
(the import benchmark, 50 sites × 100 papers, depends on that).

People are matched, in order of confidence, by profile URL (Google Scholar user id, GitHub
user, ORCID, personal site), by slug, by a name or alias (accents, case and punctuation
ignored), by a name that differs only in initials or middle names ("L. Varkonyi", "Tariq M
Elshazly"), and last — *uncertain* — by a surname one letter off ("Karimzadeh" for
"Karimzadehi"). An uncertain match is returned with ``certain=False`` so the loader links it
**and says so in a warning**; it is never merged silently. Two candidates that fit equally well
give no match at all: a wrong link is worse than none.

Papers are matched by normalised DOI, then by arXiv id *with* a matching normalised title (two
papers that share a link — a workshop version and its journal version citing one preprint —
stay two), then by normalised title and, when both have one, year.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import parse_qs, urlsplit

from django.utils.text import slugify

from labsite.normalise import (
    normalize_arxiv,
    normalize_doi,
    normalize_name,
    normalize_title,
    split_name,
    strip_accents,
)


@lru_cache(maxsize=65536)
def _slug(name: str) -> str:
    return slugify(strip_accents(name))


def _given_compatible(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Whether two lists of given names can belong to one person.

    The first given names must agree (equal, or one is the other's initial); middle names are
    optional on either side, but when both give one they must agree the same way.
    """
    if not a or not b:
        return True  # a bare surname fits any given name (weak; the caller knows)

    def same(x: str, y: str) -> bool:
        if len(x) == 1 or len(y) == 1:
            return x[0] == y[0]
        return x == y

    if not same(a[0], b[0]):
        # "Tariq M" vs "Tariq": handled below; "SJ" style joined initials: "sj" vs "lena j"
        joined_a = len(a[0]) <= 3 and a[0].isalpha() and len(a) == 1 and len(b) >= 2
        if joined_a and all(same(ch, tok) for ch, tok in zip(a[0], b, strict=False)):
            return len(a[0]) <= len(b)
        joined_b = len(b[0]) <= 3 and len(b) == 1 and len(a) >= 2
        if joined_b and all(same(ch, tok) for ch, tok in zip(b[0], a, strict=False)):
            return len(b[0]) <= len(a)
        return False
    return all(same(x, y) for x, y in zip(a[1:], b[1:], strict=False))


def _one_edit_apart(a: str, b: str) -> bool:
    """A dropped, added or changed letter (``karimzadeh`` / ``karimzadehi``)."""
    if a == b or abs(len(a) - len(b)) > 1 or min(len(a), len(b)) < 5:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long_ = sorted((a, b), key=len)
    i = 0
    while i < len(short) and short[i] == long_[i]:
        i += 1
    return short[i:] == long_[i + 1 :]


@dataclass(frozen=True)
class NameMatch:
    """How well two names fit: ``certain`` is False for a surname one letter off."""

    score: int  # higher is better: 3 exact, 2 initials/middle names, 1 spelling
    certain: bool
    reason: str
    # The names agree only through an initial ("L. Varkonyi", "Z-H Yang"): many people fit.
    abbreviated: bool = False


@lru_cache(maxsize=262144)
def compare_names(a: str, b: str) -> NameMatch | None:
    """Whether names ``a`` and ``b`` can be the same person, and how sure that is."""
    if not a or not b:
        return None
    na, nb = normalize_name(a), normalize_name(b)
    if not na or not nb:
        return None
    if na == nb or na.replace(" ", "") == nb.replace(" ", ""):
        return NameMatch(3, True, "same name")
    given_a, surname_a = split_name(a)
    given_b, surname_b = split_name(b)
    if not given_a or not given_b:
        return None  # a bare surname is never enough
    if surname_a == surname_b:
        if _given_compatible(given_a, given_b):
            abbreviated = (len(given_a[0]) == 1) != (len(given_b[0]) == 1)
            reason = "initials" if abbreviated else "middle names"
            return NameMatch(2, True, reason, abbreviated)
        return None
    # "Kaveh Karimzadeh" vs "Kaveh Karimzadehi": same given name, surname a letter off.
    if _one_edit_apart(surname_a, surname_b) and given_a[0] == given_b[0] and len(given_a[0]) > 1:
        return NameMatch(1, False, f"surname spelled {surname_a!r} here, {surname_b!r} there")
    return None


# --- profile URLs -----------------------------------------------------------------------------

_ORCID = re.compile(r"(\d{4}-\d{4}-\d{4}-\d{3}[\dXx])")


def profile_keys(url: str) -> list[str]:
    """Stable keys for a profile link: ``scholar:<user>``, ``github:<user>``, ``orcid:<id>``….

    Different spellings of one profile (``http``/``https``, ``www.``, a trailing slash, Scholar's
    ``&hl=en``) give the same key, so a collaborator linked to their Scholar page finds the
    member whose profile names that page.
    """
    url = (url or "").strip()
    if not url:
        return []
    match = _ORCID.search(url)
    if match and ("orcid" in url.lower() or re.fullmatch(r"\s*" + _ORCID.pattern + r"\s*", url)):
        return [f"orcid:{match.group(1).upper()}"]
    if "://" not in url:
        if "/" not in url and "." not in url:
            return []  # a bare user name: ambiguous without the site
        url = "https://" + url
    try:
        parts = urlsplit(url)
    except ValueError:
        return []
    host = (parts.hostname or "").lower().removeprefix("www.")
    path = parts.path.rstrip("/")
    if host.startswith("scholar.google."):
        user = parse_qs(parts.query).get("user", [""])[0]
        return [f"scholar:{user}"] if user else []
    if host == "github.com":
        user = path.strip("/").split("/")[0].lower() if path.strip("/") else ""
        return [f"github:{user}"] if user else []
    if host.endswith(".github.io") and not path.strip("/"):
        return [f"github:{host.removesuffix('.github.io')}", f"web:{host}"]
    if not host or host in {"arxiv.org", "doi.org", "dx.doi.org", "twitter.com", "x.com"}:
        return []
    if host in {"linkedin.com"}:
        return [f"linkedin:{path.lower()}"] if path else []
    return [f"web:{host}{path.lower()}"]


# --- publications -----------------------------------------------------------------------------


@dataclass
class PublicationIndex:
    """Existing publications by source key, DOI, arXiv id and title; filled once per run."""

    by_source: dict[tuple[str, str], int] = field(default_factory=dict)
    by_doi: dict[str, int] = field(default_factory=dict)
    by_arxiv: dict[str, list[tuple[int, str]]] = field(default_factory=lambda: defaultdict(list))
    by_title: dict[str, list[tuple[int, int | None]]] = field(
        default_factory=lambda: defaultdict(list)
    )

    @classmethod
    def from_database(cls) -> PublicationIndex:
        from publications.models import Publication

        index = cls()
        rows = Publication.objects.values_list(
            "pk", "source_file", "source_key", "doi", "arxiv_id", "title", "year"
        )
        for pk, source_file, source_key, doi, arxiv_id, title, year in rows.iterator(
            chunk_size=2000
        ):
            index.add(
                pk,
                source_file=source_file,
                source_key=source_key,
                doi=doi,
                arxiv_id=arxiv_id,
                title=title,
                year=year,
            )
        return index

    def add(
        self,
        pk: int,
        *,
        source_file: str = "",
        source_key: str = "",
        doi: str = "",
        arxiv_id: str = "",
        title: str = "",
        year: int | None = None,
    ) -> None:
        if source_file and source_key:
            self.by_source[(source_file, source_key)] = pk
        doi = normalize_doi(doi)
        if doi:
            self.by_doi.setdefault(doi, pk)
        ntitle = normalize_title(title)
        arxiv = normalize_arxiv(arxiv_id)
        if arxiv:
            self.by_arxiv[arxiv].append((pk, ntitle))
        if ntitle:
            self.by_title[ntitle].append((pk, year))

    def find(
        self,
        *,
        source_file: str = "",
        source_key: str = "",
        doi: str = "",
        arxiv_id: str = "",
        title: str = "",
        year: int | None = None,
    ) -> tuple[int, str] | None:
        """``(pk, how)`` of the paper these facts describe, or ``None``."""
        pk = self.by_source.get((source_file, source_key)) if source_key else None
        if pk is not None:
            return pk, "source"
        doi = normalize_doi(doi)
        if doi and doi in self.by_doi:
            return self.by_doi[doi], "doi"
        ntitle = normalize_title(title)
        arxiv = normalize_arxiv(arxiv_id)
        if arxiv and ntitle:
            for pk, other_title in self.by_arxiv.get(arxiv, ()):
                if other_title == ntitle:
                    return pk, "arxiv"
        if ntitle:
            for pk, other_year in self.by_title.get(ntitle, ()):
                if year is None or other_year is None or abs(year - other_year) <= 1:
                    # a preprint and its proceedings are often a year apart
                    return pk, "title"
        return None


# --- people -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonMatch:
    pk: int
    name: str
    certain: bool
    reason: str
    weak: bool = False  # by an initial or a spelling only: trust it within a lab, not beyond


@dataclass
class _Entry:
    pk: int
    name: str
    names: list[str]


class PeopleIndex:
    """Every Person by slug, normalised name and alias, surname and profile key; one query."""

    def __init__(self) -> None:
        self.entries: dict[int, _Entry] = {}
        self.by_slug: dict[str, int] = {}
        self.by_name: dict[str, set[int]] = defaultdict(set)
        self.by_surname: dict[str, set[int]] = defaultdict(set)
        self.by_key: dict[str, int] = {}
        self._memo: dict[str, list[tuple[NameMatch, int]]] = {}

    @classmethod
    def from_database(cls) -> PeopleIndex:
        from people.models import Person

        index = cls()
        fields = (
            "pk",
            "name",
            "slug",
            "aliases",
            "website",
            "google_scholar",
            "github",
            "orcid",
            "linkedin",
        )
        for row in Person.objects.values(*fields).iterator(chunk_size=2000):
            aliases = [a for a in row["aliases"] or [] if isinstance(a, str)]
            urls = [row[f] for f in ("website", "google_scholar", "github", "orcid", "linkedin")]
            index.add(row["pk"], row["name"], slug=row["slug"], aliases=aliases, urls=urls)
        return index

    def add(
        self,
        pk: int,
        name: str,
        *,
        slug: str = "",
        aliases: Iterable[str] = (),
        urls: Iterable[str] = (),
    ) -> None:
        self._memo.clear()
        entry = self.entries.get(pk)
        if entry is None:
            entry = self.entries[pk] = _Entry(pk, name, [])
        entry.name = name
        for variant in [name, *aliases]:
            if variant and variant not in entry.names:
                entry.names.append(variant)
                normalized = normalize_name(variant)
                if normalized:
                    self.by_name[normalized].add(pk)
                    self.by_name[normalized.replace(" ", "")].add(pk)
                    self.by_surname[split_name(variant)[1]].add(pk)
        if slug:
            self.by_slug[slug] = pk
        for url in urls:
            for key in profile_keys(url):
                self.by_key.setdefault(key, pk)

    def get_slug(self, slug: str) -> int | None:
        return self.by_slug.get(slug)

    def match(
        self,
        name: str,
        *,
        url: str = "",
        exclude: Iterable[int] = (),
        members: set[int] | None = None,
    ) -> PersonMatch | None:
        """The person ``name`` (linked to ``url``) most likely is, or ``None`` when unsure of whom.

        ``exclude`` skips people already matched elsewhere in one author list: two authors of one
        paper are two people. ``members`` (the importing lab's people) bounds the weak matches:
        "Z. Yang" on a lab member's paper may well be the lab's Zhenhuan Yang, but is not taken
        to be a Zhenhuan Yang of another lab — there are too many Z. Yangs.
        """
        excluded = set(exclude)
        for key in profile_keys(url):
            pk = self.by_key.get(key)
            if pk is not None and pk not in excluded:
                return PersonMatch(pk, self.entries[pk].name, True, f"profile link {key}")
        normalized = normalize_name(name)
        if not normalized:
            return None
        exact = self.by_name.get(normalized, set()) - excluded
        if len(exact) == 1:
            pk = next(iter(exact))
            return PersonMatch(pk, self.entries[pk].name, True, "same name")
        if len(exact) > 1:
            return None  # two people share the name: do not guess
        pk = self.by_slug.get(_slug(name))
        if pk is not None and pk not in excluded:
            return PersonMatch(pk, self.entries[pk].name, True, "slug")
        best = [(result, pk) for result, pk in self._fuzzy(name) if pk not in excluded]
        if not best:
            return None
        top = max(result.score for result, _ in best)
        winners = [(result, pk) for result, pk in best if result.score == top]
        if len(winners) != 1:
            return None
        result, pk = winners[0]
        weak = result.abbreviated or not result.certain
        if weak and members is not None and pk not in members:
            return None
        return PersonMatch(pk, self.entries[pk].name, result.certain, result.reason, weak)

    def _fuzzy(self, name: str) -> list[tuple[NameMatch, int]]:
        """Everyone ``name`` could be by initials, middle names or spelling; memoised per run.

        An import asks about the same co-author names over and over (every paper of a site,
        again on the re-run); the memo is dropped whenever a person is added.
        """
        cached = self._memo.get(name)
        if cached is not None:
            return cached
        _given, surname = split_name(name)
        candidates: set[int] = set(self.by_surname.get(surname, set()))
        if len(surname) >= 5:
            for other in self._surnames_near(surname):
                candidates |= self.by_surname[other]
        found: list[tuple[NameMatch, int]] = []
        for pk in candidates:
            scored = [r for r in (compare_names(name, v) for v in self.entries[pk].names) if r]
            if scored:
                found.append((max(scored, key=lambda r: r.score), pk))
        self._memo[name] = found
        return found

    def _surnames_near(self, surname: str) -> list[str]:
        # Surnames one letter off share a 4-letter prefix or suffix often enough to bound the scan.
        return [
            other
            for other in self.by_surname
            if other != surname
            and abs(len(other) - len(surname)) <= 1
            and (other[:4] == surname[:4] or other[-4:] == surname[-4:])
            and _one_edit_apart(other, surname)
        ]


@dataclass
class Indexes:
    """The in-memory indexes one run shares across sites (filled once, kept up to date)."""

    people: PeopleIndex
    publications: PublicationIndex

    @classmethod
    def from_database(cls) -> Indexes:
        return cls(PeopleIndex.from_database(), PublicationIndex.from_database())
