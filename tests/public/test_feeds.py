"""Atom feeds: the lab's news (its own and its members') and each member's, newest first."""

from __future__ import annotations

import datetime
import xml.etree.ElementTree as ET

import pytest

from tests import factories as f

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def entries(response) -> list[tuple[str, str, str]]:
    """``(title, link, updated)`` of each entry, in feed order."""
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    return [
        (
            e.findtext(f"{ATOM}title"),
            e.find(f"{ATOM}link").get("href"),
            e.findtext(f"{ATOM}updated"),
        )
        for e in root.findall(f"{ATOM}entry")
    ]


@pytest.fixture
def news(alice, bob, carol, lab_a, lab_b):
    alice.news.date = datetime.date(2024, 3, 1)
    alice.news.save()
    bob.news.date = datetime.date(2024, 5, 1)
    bob.news.save()
    lab_item = f.NewsItemFactory(
        person=None,
        lab=lab_a,
        text="We won the **best paper** award",
        date=datetime.date(2024, 4, 1),
    )
    carol.news.date = datetime.date(2024, 6, 1)
    carol.news.save()
    f.NewsItemFactory(person=None, lab=lab_b, text="Lab B news", date=datetime.date(2024, 7, 1))
    return {"alice": alice.news, "bob": bob.news, "lab": lab_item}


def test_lab_feed_lists_lab_and_member_news_newest_first(get, news):
    response = get("/feeds/news.xml")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    assert entries(response) == [
        (
            "Bob Brown news",
            f"http://lab-a.localhost/people/bob-brown/#news-{news['bob'].pk}",
            "2024-05-01T12:00:00+00:00",
        ),
        (
            "We won the best paper award",
            f"http://lab-a.localhost/news/#news-{news['lab'].pk}",
            "2024-04-01T12:00:00+00:00",
        ),
        (
            "Alice Anders news",
            f"http://lab-a.localhost/people/alice-anders/#news-{news['alice'].pk}",
            "2024-03-01T12:00:00+00:00",
        ),
    ]
    root = ET.fromstring(response.content)
    assert root.findtext(f"{ATOM}title") == "Lab A — news"
    assert root.findtext(f"{ATOM}id") == "http://lab-a.localhost/feeds/news.xml"
    summary = root.find(f"{ATOM}entry/{ATOM}summary")
    assert summary.get("type") == "html"
    assert summary.text == "<p>Bob Brown news</p>"


def test_member_feed_has_only_their_news(get, news, alice):
    f.NewsItemFactory(person=alice.person, text="Second item", date=datetime.date(2024, 8, 1))
    response = get("/people/alice-anders/feed.xml")
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    assert [title for title, _, _ in entries(response)] == ["Second item", "Alice Anders news"]
    root = ET.fromstring(response.content)
    assert root.findtext(f"{ATOM}title") == "Alice Anders — news"
    assert root.findtext(f"{ATOM}author/{ATOM}name") == "Alice Anders"


def test_other_lab_feed_on_its_host(get, news):
    assert [t for t, _, _ in entries(get("/feeds/news.xml", host="lab-b.localhost"))] == [
        "Lab B news",
        "Carol Chen news",
    ]


def test_member_page_advertises_its_feed(get, news):
    response = get("/people/alice-anders/")
    assert (
        b'<link rel="alternate" type="application/atom+xml" title="Alice Anders \xe2\x80\x94 news" '
        b'href="http://lab-a.localhost/people/alice-anders/feed.xml">' in response.content
    )


def test_an_empty_feed_is_the_same_bytes_every_time(get, alice, no_page_cache):
    """Django's Atom says "now" for a feed with no entries; ours does not change by itself."""
    import time

    path = f"/people/{alice.person.slug}/posts/feed.xml"
    first = get(path).content
    time.sleep(1.1)
    assert b"<updated>1970-01-01T00:00:00+00:00</updated>" in first
    assert get(path).content == first
