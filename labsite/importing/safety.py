"""What the importer may read, and how much: one containment check and the input limits.

A site given to ``import_pages`` is somebody's git clone, so it is untrusted input in two ways:

- **Where it points.** A ``_pages/about.md`` that is a symlink to the server's ``.env`` (or a
  ``_data`` folder that is a symlink to ``/etc``) would publish that file on a homepage. Every
  file the importer opens goes through :func:`contained`: its *real* path (symlinks and ``..``
  resolved) must lie under the real path of the site folder. A symlink from one site file to
  another is fine; anything that leaves the folder is refused *before* it is opened, and the
  refusal is a warning naming the file as it appears in the site, never its target's contents.
- **How big and how deep.** A page is kilobytes; one of megabytes, with a 5 MB line, 10,000
  nested list levels or a YAML alias bomb, is an attack or an accident, and either way would hold
  the import for minutes. :func:`check_text` and :func:`check_yaml_text` refuse such input with a
  one-line message before any parser sees it; :func:`check_yaml_value` refuses a document whose
  aliases expand past a bound after (PyYAML's safe loader shares aliased nodes, so loading is
  cheap, but anything that walks the result pays for every expansion).

The limits are settings (``LABSITE_IMPORT_*``), read when used, with the defaults below when
Django is not configured (the pure steps also run in worker processes).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import yaml

DEFAULTS = {
    "LABSITE_IMPORT_MAX_PAGE_BYTES": 2 * 1024 * 1024,
    "LABSITE_IMPORT_MAX_BIB_BYTES": 20 * 1024 * 1024,
    "LABSITE_IMPORT_MAX_BIB_ENTRIES": 5_000,
    "LABSITE_IMPORT_MAX_LINE_CHARS": 100_000,
    "LABSITE_IMPORT_MAX_DEPTH": 100,
    "LABSITE_IMPORT_MAX_YAML_ALIASES": 50,
    "LABSITE_IMPORT_MAX_YAML_VALUES": 100_000,
}


def limit(name: str) -> int:
    """The setting ``name``, or its default when Django settings are not available."""
    try:
        from django.conf import settings

        return int(getattr(settings, name, DEFAULTS[name]))
    except Exception:  # noqa: BLE001 - not configured (a bare worker): the defaults hold
        return DEFAULTS[name]


class Refused(Exception):
    """A file or text the importer will not read; ``message`` is the one-line reason."""

    def __init__(self, message: str, line: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


class OutsideSite(Refused):
    """A file whose real path leaves the site folder: skipped with a warning, never read."""


# ---------------------------------------------------------------- containment


def real_root(root: Path) -> Path:
    """The site folder's real path (a file argument stands for its folder)."""
    root = Path(root)
    real = Path(os.path.realpath(root))
    return real.parent if real.is_file() else real


def contained(path: Path, root: Path) -> Path:
    """``path``'s real path when it lies inside ``root``'s real path; else :class:`OutsideSite`.

    Nothing is opened here: only the path is resolved, so a refused target is never read.
    """
    base = real_root(root)
    real = Path(os.path.realpath(path))
    if not real.is_relative_to(base):
        kind = "a symlink" if _through_symlink(Path(path), base) else "a path"
        raise OutsideSite(f"refused: {kind} that leads outside the site folder; not read")
    return real


def is_contained(path: Path, root: Path) -> bool:
    try:
        contained(path, root)
    except OutsideSite:
        return False
    return True


def _through_symlink(path: Path, base: Path) -> bool:
    """Whether ``path`` or a folder on its way is a symlink (for the message only)."""
    for part in [path, *path.parents]:
        if part == base or len(part.parts) <= len(base.parts) - 1:
            break
        try:
            if part.is_symlink():
                return True
        except OSError:
            return False
    return False


def read_bytes(path: Path, root: Path | None, max_bytes: int) -> bytes:
    """At most ``max_bytes`` of a contained regular file; :class:`Refused` or ``OSError``.

    The size is checked on what is read, not on ``stat`` alone: a file that grows while read
    (or a device behind a symlink) cannot make the import read more than the limit.
    """
    real = contained(path, root) if root is not None else Path(path)
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    fd = os.open(real, flags)
    with os.fdopen(fd, "rb") as handle:
        if not os.path.isfile(real) or not _regular(handle.fileno()):
            raise Refused("refused: not a regular file; not read")
        data = handle.read(max_bytes + 1)
        if len(data) > max_bytes:
            size = max(os.fstat(handle.fileno()).st_size, len(data))
            raise Refused(f"file is larger than {_size(max_bytes)} ({size} bytes)")
    return data


def _regular(fd: int) -> bool:
    import stat

    return stat.S_ISREG(os.fstat(fd).st_mode)


def _size(n: int) -> str:
    return f"{n // (1024 * 1024)} MB" if n >= 1024 * 1024 else f"{n} bytes"


