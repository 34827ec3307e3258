"""Full-page cache for anonymous GETs, and the content version that keeps it fresh.

DESIGN.md, "Rendering and speed": anonymous GETs are served from a cache keyed by lab, host,
path (with query string) and the lab's *content version*. Every save or delete of a content row
bumps the version of each lab whose pages show that row (a paper: the labs of all its authors;
a person: their labs; a project: its lab), so an edit shows at once, no cached page is ever
stale, and one lab's edit leaves every other lab's cache alone. Old entries are simply never
asked for again and expire.

Why not Django's ``UpdateCacheMiddleware``/``FetchFromCacheMiddleware``: they key on the URL
only (no lab, no content version), so invalidation would mean guessing which URLs an edit
touched. One version per lab is coarse but exact: a publication is shown on every co-author's
page, the lab's lists and the sitemap, so nearly every edit touches many pages of its lab.

The version has two parts (``content_version``): a counter on the lab's row, which every process
reads with the lab it loads for each request anyway — so an edit committed by another gunicorn
worker, an import or a shell is seen at once whatever the cache backend — and a counter in the
cache that moves at once, inside the writer's transaction too. The receivers that bump them are
infrastructure, not domain flow (the "no signals" rule of STYLE.md is about domain logic): they
are connected once in ``LabsiteConfig.ready``.

What is stored is bounded by what the views accept: a page with a query string is stored only
when its view vouched for every value (``accept_query``).

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
import logging
import os
import re
import secrets
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError, connection, transaction
from django.db.models import F, Model
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
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

logger = logging.getLogger(__name__)


def _cache():
    return caches[getattr(settings, "LABSITE_PAGE_CACHE_ALIAS", "default")]


def _fresh_version() -> int:
    # Microseconds since the epoch: if the version key is ever evicted, the new one is larger
    # than any version an old page was stored under, so no stale entry can be hit again. (Each
    # bump adds 1 and takes far more than a microsecond; with milliseconds a burst of saves —
    # an import — could run the counter ahead of the clock.)
    return time.time_ns() // 1_000


def _version_key(lab_pk: int) -> str:
    return f"{VERSION_KEY}:{lab_pk}"


def content_version(lab) -> tuple[int, int]:
    """The current content version of ``lab``: ``(database counter, cache counter)``.

    Each lab has its own, so an edit in one lab leaves every other lab's cached pages alone.
    The database counter (``Lab.content_version``, read with the lab that every request loads
    anyway) is what every process agrees on, whatever the cache backend: an edit committed by
    another worker, an ``import_pages`` run or a shell shows on the next request. The cache
    counter moves at once, inside a transaction too, for the writer's own next request.
    """
    cache = _cache()
    key = _version_key(lab.pk)
    version = cache.get(key)
    if version is None:
        cache.add(key, _fresh_version(), timeout=None)
        version = cache.get(key)
    return int(lab.content_version), int(version)


def _bump_cache(lab_pks: Iterable[int]) -> None:
    cache = _cache()
    for pk in lab_pks:
        key = _version_key(pk)
        try:
            cache.incr(key)  # atomic INCR on Redis
        except ValueError:  # missing (first run, or evicted): start above any earlier version
            cache.set(key, _fresh_version(), timeout=None)


def _bump_database(lab_pks: set[int] | None) -> None:
    """``UPDATE … SET content_version = content_version + 1``: one statement, in autocommit
    (after the writer's commit), so no lab row stays locked while a long transaction runs."""
    from people.models import Lab

    labs = Lab.objects.all() if lab_pks is None else Lab.objects.filter(pk__in=lab_pks)
    try:
        labs.update(content_version=F("content_version") + 1)
    except DatabaseError:  # the edit is committed; the cache counter still moved
        logger.exception("could not raise the content version of labs %s", lab_pks)


def bump_content_version(lab_pks: Iterable[int] | None = None) -> None:
    """Make the cached pages of ``lab_pks`` stale (of every lab when ``None``).

    The cache counter moves now; the database counter now in autocommit, else once the
    surrounding transaction commits (and the cache counter once more then: a request that read
    the old rows while the transaction was open may have cached them under the first bump).
    """
    from people.models import Lab

    pks = None if lab_pks is None else set(lab_pks)
    if pks is not None and not pks:
        return
    _bump_cache(pks if pks is not None else Lab.objects.values_list("pk", flat=True))
    if not connection.in_atomic_block:
        _bump_database(pks)
        return
    pending = _pending(connection)
    if not _registered(connection):
        transaction.on_commit(_bump_pending_labs)
    if pending.get("labs", set()) is not None:
        pending["labs"] = None if pks is None else pending.get("labs", set()) | pks


def _registered(conn) -> bool:
    return any(entry[1] is _bump_pending_labs for entry in getattr(conn, "run_on_commit", []))


def _pending(conn) -> dict:
    """What this connection's open transaction will bump on commit (and the labs of people and
    papers already looked up in it: an import saves thousands of rows of the same few).

    Tied to the transaction through its on-commit callback: when that is not registered (a
    new transaction, or the savepoint that registered it was rolled back) the state starts
    afresh, so nothing looked up in another transaction is trusted.
    """
    state = getattr(conn, "_labsite_pending_bump", None)
    if state is None or not conn.in_atomic_block or not _registered(conn):
        state = conn._labsite_pending_bump = {}
    return state


def _bump_pending_labs() -> None:
    state = getattr(connection, "_labsite_pending_bump", None) or {}
    connection._labsite_pending_bump = None
    if "labs" not in state:
        return
    labs = state["labs"]
    if labs is None:
        from people.models import Lab

        _bump_cache(Lab.objects.values_list("pk", flat=True))
    else:
        _bump_cache(labs)
    _bump_database(labs)


def _memo(kind: str, pk: int | None, compute: Callable[[], set[int]]) -> set[int]:
    if pk is None:
        return set()
    if not connection.in_atomic_block:
        return compute()
    memo = _pending(connection).setdefault("memo", {})
    if (kind, pk) not in memo:
        memo[(kind, pk)] = compute()
    return memo[(kind, pk)]


def _person_labs(person_id: int | None) -> set[int]:
    from people.models import Membership

    return _memo(
        "person",
        person_id,
        lambda: set(Membership.objects.filter(person_id=person_id).values_list("lab", flat=True)),
    )


def _publication_labs(publication_id: int | None) -> set[int]:
    from people.models import Membership

    return _memo(
        "publication",
        publication_id,
        lambda: set(
            Membership.objects.filter(
                person__authorships__publication_id=publication_id
            ).values_list("lab", flat=True)
        ),
    )


def labs_shown_on(instance: Model) -> set[int] | None:
    """The pks of the labs whose public pages show ``instance`` (``None``: can't tell, all).

    A person shows on each lab they belong to; a paper on the labs of all its authors (the
    lab lists and every co-author's page); a project, a redirect and a lab's news on their lab.
    """
    from django.contrib.sites.models import Site

    from people.models import Lab, Person
    from publications.models import Publication
    from research.models import Project

    if isinstance(instance, Lab):
        return {instance.pk}
    if isinstance(instance, Site):
        lab_pk = Lab.objects.filter(site_id=instance.pk).values_list("pk", flat=True).first()
        return {lab_pk} if lab_pk is not None else set()
    if isinstance(instance, Person):
        return _person_labs(instance.pk)
    if isinstance(instance, Publication):
        return _publication_labs(instance.pk)
    if isinstance(instance, Project):
        return {instance.lab_id}
    labs: set[int] = set()
    found = False
    for field, collect in (
        ("lab_id", lambda v: {v}),
        ("person_id", _person_labs),
        ("publication_id", _publication_labs),
        ("project_id", lambda v: set(Project.objects.filter(pk=v).values_list("lab", flat=True))),
    ):
        if hasattr(instance, field):
            found = True
            value = getattr(instance, field)
            if value is not None:
                labs |= collect(value)
    return labs if found else None


def _stored_state(instance: Model) -> Model | None:
    """The row as the database holds it before this save (its old lab, person, paper…)."""
    if instance.pk is None or instance._state.adding:
        return None
    return type(instance)._base_manager.filter(pk=instance.pk).first()


def content_changed(sender: type, signal: Any = None, **kwargs: Any) -> None:
    """Receiver for pre/post_save, pre/post_delete and m2m_changed of every model.

    Bumps the labs that showed the row before the change (``pre_*``: a paper whose last lab-A
    author moves to lab B leaves lab A's list) and the labs that show it after (``post_*``).
    """
    if kwargs.get("raw"):  # loaddata
        return
    if sender._meta.app_label not in CONTENT_APPS:
        return
    instance = kwargs.get("instance")
    if instance is None:
        return
    if sender.__name__ in {"Membership", "Authorship"} and signal in (post_save, post_delete):
        # Who belongs where, or who wrote what, changed: the labs looked up so far in this
        # transaction may be wrong now.
        _pending(connection).pop("memo", None)
    action = kwargs.get("action")
    if action is not None:
        if not action.startswith("post_"):
            return  # m2m_changed fires pre_ and post_ actions; one bump per change is enough
        bump_content_version(labs_shown_on(instance))
        return
    if signal is pre_save:
        before = _stored_state(instance)
        if before is not None:
            instance._labsite_labs_before = labs_shown_on(before)
        return
    if signal is pre_delete:
        instance._labsite_labs_before = labs_shown_on(instance)
        return
    before = getattr(instance, "_labsite_labs_before", set())
    after = labs_shown_on(instance) if signal is post_save else set()
    if before is None or after is None:
        bump_content_version(None)
    else:
        bump_content_version(before | after)


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


def accept_query(request: HttpRequest) -> None:
    """Called by a view whose response to this query string may be stored: every parameter is
    one it read and every value one it accepted as it is (a year the lab has papers in, a known
    type, one of its people, a page that exists).

    A query string no view vouched for is answered but never stored: random ``?year=`` values
    would otherwise each leave a copy of the page in the cache for a day.
    """
    request._labsite_query_accepted = True


def query_accepted(request: HttpRequest) -> bool:
    return not request.GET or getattr(request, "_labsite_query_accepted", False)


def page_key(request: HttpRequest, lab_pk: int, version: tuple[int, int]) -> str:
    """Cache key of a page: release, the lab's content version, lab, scheme, host and full path
    (query string included).

    The host is in the key as well as the lab because pages carry absolute URLs on the
    request's host (canonical links, sitemap, feeds).
    """
    raw = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    digest = hashlib.sha256(raw.encode()).hexdigest()[:32]
    database, counter = version
    return f"labsite:page:{code_version()}:{lab_pk}:{database}.{counter}:{digest}"


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
        key = page_key(request, lab.pk, content_version(lab))
        stored = _cache().get(key)
        if stored is not None:
            response = self.rebuild(stored)
            response["X-Page-Cache"] = "hit"
            return get_conditional_response(request, etag=response.get("ETag"), response=response)
        response = self.get_response(request)
        if request.method == "GET" and self.storable(response) and query_accepted(request):
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
