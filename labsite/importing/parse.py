"""Step 3 of the import: a markdown page → front matter + ordered sections, with line numbers.

Homepages mark sections in every way markdown allows: ``##`` headings, setext underlines
(``About`` over ``------``), a line that is only bold text (``**Contact**:``), and ``---``
separators between blocks. Jekyll adds Liquid (``{% … %}``, ``{{ … }}``), kramdown attribute
lists (``{: .notice}``) and HTML comments that whole pages hide inside. :func:`parse_page`
removes that noise (keeping every line where it was, so errors can name a line) and returns a
tree of :class:`Section` objects. It is pure and never raises: a broken front matter block
becomes an entry in ``ParsedPage.errors``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from labsite.importing import safety
from labsite.importing.indent import dedent_stray_lines


class _Loader(yaml.SafeLoader):
    """``yaml.safe_load``'s loader, minus implicit timestamps.

    Front matter dates are written every which way (``2024-1-03 21:04:00-0100``, a bare
    ``2021``, even ``2024-02-30``); PyYAML turns some into ``date`` objects and raises on the
    impossible ones. Keeping them as strings lets the extractors read them all one way.

    An anchor defined twice (``en: &desc …`` / ``zh: &desc …`` in a bilingual ``_config.yml``)
    is redefined, the later definition winning, as Jekyll's YAML parser (Psych) does; PyYAML
    would refuse the whole file.
    """

    def compose_node(self, parent, index):  # noqa: ANN001, ANN201 - PyYAML's signature
        if not self.check_event(yaml.AliasEvent):
            anchor = self.peek_event().anchor
            if anchor is not None:
                self.anchors.pop(anchor, None)
        return super().compose_node(parent, index)


_NO_TIMESTAMPS = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.yaml_implicit_resolvers = _NO_TIMESTAMPS

# libyaml's loader (several times faster) when PyYAML was built with it; same resolvers.
_FastLoader: type | None = None
if getattr(yaml, "CSafeLoader", None) is not None:

    class _CLoader(yaml.CSafeLoader):  # type: ignore[name-defined,misc]
        """:class:`_Loader` on libyaml."""

    _CLoader.yaml_implicit_resolvers = _NO_TIMESTAMPS
    _FastLoader = _CLoader

# libyaml composes nested nodes by C recursion and crashes the process (no RecursionError)
# on a few tens of thousands of levels; deeper-than-this text goes to the pure loader.
_FAST_MAX_DEPTH = 1000


def _nesting_bound(text: str) -> int:
    """An upper bound of the nesting depth: block levels need a column each, flow a bracket."""
    longest = max((len(line) for line in text.splitlines()), default=0)
    return longest + text.count("[") + text.count("{")


def load_yaml(text: str) -> Any:
    """Parse YAML safely (no object construction, no timestamps); raises ``yaml.YAMLError``.

    libyaml reads it when available; whatever it refuses is read again by the pure-Python loader,
    so errors (messages, lines, exception types) are exactly those of ``SafeLoader``.
    """
    # Deep nesting and alias bombs are refused before parsing, over-expanding aliases after.
    safety.check_yaml_text(text)
    if _FastLoader is not None and _nesting_bound(text) <= _FAST_MAX_DEPTH:
        try:
            loaded = yaml.load(text, Loader=_FastLoader)  # noqa: S506 - a CSafeLoader
        except Exception:  # noqa: BLE001 - the pure loader below gives the real error
            pass
        else:
            safety.check_yaml_value(loaded)
            return loaded
    loaded = yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader
    safety.check_yaml_value(loaded)
    return loaded


@dataclass
class Section:
    """A heading and what follows it up to the next heading of the same or a higher level."""

    heading: str  # as written, markup removed; "" for the text before the first heading
    level: int  # 0: page intro, 1-6: ATX / setext, 7: a bold line used as a heading
    line: int  # 1-based line of the heading (or of the first line of an untitled block)
    style: str = "atx"  # "intro", "atx", "setext", "bold" or "break" (after a --- separator)
    lines: list[tuple[int, str]] = field(default_factory=list)  # own content, with line numbers
    children: list[Section] = field(default_factory=list)

    @property
    def body(self) -> str:
        """The section's own content (not its subsections), trimmed of blank edge lines."""
        return _join(self.lines)

    def markdown(self) -> str:
        """Own content and subsections, headings re-rendered, as one markdown text."""
        parts = [self.body] if self.body else []
        for child in self.children:
            head = ""
            if child.heading:
                head = (
                    f"**{child.heading}**"
                    if child.style == "bold"
                    else "#" * max(1, min(child.level, 6)) + " " + child.heading
                )
            text = child.markdown()
            parts.append("\n\n".join(p for p in (head, text) if p))
        return "\n\n".join(p for p in parts if p).strip()

    def all_lines(self) -> list[tuple[int, str]]:
        """Own lines followed by each subsection's heading and lines, in source order."""
        out = list(self.lines)
        for child in self.children:
            if child.heading:
                out.append((child.line, ""))
                marker = "#" * max(1, min(child.level, 6)) + " "
                out.append((child.line, (marker if child.style != "bold" else "") + child.heading))
                if child.style != "bold":  # (a bold line may be an entry's title)
                    out.append((child.line, ""))  # the heading is no part of the block after it
            out.extend(child.all_lines())
        return out


