"""Hand-written static HTML homepages: ``index.html`` and its sibling pages, no generator.

Many academics' homepages are a folder of HTML files written by hand or from an HTML5 UP
template: ``index.html``, ``publications.html``, ``research.html``, with ``css/``, ``images/``,
``LICENSE.txt`` and ``README.md`` beside them, and no ``_config.yml`` or Hugo configuration.

Each page is read as the markdown reader reads a page. :func:`html_to_markdown` turns the
page's visible content (its ``<main>``, else its ``<body>``, without ``<head>``, ``<script>``,
``<style>``, navigation or the site's header and footer) into the markdown-with-HTML text the
page pipeline already understands: ``<h1>``–``<h3>`` become ``#`` headings, paragraphs and list
items keep their text, ``<b>``/``<i>`` become ``**``/``*``, links and images stay links and
images as written (the page's :class:`~labsite.importing.extract.common.Context` resolves the
relative ones against the site folder). Then :func:`~labsite.importing.parse.parse_page` and
:func:`~labsite.importing.extract.page.extract_page` read it, so publications, news, honors
and talks come out of the same entry shapes as from markdown. Each block is placed on the line
it starts on in the HTML file, so a warning names the HTML file's line.

The owner: the index page's title or first ``<h1>`` when it reads as a person's name, else the
name after the copyright sign (``&copy; Mara Quill`` in the footer), else the name highlighted
throughout the publication entries (the loader's rule); ``--person`` wins over all of them.

Only ``.html``/``.htm`` pages (and ``.bib`` files) are read: ``LICENSE.txt`` and ``README.md``
describe the repository, not the person. Legal notices (``impressum.html``), error pages and
search-engine verification files are no homepage sections either.

Hostile input: the text is bounded by the page size limit, the converter keeps no recursion
and does constant work per tag (an end tag with no open element of its name is ignored without
a search), and :func:`_defuse` takes out what makes :class:`html.parser.HTMLParser` rescan the
rest of the text (a ``<`` that never closes, a comment that never ends) before it sees it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from labsite.importing.extract.page import clean_person_name, extract_page, person_like
from labsite.importing.parse import parse_page
from labsite.importing.read import read_text
from labsite.importing.readers.base import ImportInputError
from labsite.importing.readers.files import PAGE_SUFFIXES, FileCollector, relative, visible
from labsite.importing.readers.hugo import is_hugo_site
from labsite.importing.readers.jekyll import is_site as is_jekyll_site
from labsite.importing.records import PageRecord, SiteRecord
from labsite.importing.repair import repair_text
from labsite.importing.safety import check_text, limit

HTML_SUFFIXES = (".html", ".htm")

#: Folders of a static site that hold no pages: assets, and every ``_folder`` (a Jekyll
#: site's ``_site`` build output, ``_layouts``, ``_includes``) or dot folder.
_SKIP_DIRS = {
    "assets", "css", "js", "javascript", "scripts", "fonts", "images", "img", "static",
    "vendor", "node_modules", "lib", "libs", "dist", "build", "public", "media", "files",
    "docs", "downloads", "bower_components", "font-awesome", "fontawesome", "webfonts",
}  # fmt: skip

#: Pages of a static site that are no part of anyone's homepage: legal notices, error pages,
#: templates' leftovers (``elements.html`` of HTML5 UP shows every style), verification files.
_NOT_PAGES = re.compile(
    r"^(?:404|500|error|impressum|imprint|datenschutz|privacy(?:[-_]policy)?|legal|"
    r"disclaimer|cookies?|elements|generic|landing|template|google[0-9a-f]{8,}|"
    r"yandex_[0-9a-f]+|bing[0-9a-z]*|search)$",
    re.I,
)

#: Elements whose content a reader never sees as the page's text.
_HIDDEN = {
    "head", "script", "style", "noscript", "template", "svg", "math", "iframe", "object",
    "embed", "canvas", "form", "button", "select", "textarea", "nav", "title", "audio", "video",
}  # fmt: skip
#: ``<header>``/``<footer>`` outside these is the site's banner or footer, not page content.
_SECTIONING = {"main", "article", "section"}
#: ``role``, ``id`` or ``class`` words that mark navigation and other boilerplate.
_BOILERPLATE_WORDS = {
    "nav", "navbar", "navigation", "menu", "topnav", "sidenav", "breadcrumb", "breadcrumbs",
    "skip-link", "skiplink", "cookie", "cookies", "cookie-banner", "copyright", "banner-nav",
    "contentinfo",
}  # fmt: skip
_VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
    "source", "track", "wbr",
}  # fmt: skip
#: Elements that start and end a block of text.
_BLOCKS = {
    "p", "div", "section", "article", "aside", "main", "header", "footer", "blockquote",
    "figure", "figcaption", "address", "details", "summary", "dl", "dt", "dd", "center",
    "fieldset", "hr", "h4", "h5", "h6", "body", "html",
}  # fmt: skip
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3}
_MINOR_HEADINGS = {"h4", "h5", "h6"}  # kept as HTML: the entry shapes read <h4>Title</h4> boxes
_BOLD = {"b", "strong"}
_ITALIC = {"i", "em", "cite"}
_KEPT_INLINE = {"u", "sup", "sub"}  # highlighted owner, equal-contribution marks
_MAX_LIST_DEPTH = 8
_MAX_URL = 1000

#: "© 2024 Mara Quill", "Copyright (c) 2019-2024 by Mara Quill. All rights reserved."
_COPYRIGHT = re.compile(
    r"(?:©|\(c\)|\bcopyright\b)[\s©]*(?:\(c\)\s*)?(?:\d{4}(?:\s*[-–]\s*(?:\d{4}|present))?)?"
    r"[\s,]*(?:by\s+)?(?P<name>[^\W\d_][^.|,;©\n\d]{2,80})",
    re.I,
)
#: A title opening with an acronym names a group ("AG Imkeller", "KI Lab"), not a person.
_SPACES = re.compile(r"\s+")
_EDGE_BREAKS = re.compile(r"^(?:<br>\s*)+|(?:\s*<br>)+$")
_ACRONYM_FIRST = re.compile(r"^[A-Z]{2,}\s")
#: What separates a page's own title from the site's in ``<title>``: "Publications - Quill Lab".
_TITLE_SEPARATOR = re.compile(r"\s+[-–—|·:»]\s+|\s*[|·»]\s*")


@dataclass
class HtmlPage:
    """What :func:`html_to_markdown` reads from one HTML page."""

    markdown: str  # the visible content as markdown, each block on its HTML line
    title: str = ""  # the page's own title: its first <h1>, else <title> as written
    document_title: str = ""  # <title>
    h1: str = ""  # the first <h1> anywhere, the site's banner included
    copyright_names: list[str] = field(default_factory=list)  # person-like names after a ©


@dataclass
class _Open:
    tag: str
    hidden: bool = False  # this element hides its content
    sectioning: bool = False
    first_block: int = 0  # how many blocks were written before it opened


@dataclass
class _Block:
    line: int
    text: str
    in_main: bool
    kind: str = "text"  # "text", "item" (a list item) or "row" (a table row)
    nav: bool = False  # a heading that is only a link to another page of the site


def _defuse(text: str) -> str:
    """The text with what makes ``HTMLParser`` rescan the rest of it taken out.

    A ``<`` that no ``>`` closes before the next ``<`` is no tag (it is shown as a ``<``); a
    comment runs to its ``-->``, or to the end when it has none, as a browser reads it.
    Both passes look at each character a bounded number of times.
    """
    out: list[str] = []
    pos = 0
    while True:
        start = text.find("<!--", pos)
        if start < 0:
            out.append(text[pos:])
            break
        out.append(text[pos:start])
        end = text.find("-->", start + 4)
        if end < 0:
            break
        # keep the comment's line breaks: every block stays on its own line
        out.append("\n" * text.count("\n", start, end))
        pos = end + 3
    return re.sub(r"<(?=[^<>]*(?:<|\Z))", "&lt;", "".join(out))


def _words(attrs: dict[str, str]) -> set[str]:
    if not attrs:
        return set()
    values = " ".join(attrs.get(name, "") for name in ("role", "id", "class"))
    return set(values.lower().split())


def _url(value: str) -> str:
    url = value.strip()
    if not url or len(url) > _MAX_URL or re.match(r"^(?:javascript|data|vbscript):", url, re.I):
        return ""
    return url.replace(" ", "%20").replace("(", "%28").replace(")", "%29")


def _escape(text: str) -> str:
    """Text as markdown shows it as itself: no stray emphasis, tags or headings."""
    text = text.replace("\\", "\\\\").replace("*", "\\*").replace("`", "\\`")
    return text.replace("<", "&lt;").replace(">", "&gt;")


class _Converter(HTMLParser):
    """One pass over a page; constant work per tag and per piece of text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[_Open] = []
        self.counts: dict[str, int] = {}
        self.hidden = 0  # open elements that hide their content
        self.sectioning = 0
        self.main = 0  # open <main> elements
        self.saw_main = False
        self.blocks: list[_Block] = []
        # the block being written: pieces of inline markdown and where it started
        self.pieces: list[str] = []
        self.start_line = 0
        self.bold = 0
        self.italic = 0
        self.pending: list[str] = []  # emphasis opened with no text yet
        self.link: tuple[int, str] | None = None  # (index in pieces, url) of an open <a>
        self.lists: list[str] = []  # "ul" / "ol" for each open list
        self.item = False  # the block being written is a list item
        self.heading: int | None = None  # level of an open <h1>–<h3>
        self.heading_hidden = False
        self.heading_pieces: list[str] = []  # plain text of an <h1> (shown or not)
        self.pre: list[str] | None = None
        self.table: list[list[str]] | None = None
        self.row: list[str] | None = None
        self.table_line = 0
        self.document_title: list[str] = []
        self.in_title = False
        self.h1 = ""
        self.first_shown_h1: int | None = None  # index of the block of the first shown <h1>
        self.copyright: list[str] = []

    # -- the open elements ------------------------------------------------------------
    def _push(self, tag: str, attrs: dict[str, str]) -> None:
        hides = (
            tag in _HIDDEN
            or bool(_words(attrs) & _BOILERPLATE_WORDS)
            or "hidden" in attrs
            or attrs.get("aria-hidden", "").lower() == "true"
            or (tag in ("header", "footer") and not self.sectioning)
        )
        sectioning = tag in _SECTIONING
        self.stack.append(_Open(tag, hides, sectioning, len(self.blocks)))
        self.counts[tag] = self.counts.get(tag, 0) + 1
        self.hidden += hides
        self.sectioning += sectioning
        if tag == "main" or attrs.get("role", "").lower() == "main":
            self.main += 1
            self.saw_main = True
            self.stack[-1].tag = tag  # closed by its own end tag
            self.stack[-1].sectioning = True
            self.sectioning += not sectioning

    def _pop_to(self, tag: str) -> bool:
        """Close the innermost open ``tag`` and everything opened inside it; False if none."""
        if not self.counts.get(tag):
            return False
        while self.stack:
            top = self.stack.pop()
            self.counts[top.tag] -= 1
            self.hidden -= top.hidden
            self.sectioning -= top.sectioning
            self._closed(top)
            if top.tag == tag:
                return True
        return False

    def _closed(self, top: _Open) -> None:
        tag = top.tag
        if tag in _TILES and not self.hidden and not self.in_cell_or_item():
            self.flush()
            _drop_tile(self.blocks, top.first_block)
        if tag == "main":
            self.main = max(0, self.main - 1)
        if tag in ("ul", "ol") and self.lists:
            self.flush()
            self.lists.pop()

    # -- writing --------------------------------------------------------------------------
    def _line(self) -> int:
        return self.getpos()[0]

    def _shown(self) -> bool:
        return not self.hidden

    def write(self, piece: str) -> None:
        if not self.pieces:
            self.start_line = self._line()
        self.pieces.append(piece)

    def text(self, data: str) -> None:
        text = _SPACES.sub(" ", data)
        if not text:
            return
        if self.pending:
            if text.strip():
                if text[0] == " ":
                    self.write(" ")
                self.write("".join(self.pending))
                self.pending = []
                text = text.lstrip()
            else:
                return  # a space inside an emphasis that has no text yet
        if not self.pieces and not text.strip():
            return
        if not self.pieces and self.lists and not self.item:
            return  # text between list items belongs to no item
        self.write(_escape(text))

    def emphasis(self, marker: str, opening: bool) -> None:
        if opening:
            self.pending.append(marker)
            return
        if marker in self.pending:
            self.pending.remove(marker)  # nothing was emphasised
            return
        trailing = bool(self.pieces) and self.pieces[-1].endswith(" ")
        if trailing:
            self.pieces[-1] = self.pieces[-1].rstrip()
        self.write(marker)
        if trailing:
            self.write(" ")

    def close_link(self) -> None:
        if self.link is None:
            return
        index, url = self.link
        self.link = None
        inner = "".join(self.pieces[index:]).strip()
        del self.pieces[index:]
        if not inner:
            return
        if not url:
            self.write(inner)
            return
        self.write(f"[{inner.replace('[', '(').replace(']', ')')}]({url})")

    def flush(self, cell_end: bool = False) -> None:
        """End the block being written (or, in a table row, the cell)."""
        if not self.pieces and self.link is None and not cell_end:
            self.item = False
            return
        self.close_link()
        closers = ("*" if self.italic and "*" not in self.pending else "") + (
            "**" if self.bold and "**" not in self.pending else ""
        )
        if closers and self.pieces:
            self.pieces[-1] = self.pieces[-1].rstrip()
            self.write(closers)
        # an emphasis that spans blocks opens again in the next one
        self.pending = (["**"] if self.bold else []) + (["*"] if self.italic else [])
        text = _EDGE_BREAKS.sub("", "".join(self.pieces).strip())
        self.pieces = []
        if self.row is not None:
            if text or cell_end:
                self.row.append(text.replace("|", "\\|"))
            return
        if not text:
            self.item = False
            return
        kind = "text"
        if self.item:
            depth = min(len(self.lists), _MAX_LIST_DEPTH)
            marker = "1." if self.lists and self.lists[-1] == "ol" else "-"
            text = "  " * max(depth - 1, 0) + f"{marker} {text}"
            kind = "item"
            self.item = False
        elif re.match(r"#|[-+]\s|\d{1,9}[.)]\s", text):
            text = "\\" + text  # a paragraph, not a heading or a list
        self.blocks.append(_Block(self.start_line, text, self.main > 0, kind))

    def soft_break(self) -> None:
        """A block boundary inside a list item or a table cell is a line break within it."""
        if self.pieces and not self.pieces[-1].endswith("<br>"):
            self.close_link()
            self.write("<br>")

    def in_cell_or_item(self) -> bool:
        return self.row is not None or self.item

    # -- HTMLParser ---------------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name.lower(): (value or "") for name, value in attrs}
        if tag == "title":
            self.in_title = True
        if tag == "h1" and not self.h1:
            self.heading_pieces = []
        if tag not in _VOID:
            if tag in ("p", "li") and self.stack and self.stack[-1].tag == tag:
                self._pop_to(tag)  # an unclosed <p> or <li> ends at the next one
            self._push(tag, values)
        if self.hidden or self.pre is not None:
            if tag in _HEADINGS:
                self.heading, self.heading_hidden = _HEADINGS[tag], True
            return
        self.start(tag, values)

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        if tag in _HEADINGS:
            self.flush()
            self.item = False
            self.heading, self.heading_hidden = _HEADINGS[tag], False
            self.start_line = self._line()
        elif tag in ("ul", "ol"):
            self.flush()
            self.lists.append(tag)
        elif tag == "li":
            self.flush()
            self.item = True
        elif tag == "table":
            self.flush()
            self.table, self.table_line = [], self._line()
        elif tag == "tr" and self.table is not None:
            self.flush()
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            self.flush()
        elif tag == "pre":
            self.flush()
            self.pre, self.start_line = [], self._line()
        elif tag in _MINOR_HEADINGS:
            self.flush()
            self.write(f"<{tag}>")
        elif tag == "br":
            if self.pieces:
                self.write("<br>")
        elif tag in _BLOCKS:
            if self.in_cell_or_item():
                self.soft_break()
            else:
                self.flush()
        elif tag in _BOLD:
            self.bold += 1
            if self.bold == 1:
                self.emphasis("**", True)
        elif tag in _ITALIC:
            self.italic += 1
            if self.italic == 1:
                self.emphasis("*", True)
        elif tag in _KEPT_INLINE:
            self.write(f"<{tag}>")
        elif tag == "a":
            self.close_link()
            self.flush_pending()
            self.link = (len(self.pieces), _url(attrs.get("href", "")))
        elif tag == "img":
            src = _url(attrs.get("src", ""))
            if src:
                self.flush_pending()
                alt = re.sub(r"[\[\]\s]+", " ", attrs.get("alt", "")).strip()
                width = attrs.get("width", "").strip()
                if re.fullmatch(r"\d{1,4}(?:px)?", width):
                    alt_attr = alt.replace('"', "&quot;")
                    self.write(f'<img src="{src}" alt="{alt_attr}" width="{width}">')
                else:
                    self.write(f"![{alt}]({src})")

    def flush_pending(self) -> None:
        if self.pending:
            self.write("".join(self.pending))
            self.pending = []

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag not in _VOID and not self.counts.get(tag):
            return  # closes nothing: a stray end tag, as a browser ignores it
        if tag == "title":
            self.in_title = False
        if tag == "h1" and not self.h1:
            self.h1 = " ".join("".join(self.heading_pieces).split())
        shown = not self.hidden and self.pre is None
        if tag == "pre" and self.pre is not None:
            code = "".join(self.pre).strip("\n").replace("```", "` ` `")
            self.pre = None
            if code.strip():
                self.blocks.append(_Block(self.start_line, f"```\n{code}\n```", self.main > 0))
        elif shown:
            self.end(tag)
        if tag in _HEADINGS and self.heading is not None:
            self.heading = None
        if tag not in _VOID:
            self._pop_to(tag)

    def end(self, tag: str) -> None:
        if tag in _HEADINGS and self.heading is not None and not self.heading_hidden:
            self.close_link()
            text = re.sub(r"\s+", " ", "".join(self.pieces)).strip()
            text = re.sub(r"^(?:<br>\s*)+|(?:\s*<br>)+$", "", text).replace("<br>", " ")
            nav = bool(_LOCAL_PAGE_LINK.fullmatch(text))
            text = re.sub(r"!?\[([^\[\]]*)\]\([^()]*\)", r"\1", text).strip()
            self.pieces = []
            if text:
                if tag == "h1" and self.first_shown_h1 is None:
                    self.first_shown_h1 = len(self.blocks)
                self.blocks.append(
                    _Block(self.start_line, "#" * self.heading + " " + text, self.main > 0, nav=nav)
                )
        elif tag in _MINOR_HEADINGS:
            self.write(f"</{tag}>")
            self.flush()
        elif tag == "li":
            self.flush()
        elif tag in ("td", "th") and self.row is not None:
            self.flush(cell_end=True)
        elif tag == "tr" and self.row is not None and self.table is not None:
            self.flush()
            if any(self.row):
                self.table.append(self.row)
            self.row = None
        elif tag == "table" and self.table is not None:
            self.flush()
            self.row = None
            rows, self.table = self.table, None
            self.table_block(rows)
        elif tag in _BLOCKS:
            if self.in_cell_or_item():
                self.soft_break()
            else:
                self.flush()
        elif tag in _BOLD and self.bold:
            self.bold -= 1
            if not self.bold:
                self.emphasis("**", False)
        elif tag in _ITALIC and self.italic:
            self.italic -= 1
            if not self.italic:
                self.emphasis("*", False)
        elif tag in _KEPT_INLINE:
            self.write(f"</{tag}>")
        elif tag == "a":
            self.close_link()

    def table_block(self, rows: list[list[str]]) -> None:
        if not rows:
            return
        width = max(len(row) for row in rows)
        if width < 2:  # a one-column table is a list of lines
            for row in rows:
                self.blocks.append(_Block(self.table_line, row[0], self.main > 0))
            return
        lines = []
        for n, row in enumerate(rows):
            lines.append("| " + " | ".join(row + [""] * (width - len(row))) + " |")
            if n == 0:
                lines.append("|" + " --- |" * width)
        self.blocks.append(_Block(self.table_line, "\n".join(lines), self.main > 0, "row"))

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.document_title.append(data)
        if self.heading == 1 and not self.h1:
            self.heading_pieces.append(data)
        if "©" in data or "opyright" in data or "(c)" in data.lower():
            self.copyright.append(data)
        if self.hidden:
            return
        if self.pre is not None:
            self.pre.append(data)
            return
        self.text(data)

    # -- the result ---------------------------------------------------------------------
    def finish(self) -> HtmlPage:
        self.close()
        while self.stack:
            self._pop_to(self.stack[-1].tag)
        self.flush()
        blocks = self.blocks
        title = ""
        if self.first_shown_h1 is not None:
            first = blocks[self.first_shown_h1]
            if not self.saw_main or first.in_main:
                title = first.text[2:].strip()
                first.text = ""  # the page's title, as front matter would hold it
        if self.saw_main and any(b.in_main and b.text for b in blocks):
            blocks = [b for b in blocks if b.in_main]
        document_title = " ".join("".join(self.document_title).split())
        names = []
        for text in self.copyright:
            for m in _COPYRIGHT.finditer(" ".join(text.split())):
                name = clean_person_name(m.group("name").strip())
                if person_like(name) and name not in names:
                    names.append(name)
        return HtmlPage(
            markdown=_place(blocks),
            title=_plain(title),
            document_title=document_title,
            h1=_plain(self.h1),
            copyright_names=names,
        )


