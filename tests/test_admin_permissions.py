"""The permission matrix, through the admin over HTTP (DESIGN.md: Permissions).

Every admin-registered model × view / add / change / delete × own / another member's / another
lab's object, for alice (a member of lab A), dana (lab A's lab admin) and root (a superuser).
Every object the cast owns could leak; the tests check both the answer and the database.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.sites.models import Site
from django.core import mail
from django.forms.models import model_to_dict
from django.urls import reverse

from labsite.models import Redirect
from labsite.review_admin import has_review
from people.models import (
    CVEntry,
    Honor,
    Lab,
    Membership,
    NewsItem,
    Person,
    Post,
    ProfileSection,
    Talk,
    Teaching,
)
from publications.models import Authorship, Publication
from research.models import Collaborator, Project
from tests import factories as f
from tests.admin_forms import AdminFormFields as _FormFields
from tests.conftest import make_cast, make_lab_a, make_lab_b, rows_for_the_module, shared_copy

pytestmark = pytest.mark.django_db


# -- building admin POST data from the rendered form -------------------------------------------


def form_data(client, url: str, model, **overrides) -> dict[str, list[str] | str]:
    """POST data for the admin form at ``url`` as ``client`` sees it, with ``overrides``."""
    response = client.get(url)
    assert response.status_code == 200, url
    parser = _FormFields(f"{model._meta.model_name}_form")
    parser.feed(response.content.decode())
    assert parser.data, f"no form fields found at {url}"
    data: dict[str, list[str] | str] = dict(parser.data)
    data.update({key: str(value) for key, value in overrides.items()})
    data["_save"] = "Save"
    return data


def admin_url(model, action: str, obj=None) -> str:
    opts = model._meta
    args = [obj.pk] if obj is not None else []
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{action}", args=args)


def assert_refused(response) -> None:
    """403, or the admin's "no such object" redirect to its index: never a form or a save."""
    answer = (response.status_code, response.headers.get("Location"))
    assert answer in {(403, None), (302, reverse("admin:index"))}, answer


def snapshot(obj) -> dict:
    fresh = type(obj)._default_manager.get(pk=obj.pk)
    return {**model_to_dict(fresh), "__str__": str(fresh)}


# -- the matrix --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """How one admin model appears in the matrix."""

    model: type
    #: The object of this model that a cast member "owns".
    of: object
    #: A text field the change test edits.
    field: str
    #: Fields for a valid add form, beyond what the form already holds; callables get the cast.
    new: object
    #: Who may add: "member" (anyone editing), "lab_admin", or "superuser".
    add: str
    #: May a plain member see and edit their own object?
    member_edits_own: bool
    #: May a plain member delete their own object?
    member_deletes_own: bool = True
    #: May a lab admin delete what they may edit?
    lab_admin_deletes: bool = True


def _membership(member):
    return member.person.memberships.get()


def _lab(member):
    return _membership(member).lab


def _new_site(cast):
    return {"name": "Lab N", "slug": "lab-n", "site": Site.objects.create(domain="n.localhost").pk}


ROWS = [
    Row(Lab, _lab, "tagline", _new_site, "superuser", False, lab_admin_deletes=False),
    Row(
        Person,
        lambda m: m.person,
        "position",
        lambda cast: {"name": "Nora New"},
        "lab_admin",
        True,
        # A member's own Person carries their membership, which only a lab admin may remove.
        member_deletes_own=False,
    ),
    Row(
        Membership,
        _membership,
        "title",
        lambda cast: {"person": f.PersonFactory(name="Nora New").pk, "role": "phd"},
        "lab_admin",
        False,
    ),
    Row(
        ProfileSection,
        lambda m: m.section,
        "title",
        lambda cast: {"title": "Hobbies", "kind": "prose", "order": "3"},
        "member",
        True,
    ),
    Row(
        NewsItem,
        lambda m: m.news,
        "text",
        lambda cast: {"text": "We won", "date": "2025-05-01", "date_precision": "day"},
        "member",
        True,
    ),
    Row(
        Post,
        lambda m: Post.objects.get(person=m.person, lab=None),
        "title",
        lambda cast: {"title": "Hello world", "date": "2025-05-01", "status": "draft"},
        "member",
        True,
    ),
    Row(
        Honor,
        lambda m: m.honor,
        "title",
        lambda cast: {"title": "Prize", "order": "0"},
        "member",
        True,
    ),
    Row(
        CVEntry,
        lambda m: m.cv_entry,
        "title",
        lambda cast: {"title": "MSc in Testing", "kind": "education", "order": "0"},
        "member",
        True,
    ),
    Row(
        Talk,
        lambda m: m.talk,
        "title",
        lambda cast: {"title": "Keynote", "kind": "talk"},
        "member",
        True,
    ),
    Row(
        Teaching,
        lambda m: m.teaching,
        "course",
        lambda cast: {"course": "CS 101", "order": "0"},
        "member",
        True,
    ),
    Row(
        Publication,
        lambda m: m.publication,
        "venue",
        # Alice is printed among the authors: linked by name, every adder can edit the paper.
        lambda cast: {
            "title": "A new paper",
            "kind": "conference",
            "status": "published",
            "authorships-TOTAL_FORMS": "1",
            "authorships-0-name": "Alice Anders",
        },
        "member",
        True,
    ),
    Row(
        Project,
        lambda m: m.project,
        "summary",
        lambda cast: {"title": "New direction", "status": "active", "order": "0"},
        "member",
        True,
    ),
    Row(
        Redirect,
        lambda m: Redirect.objects.get(lab=_lab(m)),
        "new_path",
        lambda cast: {"old_path": "/brand-new/", "new_path": "/people/"},
        "lab_admin",
        False,
    ),
]
ROW = {row.model: row for row in ROWS}
ACTORS = ["alice", "dana", "root"]
WHOSE = ["own", "other_member", "other_lab"]


