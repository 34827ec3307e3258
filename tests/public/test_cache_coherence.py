"""Issue 9: what a cache hit costs, compression, and the write paths that must make pages stale.

The multi-process side (a real gunicorn, an edit from a shell) is tests/test_coherence.py.
"""

from __future__ import annotations

import gzip

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from labsite import cache as page_cache
from publications import intake
from tests import factories as f
from tests.public.conftest import A

pytestmark = pytest.mark.django_db

GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}


def test_a_hit_on_a_fallback_host_is_one_query(client, alice):
    # 127.0.0.1 matches no Site: the lab is the default one, found once per process.
    client.get("/people/alice-anders/", HTTP_HOST="127.0.0.1")
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/people/alice-anders/", HTTP_HOST="127.0.0.1")
    assert response["X-Page-Cache"] == "hit"
    (query,) = [q["sql"] for q in ctx.captured_queries]
    assert query.startswith(page_cache._version_sql().removesuffix("%s"))


def test_with_a_shared_cache_a_hit_reads_no_database(client, alice, settings):
    settings.LABSITE_CONTENT_VERSION = "cache"  # as with Redis: the version lives in the cache
    client.get("/people/alice-anders/", HTTP_HOST=A)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/people/alice-anders/", HTTP_HOST=A)
    assert (response["X-Page-Cache"], len(ctx)) == ("hit", 0)
    alice.person.position = "Seen through the cache's counter"
    alice.person.save()
    response = client.get("/people/alice-anders/", HTTP_HOST=A)
    assert response["X-Page-Cache"] == "miss"
    assert b"Seen through the cache's counter" in response.content


def test_a_stored_page_is_sent_gzip_compressed_and_plain_to_others(client, alice):
    miss = client.get("/people/alice-anders/", HTTP_HOST=A, **GZIP)
    hit = client.get("/people/alice-anders/", HTTP_HOST=A, **GZIP)
    plain = client.get("/people/alice-anders/", HTTP_HOST=A)
    refused = client.get("/people/alice-anders/", HTTP_HOST=A, HTTP_ACCEPT_ENCODING="gzip;q=0")
    assert [r["X-Page-Cache"] for r in (miss, hit, plain, refused)] == ["miss", "hit", "hit", "hit"]
    for response in (miss, hit):
        assert response["Content-Encoding"] == "gzip"
        assert response["Content-Length"] == str(len(response.content))
        assert response["ETag"].startswith('W/"')
    assert gzip.decompress(hit.content) == gzip.decompress(miss.content) == plain.content
    assert len(hit.content) * 3 < len(plain.content)
    for response in (plain, refused):
        assert "Content-Encoding" not in response
        assert response["Content-Length"] == str(len(response.content))
        assert response["ETag"] == miss["ETag"].removeprefix("W/")
    assert "Accept-Encoding" in plain["Vary"] and "Cookie" in plain["Vary"]
    again = client.get("/people/alice-anders/", HTTP_HOST=A, HTTP_IF_NONE_MATCH=hit["ETag"], **GZIP)
    assert again.status_code == 304


def test_the_local_memory_cache_keeps_stored_pages_and_pickles_everything_else():
    from django.core.cache import caches

    cache = caches["default"]
    assert isinstance(cache, page_cache.LocalMemoryCache)  # the default settings' cache
    stored = page_cache.StoredPage(
        version=("database", 1, 0), status=200, headers=(), gzip_headers=(), body=b"x", encoding=""
    )
    cache.set("a-page", stored)
    assert cache.get("a-page") is stored  # no copy: it cannot be changed
    with pytest.raises(AttributeError):
        stored.body = b"changed"
    mutable = {"rows": [1]}
    cache.set("a-dict", mutable)
    mutable["rows"].append(2)
    got = cache.get("a-dict")
    assert got == {"rows": [1]}  # pickled as LocMemCache does: the caller's object stays theirs
    got["rows"].append(3)
    assert cache.get("a-dict") == {"rows": [1]}
    cache.set("short", stored, timeout=-1)
    assert cache.get("short", "gone") == "gone"  # expiry is LocMemCache's own
    cache.clear()
    assert cache.get("a-page") is None