#: Elements that may be a tile of a landing page: an image, a heading linking to another
#: page of the site, a few words ("Team" / "Who we are"). Navigation, not content.
_TILES = {"article", "div", "li", "section", "figure"}
_TILE_MAX_BLOCKS = 4
_LOCAL_PAGE_LINK = re.compile(
    r"\[[^\[\]]{1,100}\]\((?![a-z][a-z0-9+.-]*:|//|#)[^()\s]{0,200}(?:\.html?|/)\)", re.I
)
_IMAGE_ONLY = re.compile(r"(?:!\[[^\[\]]*\]\([^()\s]*\)|<img\b[^<>]*>)")


def _drop_tile(blocks: list[_Block], first: int) -> None:
    """Blank the blocks since ``first`` when they are one navigation tile; constant work."""
    if not 0 < len(blocks) - first <= _TILE_MAX_BLOCKS:
        return
    tile = blocks[first:]
    if sum(b.nav for b in tile) != 1:
        return
    for block in tile:
        if (
            not block.nav
            and not _IMAGE_ONLY.fullmatch(block.text)
            and (len(block.text.split()) > 4 or "#" in block.text[:1])
        ):
            return
    for block in tile:
        block.text = ""


def _plain(text: str) -> str:
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)|<[^<>]*>|\\(?=\S)", "", text)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    return " ".join(text.replace("**", "").replace("*", "").split())[:200]


