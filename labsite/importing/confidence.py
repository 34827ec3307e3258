"""How sure the import is of each record: the guesses every reader makes, as one table.

A reader or an entry shape that guesses says so where it guesses
(:func:`labsite.importing.records.doubt`, with its own score). What no reader can be sure of
whatever the source's shape — a paper with no year, no venue or no authors, a news item dated
only by its year — is checked here once for every reader, by :func:`assess_page`, before the
loader writes the page. The loader flags each unsure record "needs review" on the stored row
(:mod:`labsite.importing.review`) and the report lists them per page.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from labsite.importing.records import (
    HonorRecord,
    NewsRecord,
    PageRecord,
    ProjectRecord,
    PublicationRecord,
    TalkRecord,
    TeachingRecord,
    doubt,
)

Rule = tuple[Callable[[Any], bool], str, float]


def _words(text: str) -> int:
    return len(re.findall(r"\w+", text or ""))


def _markup(text: str) -> bool:
    """Text that still holds markup or template syntax: a reader took code for content."""
    return bool(re.search(r"\{\{|\{%|<[a-zA-Z/!]|^#+\s|^\s*[-*]\s", text or ""))


#: ``(test, reason, confidence)`` per kind of record: a record the test holds for is unsure.
RULES: dict[type, list[Rule]] = {
    PublicationRecord: [
        (lambda r: not r.authors, "no authors found", 0.5),
        (
            lambda r: not r.venue and not r.year and not r.authors,
            "only a title was found",
            0.3,
        ),
        (lambda r: r.year is None, "no year found", 0.6),
        (
            lambda r: not r.venue.strip() and not r.arxiv_id and not r.bibtex,
            "no venue found",
            0.7,
        ),
        (lambda r: _words(r.title) < 3, "a very short title", 0.6),
        (lambda r: _words(r.title) > 40, "a very long title (a paragraph read as a paper?)", 0.4),
        (lambda r: _markup(r.title), "markup left in the title", 0.4),
    ],
    NewsRecord: [
        (lambda r: r.precision == "year", "dated by its year only", 0.7),
        (lambda r: not r.text.strip(), "no text", 0.3),
    ],
    HonorRecord: [
        (lambda r: _words(r.title) > 40, "a very long title (a paragraph read as an honor?)", 0.4),
        (lambda r: _markup(r.title) or not r.title.strip("#*-_ "), "markup read as an honor", 0.3),
    ],
    TalkRecord: [
        (lambda r: not r.event and r.date is None, "no event and no date found", 0.6),
    ],
    TeachingRecord: [
        (lambda r: not r.term and r.year is None and not r.institution, "no term or year", 0.7),
    ],
    ProjectRecord: [
        (lambda r: not r.summary.strip() and not r.body.strip(), "no description found", 0.7),
    ],
}


def assess(record: Any) -> Any:
    """Lower ``record``'s confidence for each rule of its kind that holds; returns it."""
    for test, reason, confidence in RULES.get(type(record), ()):
        if test(record):
            doubt(record, reason, confidence)
    return record


def assess_page(page: PageRecord) -> PageRecord:
    """:func:`assess` every record of a page (idempotent: a reason is noted once)."""
    for records in (
        page.publications,
        page.news,
        page.honors,
        page.talks,
        page.teaching,
        page.projects,
    ):
        for record in records:
            assess(record)
    return page
