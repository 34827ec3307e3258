"""The admin's permission layer: one mixin for every ModelAdmin, one for every inline.

Both only delegate to ``labsite.permissions``; no rule is written here. Owner fields (the person
a section belongs to, the lab a project belongs to) are stamped on save for members who have only
one possible value, and narrowed to what the user may choose for everyone else.
"""

from __future__ import annotations

from django.contrib import admin
from markdownx.models import MarkdownxField
from markdownx.widgets import AdminMarkdownxWidget

from labsite import permissions
from labsite.models import Redirect

class MarkdownxAdminMedia:
    """Editors with live preview, also in inline rows added with "Add another"."""

    class Media:
        js = ["labsite/admin/markdownx-inlines.js"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        # markdownx's model field gives a plain widget; the admin one carries the admin's styling.
        if isinstance(db_field, MarkdownxField):
            kwargs["widget"] = AdminMarkdownxWidget
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class LabPermissionMixin(MarkdownxAdminMedia):
    #: The person field stamped with the editor's own Person on create (members cannot choose).
    owner_field: str | None = None
    #: The lab field, narrowed to the editor's labs and stamped when there is only one.
    lab_field: str | None = None
    #: Fields only a superuser may change.
    superuser_only_fields: tuple[str, ...] = ()

    # -- what the user sees -------------------------------------------------------------------

    def get_queryset(self, request):
        return permissions.editable(request.user, super().get_queryset(request))

    def has_module_permission(self, request):
        return permissions.can_use(request.user, self.model)

    def has_view_permission(self, request, obj=None):
        if obj is None:
            return permissions.can_use(request.user, self.model)
        return permissions.can_edit(request.user, obj)

    def has_change_permission(self, request, obj=None):
        return self.has_view_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.has_view_permission(request, obj)

    def has_add_permission(self, request):
        return permissions.can_add(request.user, self.model)

    # -- owner fields ---------------------------------------------------------------------------

    def _lab_choices(self, request):
        actor = permissions.actor_for(request.user)
        if actor.is_superuser:
            return self._lab_model().objects.all()
        if self.lab_field in getattr(self, "lab_admin_only_lab_fields", ()):
            return self._lab_model().objects.filter(pk__in=actor.admin_lab_ids)
        return permissions.labs_for_new_content(request.user)

    def _lab_model(self):
        return self.model._meta.get_field(self.lab_field).related_model

    def _may_choose_owner(self, request) -> bool:
        actor = permissions.actor_for(request.user)
        return actor.is_superuser or bool(actor.admin_lab_ids)

    def _may_choose_lab(self, request) -> bool:
        return self._lab_choices(request).count() != 1

    def _stamped_fields(self, request) -> list[str]:
        """Owner fields this user cannot choose: left off the form and set in ``save_model``."""
        stamped = []
        if self.owner_field and not self._may_choose_owner(request):
            stamped.append(self.owner_field)
        if self.lab_field and not self._may_choose_lab(request):
            stamped.append(self.lab_field)
        return stamped

    def get_exclude(self, request, obj=None):
        return [*(super().get_exclude(request, obj) or []), *self._stamped_fields(request)]

    def get_fieldsets(self, request, obj=None):
        stamped = set(self._stamped_fields(request))
        fieldsets = []
        for name, options in super().get_fieldsets(request, obj):
            fields = [f for f in options["fields"] if f not in stamped]
            if fields:
                fieldsets.append((name, {**options, "fields": fields}))
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += [f for f in self.superuser_only_fields if f not in readonly]
        return readonly

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == self.owner_field:
            kwargs["queryset"] = permissions.people_to_own(request.user)
        elif db_field.name == self.lab_field:
            kwargs["queryset"] = self._lab_choices(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        actor = permissions.actor_for(request.user)
        if self.owner_field and not change and getattr(obj, f"{self.owner_field}_id") is None:
            if self.stamp_owner(request, obj):
                setattr(obj, f"{self.owner_field}_id", actor.person_id)
        if self.lab_field and getattr(obj, f"{self.lab_field}_id") is None:
            labs = list(self._lab_choices(request)[:2])
            if len(labs) == 1 and self.stamp_lab:
                setattr(obj, f"{self.lab_field}_id", labs[0].pk)
        super().save_model(request, obj, form, change)

    def stamp_owner(self, request, obj) -> bool:
        """Should a new object with no owner chosen be given the editor's own Person?"""
        return True

    stamp_lab = True


class LabInlineMixin(MarkdownxAdminMedia):
    """Inline rows follow their parent: editable when the parent is."""

    extra = 0

    def _parent_ok(self, request, obj) -> bool:
        actor = permissions.actor_for(request.user)
        if not actor.is_editor:
            return False
        return obj is None or permissions.can_edit(request.user, obj)

    def has_view_permission(self, request, obj=None):
        return self._parent_ok(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._parent_ok(request, obj)

    def has_add_permission(self, request, obj=None):
        return self._parent_ok(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._parent_ok(request, obj)


@admin.register(Redirect)
class RedirectAdmin(LabPermissionMixin, admin.ModelAdmin):
    list_display = ["old_path", "new_path", "lab"]
    list_filter = ["lab"]
    search_fields = ["old_path", "new_path"]
    lab_field = "lab"
    lab_admin_only_lab_fields = ("lab",)
    stamp_lab = True

