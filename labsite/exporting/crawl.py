"""The lab's site, fetched the way a visitor's browser would, and written out as files.

Every page is rendered by Django's test ``Client`` on the lab's own host over https — the whole
middleware stack, tenancy by host, the page cache — so a file holds what the live site serves.
Which pages exist is not listed here: the crawl starts from every URL pattern that takes no
argument (``/``, ``/people/``, ``/feeds/news.xml``, ``/sitemap.xml``…) and the lab's old
addresses (``Redirect`` rows), then follows every ``href``, ``src``, ``srcset`` and URL-valued
``data-*`` attribute of each page, the stylesheets' ``url()``s, and the sitemap's and feeds'
links; and for each page that takes arguments (``/people/ada/``) it tries every other pattern
taking the same ones (``/people/ada/feed.xml``, ``…/publications.bib``), so a page a new view
adds is exported without a change here, linked or not. Static files come from the static files
storage (the manifest-hashed names ``collectstatic`` wrote, or the finders in development) and
media from the default storage (a local folder or a bucket): only the files pages use.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from urllib.parse import unquote

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.files.storage import default_storage
from django.db import connections
from django.test import Client
from django.urls import NoReverseMatch, Resolver404, URLPattern, URLResolver, get_resolver, reverse
from django.urls import resolve as resolve_path

from labsite.cache import RENDER_ONLY
from labsite.exporting import links
from labsite.exporting.links import Site, Target
from labsite.exporting.output import ExportError, Output, Source, WriteReport
from people.models import Lab

#: Path prefixes never exported: the admin, markdownx's endpoints, the health check. Their
#: links stay absolute, on the lab's live host.
NOT_EXPORTED = ("/admin/", "/markdownx/", "/healthz")
#: A crawl that finds more than this many URLs stops: something generates links without end.
MAX_URLS = 200_000
#: Redirects followed from one link.
MAX_REDIRECTS = 10

HTML = "text/html"
#: Loggers silenced during the crawl: it asks for pages that may not exist (see
#: ``Crawl.siblings``), and a page that fails stops the export with its own message.
QUIET_LOGGERS = ("django.request", "django.security")
#: Pages a worker renders per task.
BATCH = 8


@dataclass
class Resource:
    """One URL of the site as the crawl found it."""

    target: Target
    status: int = 0
    content_type: str = ""
    body: bytes | None = None
    #: A redirect's destination (its key), for 301/302/307/308.
    location: Target | None = None
    #: Media is read when it is written, not held in memory.
    reader: Callable[[], bytes] | None = None
    #: The first page that linked here (for warnings).
    referrer: str = ""
    #: An HTML page's text and URL attributes (``links.scan``), kept for the rewrite.
    text: str | None = None
    attributes: list[links.Attribute] | None = None

    @property
    def is_html(self) -> bool:
        return self.content_type.split(";")[0].strip() == HTML


@dataclass
class ExportResult:
    directory: Path
    #: HTML pages; documents are the feeds, BibTeX files, sitemap and robots.txt.
    pages: int
    documents: int
    static: int
    media: int
    redirects: int
    report: WriteReport
    seconds: float
    #: ``(url, referring page, what happened)`` of links that lead nowhere on the live site too.
    broken: list[tuple[str, str, str]] = field(default_factory=list)


def site_for(lab: Lab) -> Site:
    return Site(
        host=lab.site.domain,
        static_url=settings.STATIC_URL,
        media_url=settings.MEDIA_URL,
        not_exported=NOT_EXPORTED,
    )


def _patterns() -> dict[tuple[str, frozenset[str]], list[str]]:
    """Every named URL pattern by its namespace and the set of its arguments' names
    (``("", frozenset())``: the root namespace, no arguments)."""
    found: dict[tuple[str, frozenset[str]], list[str]] = {}

    def walk(patterns, namespaces: list[str], params: frozenset[str]) -> None:
        for pattern in patterns:
            own = getattr(pattern.pattern, "converters", None)
            names = set(own) if own else set(pattern.pattern.regex.groupindex)
            if isinstance(pattern, URLResolver):
                space = [*namespaces, pattern.namespace] if pattern.namespace else namespaces
                walk(pattern.url_patterns, space, params | names)
            elif isinstance(pattern, URLPattern) and pattern.name:
                name = ":".join([*namespaces, pattern.name])
                found.setdefault((":".join(namespaces), params | names), []).append(name)

    walk(get_resolver().url_patterns, [], frozenset())
    return {key: list(dict.fromkeys(names)) for key, names in found.items()}


@dataclass(frozen=True)
class Fetched:
    """What one GET answered (picklable: it comes back from a worker process)."""

    status: int
    content_type: str
    location: str
    body: bytes
    charset: str


def fetch(client: Client, key: str) -> Fetched:
    """GET ``key`` on the lab's host, over https, as an anonymous visitor."""
    client.cookies.clear()
    try:
        response = client.get(key, secure=True)
    except Exception as exc:  # the view failed: say which page, and write nothing
        hint = ""
        if "manifest" in str(exc).lower():
            hint = " Run `manage.py collectstatic` first."
        raise ExportError(
            f"Rendering {key} failed ({type(exc).__name__}: {exc}); nothing was written.{hint}"
        ) from exc
    body = b""
    if response.status_code == 200:
        body = b"".join(response.streaming_content) if response.streaming else response.content
    return Fetched(
        status=response.status_code,
        content_type=response.get("Content-Type", ""),
        location=response.get("Location", ""),
        body=body,
        charset=getattr(response, "charset", None) or "utf-8",
    )


