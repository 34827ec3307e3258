"""A publication's list entry, rendered once when it changes and stored on its row.

Every list of papers — a member's homepage and publications page, the lab's ``/publications/``,
the lab home, a project page — prints the same entry: title, authors, venue, badges, award, note
and link pills. Rendering it per request cost an include, a handful of URL reversals and a dozen
model objects (authorships, people, links) per paper, so a 200-paper page spent most of a second
in templates. Now ``Publication.entry_parts`` holds the entry as rendered by
``publications/includes/_entry.html``; a list page reads that one column and joins strings.

Why a stored field rather than a fragment cache keyed by a version: it is in the database every
process reads, so it is never missing (no cold cache after a restart, no eviction, no second
round trip per page), an edit in one process is seen by all at once, and it costs nothing on a
page but the column. The price is keeping it fresh, which this module does (see below).

What differs from page to page is only who is who among the authors: the page's owner is shown
``<b>``, the lab's people link to their pages here (a co-author from another lab
has no page on this host). So the stored entry keeps each author who is a person as a slot,
``[person_pk, their page's path, name HTML]``, between plain HTML strings; ``entry_html`` fills
the slots for one page in a loop of string joins — no template, no query.

Freshness: the entry is rebuilt when the paper, its authorships or links are saved or deleted,
and when an author's person changes name or slug or is deleted (receivers connected in
``PublicationsConfig.ready``: infrastructure, like the page cache's, not domain flow). Code
that writes with ``bulk_create``, ``bulk_update`` or ``QuerySet.update`` — the importer, the
"add papers" intake, a backup restore — sends no signals and calls ``mark_stale`` itself. Inside
``batch()`` the rebuilds wait for the end of the block and run once, for all the papers touched.
An entry written by another release of the template (its ``v`` differs) or never written is
rebuilt when a page first needs it, so a deploy needs no migration of the stored HTML.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from typing import Any

from django.db import connection, transaction
from django.template.loader import get_template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

TEMPLATE = "publications/includes/_entry.html"
#: Bumped when this module changes how it builds the parts (the template is hashed on its own).
FORMAT = 1
#: Papers rebuilt per round of queries.
CHUNK = 500

_state = threading.local()


@cache
def entry_version() -> str:
    """Fingerprint of what builds an entry: ``FORMAT`` and the entry template's source."""
    source = get_template(TEMPLATE).template.source
    return hashlib.sha256(f"{FORMAT}\n{source}".encode()).hexdigest()[:12]


def _author_parts(publication) -> list[Any]:
    """The author list: HTML strings, and ``[person_pk, path, name_html]`` for each person."""
    parts: list[Any] = []
    authorships = list(publication.authorships.all())
    for index, authorship in enumerate(authorships):
        name = escape(authorship.name)
        marks = ""
        if authorship.equal_contribution:
            marks += '<sup class="eq" title="Equal contribution">*</sup>'
        if authorship.corresponding:
            marks += '<sup class="corr" title="Corresponding author">†</sup>'
        if authorship.person_id and authorship.person is not None:
            parts.append([authorship.person_id, authorship.person.get_absolute_url(), name])
            tail = marks
        else:
            tail = name + marks
        if index < len(authorships) - 1:
            tail += ", "
        parts.append(tail)
    return parts


def build_parts(publication) -> dict[str, Any]:
    """The stored entry of ``publication`` (authorships with person, and links, prefetched)."""
    slot = f"authors-{secrets.token_hex(8)}"  # unguessable: no title can contain it
    html = get_template(TEMPLATE).render({"publication": publication, "authors_slot": slot})
    head, tail = html.strip().split(slot)
    parts: list[Any] = [head, *_author_parts(publication), tail]
    # Adjacent strings joined: fewer pieces to walk on every page.
    merged: list[Any] = []
    for part in parts:
        if isinstance(part, str) and merged and isinstance(merged[-1], str):
            merged[-1] += part
        else:
            merged.append(part)
    return {"v": entry_version(), "parts": merged}


def is_fresh(parts: Any) -> bool:
    return isinstance(parts, dict) and parts.get("v") == entry_version()


def render(parts: dict[str, Any], *, owner_id: int | None, member_ids) -> SafeString:
    """One entry's HTML for a page: the owner highlighted, the lab's people linked."""
    out: list[str] = []
    for part in parts["parts"]:
        if isinstance(part, str):
            out.append(part)
            continue
        person_id, path, name = part
        if person_id == owner_id:
            out.append(f"<b>{name}</b>")
        elif person_id in member_ids:
            out.append(f'<a href="{path}">{name}</a>')
        else:
            out.append(name)
    return mark_safe("".join(out))  # noqa: S308 - built from escaped names and the template


