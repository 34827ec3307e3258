from __future__ import annotations

from django.contrib import admin

from labsite import permissions
from labsite.admin import LabInlineMixin, LabPermissionMixin
from publications.models import Authorship, Publication, PublicationLink


class AuthorshipInline(LabInlineMixin, admin.TabularInline):
    model = Authorship
    fields = [
        "position",
        "name",
        "person",
        "equal_contribution",
        "corresponding",
        "selected",
        "hidden",
    ]
    ordering = ["position"]
    autocomplete_fields = ["person"]


class PublicationLinkInline(LabInlineMixin, admin.TabularInline):
    model = PublicationLink
    fields = ["kind", "url", "label", "order"]


@admin.register(Publication)
class PublicationAdmin(LabPermissionMixin, admin.ModelAdmin):
    list_display = ["title", "author_list", "short_venue", "year", "kind", "status"]
    list_filter = ["kind", "status", "year", "authorships__person__memberships__lab"]
    search_fields = ["title", "venue", "short_venue", "doi", "arxiv_id", "authorships__name"]
    inlines = [AuthorshipInline, PublicationLinkInline]
    fieldsets = [
        (None, {"fields": ["title", "kind", "status", "venue", "short_venue", "year", "month"]}),
        ("Identifiers", {"fields": ["doi", "arxiv_id"]}),
        (
            "Details",
            {"fields": ["abstract", "award", "note", "volume", "number", "pages", "publisher"]},
        ),
        ("BibTeX", {"fields": ["bibtex"], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("authorships")

    @admin.display(description="Authors")
    def author_list(self, obj: Publication) -> str:
        names = [a.name for a in sorted(obj.authorships.all(), key=lambda a: a.position)]
        return ", ".join(names[:4]) + (" et al." if len(names) > 4 else "")

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        publication = form.instance
        actor = permissions.actor_for(request.user)
        # A member who adds a paper is one of its authors; a paper nobody could edit afterwards
        # would vanish from its editor's admin.
        if actor.person_id and not permissions.can_edit(request.user, publication):
            last = publication.authorships.order_by("-position").first()
            from people.models import Person

            person = Person.objects.get(pk=actor.person_id)
            Authorship.objects.create(
                publication=publication,
                person=person,
                name=person.name,
                position=(last.position + 1) if last else 0,
            )
