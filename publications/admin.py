from __future__ import annotations

from collections import Counter

from adminsortable2.admin import (
    CustomInlineFormSetMixin,
    SortableAdminBase,
    SortableInlineAdminMixin,
    SortableTabularInline,
)
from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F, Max
from django.forms.models import BaseInlineFormSet
from django.template.response import TemplateResponse
from django.urls import path
from reversion.admin import VersionAdmin

from labsite import history, permissions
from labsite.admin import LabInlineMixin, LabListFilter, LabPermissionMixin
from labsite.importing.records import AuthorRecord, PublicationRecord
from publications import intake, lookup
from publications.models import (
    Authorship,
    Publication,
    PublicationKind,
    PublicationLink,
    PublicationStatus,
)


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
        if not self.instance.pk and not cleaned.get("position"):
            # sortable2 numbers only saved rows; a new row arrives with the hidden default 0
            # (or nothing without JavaScript). Unset, it is not checked against its siblings'
            # positions and the formset numbers it after the last one on save (``save_new``).
            cleaned["position"] = None
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


class AuthorshipFormSet(CustomInlineFormSetMixin, BaseInlineFormSet):
    """Saves a reordered author list without tripping over its own unique positions.

    Positions are unique per paper and the database checks each row as it is written, so
    swapping two authors (0↔1) collided with the row not yet saved (a server error). Rows whose
    position changes, and rows being deleted, are first parked above every position in use; the
    form's validation has already refused two rows in one position. New rows are numbered after
    the last one, in the order shown (sortable2's ``save_new``).

    A printed name that is surely a member of the editor's lab(s) is linked to them on save
    (``linked`` lists what was linked, for the admin's message); a member who is not among the
    authors is told so instead of being appended (``intake.NOT_AMONG_AUTHORS``).
    """

    #: Set per request by ``AuthorshipInline.get_formset``.
    matcher: intake.MemberMatcher | None = None
    author_rule: intake.AuthorRule | None = None

    def clean(self):
        super().clean()
        self.planned: dict[int, int] = {}  # form index → person pk
        self.linked: list[str] = []
        kept = [
            (i, form)
            for i, form in enumerate(self.forms)
            if getattr(form, "cleaned_data", None) and not self._should_delete_form(form)
        ]
        kept = [(i, form) for i, form in kept if form.has_changed() or form.instance.pk]
        people = {f.cleaned_data["person"].pk for _, f in kept if f.cleaned_data.get("person")}
        if self.matcher is not None:
            for i, form in kept:
                name = form.cleaned_data.get("name") or ""
                if form.cleaned_data.get("person") or not name.strip():
                    continue
                pk = self.matcher.match(name, exclude=people)
                if pk is not None:
                    self.planned[i] = pk
                    people.add(pk)
        if self.author_rule is not None and not self.author_rule.people & people:
            raise ValidationError(self.author_rule.message)

    def save(self, commit=True):
        for i, pk in getattr(self, "planned", {}).items():
            form = self.forms[i]
            form.instance.person_id = pk
            self.linked.append(intake.link_message(form.instance.name, self.matcher.name_of(pk)))
        return super().save(commit)

    def save_new(self, form, commit=True):
        """A new row keeps an explicit position (``0, 1, 2`` posted by a form without
        JavaScript) and is appended after the last author only when its position is unset:
        sortable2 gives every new row the hidden default 0, so several new rows at 0, or a new
        row at a 0 already taken, are numbered in the order shown (sortable2's own
        ``save_new``). Appending every 0 would have put the first of ``0, 1`` after the second,
        on the second's position."""
        wanted = form.cleaned_data.get("position")
        if wanted is None:  # left empty: appended
            form.instance.position = 0
            return super().save_new(form, commit)
        new_zeros = sum(
            1
            for other in self.extra_forms
            if getattr(other, "cleaned_data", None)
            and other.has_changed()
            and not self._should_delete_form(other)
            and other.cleaned_data.get("position") == 0
        )
        taken = Authorship.objects.filter(publication=self.instance, position=wanted).exists()
        if not taken and (wanted > 0 or new_zeros <= 1):
            return BaseInlineFormSet.save_new(self, form, commit)
        form.instance.position = 0
        return super().save_new(form, commit)

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


