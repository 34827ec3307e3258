from __future__ import annotations

from django.db.models import Q
from django.views.generic import DetailView, ListView

from labsite.mixins import LabMixin
from people.models import Person
from publications.models import Publication, PublicationKind


class PublicationListView(LabMixin, ListView):
    template_name = "publications/publication_list.html"
    context_object_name = "publications"

    def get_queryset(self):
        qs = Publication.objects.for_lab(self.lab).with_authors()
        params = self.request.GET
        year = params.get("year", "").strip()
        if year.isdigit():
            qs = qs.filter(year=int(year))
        kind = params.get("type", "").strip()
        if kind:
            qs = qs.filter(kind=kind)
        person = params.get("person", "").strip()
        if person:
            qs = qs.filter(authorships__person__slug=person, authorships__hidden=False)
        query = params.get("q", "").strip()[:200]
        if query:
            qs = qs.filter(
                Q(title__icontains=query)
                | Q(venue__icontains=query)
                | Q(short_venue__icontains=query)
                | Q(authorships__name__icontains=query)
            )
        return qs.distinct()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The filter form's choices: every year and member of the lab, whatever is filtered now.
        context["filter_years"] = [
            year
            for year in Publication.objects.for_lab(self.lab)
            .order_by("-year")
            .values_list("year", flat=True)
            .distinct()
            if year
        ]
        context["filter_kinds"] = PublicationKind.choices
        context["filter_people"] = list(
            Person.objects.for_lab(self.lab).order_by("name").only("pk", "name", "slug")
        )
        params = self.request.GET
        context["filters"] = {
            key: params.get(key, "").strip()[:200] for key in ("year", "type", "person", "q")
        }
        return context


class PublicationDetailView(LabMixin, DetailView):
    template_name = "publications/publication_detail.html"
    context_object_name = "publication"

    def get_queryset(self):
        return Publication.objects.for_lab(self.lab).with_authors()