@pytest.fixture(scope="module")
def _shared(django_db_setup, django_db_blocker):
    """The cast, two redirects and one post of each member's own, written once for the module
    (850 tests; building them per test was most of the module's time)."""
    with rows_for_the_module(django_db_blocker):
        lab_a, lab_b = make_lab_a(), make_lab_b()
        cast = make_cast(lab_a, lab_b)
        Redirect.objects.create(lab=lab_a, old_path="/old-a/", new_path="/people/")
        Redirect.objects.create(lab=lab_b, old_path="/old-b/", new_path="/people/")
        for name, member in cast.items():
            if name != "root":  # the cast's Member has no post field
                f.PostFactory(person=member.person, title=f"{member.person.name} post")
        yield {"lab_a": lab_a, "lab_b": lab_b, "cast": cast}


@pytest.fixture
def _rows(_shared, db):
    return shared_copy(_shared)


@pytest.fixture
def lab_a(_rows):
    return _rows["lab_a"]


@pytest.fixture
def lab_b(_rows):
    return _rows["lab_b"]


@pytest.fixture
def world(_rows):
    return _rows["cast"]


def login(client, world, actor: str):
    user = world[actor] if actor == "root" else world[actor].user
    client.force_login(user)
    return user


def target(world, actor: str, whose: str):
    """The cast member whose object ``actor`` acts on: their own, a lab-A colleague's, lab B's."""
    if whose == "other_lab":
        return world["carol"]
    if actor == "alice":
        return world["alice"] if whose == "own" else world["bob"]
    # dana's own things, and alice's as a colleague's; root acts on lab A's alice and bob.
    if actor == "dana":
        return world["dana"] if whose == "own" else world["alice"]
    return world["alice"] if whose == "own" else world["bob"]


def may_edit(row: Row, actor: str, whose: str) -> bool:
    if actor == "root":
        return True
    if actor == "dana":
        return whose != "other_lab"
    return row.member_edits_own and whose == "own"


def may_delete(row: Row, actor: str, whose: str) -> bool:
    if actor == "root":
        return True
    if actor == "dana":
        return row.lab_admin_deletes and whose != "other_lab"
    return row.member_edits_own and row.member_deletes_own and whose == "own"


def may_add(row: Row, actor: str) -> bool:
    return {"alice": row.add == "member", "dana": row.add != "superuser", "root": True}[actor]


def test_every_registered_model_is_in_the_matrix():
    covered = {row.model for row in ROWS} | set(SUPERUSER_ONLY)
    assert set(admin.site._registry) == covered


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("model", [row.model for row in ROWS], ids=lambda m: m.__name__)
def test_changelist_lists_exactly_what_the_user_may_edit(client, world, actor, model):
    row = ROW[model]
    login(client, world, actor)
    response = client.get(admin_url(model, "changelist"))
    members = {
        "alice": [world["alice"]] if row.member_edits_own else [],
        "dana": [world["alice"], world["bob"], world["dana"]],
        "root": [world["alice"], world["bob"], world["carol"], world["dana"]],
    }[actor]
    expected = {row.of(m).pk for m in members}
    if not expected and not may_add(row, actor):
        assert response.status_code == 403
        return
    assert response.status_code == 200
    assert {obj.pk for obj in response.context["cl"].result_list} == expected


@pytest.mark.parametrize("whose", WHOSE)
@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("model", [row.model for row in ROWS], ids=lambda m: m.__name__)
def test_change_page_opens_only_for_an_editor(client, world, actor, model, whose):
    row = ROW[model]
    obj = row.of(target(world, actor, whose))
    login(client, world, actor)
    response = client.get(admin_url(model, "change", obj))
    if may_edit(row, actor, whose):
        assert response.status_code == 200
        assert response.context["original"] == obj
    else:
        assert_refused(response)


@pytest.mark.parametrize("whose", WHOSE)
@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("model", [row.model for row in ROWS], ids=lambda m: m.__name__)
def test_change_post_saves_only_for_an_editor(client, world, actor, model, whose):
    row = ROW[model]
    obj = row.of(target(world, actor, whose))
    url = admin_url(model, "change", obj)
    allowed = may_edit(row, actor, whose)
    # The data of a form that would save: the actor's own form, or, when they may not open it,
    # the superuser's (so a missing check would really write).
    client.force_login(world["root"])
    data = form_data(client, url, model, **{row.field: "Changed by the test"})
    before = snapshot(obj)
    login(client, world, actor)
    if allowed:
        data = form_data(client, url, model, **{row.field: "Changed by the test"})
    response = client.post(url, data)
    if allowed:
        assert response.status_code == 302, response.context and [
            f.errors for f in [response.context["adminform"].form]
        ]
        assert response.headers["Location"] == admin_url(model, "changelist")
        assert getattr(type(obj).objects.get(pk=obj.pk), row.field) == "Changed by the test"
    else:
        assert_refused(response)
        assert snapshot(obj) == before


