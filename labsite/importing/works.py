"""When two entries with one title are two works, not one paper listed twice."""

from __future__ import annotations

from labsite.importing.records import PublicationRecord

# Kinds that are never the same work as an entry of another kind with the same title: a thesis
# and the paper drawn from it, a workshop paper and its later conference or journal version.
_OWN_WORK_KINDS = frozenset({"thesis", "workshop"})
# Kinds that say nothing about the work itself (a preprint is the paper before its venue).
_OPEN_KINDS = frozenset({"", "other", "preprint"})


def distinct_works(first: PublicationRecord, second: PublicationRecord) -> bool:
    """Two entries of one source whose titles match but whose kinds say they are two works."""
    kinds = {first.kind, second.kind}
    if len(kinds) < 2 or kinds & _OPEN_KINDS:
        return False
    return bool(kinds & _OWN_WORK_KINDS)
