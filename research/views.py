"""Public research pages: the lab's published projects, scoped to the request's lab."""

from __future__ import annotations

from django.db.models import F, Prefetch
from django.views.generic import DetailView, ListView

from labsite.mixins import LabMixin
from labsite.seo import PageMetaMixin, page_meta, plain
from people.models import Post
from publications.entries import LIST_FIELDS, attach_entry_html
from publications.models import Publication
from publications.views import PUBLICATION_ORDER
from research.models import Collaborator, Project

#: The lab's chosen order, then newest first; undated last on every database.
PROJECT_ORDER = ("order", F("start").desc(nulls_last=True), "-pk")


def _collaborators() -> Prefetch:
    return Prefetch("collaborators", queryset=Collaborator.objects.select_related("person"))


class ProjectListView(LabMixin, PageMetaMixin, ListView):
    """Project cards.

    Context: ``projects`` (``owner`` loaded; ``figures`` and ``collaborators`` with their
    ``person`` prefetched), ``lab_member_ids`` (LabMixin), ``meta``.
    """

    template_name = "research/project_list.html"
    context_object_name = "projects"

    def get_queryset(self):
        return (
            Project.objects.for_lab(self.lab)
            .published()
            .select_related("owner")
            .prefetch_related("figures", _collaborators())
            .order_by(*PROJECT_ORDER)
        )

    def get_meta(self, context):
        return page_meta(
            self.request,
            title=f"Research — {self.lab.name}",
            description=f"Research projects of {self.lab.name}.",
        )


class ProjectDetailView(LabMixin, PageMetaMixin, DetailView):
    """One project with its collaborators, figures, write-up and papers.

    Context: ``project`` (``owner`` loaded; ``collaborators`` with ``person``, ``figures`` and
    ``publications`` prefetched; ``project.posts``: the published blog posts that are its
    write-up), ``publications`` (the same papers as a list, newest first, each with
    ``entry_html``: publications/entries.py), ``lab_member_ids`` (LabMixin:
    collaborators and authors in it link to their lab page; others to their ``url``), ``meta``.
    """

    template_name = "research/project_detail.html"
    context_object_name = "project"

    def get_queryset(self):
        papers = Publication.objects.only(*LIST_FIELDS).order_by(*PUBLICATION_ORDER)
        return (
            Project.objects.for_lab(self.lab)
            .published()
            .select_related("owner")
            .prefetch_related(
                _collaborators(),
                "figures",
                Prefetch("publications", queryset=papers),
                # Blog posts that are its write-up ("Read More"), this lab's and public only.
                Prefetch(
                    "write_ups",
                    queryset=Post.objects.for_lab(self.lab)
                    .published()
                    .select_related("person")
                    .newest_first(),
                    to_attr="posts",
                ),
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["publications"] = attach_entry_html(
            self.object.publications.all(), member_ids=context["lab_member_ids"]
        )
        return context

    def get_meta(self, context):
        project = self.object
        image = next((f.display_image for f in project.figures.all() if f.display_image), None)
        return page_meta(
            self.request,
            title=project.title,
            description=plain(project.summary_html or project.body_html),
            image=image.url if image else None,
        )