@pytest.mark.parametrize("whose", WHOSE)
@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("model", [row.model for row in ROWS], ids=lambda m: m.__name__)
def test_delete_only_for_an_editor(client, world, actor, model, whose):
    row = ROW[model]
    obj = row.of(target(world, actor, whose))
    before = snapshot(obj)
    login(client, world, actor)
    response = client.post(admin_url(model, "delete", obj), {"post": "yes"})
    if may_delete(row, actor, whose):
        assert (response.status_code, response.headers["Location"]) == (
            302,
            admin_url(model, "changelist"),
        )
        assert not type(obj).objects.filter(pk=obj.pk).exists()
    else:
        assert_refused(response)
        assert snapshot(obj) == before


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("model", [row.model for row in ROWS], ids=lambda m: m.__name__)
def test_add_only_for_who_may_create(client, world, actor, model):
    row = ROW[model]
    login(client, world, actor)
    url = admin_url(model, "add")
    before = set(model.objects.values_list("pk", flat=True))
    new = row.new(world)
    if not may_add(row, actor):
        assert client.get(url).status_code == 403
        client.force_login(world["root"])
        data = form_data(client, url, model, **new)
        login(client, world, actor)
        assert client.post(url, data).status_code == 403
        assert set(model.objects.values_list("pk", flat=True)) == before
        return
    # Owner and lab are chosen by those who may choose (root, dana) and stamped for members.
    if actor != "alice":
        new = {
            "person": world["dana"].person.pk,
            "lab": world["dana"].person.memberships.get().lab_id,
            **new,
        }
    data = form_data(client, url, model, **new)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    created = set(model.objects.values_list("pk", flat=True)) - before
    assert len(created) == 1
    obj = model.objects.get(pk=created.pop())
    # What someone adds, they can edit afterwards.
    assert client.get(admin_url(model, "change", obj)).status_code == 200
    if actor == "alice":
        owner = getattr(obj, "person_id", None) or getattr(obj, "owner_id", None)
        if model is Publication:
            owner = obj.authorships.get().person_id
        assert owner == world["alice"].person.pk


#: Django's own admins, outside labsite's rules: Django's model permissions, which no member has.
#: django-axes' records of sign-ins (who tried which account from where) are among them; a lab
#: admin unlocks a member with the Person admin's action instead (tests/security/
#: test_login_throttle.py).
SUPERUSER_ONLY = [get_user_model(), Group, Site, AccessAttempt, AccessLog, AccessFailureLog]


def test_auth_and_sites_admin_are_for_superusers_only(client, world):
    for actor in ["alice", "dana"]:
        login(client, world, actor)
        for model in SUPERUSER_ONLY:
            assert client.get(admin_url(model, "changelist")).status_code == 403
            assert client.get(admin_url(model, "add")).status_code == 403
        alice_user = world["alice"].user
        response = client.post(
            admin_url(get_user_model(), "change", alice_user),
            {"username": "alice", "is_superuser": "on", "is_staff": "on"},
        )
        assert response.status_code == 403
        alice_user.refresh_from_db()
        assert alice_user.is_superuser is False
    client.force_login(world["root"])
    response = client.get(admin_url(get_user_model(), "changelist"))
    assert {u.username for u in response.context["cl"].result_list} == {
        "alice",
        "bob",
        "carol",
        "dana",
        "root",
    }


# -- account creation: "Add a member" and "Send invitation" ------------------------------------


def _accounts() -> tuple:
    return (
        sorted(get_user_model().objects.values_list("username", "password")),
        Person.objects.count(),
        Membership.objects.count(),
    )


@pytest.mark.parametrize(
    ("actor", "lab", "allowed"),
    [
        ("root", "lab-a", True),
        ("root", "lab-b", True),
        ("dana", "lab-a", True),
        ("dana", "lab-b", False),
        ("alice", "lab-a", False),
        ("anonymous", "lab-a", False),
    ],
)
def test_add_member_creates_logins_only_in_the_users_labs(client, world, actor, lab, allowed):
    url = reverse("admin:people_person_add_member")
    if actor != "anonymous":
        login(client, world, actor)
    lab_obj = Lab.objects.get(slug=lab)
    data = {
        "name": "Nora New",
        "email": "nora@example.org",
        "lab": str(lab_obj.pk),
        "role": "phd",
        "send_invitation": "on",
    }
    before = _accounts()
    page, response = client.get(url), client.post(url, data)
    if allowed:
        nora = Person.objects.get(name="Nora New")
        assert (page.status_code, response.status_code) == (200, 302)
        assert (nora.user.username, [m.lab for m in nora.memberships.all()]) == ("nora", [lab_obj])
        assert [m.to for m in mail.outbox] == [["nora@example.org"]]
        return
    if actor == "anonymous":
        login_url = f"{reverse('admin:login')}?next={url}"
        assert [(r.status_code, r.headers["Location"]) for r in (page, response)] == [
            (302, login_url),
            (302, login_url),
        ]
    elif actor == "alice":
        assert (page.status_code, response.status_code) == (403, 403)
    else:  # a lab admin naming another lab: the choice is not offered
        assert (page.status_code, response.status_code) == (200, 200)
        assert response.context["adminform"].form.errors == {
            "lab": ["Select a valid choice. That choice is not one of the available choices."]
        }
    assert (_accounts(), mail.outbox) == (before, [])


@pytest.mark.parametrize("whose", WHOSE)
@pytest.mark.parametrize("actor", ACTORS)
def test_invite_an_existing_person_only_in_the_users_labs(client, world, actor, whose):
    member = target(world, actor, whose)
    member.user.set_unusable_password()  # an account whose member never chose a password
    member.user.save()
    login(client, world, actor)
    url = reverse("admin:people_person_invite", args=[member.person.pk])
    before = _accounts()
    page, response = client.get(url), client.post(url)
    if actor == "root" or (actor == "dana" and whose != "other_lab"):
        assert (page.status_code, response.status_code) == (200, 302)
        assert [m.to for m in mail.outbox] == [[member.user.email]]
    else:
        # Another lab's person (or, for a member, anyone else's) is not found; her own person
        # a member may see, but not invite.
        expected = 403 if (actor, whose) == ("alice", "own") else 404
        assert (page.status_code, response.status_code) == (expected, expected)
        assert mail.outbox == []
    assert _accounts() == before  # an invitation writes nothing: the token is not stored


def test_create_login_for_another_labs_person_is_not_found(client, world):
    carol = world["carol"].person
    carol.user = None
    carol.save()
    client.force_login(world["dana"].user)
    url = f"{reverse('admin:people_person_add_member')}?person={carol.pk}"
    data = {"name": "Carol Chen", "email": "c2@example.org", "lab": "1", "role": "phd"}
    before = _accounts()
    assert (client.get(url).status_code, client.post(url, data).status_code) == (404, 404)
    assert (_accounts(), mail.outbox) == (before, [])