@dataclass
class ParsedPage:
    """A page's front matter and its body split into a tree of sections."""

    meta: dict[str, Any]
    body: str  # the cleaned body (Liquid, comments and kramdown attributes removed)
    body_line: int  # 1-based line of the body's first line in the file
    sections: list[Section]
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line, message)
    has_front_matter: bool = False
    # Liquid that lists a collection here ({% for p in site.publications %}, {% bibliography %}):
    # (line, section kind). The text is gone after cleaning; where it stood is kept.
    collection_refs: list[tuple[int, str]] = field(default_factory=list)

    @property
    def title(self) -> str:
        value = self.meta.get("title")
        return str(value).strip() if isinstance(value, str | int | float) else ""


def _join(lines: list[tuple[int, str]]) -> str:
    texts = [t for _, t in lines]
    while texts and not texts[0].strip():
        texts.pop(0)
    while texts and not texts[-1].strip():
        texts.pop()
    return "\n".join(texts)


# ---------------------------------------------------------------- front matter


def split_front_matter(text: str) -> tuple[dict[str, Any], str, int, list[tuple[int, str]], bool]:
    """Return (meta, body, body_line, errors, had_front_matter); never raises."""
    text = text.lstrip("\ufeff")
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        return {}, text, 1, [], False
    end = None
    for i in range(1, len(lines)):
        if lines[i].rstrip() in ("---", "..."):
            end = i
            break
    if end is None:
        return {}, text, 1, [], False
    yaml_text = "\n".join(lines[1:end])
    body = "\n".join(lines[end + 1 :])
    errors: list[tuple[int, str]] = []
    meta: dict[str, Any] = {}
    try:
        loaded = load_yaml(yaml_text) if yaml_text.strip() else {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = (mark.line + 2) if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc).split("\n")[0]
        errors.append((line, f"broken YAML front matter: {problem}"))
        loaded = {}
    except (RecursionError, ValueError, TypeError, OverflowError) as exc:
        errors.append((1, f"broken YAML front matter: {type(exc).__name__}"))
        loaded = {}
    if isinstance(loaded, dict):
        meta = {str(k): v for k, v in loaded.items()}
    elif loaded is not None and not errors:
        errors.append((2, "front matter is not a set of key: value pairs"))
    return meta, body, end + 2, errors, True


# ---------------------------------------------------------------- cleaning

_KRAMDOWN_IAL = re.compile(r"\{:[^{}\n]{0,300}\}")
_LIQUID_RAW_BLOCKS = ("comment", "raw")


def _blank_out(text: str) -> str:
    """Replace text by its newlines only, so that line numbers after it do not move."""
    return "\n" * text.count("\n")


def _remove_delimited(text: str, start: str, end: str, keep_unclosed: bool) -> str:
    """Remove every ``start … end`` span in linear time (no regex backtracking)."""
    out: list[str] = []
    pos = 0
    while True:
        i = text.find(start, pos)
        if i < 0:
            out.append(text[pos:])
            break
        j = text.find(end, i + len(start))
        if j < 0:
            if keep_unclosed:
                out.append(text[pos:])
            else:
                out.append(text[pos:i])
                out.append(_blank_out(text[i:]))
            break
        out.append(text[pos:i])
        out.append(_blank_out(text[i : j + len(end)]))
        pos = j + len(end)
    return "".join(out)