class AuthorshipInline(SortableInlineAdminMixin, LabInlineMixin, admin.TabularInline):
    model = Authorship
    template = SortableTabularInline.template
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
        formset.matcher = intake.MemberMatcher.for_user(request.user)
        formset.author_rule = intake.author_rule(request.user)
        return formset


class PublicationLinkInline(SortableInlineAdminMixin, LabInlineMixin, admin.TabularInline):
    model = PublicationLink
    template = SortableTabularInline.template
    fields = ["kind", "url", "label", "order"]


class BibtexForm(forms.Form):
    bibtex = forms.CharField(
        label="BibTeX",
        widget=forms.Textarea(attrs={"rows": 16, "cols": 80, "spellcheck": "false"}),
        help_text="One or many entries, as Google Scholar, DBLP or a .bib file give them.",
    )


class IdentifierForm(forms.Form):
    identifier = forms.CharField(
        label="DOI or arXiv id",
        max_length=300,
        help_text="e.g. 10.1145/3372297.3417880, a https://doi.org/… link, 2401.01234 or an "
        "arxiv.org link",
    )


class ConfirmForm(forms.Form):
    """The fetched metadata, to check and correct before the paper is saved."""

    title = forms.CharField(max_length=500)
    authors = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}), help_text="One author per line, in order"
    )
    kind = forms.ChoiceField(choices=PublicationKind.choices)
    venue = forms.CharField(max_length=500, required=False)
    year = forms.IntegerField(min_value=1900, max_value=2200, required=False)
    month = forms.IntegerField(min_value=1, max_value=12, required=False)
    volume = forms.CharField(max_length=50, required=False)
    number = forms.CharField(max_length=50, required=False)
    pages = forms.CharField(max_length=50, required=False)
    publisher = forms.CharField(max_length=200, required=False)
    doi = forms.CharField(max_length=200, required=False, label="DOI")
    arxiv_id = forms.CharField(max_length=50, required=False, label="arXiv id")
    abstract = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), required=False)

    @classmethod
    def initial_from(cls, paper: lookup.PaperMetadata) -> dict:
        values = {name: getattr(paper, name) for name in cls.base_fields if name != "authors"}
        return {**values, "authors": "\n".join(paper.authors), "kind": paper.kind or "other"}

    def record(self) -> PublicationRecord:
        data = self.cleaned_data
        names = [line.strip() for line in data["authors"].splitlines() if line.strip()]
        values = {k: v for k, v in data.items() if k != "authors"}
        values["kind"] = values["kind"] or PublicationKind.OTHER
        if values["kind"] == PublicationKind.PREPRINT:
            values["status"] = PublicationStatus.PREPRINT
        return PublicationRecord(**values, authors=[AuthorRecord(name=n) for n in names])


