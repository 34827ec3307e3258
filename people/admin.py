from __future__ import annotations

from functools import partial

from adminsortable2.admin import (
    SortableAdminBase,
    SortableInlineAdminMixin,
    SortableStackedInline,
    SortableTabularInline,
)
from axes.utils import reset as reset_sign_in_failures
from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Q
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html
from reversion.admin import VersionAdmin

from labsite import member_admin, permissions
from labsite.admin import (
    LabInlineMixin,
    LabListFilter,
    LabPermissionMixin,
    autocomplete_source,
)
from people.models import (
    CVEntry,
    Honor,
    Lab,
    Membership,
    NewsItem,
    Person,
    ProfileSection,
    Talk,
    Teaching,
)


@admin.register(Lab)
class LabAdmin(LabPermissionMixin, VersionAdmin):
    list_display = ["name", "slug", "domain", "is_default", "member_count"]
    search_fields = ["name", "slug", "site__domain"]
    superuser_only_fields = ("site", "slug", "is_default")
    fieldsets = [
        (None, {"fields": ["name", "short_name", "slug", "tagline", "about"]}),
        ("Contact", {"fields": ["institution", "address", "email", "website"]}),
        ("Hosting", {"fields": ["site", "is_default"]}),
    ]

    def get_queryset(self, request):
        today = timezone.localdate()
        current = Q(memberships__end__isnull=True) | Q(memberships__end__gte=today)
        return (
            super()
            .get_queryset(request)
            .select_related("site")
            .annotate(current_members=Count("memberships__person", filter=current, distinct=True))
        )

    @admin.display(description="Host", ordering="site__domain")
    def domain(self, obj: Lab) -> str:
        return obj.site.domain

    @admin.display(description="Members", ordering="current_members")
    def member_count(self, obj: Lab) -> int:
        return obj.current_members


class MembershipInline(LabInlineMixin, admin.TabularInline):
    """Shown on a person's page; changed only in the Membership admin, where the lab is checked.

    A person may belong to several labs: editing their rows inline would let one lab's admin
    touch another lab's membership.
    """

    model = Membership
    fields = ["lab", "role", "title", "start", "end", "next_position", "is_lab_admin", "order"]

    def has_add_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


class ProfileSectionInline(SortableInlineAdminMixin, LabInlineMixin, admin.StackedInline):
    """The homepage's sections, and one pre-filled extra row per default section.

    The homepage shows a default section for each kind of content the member has without a
    stored section of that kind (``Person.homepage_sections``). Here those appear as extra rows
    already filled in (kind, heading, order). Left alone they are not saved (Django skips an
    extra row equal to its initial values) and the page keeps following its defaults; a row
    whose heading or text is changed is saved like any other. A save that reorders or hides any
    section (its "order" or "is visible" changed) stores every pre-filled row with it, so the
    order the member saw and arranged is the order kept: a default left unsaved would be
    renumbered after the stored ones.
    """

    model = ProfileSection
    template = SortableStackedInline.template
    fields = ["order", "kind", "title", "body", "is_visible"]
    ordering = ["order"]

    def default_rows(self, obj: Person | None) -> list[dict]:
        if obj is None or obj.pk is None:
            return []
        missing = obj.missing_sections(obj.content_kinds())
        return [
            {"kind": s.kind, "title": s.title, "order": s.order, "is_visible": True}
            for s in missing
        ]

    def get_formset(self, request, obj=None, **kwargs):
        initial = self.default_rows(obj)
        kwargs.setdefault("extra", len(initial))
        formset = super().get_formset(request, obj, **kwargs)

        class DefaultSectionsFormSet(formset):
            def __init__(self, *args, **kw):
                kw.setdefault("initial", initial)
                super().__init__(*args, **kw)

            def full_clean(self):
                defaults = self.extra_forms[: len(initial)] if self.is_bound else []
                arranged = {"order", "is_visible"}
                if any(arranged & set(form.changed_data) for form in self.forms):
                    for form in defaults:
                        if not form.has_changed():
                            # Validated and saved like a row the member typed in.
                            form.empty_permitted = False
                            form.has_changed = lambda: True
                super().full_clean()

        DefaultSectionsFormSet.__name__ = formset.__name__
        return DefaultSectionsFormSet


class NewsInline(LabInlineMixin, admin.StackedInline):
    model = NewsItem
    fk_name = "person"
    fields = ["date", "date_precision", "text", "is_highlight"]
    ordering = ["-date"]


class HonorInline(SortableInlineAdminMixin, LabInlineMixin, admin.TabularInline):
    model = Honor
    template = SortableTabularInline.template
    fields = ["order", "year", "title", "detail", "url"]


