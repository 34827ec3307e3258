"""The one markdown renderer: the admin preview (markdownx) and every stored ``*_html`` field.

Markdown is rendered, then sanitized with nh3's allow-list. Real homepages carry inline HTML
(``<u>``, ``<sup>``, ``<span style="color:red">``, ``<img width>``); what is harmless is kept,
everything else (scripts, event handlers, ``javascript:`` URLs, iframes, forms) is dropped.

Math (``$…$``, ``$$…$$``, ``\\(…\\)``, ``\\[…\\]``) is set aside before markdown runs and put
back, HTML-escaped but otherwise verbatim, afterwards: markdown would otherwise read ``$a_1$ and
$b_1$`` as emphasis and eat the backslashes of ``\\(``. The browser typesets the spans with
KaTeX's auto-render, so the stored HTML keeps the TeX source.
"""

from __future__ import annotations

import html as html_lib
import re
from collections import deque
from xml.etree.ElementTree import Element

import emoji
import markdown
import nh3
from markdown import inlinepatterns, treeprocessors, util
from markdown.extensions import Extension
from markdown.extensions.tables import TableProcessor

# fmt: off
ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup", "dd",
    "del", "details", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4",
    "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp",
    "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th",
    "thead", "tr", "u", "ul",
}
_GLOBAL_ATTRIBUTES = {"title", "lang", "dir", "class", "style"}
ALLOWED_ATTRIBUTES = {
    "*": _GLOBAL_ATTRIBUTES,
    "a": {"href", "name", "id"},
    "img": {"src", "alt", "width", "height", "loading"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope"},
    "ol": {"start", "type"},
    "h1": {"id"}, "h2": {"id"}, "h3": {"id"}, "h4": {"id"}, "h5": {"id"}, "h6": {"id"},
    "code": {"class"},
    "div": {"class"},
    "span": {"class"},
}
# Inline styles are kept only for these harmless, layout-neutral properties ("color:red" awards).
ALLOWED_STYLE_PROPERTIES = {
    "color", "background-color", "font-weight", "font-style", "text-decoration", "text-align",
    "font-size", "vertical-align",
}
# fmt: on
URL_SCHEMES = {"http", "https", "mailto"}

# "extra" without abbr and def_list: both are super-linear on hostile text (abbr re-scans the
# text once per abbreviation; def_list parses the rest of a block inside each definition, so
# "a\n: b\n" repeated recursed until RecursionError), and homepages hardly use either.
_EXTENSIONS: list = [
    "attr_list", "fenced_code", "footnotes", "md_in_html", "tables", "sane_lists", "smarty",
]  # fmt: skip
_EXTENSION_CONFIGS = {"smarty": {"smart_angled_quotes": False}}


_STYLE_FUNCTION = re.compile(r"(?:rgba?|hsla?)\([\d\s.,%/]*\)", re.IGNORECASE)
# What may remain of a style value once colour functions are taken out: words, numbers, units,
# ``#hex`` colours. No parentheses (``url()``, ``expression()``), quotes, backslashes (CSS
# escapes spell any word), slashes or asterisks (comments).
_STYLE_VALUE = re.compile(r"[#\w\s.,%+-]+")


def _clean_style(value: str) -> str | None:
    """``value`` with only the allowed, plain declarations; None when none is left.

    nh3 filters style *properties* but not their values, so ``color:expression(…)`` or a
    ``url(javascript:…)`` would pass; this keeps a declaration only when its value is plain.
    """
    kept = []
    for declaration in value.split(";"):
        name, colon, val = declaration.partition(":")
        name, val = name.strip().lower(), val.strip()
        if not colon or name not in ALLOWED_STYLE_PROPERTIES or not val:
            continue
        if _STYLE_VALUE.fullmatch(_STYLE_FUNCTION.sub("0", val)) is None:
            continue
        kept.append(f"{name}:{val}")
    return ";".join(kept) or None


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "style":
        return _clean_style(value)
    return value


def sanitize_html(html: str) -> str:
    """Keep what is harmless of ``html``: the allow-list above, safe URL schemes only."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_filter_attribute,
        url_schemes=URL_SCHEMES,
        filter_style_properties=ALLOWED_STYLE_PROPERTIES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


_VISIBLE_ELEMENT = re.compile(r"<(?:img|hr)\b", re.IGNORECASE)
_ANY_TAG = re.compile(r"<[^>]*>")


def shows_nothing(html: str) -> bool:
    """True when ``html`` has no text and no image: all of it was markup the sanitizer dropped."""
    if _VISIBLE_ELEMENT.search(html):
        return False
    return not html_lib.unescape(_ANY_TAG.sub("", html)).strip()


def escaped_text(text: str) -> str:
    """``text`` shown as typed, HTML-escaped, one ``<p>`` per blank-line-separated paragraph."""
    paragraphs = [p.strip() for p in re.split(r"\n[ \t]*\n", text.strip()) if p.strip()]
    return "\n".join(f"<p>{html_lib.escape(p, quote=False)}</p>" for p in paragraphs)


# Display math first, so ``$$x$$`` is not read as two empty inline spans. Inline ``$…$`` follows
# pandoc's rule: no blank right inside the dollars and no digit right after the closing one, so
# "$5 and $10" stays prose. A ``\[…\]`` or ``\(…\)`` span holds no second opener: an unclosed
# one then stops at the next opener, instead of every opener scanning to the end of the text.
_MATH = re.compile(
    r"""
      \$\$(?P<display>.+?)\$\$
    | \\\[(?P<bracket>(?:(?!\\\[).)+?)\\\]
    | \\\((?P<paren>(?:(?!\\\().)+?)\\\)
    | (?<![\\$])\$(?P<inline>[^\s$](?:[^$\n\\]|\\.)*?(?<!\s))\$(?![\d$])
    """,
    re.DOTALL | re.VERBOSE,
)
# Letters and digits only: markdown, smarty and the sanitizer leave such a token alone.
_TOKEN = "labsitemath{}x"
_TOKEN_RE = re.compile(r"labsitemath(\d+)x")


def protect_math(text: str) -> tuple[str, list[str]]:
    """Replace every math span in ``text`` by a placeholder; return the text and the spans."""
    spans: list[str] = []

    def stash(match: re.Match[str]) -> str:
        spans.append(match.group(0))
        return _TOKEN.format(len(spans) - 1)

    return _MATH.sub(stash, text), spans


def restore_math(html: str, spans: list[str], *, escape: bool = True) -> str:
    """Put the math spans back into rendered ``html``, escaped as text (or, with
    ``escape=False``, as they were: for source text, see the importer's ``markdown_text``)."""
    if not spans:
        return html

    def unstash(match: re.Match[str]) -> str:
        index = int(match.group(1))
        if index >= len(spans):
            return match.group(0)
        return html_lib.escape(spans[index], quote=False) if escape else spans[index]

    return _TOKEN_RE.sub(unstash, html)


_SHORTCODE = re.compile(r":[a-z0-9_+\-]+:")
_TAG = re.compile(r"(<[^>]*>)")
_VERBATIM_OPEN = re.compile(r"<(code|pre)\b", re.IGNORECASE)
_VERBATIM_CLOSE = re.compile(r"</(code|pre)\s*>", re.IGNORECASE)


def emojize_html(html: str) -> str:
    """``:tada:`` → 🎉 in text, as GitHub Pages (jemoji) shows it; code and tags left alone.

    Homepages written for GitHub Pages use GitHub's shortcodes; unknown ones stay as written.
    """
    if not _SHORTCODE.search(html):
        return html
    depth = 0
    parts = _TAG.split(html)
    for i, part in enumerate(parts):
        if i % 2:  # a tag
            if _VERBATIM_OPEN.match(part):
                depth += 1
            elif _VERBATIM_CLOSE.match(part):
                depth = max(depth - 1, 0)
        elif depth == 0 and _SHORTCODE.search(part):
            parts[i] = emoji.emojize(part, language="alias")
    return "".join(parts)


# ---------------------------------------------------------------- bounded work
# Python-Markdown is not linear on hostile text: its link processors scan, for every "[", to the
# matching "]" one character at a time in Python (and for every "](" to the matching ")"), so
# "[" * 16_000 took 65 s; the table extension splits the whole remaining block into rows for
# each line of a block that is re-tested line by line (setext headings, "#" lines). These
# subclasses keep the results and bound the work: a link's text is at most _MAX_LINK_TEXT
# characters nested at most _MAX_LINK_DEPTH deep, its target at most _MAX_LINK_TARGET.
_MAX_LINK_TEXT = 5_000
_MAX_LINK_DEPTH = 8
_MAX_LINK_TARGET = 5_000
_BRACKETS = re.compile(r"[\[\]]")


class _BoundedLink:
    """Mixin for the link and image processors: bracket matching in bounded, mostly-C time."""

    def getText(self, data: str, index: int) -> tuple[str, int, bool]:  # noqa: N802 - overrides
        # str.find / str.count run in C: "[" * n fails here without a loop in Python.
        close = data.find("]", index, index + _MAX_LINK_TEXT)
        if close < 0 or data.count("[", index, close) > _MAX_LINK_DEPTH:
            return "", index, False
        count = 1
        for m in _BRACKETS.finditer(data, index, index + _MAX_LINK_TEXT):
            if m.group() == "]":
                count -= 1
                if count == 0:
                    return data[index : m.start()], m.end(), True
            else:
                count += 1
                if count > _MAX_LINK_DEPTH:
                    break
        return "", index, False

    def getLink(self, data: str, index: int) -> tuple[str, str | None, int, bool]:  # noqa: N802
        # The parent scans to the end of ``data`` for an unclosed "(", one character at a time:
        # it gets a window that ends where the next link opens ("]("), so that every character
        # is scanned for one link at most.
        stop = data.find("](", index + 1, index + _MAX_LINK_TARGET)
        window = data[index : stop if stop >= 0 else index + _MAX_LINK_TARGET]
        href, title, end, handled = super().getLink(window, 0)  # type: ignore[misc]
        return href, title, end + index, handled


_LINK_PROCESSORS = {  # name: (class, priority) as markdown.inlinepatterns registers them
    "reference": (inlinepatterns.ReferenceInlineProcessor, 170),
    "link": (inlinepatterns.LinkInlineProcessor, 160),
    "image_link": (inlinepatterns.ImageInlineProcessor, 150),
    "image_reference": (inlinepatterns.ImageReferenceInlineProcessor, 140),
    "short_reference": (inlinepatterns.ShortReferenceInlineProcessor, 130),
    "short_image_ref": (inlinepatterns.ShortImageReferenceInlineProcessor, 125),
}
_BOUNDED = {name: type(f"Bounded{cls.__name__}", (_BoundedLink, cls), {}) for name, (cls, _) in
            _LINK_PROCESSORS.items()}  # fmt: skip


class _BoundedTable(TableProcessor):
    """The table test looks at the first two rows only (the parent splits the whole block)."""

    def test(self, parent: Element, block: str) -> bool:
        head = block.split("\n", 2)
        if len(head) < 2 or "|" not in head[0]:
            return False
        if not super().test(parent, "\n".join(head[:2])):
            return False
        # A one-column table needs a pipe on every row: only then is the whole block read.
        return len(head) == 2 or len(self.separator) > 1 or super().test(parent, block)


class _SuffixSearch:
    """A compiled pattern whose ``search`` remembers its last text and where it matched.

    Block processors split a block after the line they handle and test the rest again: the
    quote, "#" heading, rule and reference processors each *search* the whole rest, so a block
    of n lines cost n searches of the remaining block. The rest is a suffix of the text searched
    before (starting after a newline), and no match can start where none did before: the search
    resumes where the last match began, and every character is scanned about once per processor.
    """

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern
        self._text = ""
        self._start = -2  # -2: nothing searched yet; -1: the last search found nothing

    def __getattr__(self, name: str):  # match, finditer, pattern, flags: as the pattern has them
        return getattr(self.pattern, name)

    def search(self, text: str, *args: int) -> re.Match[str] | None:
        if args:
            return self.pattern.search(text, *args)
        prev, start, offset = self._text, self._start, len(self._text) - len(text)
        pos = 0
        if start != -2 and offset > 0 and prev[offset - 1] == "\n" and prev.endswith(text):
            if start == -1:
                return None
            if start >= offset - 1:
                pos = max(0, start - offset)
        m = self.pattern.search(text, pos)
        self._text, self._start = text, (m.start() if m else -1)
        return m


class _LinearInline(treeprocessors.InlineProcessor):
    """Python-Markdown's inline step, walking the tree in time linear in its size.

    The parent's walk keeps its work list in a Python list it pops from the front, and finds
    each child's position again with ``list(parent).index(child)`` before inserting the nodes
    made from its tail: both cost the number of siblings, so a paragraph of n emphasised words
    ("*a* *a* …") took time in n² (7.5 s at 99 KB). Here the list is a deque and the position is
    the loop's own index: the same nodes are visited in the same order, and the output is the
    same. The children are walked by index because the walk inserts the tail's nodes right after
    the child, and visits them next, as iterating the live element did.
    """

    def _InlineProcessor__processPlaceholders(  # noqa: N802 - the parent's (mangled) name
        self,
        data: str | None,
        parent: Element,
        isText: bool = True,  # noqa: N803
    ) -> list[tuple[Element, list[str]]]:
        """The parent's placeholder step, gathering text in a list instead of ``+=``.

        Text between placeholders goes to the tail of the node made last, or to the parent:
        the parent appended each piece to that attribute, copying it every time (quadratic in
        the number of pieces: 48,000 smart quotes). Pieces are joined once per target here.
        """
        result: list[tuple[Element, list[str]]] = []
        pieces: list[str] = []

        def flush() -> None:
            if not pieces:
                return
            if result:
                target, attribute = result[-1][0], "tail"
            else:
                target, attribute = parent, ("text" if isText else "tail")
            joined = pieces[0] if len(pieces) == 1 else "".join(pieces)
            current = getattr(target, attribute)
            setattr(target, attribute, current + joined if current else joined)
            pieces.clear()

        prefix = util.INLINE_PLACEHOLDER_PREFIX
        find_placeholder = self._InlineProcessor__findPlaceholder
        process_text = self._InlineProcessor__processElementText
        start = 0
        while data:
            index = data.find(prefix, start)
            if index == -1:
                text = data[start:]
                if isinstance(data, util.AtomicString):
                    text = util.AtomicString(text)
                if text:
                    pieces.append(text)
                break
            id_, end = find_placeholder(data, index)
            if id_ not in self.stashed_nodes:  # not a placeholder after all: kept as text
                stop = index + len(prefix)
                pieces.append(data[start:stop])
                start = stop
                continue
            node = self.stashed_nodes[id_]
            if index > start:
                pieces.append(data[start:index])
            start = end
            if isinstance(node, str):
                pieces.append(node)
                continue
            for child in [node, *node]:
                if child.tail and child.tail.strip():
                    process_text(node, child, False)
                if child.text and child.text.strip():
                    process_text(child, child)
            flush()
            result.append((node, self.ancestors[:]))
        flush()
        return result

    def run(self, tree: Element, ancestors: list[str] | None = None) -> Element:
        handle = self._InlineProcessor__handleInline
        placeholders = self._InlineProcessor__processPlaceholders
        self.stashed_nodes = {}
        tree_parents = [] if ancestors is None else ancestors[:]
        self.parent_map = {c: p for p in tree.iter() for c in p}
        self._InlineProcessor__build_ancestors(tree, tree_parents)
        work = deque([(tree, tree_parents)])
        while work:
            element, parents = work.popleft()
            self.ancestors = parents
            if element is not tree:
                self.ancestors.append(element.tag.lower())
            filled = []
            index = 0
            while index < len(element):
                child = element[index]
                if child.text and not isinstance(child.text, util.AtomicString):
                    self.ancestors.append(child.tag.lower())
                    text, child.text = child.text, None
                    made = placeholders(handle(text), child)
                    for node in made:
                        self.parent_map[node[0]] = child
                    work.extend(made)
                    filled.append((child, made))
                    self.ancestors.pop()
                if child.tail:
                    tail = handle(child.tail)
                    holder = Element("d")
                    child.tail = None
                    after = placeholders(tail, holder, False)
                    if holder.tail:
                        child.tail = holder.tail
                    for offset, node in enumerate(after, start=index + 1):
                        self.parent_map[node[0]] = element
                        element.insert(offset, node[0])
                if len(child):
                    self.parent_map[child] = element
                    work.append((child, self.ancestors[:]))
                index += 1
            for child, made in filled:
                for position, node in enumerate(made):
                    child.insert(position, node[0])
        return tree


_SEARCHING_BLOCKS = {"quote": "RE", "hashheader": "RE", "hr": "SEARCH_RE", "reference": "RE"}


class _BoundedWork(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 - the API's name
        for name, attribute in _SEARCHING_BLOCKS.items():
            if name in md.parser.blockprocessors:
                processor = md.parser.blockprocessors[name]
                setattr(processor, attribute, _SuffixSearch(getattr(processor, attribute)))
        for name, (_, priority) in _LINK_PROCESSORS.items():
            if name in md.inlinePatterns:
                old = md.inlinePatterns[name]
                md.inlinePatterns.register(_BOUNDED[name](old.pattern, md), name, priority)
        # The inline step, and smarty's second one over its own patterns.
        for entry in list(md.treeprocessors._priority):
            processor = md.treeprocessors[entry.name]
            if type(processor) is treeprocessors.InlineProcessor:
                linear = _LinearInline(md)
                linear.inlinePatterns = processor.inlinePatterns
                md.treeprocessors.register(linear, entry.name, entry.priority)
        if "table" in md.parser.blockprocessors:
            old = md.parser.blockprocessors["table"]
            md.parser.blockprocessors.register(_BoundedTable(md.parser, old.config), "table", 75)


_EXTENSIONS.append(_BoundedWork())

# Python's html.parser (which Python-Markdown runs over the whole text) scans, from every "<x",
# as far as the text reads like attributes: "<a " * 16_000 took 23 s. A "<" whose next ">" comes
# after another "<" opens no tag (CommonMark allows a "<" inside a tag only in a quoted value),
# so it is set aside as a placeholder the parser passes over, and put back as "&lt;" after,
# which shows as "<" in text and code alike. Comments are kept whole.
_LT_TOKEN = "labsiteltx"
_ANGLES = re.compile(r"<!--|<|>")


def protect_stray_angles(text: str) -> str:
    """Replace every ``<`` that cannot open a tag by :data:`_LT_TOKEN`, in linear time."""
    if "<" not in text:
        return text
    out: list[str] = []
    pos = 0
    pending = -1  # position of a "<" waiting to learn whether ">" or "<" comes next
    i = 0
    while True:
        m = _ANGLES.search(text, i)
        if m is None:
            break
        if m.group() == "<!--":
            if pending >= 0:
                out.append(text[pos:pending] + _LT_TOKEN)
                pos = pending + 1
                pending = -1
            end = text.find("-->", m.end())
            i = len(text) if end < 0 else end + 3
            continue
        if m.group() == ">":
            pending = -1
        else:
            if pending >= 0:
                out.append(text[pos:pending] + _LT_TOKEN)
                pos = pending + 1
            pending = m.start()
        i = m.end()
    if pending >= 0:
        out.append(text[pos:pending] + _LT_TOKEN)
        pos = pending + 1
    out.append(text[pos:])
    return "".join(out)


class MarkdownTooLong(ValueError):
    """Text over ``LABSITE_MARKDOWN_MAX_CHARS`` or ``LABSITE_MARKDOWN_MAX_LINES``: refused
    instead of rendered."""


def max_chars() -> int:
    from django.conf import settings

    return int(getattr(settings, "LABSITE_MARKDOWN_MAX_CHARS", 100_000))


def max_lines() -> int:
    from django.conf import settings

    return int(getattr(settings, "LABSITE_MARKDOWN_MAX_LINES", 3_000))


def too_long_message(length: int) -> str:
    return (
        f"This text is {length:,} characters long; the limit is {max_chars():,}. "
        "Shorten it or split it into several parts."
    )


#: ``markdown="1"`` on an HTML block (md_in_html), and how many one text may hold.
_MARKDOWN_IN_HTML = re.compile(r"""\bmarkdown\s*=\s*["']?(?:1|block|span)\b""", re.IGNORECASE)
MAX_MARKDOWN_IN_HTML = 50


def length_problem(text: str | None) -> str | None:
    """Why ``text`` is too long to render, or ``None``.

    Two limits: characters, and lines. Python-Markdown's inline step looks each block up in its
    parent's list of children, so thousands of one-line blocks (headings, ``-`` rules, setext
    headings, paragraphs) cost time quadratic in their number, well inside the character limit
    (30,000 ``#`` lines: over a minute). Three thousand lines is far beyond any bio, news item or
    write-up, and keeps the worst shape under half a second.
    """
    if not text:
        return None
    if len(text) > max_chars():
        return too_long_message(len(text))
    blocks = len(_MARKDOWN_IN_HTML.findall(text))
    if blocks > MAX_MARKDOWN_IN_HTML:
        # Each <div markdown="1"> is parsed by a recursive call: 1,400 nested ones overflowed
        # Python's stack (a server error on save).
        return (
            f'This text has {blocks:,} HTML blocks with markdown="1"; the limit is '
            f"{MAX_MARKDOWN_IN_HTML}. Use fewer of them."
        )
    lines = text.count("\n") + 1
    if lines > max_lines():
        return (
            f"This text has {lines:,} lines; the limit is {max_lines():,}. "
            "Shorten it or split it into several parts."
        )
    return None


def check_length(text: str | None) -> None:
    """Raise :class:`MarkdownTooLong` (a ValueError) for text over a limit."""
    problem = length_problem(text)
    if problem:
        raise MarkdownTooLong(problem)


_PLAIN_TEXT = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ,.:;!?()/+=%-]*")


def is_plain(text: str) -> bool:
    """Text that markdown + smarty + the sanitizer leave exactly as it is (a typical title).

    The renderer costs ~1-2 ms a call (it builds a Markdown instance each time); an import
    saves thousands of plain titles. ``test_plain_text_fast_path_renders_like_markdown``
    checks that the shortcut gives the renderer's HTML.
    """
    return (
        _PLAIN_TEXT.fullmatch(text) is not None
        and "--" not in text
        and ":" not in text  # ":tada:" shortcodes become emoji in the renderer
        and ".." not in text
        and "  " not in text
        and not text.endswith(" ")
        and re.match(r"\d+[.)]( |$)", text) is None
    )


def render_markdown(text: str | None) -> str:
    """Render markdown ``text`` to sanitized HTML. Empty or missing text gives ``""``.

    Non-blank text never gives blank HTML: when the sanitizer leaves nothing to see, the text
    itself is returned, escaped (:func:`escaped_text`).

    Raises :class:`MarkdownTooLong` for text over ``LABSITE_MARKDOWN_MAX_CHARS`` (forms check
    first, see ``RenderedMarkdownModel.clean_fields``): the work is linear in the length, and the
    limit bounds how long one render may hold a worker.
    """
    if not text or not text.strip():
        return ""
    check_length(text)
    if "\n" not in text and is_plain(text):
        return f"<p>{text}</p>"  # what the renderer would give, at no cost (a typical title)
    protected, spans = protect_math(text)
    try:
        html = markdown.markdown(
            protect_stray_angles(protected),
            extensions=_EXTENSIONS,
            extension_configs=_EXTENSION_CONFIGS,
            output_format="html",
        )
    except RecursionError as exc:  # a nesting no limit above foresaw: refused, not a 500
        raise MarkdownTooLong(
            "This text nests too deeply to be shown; flatten its lists, quotes or blocks."
        ) from exc
    html = html.replace(_LT_TOKEN, "&lt;")
    # Sanitize after restoring: the math text is escaped, so it cannot smuggle markup past nh3.
    clean = sanitize_html(restore_math(emojize_html(html), spans))
    if shows_nothing(clean):
        # Text that was nothing but markup (a title of "<script>…</script>") is kept as text:
        # an empty field would hide the member's input, and a template falling back to the raw
        # source would run it. Escaped, it is harmless and the member sees what they typed.
        return sanitize_html(escaped_text(text))
    return clean


def render_preview(text: str | None) -> str:
    """markdownx's preview: :func:`render_markdown`, or a message for text over the limit."""
    try:
        return render_markdown(text)
    except MarkdownTooLong as exc:
        return f'<p class="markdownx-error" role="alert">{html_lib.escape(str(exc))}</p>'


def render_inline(text: str | None) -> str:
    """Render one line of markdown (a title, a news line) without the wrapping paragraph."""
    if text and "\n" not in text and is_plain(text):
        return text
    html = render_markdown(text).strip()
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return html
