"""A site's own collections: the ones its ``_config.yml`` declares and the ``_name/`` folders
of documents beside the theme's (``_proc``, ``_jour``, ``_papers``, ``_lectures``).

Which kind of thing a collection holds is read from its name first (with the section-heading
words a homepage uses: ``_papers`` holds publications, ``_lectures`` talks, ``_courses``
teaching), then from its documents' front matter: a collection whose documents mostly read as
publications (a ``title`` and an author list, a venue, a citation …) is read as
``_publications`` is. Anything else (a reading list, recipes, notes) is named in the report and
left out: a collection of other things must never become publications.

A front-matter value that is the key of a ``_data`` mapping (``journal: jgeo`` beside
``_data/journals.yml``'s ``jgeo: {title: Journal of Geometry}``) is what the site's Liquid
shows in its place: that entry's name or title (:func:`resolve_data_refs`).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from labsite.importing.readers.files import site_files
from labsite.importing.words import SECTION_HEADINGS

#: Folders Jekyll itself reads for something other than a collection's documents.
JEKYLL_FOLDERS = frozenset(
    {"_layouts", "_includes", "_sass", "_scss", "_site", "_data", "_plugins", "_drafts",
     "_posts", "_pages", "_bibliography", "_config", "_assets", "_templates"}
)  # fmt: skip

#: What a collection's name says it holds (a section kind) → the reader's collection kind.
_KIND_OF_SECTION = {
    "publications": "publication",
    "talks": "talk",
    "teaching": "teaching",
    "projects": "project",
    "news": "news",
    "honors": "",  # no collection reader for honors: left out and named in the report
}

# Front-matter keys only a publication has; those a talk has (academicpages' ``_talks``).
_PUBLICATION_KEYS = (
    "venue", "journal", "booktitle", "conference", "citation", "pub", "publication",
    "publisher", "doi", "arxiv", "eprint", "paperurl", "bibtex", "bibtexurl",
)  # fmt: skip
# What a ``type``/``category``/``layout`` may say a document is instead ("Talk", "course");
# not "research", which a paper's category may well be.
_OTHER_THINGS = ("talks", "teaching", "news")
_TALK_KEYS = ("location", "event", "talkurl", "talk_type")
_PUBLICATION_ONLY_KEYS = ("journal", "booktitle", "citation", "doi", "arxiv", "eprint")
# Keys whose values a site's Liquid may look up in ``_data`` (names and venues).
_REFERENCE_KEYS = (
    "authors", "author", "editors", "editor", "venue", "journal", "booktitle", "conference",
    "publisher", "pub", "publication", "series", "school", "institution",
)  # fmt: skip


def declared_collections(config: dict[str, Any]) -> list[str]:
    """``collections: [proc, jour]`` or ``collections: {proc: {output: true}}``: the names."""
    declared = config.get("collections")
    names = list(declared) if isinstance(declared, dict | list) else []
    return [n.strip() for n in names if isinstance(n, str) and re.fullmatch(r"[\w.-]{1,80}", n)]


def extra_collection_folders(
    root: Path, config: dict[str, Any], known: set[str], suffixes: tuple[str, ...]
) -> list[Path]:
    """The site's other collection folders: declared ones first, then any ``_name/`` folder
    that holds documents (``suffixes``) and is neither Jekyll's own nor one of ``known``."""
    folders = [root / f"_{name}" for name in declared_collections(config)]
    try:
        children = sorted(p for p in root.iterdir() if p.name.startswith("_") and p.is_dir())
    except OSError:
        children = []
    for child in children:
        # site_files lists a folder leading outside the site as itself, never walking it
        if child not in folders and site_files(child, "**/*", suffixes, root):
            folders.append(child)
    return [
        folder
        for folder in folders
        if folder.name not in known and folder.name not in JEKYLL_FOLDERS and folder.is_dir()
    ]


