"""A member's CV (page and PDF), their talks and teaching pages, and the lab's talks.

Each page runs a fixed number of queries however much it lists (tests/public/test_cv.py and
test_talks_pages.py count them). The CV's sections come from :mod:`people.cv`.
"""

from __future__ import annotations

from itertools import groupby

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.views.generic import DetailView, ListView

from labsite.mixins import LabMixin, PaginatedCacheMixin
from labsite.seo import PageMetaMixin, page_meta
from people.cv import build_cv, cv_person_queryset, stored_pdf
from people.models import Talk, Teaching
from people.views import LabPersonMixin


def by_year(rows, year_of) -> list[tuple[int | None, list]]:
    """``[(year or None, rows)]`` in the rows' own order (they come sorted newest first)."""
    return [(year, list(group)) for year, group in groupby(rows, key=year_of)]


class PersonCVView(LabPersonMixin, PageMetaMixin, DetailView):
    """The member's CV from their data.

    Context: ``person`` (memberships in this lab as ``lab_memberships``), ``cv_sections``
    (``[CVSection]``: ``key``, ``heading``, ``rows``; publications also ``groups`` by kind),
    ``lab_member_ids``, ``meta``.
    """

    template_name = "people/person_cv.html"

    def get_queryset(self):
        return cv_person_queryset(self.lab)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["cv_sections"] = build_cv(self.object)
        return context

    def get_meta(self, context):
        person = self.object
        return page_meta(
            self.request,
            title=f"CV — {person.name}",
            description=f"Curriculum vitae of {person.name}: positions, education, "
            "publications, talks, teaching and honors.",
        )


class PersonCVPdfView(PersonCVView):
    """The same CV as a PDF (WeasyPrint over ``people/person_cv_print.html``)."""

    template_name = "people/person_cv_print.html"

    def render_to_response(self, context, **response_kwargs):
        html = render_to_string(self.template_name, context, request=self.request)
        pdf = stored_pdf(html, slug=self.object.slug, base_url=self.request.build_absolute_uri("/"))
        response = HttpResponse(pdf, content_type="application/pdf")
        filename = f"{self.object.slug}-cv.pdf"
        response["Content-Disposition"] = f'inline; filename="{filename}"'
        return response


class PersonTalksView(LabPersonMixin, PageMetaMixin, DetailView):
    """All of a member's talks, newest first, by year, with slides and video links.

    Context: ``person``, ``talks``, ``talks_by_year`` — ``[(year or None, [Talk])]``.
    """

    template_name = "people/person_talks.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        talks = list(Talk.objects.for_person(self.object))
        context["talks"] = talks
        context["talks_by_year"] = by_year(talks, lambda t: t.date.year if t.date else None)
        return context

    def get_meta(self, context):
        person = self.object
        return page_meta(
            self.request,
            title=f"Talks — {person.name}",
            description=f"Talks, posters and seminars by {person.name}.",
        )


class PersonTeachingView(LabPersonMixin, PageMetaMixin, DetailView):
    """All of a member's teaching, in their order (newest year first by default).

    Context: ``person``, ``teaching``.
    """

    template_name = "people/person_teaching.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["teaching"] = list(Teaching.objects.for_person(self.object))
        return context

    def get_meta(self, context):
        person = self.object
        return page_meta(
            self.request,
            title=f"Teaching — {person.name}",
            description=f"Courses taught by {person.name}.",
        )


class LabTalksView(LabMixin, PageMetaMixin, PaginatedCacheMixin, ListView):
    """The talks of the lab's members (current and former), newest first, 50 a page.

    Context: ``talks`` (each with ``person`` loaded), ``page_obj``, ``meta``.
    """

    template_name = "people/talk_list.html"
    context_object_name = "talks"
    paginate_by = 50

    def get_queryset(self):
        return (
            Talk.objects.for_lab(self.lab).select_related("person").order_by(*Talk._meta.ordering)
        )

    def get_meta(self, context):
        return page_meta(
            self.request,
            title=f"Talks — {self.lab.name}",
            description=f"Talks given by members of {self.lab.name}.",
        )
