"""``manage.py add_member`` (DESIGN.md contract) and the function behind it."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.management import CommandError, call_command
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from labsite.members import MemberError, add_member
from people.models import Membership, Person
from tests import factories as f

pytestmark = pytest.mark.django_db

User = get_user_model()


def run(*args: str) -> str:
    out = StringIO()
    call_command("add_member", *args, stdout=out)
    return out.getvalue()


def token_in(line: str, user, base: str) -> str:
    """The token of the set-password link printed on ``line``, checked to be ``user``'s."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    prefix = f"    {base}/admin/reset/{uid}/"
    assert line.startswith(prefix), line
    token = line.removeprefix(prefix).removesuffix("/")
    assert line == f"{prefix}{token}/"
    assert default_token_generator.check_token(user, token)
    return token


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
    lines = out.splitlines()
    base = "http://lab-a.localhost:8000"
    token = token_in(lines[4], user, base)
    assert lines == [
        "Created person Lena Varkonyi (lena-varkonyi).",
        "Created staff account 'lena'.",
        "Created membership: Postdoc in Lab A.",
        "No password is set yet. Send the member this one-time link to choose one "
        "(it works once, for 7 days):",
        f"    {base}/admin/reset/{urlsafe_base64_encode(force_bytes(user.pk))}/{token}/",
        f"then they sign in at {base}/admin/",
    ]


def test_the_new_member_sets_a_password_at_the_printed_link_and_edits_their_profile(
    client, lab_a, alice
):
    out = run("--lab", "lab-a", "--person", "Lena Varkonyi", "--username", "lena")
    user = User.objects.get(username="lena")
    link = out.splitlines()[4].strip()
    path = link.removeprefix("http://lab-a.localhost:8000")
    response = client.get(path, HTTP_HOST="lab-a.localhost:8000")
    form_path = response.headers["Location"]
    assert (response.status_code, form_path) == (
        302,
        f"/admin/reset/{urlsafe_base64_encode(force_bytes(user.pk))}/set-password/",
    )
    response = client.post(
        form_path,
        {"new_password1": "a long enough passphrase", "new_password2": "a long enough passphrase"},
        HTTP_HOST="lab-a.localhost:8000",
    )
    assert (response.status_code, response.headers["Location"]) == (302, "/admin/")
    response = client.get("/admin/people/person/", HTTP_HOST="lab-a.localhost:8000")
    assert [p.name for p in response.context["cl"].result_list] == ["Lena Varkonyi"]
    user.refresh_from_db()
    assert user.check_password("a long enough passphrase")


@pytest.mark.parametrize(
    ("domain", "args", "base"),
    [
        ("lab-a.localhost", [], "http://lab-a.localhost:8000"),
        ("127.0.0.1", [], "http://127.0.0.1:8000"),
        ("localhost:8123", [], "http://localhost:8123"),
        ("lab.example.org", [], "https://lab.example.org"),
        ("lab.example.org", ["--base-url", "http://10.0.0.5:8001/"], "http://10.0.0.5:8001"),
    ],
)
def test_the_link_is_on_the_labs_host(lab_a, domain, args, base):
    lab_a.site.domain = domain
    lab_a.site.save()
    out = run("--lab", "lab-a", "--person", "Lena Varkonyi", "--username", "lena", *args)
    lines = out.splitlines()
    token_in(lines[4], User.objects.get(username="lena"), base)
    assert lines[5] == f"then they sign in at {base}/admin/"


def test_a_base_url_without_a_scheme_is_refused(lab_a):
    with pytest.raises(CommandError) as error:
        run("--lab", "lab-a", "--person", "Lena Varkonyi", "--username", "lena",
            "--base-url", "lab.example.org")  # fmt: skip
    assert str(error.value) == (
        "--base-url must start with http:// or https://, not 'lab.example.org'."
    )
    assert Person.objects.count() == 0


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
        "jtao signs in at http://lab-b.localhost:8000/admin/ with their existing password.",
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
        (
            ["--lab", "lab-a", "--person", "Ada Lovelace", "--username", "ada", "--email"]
            + ["ALICE@example.org"],
            "The email address ALICE@example.org is already used by another account.",
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


def test_a_deactivated_account_comes_back_only_with_a_new_password(lab_a, client):
    user = f.UserFactory(username="ghost", is_staff=True, is_active=False)  # password "pw"
    person = f.PersonFactory(name="Gale Ghost", user=user)
    out = run("--lab", "lab-a", "--person", person.slug, "--username", "ghost")
    user.refresh_from_db()
    assert (user.is_active, user.has_usable_password()) == (True, False)
    assert client.login(username="ghost", password="pw") is False
    lines = out.splitlines()
    assert (
        "The account 'ghost' was deactivated: it is active again, and its old password "
        "no longer works." in lines
    )
    link = next(line for line in lines if "/admin/reset/" in line)
    token_in(link, user, "http://lab-a.localhost:8000")
