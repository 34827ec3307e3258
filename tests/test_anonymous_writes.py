"""An anonymous request writes nothing, at any URL (DESIGN.md: Permissions).

Every URL pattern is walked, its converters filled with real ids and slugs of the cast, and
POSTed to without logging in, with form data and an image: the row count of every model and the
files under MEDIA_ROOT must not change. markdownx's preview and upload get their own checks,
for a non-staff user too, and for a staff member the preview is the page's own renderer.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import get_resolver, reverse
from django.urls.resolvers import RegexPattern, URLResolver
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from PIL import Image

from labsite.markdown import render_markdown
from labsite.models import Redirect
from people.models import Person
from tests import factories as f
from tests.conftest import make_cast, make_lab_a, make_lab_b, rows_for_the_module, shared_copy

pytestmark = pytest.mark.django_db


def _routes(patterns, prefix: str = "") -> list[str]:
    """Every URL pattern as one string: ``admin/people/person/<path:object_id>/change/``."""
    routes = []
    for pattern in patterns:
        text = str(pattern.pattern)
        if isinstance(pattern.pattern, RegexPattern):
            text = text.removeprefix("^").removesuffix("$")
        if isinstance(pattern, URLResolver):
            routes += _routes(pattern.url_patterns, prefix + text)
        else:
            routes.append(prefix + text)
    return routes


ROUTES = _routes(get_resolver().url_patterns)


def fill(route: str, world) -> str:
    """``route`` with each converter or regex group replaced by a value that resolves."""
    alice = world["alice"]
    admin_model = re.match(r"admin/(\w+)/(\w+)/", route)

    def value(name: str) -> str:
        if name == "id":  # the user admin's password form
            return str(alice.user.pk)
        if name == "object_id":
            if admin_model:
                model = apps.get_model(*admin_model.groups())
                return str(model._default_manager.order_by("pk").first().pk)
            return str(alice.person.pk)
        if name == "content_type_id":
            return str(ContentType.objects.get_for_model(Person).pk)
        if name == "slug":
            return alice.project.slug if route.startswith("research/") else alice.person.slug
        if name == "person_slug":
            return alice.person.slug
        if name == "pk":
            return str(alice.publication.pk)
        if name == "app_label":
            return "people"
        if name == "url":
            return "nowhere/"
        if name == "path":
            return "nothing.png"
        if name == "uidb64":  # the set-password link: alice's, without a token in the session
            return urlsafe_base64_encode(force_bytes(alice.user.pk))
        if name == "token":
            return "set-password"
        raise AssertionError(f"no value for <{name}> in {route}")

    route = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: value(m.group(1)), route)
    route = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: value(m.group(1)), route)
    return "/" + route


def png_bytes(size=(8, 8)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "red").save(out, format="PNG")
    return out.getvalue()


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.managed
    }


def media_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.fixture(scope="module")
def _shared(django_db_setup, django_db_blocker):
    """One row of every admin model, so that every object URL names a real object; written
    once for the module's 236 tests."""
    with rows_for_the_module(django_db_blocker):
        lab_a = make_lab_a()
        cast = make_cast(lab_a, make_lab_b())
        Group.objects.create(name="editors")
        Redirect.objects.create(lab=lab_a, old_path="/old/", new_path="/people/")
        f.PostFactory(person=cast["alice"].person)
        seen = {
            "user_agent": "test",
            "ip_address": "203.0.113.5",
            "username": "bob",
            "path_info": "/",
        }
        AccessAttempt.objects.create(**seen, get_data="", post_data="", failures_since_start=1)
        AccessLog.objects.create(**seen)
        AccessFailureLog.objects.create(**seen)
        yield cast


@pytest.fixture
def world(_shared, db):
    return shared_copy(_shared)


def test_every_route_is_walked():
    # The walk sees the admin, markdownx and the public pages; a new include shows up here.
    assert {"markdownx/upload/", "markdownx/markdownify/", "admin/login/", ""} <= set(ROUTES)
    assert len(ROUTES) > 80


