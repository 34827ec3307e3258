"""Content-Security-Policy (issue 8, item 2): django-csp's header on every page, a nonce per
response that matches the page's one inline script — also when the page comes from the
full-page cache — and no ``'unsafe-inline'`` for scripts anywhere.

The browser's side (no violation on any page type, the admin and markdownx working) is in
tests/browser/test_csp.py.
"""

from __future__ import annotations

import base64
import hashlib
import re

import pytest
from django.urls import path

from labsite import urls as site_urls
from tests.public.conftest import A

pytestmark = pytest.mark.django_db

NONCE = re.compile(r"'nonce-([^']+)'")
SCRIPT_NONCES = re.compile(rb'<script nonce="([^"]*)">')


def policy(response) -> dict[str, list[str]]:
    """The header as ``{directive: [sources]}``, the nonce written as ``'nonce-…'``."""
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *sources = part.split()
        directives[name] = [NONCE.sub("'nonce-…'", source) for source in sources]
    return directives


def nonce_of(response) -> str:
    (nonce,) = NONCE.findall(response["Content-Security-Policy"])
    return nonce


def page_nonces(response) -> list[str]:
    return [n.decode() for n in SCRIPT_NONCES.findall(response.content)]


def hash_of_500_styles() -> str:
    from django.template.loader import render_to_string

    (style,) = re.findall(r"<style>(.*?)</style>", render_to_string("500.html"), flags=re.DOTALL)
    return "'sha256-" + base64.b64encode(hashlib.sha256(style.encode()).digest()).decode() + "'"


EXPECTED = {
    "default-src": ["'self'"],
    "script-src": ["'self'", "'nonce-…'"],
    "style-src": ["'self'", "500.html"],
    "style-src-attr": ["'unsafe-inline'"],
    "img-src": ["'self'", "https:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}


def expected(*, nonce: bool = True) -> dict[str, list[str]]:
    result = {
        k: [hash_of_500_styles() if s == "500.html" else s for s in v] for k, v in EXPECTED.items()
    }
    if not nonce:
        result["script-src"] = ["'self'"]
    return result


def test_a_public_page_has_the_whole_policy(client, alice):
    response = client.get("/", HTTP_HOST=A)
    assert response.status_code == 200
    assert policy(response) == expected()
    assert "Content-Security-Policy-Report-Only" not in response


@pytest.mark.parametrize(
    "path_",
    ["/", "/people/", "/people/alice-anders/", "/publications/", "/news/", "/no-such-page/"],
)
def test_no_unsafe_inline_or_eval_for_scripts_on_any_page(client, alice, path_):
    response = client.get(path_, HTTP_HOST=A)
    sources = policy(response)
    assert sources["script-src"] == ["'self'", "'nonce-…'"]
    assert [s for v in sources.values() for s in v if s in ("'unsafe-eval'", "*")] == []
    assert "script-src-attr" not in sources and "script-src-elem" not in sources


def test_the_admin_allows_no_inline_script(client, alice):
    # Django 5.2's admin has no inline scripts (its data rides on data- attributes of <script
    # src>), so its pages use no nonce and name none.
    response = client.get("/admin/login/", HTTP_HOST=A)
    assert response.status_code == 200
    assert policy(response) == expected(nonce=False)
    client.force_login(alice.user)
    response = client.get(f"/admin/people/person/{alice.person.pk}/change/", HTTP_HOST=A)
    assert response.status_code == 200
    assert policy(response)["script-src"] == ["'self'"]
    assert re.findall(rb"<script(?![^>]*\bsrc=)[^>]*>", response.content) == []


def test_the_nonce_changes_per_response_and_matches_the_theme_script(client, settings, alice):
    settings.LABSITE_PAGE_CACHE = False
    first = client.get("/people/alice-anders/", HTTP_HOST=A)
    second = client.get("/people/alice-anders/", HTTP_HOST=A)
    assert page_nonces(first) == [nonce_of(first)]
    assert page_nonces(second) == [nonce_of(second)]
    assert nonce_of(first) != nonce_of(second)
    assert len(base64.b64decode(nonce_of(first))) == 16


def test_a_cache_hit_gets_a_fresh_nonce_in_its_html_and_its_header(client, alice):
    miss = client.get("/people/alice-anders/", HTTP_HOST=A)
    hits = [client.get("/people/alice-anders/", HTTP_HOST=A) for _ in range(2)]
    assert [r["X-Page-Cache"] for r in (miss, *hits)] == ["miss", "hit", "hit"]
    nonces = [nonce_of(r) for r in (miss, *hits)]
    assert len(set(nonces)) == 3
    for response in (miss, *hits):
        assert page_nonces(response) == [nonce_of(response)]
        assert policy(response) == expected()
        assert response["Content-Length"] == str(len(response.content))
    # Apart from the nonce, the stored page.
    pages = (miss, *hits)
    blank = [r.content.replace(n.encode(), b"N") for r, n in zip(pages, nonces, strict=True)]
    assert blank == [blank[0]] * 3


def test_a_revalidated_cache_hit_is_304_without_a_new_policy(client, alice):
    miss = client.get("/people/alice-anders/", HTTP_HOST=A)
    again = client.get("/people/alice-anders/", HTTP_HOST=A, HTTP_IF_NONE_MATCH=miss["ETag"])
    # The browser keeps the page and the policy it stored together; a 304 must not name a
    # nonce that page does not carry.
    assert again.status_code == 304
    assert "Content-Security-Policy" not in again


def boom(request):
    raise RuntimeError("boom")


urlpatterns = [path("boom/", boom), *site_urls.urlpatterns]
handler404 = site_urls.handler404
handler500 = site_urls.handler500


@pytest.mark.urls("tests.security.test_csp")
def test_the_500_page_keeps_its_inline_style_by_hash(client, settings, alice):
    # Rendered without a request, the 500 page can carry no nonce: its <style> is allowed by
    # its hash, computed from the template when the settings load.
    settings.DEBUG = False
    client.raise_request_exception = False
    response = client.get("/boom/", HTTP_HOST=A)
    assert response.status_code == 500
    (style,) = re.findall(rb"<style>(.*?)</style>", response.content, flags=re.DOTALL)
    digest = base64.b64encode(hashlib.sha256(style).digest()).decode()
    assert policy(response)["style-src"] == ["'self'", f"'sha256-{digest}'"]
