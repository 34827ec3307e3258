"""Uncertain records put in front of their owner: the ``needs_review`` flag an import sets.

Each stored row the import wrote from a record it was unsure of (see
:mod:`labsite.importing.confidence`) gets ``needs_review`` and a ``review_reason``; the admin
shows them (a filter, a count on the start page, a banner on the form) until the member saves
the form or marks the row reviewed, which clears the flag.

``imported_values[REVIEW_KEY]`` remembers ``[reason, fingerprint]``: what the import last said
and a digest of the source values it said it about. A re-import changes the flag only when
that pair changes:

- the source changed (another fingerprint): the flag follows the new verdict, even on a row the
  member confirmed — what they confirmed is not what the page says now;
- the same source, another verdict (a better importer): a doubt that went away clears the flag;
  a new doubt flags a row that was never flagged, but never re-flags one the member cleared;
- the same source and verdict: nothing, so a confirmation stays confirmed.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.db import models

from labsite.importing.records import Doubtful, is_unsure, review_reason

__all__ = ["Doubtful", "apply_verdict", "is_unsure", "save_verdict", "source_values"]

#: Values that place a row rather than describe it: a move in the list is no new content.
_PLACING = frozenset({"order"})

#: ``imported_values`` key holding ``[reason, fingerprint]`` of the last import.
REVIEW_KEY = "review"


def fingerprint(values: dict[str, Any]) -> str:
    """A short digest of the values an import wrote from one record."""
    text = json.dumps(values, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def source_values(values: dict[str, Any]) -> dict[str, Any]:
    """The values a verdict is about: what the source says of the entry, not where it sits."""
    return {name: value for name, value in values.items() if name not in _PLACING}


def apply_verdict(obj: models.Model, record: Doubtful, values: dict[str, Any]) -> bool:
    """Set ``obj``'s flag from ``record``'s confidence by the rules above (not saved).

    ``values`` are the source values the import writes from ``record``. Returns whether
    ``needs_review``, ``review_reason`` or the remembered verdict changed.
    """
    reason = review_reason(record)[:300]
    return apply_reason(obj, reason, fingerprint(values))


def apply_reason(obj: models.Model, reason: str, digest: str) -> bool:
    imported = obj.imported_values if isinstance(obj.imported_values, dict) else {}
    last = imported.get(REVIEW_KEY)
    before = (obj.needs_review, obj.review_reason, last)
    if not (isinstance(last, list) and len(last) == 2):
        # A new row, or one imported before imports judged their records.
        flag = bool(reason)
    elif last[1] != digest:
        flag = bool(reason)
    elif last[0] == reason:
        flag = obj.needs_review
    elif not reason:
        flag = False
    else:
        flag = obj.needs_review or not last[0]
    obj.needs_review = flag
    obj.review_reason = reason if flag else ""
    imported[REVIEW_KEY] = [reason, digest]
    obj.imported_values = imported
    return before != (obj.needs_review, obj.review_reason, imported[REVIEW_KEY])


def save_verdict(obj: models.Model) -> None:
    """Write the flag fields of a stored row (one UPDATE, no ``save()``, no ``updated`` stamp)."""
    type(obj)._default_manager.filter(pk=obj.pk).update(
        needs_review=obj.needs_review,
        review_reason=obj.review_reason,
        imported_values=obj.imported_values,
    )


def unsure_line(model: str, label: str, record: Doubtful) -> str:
    """The report's line for an unsure record: ``publication 'Title': no year found``."""
    short = label if len(label) <= 70 else label[:69] + "…"
    return f"{model} {short!r}: {review_reason(record)}"