def export_client(host: str) -> Client:
    """The crawl's client: requests on ``host`` that render past the page cache."""
    return Client(HTTP_HOST=host, **{RENDER_ONLY: True})


_worker: dict = {}


def _start_worker(host: str) -> None:
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.CRITICAL)
    _worker["client"] = export_client(host)


def _fetch_in_worker(keys: list[str]) -> list[tuple[str, Fetched]]:
    return [(key, fetch(_worker["client"], key)) for key in keys]


def only_here() -> bool:
    """Is the data visible to this process's connection only (an open transaction, as in a
    test; an in-memory SQLite database)? A forked process would not see it."""
    connection = connections["default"]
    in_memory = connection.vendor == "sqlite" and connection.is_in_memory_db()
    return connection.in_atomic_block or in_memory


def default_jobs() -> int:
    """Processes that render pages: one per CPU (at most 8); 1 when :func:`only_here`."""
    if only_here():
        return 1
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    return max(1, min(8, cpus))


class Crawl:
    def __init__(self, lab: Lab, site: Site, *, jobs: int = 1):
        self.jobs = jobs
        self.lab = lab
        self.site = site
        self.client = export_client(site.host)
        self.resources: dict[str, Resource] = {}
        self.queue: deque[tuple[Target, str]] = deque()
        self.patterns = _patterns()
        self.expanded: set[tuple] = set()
        self.targets: dict = {}

    def target(self, url: str, base: str) -> Target | None:
        """``links.target``, remembered: a page names the same few hundred URLs many times."""
        relative = not (url.startswith("/") and not url.startswith("//")) and "://" not in url
        memo = (base, url) if relative else url
        try:
            return self.targets[memo]
        except KeyError:
            found = self.targets[memo] = links.target(url, base=base, site=self.site)
            return found

    # --- discovery -----------------------------------------------------------------------
    def add(self, url: str, *, base: str, linked: bool = True) -> None:
        """``url``, found in ``base``: ``linked`` when a page or stylesheet names it (rather
        than the crawl guessing it), so that its answering 404 is a broken link."""
        found = self.target(url, base)
        if found is None or found.kind == "live":
            return
        self.add_target(found, referrer=base if linked else "")

    def add_target(self, found: Target, *, referrer: str) -> None:
        if found.key in self.resources:
            if referrer and not self.resources[found.key].referrer:
                self.resources[found.key].referrer = referrer
            return
        if len(self.resources) >= MAX_URLS:
            raise ExportError(
                f"The crawl found more than {MAX_URLS} URLs (the last from {referrer}): "
                "a page generates links without end."
            )
        self.resources[found.key] = Resource(Target(found.kind, found.key), referrer=referrer)
        self.queue.append((self.resources[found.key].target, referrer))

    def seeds(self) -> None:
        names = [n for (_, params), group in self.patterns.items() if not params for n in group]
        for name in names:
            try:
                path = reverse(name)
            except NoReverseMatch:
                continue
            self.add(path, base="/", linked=False)
        for old_path in self.lab.redirects.values_list("old_path", flat=True):
            self.add(old_path, base="/", linked=False)

    def siblings(self, key: str) -> None:
        """For ``/people/ada/``, the other pages that take ``slug=ada`` (see the module)."""
        path = key.partition("?")[0]
        try:
            match = resolve_path(path)
        except Resolver404:
            return
        if not match.kwargs:
            return
        kwargs = {k: str(v) for k, v in match.kwargs.items()}
        signature = (match.namespace, tuple(sorted(kwargs.items())))
        if signature in self.expanded:
            return
        self.expanded.add(signature)
        for name in self.patterns.get((match.namespace, frozenset(kwargs)), []):
            try:
                url = reverse(name, kwargs=kwargs)
            except NoReverseMatch:
                continue
            self.add(url, base=key, linked=False)

    # --- fetching ------------------------------------------------------------------------
    def run(self) -> None:
        # The crawl asks for pages that may not exist (see ``siblings``): their 404s are
        # expected, not worth a log line each.
        # A failing page is reported by the ExportError it raises, with its path.
        quiet = [logging.getLogger(name) for name in QUIET_LOGGERS]
        levels = [log.level for log in quiet]
        for log in quiet:
            log.setLevel(logging.CRITICAL)
        try:
            self._run()
        finally:
            for log, level in zip(quiet, levels, strict=True):
                log.setLevel(level)

    def _run(self) -> None:
        self.seeds()
        if self.jobs > 1:
            self._run_parallel()
            return
        while self.queue:
            found, _referrer = self.queue.popleft()
            resource = self.resources[found.key]
            if found.kind == "page":
                self.record(resource, fetch(self.client, found.key))
            else:
                self.fetch_file(resource)

    def _run_parallel(self) -> None:
        """Pages rendered by ``jobs`` forked processes (each with its own database
        connection); links are read here as their pages come back, so rendering and reading
        overlap."""
        connections.close_all()  # each child opens its own; none shares the parent's socket
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(
            max_workers=self.jobs,
            mp_context=context,
            initializer=_start_worker,
            initargs=(self.site.host,),
        ) as pool:
            running: set = set()
            while self.queue or running:
                batch: list[str] = []
                while self.queue:
                    found, _referrer = self.queue.popleft()
                    if found.kind == "page":
                        batch.append(found.key)
                    else:
                        self.fetch_file(self.resources[found.key])
                for start in range(0, len(batch), BATCH):
                    running.add(pool.submit(_fetch_in_worker, batch[start : start + BATCH]))
                if not running:
                    continue
                done, running = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    for key, result in future.result():
                        self.record(self.resources[key], result)

    def record(self, resource: Resource, result: Fetched) -> None:
        """Note what ``resource``'s URL answered, and queue what it links to."""
        key = resource.target.key
        resource.status, resource.content_type = result.status, result.content_type
        if result.status in (301, 302, 303, 307, 308):
            location = links.target(result.location, base=key, site=self.site)
            resource.location = location
            if location is not None and location.kind != "live":
                self.add_target(location, referrer=key)
            return
        if result.status != 200:
            return
        body = resource.body = result.body
        kind = resource.content_type.split(";")[0].strip()
        if kind == HTML:
            resource.text = body.decode(result.charset or "utf-8", "replace")
            resource.attributes = links.scan(resource.text)
            for attribute in resource.attributes:
                for url in attribute.urls:
                    self.add(url, base=key)
            self.siblings(key)
        elif kind in ("application/xml", "text/xml", "application/atom+xml", "application/rss+xml"):
            for url in links.xml_links(body.decode("utf-8", "replace")):
                self.add(url, base=key)
        elif kind == "text/plain" and key == "/robots.txt":
            for line in body.decode("utf-8", "replace").splitlines():
                if line.lower().startswith("sitemap:"):
                    self.add(line.split(":", 1)[1].strip(), base=key)
        else:
            self.siblings(key)

    def fetch_file(self, resource: Resource) -> None:
        if resource.target.kind == "static":
            self.fetch_static(resource)
        else:
            self.fetch_media(resource)

    def fetch_static(self, resource: Resource) -> None:
        name = unquote(resource.target.key[len(self._prefix("static")) :])
        data = None
        try:
            if staticfiles_storage.exists(name):
                with staticfiles_storage.open(name) as handle:
                    data = handle.read()
        except (OSError, ValueError, NotImplementedError):
            data = None
        if data is None:
            path = finders.find(name)
            if path:
                data = Path(path).read_bytes()
        if data is None:
            resource.status = 404
            return
        resource.status, resource.body = 200, data
        if name.endswith(".css"):
            for url in links.css_links(data.decode("utf-8", "replace")):
                self.add(url, base=resource.target.key)
        elif name.endswith(".js"):
            for url in links.js_links(data.decode("utf-8", "replace")):
                self.add(url, base=resource.target.key)

    def fetch_media(self, resource: Resource) -> None:
        name = unquote(resource.target.key[len(self._prefix("media")) :])
        try:
            exists = default_storage.exists(name)
        except (OSError, ValueError):  # a name the storage refuses (outside MEDIA_ROOT)
            exists = False
        if not exists:
            resource.status = 404
            return

        def read(name: str = name) -> bytes:
            with default_storage.open(name) as handle:
                return handle.read()

        resource.status, resource.reader = 200, read

    def _prefix(self, kind: str) -> str:
        prefix = self.site.static_url if kind == "static" else self.site.media_url
        return prefix if "://" not in prefix else f"/{kind}/"

    # --- files ---------------------------------------------------------------------------
    def final(self, key: str) -> Resource | None:
        """The resource at ``key`` after following its redirects; ``None`` if that is off the
        site, not exported, or leads nowhere."""
        resource = self.resources.get(key)
        for _ in range(MAX_REDIRECTS):
            if resource is None or resource.location is None:
                break
            if resource.location.kind == "live":
                return None
            resource = self.resources.get(resource.location.key)
        if resource is None or resource.status != 200:
            return None
        return resource

    def redirects_off_site(self, key: str) -> Target | None:
        """Where ``key``'s redirects end when that is a path not exported (``/admin``)."""
        resource = self.resources.get(key)
        for _ in range(MAX_REDIRECTS):
            if resource is None or resource.location is None:
                return None
            if resource.location.kind == "live":
                return resource.location
            resource = self.resources.get(resource.location.key)
        return None

    def file_of(self, resource: Resource) -> str | None:
        return links.file_for(
            resource.target.key,
            directory_like=resource.target.kind == "page" and resource.is_html,
        )

    def files(self) -> tuple[dict[str, Source], dict[str, int], list[tuple[str, str, str]]]:
        """``{file: content}`` of everything found, links rewritten; counts; broken links."""
        self.mapped: dict[str, str] = {}
        claimed: set[str] = set()
        for key, resource in self.resources.items():
            if resource.status == 200:
                file = self.file_of(resource)
                if file is not None and file not in claimed:
                    self.mapped[key] = file
                    claimed.add(file)
        # A file where another needs a folder (``/a`` as a file and ``/a/b``): the folder wins.
        folders = {parent for file in claimed for parent in _parents(file)}
        self.mapped = {key: file for key, file in self.mapped.items() if file not in folders}
        claimed -= folders
        self.broken: list[tuple[str, str, str]] = []
        output: dict[str, Source] = {}
        counts = {"pages": 0, "documents": 0, "static": 0, "media": 0, "redirects": 0}
        for key, file in self.mapped.items():
            resource = self.resources[key]
            if resource.is_html and resource.target.kind == "page":
                html = links.rewrite_html(
                    resource.text, base=key, resolve=self.link, attributes=resource.attributes
                )
                html = links.strip_forms(html, base=key, site=self.site)
                output[file] = html.encode("utf-8")
                counts["pages"] += 1
            elif resource.reader is not None:
                output[file] = resource.reader
                counts["media"] += 1
            else:
                output[file] = resource.body
                counts["static" if resource.target.kind == "static" else "documents"] += 1
        # Old addresses (imported permalinks, redirect_from): a page that sends the visitor on.
        for key, resource in self.resources.items():
            if resource.location is None:
                continue
            destination = self.final(key)
            file = links.file_for(key, directory_like=True)
            if destination is None or destination.target.key not in self.mapped:
                continue
            if file is None or file in claimed or file in folders or set(_parents(file)) & claimed:
                continue
            claimed.add(file)
            new = links.link_for(self.mapped[destination.target.key])
            output[file] = redirect_page(new)
            counts["redirects"] += 1
        for key, resource in self.resources.items():
            if resource.status != 200 and resource.location is None and resource.referrer:
                self.broken.append((key, resource.referrer, f"answers {resource.status}"))
        return output, counts, self.broken

    def link(self, url: str, base: str) -> str | None:
        """The new value of a link found in the page at ``base`` (``None``: keep it)."""
        found = self.target(url, base)
        if found is None:
            return None
        suffix = f"#{found.fragment}" if found.fragment else ""
        if found.kind == "live":
            return self.site.origin + found.key + suffix
        resource = self.final(found.key)
        if resource is None or resource.target.key not in self.mapped:
            live = self.redirects_off_site(found.key)
            if live is not None:
                return self.site.origin + live.key + suffix
            return None  # leads nowhere on the live site either: listed in ``broken``
        new = links.link_for(self.mapped[resource.target.key]) + suffix
        return new if new != url else None