@pytest.mark.parametrize("route", ROUTES)
def test_anonymous_post_writes_nothing(client, world, route):
    url = fill(route, world)
    before = row_counts()
    data = {
        "title": "Written by nobody",
        "name": "Nobody",
        "text": "anonymous news",
        "content": "# anonymous",
        "username": "root",
        "password": "not-the-password",
        "post": "yes",
        "_save": "Save",
        "image": SimpleUploadedFile("x.png", png_bytes(), content_type="image/png"),
    }
    response = client.post(
        url, data, HTTP_HOST="lab-a.localhost", HTTP_X_REQUESTED_WITH="XMLHttpRequest"
    )
    assert response.status_code in {200, 302, 400, 403, 404, 405}, (url, response.status_code)
    if url == reverse("admin:login"):
        # The one write: django-axes counts the failed sign-in (labsite/lockout.py).
        before["axes.AccessAttempt"] += 1
    assert row_counts() == before, url
    assert media_files() == [], url


@pytest.mark.parametrize("name", ["markdownx_upload", "markdownx_markdownify"])
@pytest.mark.parametrize("who", ["anonymous", "not_staff"])
def test_markdownx_refuses_anyone_but_staff(client, world, name, who):
    if who == "not_staff":
        client.force_login(f.UserFactory(username="visitor", is_staff=False))
    url = reverse(name)
    response = client.post(
        url,
        {
            "content": "**bold**",
            "image": SimpleUploadedFile("x.png", png_bytes(), content_type="image/png"),
        },
        HTTP_X_REQUESTED_WITH="XMLHttpRequest",
    )
    assert (response.status_code, response.headers["Location"]) == (
        302,
        f"{reverse('admin:login')}?next={url}",
    )
    assert b"<strong>" not in response.content
    assert media_files() == []


def test_staff_preview_is_the_page_renderer(client, world):
    text = (
        "# Hello\n\nSome *markdown* with <u>underline</u>, <sup>1</sup>, "
        '<span style="color:red">red</span> and <script>alert(1)</script> '
        '[a link](javascript:alert(1)) <img src="x.png" onerror="alert(1)">'
    )
    client.force_login(world["alice"].user)
    response = client.post(reverse("markdownx_markdownify"), {"content": text})
    assert response.status_code == 200
    assert response.content.decode() == render_markdown(text)
    assert "<script" not in response.content.decode()
    assert "onerror" not in response.content.decode()


def test_staff_upload_is_the_one_that_writes(client, world):
    """The control for the tests above: a staff member's upload does write a file."""
    client.force_login(world["alice"].user)
    response = client.post(
        reverse("markdownx_upload"),
        {"image": SimpleUploadedFile("x.png", png_bytes(), content_type="image/png")},
        HTTP_X_REQUESTED_WITH="XMLHttpRequest",
    )
    assert response.status_code == 200
    files = media_files()
    assert len(files) == 1
    assert response.json()["image_code"].startswith("![](")
    assert files[0].suffix == ".png"


def test_staff_upload_refuses_a_file_that_is_not_an_image(client, world):
    client.force_login(world["alice"].user)
    response = client.post(
        reverse("markdownx_upload"),
        {"image": SimpleUploadedFile("x.png", b"<script>", content_type="image/png")},
        HTTP_X_REQUESTED_WITH="XMLHttpRequest",
    )
    assert response.status_code == 400
    assert media_files() == []


def test_staff_upload_names_the_file_by_what_it_is(client, world):
    # markdownx stores GIFs untouched and used to keep the uploaded name's extension: "x.html".
    out = io.BytesIO()
    Image.new("P", (4, 4)).save(out, format="GIF")
    client.force_login(world["alice"].user)
    response = client.post(
        reverse("markdownx_upload"),
        {"image": SimpleUploadedFile("x.html", out.getvalue(), content_type="image/gif")},
        HTTP_X_REQUESTED_WITH="XMLHttpRequest",
    )
    assert response.status_code == 200
    assert [p.suffix for p in media_files()] == [".gif"]
