"""Public publication pages and BibTeX exports, scoped to the request's lab.

A lab's publications are those with at least one member author (``for_lab``); filters and
search use subqueries on Authorship rather than joins, so each paper appears once however many
members wrote it, without ``DISTINCT``.
"""

from __future__ import annotations

import re
from itertools import groupby
from urllib.parse import urlencode

from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.views import View
from django.views.generic import DetailView, ListView

from labsite.cache import accept_query
from labsite.mixins import LabMixin
from labsite.seo import PageMetaMixin, article_ld, citation_meta, page_meta, plain
from people.models import Person
from publications import bibtex
from publications.entries import LIST_FIELDS, attach_entry_html
from publications.models import PUBLICATION_ORDER, Authorship, Publication, PublicationKind

#: Longest search string taken from ``?q=``.
MAX_QUERY_LENGTH = 200
#: Words of ``?q=`` used; each adds a condition to the query.
MAX_QUERY_WORDS = 8
#: What ``?person=`` may hold: a person slug (anything else cannot match one).
_SLUG = re.compile(r"[-a-zA-Z0-9_]+")
_CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f]")
#: Papers per page of the lab's list: a lab of any size answers a page of bounded weight.
PAGE_SIZE = 100


class PublicationListView(LabMixin, PageMetaMixin, ListView):
    """The lab's publications, filtered by ``?year=``, ``?type=``, ``?person=`` and ``?q=``
    (every word of ``q`` in the title, an author's name or the venue).

    A filter value that cannot match (``?year=abc``, an unknown type) is ignored rather than
    emptying the page. ``PAGE_SIZE`` papers a page (``?page=N``; one that does not exist is a
    404). Context:
    - ``publications``: this page's papers, newest first, each with ``entry_html``
      (publications/entries.py); ``count``: how many match in all.
    - ``publications_by_year``: ``[(year or None, [Publication])]`` in page order.
    - ``page_obj``, ``paginator``, ``is_paginated`` (ListView); ``page_range``: the page numbers
      to link, with ``Paginator.ELLIPSIS`` for the gaps; ``page_query``: the filters as a query
      string (``year=2024&q=…&``, or "") that page links start with, so paging keeps them.
    - ``filters``: the filters in effect as strings, ``{"year", "type", "person", "q"}`` (""
      when unset or ignored); ``is_filtered``: any of them set.
    - ``filter_years``: every year the lab has papers in, newest first.
    - ``filter_kinds``: ``[(value, label)]`` of the publication kinds the lab has, kind order.
    - ``filter_people``: the lab's people (current and alumni) by name.
    - ``lab_member_ids`` (computed from ``filter_people``, no extra query), ``meta``.
    """

    template_name = "publications/publication_list.html"
    context_object_name = "publications"
    paginate_by = PAGE_SIZE

    def get_filters(self) -> dict:
        params = self.request.GET
        year = params.get("year", "").strip()
        kind = params.get("type", "").strip()
        person = params.get("person", "").strip()[:80]
        # Control characters become blanks: PostgreSQL refuses a NUL in a query parameter
        # (a 500 for ``?q=%00``), and no title or name holds one.
        query = _CONTROL_CHARS.sub(" ", params.get("q", ""))
        return {
            # ASCII digits only: "²⁰²⁴".isdigit() is true, but int() refuses it.
            "year": year if year.isascii() and year.isdigit() and len(year) == 4 else "",
            "type": kind if kind in PublicationKind.values else "",
            "person": person if _SLUG.fullmatch(person) else "",
            "q": " ".join(query.split())[:MAX_QUERY_LENGTH],
        }

    def get_queryset(self):
        self.filters = filters = self.get_filters()
        qs = Publication.objects.for_lab(self.lab)
        if filters["year"]:
            qs = qs.filter(year=int(filters["year"]))
        if filters["type"]:
            qs = qs.filter(kind=filters["type"])
        if filters["person"]:
            authored = Authorship.objects.filter(
                person__slug=filters["person"], person__memberships__lab=self.lab, hidden=False
            )
            qs = qs.filter(pk__in=authored.values("publication"))
        # Every word must match the title, an author or the venue: "decentralized varkonyi" finds
        # her decentralized-learning papers even though no single field holds both words.
        for word in filters["q"].split()[:MAX_QUERY_WORDS]:
            by_author = Authorship.objects.filter(name__icontains=word)
            qs = qs.filter(
                Q(title__icontains=word)
                | Q(venue__icontains=word)
                | Q(short_venue__icontains=word)
                | Q(pk__in=by_author.values("publication"))
            )
        return qs.only(*LIST_FIELDS).order_by(*PUBLICATION_ORDER)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        publications = attach_entry_html(
            context["publications"], member_ids=context["lab_member_ids"]
        )
        context["publications"] = context["object_list"] = publications
        page = context["page_obj"]
        context["count"] = page.paginator.count
        context["page_range"] = list(page.paginator.get_elided_page_range(page.number))
        given = {name: value for name, value in self.filters.items() if value}
        context["page_query"] = urlencode(given) + "&" if given else ""
        context["publications_by_year"] = [
            (year, list(rows)) for year, rows in groupby(publications, key=lambda p: p.year)
        ]
        lab_papers = Publication.objects.for_lab(self.lab).order_by()
        context["filter_years"] = sorted(
            {y for y in lab_papers.values_list("year", flat=True).distinct() if y}, reverse=True
        )
        kinds = set(lab_papers.values_list("kind", flat=True).distinct())
        context["filter_kinds"] = [(v, label) for v, label in PublicationKind.choices if v in kinds]
        people = list(Person.objects.for_lab(self.lab).order_by("name", "pk"))
        context["filter_people"] = people
        context["lab_member_ids"] = frozenset(p.pk for p in people)
        context["filters"] = self.filters
        context["is_filtered"] = any(self.filters.values())
        if self.query_is_canonical(context):
            accept_query(self.request)
        return context

    def query_is_canonical(self, context) -> bool:
        """May this page be stored in the page cache? Only for a query string made of values
        the filter form itself offers, each once: a year, a type and a person of this lab, and
        a page that exists, by its own number ("?page=02" is the same page again). Searches
        (``?q=``) are free text, each different: answered, never stored."""
        params = self.request.GET
        if "q" in params or any(len(params.getlist(name)) > 1 for name in params):
            return False
        offered = {
            "year": {str(year) for year in context["filter_years"]},
            "type": {value for value, _ in context["filter_kinds"]},
            "person": {person.slug for person in context["filter_people"]},
            "page": {str(context["page_obj"].number)},
        }
        return all(params[name] in offered.get(name, ()) for name in params)

    def get_meta(self, context):
        return page_meta(
            self.request,
            title=f"Publications — {self.lab.name}",
            description=f"Publications of {self.lab.name}, by year, with BibTeX.",
        )


