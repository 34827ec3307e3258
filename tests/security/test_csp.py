"""Content-Security-Policy (issue 8, item 2): django-csp's header on every page, the page's one
inline script allowed by its hash — the same bytes for every visitor, so a cached page needs no
per-response secret (issue 9: stored compressed once) — and no ``'unsafe-inline'`` for scripts
anywhere.

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

INLINE_SCRIPTS = re.compile(rb"<script(?![^>]*\b(?:src|type)=)[^>]*>(.*?)</script>", re.DOTALL)


def policy(response) -> dict[str, list[str]]:
    """The header as ``{directive: [sources]}``."""
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


def sha256_source(text: bytes) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text).digest()).decode() + "'"


def inline_scripts(response) -> list[bytes]:
    return INLINE_SCRIPTS.findall(response.content)


def hash_of_theme_script() -> str:
    from django.template.loader import render_to_string

    (script,) = re.findall(r"<script>(.*?)</script>", render_to_string("base.html"), re.DOTALL)
    return sha256_source(script.encode())


def hash_of_500_styles() -> str:
    from django.template.loader import render_to_string

    (style,) = re.findall(r"<style>(.*?)</style>", render_to_string("500.html"), flags=re.DOTALL)
    return "'sha256-" + base64.b64encode(hashlib.sha256(style.encode()).digest()).decode() + "'"


EXPECTED = {
    "default-src": ["'self'"],
    "script-src": ["'self'", "theme"],
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


def expected() -> dict[str, list[str]]:
    """The same policy on every page, the admin's included."""
    named = {"500.html": hash_of_500_styles, "theme": hash_of_theme_script}
    return {k: [named[s]() if s in named else s for s in v] for k, v in EXPECTED.items()}


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
    assert sources["script-src"] == ["'self'", hash_of_theme_script()]
    assert [s for v in sources.values() for s in v if s in ("'unsafe-eval'", "*")] == []
    assert "script-src-attr" not in sources and "script-src-elem" not in sources


def test_the_admin_allows_no_inline_script(client, alice):
    # Django 5.2's admin has no inline scripts (its data rides on data- attributes of <script
    # src>); the theme script's hash allows that one script only.
    response = client.get("/admin/login/", HTTP_HOST=A)
    assert response.status_code == 200
    assert policy(response) == expected()
    client.force_login(alice.user)
    response = client.get(f"/admin/people/person/{alice.person.pk}/change/", HTTP_HOST=A)
    assert response.status_code == 200
    assert policy(response)["script-src"] == ["'self'", hash_of_theme_script()]
    assert re.findall(rb"<script(?![^>]*\bsrc=)[^>]*>", response.content) == []


@pytest.mark.parametrize("path_", ["/", "/people/alice-anders/", "/no-such-page/"])
def test_every_inline_script_is_allowed_by_its_hash(client, settings, alice, path_):
    settings.LABSITE_PAGE_CACHE = False
    response = client.get(path_, HTTP_HOST=A)
    scripts = inline_scripts(response)
    assert scripts, "the theme script is in every page"
    allowed = policy(response)["script-src"]
    assert [sha256_source(s) for s in scripts if sha256_source(s) not in allowed] == []
    assert "'nonce-" not in response["Content-Security-Policy"]


def test_a_cache_hit_is_the_stored_page_and_policy(client, alice):
    miss = client.get("/people/alice-anders/", HTTP_HOST=A)
    hits = [client.get("/people/alice-anders/", HTTP_HOST=A) for _ in range(2)]
    assert [r["X-Page-Cache"] for r in (miss, *hits)] == ["miss", "hit", "hit"]
    for response in (miss, *hits):
        assert policy(response) == expected()
        assert response["Content-Length"] == str(len(response.content))
        assert response.content == miss.content


def test_a_page_that_relies_on_a_nonce_is_never_stored():
    from django.http import HttpResponse

    from labsite.cache import PageCacheMiddleware

    response = HttpResponse("<script nonce=abc>x()</script>")
    assert PageCacheMiddleware.storable(response)
    response["Content-Security-Policy"] = "script-src 'self' 'nonce-abc'"
    assert not PageCacheMiddleware.storable(response)


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
