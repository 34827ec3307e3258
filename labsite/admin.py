"""The admin's permission layer: one mixin for every ModelAdmin, one for every inline.

Both only delegate to ``labsite.permissions``; no rule is written here. Owner fields (the person
a section belongs to, the lab a project belongs to) are stamped on save for members who have only
one possible value, and narrowed to what the user may choose for everyone else.

Choosing a person is not editing them: a member links *any* person as a co-author or collaborator
while editing only their own profile. Every person field therefore takes its choices from
``permissions.people_to_choose`` — both the form field (what a POST may carry) and the
autocomplete endpoint (what the search box offers), which Django would otherwise answer from the
Person admin's editable queryset.
"""

from __future__ import annotations

import hashlib
import json

from django import forms
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets, quote, unquote
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.core import signing
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import models
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.http.request import split_domain_port
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.text import capfirst
from markdownx.models import MarkdownxField
from markdownx.widgets import AdminMarkdownxWidget
from reversion.admin import VersionAdmin
from reversion.models import Version
from reversion.revisions import add_to_revision, create_revision, set_comment, set_user

from labsite import permissions
from labsite.models import Redirect
from people.models import Lab, Person
from publications.models import Publication


class MarkdownxAdminMedia:
    """Editors with live preview, also in inline rows added with "Add another"; math in the
    preview is typeset by the public pages' KaTeX (static/labsite/admin/markdownx-math.js)."""

    class Media:
        css = {"all": ["vendor/katex/katex.min.css"]}
        js = [
            "labsite/admin/markdownx-inlines.js",
            "vendor/katex/katex.min.js",
            "labsite/admin/markdownx-math.js",
        ]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        # markdownx's model field gives a plain widget; the admin one carries the admin's styling.
        if isinstance(db_field, MarkdownxField):
            kwargs["widget"] = AdminMarkdownxWidget
        elif isinstance(db_field, models.URLField):
            # "example.org" means https://example.org (Django 6's default; 5.2 warns without it).
            kwargs.setdefault("assume_scheme", "https")
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None and isinstance(formfield.widget, RelatedFieldWidgetWrapper):
            # No "delete" button beside an author or an owner: one click from a paper's form
            # would delete a whole person (or lab) and everything that hangs on them.
            formfield.widget.can_delete_related = False
        return formfield


class PersonChoiceMixin:
    """Every foreign key to Person offers the people ``permissions.people_to_choose`` allows."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Person:
            kwargs["queryset"] = permissions.person_field_queryset(
                request.user, self.model, db_field.name
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


def autocomplete_source(request: HttpRequest) -> tuple[type, str] | None:
    """``(model, field name)`` when ``request`` is the admin's autocomplete for that field."""
    match = getattr(request, "resolver_match", None)
    if match is None or match.url_name != "autocomplete":
        return None
    try:
        model = apps.get_model(request.GET["app_label"], request.GET["model_name"])
        model._meta.get_field(request.GET["field_name"])
    except (KeyError, LookupError, FieldDoesNotExist):
        return None
    return model, request.GET["field_name"]


def labs_of(obj) -> list[Lab]:
    """The labs whose public site shows ``obj``, best first."""
    if isinstance(obj, Lab):
        return [obj]
    lab_id = getattr(obj, "lab_id", None)
    if lab_id is not None:
        return [obj.lab]
    if isinstance(obj, Publication):
        return list(
            Lab.objects.filter(memberships__person__authorships__publication=obj)
            .distinct()
            .order_by("pk")
        )
    person = obj if isinstance(obj, Person) else getattr(obj, "person", None)
    if person is not None:
        return list(Lab.objects.filter(memberships__person=person).distinct().order_by("pk"))
    return []


def public_url(request: HttpRequest, path: str, labs: list[Lab]) -> str:
    """``path`` on the host of the request's lab when it is one of ``labs``, else the first.

    A lab's Site stores a bare host (``vital.localhost``); the request's port is kept, so the link
    also works on ``runserver``'s :8000.
    """
    current = getattr(request, "lab", None)
    if not labs or (current is not None and current.pk in {lab.pk for lab in labs}):
        return path
    host = labs[0].site.domain
    # The port the visitor typed (the Host header), not the one the server listens on.
    _, port = split_domain_port(request.get_host())
    if ":" not in host and port.isdigit() and port not in {"80", "443"}:
        host = f"{host}:{port}"
    return f"{request.scheme}://{host}{path}"


