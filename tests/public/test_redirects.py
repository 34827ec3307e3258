"""Old addresses (imported permalinks, redirect_from) answer 301, per lab, only where a page
would 404."""

from __future__ import annotations

import pytest

from labsite.models import Redirect
from tests.public.conftest import B

pytestmark = pytest.mark.django_db


@pytest.fixture
def redirects(lab_a, lab_b, alice, carol):
    Redirect.objects.create(lab=lab_a, old_path="/publications.html", new_path="/publications/")
    Redirect.objects.create(lab=lab_a, old_path="about/", new_path="/people/alice-anders/")
    Redirect.objects.create(lab=lab_a, old_path="/people/", new_path="/nowhere/")
    Redirect.objects.create(lab=lab_b, old_path="/cv.html", new_path="/people/carol-chen/")


@pytest.mark.parametrize(
    ("path", "target"),
    [
        ("/publications.html", "/publications/"),
        ("/about/", "/people/alice-anders/"),
        ("/about", "/people/alice-anders/"),
    ],
)
def test_old_path_redirects_permanently(get, redirects, path, target):
    response = get(path)
    assert response.status_code == 301
    assert response["Location"] == target


def test_redirect_never_shadows_a_real_page(get, redirects):
    assert get("/people/").status_code == 200


def test_other_labs_redirects_do_not_apply(get, redirects):
    assert get("/cv.html").status_code == 404
    response = get("/cv.html", host=B)
    assert (response.status_code, response["Location"]) == (301, "/people/carol-chen/")
    assert get("/publications.html", host=B).status_code == 404