@pytest.mark.parametrize("whose", WHOSE)
@pytest.mark.parametrize("actor", ACTORS)
def test_unlock_sign_in_only_for_a_lab_admin_of_the_members_lab(client, world, actor, whose):
    """The Person admin's "Unlock sign-in" action (django-axes' failed sign-ins), one row of the
    matrix: superusers for anyone, a lab admin for her lab's people, a member for no one."""
    member = target(world, actor, whose)
    AccessAttempt.objects.create(
        username=member.username,
        ip_address="203.0.113.5",
        user_agent="test",
        http_accept="*/*",
        path_info="/admin/login/",
        get_data="",
        post_data="",
        failures_since_start=5,
    )
    login(client, world, actor)
    response = client.post(
        admin_url(Person, "changelist"),
        {"action": "unlock_sign_in", "_selected_action": [member.person.pk], "index": "0"},
    )
    assert response.status_code == 302
    allowed = actor == "root" or (actor == "dana" and whose != "other_lab")
    assert AccessAttempt.objects.filter(username=member.username).exists() is not allowed


# -- tampering ---------------------------------------------------------------------------------


def test_member_cannot_move_her_section_to_someone_else(client, world):
    alice, bob = world["alice"], world["bob"]
    url = admin_url(ProfileSection, "change", alice.section)
    client.force_login(alice.user)
    data = form_data(client, url, ProfileSection, title="Mine still", person=bob.person.pk)
    response = client.post(url, data)
    assert response.status_code == 302
    alice.section.refresh_from_db()
    assert (alice.section.title, alice.section.person_id) == ("Mine still", alice.person.pk)
    assert list(bob.person.sections.values_list("title", flat=True)) == ["About Bob Brown"]


def test_member_cannot_create_a_project_in_another_lab(client, world, lab_a, lab_b):
    alice = world["alice"]
    client.force_login(alice.user)
    url = admin_url(Project, "add")
    data = form_data(
        client, url, Project, title="Sneaky", lab=lab_b.pk, owner=world["carol"].person.pk
    )
    assert client.post(url, data).status_code == 302
    project = Project.objects.get(title="Sneaky")
    assert (project.lab_id, project.owner_id) == (lab_a.pk, alice.person.pk)
    assert list(Project.objects.for_lab(lab_b).values_list("title", flat=True)) == [
        "Carol Chen's project"
    ]


def test_member_cannot_edit_another_papers_authorship_through_the_inline(client, world):
    alice, carol = world["alice"], world["carol"]
    carols = carol.publication.authorships.get(person=carol.person)
    before = snapshot(carols)
    url = admin_url(Publication, "change", alice.publication)
    client.force_login(alice.user)
    data = form_data(client, url, Publication)
    assert data["authorships-0-person"] == [str(alice.person.pk)]
    data["authorships-0-id"] = str(carols.pk)
    data["authorships-0-name"] = "Hijacked"
    data["authorships-0-selected"] = "on"
    alices_rows = [snapshot(a) for a in alice.publication.authorships.order_by("position")]
    client.post(url, data)
    # Django's inline formset looks rows up among the paper's own authorships only: the foreign
    # id matches nothing, so nothing is written, to carol's row or to alice's.
    assert snapshot(carols) == before
    assert [snapshot(a) for a in alice.publication.authorships.order_by("position")] == alices_rows
    assert list(alice.publication.authorships.values_list("name", flat=True)) == [
        "Alice Anders",
        "Outside Author",
    ]


def test_lab_admin_cannot_enrol_another_labs_member(client, world, lab_a):
    dana, carol = world["dana"], world["carol"]
    client.force_login(dana.user)
    url = admin_url(Membership, "add")
    data = form_data(client, url, Membership, person=carol.person.pk, role="postdoc")
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "person": ["Select a valid choice. That choice is not one of the available choices."]
    }
    assert list(carol.person.memberships.values_list("lab__slug", flat=True)) == ["lab-b"]


def test_lab_admin_cannot_move_a_membership_to_another_labs_member(client, world):
    dana, alice, carol = world["dana"], world["alice"], world["carol"]
    membership = alice.person.memberships.get()
    url = admin_url(Membership, "change", membership)
    client.force_login(dana.user)
    response = client.post(url, form_data(client, url, Membership, person=carol.person.pk))
    assert response.status_code == 200
    membership.refresh_from_db()
    assert membership.person_id == alice.person.pk


def test_lab_admin_cannot_link_accounts_or_rename_slugs(client, world):
    dana, bob = world["dana"], world["bob"]
    url = admin_url(Person, "change", bob.person)
    client.force_login(dana.user)
    data = form_data(client, url, Person, user=dana.user.pk, slug="renamed", position="Postdoc")
    assert client.post(url, data).status_code == 302
    bob.person.refresh_from_db()
    assert (bob.person.user_id, bob.person.slug, bob.person.position) == (
        bob.user.pk,
        "bob-brown",
        "Postdoc",
    )


def test_member_who_leaves_themself_out_of_a_new_paper_is_told(client, world):
    alice, bob = world["alice"], world["bob"]
    client.force_login(alice.user)
    url = admin_url(Publication, "add")
    data = form_data(client, url, Publication, title="Our joint paper")
    # She lists only Bob: the form says so instead of appending her silently, and saves nothing.
    data.update(
        {
            "authorships-TOTAL_FORMS": "1",
            "authorships-0-name": "Bob Brown",
            "authorships-0-person": str(bob.person.pk),
        }
    )
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["inline_admin_formsets"][0].formset.non_form_errors() == [
        "You are not among the authors: add yourself (or ask a lab admin to add this paper)"
    ]
    assert not Publication.objects.filter(title="Our joint paper").exists()


def _collaborator_post(client, url, person, name):
    data = form_data(client, url, Project)
    data.update(
        {
            "collaborators-TOTAL_FORMS": "1",
            "collaborators-0-order": "0",
            "collaborators-0-name": name,
            "collaborators-0-person": str(person.pk),
        }
    )
    return client.post(url, data)


