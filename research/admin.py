from __future__ import annotations

from adminsortable2.admin import (
    SortableAdminBase,
    SortableInlineAdminMixin,
    SortableStackedInline,
    SortableTabularInline,
)
from django.contrib import admin
from django.utils.html import format_html
from reversion.admin import VersionAdmin

from labsite import permissions
from labsite.admin import LabInlineMixin, LabListFilter, LabPermissionMixin
from research.models import Collaborator, Figure, Project


class CollaboratorInline(SortableInlineAdminMixin, LabInlineMixin, admin.TabularInline):
    model = Collaborator
    template = SortableTabularInline.template
    fields = ["order", "name", "person", "url"]
    autocomplete_fields = ["person"]


class FigureInline(SortableInlineAdminMixin, LabInlineMixin, admin.StackedInline):
    model = Figure
    template = SortableStackedInline.template
    fields = ["order", "image", "preview", "alt_text", "caption", "display_width"]
    readonly_fields = ["preview"]

    @admin.display(description="Preview")
    def preview(self, obj: Figure) -> str:
        image = obj.display_image
        if not image:
            return f"missing file: {obj.missing_source}" if obj.missing_source else "—"
        return format_html('<img src="{}" alt="" style="max-width:240px;height:auto">', image.url)


@admin.register(Project)
class ProjectAdmin(SortableAdminBase, LabPermissionMixin, VersionAdmin):
    list_display = ["title", "lab", "owner", "status", "is_featured", "start"]
    list_filter = [("lab", LabListFilter), "status", "is_featured", "is_published"]
    search_fields = ["title", "summary", "collaborators__name"]
    list_select_related = ["lab", "owner"]
    inlines = [CollaboratorInline, FigureInline]
    owner_field = "owner"
    lab_field = "lab"
    autocomplete_fields = ["owner", "publications"]
    fieldsets = [
        (None, {"fields": ["lab", "owner", "title", "slug", "status", "start", "end"]}),
        ("Text", {"fields": ["summary", "body"]}),
        ("Display", {"fields": ["is_featured", "is_published", "order"]}),
        ("Publications", {"fields": ["publications"]}),
    ]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        field = form.base_fields.get("publications")
        if field is not None:
            # Any paper of the editor's labs, plus those already linked (a collaborator saving
            # the project must not silently drop the papers someone else linked).
            field.queryset = permissions.publications_to_link(request.user, project=obj)
        return form
