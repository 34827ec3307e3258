"""Hostile query strings, paths and hosts: every public URL answers 200, 400 or 404 — never a
500, never a stack trace — and the page cache cannot be poisoned across hosts or blown up by a
huge query string.
"""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client

from labsite.cache import page_key
from tests.public.conftest import A, B, links

HOSTILE_QUERIES = [
    "year=99999999999999999999",
    "year=-1",
    "year=0000",
    "year=%C2%B2%C2%B2%C2%B2%C2%B2",  # "²²²²": str.isdigit() says yes, int() says no
    "type=%3Cscript%3E",
    "person=../../x",
    "person=" + "x" * 5000,
    "q=" + "a" * 10_000,
    "q=" + "%20".join(["w"] * 2000),
    "page=abc",
    "page=99999",
    "page=-1",
    "page=99999999999999999999999",
    "q=%00&person=%00&year=%00&type=%00&page=%00",
    "q=%ff%fe&person=%c0%af&year=%ff",
    "q=%25%5C_%27%22",
    "year=2024&year=2023&type=journal&type=x",
    "=&&&==",
]


@pytest.fixture
def site(alice, carol):
    """Lab A with alice's content, lab B with carol's, a news item to paginate."""
    return {"alice": alice, "carol": carol}


def public_paths(site) -> list[str]:
    alice = site["alice"]
    slug = alice.person.slug
    return [
        "/",
        "/people/",
        f"/people/{slug}/",
        f"/people/{slug}/publications/",
        f"/people/{slug}/publications.bib",
        f"/people/{slug}/feed.xml",
        "/research/",
        alice.project.get_absolute_url(),
        "/publications/",
        alice.publication.get_absolute_url(),
        "/publications.bib",
        "/news/",
        "/feeds/news.xml",
        "/sitemap.xml",
        "/robots.txt",
        "/no-such-page/",
    ]


def answer(client: Client, path: str, host: str = A, **extra):
    response = client.get(path, HTTP_HOST=host, **extra)
    body = b"" if response.streaming else response.content
    assert response.status_code in (200, 301, 400, 404), (path, host, response.status_code)
    assert b"Traceback" not in body and b"File &quot;" not in body, path
    return response


@pytest.mark.parametrize("cached", [False, True])
def test_hostile_query_strings_never_fail(client, site, settings, cached):
    settings.LABSITE_PAGE_CACHE = cached
    for path in public_paths(site):
        for query in HOSTILE_QUERIES:
            answer(client, f"{path}?{query}")


def test_hostile_paths_never_fail(client, site):
    for path in [
        "/people/%00/",
        "/people/%ff/",
        "/people/..%2F..%2Fetc%2Fpasswd/",
        "/publications/99999999999999999999999/",
        "/publications/0/",
        "/publications/-1/",
        "/research/%3Cscript%3E/",
        "/%00",
        "/x%00y/?q=%00",
        "/" + "a" * 5000 + "/",
        "/people/" + "a" * 5000 + "/",
    ]:
        response = answer(client, path)
        assert response.status_code in (400, 404), path


def test_filter_values_reaching_sql_carry_no_nul(client, site, no_page_cache):
    """PostgreSQL refuses NUL in text (a 500 there); no hostile ``%00`` reaches a query."""
    seen: list[tuple[str, object]] = []

    def record(execute, sql, params, many, context):
        seen.append((sql, params))
        return execute(sql, params, many, context)

    paths = [
        "/publications/?q=a%00b&person=%00alice&year=20%0024&type=%00",
        "/x%00y/",
        "/x/?q=%00",
    ]
    for path in paths:
        seen.clear()
        with connection.execute_wrapper(record):
            answer(client, path)
        assert seen, path
        for sql, params in seen:
            values = [str(v) for v in (params or ())] + [sql]
            assert not any("\x00" in v for v in values), (path, sql, params)


def test_nul_in_search_is_dropped_not_fatal(client, site, no_page_cache):
    alice = site["alice"]
    response = answer(client, f"/publications/?q={alice.person.name.split()[0]}%00")
    assert response.status_code == 200
    assert [p.pk for p in response.context["publications"]] == [alice.publication.pk]


def test_query_filters_are_bounded(client, site, no_page_cache):
    response = answer(client, "/publications/?q=" + "a" * 10_000 + "&person=" + "p" * 5000)
    assert response.status_code == 200
    filters = response.context["filters"]
    assert len(filters["q"]) == 200
    assert len(filters["person"]) == 80
    assert filters["year"] == ""


