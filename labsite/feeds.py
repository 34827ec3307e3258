"""Atom feeds of news and blog posts: the lab's (``/feeds/news.xml``, ``/posts/feed.xml``) and
each member's (``/people/<slug>/feed.xml``, ``/people/<slug>/posts/feed.xml``).

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
from people.models import NewsItem, Person, Post

#: Entries per feed: feed readers only look at the newest.
FEED_ITEMS = 50


class StableAtomFeed(Atom1Feed):
    """Atom, with an empty feed's ``<updated>`` fixed instead of "now": the same content gives
    the same bytes (ETags, the page cache and export_site's second run write nothing new)."""

    EMPTY_UPDATED = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)

    def latest_post_date(self) -> datetime.datetime:
        if not self.items:
            return self.EMPTY_UPDATED
        return super().latest_post_date()


def _when(date: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(date, datetime.time(12, 0), tzinfo=datetime.UTC)


def _atom(request: HttpRequest, *, title: str, link: str, subtitle: str, author: str):
    """An empty Atom document for the page ``link``, at the request's own address."""
    return StableAtomFeed(
        title=title,
        link=absolute(request, link),
        description=subtitle,
        feed_url=absolute(request, request.path),
        feed_guid=absolute(request, request.path),
        author_name=author,
        language="en",
    )


def _response(feed: StableAtomFeed) -> HttpResponse:
    response = HttpResponse(content_type="application/atom+xml; charset=utf-8")
    feed.write(response, "utf-8")
    return response


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
    feed = _atom(request, title=title, link=link, subtitle=subtitle, author=author)
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
    return _response(feed)


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


def posts_feed(
    request: HttpRequest,
    *,
    title: str,
    link: str,
    subtitle: str,
    author: str,
    posts: Iterable[Post],
) -> HttpResponse:
    """An Atom document of blog ``posts``, each with its whole (sanitized) text."""
    feed = _atom(request, title=title, link=link, subtitle=subtitle, author=author)
    for post in posts:
        url = absolute(request, post.get_absolute_url())
        feed.add_item(
            title=post.title,
            link=url,
            unique_id=url,
            description=post.body_html or post.excerpt,
            pubdate=_when(post.date),
            updateddate=post.updated or _when(post.date),
            author_name=post.person.name if post.person_id else author,
            categories=post.tags,
        )
    return _response(feed)


class LabPostsFeed(LabMixin, View):
    """The lab's posts and its members', newest first; never a draft."""

    def get(self, request, *args, **kwargs):
        posts = (
            Post.objects.for_lab(self.lab)
            .published()
            .select_related("person", "lab")
            .newest_first()
        )
        return posts_feed(
            request,
            title=f"{self.lab.name} — blog",
            link="/posts/",
            subtitle=f"Posts from {self.lab.name}",
            author=self.lab.name,
            posts=posts[:FEED_ITEMS],
        )


class PersonPostsFeed(LabMixin, View):
    """One member's posts; a person outside the request's lab is a 404."""

    def get(self, request, *args, **kwargs):
        person = get_object_or_404(Person.objects.for_lab(self.lab), slug=kwargs["slug"])
        posts = list(Post.objects.published().for_person(person).newest_first()[:FEED_ITEMS])
        for post in posts:
            post.person = person
        return posts_feed(
            request,
            title=f"{person.name} — blog",
            link=f"{person.get_absolute_url()}posts/",
            subtitle=f"Posts by {person.name}",
            author=person.name,
            posts=posts,
        )
