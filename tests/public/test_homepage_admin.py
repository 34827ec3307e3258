"""The homepage's default sections in the admin (issue 7, deliverable 4): the person form offers
each one as a pre-filled row that is saved only when the member changes it; and what a member
saves in the admin shows at once on every lab's cached pages."""

from __future__ import annotations

import datetime

import pytest

from people.models import NewsItem, Person, ProfileSection, Talk, Teaching
from tests import factories as f
from tests.public.conftest import A, B
from tests.test_admin_permissions import admin_url, form_data

pytestmark = pytest.mark.django_db


def one(data: dict, key: str) -> str:
    value = data[key]
    return value[0] if isinstance(value, list) else value


def section_rows(data: dict) -> list[tuple[str, str, str]]:
    """``(kind, title, order)`` of every sections-inline row in POST data, in form order."""
    total = int(one(data, "sections-TOTAL_FORMS"))
    return [
        tuple(one(data, f"sections-{i}-{name}") for name in ("kind", "title", "order"))
        for i in range(total)
    ]


def test_person_form_offers_the_default_sections_prefilled(client, alice):
    client.force_login(alice.user)
    url = admin_url(Person, "change", alice.person)
    data = form_data(client, url, Person)
    # The stored prose section (order 0), then one row per kind with content, numbered after it.
    assert section_rows(data) == [
        ("prose", "About Alice Anders", "0"),
        ("news", "News", "1"),
        ("publications", "Publications", "2"),
        ("projects", "Research", "3"),
        ("talks", "Talks", "4"),
        ("teaching", "Teaching", "5"),
        ("honors", "Honors and awards", "6"),
    ]
    assert one(data, "sections-INITIAL_FORMS") == "1"


def test_saving_untouched_stores_nothing_and_unticking_hides_a_section(client, alice):
    client.force_login(alice.user)
    url = admin_url(Person, "change", alice.person)
    response = client.post(url, form_data(client, url, Person))
    assert response.status_code == 302
    assert list(ProfileSection.objects.filter(person=alice.person).values_list("title")) == [
        ("About Alice Anders",)
    ]

    data = form_data(client, url, Person)
    talks = next(i for i, row in enumerate(section_rows(data)) if row[0] == "talks")
    del data[f"sections-{talks}-is_visible"]  # an unticked checkbox is not posted
    data["sections-1-order"] = "9"  # and news moved to the end
    assert client.post(url, data).status_code == 302
    # Once a section changes, every row the member saw is stored: the order they arranged holds.
    stored = ProfileSection.objects.filter(person=alice.person).order_by("order")
    assert [(s.kind, s.title, s.order, s.is_visible) for s in stored] == [
        ("prose", "About Alice Anders", 0, True),
        ("publications", "Publications", 2, True),
        ("projects", "Research", 3, True),
        ("talks", "Talks", 4, False),
        ("teaching", "Teaching", 5, True),
        ("honors", "Honors and awards", 6, True),
        ("news", "News", 9, True),
    ]
    page = client.get("/people/alice-anders/", HTTP_HOST=A)  # signed in: never from the cache
    kinds = [s.kind for s in page.context["sections"]]
    assert kinds == ["prose", "publications", "projects", "teaching", "honors", "news"]
    assert b"Alice Anders talk" not in page.content


def test_what_a_member_adds_in_the_admin_shows_at_once_on_every_lab(client, alice, lab_b):
    """The page cache is on (the default); alice also belongs to lab B: both labs' cached
    pages must show her new news, talk and course on the next anonymous request."""
    f.MembershipFactory(person=alice.person, lab=lab_b)
    for host in (A, B):
        assert client.get("/people/alice-anders/", HTTP_HOST=host)["X-Page-Cache"] == "miss"
        assert client.get("/people/alice-anders/", HTTP_HOST=host)["X-Page-Cache"] == "hit"
    client.force_login(alice.user)
    added = [
        (NewsItem, {"date": "2031-02-03", "date_precision": "day", "text": "Fresh news"}),
        (Talk, {"title": "Fresh talk", "kind": "talk", "date": "2031-02-01"}),
        (Teaching, {"course": "Fresh course"}),
    ]
    for model, values in added:
        url = admin_url(model, "add")
        response = client.post(url, form_data(client, url, model, **values))
        assert response.status_code == 302, model
    assert NewsItem.objects.get(text="Fresh news").date == datetime.date(2031, 2, 3)
    client.logout()
    client.cookies.clear()
    for host in (A, B):
        response = client.get("/people/alice-anders/", HTTP_HOST=host)
        assert response["X-Page-Cache"] == "miss"
        for text in (b"Fresh news", b"Fresh talk", b"Fresh course"):
            assert text in response.content, (host, text)
