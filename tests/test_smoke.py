from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_member_page_shows_the_members_publication(client, alice, bob):
    response = client.get("/people/alice-anders/", HTTP_HOST="lab-a.localhost")
    assert response.status_code == 200
    titles = [p.title for p in response.context["selected_publications"]]
    assert titles == ["Alice Anders's paper"]


def test_healthz_answers_ok(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
