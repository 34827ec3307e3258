"""Full-page cache for anonymous GETs, and the content version that keeps it fresh.

DESIGN.md, "Rendering and speed": anonymous GETs are served from a cache keyed by lab, host,
path (with query string) and a *content version*. Every save or delete of a content row bumps
the version, so an edit shows at once and no cached page is ever stale; old entries are simply
never asked for again and expire.

Why not Django's ``UpdateCacheMiddleware``/``FetchFromCacheMiddleware``: they key on the URL
only (no lab, no content version), so invalidation would mean guessing which URLs an edit
touched. One version for all content is coarse but exact: a publication is shown on every
co-author's page, every lab's list and the sitemap, so nearly every edit touches many pages.

The version lives in the cache itself (Redis in production), so every process sharing that
cache sees a bump at once. The receivers that bump it are infrastructure, not domain flow (the
"no signals" rule of STYLE.md is about domain logic): they are connected once in
``LabsiteConfig.ready``.

Who bypasses the cache: requests other than GET/HEAD, requests carrying a session cookie (a
signed-in member sees their own edits and admin links; an anonymous visitor has no session
cookie), requests for a lab-less site, and the paths in ``LABSITE_PAGE_CACHE_SKIP``. What is
stored: 200 responses that set no cookie and do not ask to stay private (``Cache-Control:
private/no-store/no-cache``, as ``/healthz`` does).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import os
import re
import secrets
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers

from labsite.tenancy import lab_for_request

VERSION_KEY = "labsite:content-version"
#: Apps whose rows appear on public pages; a save or delete in any of them bumps the version.
CONTENT_APPS = frozenset({"people", "publications", "research", "labsite", "sites"})
#: Response headers that must never be replayed to another visitor.
PRIVATE_HEADERS = frozenset({"set-cookie"})
#: Headers that carry the page's CSP nonce (django-csp), and the nonce's form in them.
CSP_HEADERS = frozenset({"content-security-policy", "content-security-policy-report-only"})
_NONCE_SOURCE = re.compile(r"'nonce-([A-Za-z0-9+/=_-]+)'")


def _cache():
    return caches[getattr(settings, "LABSITE_PAGE_CACHE_ALIAS", "default")]


def _fresh_version() -> int:
    # Microseconds since the epoch: if the version key is ever evicted, the new one is larger
    # than any version an old page was stored under, so no stale entry can be hit again. (Each
    # bump adds 1 and takes far more than a microsecond; with milliseconds a burst of saves —
    # an import — could run the counter ahead of the clock.)
    return time.time_ns() // 1_000


def content_version() -> int:
    """The current content version (created on first use)."""
    cache = _cache()
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, _fresh_version(), timeout=None)
        version = cache.get(VERSION_KEY)
    return int(version)


def bump_content_version() -> None:
    """Make every cached page stale (atomic ``INCR`` on Redis)."""
    cache = _cache()
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # missing (first run, or evicted): start above any earlier version
        cache.set(VERSION_KEY, _fresh_version(), timeout=None)


def content_changed(sender: type, **kwargs: Any) -> None:
    """Receiver for post_save, post_delete and m2m_changed of every model.

    Bumps at once (so the writer's next request sees the edit) and, inside a transaction,
    once more after commit: a request that read the old rows while the transaction was open
    may have cached them under the first bump.
    """
    if kwargs.get("raw"):  # loaddata
        return
    if sender._meta.app_label not in CONTENT_APPS:
        return
    action = kwargs.get("action")
    if action is not None and not action.startswith("post_"):
        return  # m2m_changed fires pre_ and post_ actions; one bump per change is enough
    bump_content_version()
    if connection.in_atomic_block and not _bump_pending():
        transaction.on_commit(bump_content_version)


def _bump_pending() -> bool:
    """Whether this transaction already bumps on commit: one bump per transaction is enough,
    however many rows an import saves in it."""
    pending = getattr(connection, "run_on_commit", [])
    return any(entry[1] is bump_content_version for entry in pending)


@functools.cache
def code_version() -> str:
    """A fingerprint of what turns rows into HTML: this project's templates and Python code,
    the static files manifest, and ``LABSITE_RELEASE`` if set.

    A deploy changes it, so pages cached by the previous release (which may name static files
    the new ``collectstatic`` removed) are never served by the new one. Computed once per
    process; every process running the same release computes the same value.
    """
    digest = hashlib.sha256(os.environ.get("LABSITE_RELEASE", "").encode())
    base = Path(settings.BASE_DIR)
    roots = [Path(d) for engine in settings.TEMPLATES for d in engine.get("DIRS", [])]
    roots += [Path(app.path) for app in apps.get_app_configs() if Path(app.path).parent == base]
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.suffix in {".py", ".html", ".txt", ".xml"} and path.is_file():
                digest.update(str(path.relative_to(root)).encode())
                digest.update(path.read_bytes())
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if manifest.is_file():
        digest.update(manifest.read_bytes())
    return digest.hexdigest()[:12]


#: The query parameters public views read (filters, search, pagination).
CACHEABLE_PARAMETERS = frozenset({"year", "type", "person", "q", "page"})


def page_key(request: HttpRequest, lab_pk: int, version: int) -> str:
    """Cache key of a page: release, content version, lab, scheme, host and full path (query
    string included).

    The host is in the key as well as the lab because pages carry absolute URLs on the
    request's host (canonical links, sitemap, feeds).
    """
    raw = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    digest = hashlib.sha256(raw.encode()).hexdigest()[:32]
    return f"labsite:page:{code_version()}:{version}:{lab_pk}:{digest}"


class PageCacheMiddleware:
    """Serves anonymous GET/HEAD requests from the page cache; stores what may be shared.

    Placed right after WhiteNoise, outside the session, CSRF and auth middleware: a hit skips
    them all (one query: the lab for the host), and a miss sees the final response, with any
    ``Set-Cookie`` those middlewares add, before deciding to store it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.timeout = getattr(settings, "LABSITE_PAGE_CACHE_SECONDS", 60 * 60 * 24)
        self.skip = tuple(getattr(settings, "LABSITE_PAGE_CACHE_SKIP", ()))

    def bypass(self, request: HttpRequest) -> bool:
        return (
            not getattr(settings, "LABSITE_PAGE_CACHE", True)
            or request.method not in ("GET", "HEAD")
            or settings.SESSION_COOKIE_NAME in request.COOKIES
            or request.path.startswith(self.skip)
            or not self.known_query(request)
        )

    @staticmethod
    def known_query(request: HttpRequest) -> bool:
        """Only query strings the views read make cache entries.

        Every distinct query string is its own entry: ``?utm_source=…`` or ``?a=1``, ``?a=2``…
        would otherwise let anyone fill the cache with copies of the largest page.
        """
        return set(request.GET).issubset(CACHEABLE_PARAMETERS)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self.bypass(request):
            response = self.get_response(request)
            if settings.SESSION_COOKIE_NAME in request.COOKIES:
                # A member's page may carry their name or edit links: keep it out of shared
                # caches, and have the browser ask again so their edits show at once.
                patch_cache_control(response, private=True, no_cache=True)
            return response
        lab = lab_for_request(request)  # cached on the request; LabMiddleware reuses it
        if lab is None:
            return self.get_response(request)
        key = page_key(request, lab.pk, content_version())
        stored = _cache().get(key)
        if stored is not None:
            response = self.rebuild(stored)
            response["X-Page-Cache"] = "hit"
            return get_conditional_response(request, etag=response.get("ETag"), response=response)
        response = self.get_response(request)
        if request.method == "GET" and self.storable(response):
            self.finish(response)
            _cache().set(key, self.freeze(response), self.timeout)
            response["X-Page-Cache"] = "miss"
            return get_conditional_response(request, etag=response.get("ETag"), response=response)
        return response

    @staticmethod
    def storable(response: HttpResponse) -> bool:
        if response.status_code != 200 or response.streaming or response.cookies:
            return False
        cache_control = response.get("Cache-Control", "").lower()
        return not any(word in cache_control for word in ("private", "no-store", "no-cache"))

    @staticmethod
    def finish(response: HttpResponse) -> None:
        """Headers a shared page needs: an ETag, must-revalidate, and Vary: Cookie.

        ``max-age=0, must-revalidate``: browsers keep the page but ask every time (a cheap 304
        from this cache), so an edit is never hidden behind a browser's copy. ``Vary: Cookie``
        stops a proxy from giving the anonymous page to a signed-in member.
        """
        if not response.has_header("ETag"):
            response["ETag"] = '"' + hashlib.sha256(response.content).hexdigest()[:32] + '"'
        patch_cache_control(response, max_age=0, must_revalidate=True, public=True)
        patch_vary_headers(response, ["Cookie"])

    @staticmethod
    def freeze(response: HttpResponse) -> dict[str, Any]:
        headers = [(k, v) for k, v in response.items() if k.lower() not in PRIVATE_HEADERS]
        csp = [v for k, v in headers if k.lower() in CSP_HEADERS]
        nonces = {nonce for value in csp for nonce in _NONCE_SOURCE.findall(value)}
        return {
            "status": response.status_code,
            "headers": headers,
            "content": response.content,
            # The nonce printed in the page (its inline script) and named in its CSP header.
            "nonce": nonces.pop() if len(nonces) == 1 else None,
        }

    @staticmethod
    def rebuild(stored: dict[str, Any]) -> HttpResponse:
        """The stored response; a page with a CSP nonce gets a fresh one, in its HTML and its
        header alike.

        Replaying the stored nonce would keep every hit consistent too, but would hand the same
        nonce to every visitor for as long as the entry lives; a nonce is only worth something
        while nobody can know it in advance. The old one is 24 random base64 characters that
        appear nowhere else in the page, and the new one has the same length, so the body keeps
        its size.
        """
        content, headers = stored["content"], stored["headers"]
        old = stored.get("nonce")
        if old:
            new = base64.b64encode(secrets.token_bytes(16)).decode("ascii")
            content = content.replace(old.encode("ascii"), new.encode("ascii"))
            source, fresh = f"'nonce-{old}'", f"'nonce-{new}'"
            headers = [
                (k, v.replace(source, fresh) if k.lower() in CSP_HEADERS else v) for k, v in headers
            ]
        response = HttpResponse(content, status=stored["status"])
        for name, value in headers:
            response[name] = value
        if response.has_header("Content-Length"):
            response["Content-Length"] = str(len(content))
        return response
