"""No silent overwrite: a save from a form older than the object's last change is refused.

Two editors, each with their own session (``Client``), open the same change form; the first
saves, the second saves from the old page. The POST data is read from the rendered pages.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client

from labsite.admin import STAMP_FIELD
from people.models import NewsItem
from publications.models import Authorship, Publication
from tests import factories as f
from tests.test_admin_permissions import _FormFields, admin_url, form_data

pytestmark = pytest.mark.django_db


def client_for(member) -> Client:
    client = Client()
    client.force_login(member.user)
    return client


def page_form(response, model) -> dict:
    parser = _FormFields(f"{model._meta.model_name}_form")
    parser.feed(response.content.decode())
    data: dict = dict(parser.data)
    data["_save"] = "Save"
    return data


def errors(response) -> list[str]:
    """The form's own (non-field) error lines, as the page shows them."""
    html = response.content.decode()
    block = re.search(r'<ul class="errorlist nonfield">(.*?)</ul>', html, re.S)
    assert block is not None, "no form-wide error on the page"
    return [re.sub(r"\s+", " ", item).strip() for item in re.findall(r"<li>(.*?)</li>", block[1])]


@pytest.fixture
def shared_paper(alice, bob):
    """Alice's paper with Bob as a co-author: both may edit it."""
    paper = alice.publication
    f.AuthorshipFactory(publication=paper, person=bob.person, position=2)
    return paper


def test_second_save_from_an_old_form_is_refused_then_saved_from_the_refreshed_form(
    alice, bob, shared_paper
):
    url = admin_url(Publication, "change", shared_paper)
    a, b = client_for(alice), client_for(bob)
    a_data = form_data(a, url, Publication, title="Title by Alice")
    b_data = form_data(b, url, Publication, venue="Venue by Bob")
    assert a.post(url, a_data).status_code == 302

    refused = b.post(url, b_data)
    assert refused.status_code == 200
    assert errors(refused) == [
        "Someone saved this publication after you opened this form; nothing was saved. "
        "Changed meanwhile:",
        "Title is now “Title by Alice” (the form shows it).",
        "Save again to keep what the form shows now.",
    ]
    again = page_form(refused, Publication)
    assert (again["title"], again["venue"]) == (["Title by Alice"], ["Venue by Bob"])
    paper = Publication.objects.get(pk=shared_paper.pk)
    assert (paper.title, paper.venue) == ("Title by Alice", "Conference on Things")

    assert b.post(url, again).status_code == 302
    paper.refresh_from_db()
    assert (paper.title, paper.venue) == ("Title by Alice", "Venue by Bob")


def test_an_author_list_change_makes_the_parent_form_stale(alice, bob, shared_paper):
    url = admin_url(Publication, "change", shared_paper)
    a, b = client_for(alice), client_for(bob)
    a_data = form_data(a, url, Publication)
    b_data = form_data(b, url, Publication, venue="Venue by Bob")
    outside = next(k for k, v in a_data.items() if k.endswith("-name") and v == ["Outside Author"])
    a_data[outside] = "Renamed Outsider"
    assert a.post(url, a_data).status_code == 302

    refused = b.post(url, b_data)
    assert refused.status_code == 200
    assert errors(refused)[1] == (
        "Its related rows (authors, links, collaborators, …) were edited; the lists below show "
        "them as you opened the page: reload it to see the new ones."
    )
    names = Authorship.objects.filter(publication=shared_paper).order_by("position")
    assert list(names.values_list("name", flat=True)) == [
        "Alice Anders",
        "Renamed Outsider",
        "Bob Brown",
    ]
    assert Publication.objects.get(pk=shared_paper.pk).venue == "Conference on Things"


def test_stale_form_on_a_model_without_timestamp_keeps_both_inputs(alice, dana):
    news = alice.news
    url = admin_url(NewsItem, "change", news)
    a, b = client_for(alice), client_for(dana)
    a_data = form_data(a, url, NewsItem, text="Alice's wording")
    b_data = form_data(b, url, NewsItem, text="Dana's wording")
    assert a.post(url, a_data).status_code == 302

    refused = b.post(url, b_data)
    assert refused.status_code == 200
    assert errors(refused)[1] == (
        "Text is now “Alice&#x27;s wording”; you changed it too, and the form keeps your value: "
        "check which one to keep."
    )
    assert page_form(refused, NewsItem)["text"] == ["Dana's wording"]
    assert NewsItem.objects.get(pk=news.pk).text == "Alice's wording"
    assert b.post(url, page_form(refused, NewsItem)).status_code == 302
    assert NewsItem.objects.get(pk=news.pk).text == "Dana's wording"


def test_single_editor_saves_as_before(alice):
    paper = alice.publication
    url = admin_url(Publication, "change", paper)
    client = client_for(alice)
    data = form_data(client, url, Publication, title="One")
    assert data[STAMP_FIELD] != [""]  # the page carries the stamp
    assert client.post(url, data).status_code == 302
    assert client.post(url, form_data(client, url, Publication, title="Two")).status_code == 302
    assert Publication.objects.get(pk=paper.pk).title == "Two"
    # Adding has no stamp to check and saves as before.
    add = admin_url(NewsItem, "add")
    added = client.post(add, form_data(client, add, NewsItem, text="Brand new item"))
    assert added.status_code == 302
    new = NewsItem.objects.filter(text="Brand new item")
    assert list(new.values_list("person", flat=True)) == [alice.person.pk]
