from __future__ import annotations

from django.db.models import Prefetch
from django.views.generic import DetailView, ListView

from labsite.mixins import LabMixin
from research.models import Collaborator, Project


class ProjectListView(LabMixin, ListView):
    template_name = "research/project_list.html"
    context_object_name = "projects"

    def get_queryset(self):
        return Project.objects.for_lab(self.lab).published().prefetch_related("figures")


class ProjectDetailView(LabMixin, DetailView):
    template_name = "research/project_detail.html"
    context_object_name = "project"

    def get_queryset(self):
        return (
            Project.objects.for_lab(self.lab)
            .published()
            .select_related("owner")
            .prefetch_related(
                Prefetch("collaborators", queryset=Collaborator.objects.select_related("person")),
                "figures",
            )
        )