def _parents(file: str) -> list[str]:
    """``a/b/c.html`` → ``["a", "a/b"]``."""
    parts = file.split("/")[:-1]
    return ["/".join(parts[: n + 1]) for n in range(len(parts))]


def redirect_page(new: str) -> bytes:
    href = escape(new, quote=True)
    return (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>Moved</title>\n"
        f'<link rel="canonical" href="{href}">\n'
        f'<meta http-equiv="refresh" content="0; url={href}">\n'
        '<meta name="robots" content="noindex">\n</head>\n'
        f'<body>\n<p>This page has moved to <a href="{href}">{escape(new)}</a>.</p>\n</body>\n'
        "</html>\n"
    ).encode()


def export_site(*, lab: Lab, directory: Path, jobs: int | None = None) -> ExportResult:
    """Write ``lab``'s public site into ``directory`` as static files (see the module).

    ``jobs``: processes rendering pages (default: :func:`default_jobs`)."""
    start = time.perf_counter()
    output = Output(directory, lab=lab.slug)  # a bad folder fails before any page is rendered
    site = site_for(lab)
    jobs = default_jobs() if jobs is None else 1 if only_here() else max(1, jobs)
    crawl = Crawl(lab, site, jobs=jobs)
    crawl.run()
    home = crawl.resources.get("/")
    if home is None or home.status != 200:
        status = home.status if home else "nothing"
        raise ExportError(
            f"The home page of lab {lab.slug!r} on its host {site.host!r} answered {status}: "
            "is the host in DJANGO_ALLOWED_HOSTS?"
        )
    files, counts, broken = crawl.files()
    # GitHub Pages runs Jekyll on a folder without this file, which hides paths that start
    # with "_" and rewrites others.
    files[".nojekyll"] = b""
    report = output.write(files)
    return ExportResult(
        directory=output.root,
        pages=counts["pages"],
        documents=counts["documents"],
        static=counts["static"],
        media=counts["media"],
        redirects=counts["redirects"],
        report=report,
        seconds=time.perf_counter() - start,
        broken=broken,
    )