#: The columns a list page loads: the entry, and what it groups and orders by.
LIST_FIELDS = ("pk", "year", "month", "order", "entry_parts")


def attach_entry_html(publications: Iterable, *, owner=None, member_ids=frozenset()) -> list:
    """Set ``entry_html`` on each publication for this page and return them as a list.

    ``owner`` (a Person or ``None``) is highlighted; ``member_ids`` (the lab's people) linked.
    Papers whose stored entry is missing or from another template release are rebuilt first,
    all in one round of queries, and stored again.
    """
    publications = list(publications)
    stale = [p.pk for p in publications if not is_fresh(p.entry_parts)]
    if stale:
        fresh = refresh_entries(stale)
        for publication in publications:
            if publication.pk in fresh:
                publication.entry_parts = fresh[publication.pk]
    owner_id = getattr(owner, "pk", None)
    for publication in publications:
        publication.entry_html = render(
            publication.entry_parts, owner_id=owner_id, member_ids=member_ids
        )
    return publications


def _chunks(items: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def refresh_entries(pks: Iterable[int]) -> dict[int, dict[str, Any]]:
    """Rebuild and store the entries of the papers ``pks`` now; return ``{pk: parts}``.

    Three reads (papers, authorships with their people, links) and one batch of writes per
    ``CHUNK`` papers, whatever their number of authors. The write sends no signal: storing an
    entry is not an edit (the edit that made it stale already moved the page cache's version).
    """
    from publications.models import Publication

    pks = sorted({int(pk) for pk in pks if pk is not None})
    built: dict[int, dict[str, Any]] = {}
    field = Publication._meta.get_field("entry_parts")
    # One statement run for many rows (executemany): bulk_update's CASE WHEN over 500 rows
    # costs more to plan than the UPDATEs themselves.
    sql = "UPDATE {} SET {} = %s WHERE {} = %s".format(
        *map(
            connection.ops.quote_name,
            (Publication._meta.db_table, field.column, Publication._meta.pk.column),
        )
    )
    for chunk in _chunks(pks):
        rows = []
        for publication in Publication.objects.filter(pk__in=chunk).with_authors():
            parts = built[publication.pk] = build_parts(publication)
            rows.append((field.get_db_prep_save(parts, connection), publication.pk))
        with transaction.atomic(), connection.cursor() as cursor:  # one commit, not one a row
            cursor.executemany(sql, rows)
    return built


def _pending() -> set[int] | None:
    """The papers waiting for the end of the innermost ``batch()``, or ``None`` outside one."""
    stack = getattr(_state, "stack", None)
    return stack[-1] if stack else None


@contextmanager
def batch() -> Iterator[None]:
    """Entries made stale inside the block are rebuilt once, when it ends without an error.

    For code that saves many rows of the same papers (an admin form and its inlines, an
    import): one rebuild per paper, not one per row. After an error nothing is rebuilt: the
    caller's transaction rolls back the edits too.
    """
    stack = _state.__dict__.setdefault("stack", [])
    stack.append(set())
    try:
        yield
    except BaseException:
        stack.pop()
        raise
    pks = stack.pop()
    if pks:
        mark_stale(pks)


def rows_written(rows: Iterable) -> None:
    """``mark_stale`` for rows written in bulk: publications, or their authorships and links."""
    mark_stale(getattr(row, "publication_id", None) or row.pk for row in rows)


def mark_stale(pks: Iterable[int]) -> None:
    """The entries of ``pks`` no longer match their rows: rebuild them (at the end of the
    enclosing ``batch()``, else now).

    Outside a transaction (a shell's ``save()``) the page cache has already moved its version
    when this runs, and a request in between may have stored a page with the old entry: the
    labs that show these papers are bumped once more after the rebuild.
    """
    pks = {pk for pk in pks if pk is not None}
    if not pks:
        return
    pending = _pending()
    if pending is not None:
        pending |= pks
        return
    autocommit = not connection.in_atomic_block
    with transaction.atomic():
        refresh_entries(pks)
    if autocommit:
        from labsite.cache import bump_content_version
        from people.models import Membership

        labs = Membership.objects.filter(person__authorships__publication__in=pks)
        bump_content_version(set(labs.values_list("lab", flat=True)))
