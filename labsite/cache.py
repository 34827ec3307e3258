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

Every process must see an edit made by any other (another gunicorn worker, ``import_pages``, a
shell) on its next request, at the cost of one cheap lookup per request. Where that lookup goes
depends on the cache backend (``version_source``):

- a per-process cache (the default local-memory one): the lab's row counter
  ``Lab.content_version``, raised after each writer's commit, is the shared truth — one indexed
  read by primary key per request — with a counter of this process's own (raised at once, inside
  the writer's transaction too) beside it;
- a shared cache (Redis, Memcached…): a counter in that cache, raised at once and again after the
  writer's commit, read in the same round trip as the page itself (``get_many``).

The lab itself is not loaded per request either: each process keeps a map from host to lab, and
trusts an entry only while the lab's version is the one it was loaded at. Every change that can
move a host to another lab (a Site, a lab created or deleted, a lab's site or default flag)
bumps every lab. The receivers that bump are infrastructure, not domain flow (the "no signals"
rule of STYLE.md is about domain logic): they are connected once in ``LabsiteConfig.ready``.
Writes that send no signal (``bulk_create``, ``QuerySet.update``) call ``bump_content_version``
themselves; the importer and ``import_lab`` bump every lab once at the end.

Compression: a stored page is kept gzip-compressed (compressed once, on the miss that stores
it) and sent as it is to clients that accept gzip; the rare client that does not gets it
decompressed. A stored page is the same bytes for every visitor — no per-response secret: the
page's one inline script is allowed by its hash, not a nonce (settings.py), and a response whose
policy names a nonce is never stored — so compression reveals nothing (BREACH needs a secret in
the page).

What is stored is bounded by what the views accept: a page with a query string is stored only
when its view vouched for every value (``accept_query``).

Who bypasses the cache: requests other than GET/HEAD, requests carrying a session cookie (a
signed-in member sees their own edits and admin links; an anonymous visitor has no session
cookie), requests for a lab-less site, and the paths in ``LABSITE_PAGE_CACHE_SKIP``. What is
stored: 200 responses that set no cookie and do not ask to stay private (``Cache-Control:
private/no-store/no-cache``, as ``/healthz`` does).
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import logging
import os
import pickle
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.db import (
    DEFAULT_DB_ALIAS,
    DatabaseError,
    InterfaceError,
    OperationalError,
    connection,
    connections,
    transaction,
)
from django.db.models import F, Model
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers

VERSION_KEY = "labsite:content-version"
#: Apps whose rows appear on public pages; a save or delete in any of them bumps the version.
CONTENT_APPS = frozenset({"people", "publications", "research", "labsite", "sites"})
#: Response headers that must never be replayed to another visitor.
PRIVATE_HEADERS = frozenset({"set-cookie"})
#: Headers that carry a CSP policy; one that names a nonce is never stored (see module doc).
CSP_HEADERS = frozenset({"content-security-policy", "content-security-policy-report-only"})
#: A WSGI environ key (not a header, so no visitor can send it) for requests that render past
#: the page cache: the static export asks for each page once, so storing what it renders
#: (compressing and hashing every page) would be work for nothing.
RENDER_ONLY = "labsite.render_only"
#: Hosts kept in each process's host → lab map (visitors choose hosts under a wildcard).
LAB_MAP_LIMIT = 1000

logger = logging.getLogger(__name__)

#: This process's own counter per lab (version source "database"): raised at once by every
#: bump made here, so the writer's next request sees its edit inside a transaction too.
_local_versions: dict[int, int] = {}
#: host → (lab, version it was loaded at): the lab of a cache hit without a query.
_labs: dict[str, tuple[Any, tuple]] = {}


@dataclass(frozen=True, slots=True)
class StoredPage:
    """A page as the cache keeps it: what a hit replays, never changed once made.

    Headers are as ``HttpResponse.headers`` keeps them (lower-cased name → (name, value)), so
    a hit copies them in one step, ``Content-Length`` included: ``headers`` for the identity
    body, ``gzip_headers`` (``Content-Encoding`` and a weak ETag added) for ``body`` when
    ``encoding`` is ``"gzip"``.
    """

    version: tuple | None
    status: int
    headers: tuple[tuple[str, tuple[str, str]], ...]
    gzip_headers: tuple[tuple[str, tuple[str, str]], ...]
    body: bytes
    encoding: str


class LocalMemoryCache(LocMemCache):
    """Django's local-memory cache (the default one), keeping :class:`StoredPage` values as
    they are.

    LocMemCache pickles every value on ``set`` and unpickles it on every ``get``, so that
    callers never share a mutable object with the cache. A stored page cannot be changed (a
    frozen dataclass of bytes, ints and tuples), so it is kept as the object itself: a hit no
    longer copies the page's body out of a pickle (about a tenth of a hit's time). Every other
    value is pickled as before; ``clear``, culling and expiry are LocMemCache's own.
    """

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        if not isinstance(value, StoredPage):
            return super().set(key, value, timeout, version)
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            self._set(key, value, timeout)

    def get(self, key, default=None, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            if self._has_expired(key):
                self._delete(key)
                return default
            value = self._cache[key]
            self._cache.move_to_end(key, last=False)
        return value if isinstance(value, StoredPage) else pickle.loads(value)


@functools.cache
def settings_conf() -> dict[str, Any]:
    """The settings a request reads, read once (again after any ``setting_changed``): a hit
    should cost almost nothing, and each ``settings.X`` goes through Django's lazy object.
    (``LABSITE_PAGE_CACHE`` is read live: scripts switch it by assignment.)"""
    return {
        "alias": getattr(settings, "LABSITE_PAGE_CACHE_ALIAS", "default"),
        "source": getattr(settings, "LABSITE_CONTENT_VERSION", "auto"),
        "session_cookie": settings.SESSION_COOKIE_NAME,
    }


def _cache():
    return caches[settings_conf()["alias"]]


def version_source(cache=None) -> str:
    """Where the per-request version lookup goes: ``"database"`` or ``"cache"``.

    ``LABSITE_CONTENT_VERSION`` chooses; ``auto`` (the default) picks the cache when it is one
    store shared by every process, and the database for a per-process cache (local memory,
    dummy), where a counter kept in the cache would be seen by its own process only.
    """
    choice = settings_conf()["source"]
    if choice in ("database", "cache"):
        return choice
    cache = cache if cache is not None else _cache()
    return "database" if isinstance(cache, (LocMemCache, DummyCache)) else "cache"


def _fresh_version() -> int:
    # Microseconds since the epoch: if the version key is ever evicted, the new one is larger
    # than any version an old page was stored under, so no stale entry can be hit again. (Each
    # bump adds 1 and takes far more than a microsecond; with milliseconds a burst of saves —
    # an import — could run the counter ahead of the clock.)
    return time.time_ns() // 1_000


def _version_key(lab_pk: int) -> str:
    return f"{VERSION_KEY}:{lab_pk}"


@functools.cache
def _version_sql(placeholder: str = "%s") -> str:
    """The version query, with Django's placeholder or a driver's own (``RAW_PLACEHOLDER``)."""
    from people.models import Lab

    quote = connection.ops.quote_name
    table = quote(Lab._meta.db_table)
    return f"SELECT {quote('content_version')} FROM {table} WHERE id = {placeholder}"


def read_version(lab_pk: int, page: str | None = None) -> tuple[tuple | None, Any]:
    """``(version of lab_pk, the stored entry under key page)``: one lookup, plus a local read.

    The version is ``None`` when the lab no longer exists.
    """
    cache = _cache()
    if version_source(cache) == "cache":
        key = _version_key(lab_pk)
        found = cache.get_many([key, page] if page else [key])
        counter = found.get(key)
        if counter is None:  # first use, or evicted: start above any earlier version
            cache.add(key, _fresh_version(), timeout=None)
            counter = cache.get(key)
        return ("cache", int(counter)), found.get(page) if page else None
    row = _read_counter(lab_pk)
    if row is None:
        return None, None
    version = ("database", int(row[0]), _local_versions.get(lab_pk, 0))
    return version, cache.get(page) if page else None


def _read_counter(lab_pk: int) -> tuple | None:
    """The lab row's counter: one indexed read, which also serves as the request's connection
    health check (``conn_health_checks`` would otherwise send a ``SELECT 1`` first, a second
    round trip on every cache hit). A persistent connection found dead is reopened once.

    The connection is looked up once (each ``django.db.connection.X`` goes through a proxy
    and a context-local lookup): this runs on every cache hit."""
    conn = connections[DEFAULT_DB_ALIAS]
    check_here = (
        conn.connection is not None
        and conn.health_check_enabled
        and not conn.health_check_done
        and not conn.in_atomic_block
    )
    if check_here:
        conn.health_check_done = True
    try:
        return _fetch_counter(conn, lab_pk)
    except (InterfaceError, OperationalError):
        if not check_here:
            raise
        conn.close()  # the check failed: a new connection, as Django's check would make
    return _fetch_counter(conn, lab_pk)


def _fetch_counter(conn, lab_pk: int) -> tuple | None:
    """The one query of a cache hit, on the driver's own cursor when nothing is watching the
    connection's queries: Django's cursor wrappers (query logging, execute wrappers, parameter
    conversion) cost several times the query itself on SQLite. With ``DEBUG`` on, or a test
    capturing queries, it goes through Django's cursor and is seen like any other."""
    if conn.queries_logged or conn.execute_wrappers or conn.vendor not in RAW_PLACEHOLDER:
        with conn.cursor() as cursor:
            cursor.execute(_version_sql(), [lab_pk])
            return cursor.fetchone()
    conn.ensure_connection()
    with conn.wrap_database_errors:  # the driver's errors as Django's (the retry above)
        cursor = conn.connection.cursor()
        try:
            cursor.execute(_version_sql(RAW_PLACEHOLDER[conn.vendor]), [lab_pk])
            return cursor.fetchone()
        finally:
            cursor.close()


#: The parameter placeholder of each driver the version query runs on without Django's cursor.
RAW_PLACEHOLDER = {"sqlite": "?", "postgresql": "%s"}


def content_version(lab) -> tuple[int, int]:
    """``(database counter, counter)`` of ``lab``: the counter is this process's own (version
    source "database") or the cache's ("cache"). Either part moving makes its pages stale."""
    from people.models import Lab

    version, _ = read_version(lab.pk)
    if version is None:
        return (int(lab.content_version), 0)
    if version[0] == "database":
        return version[1], version[2]
    row = Lab.objects.filter(pk=lab.pk).values_list("content_version", flat=True)
    return int(row[0]), version[1]


def _bump_cache(lab_pks: Iterable[int]) -> None:
    """The at-once part of a bump: this process's counters, and the shared cache's."""
    shared = version_source() == "cache"
    cache = _cache()
    for pk in lab_pks:
        _local_versions[pk] = _local_versions.get(pk, 0) + 1
        if not shared:
            continue
        key = _version_key(pk)
        try:
            cache.incr(key)  # atomic INCR on Redis
        except ValueError:  # missing (first run, or evicted): start above any earlier version
            cache.set(key, _fresh_version(), timeout=None)


def forget_labs() -> None:
    """Empty this process's host → lab map and what was derived per lab (tests; a changed
    setting)."""
    _labs.clear()
    _derived.clear()


#: (lab pk, what) → (content version, value): data every page of a lab derives alike.
_derived: dict[tuple[int, str], tuple[tuple, Any]] = {}


def per_lab_version(lab_pk: int, version: tuple | None, what: str, compute: Callable[[], Any]):
    """``compute()``, kept for the lab while its content version is ``version`` (an edit that
    could change it bumps the version, as for the lab's pages). No version: computed afresh."""
    key = (lab_pk, what)
    known = _derived.get(key)
    if version is not None and known is not None and known[0] == version:
        return known[1]
    value = compute()
    if version is not None:
        if key not in _derived and len(_derived) >= LAB_MAP_LIMIT:
            _derived.clear()
        _derived[key] = (version, value)
    return value


def settings_changed(*, setting: str, **kwargs: Any) -> None:
    """A test changed a setting the map depends on (the database, the cache, the hosts)."""
    settings_conf.cache_clear()
    if setting in {"DATABASES", "CACHES", "ALLOWED_HOSTS", "LABSITE_CONTENT_VERSION"}:
        forget_labs()
        _version_sql.cache_clear()


def current_lab(
    request: HttpRequest, page: Callable[[Any], str] | None = None
) -> tuple[Any, tuple | None, Any]:
    """``(lab, version, stored entry)`` for a request: the page cache's, and the lab of every
    request the cache does not answer (``tenancy.lab_for_request``), with no ``page``.

    A host seen before costs one version lookup (which also fetches the page from a shared
    cache): its lab is reused while its version is the one it was loaded at. Otherwise the lab
    is loaded from the database *after* its version was read, so an entry is never newer than
    the lab it holds.
    """
    host = request_host(request)
    known = _labs.get(host)
    pk = version = None
    if known is not None:
        lab, seen = known
        key = page(lab) if page else None
        version, stored = read_version(lab.pk, key)
        if version == seen:
            return lab, version, stored
        pk = lab.pk
    from labsite.tenancy import lab_for_host

    for _ in range(3):
        lab = lab_for_host(host)
        if lab is None:
            _labs.pop(host, None)
            return None, None, None
        if lab.pk == pk and version is not None:
            if host not in _labs and len(_labs) >= LAB_MAP_LIMIT:
                _labs.clear()
            _labs[host] = (lab, version)
            break
        pk = lab.pk
        version, _ = read_version(pk)
    # (After three tries the lab is changing under us: served, not remembered.)
    return lab, version, _cache().get(page(lab)) if page else None


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


def bump_for_publications(publication_pks: Iterable[int]) -> None:
    """Make stale the pages of every lab that shows one of these papers — for writes that send
    no signal (authors or links added with ``bulk_create``)."""
    from people.models import Membership

    pks = set(publication_pks)
    if pks:
        labs = Membership.objects.filter(person__authorships__publication_id__in=pks)
        bump_content_version(set(labs.values_list("lab", flat=True)))


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


def _hosts_of(instance: Model) -> tuple | None:
    """What decides which hosts a Site or Lab row serves."""
    from django.contrib.sites.models import Site

    from people.models import Lab

    if isinstance(instance, Site):
        return (instance.domain.lower(),)
    if isinstance(instance, Lab):
        return (instance.site_id, instance.is_default)
    return None


def moves_hosts(instance: Model, signal: Any, created: bool) -> bool:
    """Whether this change may move a host to another lab (or to none): a Site or Lab created
    or deleted, a Site's domain or a Lab's site or default flag changed."""
    hosts = _hosts_of(instance)
    if hosts is None:
        return False
    if signal is post_delete or created:
        return True
    return getattr(instance, "_labsite_hosts_before", None) != hosts


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
            instance._labsite_hosts_before = _hosts_of(before)
        return
    if signal is pre_delete:
        instance._labsite_labs_before = labs_shown_on(instance)
        return
    before = getattr(instance, "_labsite_labs_before", set())
    after = labs_shown_on(instance) if signal is post_save else set()
    if moves_hosts(instance, signal, kwargs.get("created", False)):
        # Which lab a host serves may have changed: every process's host → lab map entries
        # must go, and they are checked through their lab's version.
        bump_content_version(None)
    elif before is None or after is None:
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


def request_host(request: HttpRequest) -> str:
    """``request.get_host()`` (checked against ``ALLOWED_HOSTS``), worked out once per request:
    a cache hit needs it for the lab and for the page's key."""
    host = getattr(request, "_labsite_host", None)
    if host is None:
        host = request._labsite_host = request.get_host()
    return host


def page_key(request: HttpRequest, lab_pk: int) -> str:
    """Cache key of a page: release, lab, scheme, host and full path (query string included).

    The host is in the key as well as the lab because pages carry absolute URLs on the
    request's host (canonical links, sitemap, feeds). The content version is not: the entry
    holds the version it was rendered at, compared on every hit, and a newer render of the same
    page replaces it instead of piling up beside it.
    """
    raw = f"{request.scheme}://{request_host(request)}{request.get_full_path()}"
    digest = hashlib.sha256(raw.encode()).hexdigest()[:32]
    return f"labsite:page:{code_version()}:{lab_pk}:{digest}"


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
            or RENDER_ONLY in request.META
            or settings_conf()["session_cookie"] in request.COOKIES
            or request.path.startswith(self.skip)
            or not self.known_query(request)
        )

    @staticmethod
    def known_query(request: HttpRequest) -> bool:
        """Only query strings the views read make cache entries.

        Every distinct query string is its own entry: ``?utm_source=…`` or ``?a=1``, ``?a=2``…
        would otherwise let anyone fill the cache with copies of the largest page.
        """
        if not request.META.get("QUERY_STRING"):
            return True
        return set(request.GET).issubset(CACHEABLE_PARAMETERS)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self.bypass(request):
            response = self.get_response(request)
            if settings_conf()["session_cookie"] in request.COOKIES:
                # A member's page may carry their name or edit links: keep it out of shared
                # caches, and have the browser ask again so their edits show at once.
                patch_cache_control(response, private=True, no_cache=True)
            return response
        lab, version, stored = current_lab(request, lambda lab: page_key(request, lab.pk))
        if lab is None:
            return self.get_response(request)
        request._lab_cache = lab  # LabMiddleware's lab_for_request reuses it on a miss
        request._lab_version = version
        if isinstance(stored, StoredPage) and stored.version == version:
            return self.answer(request, stored, "hit")
        response = self.get_response(request)
        if request.method == "GET" and self.storable(response) and query_accepted(request):
            self.finish(response)
            stored = self.freeze(response, version)
            _cache().set(page_key(request, lab.pk), stored, self.timeout)
            return self.answer(request, stored, "miss")
        return response

    @staticmethod
    def storable(response: HttpResponse) -> bool:
        if response.status_code != 200 or response.streaming or response.cookies:
            return False
        if response.has_header("Content-Encoding"):
            return False
        if any("'nonce-" in v for k, v in response.items() if k.lower() in CSP_HEADERS):
            # A nonce is worth something only while nobody can know it in advance: a page
            # that relies on one is never replayed to another visitor.
            return False
        cache_control = response.get("Cache-Control", "").lower()
        return not any(word in cache_control for word in ("private", "no-store", "no-cache"))

    @staticmethod
    def finish(response: HttpResponse) -> None:
        """Headers a shared page needs: an ETag, must-revalidate, and Vary: Cookie and
        Accept-Encoding.

        ``max-age=0, must-revalidate``: browsers keep the page but ask every time (a cheap 304
        from this cache), so an edit is never hidden behind a browser's copy. ``Vary: Cookie``
        stops a proxy from giving the anonymous page to a signed-in member; ``Vary:
        Accept-Encoding``, the gzip body to a client that cannot read it.
        """
        if not response.has_header("ETag"):
            response["ETag"] = '"' + hashlib.sha256(response.content).hexdigest()[:32] + '"'
        patch_cache_control(response, max_age=0, must_revalidate=True, public=True)
        patch_vary_headers(response, ["Cookie", "Accept-Encoding"])

    @staticmethod
    def freeze(response: HttpResponse, version: tuple | None) -> StoredPage:
        """What is stored: the headers to replay, and the body gzip-compressed when that
        makes it smaller (text: HTML, feeds, BibTeX, JSON, XML)."""
        skip = PRIVATE_HEADERS | {"content-length"}
        headers = {k.lower(): (k, v) for k, v in response.items() if k.lower() not in skip}
        body, encoding = response.content, ""
        identity = {**headers, "content-length": ("Content-Length", str(len(body)))}
        encoded = {}
        if compressible(response.get("Content-Type", "")) and len(body) >= 200:
            packed = gzip.compress(body, compresslevel=6, mtime=0)
            if len(packed) < len(body):
                body, encoding = packed, "gzip"
                encoded = {**headers, "content-length": ("Content-Length", str(len(body)))}
                encoded["content-encoding"] = ("Content-Encoding", "gzip")
                # Another representation than the identity body's: a weak validator, as
                # Django's GZipMiddleware makes it.
                etag = encoded.get("etag")
                if etag and not etag[1].startswith("W/"):
                    encoded["etag"] = ("ETag", "W/" + etag[1])
        return StoredPage(
            version=version,
            status=response.status_code,
            headers=tuple(identity.items()),
            gzip_headers=tuple(encoded.items()),
            body=body,
            encoding=encoding,
        )

    @staticmethod
    def answer(request: HttpRequest, stored: StoredPage, how: str) -> HttpResponse:
        """The stored response, gzip-encoded for a client that accepts it.

        Every cache hit comes through here, so the response is put together directly: the
        stored headers were checked when the miss set them, and the one added here is an ASCII
        literal, so none needs ``HttpResponse.__setitem__``'s charset checks."""
        response = HttpResponse(status=stored.status)
        store = response.headers._store
        if not stored.encoding:
            body, headers = stored.body, stored.headers
        elif accepts_gzip(request):
            body, headers = stored.body, stored.gzip_headers
        else:
            body, headers = gzip.decompress(stored.body), stored.headers
        store.update(headers)
        store["x-page-cache"] = ("X-Page-Cache", how)
        response.content = body
        if not any(name in request.META for name in CONDITIONAL_HEADERS):
            return response  # nothing to compare: get_conditional_response would return it
        etag = store.get("etag")
        return get_conditional_response(request, etag=etag[1] if etag else None, response=response)


#: The request headers ``get_conditional_response`` reads (RFC 9110's preconditions).
CONDITIONAL_HEADERS = frozenset(
    {"HTTP_IF_MATCH", "HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_UNMODIFIED_SINCE"}
)


#: Content types a stored page is compressed for.
_COMPRESSIBLE = re.compile(r"^(text/|application/(.*\+)?(json|xml|javascript|x-bibtex))", re.I)
_GZIP = re.compile(r"(?:^|,)\s*gzip\s*(?:;\s*q\s*=\s*([0-9.]+))?\s*(?:,|$)", re.I)


def compressible(content_type: str) -> bool:
    return bool(_COMPRESSIBLE.match(content_type.strip()))


def accepts_gzip(request: HttpRequest) -> bool:
    """``Accept-Encoding`` names gzip (and not with ``q=0``)."""
    match = _GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", ""))
    if match is None:
        return False
    quality = match.group(1)
    try:
        return quality is None or float(quality) > 0
    except ValueError:
        return False