class CVEntryInline(SortableInlineAdminMixin, LabInlineMixin, admin.TabularInline):
    model = CVEntry
    template = SortableTabularInline.template
    fields = ["order", "kind", "title", "organization", "location", "start_year", "end_year"]
    extra = 0
    verbose_name = "CV entry (education, positions outside the lab, service)"
    verbose_name_plural = "CV: education, positions outside the lab, service"


class CVSectionsField(forms.MultipleChoiceField):
    """``Person.cv_hidden`` as a row of checkboxes: the sections to leave out of the CV."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        from people.cv import CV_SECTIONS

        kwargs.pop("encoder", None)
        kwargs.pop("decoder", None)
        kwargs.pop("max_length", None)
        super().__init__(choices=CV_SECTIONS, **kwargs)


class LinesField(forms.CharField):
    """A list of short strings (a JSON list in the database), typed one per line."""

    widget = forms.Textarea(attrs={"rows": 3})

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join(str(item) for item in value)
        return value

    def to_python(self, value):
        text = super().to_python(value) or ""
        return [line.strip() for line in text.splitlines() if line.strip()]

    def has_changed(self, initial, data):
        return self.to_python(self.prepare_value(initial)) != self.to_python(data)


PERSON_LABELS = {
    "google_scholar": "Google Scholar",
    "github": "GitHub",
    "orcid": "ORCID",
    "linkedin": "LinkedIn",
}


@admin.register(Person)
class PersonAdmin(SortableAdminBase, LabPermissionMixin, VersionAdmin):
    list_display = ["name", "slug", "position", "labs", "has_account"]
    list_filter = [("memberships__lab", LabListFilter), "memberships__role"]
    search_fields = ["name", "slug", "email", "aliases"]
    readonly_fields = ["avatar_preview"]
    inlines = [MembershipInline, ProfileSectionInline, NewsInline, HonorInline, CVEntryInline]
    superuser_only_fields = ("user", "slug")
    actions = ["unlock_sign_in"]
    fieldsets = [
        (
            None,
            {"fields": ["name", "slug", "aliases", "position", "affiliation", "location", "user"]},
        ),
        ("Photo", {"fields": ["avatar", "avatar_preview"]}),
        ("About", {"fields": ["bio"]}),
        (
            "Contact and profiles",
            {
                "fields": [
                    "email",
                    "website",
                    "google_scholar",
                    "github",
                    "orcid",
                    "linkedin",
                    "twitter",
                    "cv",
                ]
            },
        ),
        ("CV page", {"fields": ["cv_hidden"]}),
    ]

    def get_urls(self):
        # "Add a member" (person, membership and login in one form) and "Send invitation":
        # labsite/member_admin.py; templates/admin/people/person/ carries their buttons.
        return [
            path(
                "add-member/",
                self.admin_site.admin_view(partial(member_admin.add_member_view, self)),
                name="people_person_add_member",
            ),
            path(
                "<path:object_id>/invite/",
                self.admin_site.admin_view(partial(member_admin.invite_view, self)),
                name="people_person_invite",
            ),
            *super().get_urls(),
        ]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if autocomplete_source(request) is not None:
            return queryset  # the choices of the field being searched (LabPermissionMixin)
        return queryset.prefetch_related("memberships__lab").select_related("user")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "aliases":
            return LinesField(
                required=False,
                label="Other spellings",
                help_text="Other spellings of the name in author lists, one per line "
                "(e.g. L. Varkonyi)",
            )
        if db_field.name == "cv_hidden":
            return CVSectionsField(
                required=False,
                label="Leave out of my CV",
                help_text="Your CV page and PDF are built from your data; tick the sections "
                "you do not want shown.",
            )
        if db_field.name in PERSON_LABELS:
            kwargs["label"] = PERSON_LABELS[db_field.name]
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        person = form.instance
        actor = permissions.actor_for(request.user)
        if change or actor.is_superuser or permissions.can_edit(request.user, person):
            return
        # A lab admin adds people to their lab: without a membership the new person would be
        # nobody's to edit (and vanish from this admin the moment it is saved).
        lab = Lab.objects.filter(pk__in=actor.admin_lab_ids).order_by("pk").first()
        if lab is not None:
            membership = Membership.objects.create(person=person, lab=lab)
            permissions.forget_actor(request.user)
            self.message_user(
                request,
                f"{person.name} joined {lab.name} as {membership.get_role_display()}; "
                "change the role under Memberships.",
            )

    @admin.action(description="Unlock sign-in of the selected people", permissions=["unlock"])
    def unlock_sign_in(self, request, queryset):
        """Clear django-axes' failed sign-ins for these people's accounts, from every address."""
        unlocked, refused = [], []
        for person in queryset.select_related("user").order_by("name"):
            if person.user_id and permissions.can_unlock_sign_in(request.user, person):
                reset_sign_in_failures(username=person.user.get_username())
                unlocked.append(person.name)
            else:
                refused.append(person.name)
        if unlocked:
            self.message_user(request, f"Sign-in unlocked for {', '.join(unlocked)}.")
        if refused:
            self.message_user(
                request,
                f"Not unlocked (no account, or not yours to unlock): {', '.join(refused)}.",
                messages.WARNING,
            )

    def has_unlock_permission(self, request) -> bool:
        return permissions.can_unlock_sign_in(request.user)

    @admin.display(description="Labs")
    def labs(self, obj: Person) -> str:
        return ", ".join(sorted({m.lab.display_name for m in obj.memberships.all()}))

    @admin.display(description="Account", boolean=True)
    def has_account(self, obj: Person) -> bool:
        return obj.user_id is not None

    @admin.display(description="Current photo")
    def avatar_preview(self, obj: Person) -> str:
        image = obj.avatar_display
        if not image:
            return "—"
        return format_html('<img src="{}" alt="" style="max-width:160px;height:auto">', image.url)


@admin.register(Membership)
class MembershipAdmin(LabPermissionMixin, VersionAdmin):
    list_display = ["person", "lab", "role", "title", "start", "end", "is_lab_admin"]
    list_filter = [("lab", LabListFilter), "role", "is_lab_admin"]
    search_fields = ["person__name", "title"]
    list_select_related = ["person", "lab"]
    autocomplete_fields = ["person"]
    lab_field = "lab"
    lab_admin_only_lab_fields = ("lab",)


class PersonOwnedAdmin(LabPermissionMixin, VersionAdmin):
    owner_field = "person"
    autocomplete_fields = ["person"]
    list_select_related = ["person"]
    search_fields = ["person__name"]
    list_filter = [("person__memberships__lab", LabListFilter)]


@admin.register(ProfileSection)
class ProfileSectionAdmin(PersonOwnedAdmin):
    list_display = ["title", "person", "kind", "order", "is_visible"]
    list_filter = ["kind", "is_visible", ("person__memberships__lab", LabListFilter)]
    search_fields = ["title", "body", "person__name"]
    fields = ["person", "order", "kind", "title", "body", "is_visible"]


@admin.register(NewsItem)
class NewsItemAdmin(PersonOwnedAdmin):
    list_display = ["date", "short_text", "person", "lab", "is_highlight"]
    list_filter = [
        "is_highlight",
        ("lab", LabListFilter),
        ("person__memberships__lab", LabListFilter),
    ]
    search_fields = ["text", "person__name"]
    date_hierarchy = "date"
    fields = ["lab", "person", "date", "date_precision", "text", "is_highlight", "order"]
    list_select_related = ["person", "lab"]
    lab_field = "lab"
    lab_admin_only_lab_fields = ("lab",)
    stamp_lab = False  # a member's news belongs to the member, not directly to a lab

    def _may_choose_lab(self, request) -> bool:
        return bool(permissions.actor_for(request.user).admin_lab_ids) or request.user.is_superuser

    def stamp_owner(self, request, obj) -> bool:
        # Lab news written by a lab admin keeps no person unless one was chosen.
        return not (obj.lab_id and self._may_choose_owner(request))

    @admin.display(description="News")
    def short_text(self, obj: NewsItem) -> str:
        return obj.text if len(obj.text) <= 90 else obj.text[:87] + "…"


@admin.register(Honor)
class HonorAdmin(PersonOwnedAdmin):
    list_display = ["title", "year", "person", "detail"]
    list_filter = ["year", ("person__memberships__lab", LabListFilter)]
    search_fields = ["title", "detail", "person__name"]
    fields = ["person", "title", "year", "detail", "url", "order"]


@admin.register(CVEntry)
class CVEntryAdmin(PersonOwnedAdmin):
    list_display = ["title", "kind", "organization", "start_year", "end_year", "person"]
    list_filter = ["kind", ("person__memberships__lab", LabListFilter)]
    search_fields = ["title", "organization", "person__name"]
    fields = [
        "person",
        "kind",
        "title",
        "organization",
        "location",
        "start_year",
        "end_year",
        "detail",
        "order",
    ]


@admin.register(Talk)
class TalkAdmin(PersonOwnedAdmin):
    list_display = ["title", "event", "date", "kind", "person"]
    list_filter = ["kind", ("person__memberships__lab", LabListFilter)]
    search_fields = ["title", "event", "location", "person__name"]
    date_hierarchy = "date"
    fields = [
        "person",
        "title",
        "kind",
        "event",
        "date",
        "location",
        "url",
        "slides_url",
        "video_url",
        "description",
        "order",
    ]


@admin.register(Teaching)
class TeachingAdmin(PersonOwnedAdmin):
    list_display = ["course", "role", "term", "institution", "person"]
    list_filter = ["role", ("person__memberships__lab", LabListFilter)]
    search_fields = ["course", "institution", "person__name"]
    fields = ["person", "course", "role", "institution", "term", "year", "url", "order"]
