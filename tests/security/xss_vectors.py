"""A project-written XSS vector corpus, grouped by the families of OWASP's filter-evasion cheat
sheet (script tags, event handlers, script URLs, SVG/MathML, frames, forms, meta/base, styles,
mutation XSS, markdown, template syntax, attribute and JSON-LD breakouts, unicode tricks,
entity-encoded text).

Every payload carries its own number: it calls ``alert(N)`` (or ``confirm``/``prompt``/``print``
with N, or sets ``window.__xss_N``), so a browser test that sees a call knows which vector fired.
``%N%`` in a template below is replaced by the vector's number.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from html.parser import HTMLParser


@dataclass(frozen=True)
class Vector:
    number: int
    family: str
    payload: str


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


# (family, payload template). Numbers are assigned in order from 1; keep appending at the end so
# a reported number keeps meaning the same vector.
_TEMPLATES: list[tuple[str, str]] = [
    # -- script elements, in cases and encodings
    ("script", "<script>alert(%N%)</script>"),
    ("script", "<SCRIPT>alert(%N%)</SCRIPT>"),
    ("script", "<ScRiPt >alert(%N%)</sCrIpT >"),
    ("script", "<script/xss>alert(%N%)</script>"),
    ("script", "<<script>alert(%N%);//<</script>"),
    ("script", "<script>alert(%N%)"),
    ("script", "<scr<script>ipt>alert(%N%)</scr</script>ipt>"),
    ("script", "<script src=data:,alert(%N%)></script>"),
    ("script", '<script type="text/javascript">window.__xss_%N%=1;alert(%N%)</script>'),
    # -- images and media with handlers
    ("img", "<img src=x onerror=alert(%N%)>"),
    ("img", "<IMG SRC=x OnErRoR=alert(%N%)>"),
    ("img", '<img src=x onerror="&#97;lert(%N%)">'),
    ("img", "<img src=x onerror=alert&#40;%N%&#41;>"),
    ("img", "<img/src=x/onerror=alert(%N%)>"),
    ("img", "<img src=javascript:alert(%N%)>"),
    ("img", '<img """><script>alert(%N%)</script>">'),
    ("img", "<img src=x onerror\x0b=alert(%N%)>"),
    ("media", "<video><source onerror=alert(%N%)></video>"),
    ("media", "<audio src=x onerror=alert(%N%)></audio>"),
    ("media", "<video poster=javascript:alert(%N%)></video>"),
    # -- other elements with handlers
    ("handler", "<body onload=alert(%N%)>"),
    ("handler", "<details open ontoggle=alert(%N%)>x</details>"),
    ("handler", "<input autofocus onfocus=alert(%N%)>"),
    ("handler", "<select autofocus onfocus=alert(%N%)></select>"),
    ("handler", "<textarea autofocus onfocus=alert(%N%)></textarea>"),
    ("handler", "<marquee onstart=alert(%N%)>x</marquee>"),
    ("handler", "<div onmouseover=alert(%N%)>hover</div>"),
    ("handler", '<p title="t" onclick="alert(%N%)">click</p>'),
    ("handler", '<a href="#" onclick="alert(%N%)">x</a>'),
    ("handler", "<span onpointerenter=alert(%N%)>x</span>"),
    ("handler", "<summary tabindex=1 autofocus onfocusin=alert(%N%)>x</summary>"),
    # -- SVG and MathML
    ("svg", "<svg onload=alert(%N%)>"),
    ("svg", "<svg><script>alert(%N%)</script></svg>"),
    ("svg", "<svg><animate onbegin=alert(%N%) attributeName=x dur=1s>"),
    ("svg", '<svg><a xlink:href="javascript:alert(%N%)"><text x=20 y=20>X</text></a></svg>'),
    ("svg", "<svg><foreignObject><img src=x onerror=alert(%N%)></foreignObject></svg>"),
    ("svg", "<svg><set attributeName=onmouseover to=alert(%N%)></svg>"),
    ("mathml", '<math href="javascript:alert(%N%)">click</math>'),
    ("mathml", "<math><mtext><table><mglyph><style><img src=x onerror=alert(%N%)>"),
    # -- frames, objects, embeds
    ("frame", '<iframe src="javascript:alert(%N%)"></iframe>'),
    ("frame", '<iframe srcdoc="<script>alert(%N%)</script>"></iframe>'),
    ("frame", '<iframe srcdoc="&lt;img src=x onerror=alert(%N%)&gt;"></iframe>'),
    ("frame", "<iframe src=data:text/html;base64,%B64%></iframe>"),
    ("frame", '<object data="javascript:alert(%N%)"></object>'),
    ("frame", '<object data="data:text/html,<script>alert(%N%)</script>"></object>'),
    ("frame", '<embed src="javascript:alert(%N%)">'),
    # -- script URLs in links, with entities, whitespace and case
    ("url", '<a href="javascript:alert(%N%)">x</a>'),
    ("url", '<a href="JaVaScRiPt:alert(%N%)">x</a>'),
    ("url", '<a href="jav&#x09;ascript:alert(%N%)">x</a>'),
    ("url", '<a href="jav&#x0A;ascript:alert(%N%)">x</a>'),
    ("url", '<a href="java\tscript:alert(%N%)">x</a>'),
    (
        "url",
        '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(%N%)">x</a>',
    ),
    ("url", '<a href="&#x6A;avascript&colon;alert(%N%)">x</a>'),
    ("url", '<a href=" &#14;  javascript:alert(%N%)">x</a>'),
    ("url", '<a href="javascript&#0000058alert(%N%)">x</a>'),
    ("url", '<a href="vbscript:msgbox(%N%)">x</a>'),
    ("url", '<a href="data:text/html,<script>alert(%N%)</script>">x</a>'),
    ("url", '<a href="data:text/html;base64,%B64%">x</a>'),
    # -- forms
    ("form", '<form action="javascript:alert(%N%)"><button>x</button></form>'),
    ("form", '<form><button formaction="javascript:alert(%N%)">x</button></form>'),
    ("form", "<input type=image src=x onerror=alert(%N%)>"),
    ("form", "<isindex action=javascript:alert(%N%) type=image>"),
    # -- meta, base, link
    ("meta", '<meta http-equiv="refresh" content="0;url=javascript:alert(%N%)">'),
    ("meta", '<base href="javascript:alert(%N%)//">'),
    ("meta", '<link rel=stylesheet href="javascript:alert(%N%)">'),
    # -- styles
    ("style", '<div style="background:url(javascript:alert(%N%))">x</div>'),
    ("style", '<span style="color:expression(alert(%N%))">x</span>'),
    ("style", "<style>@import 'javascript:alert(%N%)';</style>"),
    (
        "style",
        '<span style="color:red;background-image:url(&quot;javascript:alert(%N%)&quot;)">x</span>',
    ),
    ("style", '<span style="color: red; -moz-binding:url(x.xml#xss%N%)">x</span>'),
    # -- mutation XSS shapes
    ("mxss", '<noscript><p title="</noscript><img src=x onerror=alert(%N%)>">'),
    ("mxss", '<svg></p><style><a id="</style><img src=1 onerror=alert(%N%)>">'),
    (
        "mxss",
        '<math><mi><table><mi><mglyph><svg><mtext><textarea><path id="</textarea>'
        '<img onerror=alert(%N%) src=1>">',
    ),
    ("mxss", "<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(%N%)>"),
    ("mxss", "<title><img src=x onerror=alert(%N%)></title>"),
    ("mxss", "<textarea><img src=x onerror=alert(%N%)></textarea>"),
    ("mxss", '<!--<img src="--><img src=x onerror=alert(%N%)//">'),
    ("mxss", "<xmp><img src=x onerror=alert(%N%)></xmp>"),
    ("mxss", "<template><img src=x onerror=alert(%N%)></template>"),
    # -- markdown-made links, images and attributes
    ("markdown", "[click](javascript:alert(%N%))"),
    ("markdown", "[click](JAVASCRIPT:alert(%N%))"),
    ("markdown", "[click](<javascript:alert(%N%)>)"),
    ("markdown", "[click](javascript&#58;alert(%N%))"),
    ("markdown", "![x](javascript:alert(%N%))"),
    ("markdown", "![x](data:image/svg+xml;base64,%B64%)"),
    ("markdown", "[x](data:text/html;base64,%B64%)"),
    ("markdown", "<javascript:alert(%N%)>"),
    ("markdown", "[x][r%N%]\n\n[r%N%]: javascript:alert(%N%)"),
    ("markdown", '![x"onerror="alert(%N%)](x)'),
    ("markdown", '[x](https://a.example "t\\" onmouseover=\\"alert(%N%)")'),
    ("markdown", 'A paragraph\n{: onclick="alert(%N%)" }'),
    ("markdown", '[x](#){: href="javascript:alert(%N%)" }'),
    # -- template syntax (never evaluated: Django renders only its own templates)
    ("template", "{{ 7*7 }}<img src=x onerror=alert(%N%)>"),
    ("template", "{% load static %}{{constructor.constructor('alert(%N%)')()}}"),
    ("template", "{{ request.META }}{% debug %}<svg onload=alert(%N%)>"),
    # -- attribute breakouts (what a title/alt/name in a quoted attribute must survive)
    ("attribute", '" onmouseover="alert(%N%)'),
    ("attribute", "' onmouseover='alert(%N%)"),
    ("attribute", '"><img src=x onerror=alert(%N%)>'),
    ("attribute", "'><svg onload=alert(%N%)>"),
    ("attribute", "</title><script>alert(%N%)</script>"),
    ("attribute", "</textarea><script>alert(%N%)</script>"),
    # -- JSON-LD breakouts
    ("jsonld", "</script><script>alert(%N%)</script>"),
    ("jsonld", "</SCRIPT ><script>alert(%N%)</script>"),
    ("jsonld", "<!--<script>alert(%N%)//"),
    ("jsonld", '"}</script><img src=x onerror=alert(%N%)>'),
    # -- unicode and zero-width tricks
    ("unicode", "<scr\u200bipt>alert(%N%)</scr\u200bipt>"),
    ("unicode", "\uff1cscript\uff1ealert(%N%)\uff1c/script\uff1e"),
    ("unicode", '<a href="java\u200bscript:alert(%N%)">x</a>'),
    ("unicode", '<a href="\u0001javascript:alert(%N%)">x</a>'),
    ("unicode", "<img src=x \u202eonerror=alert(%N%)>"),
    ("unicode", "\u2028<img src=x onerror=alert(%N%)>\u2029"),
    # -- entity-encoded markup: must show as text, never become a tag
    ("entity", "&lt;script&gt;alert(%N%)&lt;/script&gt;"),
    ("entity", "&lt;img src=x onerror=alert(%N%)&gt;"),
    ("entity", "&#60;script&#62;alert(%N%)&#60;/script&#62;"),
    ("entity", "&#x3C;svg onload=alert(%N%)&#x3E;"),
    ("entity", "&amp;lt;script&amp;gt;alert(%N%)&amp;lt;/script&amp;gt;"),
]


