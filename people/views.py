from __future__ import annotations

from itertools import groupby

from django.db.models import Prefetch
from django.views.generic import DetailView, ListView, TemplateView

from labsite.mixins import LabMixin
from people.models import ROLE_ORDER, Membership, NewsItem, Person
from publications.models import Publication
from research.models import Project


class LabHomeView(LabMixin, TemplateView):
    template_name = "people/lab_home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["news"] = list(NewsItem.objects.for_lab(self.lab).select_related("person")[:5])
        context["projects"] = list(
            Project.objects.for_lab(self.lab).published().filter(is_featured=True)[:6]
        )
        context["publications"] = list(Publication.objects.for_lab(self.lab).with_authors()[:8])
        return context


class PeopleListView(LabMixin, TemplateView):
    template_name = "people/person_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        memberships = sorted(
            Membership.objects.for_lab(self.lab).select_related("person"),
            key=lambda m: (m.is_alumnus, ROLE_ORDER.get(m.role, 99), m.order, m.person.name),
        )
        seen: set[int] = set()
        unique = []
        for membership in memberships:  # one entry per person: their first (current) role
            if membership.person_id not in seen:
                seen.add(membership.person_id)
                unique.append(membership)
        groups = []
        for alumni, rows in groupby(unique, key=lambda m: m.is_alumnus):
            rows = list(rows)
            if alumni:
                groups.append(("Alumni", rows))
            else:
                for _, role_rows in groupby(rows, key=lambda m: m.role):
                    role_rows = list(role_rows)
                    groups.append((role_rows[0].get_role_display(), role_rows))
        context["groups"] = groups
        return context


class PersonDetailView(LabMixin, DetailView):
    template_name = "people/person_detail.html"
    context_object_name = "person"

    def get_queryset(self):
        return Person.objects.for_lab(self.lab).prefetch_related(
            "sections", "honors", "talks", "teaching",
            Prefetch("news", queryset=NewsItem.objects.order_by("-date")),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        person = self.object
        publications = Publication.objects.for_person(person).with_authors()
        context["selected_publications"] = list(
            publications.filter(authorships__person=person, authorships__selected=True).distinct()
        ) or list(publications[:10])
        context["projects"] = list(Project.objects.for_lab(self.lab).published().for_person(person))
        return context


class PersonPublicationsView(LabMixin, DetailView):
    template_name = "people/person_publications.html"
    context_object_name = "person"

    def get_queryset(self):
        return Person.objects.for_lab(self.lab)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["publications"] = list(Publication.objects.for_person(self.object).with_authors())
        return context


class NewsListView(LabMixin, ListView):
    template_name = "people/newsitem_list.html"
    context_object_name = "news"
    paginate_by = 50

    def get_queryset(self):
        return NewsItem.objects.for_lab(self.lab).select_related("person")
