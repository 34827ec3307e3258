"""Giving a person an admin account and a place in a lab (``manage.py add_member``).

The command and the admin's "Add a member" form (``labsite/member_admin.py``) are thin shells
around :func:`add_member`, so the rules are tested without them. The admin asks for more: a new
username only (never an existing account), and a person its user may give a login to.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from people.models import Lab, Membership, Person, Role


class MemberError(Exception):
    """The request cannot be carried out as asked; the message says why, for the command line."""


@dataclass(frozen=True)
class MemberResult:
    person: Person
    user: object
    membership: Membership
    created_person: bool
    created_user: bool
    created_membership: bool
    #: ``True`` when the user has no usable password yet (a new account, or one never set).
    needs_password: bool
    #: ``True`` when a deactivated account was made active again (with its password cleared).
    reactivated: bool = False


def find_person(value: str) -> Person | None:
    """The person whose slug is ``value``, else whose full name is ``value`` (case-insensitive)."""
    value = value.strip()
    person = Person.objects.filter(slug=value).first()
    if person is not None:
        return person
    matches = list(Person.objects.filter(name__iexact=value)[:2])
    if len(matches) > 1:
        raise MemberError(
            f"More than one person is called {value!r}; name one by slug "
            f"({', '.join(p.slug for p in matches)})."
        )
    return matches[0] if matches else None


def add_member(
    *,
    lab: str | Lab,
    person: str | Person,
    username: str,
    email: str = "",
    role: str | None = None,
    lab_admin: bool | None = None,
    link_existing_user: bool = True,
    may_link_person: Callable[[Person], bool] | None = None,
) -> MemberResult:
    """Give ``person`` (a Person, a slug or a full name; created if a new full name) a staff
    account and a membership of ``lab`` (a Lab or its slug).

    The account is created, or an existing user named ``username`` is linked, unless that user is
    already linked to another person or the person to another user. An existing membership keeps
    its role and lab-admin flag unless ``role``/``lab_admin`` are given. No password is ever set
    here: a new account has an unusable one until the member sets their own.

    ``link_existing_user=False`` refuses a ``username`` that exists instead of linking it, and
    ``may_link_person`` (called with an existing person) refuses a person it says no to: the admin
    form's rules, checked inside the same transaction as the writes. An ``email`` another account
    already has is refused: a "forgotten password" link for it would reach both.
    """
    username = username.strip()
    if not username:
        raise MemberError("The username must not be empty.")
    if role is not None and role not in Role.values:
        raise MemberError(f"Unknown role {role!r}; choose one of: {', '.join(Role.values)}.")
    email = email.strip()
    lab_obj = lab if isinstance(lab, Lab) else Lab.objects.filter(slug=lab).first()
    if lab_obj is None:
        known = ", ".join(Lab.objects.order_by("slug").values_list("slug", flat=True)) or "none yet"
        raise MemberError(f"There is no lab {lab!r} (labs: {known}).")

    User = get_user_model()
    with transaction.atomic():
        person_obj = person if isinstance(person, Person) else find_person(person)
        created_person = person_obj is None
        if not created_person and may_link_person is not None and not may_link_person(person_obj):
            raise MemberError(
                f"{person_obj.name} ({person_obj.slug}) is a member of another lab; "
                "that lab's admin can give them a login."
            )
        if created_person:
            if not person.strip() or " " not in person.strip():
                raise MemberError(
                    f"No person has the slug or name {person!r}; give a new person's full name "
                    '(e.g. --person "Ada Lovelace").'
                )
            person_obj = Person(name=person.strip(), email=email)
            person_obj.save()

        user = User.objects.filter(**{User.USERNAME_FIELD: username}).first()
        created_user = user is None
        reactivated = False
        if user is not None and not link_existing_user:
            raise MemberError(f"The username {username!r} is taken; choose another.")
        if email:
            others = User.objects.filter(**{f"{User.get_email_field_name()}__iexact": email})
            if user is not None:
                others = others.exclude(pk=user.pk)
            if others.exists():
                raise MemberError(f"The email address {email} is already used by another account.")
        if user is not None:
            linked = Person.objects.filter(user=user).exclude(pk=person_obj.pk).first()
            if linked is not None:
                raise MemberError(
                    f"The user {username!r} is already linked to {linked.name} ({linked.slug})."
                )
        if person_obj.user_id is not None and (user is None or person_obj.user_id != user.pk):
            raise MemberError(
                f"{person_obj.name} is already linked to the user "
                f"{person_obj.user.get_username()!r}."
            )
        if user is None:
            user = User(**{User.USERNAME_FIELD: username}, email=email, is_staff=True)
            user.set_unusable_password()
            user.save()
        else:
            changed = []
            if not user.is_staff:
                user.is_staff = True
                changed.append("is_staff")
            if not user.is_active:
                # A deactivated account comes back only with a new password: whoever knew (or
                # stole) the old one must not get in again because the person rejoined.
                user.is_active = True
                user.set_unusable_password()
                changed += ["is_active", "password"]
                reactivated = True
            if email and not user.email:
                user.email = email
                changed.append("email")
            if changed:
                user.save(update_fields=changed)
        if person_obj.user_id != user.pk:
            person_obj.user = user
            person_obj.save(update_fields=["user"])
        if email and not person_obj.email:
            person_obj.email = email
            person_obj.save(update_fields=["email"])

        membership, created_membership = _membership(person_obj, lab_obj, role, lab_admin)

    return MemberResult(
        person=person_obj,
        user=user,
        membership=membership,
        created_person=created_person,
        created_user=created_user,
        created_membership=created_membership,
        needs_password=not user.has_usable_password(),
        reactivated=reactivated,
    )


def _membership(
    person: Person, lab: Lab, role: str | None, lab_admin: bool | None
) -> tuple[Membership, bool]:
    """The person's membership of ``lab``: the one with ``role`` if given, else the current one."""
    existing = Membership.objects.filter(person=person, lab=lab)
    membership = None
    if role is not None:
        membership = existing.filter(role=role).first()
    if membership is None:
        # Prefer a current membership (no end) to an old one, then the most recent.
        membership = existing.order_by("end", "-start", "-pk").filter(end__isnull=True).first()
        if membership is None and role is None:
            membership = existing.order_by("-end", "-pk").first()
    if membership is None:
        membership = Membership.objects.create(
            person=person, lab=lab, role=role or Role.PHD, is_lab_admin=bool(lab_admin)
        )
        return membership, True
    changed = []
    if role is not None and membership.role != role:
        membership.role = role
        changed.append("role")
    if lab_admin is not None and membership.is_lab_admin != lab_admin:
        membership.is_lab_admin = lab_admin
        changed.append("is_lab_admin")
    if changed:
        membership.save(update_fields=changed)
    return membership, False