def _build() -> list[Vector]:
    vectors = []
    for number, (family, template) in enumerate(_TEMPLATES, start=1):
        script = f"<script>alert({number})</script>"
        payload = template.replace("%B64%", _b64(script)).replace("%N%", str(number))
        vectors.append(Vector(number, family, payload))
    return vectors


VECTORS: list[Vector] = _build()
FAMILIES: list[str] = sorted({v.family for v in VECTORS})
#: What precedes a vector in its "after ordinary text" variant.
PREFIX = "Ordinary text "


def variants(vector: Vector) -> list[str]:
    """The vector bare, and after ordinary text (security tests once only tried the latter)."""
    return [vector.payload, PREFIX + vector.payload]


# -- what counts as a hit in rendered HTML ------------------------------------------------------

FORBIDDEN_TAGS = frozenset(
    {
        "script", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "meta",
        "link", "form", "input", "button", "select", "textarea", "isindex", "style", "svg",
        "math", "noscript", "template", "xmp", "title", "body", "html", "head", "marquee",
        "video", "audio", "source", "animate", "set", "foreignobject",
    }
)  # fmt: skip
URL_ATTRIBUTES = frozenset(
    {"href", "src", "action", "formaction", "xlink:href", "poster", "data", "background"}
)
_SCRIPT_SCHEMES = ("javascript:", "data:", "vbscript:")


