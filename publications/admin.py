from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import F, Max
from django.forms.models import BaseInlineFormSet

from labsite import permissions
from labsite.admin import LabInlineMixin, LabListFilter, LabPermissionMixin
from publications.models import Authorship, Publication, PublicationLink


class AuthorshipForm(forms.ModelForm):
    """An author row; ``selected`` and ``hidden`` are that author's own choices.

    A co-author may fix the author list of a shared paper, but whether the paper is on someone's
    homepage (``selected``) or kept off their pages (``hidden``) is up to that someone: a row
    whose person this user may not edit keeps those two as they are.
    """

    PERSONAL = ("selected", "hidden")
    #: The people this user speaks for; set per request by ``AuthorshipInline.get_formset``.
    editable_people: frozenset[int] = frozenset()

    def clean(self):
        cleaned = super().clean()
        before = self.instance.person_id if self.instance.pk else None
        after = getattr(cleaned.get("person"), "pk", None)
        foreign = {before, after} - {None} - self.editable_people
        if foreign:
            new_person = not self.instance.pk or "person" in self.changed_data
            touched = [
                name
                for name in self.PERSONAL
                if name in self.changed_data or (new_person and cleaned.get(name))
            ]
            if touched:
                raise ValidationError(
                    "Only the author themselves (or their lab admin) chooses whether this paper "
                    "is selected or hidden on their pages."
                )
        return cleaned


class AuthorshipFormSet(BaseInlineFormSet):
    """Saves a reordered author list without tripping over its own unique positions.

    Positions are unique per paper and the database checks each row as it is written, so
    swapping two authors (0↔1) collided with the row not yet saved (a server error). Rows whose
    position changes, and rows being deleted, are first parked above every position in use; the
    form's validation has already refused two rows in one position.
    """

    def save_existing_objects(self, commit=True):
        if commit:
            parked = [
                form.instance.pk
                for form in self.initial_forms
                if form.instance.pk
                and ("position" in form.changed_data or self._should_delete_form(form))
            ]
            if parked:
                in_use = Authorship.objects.filter(publication=self.instance).aggregate(
                    top=Max("position")
                )["top"]
                wanted = [
                    form.cleaned_data.get("position") or 0
                    for form in self.forms
                    if getattr(form, "cleaned_data", None)
                ]
                offset = max([in_use or 0, *wanted]) + 1
                Authorship.objects.filter(pk__in=parked).update(position=F("position") + offset)
        return super().save_existing_objects(commit)


class AuthorshipInline(LabInlineMixin, admin.TabularInline):
    model = Authorship
    form = AuthorshipForm
    formset = AuthorshipFormSet
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

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        people = frozenset(permissions.people_to_own(request.user).values_list("pk", flat=True))
        formset.form = type(formset.form.__name__, (formset.form,), {"editable_people": people})
        return formset


class PublicationLinkInline(LabInlineMixin, admin.TabularInline):
    model = PublicationLink
    fields = ["kind", "url", "label", "order"]


@admin.register(Publication)
class PublicationAdmin(LabPermissionMixin, admin.ModelAdmin):
    list_display = ["title", "author_list", "short_venue", "year", "kind", "status"]
    list_filter = [
        "kind",
        "status",
        "year",
        ("authorships__person__memberships__lab", LabListFilter),
    ]
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
