"""The one markdown renderer: the admin preview (markdownx) and every stored ``*_html`` field.

Markdown is rendered, then sanitized with nh3's allow-list. Real homepages carry inline HTML
(``<u>``, ``<sup>``, ``<span style="color:red">``, ``<img width>``); what is harmless is kept,
everything else (scripts, event handlers, ``javascript:`` URLs, iframes, forms) is dropped.
"""

from __future__ import annotations

import markdown
import nh3

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
URL_SCHEMES = {"http", "https", "mailto"}

_EXTENSIONS = ["extra", "sane_lists", "smarty"]
_EXTENSION_CONFIGS = {"smarty": {"smart_angled_quotes": False}}


def sanitize_html(html: str) -> str:
    """Keep what is harmless of ``html``: the allow-list above, safe URL schemes only."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        filter_style_properties=ALLOWED_STYLE_PROPERTIES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def render_markdown(text: str | None) -> str:
    """Render markdown ``text`` to sanitized HTML. Empty or missing text gives ``""``."""
    if not text or not text.strip():
        return ""
    html = markdown.markdown(
        text, extensions=_EXTENSIONS, extension_configs=_EXTENSION_CONFIGS, output_format="html"
    )
    return sanitize_html(html)


def render_inline(text: str | None) -> str:
    """Render one line of markdown (a title, a news line) without the wrapping paragraph."""
    html = render_markdown(text)
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return html
