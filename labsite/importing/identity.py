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

Papers are matched by normalised DOI (unless the two titles are plainly two works: a DOI
copied into the next paper's front matter), then by arXiv id *with* a matching normalised
title (two papers that share a link — a workshop version and its journal version citing one
preprint — stay two), then by normalised title and, when both have one, year. A title match is
a match only when the caller's ``same_work`` agrees (the authors and venues of both listings).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import parse_qs, urlsplit

from django.utils.text import slugify

from labsite.importing.words import HEADING_PHRASE_WORDS, SECTION_HEADINGS
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

#: Hosts whose addresses name a paper, a post or an institution, never one person.
_NOT_PROFILES = frozenset(
    {
        "arxiv.org",
        "doi.org",
        "dx.doi.org",
        "twitter.com",
        "x.com",
        "openreview.net",
        "youtube.com",
        "youtu.be",
        "proceedings.neurips.cc",
        "papers.nips.cc",
        "proceedings.mlr.press",
        "aclanthology.org",
        "ieeexplore.ieee.org",
        "dl.acm.org",
        "link.springer.com",
        "drive.google.com",
        "docs.google.com",
        "bit.ly",
    }
)
_DBLP_HOSTS = frozenset({"dblp.org", "dblp.uni-trier.de", "dblp.dagstuhl.de"})
#: Key kinds that name exactly one person: a name that differs is still that person, and two
#: different values of one kind are two people.
STRONG_KINDS = frozenset({"scholar", "orcid", "github", "dblp", "s2"})
#: Index pages a homepage address may end with: ``/~ada/index.html`` is ``/~ada``.
_INDEX_PAGES = re.compile(r"/(index|home|default)\.(html?|php)$")


def profile_keys(url: str) -> list[str]:
    """Stable keys for a profile link: ``scholar:<user>``, ``github:<user>``, ``orcid:<id>``….

    Different spellings of one profile (``http``/``https``, ``www.``, a trailing slash, an
    ``index.html``, Scholar's ``&hl=en``, an ORCID id with or without its address) give the same
    key, so a collaborator linked to their Scholar page finds the member whose profile names
    that page. Kinds: ``scholar``, ``orcid``, ``github``, ``dblp``, ``s2`` (Semantic Scholar),
    ``linkedin`` and ``web`` (any other homepage). A paper, a preprint or a post gives none.
    """
    url = (url or "").strip()
    if not url or url.lower().startswith(("mailto:", "tel:", "javascript:", "#")):
        return []
    match = _ORCID.search(url)
    if match and ("orcid" in url.lower() or re.fullmatch(r"\s*" + _ORCID.pattern + r"\s*", url)):
        return [f"orcid:{match.group(1).upper()}"]
    if "://" not in url:
        if url.startswith("//"):
            url = "https:" + url
        elif "/" not in url and "." not in url:
            return []  # a bare user name: ambiguous without the site
        else:
            url = "https://" + url
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower().removeprefix("www.").rstrip(".")
    except ValueError:
        return []
    path = _INDEX_PAGES.sub("", parts.path).rstrip("/")
    segments = [s for s in path.split("/") if s]
    if host.startswith("scholar.google."):
        user = parse_qs(parts.query).get("user", [""])[0].strip()
        return [f"scholar:{user}"] if user else []
    if host == "github.com":
        return [f"github:{segments[0].lower()}"] if segments else []
    if host.endswith(".github.io") and not segments:
        return [f"github:{host.removesuffix('.github.io')}", f"web:{host}"]
    if host in _DBLP_HOSTS:
        return _dblp_key(segments)
    if host in {"semanticscholar.org", "api.semanticscholar.org"}:
        ids = [s for s in segments if s.isdigit()]
        return [f"s2:{ids[-1]}"] if "author" in segments and ids else []
    if host == "linkedin.com":
        return [f"linkedin:{path.lower()}"] if path else []
    if not host or "." not in host or host in _NOT_PROFILES or host.endswith(".pdf"):
        return []
    if segments and re.search(r"\.(pdf|png|jpe?g|gif|zip|ps|gz|bib)$", segments[-1], re.I):
        return []  # a file on someone's site, not the site
    return [f"web:{host}{path.lower()}"]


def _dblp_key(segments: list[str]) -> list[str]:
    """``/pid/12/3456.html`` → ``dblp:pid/12/3456``; ``/pers/hd/a/Ali:Ramy`` → ``dblp:pers/…``."""
    segments = [re.sub(r"\.(html?|xml|bib)$", "", s) for s in segments]
    if len(segments) >= 2 and segments[0] == "pid":
        return ["dblp:pid/" + "/".join(segments[1:]).lower()]
    if len(segments) >= 2 and segments[0] == "pers":
        return [f"dblp:pers/{segments[-1].lower()}"]
    return []


def key_kind(key: str) -> str:
    """``"scholar:ABC"`` → ``"scholar"``."""
    return key.partition(":")[0]


def is_profile_link(url: str) -> bool:
    """Whether ``url`` names one person's profile or homepage (it gives a profile key)."""
    return bool(profile_keys(url))


#: ``Person.imported_values`` key: profile links an import found the person by.
PROFILE_LINKS_KEY = "profile_links"

#: The Person field each kind of profile key is stored in (others: ``imported_values``).
PROFILE_FIELD_OF_KIND = {
    "scholar": "google_scholar",
    "orcid": "orcid",
    "github": "github",
    "linkedin": "linkedin",
    "web": "website",
}


def profile_field(url: str) -> str:
    """The Person field ``url`` belongs in (``google_scholar``, …), or ``""`` (DBLP, S2)."""
    keys = profile_keys(url)  # "x.github.io" gives github:x, web:x.github.io: a website
    return PROFILE_FIELD_OF_KIND.get(key_kind(keys[-1]), "") if keys else ""


# --- publications -----------------------------------------------------------------------------


@dataclass
class PublicationIndex:
    """Existing publications by source key, DOI, arXiv id and title; filled once per run."""

    by_source: dict[tuple[str, str], int] = field(default_factory=dict)
    by_doi: dict[str, int] = field(default_factory=dict)
    doi_titles: dict[str, str] = field(default_factory=dict)  # DOI → its paper's title
    by_arxiv: dict[str, list[tuple[int, str]]] = field(default_factory=lambda: defaultdict(list))
    by_title: dict[str, list[tuple[int, int | None, str]]] = field(
        default_factory=lambda: defaultdict(list)
    )

    @classmethod
    def from_database(cls) -> PublicationIndex:
        from publications.models import Publication

        index = cls()
        rows = Publication.objects.values_list(
            "pk", "source_file", "source_key", "doi", "arxiv_id", "title", "year", "kind"
        )
        for pk, source_file, source_key, doi, arxiv_id, title, year, kind in rows.iterator(
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
                kind=kind,
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
        kind: str = "",
    ) -> None:
        if source_file and source_key:
            self.by_source[(source_file, source_key)] = pk
        self.hold_doi(doi, pk, title)
        ntitle = normalize_title(title)
        arxiv = normalize_arxiv(arxiv_id)
        if arxiv:
            self.by_arxiv[arxiv].append((pk, ntitle))
        if ntitle:
            self.by_title[ntitle].append((pk, year, kind))

    def hold_doi(self, doi: str, pk: int, title: str) -> None:
        """``pk`` holds ``doi`` (the first paper given a DOI keeps it)."""
        doi = normalize_doi(doi)
        if doi and doi not in self.by_doi:
            self.by_doi[doi] = pk
            self.doi_titles[doi] = title

    def doi_clash(self, doi: str, title: str) -> tuple[int, str] | None:
        """``(pk, title)`` of the paper holding ``doi`` under a title of another work, or None.

        A DOI names one work, but homepages copy a paper's front matter to start the next
        one and forget its DOI: a DOI shared by two plainly different titles is not the same
        paper listed twice. The loader keeps both and says so (see :func:`other_work_titles`).
        """
        doi = normalize_doi(doi)
        if not doi or doi not in self.by_doi:
            return None
        held = self.doi_titles.get(doi, "")
        if not other_work_titles(title, held):
            return None
        return self.by_doi[doi], held

    def title_matches(self, title: str) -> list[int]:
        """Every paper of this title (normalised): those a ``same_work`` test may weigh."""
        return [pk for pk, _year, _kind in self.by_title.get(normalize_title(title), ())]

    def find(
        self,
        *,
        source_file: str = "",
        source_key: str = "",
        doi: str = "",
        arxiv_id: str = "",
        title: str = "",
        year: int | None = None,
        kind: str = "",
        two_works: Callable[[str, str], bool] | None = None,
        same_work: Callable[[int], bool] | None = None,
    ) -> tuple[int, str] | None:
        """``(pk, how)`` of the paper these facts describe, or ``None``.

        A match on the title alone is skipped when ``two_works(kind, its kind)`` says the
        kinds make them two works (a thesis and the paper drawn from it), and a match on the
        title (with or without an arXiv id) when ``same_work(pk)`` says the paper found is
        another work of that title (other authors, another venue: see works.same_work)."""
        pk = self.by_source.get((source_file, source_key)) if source_key else None
        if pk is not None:
            return pk, "source"
        doi = normalize_doi(doi)
        if doi and doi in self.by_doi and self.doi_clash(doi, title) is None:
            return self.by_doi[doi], "doi"
        ntitle = normalize_title(title)
        arxiv = normalize_arxiv(arxiv_id)
        if arxiv and ntitle:
            for pk, other_title in self.by_arxiv.get(arxiv, ()):
                if other_title == ntitle and (same_work is None or same_work(pk)):
                    return pk, "arxiv"
        if ntitle:
            for pk, other_year, other_kind in self.by_title.get(ntitle, ()):
                if two_works is not None and two_works(kind, other_kind):
                    continue
                # a preprint and its proceedings are often a year apart
                if year is not None and other_year is not None and abs(year - other_year) > 1:
                    continue
                if same_work is None or same_work(pk):
                    return pk, "title"
        return None


def other_work_titles(title: str, other: str) -> bool:
    """Whether two titles plainly name two works: less than a quarter of the shorter one's
    words (those longer than three letters: "in", "the", "of" are in every title) are in the
    other.

    A paper renamed between its preprint and its journal version keeps most of its words
    ("Folding Cranes at Scale" / "Folding Paper Cranes at Scale"); a missing title proves
    nothing.
    """
    words, others = _title_words(title), _title_words(other)
    if not words or not others:
        return False
    return len(words & others) < len(min(words, others, key=len)) / 4


def _title_words(title: str) -> set[str]:
    words = normalize_title(title).split()
    return {w for w in words if len(w) > 3} or set(words)


# --- people -----------------------------------------------------------------------------------


def plainly_someone_else(name: str, owner_names: Iterable[str]) -> bool:
    """Whether ``name`` shares no word with any of the owner's names (both in Latin letters:
    "Mara Quill" and "Quill Mara", "M. Quill", "Bob Quill" share one; "Olan Piet" none).
    A name in another script ("李明" for "Ming Li") cannot be told apart so: not judged."""
    words = name_words(name)
    owners = [name_words(n) for n in owner_names]
    if not words or not any(owners):
        return False
    return not any(words & theirs for theirs in owners)


def heading_phrase(text: str) -> bool:
    """Whether a name the site gives its owner is a heading ("About Me", "Home", "Contact",
    "Publications"): a theme's sidebar title (``author: name: "About Me"``) is no person.
    Only a text made wholly of heading words counts ("Ana Home" is a name)."""
    words = re.findall(r"\w+", strip_accents(text).lower())
    if not words or len(words) > 6:
        return False
    return all(
        word in HEADING_PHRASE_WORDS
        or any(re.fullmatch(pattern, word) for _, pattern in SECTION_HEADINGS)
        for word in words
    )


def name_words(name: str) -> set[str]:
    """The words of a name in Latin letters, initials left out ("M. Quill" → {quill}); empty
    when the name has none (another script, initials only)."""
    return {w for w in normalize_name(name).split() if len(w) > 1 and w.isascii() and w.isalpha()}


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
        #: Import-created people whose doubtful links this run has said again (persons.py).
        self.doubts_said: set[int] = set()
        self.entries: dict[int, _Entry] = {}
        self.by_slug: dict[str, int] = {}
        self.by_name: dict[str, set[int]] = defaultdict(set)
        self.by_surname: dict[str, set[int]] = defaultdict(set)
        self.by_key: dict[str, int] = {}
        self.keys_of: dict[int, set[str]] = defaultdict(set)
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
        for row in Person.objects.values(*fields, "imported_values").iterator(chunk_size=2000):
            aliases = [a for a in row["aliases"] or [] if isinstance(a, str)]
            urls = [row[f] for f in ("website", "google_scholar", "github", "orcid", "linkedin")]
            # Links an import found the person by that have no field of their own (DBLP, S2, a
            # second homepage): kept with what the import wrote.
            found = (row["imported_values"] or {}).get(PROFILE_LINKS_KEY) or []
            urls += [url for url in found if isinstance(url, str)]
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
                self.keys_of[pk].add(key)

    def conflicts(self, pk: int, url: str) -> bool:
        """Whether ``url`` names a profile of one kind that person ``pk`` has another of.

        Two Scholar (ORCID, DBLP, …) profiles are two people, however alike their names.
        """
        theirs = {key_kind(k): k for k in self.keys_of.get(pk, ()) if key_kind(k) in STRONG_KINDS}
        return any(
            key_kind(key) in theirs and theirs[key_kind(key)] != key for key in profile_keys(url)
        )

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
            if pk is None or pk in excluded:
                continue
            # A Scholar id or an ORCID is one person whatever the name printed beside it; a
            # homepage address may be a group's page two collaborators both link to, so the
            # names must fit too.
            if key_kind(key) in STRONG_KINDS or not name or self._fits(name, pk):
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

    def _fits(self, name: str, pk: int) -> bool:
        return any(compare_names(name, variant) for variant in self.entries[pk].names)

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
