"""Site search within one lab: ``/search/?q=``.

People, projects, publications, posts and news of the request's lab only — every kind starts
from its lab-scoped queryset (``for_lab``), so a word that only another lab's pages hold finds
nothing. On PostgreSQL the words are matched by full-text search (``SearchVector`` over the
same fields, ``websearch_to_tsquery``: stemming, quoted phrases, ``-word``) and ranked; on
SQLite (the zero-set-up default) every word must appear in one of the fields
(``icontains``), newest first.

The work is bounded whatever is typed: the query is cut to ``MAX_QUERY_CHARS`` and
``MAX_TERMS`` words, each kind returns at most ``PER_KIND`` rows (one query per kind, fixed), and
on PostgreSQL the match is a GIN index lookup (people/migrations/0005_post.py) and only the
newest ``RANK_CANDIDATES`` matches of a kind are ranked.
Results are never stored in the page cache (the view does not ``accept_query``), so arbitrary
queries cannot fill it.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import reduce
from typing import Any

from django.db import connections
from django.db.models import Q, QuerySet
from django.views.generic import TemplateView

from labsite.mixins import LabMixin
from labsite.seo import PageMetaMixin, page_meta
from people.models import Lab, NewsItem, Person, Post
from publications.models import Publication
from research.models import Project

MAX_QUERY_CHARS = 200
MAX_TERMS = 10
PER_KIND = 20
#: On PostgreSQL, how many of the newest matches of a kind are ranked.
RANK_CANDIDATES = 200
#: PostgreSQL text search configuration: English stemming ("learning" finds "learned").
SEARCH_CONFIG = "english"


def _people(lab: Lab) -> QuerySet:
    # A subquery, not for_lab's DISTINCT join: ranking orders by an expression.
    return Person.objects.filter(pk__in=Person.objects.for_lab(lab).values("pk"))


def _news(lab: Lab) -> QuerySet:
    lab_news = NewsItem.objects.for_lab(lab).values("pk")
    return NewsItem.objects.filter(pk__in=lab_news).select_related("person")


@dataclass(frozen=True)
class Kind:
    """One kind of result: its lab-scoped rows and the fields searched, most telling first."""

    key: str
    label: str
    fields: tuple[str, ...]
    rows: Callable[[Lab], QuerySet]


KINDS: tuple[Kind, ...] = (
    Kind("people", "People", ("name", "position", "affiliation", "bio"), _people),
    Kind(
        "projects",
        "Research",
        ("title", "summary", "body"),
        lambda lab: Project.objects.for_lab(lab).published(),
    ),
    Kind(
        "publications",
        "Publications",
        ("title", "venue", "short_venue", "abstract"),
        lambda lab: Publication.objects.for_lab(lab),
    ),
    Kind(
        "posts",
        "Blog posts",
        ("title", "excerpt", "body"),
        lambda lab: Post.objects.for_lab(lab).published().select_related("person", "lab"),
    ),
    Kind("news", "News", ("text",), _news),
)


@dataclass
class Group:
    kind: Kind
    rows: list[Any]
    more: bool  # more than PER_KIND matched; only the first PER_KIND are listed


@dataclass
class Results:
    query: str
    groups: list[Group] = field(default_factory=list)
    truncated: bool = False  # the query was cut to MAX_QUERY_CHARS / MAX_TERMS

    @property
    def total(self) -> int:
        return sum(len(group.rows) for group in self.groups)


def clean_query(raw: str) -> tuple[str, bool]:
    """``raw`` with its blanks collapsed, cut to ``MAX_QUERY_CHARS`` and ``MAX_TERMS`` words."""
    words = (raw or "").replace("\x00", " ").split()
    cut = len(words) > MAX_TERMS
    text = " ".join(words[:MAX_TERMS])
    if len(text) > MAX_QUERY_CHARS:
        text, cut = text[:MAX_QUERY_CHARS].rsplit(" ", 1)[0] or text[:MAX_QUERY_CHARS], True
    return text, cut


def _full_text(queryset: QuerySet, fields: tuple[str, ...], text: str) -> QuerySet:
    """Rows whose fields match ``text``, best first (among the newest ``RANK_CANDIDATES``
    matches: ranking reads each matched row's text, so a word in every post must not make a
    query read them all).

    The match uses one unweighted vector of all the fields — the expression that the GIN
    indexes of ``people/migrations/0005_post.py`` index, so PostgreSQL looks it up instead of
    building every row's vector per query; the rank, computed for the matched rows only,
    weighs the fields in order (a word in a title counts more than one in a body).
    """
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

    weights = ["A", "B", "C", "D"]
    weighted = reduce(
        operator.add,
        (
            SearchVector(name, weight=weights[min(i, 3)], config=SEARCH_CONFIG)
            for i, name in enumerate(fields)
        ),
    )
    query = SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)
    matches = (
        queryset.annotate(search_document=SearchVector(*fields, config=SEARCH_CONFIG))
        .filter(search_document=query)
        .order_by("-pk")
        .values("pk")[:RANK_CANDIDATES]
    )
    return (
        queryset.filter(pk__in=matches)
        .annotate(rank=SearchRank(weighted, query))
        .order_by("-rank", "-pk")
    )


def _contains(queryset: QuerySet, fields: tuple[str, ...], text: str) -> QuerySet:
    terms = [term.strip("\"'") for term in text.split()]
    condition = Q()
    for term in filter(None, terms):
        condition &= reduce(operator.or_, (Q(**{f"{name}__icontains": term}) for name in fields))
    return queryset.filter(condition)


def search_lab(lab: Lab, raw_query: str) -> Results:
    """The lab's rows that match ``raw_query``, grouped by kind (kinds with none left out)."""
    text, truncated = clean_query(raw_query)
    results = Results(query=text, truncated=truncated)
    if not text:
        return results
    for kind in KINDS:
        queryset = kind.rows(lab)
        if connections[queryset.db].vendor == "postgresql":
            matched = _full_text(queryset, kind.fields, text)
        else:
            matched = _contains(queryset, kind.fields, text)
        rows = list(matched[: PER_KIND + 1])
        if rows:
            results.groups.append(Group(kind=kind, rows=rows[:PER_KIND], more=len(rows) > PER_KIND))
    return results


class SearchView(LabMixin, PageMetaMixin, TemplateView):
    """Results for ``?q=``, grouped by kind. Context: ``results`` (``Results``), ``query``."""

    template_name = "labsite/search.html"

    def get_context_data(self, **kwargs):
        self.results = search_lab(self.lab, self.request.GET.get("q", ""))
        context = super().get_context_data(**kwargs)
        context.update(
            results=self.results, query=self.results.query, max_query_chars=MAX_QUERY_CHARS
        )
        return context

    def get_meta(self, context):
        query = self.results.query
        title = f"Search: {query} — {self.lab.name}" if query else f"Search — {self.lab.name}"
        return page_meta(self.request, title=title)
