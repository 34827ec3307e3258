"""The admin side of "needs review": what an import was unsure of, put in front of its owner.

An import flags a row it read with doubts (``needs_review`` and ``review_reason``, see
:mod:`labsite.importing.review`). :class:`ReviewMixin`, part of every content ModelAdmin through
:class:`labsite.admin.LabPermissionMixin`, shows them: a "Needs review" list filter, a "Mark as
reviewed" action and button, and a banner on the change form saying why
(``templates/admin/change_form.html``); saving the form is confirming it. The start page counts
them (:func:`review_counts`). Every list and object goes through the admin's own queryset and
permission checks, so a member sees and clears only their own.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.db import models
from django.http import Http404, HttpRequest, HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse

#: The changelist's query parameter for the filter (``?needs_review=yes``).
PARAMETER = "needs_review"


def has_review(model: type[models.Model]) -> bool:
    return any(f.name == "needs_review" for f in model._meta.concrete_fields)


class NeedsReviewFilter(admin.SimpleListFilter):
    title = "review"
    parameter_name = PARAMETER

    def lookups(self, request, model_admin):
        return [("yes", "Needs review"), ("no", "Reviewed")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(needs_review=True)
        if self.value() == "no":
            return queryset.filter(needs_review=False)
        return queryset


@admin.action(description="Mark as reviewed", permissions=["change"])
def mark_reviewed(modeladmin, request, queryset) -> None:
    count = queryset.filter(needs_review=True).update(needs_review=False, review_reason="")
    noun = (
        queryset.model._meta.verbose_name
        if count == 1
        else queryset.model._meta.verbose_name_plural
    )
    modeladmin.message_user(request, f"{count} {noun} marked as reviewed.", messages.SUCCESS)


class ReviewMixin:
    """Filter, action, change-form banner and button for models an import may flag."""

    def get_list_filter(self, request):
        filters = list(super().get_list_filter(request))
        if has_review(self.model):
            filters.insert(0, NeedsReviewFilter)
        return filters

    def get_actions(self, request):
        actions = super().get_actions(request)
        if has_review(self.model) and self.has_change_permission(request):
            actions["mark_reviewed"] = self.get_action(mark_reviewed)
        return actions

    def save_model(self, request, obj, form, change):
        # Saving the form is the member's confirmation: they have seen the entry.
        if change and has_review(self.model):
            obj.mark_reviewed()
        super().save_model(request, obj, form, change)

    def get_urls(self):
        if not has_review(self.model):
            return super().get_urls()
        opts = self.model._meta
        return [
            path(
                "<path:object_id>/reviewed/",
                self.admin_site.admin_view(self.reviewed_view),
                name=f"{opts.app_label}_{opts.model_name}_reviewed",
            ),
            *super().get_urls(),
        ]

    def reviewed_view(self, request: HttpRequest, object_id: str):
        """The banner's "Mark as reviewed" button (POST): clear the flag, back to the form."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not self.has_change_permission(request, obj):
            raise Http404("No such object, or not yours to change.")
        if obj.mark_reviewed():
            type(obj)._default_manager.filter(pk=obj.pk).update(
                needs_review=False, review_reason=""
            )
            self.message_user(request, f"“{obj}” marked as reviewed.", messages.SUCCESS)
        opts = self.model._meta
        return HttpResponseRedirect(
            reverse(
                f"admin:{opts.app_label}_{opts.model_name}_change",
                args=[obj.pk],
                current_app=self.admin_site.name,
            )
        )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and has_review(self.model) and obj.needs_review:
            opts = self.model._meta
            context["review_url"] = reverse(
                f"admin:{opts.app_label}_{opts.model_name}_reviewed",
                args=[obj.pk],
                current_app=self.admin_site.name,
            )
        return super().render_change_form(request, context, add, change, form_url, obj)


def review_counts(request: HttpRequest, site: admin.AdminSite | None = None) -> list[dict]:
    """``[{"label", "count", "url"}]``: the user's flagged rows per model, none when zero.

    Counted through each ModelAdmin's own queryset: what the user may see, nothing more.
    """
    site = site or admin.site
    counts = []
    for model in apps.get_models():
        if not has_review(model) or not site.is_registered(model):
            continue
        model_admin = site.get_model_admin(model)
        if not model_admin.has_module_permission(request):
            continue
        count = model_admin.get_queryset(request).filter(needs_review=True).count()
        if not count:
            continue
        opts = model._meta
        counts.append(
            {
                "label": str(opts.verbose_name if count == 1 else opts.verbose_name_plural),
                "count": count,
                "url": reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
                + f"?{PARAMETER}=yes",
            }
        )
    return sorted(counts, key=lambda item: (-item["count"], item["label"]))
