"""When two entries with one title are two works, not one paper listed twice."""

from __future__ import annotations

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