class LabListFilter(admin.RelatedFieldListFilter):
    """A changelist filter on a lab (``lab``, ``memberships__lab``, …) that offers the user's own
    labs only (``permissions.labs_for_new_content``; a superuser: all). With one lab there is
    nothing to choose, and Django leaves the filter out.

    Use as ``list_filter = [("memberships__lab", LabListFilter)]``.
    """

    def field_choices(self, field, request, model_admin):
        labs = permissions.labs_for_new_content(request.user).order_by("name")
        return [(lab.pk, str(lab)) for lab in labs]


# -- no silent overwrite ----------------------------------------------------------------------

#: The hidden field that carries what the form's object looked like when the form was rendered.
STAMP_FIELD = "_row_stamp"
_STAMP_SALT = "labsite.admin.row-stamp"


def _value_hash(value) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()[:16]


def _stamp_names(model: type[models.Model]) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields if not f.primary_key]


def row_stamp(values: dict) -> str:
    """A signed digest per field of one row: which fields changed can be told later, without
    carrying the (possibly long) values themselves in the page."""
    return signing.dumps({name: _value_hash(v) for name, v in values.items()}, salt=_STAMP_SALT)


def instance_values(instance: models.Model) -> dict:
    values = {}
    for name in _stamp_names(type(instance)):
        value = getattr(instance, name)
        values[name] = value.name if isinstance(value, models.fields.files.FieldFile) else value
    return values


class StampField(forms.CharField):
    """The hidden stamp: never a change of its own (it stays out of the history's messages)."""

    def __init__(self) -> None:
        super().__init__(required=False, widget=forms.HiddenInput)

    def has_changed(self, initial, data) -> bool:
        return False


def stale_form_class(form_class: type[forms.ModelForm]) -> type[forms.ModelForm]:
    """``form_class`` refusing a save from a form rendered before the object's last change.

    The form carries a stamp of the row as it was rendered; ``clean`` compares it with the row
    now (one query). On a mismatch the form comes back with a message naming each field changed
    meanwhile and its new value; fields the editor left alone take the new value, fields they
    edited keep their input, and the stamp is renewed, so saving again is a deliberate choice.
    """

    class StaleFormCheck(form_class):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields[STAMP_FIELD] = StampField()
            if self.instance.pk is not None:
                self.initial[STAMP_FIELD] = row_stamp(instance_values(self.instance))

        def clean(self):
            cleaned = super().clean()
            sent = self.data.get(self.add_prefix(STAMP_FIELD))
            if not sent or self.instance.pk is None:
                return cleaned
            model = type(self.instance)
            names = _stamp_names(model)
            row = model._default_manager.filter(pk=self.instance.pk).values(*names).first()
            if row is None:
                return cleaned  # deleted meanwhile: the change view reports that itself
            try:
                seen = signing.loads(sent, salt=_STAMP_SALT)
            except signing.BadSignature:
                seen = {}
            now = {name: _value_hash(value) for name, value in row.items()}
            changed = [name for name in names if seen.get(name) != now[name]]
            if not changed:
                return cleaned
            self.data = self.data.copy()  # a QueryDict is immutable; the copy is this form's
            self.data[self.add_prefix(STAMP_FIELD)] = row_stamp(row)
            raise ValidationError(self._stale_message(model, changed, row, seen, cleaned))

        def _stale_message(self, model, changed, row, seen, cleaned) -> list[str]:
            lines = []
            for name in changed:
                field = next(f for f in model._meta.concrete_fields if f.attname == name)
                if getattr(field, "auto_now", False) or not field.editable:
                    continue  # a timestamp or a derived field (``*_html``): says nothing new
                value = row[name]
                if field.is_relation and value is not None:
                    value = field.related_model._default_manager.filter(pk=value).first()
                shown = "(empty)" if value in (None, "") else str(value)
                if len(shown) > 120:
                    shown = shown[:119] + "…"
                label = capfirst(field.verbose_name)
                form_field = self.fields.get(field.name)
                if form_field is None or field.name not in cleaned:
                    lines.append(f"{label} is now “{shown}”.")
                    continue
                mine = cleaned[field.name]
                mine = getattr(mine, "pk", mine)
                if _value_hash(mine) == seen.get(name):
                    # Not touched here: the form takes the new value instead of writing back
                    # the old one on the next save.
                    self._take_new_value(field.name, form_field, row[name])
                    lines.append(f"{label} is now “{shown}” (the form shows it).")
                else:
                    lines.append(
                        f"{label} is now “{shown}”; you changed it too, and the form keeps your "
                        "value: check which one to keep."
                    )
            if not lines:
                lines.append(
                    "Its related rows (authors, links, collaborators, …) were edited; the lists "
                    "below show them as you opened the page: reload it to see the new ones."
                )
            return [
                "Someone saved this "
                f"{model._meta.verbose_name} after you opened this form; nothing was saved. "
                "Changed meanwhile:",
                *lines,
                "Save again to keep what the form shows now.",
            ]

        def _take_new_value(self, name, form_field, value) -> None:
            key = self.add_prefix(name)
            if isinstance(form_field, forms.BooleanField):
                if value:
                    self.data[key] = "on"
                else:
                    self.data.pop(key, None)
            elif isinstance(form_field, forms.SplitDateTimeField):
                return  # two inputs; the message names the new value
            else:
                self.data[key] = "" if value is None else str(form_field.prepare_value(value))

    StaleFormCheck.__name__ = form_class.__name__
    return StaleFormCheck