_LIQUID_BLOCK_START = re.compile(r"\{%-?\s*(comment)\s*-?%\}")
_LIQUID_BLOCK_END = re.compile(r"\{%-?\s*endcomment\s*-?%\}")


def _remove_liquid_comments(text: str) -> str:
    out: list[str] = []
    pos = 0
    while True:
        m = _LIQUID_BLOCK_START.search(text, pos)
        if not m:
            out.append(text[pos:])
            break
        e = _LIQUID_BLOCK_END.search(text, m.end())
        stop = e.end() if e else len(text)
        out.append(text[pos : m.start()])
        out.append(_blank_out(text[m.start() : stop]))
        pos = stop
    return "".join(out)


def clean_markup(text: str, variables: dict[str, Any] | None = None) -> str:
    """Drop HTML comments, Liquid and kramdown attribute lists; line count is preserved.

    ``{{ site.x }}``, ``{{ author.x }}`` and ``{{ page.x }}`` take their value from
    ``variables`` (``_config.yml`` and the front matter) when it is a plain value, as Jekyll
    would print it; other Liquid output (``{{ base_path }}``, filters of unknown values)
    becomes "" (a link stays relative to the site). ``<style>``/``<script>`` text and a whole
    HTML document's head and chrome are never content.
    """
    text = _remove_delimited(text, "<!--", "-->", keep_unclosed=False)
    text = _remove_liquid_comments(text)
    text = _remove_delimited(text, "{%", "%}", keep_unclosed=True)
    if variables and "{{" in text:
        text = resolve_liquid(text, variables)
    text = _remove_delimited(text, "{{", "}}", keep_unclosed=True)
    text = remove_non_content(text)
    return _KRAMDOWN_IAL.sub("", text)


_LIQUID_OUTPUT = re.compile(r"\{\{-?\s*([A-Za-z_][\w.-]{0,200})\s*(\|[^{}\n]{0,200})?-?\}\}")
_URL_FILTERS = re.compile(
    r"^\|\s*(?:relative_url|absolute_url|strip|escape|uri_escape|url_encode)\b"
)


def resolve_liquid(text: str, variables: dict[str, Any]) -> str:
    """``{{ author.googlescholar }}`` → its value in ``variables`` (``site``, ``author`` =
    ``site.author``, ``page``); unknown names and values that are not text stay as they are."""

    def value(m: re.Match[str]) -> str:
        path = m.group(1).split(".")
        if path[0] == "site" and path[1:2] in (["url"], ["baseurl"]):
            return m.group(0)  # the site's address: links stay relative, as they are read
        current: Any = variables
        for key in path:
            current = current.get(key) if isinstance(current, dict) else None
        filters = m.group(2) or ""
        if isinstance(current, bool) or not isinstance(current, str | int | float):
            return m.group(0)
        if filters and not _URL_FILTERS.match(filters):
            return m.group(0)
        return str(current).replace("\n", " ")[:2000]

    return _LIQUID_OUTPUT.sub(value, text)


def _blank_elements(text: str, name: str) -> str:
    """Blank out every ``<name …>…</name>`` (an unclosed one to the end), in linear time."""
    out: list[str] = []
    pos = 0
    opener = re.compile(rf"<{name}\b", re.I)
    closer = re.compile(rf"</{name}\s*>", re.I)
    while True:
        m = opener.search(text, pos)
        if not m:
            out.append(text[pos:])
            break
        close = closer.search(text, m.end())
        end = close.end() if close else len(text)
        out.append(text[pos : m.start()])
        out.append(_blank_out(text[m.start() : end]))
        pos = end
    return "".join(out)


_DOCUMENT = re.compile(r"<!doctype\s+html|<html\b", re.I)
_DOCUMENT_TAGS = re.compile(r"<!doctype[^<>]{0,200}>|</?(?:html|body)\b[^<>]{0,500}>", re.I)


