"""When two entries with one title are two works, not one paper listed twice."""

from __future__ import annotations

import re
from dataclasses import dataclass

from labsite.importing.identity import compare_names
from labsite.importing.records import PublicationRecord
from labsite.importing.rows import valid_year
from labsite.importing.words import PREPRINT_WORDS, WORKSHOP_WORDS
from labsite.normalise import split_name

# Kinds that are never the same work as an entry of another kind with the same title: a thesis
# and the paper drawn from it, a workshop paper and its later conference or journal version.
_OWN_WORK_KINDS = frozenset({"thesis", "workshop"})
# Kinds that say nothing about the work itself (a preprint is the paper before its venue).
_OPEN_KINDS = frozenset({"", "other", "preprint"})


def distinct_kinds(first: str, second: str) -> bool:
    """Two entries of one source, of kinds ``first`` and ``second``, with one title: two works?"""
    kinds = {first, second}
    if len(kinds) < 2 or kinds & _OPEN_KINDS:
        return False
    return bool(kinds & _OWN_WORK_KINDS)


def distinct_from_stored(new: str, stored: str) -> bool:
    """A new entry of kind ``new`` whose title matches a stored paper of kind ``stored`` (from
    another page or an earlier import): two works?

    Only a thesis tells here. A stored paper's kind may be the model's default (a list entry
    that said nothing of its kind is stored as a conference paper), so "workshop" against
    "conference" proves nothing across sources; a thesis is never a default, and the thesis on
    the CV page and the paper drawn from it on the publications page are two works.
    """
    if not new or new in _OPEN_KINDS or stored in _OPEN_KINDS or new == stored:
        return False
    return "thesis" in (new, stored)


# --- one title, two works? ----------------------------------------------------------------------

#: What closes a shortened author list ("…, Pavel Rusk, et al."): not a name.
_ET_AL = re.compile(r"^(?:et\.?\s*al\.?|and\s+others|others|\.\.\.|…)$", re.I)


@dataclass(frozen=True)
class Listing:
    """What tells two works that share a title apart: who wrote it, where and when."""

    authors: tuple[str, ...] = ()
    venue: str = ""
    short_venue: str = ""
    year: int | None = None
    kind: str = ""

    @classmethod
    def of(cls, record: PublicationRecord) -> Listing:
        return cls(
            tuple(a.name for a in record.authors if a.name.strip()),
            record.venue,
            record.short_venue,
            valid_year(record.year),
            record.kind,
        )


def same_work(a: Listing, b: Listing) -> bool:
    """Two listings with one title: one work only when the same people wrote both, in order,
    and the venues do not tell them apart.

    A title alone is a weak key: a site copies a folder and forgets to change the title, a
    group reuses a title for the workshop version and the conference version of one study, a
    thesis takes the title of its main paper. Merging those silently loses a work; keeping
    two listings of one paper apart only shows it twice, where the admin sees it.
    """
    return _authors_agree(a.authors, b.authors) and not _venues_differ(a, b)


def _authors_agree(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """The same people in the same order: initials for given names, a bare surname, or an
    "et al." that cuts one list short are allowed; a list that is not given agrees with any,
    and so does a list of one of the other's names (a source that knows only whose work it
    is: an ORCID work without contributors is listed under its owner alone)."""
    a, cut_a = _names(a)
    b, cut_b = _names(b)
    if not a or not b:
        return True
    if len(a) == 1 or len(b) == 1:
        one, other = (a, b) if len(a) == 1 else (b, a)
        return any(_same_person(one[0], name) for name in other)
    if len(a) != len(b) and not (cut_a and len(a) < len(b) or cut_b and len(b) < len(a)):
        return False
    return all(_same_person(x, y) for x, y in zip(a, b, strict=False))


def _names(authors: tuple[str, ...]) -> tuple[list[str], bool]:
    """The names of a list without its closing "et al.", and whether it had one."""
    names = [n for n in authors if not _ET_AL.match(n.strip())]
    return names, len(names) < len(authors)


def _same_person(a: str, b: str) -> bool:
    # compare_names needs given names on both sides; a list of surnames ("Lund, Holt") is
    # compared by surname.
    return compare_names(a, b) is not None or split_name(a)[1] == split_name(b)[1]


def _venues_differ(a: Listing, b: Listing) -> bool:
    """Whether the venues name two places: a workshop and a main track, or two badges.

    A preprint is the paper before its venue, and a venue written out in full cannot be
    compared with another one reliably ("Proc. of NeurIPS'24", "Advances in Neural
    Information Processing Systems"), so only those two signs count.
    """
    if not a.venue.strip() or not b.venue.strip() or _preprint(a) or _preprint(b):
        return False
    if _workshop(a) != _workshop(b):
        return True
    if _workshop(a) and _named_apart(a, b):
        return True  # two workshops of one conference ("ICML 2023 Workshop on X", "… on Y")
    short_a, short_b = _badge(a.short_venue), _badge(b.short_venue)
    return bool(short_a and short_b and short_a != short_b)


def _named_apart(a: Listing, b: Listing) -> bool:
    """Two venues written out in full whose words neither holds the other's: a workshop is
    named by its topic, so two topics are two workshops (a badge is not compared so)."""
    words_a, words_b = _venue_words(a), _venue_words(b)
    if not words_a or not words_b:
        return False
    return not (words_a <= words_b or words_b <= words_a)


def _venue_words(listing: Listing) -> set[str]:
    venue = listing.venue.strip()
    if len(venue) <= len(listing.short_venue.strip()) + 3:
        return set()  # a badge
    return set(re.findall(r"[^\W\d_]{2,}", venue.lower()))


def _preprint(listing: Listing) -> bool:
    return listing.kind == "preprint" or bool(re.search(PREPRINT_WORDS, listing.venue.lower()))


def _workshop(listing: Listing) -> bool:
    return listing.kind == "workshop" or bool(re.search(WORKSHOP_WORDS, listing.venue.lower()))


def _badge(short: str) -> str:
    """``"NeurIPS'24"``, ``"neurips 2024"`` → ``"neurips"``: the badge without its year."""
    return re.sub(r"[\s'’‘]*\d{2,4}$", "", short.strip()).lower()