def _section_kind(words: str) -> str | None:
    """The section kind a collection's name (or a ``type``) says, or None when it says none."""
    text = re.sub(r"[_\-.]+", " ", words).strip().lower()
    for kind, pattern in SECTION_HEADINGS:
        if text and re.search(pattern, text):
            return kind
    return None


def _has(meta: dict[str, Any], key: str) -> bool:
    value = meta.get(key)
    if isinstance(value, bool) or value is None:
        return False
    return bool(str(value).strip()) if not isinstance(value, list | dict) else bool(value)


def reads_as_publication(meta: dict[str, Any]) -> bool:
    """Does one document's front matter describe a publication?

    A title, and something only a publication has (a venue, a journal, a citation, a DOI), or
    an author list (``authors``; a single ``author`` only with a ``year``: a blog post has an
    author and a date). A talk's front matter (a location, an event) or a ``type`` naming
    another kind of thing does not, even with a venue.
    """
    if not isinstance(meta.get("title"), str) or not meta["title"].strip():
        return False
    only_publication = any(_has(meta, k) for k in _PUBLICATION_ONLY_KEYS)
    if any(_has(meta, k) for k in _TALK_KEYS) and not only_publication:
        return False
    for key in ("type", "category", "layout"):
        said = meta.get(key)
        if isinstance(said, str) and _section_kind(said) in _OTHER_THINGS:
            return False
    if any(_has(meta, k) for k in _PUBLICATION_KEYS) or _has(meta, "authors"):
        return True
    return _has(meta, "author") and _has(meta, "year")


def collection_kind(folder: Path, metas: list[dict[str, Any]]) -> str:
    """What a collection holds, as the reader's kind ("publication", "talk", …), or "".

    A name saying publications is enough; otherwise documents that mostly read as
    publications make it one (``_proc``, a ``_research`` folder of papers), and failing that
    the name says what it is (``_lectures``: talks) or nothing (``_reading``: left out).
    """
    said = _section_kind(folder.name)
    if said == "publications":
        return "publication"
    publications = sum(reads_as_publication(meta) for meta in metas)
    if metas and publications * 2 > len(metas):
        return "publication"
    return _KIND_OF_SECTION.get(said or "", "")


# -- _data references -------------------------------------------------------------------------


def _display(entry: Any) -> str:
    """What Liquid shows for a data entry: its ``name`` (``title``), or the entry if text."""
    if isinstance(entry, str):
        return entry.strip()
    if isinstance(entry, dict):
        for key in ("name", "title", "full_name", "fullname", "long_name"):
            value = entry.get(key)
            if isinstance(value, str) and value.strip():
                return value.strip()
    return ""


def _stem_fits(stem: str, key: str) -> bool:
    """``_data/journals.yml`` for ``journal:``, ``authors.yml`` for ``author:``/``authors:``."""
    stem, key = stem.lower(), key.lower()
    return stem.rstrip("s") == key.rstrip("s")


def resolve_data_refs(meta: dict[str, Any], data: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """``meta`` with every name or venue that is a key of a ``_data`` mapping replaced by that
    entry's name or title. ``data`` is each data file's stem → its top-level mapping. The file
    named after the field is asked first; another file only when it alone holds the key."""
    if not data:
        return meta

    def resolve(key: str, value: Any) -> Any:
        if not isinstance(value, str | int) or isinstance(value, bool):
            return value
        token = str(value).strip()
        fitting = [m for stem, m in data.items() if _stem_fits(stem, key) and token in m]
        others = [m for stem, m in data.items() if not _stem_fits(stem, key) and token in m]
        found = fitting or (others if len(others) == 1 else [])
        shown = _display(found[0][token]) if found else ""
        return shown or value

    resolved = dict(meta)
    for key in _REFERENCE_KEYS:
        value = meta.get(key)
        if isinstance(value, list):
            resolved[key] = [resolve(key, item) for item in value]
        elif value is not None:
            resolved[key] = resolve(key, value)
    return resolved