def _compact_url(value: str) -> str:
    """The URL as a browser reads its scheme (WHATWG URL): leading and trailing C0 controls and
    spaces stripped, tabs and newlines removed anywhere, lower case."""
    stripped = value.strip("".join(map(chr, range(0x21))))
    return re.sub(r"[\t\n\r]", "", stripped).lower()


class _Scan(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in FORBIDDEN_TAGS:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…>")
            if name in {"srcdoc", "formaction", "http-equiv"}:
                self.problems.append(f"<{tag} {name}=…>")
            if name in URL_ATTRIBUTES and _compact_url(value or "").startswith(_SCRIPT_SCHEMES):
                self.problems.append(f"<{tag} {name}={value!r}>")
            style = value or ""
            if name == "style" and re.search(r"expression|url\s*\(|binding|behavio", style, re.I):
                self.problems.append(f"<{tag} style={value!r}>")

    handle_startendtag = handle_starttag


def html_problems(html: str) -> list[str]:
    """What in ``html`` could run script or load a frame: forbidden tags, ``on*`` attributes,
    script URLs, ``srcdoc``/``formaction``/``http-equiv``, style expressions. Empty when clean."""
    scan = _Scan()
    scan.feed(html)
    scan.close()
    # Belt and braces for what a lenient parser might read differently from a browser.
    if re.search(r"<\s*script", html, re.I):
        scan.problems.append("<script in the raw text")
    return scan.problems
