"""The full-page cache: anonymous GETs from the cache, edits visible at once, signed-in members
and other labs never served someone else's copy."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from labsite import cache as page_cache
from tests import factories as f
from tests.public.conftest import A, B

pytestmark = pytest.mark.django_db


def page(response) -> bytes:
    """The body: a cache hit is the stored page, byte for byte (no per-response nonce)."""
    return response.content


def test_second_anonymous_get_is_served_from_cache(client, alice):
    first = client.get("/people/alice-anders/", HTTP_HOST=A)
    assert first["X-Page-Cache"] == "miss"
    with CaptureQueriesContext(connection) as ctx:
        second = client.get("/people/alice-anders/", HTTP_HOST=A)
    assert second["X-Page-Cache"] == "hit"
    assert len(ctx) == 1  # the lab's version (local-memory cache: in the database); nothing else
    assert page(second) == page(first)
    assert second["Content-Type"] == first["Content-Type"]


def test_an_edit_shows_at_once(client, alice):
    client.get("/people/alice-anders/", HTTP_HOST=A)
    alice.person.position = "Assistant Professor of Things"
    alice.person.save()
    response = client.get("/people/alice-anders/", HTTP_HOST=A)
    assert response["X-Page-Cache"] == "miss"
    assert b"Assistant Professor of Things" in response.content


def version_of(lab):
    lab.refresh_from_db()
    return page_cache.content_version(lab)


@pytest.mark.parametrize("change", ["save", "delete", "m2m"])
def test_every_kind_of_content_change_bumps_the_version(alice, lab_a, change):
    before = version_of(lab_a)
    if change == "save":
        f.HonorFactory(person=alice.person)
    elif change == "delete":
        alice.talk.delete()
    else:
        alice.project.publications.add(alice.publication)
    assert version_of(lab_a) > before


def test_unrelated_models_do_not_bump(alice, lab_a):
    before = version_of(lab_a)
    f.UserFactory(username="someone")
    assert version_of(lab_a) == before


def test_an_edit_in_one_lab_leaves_the_other_labs_pages_cached(client, alice, carol, lab_b):
    client.get("/people/carol-chen/", HTTP_HOST=B)
    before = version_of(lab_b)
    alice.person.position = "Lab A's news"
    alice.person.save()
    f.HonorFactory(person=alice.person)
    assert version_of(lab_b) == before
    assert client.get("/people/carol-chen/", HTTP_HOST=B)["X-Page-Cache"] == "hit"


def test_a_paper_moving_between_labs_bumps_both(alice, carol, lab_a, lab_b):
    authorship = alice.publication.authorships.get(person=alice.person)
    a, b = version_of(lab_a), version_of(lab_b)
    authorship.person = carol.person  # the paper leaves lab A's list and joins lab B's
    authorship.save()
    assert (version_of(lab_a) > a, version_of(lab_b) > b) == (True, True)


def test_a_shared_paper_bumps_every_coauthors_lab(alice, carol, lab_a, lab_b):
    f.AuthorshipFactory(publication=alice.publication, person=carol.person, position=5)
    a, b = version_of(lab_a), version_of(lab_b)
    alice.publication.title = "A new title for both labs"
    alice.publication.save()
    assert (version_of(lab_a) > a, version_of(lab_b) > b) == (True, True)


def test_lost_version_restarts_above_every_old_one(alice, lab_a):
    before = version_of(lab_a)
    page_cache._cache().delete(page_cache._version_key(lab_a.pk))
    page_cache.bump_content_version([lab_a.pk])
    assert version_of(lab_a) > before


@pytest.mark.django_db(transaction=True)
def test_the_database_counter_moves_once_after_commit(alice, lab_a):
    from django.db import transaction

    database_before = version_of(lab_a)[0]
    with transaction.atomic():
        for _ in range(3):
            f.HonorFactory(person=alice.person)
        # No lab row is locked (and so no other writer waits) while the transaction runs.
        assert version_of(lab_a)[0] == database_before
    assert version_of(lab_a)[0] == database_before + 1
    f.HonorFactory(person=alice.person)  # autocommit: at once
    assert version_of(lab_a)[0] == database_before + 2


def test_an_edit_made_by_another_process_is_seen_at_once(client, alice, lab_a):
    """Another process (a gunicorn worker with its own local-memory cache, an import, a shell)
    moves only the database counter: the next request here must not be served the old page."""
    client.get("/people/alice-anders/", HTTP_HOST=A)
    assert client.get("/people/alice-anders/", HTTP_HOST=A)["X-Page-Cache"] == "hit"
    Person = type(alice.person)
    Person.objects.filter(pk=alice.person.pk).update(position="Edited elsewhere")
    type(lab_a).objects.filter(pk=lab_a.pk).update(content_version=F("content_version") + 1)
    response = client.get("/people/alice-anders/", HTTP_HOST=A)
    assert response["X-Page-Cache"] == "miss"
    assert b"Edited elsewhere" in response.content


def test_saving_a_lab_never_writes_back_an_old_version(lab_a):
    stale = type(lab_a).objects.get(pk=lab_a.pk)
    type(lab_a).objects.filter(pk=lab_a.pk).update(content_version=F("content_version") + 5)
    current = version_of(lab_a)[0]
    stale.tagline = "Edited with a form loaded before the bumps"
    stale.save()
    assert version_of(lab_a)[0] >= current


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
    filtered = client.get("/publications/?person=alice-anders", HTTP_HOST=A)
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


def test_a_transaction_bumps_once_more_on_commit_however_many_saves(alice, lab_a):
    from django.db import connection, transaction

    def pending() -> int:
        return sum(entry[1] is page_cache._bump_pending_labs for entry in connection.run_on_commit)

    with transaction.atomic():
        before = version_of(lab_a)
        for _ in range(3):
            f.HonorFactory(person=alice.person)
        assert version_of(lab_a) > before  # at once, for the writer's next request
        assert pending() == 1  # and once after commit


def test_only_query_strings_the_views_read_are_cached(client, alice):
    client.get("/publications/?year=2024", HTTP_HOST=A)
    assert client.get("/publications/?year=2024", HTTP_HOST=A)["X-Page-Cache"] == "hit"
    for junk in ("?utm_source=mail", "?a=1", "?year=2024&a=2"):
        client.get(f"/publications/{junk}", HTTP_HOST=A)
        response = client.get(f"/publications/{junk}", HTTP_HOST=A)
        assert (response.status_code, "X-Page-Cache" in response) == (200, False)


def test_only_values_the_views_accept_make_entries(client, alice, bob):
    accepted = ["/publications/?year=2024", "/publications/?person=alice-anders"]
    for url in accepted:
        client.get(url, HTTP_HOST=A)
        assert client.get(url, HTTP_HOST=A)["X-Page-Cache"] == "hit", url
    refused = [
        "/publications/?year=1999",  # a year the lab has no papers in
        "/publications/?year=02024",
        "/publications/?type=nonsense",
        "/publications/?person=nobody-here",
        "/publications/?q=federated",  # free text: each search different
        "/publications/?year=2024&year=2023",
        "/news/?page=01",
        "/news/?page=last",
        "/people/?page=1",  # a page that has no pages
    ]
    for url in refused:
        first = client.get(url, HTTP_HOST=A)
        second = client.get(url, HTTP_HOST=A)
        assert (first.status_code, "X-Page-Cache" in second) == (200, False), url


def test_a_hundred_random_years_leave_the_cache_as_it_was(client, alice):
    from django.core.cache import cache

    client.get("/publications/", HTTP_HOST=A)
    before = len(cache._cache)  # local memory in tests: count the entries
    for year in range(1900, 2000):
        client.get(f"/publications/?year={year}", HTTP_HOST=A)
    assert len(cache._cache) == before