def escapes(src: str) -> bool:
    """A path written in a page or config (an image, an include) that climbs out with ``..``."""
    depth = 0
    for part in src.replace("\\", "/").split("/"):
        if part == "..":
            depth -= 1
            if depth < 0:
                return True
        elif part not in ("", "."):
            depth += 1
    return False


# ---------------------------------------------------------------- text limits

# The leading run of a line that opens block nesting: indentation, ``>`` and list markers.
_NESTING = re.compile(r"(?:[ \t]*(?:>|[-*+](?=[ \t])|\d{1,9}[.)](?=[ \t])))+[ \t]*|[ \t]+(?=\S)")
_MARKER = re.compile(r">|[-*+](?=[ \t])|\d{1,9}[.)](?=[ \t])")


def nesting_depth(line: str) -> int:
    """How many block levels ``line`` opens: one per marker, one per two columns of indent.

    A whitespace-only line opens nothing.
    """
    m = _NESTING.match(line)
    if not m:
        return 0
    prefix = m.group(0)
    columns = prefix.count(" ") + 4 * prefix.count("\t")
    return len(_MARKER.findall(prefix)) + columns // 2


_BIB_ENTRY = re.compile(r"^[ \t]*@[A-Za-z]{1,40}[ \t]*[{(]", re.MULTILINE)


def check_bib_text(text: str) -> None:
    """Refuse a ``.bib`` with more entries than ``LABSITE_IMPORT_MAX_BIB_ENTRIES``."""
    max_entries = limit("LABSITE_IMPORT_MAX_BIB_ENTRIES")
    entries = len(_BIB_ENTRY.findall(text))
    if entries > max_entries:
        raise Refused(
            f"{entries} BibTeX entries, more than the limit of {max_entries}; split the file"
        )


def check_text(text: str) -> None:
    """Refuse text with an over-long line or block nesting deeper than the limits."""
    max_line = limit("LABSITE_IMPORT_MAX_LINE_CHARS")
    max_depth = limit("LABSITE_IMPORT_MAX_DEPTH")
    lines = text.split("\n")
    if max(map(len, lines)) > max_line:
        lineno = next(i for i, line in enumerate(lines, 1) if len(line) > max_line)
        raise Refused(f"line {lineno} is longer than {max_line} characters; not imported", lineno)
    # Only a line whose leading run is long can be deep: find those in C, then measure them.
    candidate = re.compile(rf"^[ \t>*+\-.)0-9]{{{max_depth + 1},}}", re.MULTILINE)
    for m in candidate.finditer(text):
        line = text[m.start() : m.start() + 4 * max_depth + 8]
        if nesting_depth(line) > max_depth:
            lineno = text.count("\n", 0, m.start()) + 1
            raise Refused(f"nested deeper than {max_depth} levels; not imported", lineno)


class YamlRefused(yaml.YAMLError):
    """A YAML document refused before or after loading; reads like PyYAML's own errors."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem
        self.problem_mark = None


_ANCHOR = re.compile(r"(?:^|[\s\[\{,:?-])&[^\s,\[\]\{\}]+")
_ALIAS = re.compile(r"(?:^|[\s\[\{,:?-])\*[^\s,\[\]\{\}]+")


def check_yaml_text(text: str) -> None:
    """Before parsing: refuse deep flow nesting and documents with many aliases (bombs).

    Front matter and ``_config.yml`` hardly ever use anchors; a billion-laughs document needs
    many aliases, and a chain of ``<<: [*a, *a]`` merges grows exponentially with their number.
    """
    max_depth = limit("LABSITE_IMPORT_MAX_DEPTH")
    depth = deepest = 0
    for ch in re.sub(r"[^\[\]{}]+", "", text):
        depth = depth + 1 if ch in "[{" else max(depth - 1, 0)
        deepest = max(deepest, depth)
        if deepest > max_depth:
            raise YamlRefused(f"refused: nested deeper than {max_depth} levels")
    if _ANCHOR.search(text):
        aliases = len(_ALIAS.findall(text))
        max_aliases = limit("LABSITE_IMPORT_MAX_YAML_ALIASES")
        if aliases > max_aliases:
            raise YamlRefused(f"refused: more than {max_aliases} aliases (*name)")


def check_yaml_value(value: Any) -> None:
    """After loading: refuse a value whose shared (aliased) parts expand past the limit."""
    max_values = limit("LABSITE_IMPORT_MAX_YAML_VALUES")
    sizes: dict[int, int] = {}

    def size(node: Any, depth: int) -> int:
        if not isinstance(node, dict | list):
            return 1
        key = id(node)
        if key in sizes:
            return sizes[key]
        if depth > 200:
            raise YamlRefused("refused: nested too deeply")
        sizes[key] = 0  # a cycle (an alias inside itself) counts once
        children = node.items() if isinstance(node, dict) else ((None, v) for v in node)
        total = 1
        for k, v in children:
            total += size(k, depth + 1) + size(v, depth + 1)
            if total > max_values:
                break
        sizes[key] = total
        return total

    if size(value, 0) > max_values:
        raise YamlRefused(f"refused: aliases expand to more than {max_values} values")