class PublicationDetailView(LabMixin, PageMetaMixin, DetailView):
    """One publication of the lab.

    Context: ``publication`` (authors, links and ``projects`` prefetched), ``bibtex`` (its
    entry), ``citation_meta`` (``[(name, content)]`` for Google Scholar, printed by
    ``publications/includes/_citation_meta.html``), ``lab_member_ids`` (LabMixin), ``meta``,
    ``json_ld``.
    """

    template_name = "publications/publication_detail.html"
    context_object_name = "publication"

    def get_queryset(self):
        return Publication.objects.for_lab(self.lab).with_authors().prefetch_related("projects")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        publication = self.object
        context["bibtex"] = bibtex.entry_for(publication)
        context["citation_meta"] = citation_meta(self.request, publication)
        return context

    def get_meta(self, context):
        publication = self.object
        venue = publication.short_venue or publication.venue
        authors = ", ".join(a.name for a in publication.authorships.all())
        byline = " ".join(b for b in [authors, f"({venue} {publication.year or ''})".strip()] if b)
        return page_meta(
            self.request,
            title=publication.title,
            description=plain(publication.abstract_html) or byline,
            type="article",
        )

    def get_json_ld(self, context):
        return article_ld(self.request, self.object, self.lab)


def bibtex_response(publications, filename: str) -> HttpResponse:
    response = HttpResponse(
        bibtex.bibliography(publications), content_type="text/x-bibtex; charset=utf-8"
    )
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


class PublicationBibtexView(LabMixin, View):
    """``/publications/<id>.bib``: one publication's BibTeX (what a list's "BibTeX" fetches)."""

    def get(self, request, *args, **kwargs):
        publication = get_object_or_404(
            Publication.objects.for_lab(self.lab).prefetch_related("authorships"), pk=kwargs["pk"]
        )
        return bibtex_response([publication], f"publication-{publication.pk}.bib")


class LabBibtexView(LabMixin, View):
    """``/publications.bib``: every publication of the lab, newest first."""

    def get(self, request, *args, **kwargs):
        publications = (
            Publication.objects.for_lab(self.lab)
            .prefetch_related("authorships")
            .order_by(*PUBLICATION_ORDER)
        )
        return bibtex_response(publications, f"{self.lab.slug}.bib")


class PersonBibtexView(LabMixin, View):
    """``/people/<slug>/publications.bib``: a member's publications (not the hidden ones)."""

    def get(self, request, *args, **kwargs):
        person = get_object_or_404(Person.objects.for_lab(self.lab), slug=kwargs["slug"])
        publications = (
            Publication.objects.for_person(person)
            .prefetch_related("authorships")
            .order_by(*PUBLICATION_ORDER)
        )
        return bibtex_response(publications, f"{person.slug}.bib")
