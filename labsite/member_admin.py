"""The admin's "Add a member" form and "Send invitation" page (reached from the Person admin).

A lab admin creates the person, their membership and their login in one form, and the member
gets an email with a one-time link to choose a password (``labsite/invitations.py``): nobody
needs a shell, and nobody but a superuser sees Django's User admin. The form is a thin shell over
``labsite.members.add_member``; who may do it is ``permissions.can_invite``.
"""

from __future__ import annotations

import re
import smtplib

from django import forms
from django.contrib import messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse

from labsite import invitations, permissions
from labsite.members import MemberError, add_member, find_person
from people.models import Lab, Membership, Person, Role

_NOT_IN_USERNAME = re.compile(r"[^\w.@+-]")


def username_from_email(email: str) -> str:
    """The part of ``email`` before the ``@``, without the characters a username cannot have."""
    return _NOT_IN_USERNAME.sub("", email.partition("@")[0])[:150]


class AddMemberForm(forms.Form):
    name = forms.CharField(label="Full name", max_length=200)
    email = forms.EmailField(help_text="The invitation goes to this address.")
    username = forms.CharField(
        required=False,
        max_length=150,
        help_text="What the member signs in with. Leave it empty to use the part of the email "
        "before the @.",
    )
    lab = forms.ModelChoiceField(queryset=Lab.objects.none(), empty_label=None)
    role = forms.ChoiceField(choices=Role.choices, initial=Role.PHD)
    is_lab_admin = forms.BooleanField(
        required=False,
        label="Lab admin",
        help_text="May edit everything that belongs to the lab, and add members.",
    )
    send_invitation = forms.BooleanField(
        required=False,
        initial=True,
        label="Send the invitation now",
        help_text=f"An email with a one-time link to choose a password, valid for "
        f"{invitations.link_days()} days.",
    )

    def __init__(self, *args, user, person: Person | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.person = person
        labs = permissions.labs_to_invite_into(user).order_by("name")
        self.fields["lab"].queryset = labs
        lab_ids = list(labs.values_list("pk", flat=True))
        if len(lab_ids) == 1:
            self.fields["lab"].widget = forms.HiddenInput()
            self.fields["lab"].initial = lab_ids[0]
        if person is not None:
            # An existing person: their name is theirs to change on their own page.
            self.fields["name"].disabled = True
            self.fields["name"].initial = person.name
            self.fields["email"].initial = person.email
            current = (
                Membership.objects.filter(person=person, lab__in=lab_ids)
                .current()
                .order_by("pk")
                .first()
            )
            if current is not None:
                self.fields["lab"].initial = current.lab_id
                self.fields["role"].initial = current.role
                self.fields["is_lab_admin"].initial = current.is_lab_admin

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if self.person is not None:
            return name
        try:
            existing = find_person(name)
        except MemberError as exc:
            raise ValidationError(str(exc)) from exc
        if existing is None:
            if " " not in name:
                raise ValidationError("Give the full name, e.g. Ada Lovelace.")
            return name
        if not permissions.can_invite(self.user, existing):
            raise ValidationError(
                f"{existing.name} is a member of another lab; that lab's admin can give them "
                "a login."
            )
        if existing.user_id is not None:
            raise ValidationError(
                f"{existing.name} already has a login ({existing.user.get_username()!r}); "
                "send the invitation from their page."
            )
        self.existing = existing
        return name

    def clean(self):
        cleaned = super().clean()
        email = cleaned.get("email", "")
        username = (cleaned.get("username") or "").strip() or username_from_email(email)
        if not username:
            if email:
                self.add_error("username", "Choose a username: the email gives none.")
            return cleaned
        User = get_user_model()
        try:
            User.username_validator(username)
        except ValidationError as error:
            self.add_error("username", error)
            return cleaned
        if User._default_manager.filter(**{f"{User.USERNAME_FIELD}__iexact": username}).exists():
            self.add_error("username", f"The username {username!r} is taken; choose another.")
        if (
            email
            and User._default_manager.filter(
                **{f"{User.get_email_field_name()}__iexact": email}
            ).exists()
        ):
            self.add_error("email", f"{email} is already used by another account.")
        cleaned["username"] = username
        return cleaned


def _change_url(person: Person) -> str:
    return reverse("admin:people_person_change", args=[person.pk])


def _invite(request: HttpRequest, user, person: Person, lab: Lab) -> None:
    """Send the invitation and say what happened; a failed send keeps the login (and says so)."""
    try:
        address = invitations.send_invitation(
            request=request,
            user=user,
            person=person,
            lab=lab,
            invited_by=getattr(getattr(request.user, "person", None), "name", ""),
        )
    except ValueError as exc:
        messages.error(request, str(exc))
    except (smtplib.SMTPException, OSError) as exc:
        messages.error(
            request,
            f"The invitation to {person.name} could not be sent ({exc}); the login exists: "
            "send the invitation again from this page.",
        )
    else:
        messages.success(
            request,
            f"Invitation sent to {address}: a one-time link to choose a password, valid for "
            f"{invitations.link_days()} days.",
        )


def add_member_view(model_admin, request: HttpRequest) -> HttpResponse:
    """Person, membership and login in one form; then, by default, the invitation."""
    if not permissions.can_invite(request.user):
        raise PermissionDenied
    person = None
    if request.GET.get("person"):
        person = (
            permissions.editable(request.user, Person.objects.all())
            .filter(pk=request.GET["person"] if request.GET["person"].isdigit() else None)
            .first()
        )
        if person is None or not permissions.can_invite(request.user, person):
            raise Http404("No such person, or not yours to give a login.")
        if person.user_id is not None:
            return HttpResponseRedirect(reverse("admin:people_person_invite", args=[person.pk]))
    form = AddMemberForm(request.POST or None, user=request.user, person=person)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = add_member(
                lab=data["lab"],
                person=person or getattr(form, "existing", None) or data["name"],
                username=data["username"],
                email=data["email"],
                role=data["role"],
                lab_admin=data["is_lab_admin"],
                link_existing_user=False,
                may_link_person=lambda p: permissions.can_invite(request.user, p),
            )
        except MemberError as exc:
            form.add_error(None, str(exc))
        else:
            permissions.forget_actor(request.user)
            added = f"{result.membership.get_role_display()} in {result.membership.lab.name}"
            if result.created_person:
                model_admin.log_addition(request, result.person, [{"added": {}}])
            else:
                model_admin.log_change(request, result.person, [{"changed": {"fields": ["user"]}}])
            messages.success(
                request,
                f"{result.person.name} is a member ({added}) with the login "
                f"{result.user.get_username()!r}.",
            )
            if data["send_invitation"]:
                _invite(request, result.user, result.person, result.membership.lab)
            else:
                messages.info(request, "No invitation sent yet: use “Send invitation” here.")
            return HttpResponseRedirect(_change_url(result.person))
    fields = ["name", "email", "username", "lab", "role", "is_lab_admin", "send_invitation"]
    adminform = helpers.AdminForm(form, [(None, {"fields": fields})], {})
    title = f"Create a login for {person.name}" if person else "Add a member"
    context = {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "adminform": adminform,
        "form": form,
        "person": person,
        "opts": model_admin.model._meta,
        "errors": helpers.AdminErrorList(form, []),
        "media": model_admin.media + form.media,
    }
    return TemplateResponse(request, "admin/people/person/add_member.html", context)


def invitation_lab(request: HttpRequest, person: Person) -> Lab | None:
    """The lab whose host the invitation opens on: the request's lab when the person is in it
    and the user may invite into it, else the first such lab."""
    labs = list(
        permissions.labs_to_invite_into(request.user)
        .filter(memberships__person=person)
        .distinct()
        .order_by("pk")
    )
    current = getattr(request, "lab", None)
    for lab in labs:
        if current is not None and lab.pk == current.pk:
            return lab
    return labs[0] if labs else None


def invite_view(model_admin, request: HttpRequest, object_id: str) -> HttpResponse:
    """Send (again) the invitation of a person whose login has no password yet."""
    person = model_admin.get_object(request, unquote(object_id))
    if person is None:
        raise Http404("No such person, or not yours to see.")
    if not permissions.can_invite(request.user, person):
        raise PermissionDenied
    user = person.user
    if user is None:
        return HttpResponseRedirect(
            reverse("admin:people_person_add_member") + f"?person={person.pk}"
        )
    lab = invitation_lab(request, person)
    problem = None
    if user.has_usable_password():
        problem = (
            f"{person.name} has chosen a password already; a forgotten one is replaced from "
            "“Forgotten your password?” on the login page."
        )
    elif not user.is_active:
        problem = (
            f"The login {user.get_username()!r} is deactivated; a superuser can reactivate it."
        )
    elif lab is None:
        problem = f"{person.name} is in none of your labs."
    elif not invitations.invitation_address(user, person):
        problem = f"{person.name} has no email address: add one on this page first."
    if problem is not None:
        messages.error(request, problem)
        return HttpResponseRedirect(_change_url(person))
    if request.method == "POST":
        _invite(request, user, person, lab)
        return HttpResponseRedirect(_change_url(person))
    context = {
        **model_admin.admin_site.each_context(request),
        "title": f"Send {person.name} an invitation",
        "person": person,
        "original": person,
        "address": invitations.invitation_address(user, person),
        "username": user.get_username(),
        "lab": lab,
        "days": invitations.link_days(),
        "opts": model_admin.model._meta,
    }
    return TemplateResponse(request, "admin/people/person/invite.html", context)


def invite_action(request: HttpRequest, person: Person | None) -> dict | None:
    """The invitation button of ``person``'s change page, or ``None`` when there is none."""
    if person is None or person.pk is None or not permissions.can_invite(request.user, person):
        return None
    user = person.user
    if user is None:
        url = reverse("admin:people_person_add_member") + f"?person={person.pk}"
        return {"label": "Create login and invite", "url": url}
    if user.has_usable_password() or not user.is_active:
        return None
    return {
        "label": "Send invitation",
        "url": reverse("admin:people_person_invite", args=[person.pk]),
    }