def test_member_links_her_labs_people_and_outsiders_as_collaborators(client, world):
    alice, bob = world["alice"], world["bob"]
    outsider = f.PersonFactory(name="Olga Outside")
    client.force_login(alice.user)
    url = admin_url(Project, "change", alice.project)
    assert _collaborator_post(client, url, bob.person, "Bob Brown").status_code == 302
    data = form_data(client, url, Project)
    data.update(
        {
            "collaborators-TOTAL_FORMS": "2",
            "collaborators-1-order": "1",
            "collaborators-1-name": "Olga Outside",
            "collaborators-1-person": str(outsider.pk),
        }
    )
    assert client.post(url, data).status_code == 302
    assert list(alice.project.collaborators.values_list("person__name", flat=True)) == [
        "Bob Brown",
        "Olga Outside",
    ]
    # Linking bob gives alice nothing of bob's.
    response = client.get(admin_url(Person, "changelist"))
    assert [p.name for p in response.context["cl"].result_list] == ["Alice Anders"]


@pytest.mark.parametrize("actor", ["alice", "dana"])
def test_another_labs_member_cannot_be_linked_as_author_or_collaborator(client, world, actor):
    carol = world["carol"]
    login(client, world, actor)
    owner = world[actor]
    url = admin_url(Project, "change", owner.project)
    response = _collaborator_post(client, url, carol.person, "Carol Chen")
    assert response.status_code == 200
    formsets = response.context["inline_admin_formsets"]
    errors = [e for inline in formsets for e in inline.formset.non_form_errors()]
    assert errors == [
        "Carol Chen is a member of another lab: keep the printed name without a link "
        "(their lab can link it)."
    ]
    assert list(owner.project.collaborators.all()) == []

    paper_url = admin_url(Publication, "change", owner.publication)
    data = form_data(client, paper_url, Publication)
    data["authorships-1-person"] = str(carol.person.pk)
    response = client.post(paper_url, data)
    assert response.status_code == 200
    before = list(owner.publication.authorships.values_list("name", "person"))
    assert (
        Publication.objects.for_lab(world["carol"].person.memberships.get().lab)
        .filter(pk=owner.publication.pk)
        .exists()
        is False
    )
    assert list(owner.publication.authorships.values_list("name", "person")) == before


def test_an_existing_cross_lab_coauthor_survives_an_unchanged_save(client, world):
    alice, carol = world["alice"], world["carol"]
    f.AuthorshipFactory(publication=alice.publication, person=carol.person, position=7)
    client.force_login(alice.user)
    url = admin_url(Publication, "change", alice.publication)
    data = form_data(client, url, Publication, title="Retitled by Alice")
    assert client.post(url, data).status_code == 302
    assert alice.publication.authorships.filter(person=carol.person).exists()


def _shared_paper(world):
    alice, bob = world["alice"], world["bob"]
    f.AuthorshipFactory(publication=alice.publication, person=bob.person, position=5)
    return alice.publication


def test_member_cannot_remove_a_colleague_from_the_authors(client, world):
    paper = _shared_paper(world)
    client.force_login(world["alice"].user)
    url = admin_url(Publication, "change", paper)
    data = form_data(client, url, Publication)
    rows = list(paper.authorships.order_by("position").values_list("person__name", flat=True))
    bob_row = rows.index("Bob Brown")
    for change in ({f"authorships-{bob_row}-DELETE": "on"}, {f"authorships-{bob_row}-person": ""}):
        response = client.post(url, {**data, **change})
        assert response.status_code == 200
        errors = [
            e
            for inline in response.context["inline_admin_formsets"]
            for e in inline.formset.non_form_errors()
        ]
        assert errors == [
            "Only a lab admin of Bob Brown's lab can take them off this list; ask them, or "
            "hide the paper from your own pages instead."
        ]
        assert paper.authorships.filter(person=world["bob"].person).exists()


def test_lab_admin_removes_a_member_from_the_authors(client, world):
    paper = _shared_paper(world)
    client.force_login(world["dana"].user)
    url = admin_url(Publication, "change", paper)
    data = form_data(client, url, Publication)
    rows = list(paper.authorships.order_by("position").values_list("person__name", flat=True))
    data[f"authorships-{rows.index('Bob Brown')}-DELETE"] = "on"
    assert client.post(url, data).status_code == 302
    assert not paper.authorships.filter(person=world["bob"].person).exists()


def test_shared_paper_is_deleted_only_by_a_lab_admin(client, world):
    paper = _shared_paper(world)
    url = admin_url(Publication, "delete", paper)
    client.force_login(world["alice"].user)
    assert client.get(url).status_code == 403
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert Publication.objects.filter(pk=paper.pk).exists()
    # Bob's paper with only outside co-authors is his to delete.
    client.force_login(world["bob"].user)
    assert (
        client.post(
            admin_url(Publication, "delete", world["bob"].publication), {"post": "yes"}
        ).status_code
        == 302
    )
    assert not Publication.objects.filter(pk=world["bob"].publication.pk).exists()
    client.force_login(world["dana"].user)
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not Publication.objects.filter(pk=paper.pk).exists()


def test_lab_admin_cannot_delete_a_paper_shared_with_another_labs_member(client, world):
    dana, carol = world["dana"], world["carol"]
    f.AuthorshipFactory(publication=dana.publication, person=carol.person, position=5)
    client.force_login(dana.user)
    url = admin_url(Publication, "delete", dana.publication)
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert Publication.objects.filter(pk=dana.publication.pk).exists()


def _autocomplete(client, app_label, model_name, field_name, term=""):
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": app_label, "model_name": model_name, "field_name": field_name, "term": term},
    )
    assert response.status_code == 200
    return sorted(result["text"] for result in response.json()["results"])


