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

import emoji
import markdown
import nh3

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

_EXTENSIONS = ["extra", "sane_lists", "smarty"]
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
# "$5 and $10" stays prose.
_MATH = re.compile(
    r"""
      \$\$(?P<display>.+?)\$\$
    | \\\[(?P<bracket>.+?)\\\]
    | \\\((?P<paren>.+?)\\\)
    | (?<![\\$\w])\$(?P<inline>[^\s$](?:[^$\n\\]|\\.)*?(?<!\s))\$(?![\d$])
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


def render_markdown(text: str | None) -> str:
    """Render markdown ``text`` to sanitized HTML. Empty or missing text gives ``""``.

    Non-blank text never gives blank HTML: when the sanitizer leaves nothing to see, the text
    itself is returned, escaped (:func:`escaped_text`).
    """
    if not text or not text.strip():
        return ""
    protected, spans = protect_math(text)
    html = markdown.markdown(
        protected,
        extensions=_EXTENSIONS,
        extension_configs=_EXTENSION_CONFIGS,
        output_format="html",
    )
    # Sanitize after restoring: the math text is escaped, so it cannot smuggle markup past nh3.
    clean = sanitize_html(restore_math(emojize_html(html), spans))
    if shows_nothing(clean):
        # Text that was nothing but markup (a title of "<script>…</script>") is kept as text:
        # an empty field would hide the member's input, and a template falling back to the raw
        # source would run it. Escaped, it is harmless and the member sees what they typed.
        return sanitize_html(escaped_text(text))
    return clean


def render_inline(text: str | None) -> str:
    """Render one line of markdown (a title, a news line) without the wrapping paragraph."""
    html = render_markdown(text).strip()
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return html
