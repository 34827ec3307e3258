"""``manage.py add_member`` (DESIGN.md contract) and the function behind it."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from labsite.members import MemberError, add_member
from people.models import Membership, Person
from tests import factories as f

pytestmark = pytest.mark.django_db

User = get_user_model()


def run(*args: str) -> str:
    out = StringIO()
    call_command("add_member", *args, stdout=out)
    return out.getvalue()


def test_new_person_gets_an_account_and_a_membership(lab_a):
    out = run(
        "--lab", "lab-a", "--person", "Lena Varkonyi", "--username", "lena",
        "--email", "lena@example.org", "--role", "postdoc",
    )  # fmt: skip
    person = Person.objects.get(slug="lena-varkonyi")
    user = User.objects.get(username="lena")
    assert (person.name, person.user, person.email) == ("Lena Varkonyi", user, "lena@example.org")
    assert (user.is_staff, user.is_superuser, user.has_usable_password()) == (True, False, False)
    assert list(person.memberships.values_list("lab__slug", "role", "is_lab_admin")) == [
        ("lab-a", "postdoc", False)
    ]
    assert out.splitlines() == [
        "Created person Lena Varkonyi (lena-varkonyi).",
        "Created staff account 'lena'.",
        "Created membership: Postdoc in Lab A.",
        "No password is set yet. The member chooses one with:",
        "    python manage.py changepassword lena",
        "then signs in at /admin/.",
    ]


def test_the_new_member_can_sign_in_and_edit_their_profile(client, lab_a, alice):
    run("--lab", "lab-a", "--person", "Lena Varkonyi", "--username", "lena")
    user = User.objects.get(username="lena")
    user.set_password("a long enough passphrase")  # what changepassword does
    user.save()
    assert client.login(username="lena", password="a long enough passphrase")
    response = client.get("/admin/people/person/")
    assert [p.name for p in response.context["cl"].result_list] == ["Lena Varkonyi"]


def test_existing_person_by_slug_and_existing_user_are_linked(lab_a, lab_b):
    person = f.PersonFactory(name="Jin Tao")
    user = f.UserFactory(username="jtao", is_staff=False)
    out = run("--lab", "lab-b", "--person", "jin-tao", "--username", "jtao", "--lab-admin")
    person.refresh_from_db()
    user.refresh_from_db()
    assert (person.user, user.is_staff) == (user, True)
    assert list(person.memberships.values_list("lab__slug", "role", "is_lab_admin")) == [
        ("lab-b", "phd", True)
    ]
    assert out.splitlines() == [
        "Found person Jin Tao (jin-tao).",
        "Linked staff account 'jtao'.",
        "Created membership: PhD student in Lab B, lab admin.",
        "jtao signs in at /admin/ with their existing password.",
    ]


def test_running_again_updates_the_membership_instead_of_adding_one(lab_a):
    add_member(lab="lab-a", person="Ada Lovelace", username="ada", role="phd")
    result = add_member(
        lab="lab-a", person="Ada Lovelace", username="ada", role="postdoc", lab_admin=True
    )
    assert (result.created_person, result.created_user, result.created_membership) == (
        False,
        False,
        False,
    )
    assert list(
        Membership.objects.filter(person__slug="ada-lovelace").values_list("role", "is_lab_admin")
    ) == [("postdoc", True)]
    # Without --role or --lab-admin, what is there is kept.
    add_member(lab="lab-a", person="ada-lovelace", username="ada")
    assert list(
        Membership.objects.filter(person__slug="ada-lovelace").values_list("role", "is_lab_admin")
    ) == [("postdoc", True)]
    run("--lab", "lab-a", "--person", "ada-lovelace", "--username", "ada", "--no-lab-admin")
    assert list(
        Membership.objects.filter(person__slug="ada-lovelace").values_list("role", "is_lab_admin")
    ) == [("postdoc", False)]
    assert Person.objects.filter(name="Ada Lovelace").count() == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--lab", "nope", "--person", "Ada Lovelace", "--username", "ada"],
            "There is no lab 'nope' (labs: lab-a, lab-b).",
        ),
        (
            ["--lab", "lab-a", "--person", "Ada Lovelace", "--username", "ada", "--role", "boss"],
            "Unknown role 'boss'; choose one of: pi, faculty, postdoc, phd, masters, undergrad, "
            "staff, visitor.",
        ),
        (
            ["--lab", "lab-a", "--person", "Ada Lovelace", "--username", "alice"],
            "The user 'alice' is already linked to Alice Anders (alice-anders).",
        ),
        (
            ["--lab", "lab-a", "--person", "alice-anders", "--username", "someone-else"],
            "Alice Anders is already linked to the user 'alice'.",
        ),
        (
            ["--lab", "lab-a", "--person", "ada-lovelace", "--username", "ada"],
            "No person has the slug or name 'ada-lovelace'; give a new person's full name "
            '(e.g. --person "Ada Lovelace").',
        ),
    ],
)
def test_clear_errors_and_nothing_written(alice, lab_b, args, message):
    before = (User.objects.count(), Person.objects.count(), Membership.objects.count())
    with pytest.raises(CommandError) as error:
        run(*args)
    assert str(error.value) == message
    assert (User.objects.count(), Person.objects.count(), Membership.objects.count()) == before


def test_bad_role_from_python_is_refused(lab_a):
    with pytest.raises(MemberError) as error:
        add_member(lab="lab-a", person="Ada Lovelace", username="ada", role="boss")
    assert str(error.value).startswith("Unknown role 'boss'")
    assert Person.objects.count() == 0


def test_a_conflict_rolls_back_the_new_person(alice):
    with pytest.raises(MemberError):
        add_member(lab="lab-a", person="Ada Lovelace", username="alice")
    assert not Person.objects.filter(name="Ada Lovelace").exists()


def test_no_password_option_exists():
    with pytest.raises(CommandError):
        run("--lab", "x", "--person", "y", "--username", "z", "--password", "secret")