def test_autocomplete_offers_what_each_field_accepts(client, world):
    outsider = f.PersonFactory(name="Olga Outside")
    linkable = ["Alice Anders", "Bob Brown", "Dana Diaz", outsider.name]  # not lab B's Carol
    client.force_login(world["alice"].user)
    assert _autocomplete(client, "publications", "authorship", "person") == linkable
    assert _autocomplete(client, "research", "collaborator", "person") == linkable
    assert _autocomplete(client, "publications", "authorship", "person", "car") == []
    assert _autocomplete(client, "people", "profilesection", "person") == ["Alice Anders"]
    # A project lists any paper of the member's lab, not only her own; not another lab's.
    assert _autocomplete(client, "research", "project", "publications") == [
        "Alice Anders's paper (2024)",
        "Bob Brown's paper (2024)",
        "Dana Diaz's paper (2024)",
    ]
    client.force_login(world["dana"].user)
    lab_a = ["Alice Anders", "Bob Brown", "Dana Diaz"]
    assert _autocomplete(client, "people", "profilesection", "person") == lab_a
    assert _autocomplete(client, "research", "project", "owner") == lab_a
    unenrolled = f.PersonFactory(name="Nora New")
    assert _autocomplete(client, "people", "membership", "person") == sorted(
        [*lab_a, unenrolled.name, outsider.name]
    )


def test_collaborator_saving_a_project_keeps_papers_others_linked(client, world):
    alice, bob = world["alice"], world["bob"]
    project = bob.project
    project.publications.add(bob.publication)
    f.CollaboratorFactory(project=project, person=alice.person, name="Alice Anders")
    client.force_login(alice.user)
    url = admin_url(Project, "change", project)
    response = client.post(url, form_data(client, url, Project, summary="Edited by Alice"))
    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.summary, list(project.publications.all())) == (
        "Edited by Alice",
        [bob.publication],
    )


@pytest.mark.parametrize(
    ("host", "model", "expected"),
    [
        ("lab-a.localhost", Person, "/people/alice-anders/"),
        ("lab-b.localhost:8000", Person, "http://lab-a.localhost:8000/people/alice-anders/"),
        ("lab-a.localhost", Project, "/research/alice-anderss-project/"),
        ("lab-a.localhost", Publication, "/publications/{pk}/"),
        ("lab-a.localhost", ProfileSection, "/people/alice-anders/#about-alice-anders"),
    ],
)
def test_view_on_site_goes_to_the_objects_lab(client, world, host, model, expected):
    alice = world["alice"]
    obj = {
        Person: alice.person,
        Project: alice.project,
        Publication: alice.publication,
        ProfileSection: alice.section,
    }[model]
    client.force_login(alice.user)
    change = client.get(admin_url(model, "change", obj), HTTP_HOST=host)
    on_site = admin_url(model, "on_site", obj)
    assert f'href="{on_site}"' in change.content.decode()
    response = client.get(on_site, HTTP_HOST=host)
    assert (response.status_code, response.headers["Location"]) == (
        302,
        expected.format(pk=obj.pk),
    )
    # And the page it points to is there, on that host.
    page_host = host if expected.startswith("/") else "lab-a.localhost"
    assert client.get(expected.format(pk=obj.pk), HTTP_HOST=page_host).status_code == 200


def test_view_on_site_of_someone_elses_object_is_not_found(client, world):
    client.force_login(world["alice"].user)
    response = client.get(admin_url(Person, "on_site", world["carol"].person))
    assert response.status_code == 404


def test_changelist_search_and_filters_work(client, world, lab_a):
    client.force_login(world["root"])
    response = client.get(admin_url(Person, "changelist"), {"q": "carol"})
    assert [p.name for p in response.context["cl"].result_list] == ["Carol Chen"]
    response = client.get(admin_url(Publication, "changelist"), {"q": "Outside Author"})
    assert len(response.context["cl"].result_list) == 4
    response = client.get(admin_url(Project, "changelist"), {"lab__id__exact": str(lab_a.pk)})
    assert {p.title for p in response.context["cl"].result_list} == {
        "Alice Anders's project",
        "Bob Brown's project",
        "Dana Diaz's project",
    }


def test_collaborator_inline_model_is_covered_by_its_project():
    # Inline-only models are not registered: their rows follow the parent's permission.
    assert Collaborator not in admin.site._registry
    assert Authorship not in admin.site._registry


def _paper_with_bob(world):
    alice, bob = world["alice"], world["bob"]
    paper = alice.publication
    paper.authorships.filter(position=1).update(person=bob.person, name="Bob Brown")
    return paper


def test_member_cannot_choose_for_a_coauthor_what_is_on_their_homepage(client, world):
    alice = world["alice"]
    paper = _paper_with_bob(world)
    url = admin_url(Publication, "change", paper)
    client.force_login(alice.user)
    data = form_data(client, url, Publication)
    data["authorships-1-selected"] = "on"
    response = client.post(url, data)
    assert response.status_code == 200
    errors = response.context["inline_admin_formsets"][0].formset.errors
    assert errors[1] == {
        "__all__": [
            "Only the author themselves (or their lab admin) chooses whether this paper is "
            "selected or hidden on their pages."
        ]
    }
    assert list(paper.authorships.values_list("selected", flat=True)) == [False, False]
    # Her own row, and the rest of the author list, are hers to change.
    data = form_data(client, url, Publication)
    data["authorships-0-selected"] = "on"
    data["authorships-1-name"] = "Robert Brown"
    assert client.post(url, data).status_code == 302
    assert list(paper.authorships.values_list("name", "selected")) == [
        ("Alice Anders", True),
        ("Robert Brown", False),
    ]


def test_lab_admin_may_choose_for_a_member_of_their_lab(client, world):
    paper = _paper_with_bob(world)
    url = admin_url(Publication, "change", paper)
    client.force_login(world["dana"].user)
    data = form_data(client, url, Publication)
    data["authorships-1-hidden"] = "on"
    assert client.post(url, data).status_code == 302
    assert list(paper.authorships.values_list("hidden", flat=True)) == [False, True]