def remove_non_content(text: str) -> str:
    """Style sheets and scripts; for a whole ``<html>`` document pasted into a page, also its
    head, navigation and footer: what a browser never shows as the page's text."""
    for name in ("style", "script"):
        if f"<{name}" in text.lower():
            text = _blank_elements(text, name)
    if _DOCUMENT.search(text[:20000]):
        for name in ("head", "nav", "footer"):
            text = _blank_elements(text, name)
        text = _DOCUMENT_TAGS.sub("", text)
    return text


# ---------------------------------------------------------------- headings

_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t]*$")
_ATX_NOSPACE = re.compile(r"^ {0,3}(#{2,6})([^#\s].*?)[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-{2,})[ \t]*$")
_HTML_HEADING_LINE = re.compile(r"^<h([12])\b[^<>]{0,200}>([^<>]{1,300})</h\1\s*>\s*$", re.I)
_BREAK = re.compile(r"^ {0,3}(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_LIST_ITEM = re.compile(r"^ {0,3}(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)")
_BOLD_LINE = re.compile(
    r"^ {0,3}(?:\*\*|__|<b>|<strong>)(?P<text>[^*_<>\n]{1,80}?)(?:\*\*|__|</b>|</strong>)"
    r"[ \t]*(?P<colon>:?)[ \t]*(?P<brk><br\s*/?>|\\)?[ \t]*$",
    re.IGNORECASE,
)
_INLINE_MARKUP = re.compile(
    r"</?(?:b|strong|em|i|u|span|font)\b[^>]{0,200}>|\*\*|__|(?<!\w)[*_]|[*_](?!\w)"
)


_EMPTY_ANCHOR = re.compile(r"<a\s[^<>]{0,300}>\s*</a\s*>|</?a\s+(?:name|id)=[^<>]{0,300}>", re.I)


def heading_text(raw: str) -> str:
    """A heading as a reader sees it: markup, empty anchors and closing hashes removed."""
    text = _EMPTY_ANCHOR.sub("", raw).strip()
    # Closing hashes ("## Title ##"), without a regex: ``[ \t]+#+$`` backtracks quadratically
    # over a long run of spaces with no hash after it (a mutated heading took seconds).
    head = text.rstrip("#")
    if head != text and head.endswith((" ", "\t")):
        text = head.rstrip(" \t")
    text = _INLINE_MARKUP.sub("", text)
    text = re.sub(r"\[([^\]]{0,200})\]\([^)]{0,500}\)", r"\1", text)
    return text.strip().rstrip(":").strip()


def _bold_heading(lines: list[str], i: int) -> str | None:
    """A line that is only bold text, short and not a sentence, used as a heading."""
    m = _BOLD_LINE.match(lines[i])
    if not m:
        return None
    text = m.group("text").strip()
    words = text.split()
    if not words or len(words) > 5 or not text[0].isalnum():
        return None
    if text[-1] in ".!?,;" or "@" in text or "[" in text:
        return None
    next_blank = i + 1 >= len(lines) or not lines[i + 1].strip()
    if m.group("brk") and not (m.group("colon") or next_blank):
        return None
    return heading_text(text)


def _block_start(lines: list[str], i: int, fresh: bool) -> bool:
    return i == 0 or fresh or not lines[i - 1].strip()


def split_sections(body: str, first_line: int = 1) -> list[Section]:
    """Split a (cleaned) markdown body into a tree of sections."""
    lines = body.split("\n")
    flat: list[Section] = [Section("", 0, first_line, "intro")]
    in_fence: str | None = None
    fresh = True  # the previous line was a heading: the next one starts a block
    i = 0
    n = len(lines)
    while i < n:
        line = lines[i]
        lineno = first_line + i
        current = flat[-1]
        fence = _FENCE.match(line)
        if in_fence is not None:
            current.lines.append((lineno, line))
            if fence and fence.group(1)[0] == in_fence[0] and len(fence.group(1)) >= len(in_fence):
                in_fence = None
            i += 1
            continue
        if fence:
            in_fence = fence.group(1)
            current.lines.append((lineno, line))
            fresh = False
            i += 1
            continue
        html_heading = _HTML_HEADING_LINE.match(line) if "<h" in line[:8].lower() else None
        if html_heading and heading_text(html_heading[2]):
            # "<h2>Talks</h2>" on a line of its own, blank line before it or not (HTML needs
            # none): the section heading the page shows (an <h3> and below may be an entry's
            # title inside a box: those stay the box's)
            flat.append(Section(heading_text(html_heading[2]), int(html_heading[1]), lineno, "atx"))
            fresh = True
            i += 1
            continue
        atx = _ATX.match(line) or _ATX_NOSPACE.match(line)
        if atx and heading_text(atx.group(2) or ""):
            level = len(atx.group(1))
            flat.append(Section(heading_text(atx.group(2) or ""), level, lineno, "atx"))
            fresh = True
            i += 1
            continue
        if (
            line.strip()
            and i + 1 < n
            and _SETEXT.match(lines[i + 1])
            and _block_start(lines, i, fresh)
            and not _LIST_ITEM.match(line)
            and not _BREAK.match(line)
            and not line.lstrip().startswith(("<", "|", ">"))
            and heading_text(line)
        ):
            level = 1 if lines[i + 1].strip().startswith("=") else 2
            flat.append(Section(heading_text(line), level, lineno, "setext"))
            fresh = True
            i += 2
            continue
        if _BREAK.match(line) and _block_start(lines, i, fresh):
            level = current.level
            flat.append(Section("", level, lineno + 1, "break"))
            fresh = True
            i += 1
            continue
        if line.strip() and _block_start(lines, i, fresh):
            bold = _bold_heading(lines, i)
            if bold:
                flat.append(Section(bold, 7, lineno, "bold"))
                fresh = True
                i += 1
                continue
        current.lines.append((lineno, line))
        if line.strip():
            fresh = False
        i += 1
    return _build_tree(flat)


def _build_tree(flat: list[Section]) -> list[Section]:
    """Nest sections by level; untitled blocks with nothing in them disappear."""
    roots: list[Section] = []
    stack: list[Section] = []
    for sec in flat:
        if not sec.heading and not sec.body:
            continue
        if sec.style == "intro":
            roots.append(sec)
            continue
        while stack and stack[-1].level >= sec.level:
            stack.pop()
        if stack:
            stack[-1].children.append(sec)
        else:
            roots.append(sec)
        stack.append(sec)
    return roots


_COLLECTION_LOOP = re.compile(
    r"\{%-?\s*(?:for\s+\w{1,40}\s+in\s+(?:site\.)?(?P<name>publications|talks|teaching|portfolio|"
    r"projects|news)\b|(?P<bib>bibliography)\b)",
)
_COLLECTION_KIND = {
    "publications": "publications",
    "talks": "talks",
    "teaching": "teaching",
    "portfolio": "projects",
    "projects": "projects",
    "news": "news",
}


def _liquid_variables(site: dict[str, Any] | None, meta: dict[str, Any]) -> dict[str, Any]:
    """What ``{{ … }}`` can name on a page: ``site`` (``_config.yml``), ``author``, ``page``."""
    site = site or {}
    author = site.get("author") if isinstance(site.get("author"), dict) else {}
    return {"site": site, "author": author, "page": meta}


def collection_refs(body: str, first_line: int) -> list[tuple[int, str]]:
    """Where Liquid lists a collection: (line, kind), in order; HTML comments do not count."""
    visible = _remove_delimited(body, "<!--", "-->", keep_unclosed=False)
    refs = []
    for m in _COLLECTION_LOOP.finditer(visible):
        kind = "publications" if m.group("bib") else _COLLECTION_KIND[m.group("name")]
        refs.append((first_line + visible.count("\n", 0, m.start()), kind))
    return refs


def parse_page(text: str, path: str = "", site: dict[str, Any] | None = None) -> ParsedPage:
    """Front matter and sections of one markdown page. Pure; never raises.

    ``path`` is only used in messages; ``site`` is ``_config.yml``, for Liquid variables. A
    page without front matter is all body; a page whose
    front matter is broken YAML gets an error (line numbers are the file's) and empty meta.
    """
    del path  # kept for symmetry with the other steps; messages carry lines, not paths
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    meta, body, body_line, errors, had = split_front_matter(text)
    # A lone indented line of prose is text the author indented by accident, not code.
    cleaned = dedent_stray_lines(clean_markup(body, _liquid_variables(site, meta)))
    sections = split_sections(cleaned, body_line)
    refs = collection_refs(body, body_line) if "{%" in body else []
    return ParsedPage(meta, cleaned, body_line, sections, errors, had, refs)
