"""al-folio's ``_data/coauthors.yml``: the links a site gives its co-authors' names.

al-folio renders each author of a ``.bib`` entry as a link when ``coauthors.yml`` has their
last name (lower case) with one of their first-name spellings::

    "adams":
      - firstname: ["Edwin", "E.", "E. P.", "Edwin Plimpton"]
        url: https://en.wikipedia.org/wiki/Edwin_Plimpton_Adams

What the site shows is what is read: :func:`link_coauthors` gives those authors their link, so
the loader finds (or creates) the one Person each names (:mod:`labsite.importing.persons`).
Pure: no database.
"""

from __future__ import annotations

from typing import Any

import yaml

from labsite import normalise
from labsite.importing.parse import load_yaml
from labsite.importing.records import SiteRecord


def read_coauthors(text: str) -> dict[str, list[tuple[set[str], str]]]:
    """``{last name: [(first-name spellings, url), …]}``, normalised; ``{}`` for bad YAML."""
    try:
        data: Any = load_yaml(text)
    except (yaml.YAMLError, RecursionError, ValueError, TypeError):
        return {}
    if not isinstance(data, dict):
        return {}
    table: dict[str, list[tuple[set[str], str]]] = {}
    for last, entries in data.items():
        if not isinstance(last, str) or not isinstance(entries, list):
            continue
        for entry in entries:
            if not isinstance(entry, dict) or not isinstance(entry.get("url"), str):
                continue
            first = entry.get("firstname")
            names = [first] if isinstance(first, str) else first
            if not isinstance(names, list):
                continue
            spellings = {normalise.normalize_name(n) for n in names if isinstance(n, str)} - {""}
            key = normalise.normalize_name(last)
            if spellings and key:
                table.setdefault(key, []).append((spellings, entry["url"].strip()))
    return table


def link_coauthors(site: SiteRecord, text: str | None) -> int:
    """Give the ``.bib`` entries' authors the links ``coauthors.yml`` gives them; how many."""
    table = read_coauthors(text or "")
    if not table:
        return 0
    linked = 0
    for page in site.pages:
        if not page.source.path.lower().endswith(".bib"):
            continue  # al-folio links the names of its bibliography only
        for record in page.publications:
            for author in record.authors:
                if author.url or author.is_owner:
                    continue
                given, surname = normalise.split_name(author.name)
                candidates = table.get(surname) or table.get(surname.split()[-1] if surname else "")
                first = " ".join(given)
                for spellings, url in candidates or ():
                    if first in spellings:
                        author.url = url
                        linked += 1
                        break
    return linked