def test_bulk_delete_acts_only_on_what_the_user_may_edit(client, world):
    alice, bob, carol = world["alice"], world["bob"], world["carol"]
    client.force_login(alice.user)
    ids = [str(m.section.pk) for m in (alice, bob, carol)]
    url = admin_url(ProfileSection, "changelist")
    response = client.post(
        url, {"action": "delete_selected", "_selected_action": ids, "post": "yes"}
    )
    assert response.status_code == 302
    assert set(ProfileSection.objects.values_list("title", flat=True)) == {
        "About Bob Brown",
        "About Carol Chen",
        "About Dana Diaz",
    }


def test_lab_admin_adding_a_person_enrols_them_in_her_lab(client, world, lab_a):
    client.force_login(world["dana"].user)
    url = admin_url(Person, "add")
    response = client.post(url, form_data(client, url, Person, name="Nora New"))
    assert response.status_code == 302
    nora = Person.objects.get(name="Nora New")
    assert list(nora.memberships.values_list("lab", "role", "is_lab_admin")) == [
        (lab_a.pk, "phd", False)
    ]
    response = client.get(admin_url(Person, "changelist"))
    assert {p.name for p in response.context["cl"].result_list} == {
        "Alice Anders",
        "Bob Brown",
        "Dana Diaz",
        "Nora New",
    }


def test_member_cannot_reach_another_members_section_through_her_person_page(client, world):
    alice, bob = world["alice"], world["bob"]
    url = admin_url(Person, "change", alice.person)
    client.force_login(alice.user)
    data = form_data(client, url, Person)
    before = snapshot(bob.section)
    data["sections-0-id"] = str(bob.section.pk)
    data["sections-0-title"] = "Hijacked"
    client.post(url, data)
    assert snapshot(bob.section) == before
    assert list(alice.person.sections.values_list("title", flat=True)) == ["About Alice Anders"]


def test_author_rows_offer_no_delete_person_button_and_no_view_on_site(client, world):
    client.force_login(world["dana"].user)
    page = client.get(admin_url(Publication, "change", world["alice"].publication)).content.decode()
    assert page.count('class="related-widget-wrapper-link delete-related"') == 0
    assert page.count("View on site") == 1  # the paper's own button, not one per author row


def test_aliases_are_typed_one_per_line(client, world):
    alice = world["alice"]
    url = admin_url(Person, "change", alice.person)
    client.force_login(alice.user)
    data = form_data(client, url, Person, aliases="A. Anders\n\n  Alice B. Anders  \n")
    assert client.post(url, data).status_code == 302
    alice.person.refresh_from_db()
    assert alice.person.aliases == ["A. Anders", "Alice B. Anders"]
    assert form_data(client, url, Person)["aliases"] == ["A. Anders\nAlice B. Anders"]


def test_a_shared_person_is_deleted_only_by_a_superuser(client, world, lab_b):
    dana, alice = world["dana"], world["alice"]
    f.MembershipFactory(person=alice.person, lab=lab_b)
    client.force_login(dana.user)
    response = client.post(admin_url(Person, "delete", alice.person), {"post": "yes"})
    assert response.status_code == 403
    assert Person.objects.filter(pk=alice.person.pk).exists()


def test_member_reorders_authors_by_swapping_positions(client, world):
    alice = world["alice"]
    url = admin_url(Publication, "change", alice.publication)
    client.force_login(alice.user)
    data = form_data(client, url, Publication)
    data["authorships-0-position"], data["authorships-1-position"] = "1", "0"
    response = client.post(url, data)
    assert response.status_code == 302
    assert list(alice.publication.authorships.values_list("name", flat=True)) == [
        "Outside Author",
        "Alice Anders",
    ]


def test_two_authors_in_one_position_are_a_form_error(client, world):
    alice = world["alice"]
    url = admin_url(Publication, "change", alice.publication)
    client.force_login(alice.user)
    data = form_data(client, url, Publication)
    data["authorships-1-position"] = "0"
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["inline_admin_formsets"][0].formset.non_form_errors() == [
        "Please correct the duplicate data for position."
    ]


def test_member_deletes_moves_and_adds_authors_in_one_save(client, world):
    alice = world["alice"]
    paper = alice.publication
    f.AuthorshipFactory(publication=paper, person=None, name="Third Author", position=2)
    url = admin_url(Publication, "change", paper)
    client.force_login(alice.user)
    data = form_data(client, url, Publication)
    # Drop "Outside Author" (1), move "Third Author" 2 → 1, add "New Author" at 2.
    data["authorships-1-DELETE"] = "on"
    data["authorships-2-position"] = "1"
    data.update(
        {
            "authorships-TOTAL_FORMS": "4",
            "authorships-3-position": "2",
            "authorships-3-name": "New Author",
        }
    )
    assert client.post(url, data).status_code == 302
    assert list(paper.authorships.values_list("position", "name")) == [
        (0, "Alice Anders"),
        (1, "Third Author"),
        (2, "New Author"),
    ]


@pytest.mark.parametrize(
    ("actor", "model", "values", "error"),
    [
        (
            "alice",
            Project,
            {"title": "Again", "slug": "alice-anderss-project", "status": "active", "order": "0"},
            "Project with this Lab and Slug already exists.",
        ),
        (
            "dana",
            Redirect,
            {"old_path": "/old-a/", "new_path": "/"},
            "Redirect with this Lab and Old path already exists.",
        ),
        (
            "dana",
            Membership,
            {"person": "alice", "role": "phd"},
            "Membership with this Person, Lab and Role already exists.",
        ),
    ],
)
def test_a_duplicate_in_a_stamped_lab_is_a_form_error(client, world, actor, model, values, error):
    if values.get("person") == "alice":
        values = {**values, "person": world["alice"].person.pk}
    login(client, world, actor)
    url = admin_url(model, "add")
    before = model.objects.count()
    response = client.post(url, form_data(client, url, model, **values))
    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [error]
    assert model.objects.count() == before