def _place(blocks: list[_Block]) -> str:
    """Markdown with each block on the line it starts on in the HTML (or just after the one
    before, when several start on one line), blank lines between blocks but not between the
    items of one list."""
    lines: list[str] = []
    previous = ""
    for block in blocks:
        if not block.text:
            continue
        together = previous == "item" and block.kind == "item"
        while len(lines) < block.line - 1:
            lines.append("")
        heading = block.text.startswith("#")  # an ATX heading needs no blank line before it
        if lines and lines[-1] and not together and not heading:
            lines.append("")
        lines.extend(block.text.split("\n"))
        previous = block.kind
    return "\n".join(lines) + "\n"


def html_to_markdown(html: str) -> HtmlPage:
    """A page's visible content as markdown, with its titles and copyright names. Pure."""
    converter = _Converter()
    converter.feed(_defuse(html))
    return converter.finish()


# ------------------------------------------------------------------------------- the site


_BLANK_RUN = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)+")


def own_title(document_title: str, site_title: str) -> str:
    """``"Publications - Quill Lab"`` with the site's title ``"Quill Lab"``: ``"Publications"``."""
    parts = [p.strip() for p in _TITLE_SEPARATOR.split(document_title) if p.strip()]
    site = {p.strip().casefold() for p in _TITLE_SEPARATOR.split(site_title) if p.strip()}
    own = [p for p in parts if p.casefold() not in site]
    return own[0] if own else ""


