"""Writing imported rows: the three-way merge, column limits, and inserts without ``save()``.

:func:`merge_fields` is the one rule for updating an imported row (a three-way merge):

============================  ============================================================
source value == current value  nothing to do
current == last imported       the source changed and nobody edited the field: write it
anything else                  the field was edited in the admin: keep it, report a conflict
============================  ============================================================
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Hashable, Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models

from labsite.importing.report import PageReport
from people.models import CVEntry, Honor, NewsItem, ProfileSection, Talk, Teaching

EMPTY = ("", None, [], {})
#: Position fields the import writes from the source's order; 0, their default, means "unset".
ORDER_FIELDS = frozenset({"order"})


def plain(value: Any) -> Any:
    """A value as stored in ``imported_values`` (JSON): dates as ISO text."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _short(value: Any) -> str:
    text = repr(plain(value))
    return text if len(text) <= 60 else text[:57] + "…'"


def merge_fields(
    obj: models.Model, values: dict[str, Any], *, page: PageReport, model: str, label: str
) -> list[str]:
    """Apply ``values`` to ``obj`` by the three-way rule; return the fields it changed.

    A field the import never wrote (not in ``imported_values``) counts as edited when it holds a
    value: an import fills an empty field, it does not overwrite one somebody typed. An order
    field still at its default 0 holds no value (rows imported before the import wrote their
    order get the source's). A source that leaves a field empty never conflicts with a value
    put there by someone else.
    """
    imported = dict(obj.imported_values or {})
    changed: list[str] = []
    for name, desired in values.items():
        current = getattr(obj, name)
        if plain(desired) == plain(current):
            imported[name] = plain(desired)
            continue
        if name in imported:
            edited = plain(current) != imported[name]
        else:
            edited = current not in EMPTY and not (name in ORDER_FIELDS and current == 0)
        if desired in EMPTY and edited:
            # The source says nothing here and the value came from elsewhere (an editor, or a
            # co-author's page that filled a blank): nothing to disagree with, keep it quietly.
            continue
        if edited:
            page.conflicts.append(
                f"{model} {label!r}: {name} was edited after the last import; kept "
                f"{_short(current)} (the source now says {_short(desired)})"
            )
            continue
        setattr(obj, name, desired)
        imported[name] = plain(desired)
        changed.append(name)
    obj.imported_values = imported
    return changed


_WEB_URL = URLValidator(schemes=["http", "https"])


def web_url(url: str | None) -> str:
    """``url`` when it is an http(s) address a link may point to, else ``""``.

    Imported pages are written by anyone: a ``javascript:`` or ``data:`` link in a paper's
    link list or a collaborator's name must never reach an ``href``. (The admin's URL fields
    validate the same way; the importer writes without forms, so it checks here.)
    """
    url = (url or "").strip()
    if not url or len(url) > 2000:
        return ""
    try:
        _WEB_URL(url)
    except ValidationError:
        return ""
    return url


def clipped(model: type[models.Model], values: dict[str, Any]) -> dict[str, Any]:
    """Cut text to the column's length, drop URLs that would not fit, remove NUL characters.

    SQLite stores anything; PostgreSQL refuses a string longer than its column or holding a
    NUL, and the import must behave the same on both.
    """
    out: dict[str, Any] = {}
    for name, value in values.items():
        limit = getattr(model._meta.get_field(name), "max_length", None)
        if isinstance(value, str):
            value = value.replace("\x00", "").strip()
            if isinstance(model._meta.get_field(name), models.URLField):
                value = web_url(value)
            if limit and len(value) > limit:
                if isinstance(model._meta.get_field(name), models.URLField):
                    value = ""
                else:
                    value = value[: limit - 1].rstrip() + "…"
        out[name] = value
    return out


# Models whose save() only renders markdown: a new row can be inserted by :func:`insert`.
PLAIN_SAVE = {ProfileSection, NewsItem, Honor, Talk, Teaching, CVEntry}


def prepare(obj: models.Model) -> None:
    """Do what the model's ``save()`` does before an INSERT: its own ``prepare_for_save()``.

    Only for models whose ``save()`` does nothing else (publications and the person-owned
    rows). The post_save receivers do not run for rows inserted this way: the loader bumps the
    page cache's content version once at the end of the import instead.
    """
    obj.prepare_for_save()


def insert(obj: models.Model) -> None:
    """:func:`prepare` and INSERT one new row."""
    prepare(obj)
    bulk_insert(type(obj), [obj])


#: Models whose rows make a publication's stored list entry.
ENTRY_MODELS = frozenset(
    {"publications.Publication", "publications.Authorship", "publications.PublicationLink"}
)


def bulk_insert(model: type[models.Model], objs: list[models.Model]) -> None:
    """INSERT ``objs`` and give each its primary key (SQLite ≥ 3.35 and PostgreSQL return it)."""
    if not objs:
        return
    from django.db import connection

    if connection.features.can_return_rows_from_bulk_insert:
        model._default_manager.bulk_create(objs, batch_size=500)
    else:  # pragma: no cover - older SQLite: one INSERT each, still with its key
        for obj in objs:
            model._default_manager.bulk_create([obj])
    if model._meta.label in ENTRY_MODELS:  # bulk writes send no signal (publications/entries.py)
        from publications import entries

        entries.rows_written(objs)


def valid_year(value: int | None) -> int | None:
    return value if isinstance(value, int) and 1900 <= value <= 2200 else None


_CHOICES: dict[type[models.TextChoices], frozenset[str]] = {}


def choice_of(value: str, choices: type[models.TextChoices], default: str) -> str:
    allowed = _CHOICES.get(choices)
    if allowed is None:
        allowed = _CHOICES[choices] = frozenset(choices.values)
    return value if value in allowed else default


def chunks(items: list[int], size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def positions_within(groups: Iterable[Hashable]) -> list[int]:
    """Each item's place among the items before it in the same group, in source order.

    ``[date1, date1, date2, date1]`` → ``[0, 1, 0, 2]``: the order of news of one date, talks of
    one date, papers of one year, which the pages sort by after the date or year.
    """
    seen: Counter[Hashable] = Counter()
    out = []
    for group in groups:
        out.append(seen[group])
        seen[group] += 1
    return out


def unique_key(base: str, seen: Counter[str]) -> str:
    """``base``, or ``base#2``… for the second record with the same base on one page."""
    base = base[:280] or "item"
    seen[base] += 1
    return base if seen[base] == 1 else f"{base}#{seen[base]}"
