"""The themes' example works, left in a fork's collections, are not the owner's.

Every reader's records pass through :func:`drop_theme_samples` (in
:func:`~labsite.importing.readers.collect`), which leaves out a publication, project, talk or
teaching record whose title (or venue, event, institution) is one of the starters'
placeholders (:data:`~labsite.importing.words.THEME_SAMPLE_WORKS`: "Paper Title Number 1",
"Portfolio item number 1", "An example journal article", "Journal of Source Themes") and names
it in the report, as the theme's sample sections are.

A page that held nothing but such a sample (academicpages' ``_publications/2009-10-01-paper-
title-number-1.md``) keeps no address either: its old address served the theme's placeholder,
so there is nothing of the owner's to redirect it to, and a redirect made for it would count
as a created record for a file the report says was not imported.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from labsite.importing.extract.common import strip_markup
from labsite.importing.records import PageRecord, SiteRecord
from labsite.importing.words import THEME_SAMPLE_WORKS

_SAMPLE = re.compile("|".join(f"(?:{pattern})" for pattern in THEME_SAMPLE_WORKS))


def is_sample_text(text: str) -> bool:
    """Is this whole title or venue one of a theme starter's placeholders?"""
    plain = " ".join(strip_markup(text or "").lower().split()).strip(" .,;:*_")
    return bool(plain) and _SAMPLE.fullmatch(plain) is not None


# Each kind of record: the page's list of them, what the report calls one, and its texts.
_KINDS: list[tuple[str, str, Callable[[Any], tuple[str, ...]]]] = [
    ("publications", "publication", lambda r: (r.title, r.venue)),
    ("projects", "project", lambda r: (r.title,)),
    ("talks", "talk", lambda r: (r.title, r.event)),
    ("teaching", "teaching entry", lambda r: (r.course, r.institution)),
]


def _drop(page: PageRecord) -> None:
    dropped = False
    for attribute, what, texts in _KINDS:
        kept = []
        for record in getattr(page, attribute):
            if any(is_sample_text(t) for t in texts(record)):
                name = texts(record)[0]
                page.warnings.append(
                    f"{record.source}: {what} {name!r} is the theme's sample text; not imported"
                )
                dropped = True
            else:
                kept.append(record)
        setattr(page, attribute, kept)
    if dropped and not _holds_anything(page):
        page.permalink, page.redirect_from = "", []


def _holds_anything(page: PageRecord) -> bool:
    lists = (page.sections, page.publications, page.news, page.honors, page.talks)
    more = (page.teaching, page.projects, page.posts, page.cv_entries)
    return any(lists) or any(more)


def drop_theme_samples(site: SiteRecord) -> SiteRecord:
    """``site`` without the theme's example works (each one named in its page's warnings)."""
    for page in site.pages:
        _drop(page)
    return site