def _page_files(root: Path) -> list[Path]:
    found = []
    for path in sorted(root.rglob("*")):
        if not path.is_file() or not visible(path, root):
            continue
        parents = path.relative_to(root).parts[:-1]
        if any(part.startswith("_") or part.lower() in _SKIP_DIRS for part in parents):
            continue
        if path.suffix.lower() in (*HTML_SUFFIXES, ".bib") and not _NOT_PAGES.match(path.stem):
            found.append(path)
    # index.html first: it names the site (its title) and, often, its owner
    return sorted(found, key=lambda p: (p.parent != root or p.stem.lower() != "index", p))


def _index(root: Path) -> Path | None:
    for name in ("index.html", "index.htm", "Index.html", "INDEX.HTML"):
        if (root / name).is_file():
            return root / name
    return None


def _inside_generated_site(path: Path) -> bool:
    """A Jekyll ``_site`` or Hugo ``public`` build folder: its site is the source."""
    try:
        parent = path.resolve().parent
    except (OSError, RuntimeError):
        return False
    return path.name.lower() in ("_site", "public") and (
        is_jekyll_site(parent) or is_hugo_site(parent)
    )


class HtmlCollector(FileCollector):
    """The file collector with one more kind of file: an HTML page."""

    def __init__(self, root: Path, site: SiteRecord) -> None:
        super().__init__(root, site)
        self.site_title = ""  # the index page's <title>: other pages' titles repeat it

    def handler(self, kind: str):  # noqa: ANN201 - the base class's signature
        if kind == "html":
            return self.html_page
        return super().handler(kind)

    def read_html(self, path: Path) -> HtmlPage | None:
        """A page's content as markdown, through the same limits every file goes through."""

        def checked() -> HtmlPage:
            html = read_text(path, root=self.root, max_bytes=limit("LABSITE_IMPORT_MAX_PAGE_BYTES"))
            page = html_to_markdown(html)
            check_text(page.markdown)
            page.markdown = repair_text(page.markdown)
            return page

        return self.within_limits(path, checked)

    def html_page(self, path: Path) -> PageRecord | None:
        html = self.read_html(path)
        if html is None:
            return None
        is_index = path.parent == self.root and path.stem.lower() == "index"
        if is_index:
            self.site_title = html.document_title
            self.name_owner(html)
        title = html.title or own_title(html.document_title, self.site_title)
        if is_index and not person_like(title):
            title = ""  # the site's name: the index's text is its About
        rel = relative(path, self.root)
        parsed = parse_page(html.markdown, rel)
        if title:
            parsed.meta["title"] = title
        record = extract_page(parsed, rel, self.context_for(path))
        if not record.title:
            record.title = title
        # the blank lines that kept each block on its HTML line are no part of the text
        for section in record.sections:
            section.body = _BLANK_RUN.sub("\n\n", section.body).strip()
        for project in record.projects:
            project.summary = _BLANK_RUN.sub("\n\n", project.summary).strip()
            project.body = _BLANK_RUN.sub("\n\n", project.body).strip()
        return record

    def name_owner(self, index: HtmlPage) -> None:
        """The owner as the index page names them: its title or ``<h1>`` when it is a
        person's name, else the name after its copyright sign. A title that shares its
        surname with the copyright's name ("AG Imkeller", "© Katharina Imkeller") is a
        group's name: the copyright's full name is the owner."""
        titles = [
            clean_person_name(name)
            for name in (index.title, index.h1, *own_parts(index.document_title))
            if name and person_like(name) and not _ACRONYM_FIRST.match(name)
        ]
        names = titles + index.copyright_names
        if not names or self.site.profile.name:
            return
        owner = names[0]
        for name in index.copyright_names:
            if name.split()[-1].casefold() == owner.split()[-1].casefold():
                owner = max(owner, name, key=len)
        self.site.profile.name = owner
        self.ctx.owner_names = [owner]


