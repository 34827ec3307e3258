"""Which ``.bib`` files a jekyll-scholar site renders: the rest of its folder is not the owner's.

jekyll-scholar (al-folio's publications page) reads one bibliography, named in ``_config.yml``
(``scholar: {source: /_bibliography/, bibliography: papers.bib}``; the ``.bib`` may be left
out, the name may be a glob), and the files a page's tag names (``{% bibliography --file x %}``,
``-f x``). Other ``.bib`` files in the folder are rendered nowhere: a backup, the theme's sample
papers kept under another name. They are skipped and named in the report.

A site without a scholar ``bibliography``, a tag naming its file through a Liquid variable, or
a config naming no file that exists: every ``.bib`` file is read, as before.
"""

from __future__ import annotations

import re
from fnmatch import fnmatch
from pathlib import Path
from typing import Any

from labsite.importing.read import ReadError, read_text
from labsite.importing.readers.files import PAGE_SUFFIXES, relative, site_files
from labsite.importing.safety import Refused, limit

#: The folder jekyll-scholar reads when ``scholar: source:`` says none.
DEFAULT_SOURCE = "_bibliography"
# Where a site's Liquid tags live: its pages, layouts, includes and collections.
_TAG_FOLDERS = ("_pages", "_layouts", "_includes", "_posts", "_projects", "_news", "_talks")
_TAG_SUFFIXES = (*PAGE_SUFFIXES, ".html", ".liquid")
# ``{% bibliography --file papers %}``, ``{% cite key -f talks.bib %}``: the file a tag names.
_FILE_OPTION = re.compile(
    r"\{%-?\s*(?:bibliography|bibliography_count|cite|citation|reference|quote|details)\b"
    r"[^%]{0,300}?(?:--file|-f)\s+[\"']?([^\s\"'%]+)"
)


def scholar_source(root: Path, config: dict[str, Any]) -> Path:
    """The folder the site's bibliographies are in (``scholar: source:``, else the default)."""
    scholar = config.get("scholar")
    source = scholar.get("source") if isinstance(scholar, dict) else None
    if isinstance(source, str) and source.strip().strip("/."):
        folder = root / source.strip().lstrip("./").strip("/")
        if folder.is_dir():
            return folder
    return root / DEFAULT_SOURCE


def unused_bibliographies(root: Path, config: dict[str, Any], bibs: list[Path]) -> set[Path]:
    """Those of ``bibs`` (the ``.bib`` files of the source folder) the site renders nowhere."""
    names = _configured(config)
    if not names:
        return set()
    named = _tag_files(root)
    if named is None:
        return set()
    folder = scholar_source(root, config)
    used = {path for path in bibs if _named(path, folder, [*names, *named])}
    if not any(_named(path, folder, names) for path in bibs):
        return set()  # the config names no file there: it cannot tell which are used
    return set(bibs) - used


def unused_warning(path: Path, root: Path, config: dict[str, Any]) -> str:
    rel = relative(path, root)
    names = ", ".join(_configured(config))
    return (
        f"{rel}: skipped (the site's jekyll-scholar renders {names}, and no page names this "
        "file); not imported"
    )


def _configured(config: dict[str, Any]) -> list[str]:
    scholar = config.get("scholar")
    value = scholar.get("bibliography") if isinstance(scholar, dict) else None
    values = value if isinstance(value, list) else [value]
    return [v.strip() for v in values if isinstance(v, str) and v.strip()]


def _named(path: Path, folder: Path, names: list[str]) -> bool:
    """Whether one of ``names`` (a file of the folder, with or without ``.bib``, or a glob)
    is ``path``."""
    try:
        rel = path.relative_to(folder).as_posix()
    except ValueError:
        return False
    for name in names:
        name = name.lstrip("./")
        if fnmatch(rel, name) or fnmatch(rel, name + ".bib") or rel == name:
            return True
    return False


def _tag_files(root: Path) -> list[str] | None:
    """The files the site's tags name (``--file x``); None when one is a Liquid variable."""
    files: list[Path] = site_files(root, "*", _TAG_SUFFIXES)
    for folder in _TAG_FOLDERS:
        files.extend(site_files(root / folder, "**/*", _TAG_SUFFIXES, root))
    named: list[str] = []
    for path in files:
        if not path.is_file():
            continue  # a folder that leads outside the site: the plan reports it
        try:
            text = read_text(path, root=root, max_bytes=limit("LABSITE_IMPORT_MAX_PAGE_BYTES"))
        except (OSError, ReadError, Refused, ValueError):
            continue
        if "-f" not in text:
            continue
        for found in _FILE_OPTION.findall(text):
            if "{" in found:
                return None  # ``--file {{ page.bib }}``: any file may be the one
            named.append(found)
    return named
