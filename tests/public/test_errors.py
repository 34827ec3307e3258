"""404 and 500 pages in the lab's style, with DEBUG off; the 500 handler needs no database."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from django.urls import path

from labsite import urls as site_urls
from labsite import views

pytestmark = pytest.mark.django_db


def boom(request):
    raise RuntimeError("boom")


# A URLconf with a view that fails, and the site's own error handlers.
urlpatterns = [path("boom/", boom), *site_urls.urlpatterns]
handler404 = site_urls.handler404
handler500 = site_urls.handler500


def test_404_page_with_debug_off(client, settings, alice):
    settings.DEBUG = False
    response = client.get("/people/nobody/", HTTP_HOST="lab-a.localhost")
    assert response.status_code == 404
    assert b"Lab A" in response.content
    assert response.templates[0].name == "404.html"


@pytest.mark.urls("tests.public.test_errors")
def test_500_page_with_debug_off(client, settings, alice):
    settings.DEBUG = False
    client.raise_request_exception = False
    response = client.get("/boom/", HTTP_HOST="lab-a.localhost")
    assert response.status_code == 500
    assert b"Something went wrong" in response.content or b"Server error" in response.content


def test_500_handler_touches_no_database_and_no_lab(django_assert_num_queries):
    request = RequestFactory().get("/anything/")  # no request.lab, no user
    with django_assert_num_queries(0):
        response = views.server_error(request)
    assert response.status_code == 500
    assert response.content.startswith(b"<!doctype html>")


def test_500_handler_falls_back_when_the_template_breaks(monkeypatch, caplog):
    def broken(name):
        raise RuntimeError("template broken")

    monkeypatch.setattr(views.loader, "get_template", broken)
    response = views.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert response.content.decode() == views.FALLBACK_500
