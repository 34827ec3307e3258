"""Where each URL of a lab goes in a static export, and how a page's links are rewritten.

Pure functions, no database: :class:`Site` knows the lab's host and the static and media URL
prefixes; :func:`target` turns any ``href``/``src`` found in a page into the key of the resource
it names (or ``None`` for another site); :func:`file_for` maps a key to its file in the export
folder; :func:`rewrite_html` rewrites a page's links to the files' site-relative addresses.

The mapping (README: Static export):

- ``/people/ada/`` → ``people/ada/index.html`` (pretty URLs stay pretty: every static server
  serves ``index.html`` for a folder), ``/feeds/news.xml``, ``/publications.bib``,
  ``/robots.txt``, ``/static/…``, ``/media/…`` → the same path, as a file;
- a path with neither a trailing slash nor a dot in its last segment (``/about``) →
  ``about/index.html``, linked as ``/about/``;
- a query string made of simple values (``/publications/?year=2024``, ``/news/?page=2``) → one
  folder per parameter, sorted by name: ``publications/year=2024/index.html``, linked as
  ``/publications/year=2024/``. ``=`` never occurs in a slug or a number, so such a folder
  cannot meet a real page. Empty parameters are dropped (``?`` and ``?year=`` are the page
  itself); a query holding free text (a search, ``?q=…``) is dropped from the link, which then
  opens the page without it — a static server cannot answer a search;
- links to the lab's own host written absolutely (``https://lab.example.org/people/ada/``)
  become site-relative (``/people/ada/``); links to paths that are not public (the admin) stay
  absolute, on the lab's live host.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, quote, unquote, urljoin, urlsplit

#: Query values exported as files: what filters and paging use (years, kinds, slugs, numbers).
SIMPLE_VALUE = re.compile(r"[A-Za-z0-9_.-]{1,64}")
#: Attributes that hold one URL.
URL_ATTRIBUTES = frozenset({"href", "src", "poster", "action", "data", "cite", "formaction"})
#: Attributes that hold a list of URLs with descriptors (``url 480w, url 2x``).
SRCSET_ATTRIBUTES = frozenset({"srcset", "imagesrcset"})

#: The inside of a start tag: quoted values may hold ">" (an unrolled loop, for speed).
_INSIDE = r"""[^>"']*(?:(?:"[^"]*"|'[^']*')[^>"']*)*"""
_TAG = re.compile(
    r"<!--.*?-->"  # a comment: skipped
    rf"|<(?P<raw>script|style|textarea|title)\b(?P<rawattrs>{_INSIDE})>"
    r".*?</(?P=raw)\s*>"  # raw text elements: only their start tag is read
    rf"|<(?P<name>[a-zA-Z][^\s/>]*)(?P<attrs>{_INSIDE})>",
    re.S | re.I,
)
_NAMED = URL_ATTRIBUTES | SRCSET_ATTRIBUTES | {"nonce"}
_INTERESTING = re.compile("|".join(sorted(_NAMED | {"data-"}, key=len, reverse=True)), re.I)
_ATTRIBUTE = re.compile(
    r"(?P<name>[^\s\"'>/=]+)(?:\s*=\s*(?:\"(?P<dq>[^\"]*)\"|'(?P<sq>[^']*)'|(?P<bare>[^\s\"'=<>`]+)))?"
)
_FORM = re.compile(rf"<form\b(?P<attrs>{_INSIDE})>.*?</form\s*>", re.S | re.I)
_CSS_URL = re.compile(
    r"""url\(\s*(?P<q>['"]?)(?P<url>[^'")]+)(?P=q)\s*\)|@import\s+(?P<iq>['"])(?P<iurl>[^'"]+)(?P=iq)"""
)
_SOURCE_MAP = re.compile(r"[#@]\s*sourceMappingURL=(?P<url>[^\s*]+)")
_XML_URL = re.compile(r"<loc>\s*(?P<loc>[^<\s]+)\s*</loc>|\bhref=\"(?P<href>[^\"]+)\"")


def unescape_attribute(value: str) -> str:
    """The URL an attribute's text means (Django escapes ``&`` as ``&amp;`` in attributes)."""
    return (
        value.replace("&amp;", "&")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&quot;", '"')
    )


def escape_attribute(value: str) -> str:
    return value.replace("&", "&amp;").replace('"', "&quot;")


@dataclass(frozen=True)
class Target:
    """What a link names: ``kind`` is ``page`` (rendered by Django), ``static``, ``media`` or
    ``live`` (a path on the lab's host that is not exported: left absolute); ``key`` is the
    canonical path, with its query string for a page; ``fragment`` without the ``#``."""

    kind: str
    key: str
    fragment: str = ""


@dataclass
class Site:
    """The lab's host and the URL prefixes that say where a link's file comes from."""

    host: str
    static_url: str = "/static/"
    media_url: str = "/media/"
    #: Paths (prefixes) that are not public pages: left absolute on the lab's live host.
    not_exported: tuple[str, ...] = ("/admin/", "/markdownx/", "/healthz")
    scheme: str = "https"
    hosts: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        host = self.host.lower()
        self.hosts = frozenset({host, host.split(":", 1)[0] if not host.startswith("[") else host})

    @property
    def origin(self) -> str:
        return f"{self.scheme}://{self.host}"

    def is_own(self, netloc: str) -> bool:
        netloc = netloc.lower().rsplit("@", 1)[-1]
        return netloc in self.hosts or netloc.split(":", 1)[0] in self.hosts

    def storage_name(self, absolute: str, prefix: str) -> str | None:
        """The storage name of a static or media URL under ``prefix`` (a path such as
        ``/media/``, on this host, or the URL of a bucket or CDN), without query or fragment."""
        bare = absolute.split("#", 1)[0].split("?", 1)[0]
        if "://" not in prefix:
            parts = urlsplit(bare)
            if not self.is_own(parts.netloc):
                return None
            bare = parts.path
        if bare.startswith(prefix) and len(bare) > len(prefix):
            return bare[len(prefix) :]
        return None


def canonical_query(query: str) -> str | None:
    """``year=2024&type=`` → ``year=2024``; ``""`` for no parameters; ``None`` when a value is
    free text (the link then opens the page without its query)."""
    pairs = sorted((k, v) for k, v in parse_qsl(query, keep_blank_values=True) if v != "")
    if not all(SIMPLE_VALUE.fullmatch(k) and SIMPLE_VALUE.fullmatch(v) for k, v in pairs):
        return None
    return "&".join(f"{k}={v}" for k, v in pairs)


def target(url: str, *, base: str, site: Site) -> Target | None:
    """The resource ``url`` (as found in the page at path ``base``) names, or ``None`` when it
    is on another site, is not http(s), or is only a fragment of the same page."""
    url = url.strip()
    if not url or url.startswith("#"):
        return None
    absolute = urljoin(site.origin + base, url)
    parts = urlsplit(absolute)
    if parts.scheme not in ("http", "https"):
        return None
    for kind, prefix in (("static", site.static_url), ("media", site.media_url)):
        name = site.storage_name(absolute, prefix)
        if name:
            local = prefix if "://" not in prefix else f"/{kind}/"
            return Target(kind, local + name, parts.fragment)
    if not site.is_own(parts.netloc):
        return None
    path = parts.path or "/"
    if path.startswith(site.not_exported) or path in site.not_exported:
        key = path + (f"?{parts.query}" if parts.query else "")
        return Target("live", key, parts.fragment)
    query = canonical_query(parts.query) if parts.query else ""
    key = path + (f"?{query}" if query else "")
    return Target("page", key, parts.fragment)


def safe_segments(path: str) -> list[str] | None:
    """The decoded segments of a URL path, or ``None`` if one could leave the folder."""
    segments = [unquote(s) for s in path.split("/")]
    for segment in segments:
        if segment in (".", "..") or "\\" in segment or "\x00" in segment:
            return None
    return segments


def file_for(key: str, *, directory_like: bool = False) -> str | None:
    """The file (relative, ``/``-separated) that holds the resource at ``key``.

    ``directory_like``: a page whose path has no extension (an HTML page at ``/about``) —
    it becomes ``about/index.html``. ``None``: the path cannot be a file (``..``).
    """
    path, _, query = key.partition("?")
    if query and not path.endswith("/"):
        return None  # a query on a file-like path has no stable file: not exported
    segments = safe_segments(path)
    if segments is None or not path.startswith("/"):
        return None
    inner = list(segments[1:-1])
    if any(s == "" for s in inner):
        return None  # "//" inside a path
    last = segments[-1]
    if query:
        inner += [last] if last else []
        inner += [unquote(pair) for pair in query.split("&")]
        return "/".join([*inner, "index.html"])
    if last == "" or (directory_like and "." not in last):
        inner += [last] if last else []
        return "/".join([*inner, "index.html"])
    return "/".join([*inner, last])


def link_for(file: str) -> str:
    """The site-relative address serving ``file``: ``people/ada/index.html`` → ``/people/ada/``."""
    if file == "index.html":
        return "/"
    if file.endswith("/index.html"):
        file = file[: -len("index.html")]
    return "/" + quote(file, safe="/=.-_~!$'()*+,;:@")


@dataclass(frozen=True)
class Attribute:
    """A URL-valued (or ``nonce``) attribute of a page: its span (``name="value"``) in the
    page's text, its name and its value (entities decoded)."""

    start: int
    end: int
    name: str
    value: str

    @property
    def urls(self) -> list[str]:
        return _urls_of(self.name, self.value)


def _urls_of(name: str, value: str) -> list[str]:
    if name in SRCSET_ATTRIBUTES:
        return [c.strip().split()[0] for c in value.split(",") if c.strip()]
    if name in URL_ATTRIBUTES:
        return [value]
    if name.startswith("data-") and (value.startswith("/") or "://" in value):
        return [value]
    return []


def scan(html: str) -> list[Attribute]:
    """The URL attributes (and nonces) of every start tag, outside comments and the text of
    scripts and styles, in page order."""
    found: list[Attribute] = []
    for match in _TAG.finditer(html):
        group = "rawattrs" if match.group("raw") else "attrs" if match.group("name") else None
        if group is None:
            continue
        text = match.group(group)
        if not _INTERESTING.search(text):
            continue
        offset = match.start(group)
        for attribute in _ATTRIBUTE.finditer(text):
            name = attribute.group("name").lower()
            if not (name in _NAMED or name.startswith("data-")):
                continue
            raw = attribute.group("dq")
            if raw is None:
                raw = attribute.group("sq")
            if raw is None:
                raw = attribute.group("bare") or ""
            value = unescape_attribute(raw) if "&" in raw else raw
            if name == "nonce" or _urls_of(name, value):
                found.append(
                    Attribute(offset + attribute.start(), offset + attribute.end(), name, value)
                )
    return found


def html_links(html: str) -> list[str]:
    """Every URL in the page's tags: ``href``, ``src``, ``srcset``, ``data-*`` that look like
    URLs, forms' ``action`` (comments and the text of scripts are not read)."""
    return [url for attribute in scan(html) for url in attribute.urls]


def css_links(css: str) -> list[str]:
    """``url(…)`` and ``@import`` targets, and a source map, of a stylesheet (or a script's
    source map)."""
    found = [m.group("url") or m.group("iurl") for m in _CSS_URL.finditer(css)]
    found += [m.group("url") for m in _SOURCE_MAP.finditer(css)]
    return [u for u in found if not u.startswith("data:")]


def js_links(js: str) -> list[str]:
    return [m.group("url") for m in _SOURCE_MAP.finditer(js)]


def xml_links(xml: str) -> list[str]:
    """A sitemap's ``<loc>`` and a feed's ``href`` values: pages to crawl (the XML itself is
    exported as it is: both formats want absolute URLs)."""
    return [unescape_attribute(m.group("loc") or m.group("href")) for m in _XML_URL.finditer(xml)]


def strip_forms(html: str, *, base: str, site: Site) -> str:
    """Pages without the forms that submit to this site (the publication filters, a search):
    a static server answers every query with the same file, so they could only mislead."""

    def keep(match: re.Match) -> str:
        action = ""
        for attribute in _ATTRIBUTE.finditer(match.group("attrs")):
            if attribute.group("name").lower() == "action":
                raw = attribute.group("dq") or attribute.group("sq") or attribute.group("bare")
                action = unescape_attribute(raw or "")
        resolved = target(action or base, base=base, site=site)
        return "" if resolved is not None else match.group(0)

    return _FORM.sub(keep, html)


def rewrite_html(
    html: str, *, base: str, resolve, attributes: list[Attribute] | None = None
) -> str:
    """``html`` with every URL attribute replaced by ``resolve(url, base)`` when that returns a
    string (``None``: keep the value). ``nonce`` attributes are dropped: a static server sends
    no Content-Security-Policy header for them to match, and a nonce that never changes is none.
    ``attributes``: what :func:`scan` found in ``html``, if already known.
    """
    out: list[str] = []
    last = 0
    for attribute in scan(html) if attributes is None else attributes:
        name, value = attribute.name, attribute.value
        if name == "nonce":
            start = attribute.start
            while start > last and html[start - 1] in " \t\n":
                start -= 1
            out.append(html[last:start])
            last = attribute.end
            continue
        if name in SRCSET_ATTRIBUTES:
            candidates = []
            for candidate in value.split(","):
                bits = candidate.strip().split(None, 1)
                if bits:
                    new = resolve(bits[0], base)
                    candidates.append(" ".join([new if new is not None else bits[0], *bits[1:]]))
            new_value = ", ".join(candidates)
        else:
            new = resolve(value, base)
            new_value = new if new is not None else value
        if new_value != value:
            out.append(html[last : attribute.start])
            out.append(f'{name}="{escape_attribute(new_value)}"')
            last = attribute.end
    out.append(html[last:])
    return "".join(out)
