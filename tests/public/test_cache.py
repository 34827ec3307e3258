"""The full-page cache: anonymous GETs from the cache, edits visible at once, signed-in members
and other labs never served someone else's copy."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from labsite import cache as page_cache
from tests import factories as f
from tests.public.conftest import A, B

pytestmark = pytest.mark.django_db


def page(response) -> bytes:
    """The body with its CSP nonce blanked: a cache hit is the stored page with a fresh nonce
    (labsite/cache.py; tests/security/test_csp.py checks the nonce itself)."""
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    return response.content.replace(nonce.encode(), b"NONCE")


def test_second_anonymous_get_is_served_from_cache(client, alice):
    first = client.get("/people/alice-anders/", HTTP_HOST=A)
    assert first["X-Page-Cache"] == "miss"
    with CaptureQueriesContext(connection) as ctx:
        second = client.get("/people/alice-anders/", HTTP_HOST=A)
    assert second["X-Page-Cache"] == "hit"
    assert len(ctx) == 1  # the lab for the host; nothing else
    assert page(second) == page(first)
    assert second["Content-Type"] == first["Content-Type"]


def test_an_edit_shows_at_once(client, alice):
    client.get("/people/alice-anders/", HTTP_HOST=A)
    alice.person.position = "Assistant Professor of Things"
    alice.person.save()
    response = client.get("/people/alice-anders/", HTTP_HOST=A)
    assert response["X-Page-Cache"] == "miss"
    assert b"Assistant Professor of Things" in response.content


@pytest.mark.parametrize("change", ["save", "delete", "m2m"])
def test_every_kind_of_content_change_bumps_the_version(alice, change):
    before = page_cache.content_version()
    if change == "save":
        f.HonorFactory(person=alice.person)
    elif change == "delete":
        alice.talk.delete()
    else:
        alice.project.publications.add(alice.publication)
    assert page_cache.content_version() > before


def test_unrelated_models_do_not_bump(alice):
    before = page_cache.content_version()
    f.UserFactory(username="someone")
    assert page_cache.content_version() == before


def test_lost_version_restarts_above_every_old_one(alice):
    before = page_cache.content_version()
    page_cache._cache().delete(page_cache.VERSION_KEY)
    page_cache.bump_content_version()
    assert page_cache.content_version() > before


def test_signed_in_member_bypasses_the_cache(client, alice):
    client.get("/people/alice-anders/", HTTP_HOST=A)  # cached for anonymous visitors
    client.force_login(alice.user)
    response = client.get("/people/alice-anders/", HTTP_HOST=A)
    assert "X-Page-Cache" not in response
    assert "private" in response["Cache-Control"]
    client.logout()


def test_pages_rendered_for_a_member_are_never_stored(client, alice):
    client.force_login(alice.user)
    client.get("/people/alice-anders/", HTTP_HOST=A)
    client.logout()
    client.cookies.clear()
    assert client.get("/people/alice-anders/", HTTP_HOST=A)["X-Page-Cache"] == "miss"


def test_lab_a_page_is_never_served_on_lab_b(client, alice, carol):
    a = client.get("/", HTTP_HOST=A)
    b = client.get("/", HTTP_HOST=B)
    assert b["X-Page-Cache"] == "miss"
    assert a.content != b.content
    assert b"Lab B" in b.content
    assert page(client.get("/", HTTP_HOST=B)) == page(b)


def test_query_string_is_part_of_the_key(client, alice, bob):
    all_papers = client.get("/publications/", HTTP_HOST=A)
    filtered = client.get("/publications/?q=alice", HTTP_HOST=A)
    assert filtered["X-Page-Cache"] == "miss"
    assert filtered.content != all_papers.content


def test_non_get_and_errors_are_not_cached(client, alice):
    assert client.get("/people/nobody/", HTTP_HOST=A).status_code == 404
    assert "X-Page-Cache" not in client.get("/people/nobody/", HTTP_HOST=A)
    assert client.post("/people/", HTTP_HOST=A).status_code == 405


def test_healthz_is_never_cached(client, alice):
    client.get("/healthz", HTTP_HOST=A)
    assert "X-Page-Cache" not in client.get("/healthz", HTTP_HOST=A)


def test_cached_page_has_etag_and_answers_304(client, alice):
    first = client.get("/people/", HTTP_HOST=A)
    assert first["Cache-Control"] == "max-age=0, must-revalidate, public"
    assert "Cookie" in first["Vary"]
    etag = first["ETag"]
    second = client.get("/people/", HTTP_HOST=A, HTTP_IF_NONE_MATCH=etag)
    assert second.status_code == 304


def test_response_that_sets_a_cookie_is_not_stored(client, alice):
    # The admin login page sets the CSRF cookie: it must never be replayed to someone else.
    client.get("/admin/login/", HTTP_HOST=A)
    assert "X-Page-Cache" not in client.get("/admin/login/", HTTP_HOST=A)
    assert page_cache.PageCacheMiddleware.storable(_with_cookie()) is False


def _with_cookie():
    from django.http import HttpResponse

    response = HttpResponse("x")
    response.set_cookie("a", "b")
    return response


def test_cache_can_be_switched_off(client, alice, settings):
    settings.LABSITE_PAGE_CACHE = False
    client.get("/", HTTP_HOST=A)
    assert "X-Page-Cache" not in client.get("/", HTTP_HOST=A)


def test_a_new_release_never_serves_the_old_releases_pages(client, alice, monkeypatch):
    client.get("/people/", HTTP_HOST=A)
    assert client.get("/people/", HTTP_HOST=A)["X-Page-Cache"] == "hit"
    monkeypatch.setenv("LABSITE_RELEASE", "next-release")
    page_cache.code_version.cache_clear()
    try:
        assert client.get("/people/", HTTP_HOST=A)["X-Page-Cache"] == "miss"
    finally:
        monkeypatch.delenv("LABSITE_RELEASE")
        page_cache.code_version.cache_clear()


def test_head_is_served_from_the_get_entry(client, alice):
    client.get("/people/", HTTP_HOST=A)
    assert client.head("/people/", HTTP_HOST=A)["X-Page-Cache"] == "hit"


def test_a_transaction_bumps_once_more_on_commit_however_many_saves(alice):
    from django.db import connection, transaction

    def pending() -> int:
        return sum(
            entry[1] is page_cache.bump_content_version for entry in connection.run_on_commit
        )

    with transaction.atomic():
        before = page_cache.content_version()
        for _ in range(3):
            f.HonorFactory(person=alice.person)
        assert page_cache.content_version() > before  # at once, for the writer's next request
        assert pending() == 1  # and once after commit


def test_only_query_strings_the_views_read_are_cached(client, alice):
    client.get("/publications/?year=2024", HTTP_HOST=A)
    assert client.get("/publications/?year=2024", HTTP_HOST=A)["X-Page-Cache"] == "hit"
    for junk in ("?utm_source=mail", "?a=1", "?year=2024&a=2"):
        client.get(f"/publications/{junk}", HTTP_HOST=A)
        response = client.get(f"/publications/{junk}", HTTP_HOST=A)
        assert (response.status_code, "X-Page-Cache" in response) == (200, False)