# -- history and undo (django-reversion) ------------------------------------------------------

#: How many deleted objects the "Recover deleted" list looks at (each is judged by a trial
#: revert, ``permissions.can_recover``).
RECOVER_LIST_LIMIT = 200
#: How many versions an object's history page lists, newest first (each is judged by a trial
#: revert, ``permissions.can_restore``, to say whether it may be restored).
HISTORY_LIST_LIMIT = 50


class LabVersionMixin:
    """django-reversion's views, fenced by ``labsite.permissions``.

    ``VersionAdmin`` checks only model-wide permissions before it reverts, and keeps the revert
    whenever the change form answers with a redirect — which is also how the change form answers
    an object the user may not see. Every view here decides on the object (or the stored
    version) first.
    """

    @property
    def change_list_template(self):
        # A model's own change_list.html override first (it extends reversion's, which adds the
        # "Recover deleted" link), then reversion's own.
        opts = self.model._meta
        return [
            f"admin/{opts.app_label}/{opts.model_name}/change_list.html",
            "reversion/change_list.html",
        ]

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not self.has_change_permission(request, obj):
            raise Http404("No such object, or not yours to see.")
        # Each listed version says whether this user may restore it (the same judgement as
        # revision_view's): a link only where the restore would be allowed.
        opts = self.model._meta
        versions = self._reversion_order_version_queryset(
            request,
            Version.objects.get_for_object_reference(self.model, obj.pk).select_related(
                "revision", "revision__user"
            ),
        )
        total = versions.count()
        action_list = []
        for version in versions[:HISTORY_LIST_LIMIT]:
            restorable = permissions.can_restore(request.user, version)
            url = reverse(
                f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_revision",
                args=(quote(version.object_id), version.id),
            )
            action_list.append({"revision": version.revision, "url": url if restorable else None})
        context = {
            "action_list": action_list,
            "history_total": total,
            "history_limit": HISTORY_LIST_LIMIT,
            **(extra_context or {}),
        }
        return super().history_view(request, object_id, context)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        version = (
            Version.objects.get_for_object_reference(self.model, unquote(object_id))
            .filter(pk=version_id)
            .first()
        )
        if version is None or not permissions.can_restore(request.user, version):
            raise Http404("No such version, or not yours to restore.")
        return super().revision_view(request, object_id, version_id, extra_context)

    def _deleted_versions(self, request):
        return Version.objects.get_deleted(self.model).select_related("revision__user")

    def recoverlist_view(self, request, extra_context=None):
        if not self.has_change_permission(request) or not self.has_add_permission(request):
            raise PermissionDenied
        versions = self._reversion_order_version_queryset(request, self._deleted_versions(request))
        deleted = [
            version
            for version in versions[:RECOVER_LIST_LIMIT]
            if permissions.can_recover(request.user, version)
        ]
        opts = self.model._meta
        request.current_app = self.admin_site.name
        context = {
            **self.admin_site.each_context(request),
            "opts": opts,
            "app_label": opts.app_label,
            "module_name": capfirst(opts.verbose_name),
            "title": f"Recover deleted {opts.verbose_name_plural}",
            "deleted": deleted,
            **(extra_context or {}),
        }
        return render(
            request,
            self.recover_list_template or self._reversion_get_template_list("recover_list.html"),
            context,
        )

    def recover_view(self, request, version_id, extra_context=None):
        version = self._deleted_versions(request).filter(pk=version_id).first()
        if version is None or not permissions.can_recover(request.user, version):
            raise Http404("No such deleted object, or not yours to recover.")
        return super().recover_view(request, version_id, extra_context)

    def _record_before_deleting(self, request, objects) -> None:
        # The state as deleted, followed rows included: an object imported or made outside the
        # admin has no version yet, and would otherwise be gone for good.
        with create_revision():
            set_user(request.user)
            set_comment("Deleted.")
            for obj in objects:
                add_to_revision(obj)

    def delete_model(self, request, obj):
        self._record_before_deleting(request, [obj])
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        self._record_before_deleting(request, list(queryset))
        super().delete_queryset(request, queryset)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # An inline edit is an edit of the parent: its timestamp moves, so a form opened before
        # it is refused (the stale-form stamp) and the change shows in the parent's "updated".
        has_updated = any(f.name == "updated" for f in self.model._meta.concrete_fields)
        if change and has_updated and any(formset.has_changed() for formset in formsets):
            self.model._default_manager.filter(pk=form.instance.pk).update(updated=timezone.now())