@admin.register(Publication)
class PublicationAdmin(SortableAdminBase, LabPermissionMixin, VersionAdmin):
    list_display = ["title", "author_list", "short_venue", "year", "kind", "status"]
    list_filter = [
        "kind",
        "status",
        "year",
        ("authorships__person__memberships__lab", LabListFilter),
    ]
    search_fields = ["title", "venue", "short_venue", "doi", "arxiv_id", "authorships__name"]
    inlines = [AuthorshipInline, PublicationLinkInline]

    class Media:
        css = {"all": ["labsite/admin/authors.css"]}

    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    "kind",
                    "status",
                    "venue",
                    "short_venue",
                    "year",
                    "month",
                    "order",
                ]
            },
        ),
        ("Identifiers", {"fields": ["doi", "arxiv_id"]}),
        (
            "Details",
            {"fields": ["abstract", "award", "note", "volume", "number", "pages", "publisher"]},
        ),
        ("BibTeX", {"fields": ["bibtex"], "classes": ["collapse"]}),
    ]

    actions = ["hide_from_my_pages"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("authorships")

    @admin.action(description="Hide the selected publications from my pages")
    def hide_from_my_pages(self, request, queryset):
        """A member's way to take a shared paper off their own pages: their authorship is
        hidden, the paper stays on every co-author's (deleting it is for a lab admin)."""
        person_id = permissions.actor_for(request.user).person_id
        if person_id is None:
            self.message_user(request, "You have no homepage to hide papers from.", "warning")
            return
        rows = Authorship.objects.filter(publication__in=queryset, person_id=person_id)
        hidden = 0
        for row in rows.filter(hidden=False):
            row.hidden = True
            row.save(update_fields=["hidden"])  # a save, so the page cache hears of it
            hidden += 1
        self.message_user(
            request,
            f"Hidden from your pages: {hidden} publication(s). They stay on your co-authors' "
            "pages; untick “hidden” on your author row to show one again.",
        )

    @admin.display(description="Authors")
    def author_list(self, obj: Publication) -> str:
        names = [a.name for a in sorted(obj.authorships.all(), key=lambda a: a.position)]
        return ", ".join(names[:4]) + (" et al." if len(names) > 4 else "")

    # -- adding papers from BibTeX or an identifier -------------------------------------------

    def get_urls(self):
        return [
            path(
                "add-from-bibtex/",
                self.admin_site.admin_view(self.bibtex_view),
                name="publications_publication_bibtex",
            ),
            path(
                "add-by-doi/",
                self.admin_site.admin_view(self.lookup_view),
                name="publications_publication_lookup",
            ),
            *super().get_urls(),
        ]

    def _intake_page(self, request, template: str, title: str, **context):
        if not self.has_add_permission(request):
            raise PermissionDenied
        return TemplateResponse(
            request,
            f"admin/publications/publication/{template}",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": title,
                **context,
            },
        )

    def _report(self, request, report: intake.IntakeReport, *, source: str):
        # Intake writes authors in bulk: the history hears of the papers here.
        history.record(
            [item.publication for item in report.items if item.publication is not None],
            comment=f"Added from {source}.",
            user=request.user,
        )
        # One line per link made, however many of the pasted papers it was made on.
        for message, times in Counter(report.linked).items():
            self.message_user(request, message if times == 1 else f"{message} (on {times} papers)")
        return self._intake_page(request, "intake_report.html", "Papers added", report=report)

    def bibtex_view(self, request):
        form = BibtexForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                report = intake.add_from_bibtex(form.cleaned_data["bibtex"], user=request.user)
            except intake.IntakeError as error:
                form.add_error("bibtex", str(error))
            else:
                return self._report(request, report, source="BibTeX")
        return self._intake_page(request, "add_bibtex.html", "Add papers from BibTeX", form=form)

    def lookup_view(self, request):
        title = "Add a paper by DOI or arXiv id"
        if request.method == "POST" and "confirm" in request.POST:
            confirm = ConfirmForm(request.POST)
            if confirm.is_valid():
                report = intake.add_records([confirm.record()], user=request.user)
                return self._report(request, report, source="a DOI or arXiv look-up")
            return self._intake_page(request, "add_lookup.html", title, confirm=confirm)
        form = IdentifierForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                paper = lookup.lookup(form.cleaned_data["identifier"])
            except lookup.LookupFailed as error:
                form.add_error("identifier", str(error))
            else:
                confirm = ConfirmForm(initial=ConfirmForm.initial_from(paper))
                return self._intake_page(
                    request, "add_lookup.html", title, confirm=confirm, paper=paper
                )
        return self._intake_page(request, "add_lookup.html", title, form=form)

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        for message in getattr(formset, "linked", ()):
            self.message_user(request, message)
