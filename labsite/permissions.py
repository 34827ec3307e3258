"""Who may edit what, as plain functions (DESIGN.md: Permissions).

- A superuser: everything.
- A lab admin (``Membership.is_lab_admin``): everything that belongs to their lab(s).
- A member (a staff user linked to a Person): their own profile and its parts, the publications
  they are an author of, the projects they own or collaborate on.

``editable(user, queryset)`` narrows a queryset to what ``user`` may edit and ``can_edit(user,
obj)`` checks one object, both from the same rule per model, so a list and a single-object check
can never disagree. The admin only delegates here (``labsite.admin.LabPermissionMixin``).

Deleting is editing, except for a lab (superusers only), a person (a lab admin of all their
labs) and a paper shared with another lab member (a lab admin of that member's lab):
``can_delete``. *Choosing* is not editing: ``choices_for`` says what a relation may point at —
one's own labs' people and outside people as a co-author or collaborator, one's own lab's
people as an owner, unenrolled people for a new membership. Taking a colleague off an author
list is ``may_unlink``.

History (django-reversion): ``can_restore`` and ``can_recover`` say whether a stored version may
be brought back, judged on the state it would bring back (the version's own rows, so a deleted
paper is judged by its stored authorships), never by the version's author.

Unlocking a sign-in that django-axes locked after repeated failures is for superusers and for a
lab admin of the person's lab: ``can_unlock_sign_in``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import DatabaseError, transaction
from django.db.models import Model, ProtectedError, Q, QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from labsite.models import Redirect
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
from publications.models import Authorship, Publication, PublicationLink
from research.models import Collaborator, Figure, Project


@dataclass(frozen=True)
class Actor:
    """What the rules need to know about a user, read once per request."""

    is_superuser: bool
    is_staff: bool
    person_id: int | None
    lab_ids: frozenset[int] = field(default_factory=frozenset)
    admin_lab_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def is_editor(self) -> bool:
        """May use the admin at all: a superuser, or an active staff user linked to a Person."""
        return self.is_superuser or (self.is_staff and self.person_id is not None)


def actor_for(user) -> Actor:
    cached = getattr(user, "_labsite_actor", None)
    if cached is not None:
        return cached
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        actor = Actor(is_superuser=False, is_staff=False, person_id=None)
    else:
        person = Person.objects.filter(user=user).only("pk").first()
        lab_ids: set[int] = set()
        admin_ids: set[int] = set()
        if person is not None:
            for lab_id, is_admin in Membership.objects.filter(person=person).values_list(
                "lab_id", "is_lab_admin"
            ):
                lab_ids.add(lab_id)
                if is_admin:
                    admin_ids.add(lab_id)
        actor = Actor(
            is_superuser=user.is_superuser,
            is_staff=user.is_staff,
            person_id=person.pk if person else None,
            lab_ids=frozenset(lab_ids),
            admin_lab_ids=frozenset(admin_ids),
        )
    user._labsite_actor = actor
    return actor


def forget_actor(user) -> None:
    """Drop the cached Actor (after a membership or link to a Person changed)."""
    if hasattr(user, "_labsite_actor"):
        del user._labsite_actor


_NOTHING = Q(pk__in=[])


def _person_owned(prefix: str = "person") -> Callable[[Actor], Q]:
    def rule(actor: Actor) -> Q:
        q = _NOTHING
        if actor.person_id:
            q |= Q(**{prefix: actor.person_id})
        if actor.admin_lab_ids:
            q |= Q(**{f"{prefix}__memberships__lab__in": actor.admin_lab_ids})
        return q

    return rule


def _lab_rule(actor: Actor) -> Q:
    return Q(pk__in=actor.admin_lab_ids) if actor.admin_lab_ids else _NOTHING


def _membership_rule(actor: Actor) -> Q:
    return Q(lab__in=actor.admin_lab_ids) if actor.admin_lab_ids else _NOTHING


def _person_rule(actor: Actor) -> Q:
    q = Q(pk=actor.person_id) if actor.person_id else _NOTHING
    if actor.admin_lab_ids:
        q |= Q(memberships__lab__in=actor.admin_lab_ids)
    return q


def _news_rule(actor: Actor) -> Q:
    q = _person_owned()(actor)
    if actor.admin_lab_ids:
        q |= Q(lab__in=actor.admin_lab_ids)
    return q


def _publication_rule(prefix: str = "") -> Callable[[Actor], Q]:
    def rule(actor: Actor) -> Q:
        q = _NOTHING
        if actor.person_id:
            q |= Q(**{f"{prefix}authorships__person": actor.person_id})
        if actor.admin_lab_ids:
            q |= Q(**{f"{prefix}authorships__person__memberships__lab__in": actor.admin_lab_ids})
        return q

    return rule


def _project_rule(prefix: str = "") -> Callable[[Actor], Q]:
    def rule(actor: Actor) -> Q:
        q = _NOTHING
        if actor.person_id:
            q |= Q(**{f"{prefix}owner": actor.person_id})
            q |= Q(**{f"{prefix}collaborators__person": actor.person_id})
        if actor.admin_lab_ids:
            q |= Q(**{f"{prefix}lab__in": actor.admin_lab_ids})
        return q

    return rule


def _redirect_rule(actor: Actor) -> Q:
    return Q(lab__in=actor.admin_lab_ids) if actor.admin_lab_ids else _NOTHING


RULES: dict[type[Model], Callable[[Actor], Q]] = {
    Lab: _lab_rule,
    Person: _person_rule,
    Membership: _membership_rule,
    ProfileSection: _person_owned(),
    NewsItem: _news_rule,
    Honor: _person_owned(),
    CVEntry: _person_owned(),
    Talk: _person_owned(),
    Teaching: _person_owned(),
    Publication: _publication_rule(),
    Authorship: _publication_rule("publication__"),
    PublicationLink: _publication_rule("publication__"),
    Project: _project_rule(),
    Collaborator: _project_rule("project__"),
    Figure: _project_rule("project__"),
    Redirect: _redirect_rule,
}

# Models a member may create (for themselves); the rest need a lab admin or a superuser.
MEMBER_CREATABLE = {
    ProfileSection,
    NewsItem,
    Honor,
    CVEntry,
    Talk,
    Teaching,
    Publication,
    Project,
}
LAB_ADMIN_CREATABLE = MEMBER_CREATABLE | {Person, Membership, Redirect}


def editable(user, queryset: QuerySet) -> QuerySet:
    """``queryset`` narrowed to the rows ``user`` may see and edit in the admin."""
    actor = actor_for(user)
    if actor.is_superuser:
        return queryset
    if not actor.is_editor:
        return queryset.none()
    model = queryset.model
    rule = RULES.get(model)
    if rule is None:
        return queryset.none()
    # A subquery instead of a join: rules that cross to-many relations must not repeat rows.
    allowed = model._default_manager.filter(rule(actor)).values("pk")
    return queryset.filter(pk__in=allowed)


def can_edit(user, obj: Model) -> bool:
    """May ``user`` view, change and delete ``obj``?"""
    if obj is None or obj.pk is None:
        return False
    actor = actor_for(user)
    if actor.is_superuser:
        return True
    return editable(user, type(obj)._default_manager.filter(pk=obj.pk)).exists()


def can_delete(user, obj: Model) -> bool:
    """May ``user`` delete ``obj``? As ``can_edit``, except for the two things whose deletion
    takes much else with it: a lab (superusers only) and a person (a lab admin of every lab the
    person is in — not the person themselves, and not one lab's admin for a shared person)."""
    actor = actor_for(user)
    if actor.is_superuser:
        return True
    if isinstance(obj, Lab):
        return False
    if isinstance(obj, Person):
        labs = set(Membership.objects.filter(person=obj).values_list("lab_id", flat=True))
        return bool(labs) and labs <= actor.admin_lab_ids
    if isinstance(obj, Publication):
        # A paper is every co-author's: it goes only when no other lab member is an author,
        # or by a lab admin of all of those members' labs. A member who wants a shared paper
        # off their own pages hides their authorship instead.
        if not can_edit(user, obj):
            return False
        others = Membership.objects.filter(
            person__authorships__publication=obj,
        ).exclude(person_id=actor.person_id)
        return set(others.values_list("lab_id", flat=True)) <= actor.admin_lab_ids
    return can_edit(user, obj)


def can_add(user, model: type[Model]) -> bool:
    actor = actor_for(user)
    if actor.is_superuser:
        return True
    if not actor.is_editor:
        return False
    if actor.admin_lab_ids:
        return model in LAB_ADMIN_CREATABLE
    return model in MEMBER_CREATABLE


def can_use(user, model: type[Model]) -> bool:
    """Should ``model`` appear in ``user``'s admin at all?"""
    actor = actor_for(user)
    if actor.is_superuser:
        return True
    if not actor.is_editor or model not in RULES:
        return False
    return can_add(user, model) or editable(user, model._default_manager.all()).exists()


def can_invite(user, person: Person | None = None) -> bool:
    """May ``user`` create a login for ``person`` (``None``: a person not created yet) and send
    them an invitation to set a password?

    A superuser: anyone. A lab admin: a new person, a person of one of their labs, or a person in
    no lab yet (whom the new membership puts in theirs, as ``people_to_enrol`` allows). Not a
    person of another lab only: a login linked to them would make their profile the lab admin's
    invitee's. A member: nobody, not even themselves.
    """
    actor = actor_for(user)
    if actor.is_superuser:
        return True
    if not actor.is_editor or not actor.admin_lab_ids:
        return False
    if person is None or person.pk is None:
        return True
    labs = set(Membership.objects.filter(person=person).values_list("lab_id", flat=True))
    return not labs or bool(labs & actor.admin_lab_ids)


def labs_to_invite_into(user) -> QuerySet:
    """Labs ``user`` may give a new member a membership (and a login) in."""
    actor = actor_for(user)
    if actor.is_superuser:
        return Lab.objects.all()
    return Lab.objects.filter(pk__in=actor.admin_lab_ids if actor.is_editor else ())


def labs_for_new_content(user) -> QuerySet:
    """Labs ``user`` may put a new project or lab news item in."""
    actor = actor_for(user)
    if actor.is_superuser:
        return Lab.objects.all()
    return Lab.objects.filter(pk__in=actor.lab_ids)


def people_to_own(user) -> QuerySet:
    """People ``user`` may set as the owner of a section, news item, honor, talk or course."""
    return editable(user, Person.objects.all())


def people_to_enrol(user) -> QuerySet:
    """People a lab admin may give a membership: their own lab's people and people in no lab.

    Not another lab's members: a membership in your lab would give you their profile to edit.
    """
    actor = actor_for(user)
    if actor.is_superuser:
        return Person.objects.all()
    return Person.objects.filter(
        Q(pk__in=editable(user, Person.objects.all()).values("pk")) | Q(memberships__isnull=True)
    ).distinct()


def people_to_link(user) -> QuerySet:
    """People ``user`` may name as a new co-author or collaborator: the people of their own
    lab(s), current or past, and people who belong to no lab (outside co-authors).

    Not another lab's members: a paper that names one shows on that lab's pages, so linking
    them would let one lab write into another's site. They stay printed names (or their own
    lab links them). A superuser links anyone.
    """
    actor = actor_for(user)
    if actor.is_superuser:
        return Person.objects.all()
    if not actor.is_editor:
        return Person.objects.none()
    return Person.objects.filter(
        Q(pk__in=Membership.objects.filter(lab__in=actor.lab_ids).values("person"))
        | Q(memberships__isnull=True)
    ).distinct()


def may_link(user, person: Person) -> bool:
    """May ``user`` newly name ``person`` as a co-author or collaborator?"""
    return people_to_link(user).filter(pk=person.pk).exists()


def may_unlink(user, person: Person) -> bool:
    """May ``user`` take ``person`` off an author or collaborator list (delete the row, or point
    it at someone else)? Themselves and people outside every lab, yes; another lab member only
    as a lab admin of one of that member's labs (or a superuser): a colleague's authorship is
    theirs, not their co-author's, to drop."""
    actor = actor_for(user)
    if actor.is_superuser or person.pk == actor.person_id:
        return True
    labs = set(Membership.objects.filter(person=person).values_list("lab_id", flat=True))
    return not labs or bool(labs & actor.admin_lab_ids)


#: Person fields whose choice links a person without giving any right over them.
LINK_FIELDS = {(Authorship, "person"), (Collaborator, "person")}


def people_to_choose(user, model: type[Model], field_name: str) -> QuerySet:
    """The people ``user`` may pick in ``model.field_name`` (the autocomplete's offer).

    For a link field this is ``people_to_link``; the form field itself accepts anyone (a row
    saved unchanged keeps a co-author another lab linked), and the inline's formset refuses a
    *new* link outside ``people_to_link`` (``labsite.admin.LinkGuardFormSet``).
    """
    if (model, field_name) in LINK_FIELDS:
        return people_to_link(user)
    if model is Membership:
        return people_to_enrol(user)
    return people_to_own(user)


def person_field_queryset(user, model: type[Model], field_name: str) -> QuerySet:
    """What a POST may carry in ``model.field_name`` (validated further by the formset)."""
    if (model, field_name) in LINK_FIELDS:
        return Person.objects.all() if actor_for(user).is_editor else Person.objects.none()
    return people_to_choose(user, model, field_name)


def publications_to_link(user, *, project: Project | None = None) -> QuerySet:
    """Publications ``user`` may list on a project: their labs' papers and the ones they edit,
    plus those ``project`` already lists."""
    actor = actor_for(user)
    if actor.is_superuser:
        return Publication.objects.all()
    if not actor.is_editor:
        return Publication.objects.none()
    q = Q(pk__in=editable(user, Publication.objects.all()).values("pk"))
    q |= Q(
        pk__in=Authorship.objects.filter(person__memberships__lab__in=actor.lab_ids).values(
            "publication"
        )
    )
    if project is not None and project.pk is not None:
        q |= Q(pk__in=project.publications.values("pk"))
    return Publication.objects.filter(q)


def choices_for(user, model: type[Model], field_name: str) -> QuerySet | None:
    """What ``user`` may pick in the relation ``model.field_name``, or ``None`` if no rule here.

    Used for both the form field (what a POST may carry) and the admin's autocomplete (what the
    search box offers), so the two cannot disagree.
    """
    related = model._meta.get_field(field_name).related_model
    if related is Person:
        return people_to_choose(user, model, field_name)
    if related is Publication:
        return publications_to_link(user)
    return None


def can_unlock_sign_in(user, person: Person | None = None) -> bool:
    """May ``user`` clear the failed sign-ins that locked ``person``'s account (django-axes)?

    A superuser, for anyone; a lab admin, for a person with an account in one of their labs —
    but not for a superuser's account, whose lock stops guesses at the one password that opens
    everything. Without ``person``: may ``user`` unlock anyone at all (the admin shows the
    action)?
    """
    actor = actor_for(user)
    if actor.is_superuser:
        return True
    if not actor.is_editor or not actor.admin_lab_ids:
        return False
    if person is None:
        return True
    if person.user_id is None or person.user.is_superuser:
        return False
    return Membership.objects.filter(person=person, lab__in=actor.admin_lab_ids).exists()


# -- history and undo (django-reversion) ------------------------------------------------------

#: The rows whose ``person`` links a person to a parent that reversion follows.
_LINK_ROWS: dict[type[Model], tuple[type[Model], str]] = {
    Publication: (Authorship, "publication"),
    Project: (Collaborator, "project"),
}


class _Rollback(Exception):
    """Undoes the trial revert in ``_judge_reverted``."""


def _linked_people(model: type[Model], object_id) -> set[int]:
    link = _LINK_ROWS.get(model)
    if link is None:
        return set()
    row_model, parent = link
    rows = row_model._default_manager.filter(**{f"{parent}_id": object_id, "person__isnull": False})
    return set(rows.values_list("person_id", flat=True))


def _judge_reverted(user, version, *, linked_before: set[int]) -> bool:
    """Would ``user`` be allowed the state ``version``'s revision brings back?

    The revision is reverted for real inside a savepoint that is always rolled back, and the
    ordinary rules (``can_edit``, ``may_unlink``) are asked about the result: one rule per
    model, the same as for any other edit, instead of a second copy of every rule written over
    serialized data. Signals are muted, so the page cache hears nothing of the trial.
    """
    from reversion.errors import RevertError
    from reversion.utils import mute_signals

    actor_for(user)  # read (and cache) the user's labs before the trial changes anything
    model = version._model
    allowed = False
    try:
        with (
            transaction.atomic(using=version.db),
            mute_signals(pre_save, post_save, pre_delete, post_delete, m2m_changed),
        ):
            version.revision.revert(delete=True)
            obj = model._default_manager.filter(pk=version.object_id).first()
            if obj is not None and can_edit(user, obj):
                dropped = linked_before - _linked_people(model, version.object_id)
                allowed = all(
                    may_unlink(user, person) for person in Person.objects.filter(pk__in=dropped)
                )
            raise _Rollback
    except _Rollback:
        return allowed
    except (RevertError, ProtectedError, DatabaseError):
        # A version that no longer fits the database (a deleted co-author, a taken slug) cannot
        # be brought back by anyone through the admin.
        return False


def can_restore(user, version) -> bool:
    """May ``user`` restore ``version`` of an object that still exists? Only someone who may
    edit the object now, when the restored state is one they may edit too and it takes no one
    off an author or collaborator list they could not take off by hand. A restored state that
    names another lab's member is fine: it was like that."""
    actor = actor_for(user)
    if not actor.is_editor:
        return False
    model = version._model
    current = model._default_manager.filter(pk=version.object_id).first()
    if current is None or not can_edit(user, current):
        return False
    if actor.is_superuser:
        return True
    return _judge_reverted(user, version, linked_before=_linked_people(model, version.object_id))


def can_recover(user, version) -> bool:
    """May ``user`` see and bring back the deleted object ``version`` holds? Recovering is
    adding: only for someone who may add such objects and who could edit the object as it is
    stored (a deleted paper: one of its stored authors is the user, or a member of a lab the user
    administers)."""
    actor = actor_for(user)
    if actor.is_superuser:
        return True
    if not can_add(user, version._model):
        return False
    return _judge_reverted(user, version, linked_before=set())
