"""Public publication pages and BibTeX exports, scoped to the request's lab.

A lab's publications are those with at least one member author (``for_lab``); filters and
search use subqueries on Authorship rather than joins, so each paper appears once however many
members wrote it, without ``DISTINCT``.
"""

from __future__ import annotations

from django.db.models import F, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.views import View
from django.views.generic import DetailView, ListView

from labsite.mixins import LabMixin
from labsite.seo import PageMetaMixin, article_ld, citation_meta, page_meta, plain
from people.models import Lab, Membership, Person
from publications import bibtex
from publications.models import Authorship, Publication, PublicationKind

#: Newest first; undated papers last on every database (PostgreSQL sorts NULL first in DESC).
PUBLICATION_ORDER = (
    F("year").desc(nulls_last=True),
    F("month").desc(nulls_last=True),
    "title",
    "pk",
)

#: Longest search string taken from ``?q=``.
MAX_QUERY_LENGTH = 200


def member_ids(lab: Lab) -> set[int]:
    """Pks of the people with a membership (current or past) in ``lab``: their names link."""
    return set(Membership.objects.for_lab(lab).values_list("person_id", flat=True))


class PublicationListView(LabMixin, PageMetaMixin, ListView):
    """The lab's publications, filtered by ``?year=``, ``?type=``, ``?person=`` and ``?q=``.

    A filter value that cannot match (``?year=abc``, an unknown type) is ignored rather than
    emptying the page. Context:
    - ``publications``: the matching papers, newest first, authors and links prefetched.
    - ``publications_by_year``: ``[(year or None, [Publication])]`` in page order.
    - ``filters``: the filters in effect, ``{"year": int|None, "type": str, "person": str,
      "q": str}`` (empty string / None when unset); ``is_filtered``: any of them set.
    - ``years``: every year the lab has papers in, newest first.
    - ``types``: ``[(value, label)]`` of the publication kinds the lab has, in kind order.
    - ``people``: the lab's people (current and alumni) by name, for the person filter.
    - ``member_ids``, ``meta``.
    """

    template_name = "publications/publication_list.html"
    context_object_name = "publications"

    def get_filters(self) -> dict:
        params = self.request.GET
        year = params.get("year", "").strip()
        kind = params.get("type", "").strip()
        return {
            "year": int(year) if year.isdigit() and len(year) == 4 else None,
            "type": kind if kind in PublicationKind.values else "",
            "person": params.get("person", "").strip()[:80],
            "q": " ".join(params.get("q", "").split())[:MAX_QUERY_LENGTH],
        }

    def get_queryset(self):
        self.filters = filters = self.get_filters()
        qs = Publication.objects.for_lab(self.lab)
        if filters["year"] is not None:
            qs = qs.filter(year=filters["year"])
        if filters["type"]:
            qs = qs.filter(kind=filters["type"])
        if filters["person"]:
            authored = Authorship.objects.filter(
                person__slug=filters["person"], person__memberships__lab=self.lab, hidden=False
            )
            qs = qs.filter(pk__in=authored.values("publication"))
        if filters["q"]:
            query = filters["q"]
            by_author = Authorship.objects.filter(name__icontains=query)
            qs = qs.filter(
                Q(title__icontains=query)
                | Q(venue__icontains=query)
                | Q(short_venue__icontains=query)
                | Q(pk__in=by_author.values("publication"))
            )
        return qs.with_authors().order_by(*PUBLICATION_ORDER)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        publications = list(context["publications"])
        context["publications"] = publications
        context["object_list"] = publications
        by_year: list[tuple[int | None, list[Publication]]] = []
        for publication in publications:
            if by_year and by_year[-1][0] == publication.year:
                by_year[-1][1].append(publication)
            else:
                by_year.append((publication.year, [publication]))
        context["publications_by_year"] = by_year
        lab_papers = Publication.objects.for_lab(self.lab).order_by()
        context["years"] = sorted(
            {y for y in lab_papers.values_list("year", flat=True) if y}, reverse=True
        )
        kinds = set(lab_papers.values_list("kind", flat=True))
        context["types"] = [(v, label) for v, label in PublicationKind.choices if v in kinds]
        people = list(Person.objects.for_lab(self.lab).order_by("name", "pk"))
        context["people"] = people
        context["member_ids"] = {p.pk for p in people}
        context["filters"] = self.filters
        context["is_filtered"] = any(v not in (None, "") for v in self.filters.values())
        return context

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
    ``publications/includes/_citation_meta.html``), ``member_ids``, ``meta``, ``json_ld``.
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
        context["member_ids"] = member_ids(self.lab)
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
