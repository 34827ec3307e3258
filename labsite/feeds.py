"""Atom feeds of news: the lab's (``/feeds/news.xml``) and each member's
(``/people/<slug>/feed.xml``).

Built with ``django.utils.feedgenerator.Atom1Feed`` directly rather than the syndication
framework's ``Feed`` view, because ``Feed`` finds its domain through ``get_current_site``, which
fails on a host that only reaches a lab by the default-lab fallback (``127.0.0.1``) and keeps a
process-wide cache; here every URL is absolute on the request's own host, like the sitemap.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Atom1Feed
from django.views import View

from labsite.mixins import LabMixin
from labsite.seo import absolute, plain
from people.models import NewsItem, Person

#: Entries per feed: feed readers only look at the newest.
FEED_ITEMS = 50


def _when(date: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(date, datetime.time(12, 0), tzinfo=datetime.UTC)


def news_feed(
    request: HttpRequest,
    *,
    title: str,
    link: str,
    subtitle: str,
    author: str,
    items: Iterable[NewsItem],
) -> HttpResponse:
    """An Atom document of ``items``; ``link`` is the page the feed mirrors."""
    feed = Atom1Feed(
        title=title,
        link=absolute(request, link),
        description=subtitle,
        feed_url=absolute(request, request.path),
        feed_guid=absolute(request, request.path),
        author_name=author,
        language="en",
    )
    for item in items:
        url = absolute(request, item.get_absolute_url())
        feed.add_item(
            title=plain(item.text_html, words=14) or f"News of {item.date:%Y-%m-%d}",
            link=url,
            unique_id=url,
            description=item.text_html,
            pubdate=_when(item.date),
            updateddate=_when(item.date),
            author_name=item.person.name if item.person_id else author,
        )
    response = HttpResponse(content_type="application/atom+xml; charset=utf-8")
    feed.write(response, "utf-8")
    return response


class LabNewsFeed(LabMixin, View):
    """The lab's own news and its members', newest first."""

    def get(self, request, *args, **kwargs):
        items = (
            NewsItem.objects.for_lab(self.lab)
            .select_related("person")
            .order_by("-date", "order", "-pk")
        )
        return news_feed(
            request,
            title=f"{self.lab.name} — news",
            link="/news/",
            subtitle=self.lab.tagline or f"News from {self.lab.name}",
            author=self.lab.name,
            items=items[:FEED_ITEMS],
        )


class PersonNewsFeed(LabMixin, View):
    """One member's news; a person outside the request's lab is a 404."""

    def get(self, request, *args, **kwargs):
        person = get_object_or_404(Person.objects.for_lab(self.lab), slug=kwargs["slug"])
        items = (
            NewsItem.objects.for_person(person)
            .select_related("person")
            .order_by("-date", "order", "-pk")
        )
        return news_feed(
            request,
            title=f"{person.name} — news",
            link=person.get_absolute_url(),
            subtitle=f"News from {person.name}",
            author=person.name,
            items=items[:FEED_ITEMS],
        )