class LabPermissionMixin(LabVersionMixin, PersonChoiceMixin, MarkdownxAdminMedia):
    #: The person field stamped with the editor's own Person on create (members cannot choose).
    owner_field: str | None = None
    #: The lab field, narrowed to the editor's labs and stamped when there is only one.
    lab_field: str | None = None
    #: Fields only a superuser may change.
    superuser_only_fields: tuple[str, ...] = ()

    # -- what the user sees -------------------------------------------------------------------

    def get_queryset(self, request):
        # The search box of a relation elsewhere (a co-author, a collaborator, a new member, a
        # project's papers) offers what that field accepts, not only what this user may edit.
        source = autocomplete_source(request)
        if source is not None:
            choices = permissions.choices_for(request.user, *source)
            if choices is not None and choices.model is self.model:
                return choices
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
        if obj is None:
            return permissions.can_use(request.user, self.model)
        return permissions.can_delete(request.user, obj)

    def has_add_permission(self, request):
        return permissions.can_add(request.user, self.model)

    # -- "view on site": the object's page on its own lab's host -------------------------------

    def public_path(self, obj) -> str | None:
        get_url = getattr(obj, "get_absolute_url", None)
        return get_url() if get_url else None

    def view_on_site(self, obj):
        if obj is None or obj.pk is None or self.public_path(obj) is None:
            return None
        opts = self.model._meta
        return reverse(
            f"admin:{opts.app_label}_{opts.model_name}_on_site",
            args=[obj.pk],
            current_app=self.admin_site.name,
        )

    def get_urls(self):
        opts = self.model._meta
        return [
            path(
                "<path:object_id>/on-site/",
                self.admin_site.admin_view(self.on_site_view),
                name=f"{opts.app_label}_{opts.model_name}_on_site",
            ),
            *super().get_urls(),
        ]

    def on_site_view(self, request, object_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not self.has_view_permission(request, obj):
            raise Http404("No such object, or not yours to see.")
        path_ = self.public_path(obj)
        if path_ is None:
            raise Http404("This object has no public page.")
        return HttpResponseRedirect(public_url(request, path_, labs_of(obj)))

    # -- owner fields ---------------------------------------------------------------------------

    def _lab_choices(self, request):
        actor = permissions.actor_for(request.user)
        if actor.is_superuser:
            return Lab.objects.all()
        if self.lab_field in getattr(self, "lab_admin_only_lab_fields", ()):
            return Lab.objects.filter(pk__in=actor.admin_lab_ids)
        return permissions.labs_for_new_content(request.user)

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

    def _owner_fieldsets(self, request, obj=None):
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
        if db_field.name == self.lab_field:
            kwargs["queryset"] = self._lab_choices(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def stamp(self, request, obj, change: bool) -> None:
        """Set the owner and lab this user cannot choose (a new object's; never a changed one's
        owner)."""
        actor = permissions.actor_for(request.user)
        if (
            self.owner_field
            and not change
            and getattr(obj, f"{self.owner_field}_id") is None
            and self.stamp_owner(request, obj)
        ):
            setattr(obj, f"{self.owner_field}_id", actor.person_id)
        if self.lab_field and getattr(obj, f"{self.lab_field}_id") is None:
            labs = list(self._lab_choices(request)[:2])
            if len(labs) == 1 and self.stamp_lab:
                setattr(obj, f"{self.lab_field}_id", labs[0].pk)

    def get_fieldsets(self, request, obj=None):
        fieldsets = self._owner_fieldsets(request, obj)
        if fieldsets and STAMP_FIELD not in flatten_fieldsets(fieldsets):
            name, options = fieldsets[0]
            fieldsets[0] = (name, {**options, "fields": [*options["fields"], STAMP_FIELD]})
        return fieldsets

    def get_form(self, request, obj=None, change=False, **kwargs):
        # The stamp is the form's own field (added by ``stale_form_class``), not a model's.
        if "fields" not in kwargs:
            kwargs["fields"] = flatten_fieldsets(self.get_fieldsets(request, obj))
        if kwargs["fields"] is not None:
            kwargs["fields"] = [name for name in kwargs["fields"] if name != STAMP_FIELD]
        form_class = stale_form_class(super().get_form(request, obj, change=change, **kwargs))
        stamped = set(self._stamped_fields(request))
        if not stamped:
            return form_class
        admin_ = self

        class StampedForm(form_class):
            """Validates the unique constraints that involve a stamped field.

            Django skips a constraint when one of its fields is not on the form; a stamped
            lab is not, so a duplicate (a project slug or a redirect already in the lab, a
            role the person already has) reached the database as a server error.
            """

            def _post_clean(self):
                super()._post_clean()  # the form's values are on the instance from here on
                admin_.stamp(request, self.instance, change)
                exclude = set(self._get_validation_exclusions()) - stamped
                for constraint in self.instance._meta.constraints:
                    fields = set(getattr(constraint, "fields", ()) or ())
                    if isinstance(constraint, models.UniqueConstraint) and fields & stamped:
                        try:
                            constraint.validate(type(self.instance), self.instance, exclude)
                        except ValidationError as error:
                            self._update_errors(error)

        StampedForm.__name__ = form_class.__name__
        return StampedForm

    def save_model(self, request, obj, form, change):
        self.stamp(request, obj, change)
        super().save_model(request, obj, form, change)

    def stamp_owner(self, request, obj) -> bool:
        """Should a new object with no owner chosen be given the editor's own Person?"""
        return True

    stamp_lab = True


class LinkGuardFormSet(BaseInlineFormSet):
    """Refuses the link changes ``permissions`` does not allow in an author or collaborator
    list: naming another lab's member anew (``may_link``), and removing — deleting the row or
    pointing it at someone else — a colleague only their lab admin may remove (``may_unlink``).
    Rows saved unchanged are never refused, whoever they link."""

    link_user = None  # set per request by LabInlineMixin.get_formset

    def clean(self):
        super().clean()
        fields = [name for model, name in permissions.LINK_FIELDS if model is self.model]
        problems = []
        for form in self.forms:
            if not getattr(form, "cleaned_data", None) and not form.instance.pk:
                continue
            deleting = self.can_delete and self._should_delete_form(form)
            for name in fields:
                # The stored value: by now the form has copied the new one onto the instance.
                before_id = form.initial.get(name) if form.instance.pk else None
                after = (form.cleaned_data or {}).get(name)
                after_id = getattr(after, "pk", None)
                if before_id is not None and (deleting or after_id != before_id):
                    before = Person.objects.filter(pk=before_id).first()
                    if before is not None and not permissions.may_unlink(self.link_user, before):
                        problems.append(
                            f"Only a lab admin of {before.name}'s lab can take them off this "
                            "list; ask them, or hide the paper from your own pages instead."
                        )
                new_link = after is not None and after_id != before_id and not deleting
                if new_link and not permissions.may_link(self.link_user, after):
                    problems.append(
                        f"{after.name} is a member of another lab: keep the printed name "
                        "without a link (their lab can link it)."
                    )
        if problems:
            raise ValidationError(problems)


class LabInlineMixin(PersonChoiceMixin, MarkdownxAdminMedia):
    """Inline rows follow their parent: editable when the parent is."""

    extra = 0
    view_on_site = False  # a row's page is its parent's; the parent has the button

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        if not any(model is self.model for model, _ in permissions.LINK_FIELDS):
            return formset
        guarded = formset if issubclass(formset, LinkGuardFormSet) else None
        if guarded is None:
            guarded = type(formset.__name__, (LinkGuardFormSet, formset), {})
        return type(guarded.__name__, (guarded,), {"link_user": request.user})

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
class RedirectAdmin(LabPermissionMixin, VersionAdmin):
    list_display = ["old_path", "new_path", "lab"]
    list_filter = [("lab", LabListFilter)]
    search_fields = ["old_path", "new_path"]
    list_select_related = ["lab"]
    lab_field = "lab"
    lab_admin_only_lab_fields = ("lab",)

    def public_path(self, obj: Redirect) -> str:
        return obj.old_path  # "view on site" follows the redirect, which is the thing to check
