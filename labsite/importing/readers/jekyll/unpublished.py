"""Pages of a Jekyll site that are not the owner's content: ones Jekyll does not publish, and
the theme's utility pages.

- A page whose file name (or a folder of it below ``_pages``) starts with ``_``:
  ``_pages/_blog.md`` is how an owner turns a page off, and Jekyll does not render it.
- The 404 page: permalink ``/404.html`` (or ``/404/``), or a file ``404.md``/``404.html``.
- A markdown style guide, which academicpages and minimal-mistakes ship to show how the theme
  renders markdown: a page whose headings are mostly the names of the elements it demonstrates
  ("Header three", "Blockquotes", "Tables", "Unordered Lists (Nested)", "Address Tag").

- A fragment no page includes: a file without front matter in an ``includes/`` (or
  ``_includes/``) folder is written to be pulled into a page (``{% include_relative
  includes/pub.md %}``), and shows on the site only where a page does so. AcadHomepage ships
  ``_pages/includes/pub_short.md``, its author's own papers, which forks keep and never include.

Each is left out whole, and the report says so and why, in the words it uses for the theme's
sample sections ("… is the theme's sample text; not imported").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from labsite.importing.extract.common import strip_markup
from labsite.importing.parse import Section

_NOT_FOUND = re.compile(r"^/?404(?:\.html?|/)?$", re.I)

# Headings of a markdown style guide: the name of the element shown under it. Whole headings
# only ("Tables", "Table 1", never "Tables of results"); a short word table of this module's own.
_DEMO_HEADING = re.compile(
    r"^(?:"
    r"head(?:er|ing)s?(?:\s+(?:one|two|three|four|five|six|[1-6]))?|h[1-6]|"
    r"markdown(?:\s+(?:guide|syntax|examples?|cheat\s?sheet|elements|basics))?|"
    r"style\s+guide|typography|text\s+formatting|"
    r"block\s?quotes?|tables?(?:\s+\d+)?|"
    r"(?:(?:un)?ordered|definition|nested|task|bullet(?:ed)?|numbered)\s+lists?(?:\s+\(nested\))?|"
    r"lists?|code(?:\s+blocks?|\s+snippets?)?|inline\s+code|syntax\s+highlighting|"
    r"buttons?|notices?|html(?:\s+(?:tags?|elements))?|[a-z]+\s+tag|"
    r"emphasi[sz]e|emphasis|strong|strike(?:through)?|deleted\s+text|insert|keyboard|"
    r"preformatted(?:\s+text)?|quotes?|variable|superscript|subscript|abbreviations?|"
    r"citation|footnotes?|horizontal\s+rules?|line\s+breaks?|paragraphs?|images?|links?|"
    r"math(?:ematics)?|equations?|embeds?|videos?"
    r")$",
    re.I,
)
# Of those, the ones only a style guide has (a homepage may well have "Links" or "Code").
_GUIDE_ONLY = re.compile(
    r"^(?:head(?:er|ing)s?\s+(?:one|two|three|four|five|six|[1-6])|markdown\b.*|style\s+guide|"
    r"block\s?quotes?|(?:un)?ordered\s+lists?.*|definition\s+lists?|html\s+(?:tags?|elements)|"
    r"[a-z]+\s+tag|strike(?:through)?|superscript|subscript|preformatted.*|typography)$",
    re.I,
)
# A style guide shows this many elements at least, and they are most of its headings.
_LEAST_DEMOS = 3


def unpublished_reason(path: Path, root: Path) -> str:
    """Why Jekyll does not publish this page file, or "" (a name starting with ``_``)."""
    try:
        parts = path.relative_to(root).parts
    except ValueError:
        parts = (path.name,)
    own = parts[1:] if parts and parts[0] == "_pages" else parts[-1:]
    if any(part.startswith("_") for part in own):
        return "its file name starts with '_', so Jekyll does not publish it"
    return ""


#: Folders of fragments that pages include rather than pages of their own.
_FRAGMENT_FOLDERS = frozenset({"includes", "_includes"})
_INCLUDE_RELATIVE = re.compile(r"\{%-?\s*include_relative\s+[\"']?([^\s\"'%}]+)")


def included_files(pages: Iterable[Path], read: Callable[[Path], str | None]) -> set[Path]:
    """The files these pages pull in with ``{% include_relative path %}`` (resolved against
    each page's folder, as Jekyll does), and those files' own includes."""
    found: set[Path] = set()
    todo = list(pages)
    seen: set[Path] = set()
    while todo:
        page = todo.pop()
        if page in seen:
            continue
        seen.add(page)
        text = read(page) or ""
        for target in _INCLUDE_RELATIVE.findall(text):
            path = (page.parent / target).resolve()
            found.add(path)
            todo.append(path)
    return found


def fragment_reason(path: Path, *, has_front_matter: bool, included: set[Path]) -> str:
    """Why this file is a fragment no page shows (see the module docstring), or ""."""
    if has_front_matter or path.resolve() in included:
        return ""
    if not _FRAGMENT_FOLDERS & {part.lower() for part in path.parent.parts}:
        return ""
    return "a fragment for pages to include, and no page includes it"


def _headings(sections: list[Section]) -> list[str]:
    found: list[str] = []
    for section in sections:
        heading = " ".join(strip_markup(section.heading).split()).strip(" :.")
        if heading:
            found.append(heading)
        found.extend(_headings(section.children))
    return found


def is_style_guide(sections: list[Section]) -> bool:
    """Are these a markdown style guide's sections: headings that are mostly element names?"""
    headings = _headings(sections)
    demos = [h for h in headings if _DEMO_HEADING.match(h)]
    return (
        len(demos) >= _LEAST_DEMOS
        and len(demos) * 2 > len(headings)
        and any(_GUIDE_ONLY.match(h) for h in demos)
    )


def utility_reason(meta: dict[str, Any], sections: list[Section], path: Path) -> str:
    """Why this page is the theme's and not the owner's content, or ""."""
    permalink = meta.get("permalink")
    permalink = permalink.strip() if isinstance(permalink, str) else ""
    if _NOT_FOUND.match(permalink) or path.stem == "404":
        return "the site's 404 page, shown for a missing address"
    if is_style_guide(sections):
        return "a markdown style guide, the theme's sample text"
    return ""