def test_a_cached_entry_of_another_shape_is_a_miss_not_an_error(client, alice):
    client.get("/people/alice-anders/", HTTP_HOST=A)
    from django.core.cache import cache

    (key,) = [k.split(":", 2)[2] for k in cache._cache if "labsite:page:" in k]
    cache.set(key, {"version": None, "body": b"an older release's entry"})
    response = client.get("/people/alice-anders/", HTTP_HOST=A)
    assert response["X-Page-Cache"] == "miss"
    assert b"Alice" in response.content


@pytest.mark.parametrize("path", ["/people/alice-anders/publications.bib", "/feeds/news.xml"])
def test_feeds_and_bibtex_are_compressed_too(client, alice, path):
    client.get(path, HTTP_HOST=A, **GZIP)
    response = client.get(path, HTTP_HOST=A, **GZIP)
    assert response.status_code == 200
    assert response.get("Content-Encoding") == "gzip" or len(response.content) < 200


def test_uncached_anonymous_pages_are_compressed_but_not_the_admin_or_a_member(client, alice):
    response = client.get("/publications/?utm_source=mail", HTTP_HOST=A, **GZIP)
    assert "X-Page-Cache" not in response  # never stored: a parameter no view reads
    assert response["Content-Encoding"] == "gzip"
    login = client.get("/admin/login/", HTTP_HOST=A, **GZIP)
    assert login.status_code == 200 and "Content-Encoding" not in login  # it holds a CSRF token
    client.force_login(alice.user)
    for path in ("/admin/", "/people/alice-anders/"):
        response = client.get(path, HTTP_HOST=A, **GZIP)
        assert response.status_code == 200
        assert "Content-Encoding" not in response, path


def test_a_new_lab_on_a_host_that_fell_back_is_served_at_once(client, alice):
    assert b"Lab A" in client.get("/", HTTP_HOST="new-lab.localhost").content
    assert client.get("/", HTTP_HOST="new-lab.localhost")["X-Page-Cache"] == "hit"
    f.LabFactory(slug="new-lab", name="The Newest Lab", site__domain="new-lab.localhost")
    response = client.get("/", HTTP_HOST="new-lab.localhost")
    assert response["X-Page-Cache"] == "miss"
    assert b"The Newest Lab" in response.content


def test_a_sites_new_domain_moves_its_lab_at_once(client, alice, lab_b, carol):
    client.get("/", HTTP_HOST="renamed.localhost")  # falls back to lab A, remembered
    site = lab_b.site
    site.domain = "renamed.localhost"
    site.save()
    response = client.get("/", HTTP_HOST="renamed.localhost")
    assert b"Lab B" in response.content
    assert b"Lab B" not in client.get("/", HTTP_HOST="lab-b.localhost").content


def test_a_paper_added_from_bibtex_shows_at_once(client, alice):
    client.get("/publications/", HTTP_HOST=A)
    client.get("/people/alice-anders/", HTTP_HOST=A)
    assert client.get("/publications/", HTTP_HOST=A)["X-Page-Cache"] == "hit"
    report = intake.add_from_bibtex(
        "@article{x, title={Pasted Into The Admin}, author={Anders, Alice and Doe, Jane}, "
        "year={2025}, journal={Journal of Tests}}",
        user=alice.user,
    )
    assert [item.action for item in report.items] == ["created"]
    for path in ("/publications/", "/people/alice-anders/"):
        response = client.get(path, HTTP_HOST=A)
        assert response["X-Page-Cache"] == "miss", path
        assert b"Pasted Into The Admin" in response.content, path


@pytest.mark.django_db(transaction=True)
def test_the_version_read_is_the_connections_health_check(client, alice, settings):
    """One round trip per hit, also with ``conn_health_checks``: the version read checks the
    persistent connection itself, and a dead one is reopened without an error."""
    connection.health_check_enabled = True
    try:
        client.get("/people/alice-anders/", HTTP_HOST=A)
        checks = []
        real_is_usable = connection.is_usable
        connection.is_usable = lambda: checks.append(1) or real_is_usable()
        try:
            response = client.get("/people/alice-anders/", HTTP_HOST=A)
        finally:
            del connection.is_usable
        assert (response["X-Page-Cache"], checks) == ("hit", [])
        if connection.vendor == "postgresql":  # SQLite has no server to lose, nor a check
            connection.connection.close()  # the server went away under the persistent connection
            connection.health_check_done = False
            response = client.get("/people/alice-anders/", HTTP_HOST=A)
            assert (response.status_code, response["X-Page-Cache"]) == (200, "hit")
    finally:
        connection.health_check_enabled = False