def test_member_hides_a_shared_paper_from_her_pages_only(client, world):
    paper = _shared_paper(world)
    alice, bob = world["alice"], world["bob"]
    client.force_login(alice.user)
    response = client.post(
        admin_url(Publication, "changelist"),
        {"action": "hide_from_my_pages", "_selected_action": [str(paper.pk)]},
    )
    assert response.status_code == 302
    assert list(paper.authorships.filter(hidden=True).values_list("person__name", flat=True)) == [
        "Alice Anders"
    ]
    assert list(Publication.objects.for_person(alice.person).filter(pk=paper.pk)) == []
    assert list(Publication.objects.for_person(bob.person).filter(pk=paper.pk)) == [paper]


# -- history and undo (django-reversion) -------------------------------------------------------


@pytest.mark.parametrize("whose", WHOSE)
@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("model", [row.model for row in ROWS], ids=lambda m: m.__name__)
def test_history_and_restore_only_for_an_editor(client, world, actor, model, whose):
    from reversion.models import Version

    row = ROW[model]
    obj = row.of(target(world, actor, whose))
    url = admin_url(model, "change", obj)
    client.force_login(world["root"])
    assert client.post(url, form_data(client, url, model, **{row.field: "Version one"})).status_code
    version = Version.objects.get_for_object(obj).get()
    revision = reverse(
        f"admin:{model._meta.app_label}_{model._meta.model_name}_revision",
        args=[obj.pk, version.pk],
    )
    data = form_data(client, revision, model)  # the superuser's restore form: it would save
    model._default_manager.filter(pk=obj.pk).update(**{row.field: "Later"})
    allowed = may_edit(row, actor, whose)

    login(client, world, actor)
    history = client.get(admin_url(model, "history", obj))
    assert history.status_code == (200 if allowed else 404)
    if allowed:
        data = form_data(client, revision, model)
    restored = client.post(revision, data)
    assert restored.status_code == (302 if allowed else 404)
    value = model._default_manager.values_list(row.field, flat=True).get(pk=obj.pk)
    assert value == ("Version one" if allowed else "Later")


@pytest.mark.parametrize("whose", WHOSE)
@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("model", [row.model for row in ROWS], ids=lambda m: m.__name__)
def test_deleted_objects_are_listed_and_recovered_only_for_an_editor(
    client, world, actor, model, whose
):
    from reversion.models import Version

    row = ROW[model]
    obj = row.of(target(world, actor, whose))
    url = admin_url(model, "change", obj)
    client.force_login(world["root"])
    assert client.post(url, form_data(client, url, model, **{row.field: "Deleted one"})).status_code
    version = Version.objects.get_for_object(obj).get()
    recover = reverse(
        f"admin:{model._meta.app_label}_{model._meta.model_name}_recover", args=[version.pk]
    )
    model._default_manager.filter(pk=obj.pk).delete()
    allowed = may_edit(row, actor, whose) and may_add(row, actor)
    if model in {Person, Membership} and actor == "dana" and whose == "own":
        allowed = False  # deleting her own Person or membership took her lab-admin role with it

    login(client, world, actor)
    listing = client.get(
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_recoverlist")
    )
    if allowed:
        assert listing.status_code == 200
        assert recover in listing.content.decode()
    else:
        assert listing.status_code in {200, 403}
        assert (recover in listing.content.decode()) is False
        assert client.get(recover).status_code in {403, 404}
        assert model._default_manager.filter(pk=obj.pk).exists() is False


# -- "needs review" (labsite/review_admin.py) ---------------------------------------------------

REVIEWED = [row.model for row in ROWS if has_review(row.model)]


def _flag(obj) -> None:
    type(obj).objects.filter(pk=obj.pk).update(needs_review=True, review_reason="no year found")


@pytest.mark.parametrize("whose", WHOSE)
@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("model", REVIEWED, ids=lambda m: m.__name__)
def test_mark_reviewed_only_for_an_editor(client, world, actor, model, whose):
    row = ROW[model]
    obj = row.of(target(world, actor, whose))
    _flag(obj)
    login(client, world, actor)

    response = client.post(admin_url(model, "reviewed", obj))

    flagged = type(obj).objects.get(pk=obj.pk).needs_review
    if may_edit(row, actor, whose):
        assert (response.status_code, response.headers["Location"], flagged) == (
            302,
            admin_url(model, "change", obj),
            False,
        )
    else:
        assert (response.status_code, flagged) == (404, True)


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("model", REVIEWED, ids=lambda m: m.__name__)
def test_needs_review_filter_and_action_cover_exactly_what_the_user_may_edit(
    client, world, actor, model
):
    row = ROW[model]
    for name in ("alice", "bob", "carol", "dana"):
        _flag(row.of(world[name]))
    login(client, world, actor)
    visible = {
        "alice": [world["alice"]] if row.member_edits_own else [],
        "dana": [world["alice"], world["bob"], world["dana"]],
        "root": [world["alice"], world["bob"], world["carol"], world["dana"]],
    }[actor]
    expected = {row.of(m).pk for m in visible}

    response = client.get(admin_url(model, "changelist") + "?needs_review=yes")
    if not expected and not may_add(row, actor):
        assert response.status_code == 403
        return
    assert {obj.pk for obj in response.context["cl"].result_list} == expected
    # The action, posted with every flagged row's id: only the user's own are cleared.
    everyone = [row.of(world[name]).pk for name in ("alice", "bob", "carol", "dana")]
    client.post(
        admin_url(model, "changelist"),
        {"action": "mark_reviewed", "_selected_action": everyone},
    )
    assert (
        set(model.objects.filter(pk__in=everyone, needs_review=False).values_list("pk", flat=True))
        == expected
    )
