"""Publication entries by shape: each way of writing one is a small unit with ``score`` and
``parse`` (:mod:`.entries`); the best score wins, and an entry no shape is sure of stays prose.
"""

from __future__ import annotations

from typing import NamedTuple

from labsite.importing.extract.common import Context, Item
from labsite.importing.records import PublicationRecord
from labsite.importing.shapes.base import THRESHOLD, Entry, Reader, Shape, prepare
from labsite.importing.shapes.entries import SHAPES, not_a_publication

__all__ = [
    "SHAPES",
    "THRESHOLD",
    "Entry",
    "Reader",
    "Reading",
    "Shape",
    "best_shape",
    "read_entry",
]


def best_shape(entry: Entry) -> tuple[Shape | None, float]:
    """The shape that reads ``entry`` best and its score; no shape below the threshold."""
    if not_a_publication(entry):
        return None, 0.0
    scored = [(shape.score(entry), n, shape) for n, shape in enumerate(SHAPES)]
    score, _, shape = max(scored, key=lambda t: (t[0], -t[1]))
    return (shape, score) if score >= THRESHOLD else (None, score)


class Reading(NamedTuple):
    """How one entry was read: the winning shape ("" for prose), its score, the record."""

    shape: str
    score: float
    record: PublicationRecord | None


def read_entry(item: Item, ctx: Context, source_path: str, selected: bool = False) -> Reading:
    """One list item or paragraph read by the shape that scores best; prose gives no record.

    The score says how sure the reading is (for "needs review" flags downstream)."""
    entry = prepare(item, tuple(ctx.owner_names))
    if entry is None:
        return Reading("", 0.0, None)
    shape, score = best_shape(entry)
    if shape is None:
        return Reading("", score, None)
    record = shape.parse(entry, Reader(ctx, source_path, selected))
    if record is not None and record.year is None and entry.year is not None:
        record.year = entry.year
    return Reading(shape.name, score, record)