def own_parts(document_title: str) -> list[str]:
    return [p.strip() for p in _TITLE_SEPARATOR.split(document_title) if p.strip()]


class HtmlSiteReader:
    """A folder of hand-written HTML pages around an ``index.html``, with no generator."""

    name = "static HTML site"

    def detect(self, path: Path) -> float:
        if not path.is_dir() or _index(path) is None:
            return 0.0
        if is_jekyll_site(path) or is_hugo_site(path) or _inside_generated_site(path):
            return 0.0  # their own readers (a _site/ build is the Jekyll site's output)
        # Below Jekyll's and Hugo's readers, above loose markdown pages.
        try:
            markdown = [
                p
                for p in path.iterdir()
                if p.suffix.lower() in PAGE_SUFFIXES
                and not re.match(r"(?:readme|license|changelog|contributing)", p.stem, re.I)
            ]
            pages = [p for p in path.iterdir() if p.suffix.lower() in HTML_SUFFIXES]
        except OSError:
            return 0.0
        return 0.05 if len(markdown) > len(pages) else 0.4

    def read(self, path: Path) -> SiteRecord:
        plan = [
            (file, "bib" if file.suffix.lower() == ".bib" else "html") for file in _page_files(path)
        ]
        if not plan:
            raise ImportInputError(f"{path}: no pages found (expected index.html)")
        site = SiteRecord(root=path)
        collector = HtmlCollector(path, site)
        collector.run_plan(plan)
        collector.finish()
        return site