@pytest.mark.parametrize("page", ["abc", "99999", "0", "-1"])
def test_news_page_out_of_range_is_404(client, site, page, no_page_cache):
    assert answer(client, f"/news/?page={page}").status_code == 404


def test_unknown_host_is_refused_by_allowed_hosts(client, site):
    """Not in ``ALLOWED_HOSTS``: Django's 400, not a 500 and not a page."""
    response = Client(raise_request_exception=False).get("/", HTTP_HOST="evil.example.com")
    assert response.status_code == 400


def test_unknown_allowed_host_gets_default_lab(site, settings, no_page_cache):
    """An allowed host no Site has (``ALLOWED_HOSTS = ["*"]``) falls back to the default lab."""
    settings.ALLOWED_HOSTS = ["*"]
    client = Client()
    for path in public_paths(site):
        answer(client, path, host="evil.example.com")
    response = answer(client, "/", host="evil.example.com")
    assert response.status_code == 200
    assert response.context["lab"].slug == "lab-a"


@pytest.mark.parametrize(
    ("host", "lab"),
    [
        (A, "lab-a"),
        (B, "lab-b"),
        (f"{B}:8000", "lab-b"),
        (B.upper(), "lab-b"),
        (f"{B.upper()}:8443", "lab-b"),
        (f"{B}.", "lab-b"),  # the fully qualified form of the same name
        ("127.0.0.1:8000", "lab-a"),
        ("[::1]:8000", "lab-a"),
    ],
)
def test_host_variants_resolve_to_their_lab(client, site, host, lab, no_page_cache):
    response = answer(client, "/people/", host=host)
    assert response.status_code == 200, host
    assert response.context["lab"].slug == lab


def test_cache_never_serves_one_hosts_page_to_another(site, settings):
    """Pages carry absolute URLs on the request's host: each host gets its own entry."""
    settings.ALLOWED_HOSTS = ["*"]
    settings.LABSITE_PAGE_CACHE = True
    client = Client()
    first = answer(client, "/", host="evil.example.com")
    assert first["X-Page-Cache"] == "miss"
    for host, lab in [(A, "Lab A"), (B, "Lab B")]:
        response = answer(client, "/", host=host)
        assert response["X-Page-Cache"] == "miss", host
        [canonical] = links(response.content, "canonical")
        assert canonical["href"] == f"http://{host}/"
        assert f"<title>{lab}" in response.content.decode()
    again = answer(client, "/", host=A)
    assert again["X-Page-Cache"] == "hit"
    [canonical] = links(again.content, "canonical")
    assert canonical["href"] == f"http://{A}/"


def test_cache_key_is_bounded_for_huge_query_strings(rf, site):
    request = rf.get("/publications/?q=" + "x" * 100_000, HTTP_HOST=A)
    key = page_key(request, 1)
    assert len(key) < 120
    assert key != page_key(rf.get("/publications/?q=y", HTTP_HOST=A), 1)


def test_huge_query_strings_are_answered_but_never_stored(client, site, settings):
    settings.LABSITE_PAGE_CACHE = True
    path = "/publications/?q=" + "z" * 10_000
    assert answer(client, path).status_code == 200
    assert "X-Page-Cache" not in answer(client, path)
    assert [k for k in cache._cache if "labsite:page:" in k] == []  # locmem's own store
    assert answer(client, "/publications/")["X-Page-Cache"] == "miss"
    keys = [k for k in cache._cache if "labsite:page:" in k]
    assert len(keys) == 1 and len(keys[0]) < 200


def test_head_and_options_never_fail(client, site):
    for path in public_paths(site):
        assert client.head(path, HTTP_HOST=A).status_code in (200, 404)
        assert client.options(path, HTTP_HOST=A).status_code in (200, 404, 405)
        assert client.post(path, HTTP_HOST=A).status_code in (403, 404, 405)


def test_made_up_hosts_do_not_grow_the_site_cache_forever(site, settings, no_page_cache):
    """With a wildcard in ALLOWED_HOSTS every subdomain is a new host; Django's process-wide
    ``SITE_CACHE`` that tenancy writes to stays bounded."""
    from django.contrib.sites.models import SITE_CACHE

    from labsite.tenancy import SITE_CACHE_LIMIT

    settings.ALLOWED_HOSTS = [".localhost"]
    client = Client()
    for i in range(SITE_CACHE_LIMIT + 50):
        client.get("/robots.txt", HTTP_HOST=f"x{i}.localhost")
    assert len(SITE_CACHE) <= SITE_CACHE_LIMIT
    assert answer(client, "/people/", host=B).context["lab"].slug == "lab-b"
