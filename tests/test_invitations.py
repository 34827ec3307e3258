"""Onboarding without a shell, over HTTP: "Add a member", the invitation email and its one-time
link, "Forgotten your password?", and the admin start page (labsite/member_admin.py,
labsite/invitations.py, templates/admin/index.html)."""

from __future__ import annotations

import datetime
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core import mail
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from people.models import Membership, Person
from tests import factories as f

pytestmark = pytest.mark.django_db

User = get_user_model()
HOST = "lab-a.localhost:8000"
ADD_MEMBER = "/admin/people/person/add-member/"
PASSWORD = "a long enough passphrase"


def link_in(message) -> str:
    links = re.findall(r"https?://\S+", message.body)
    reset = [link for link in links if "/admin/reset/" in link]
    assert len(reset) == 1, message.body
    return reset[0]


def counts() -> tuple[int, int, int]:
    return (User.objects.count(), Person.objects.count(), Membership.objects.count())


def new_member(client, lab, **overrides) -> dict:
    data = {
        "name": "Lena Varkonyi",
        "email": "lena@example.org",
        "username": "",
        "lab": str(lab.pk),
        "role": "postdoc",
        "send_invitation": "on",
        **overrides,
    }
    return {key: value for key, value in data.items() if value is not None}


def set_password(client, link: str, host: str = HOST):
    """Open ``link`` and choose PASSWORD, as the member does; the last response."""
    path = link.split(host, 1)[1]
    response = client.get(path, HTTP_HOST=host)
    assert response.status_code == 302, response.content.decode()[:500]
    return client.post(
        response.headers["Location"],
        {"new_password1": PASSWORD, "new_password2": PASSWORD},
        HTTP_HOST=host,
    )


# -- the whole path ------------------------------------------------------------------------------


def test_lab_admin_adds_a_member_who_sets_a_password_and_lands_on_the_start_page(
    client, dana, lab_a
):
    client.force_login(dana.user)
    response = client.post(ADD_MEMBER, new_member(client, lab_a), HTTP_HOST=HOST)
    lena = Person.objects.get(name="Lena Varkonyi")
    assert (response.status_code, response.headers["Location"]) == (
        302,
        f"/admin/people/person/{lena.pk}/change/",
    )
    user = lena.user
    assert (user.username, user.email, user.is_staff, user.has_usable_password()) == (
        "lena",  # from the email, the username field being empty
        "lena@example.org",
        True,
        False,
    )
    assert list(lena.memberships.values_list("lab__slug", "role", "is_lab_admin")) == [
        ("lab-a", "postdoc", False)
    ]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    link = link_in(message)
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    assert link.startswith(f"http://{HOST}/admin/reset/{uid}/")
    assert (message.to, message.subject) == (
        ["lena@example.org"],
        "Your account for Lab A: choose a password",
    )
    assert message.body == (
        "Hello Lena Varkonyi,\n\n"
        "Dana Diaz has made an account for you on the Lab A website, where you edit your own "
        "homepage: your profile, publications, news and talks.\n\n"
        "Your username: lena\n\n"
        "Choose your password at this link. It works once, for 7 days:\n\n"
        f"{link}\n\n"
        f"After that you sign in at http://{HOST}/admin/\n\n"
        "If you did not expect this email, ignore it: nothing happens until the link is used.\n"
    )
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == [
        "Lena Varkonyi is a member (Postdoc in Lab A) with the login 'lena'.",
        "Invitation sent to lena@example.org: a one-time link to choose a password, valid for "
        "7 days.",
    ]

    client.logout()
    response = set_password(client, link)
    assert (response.status_code, response.headers["Location"]) == (302, "/admin/")
    start = client.get("/admin/", HTTP_HOST=HOST)
    assert start.wsgi_request.user == user
    page = start.content.decode()
    assert "<h2>Your homepage</h2>" in page
    assert "Lena Varkonyi: 0 papers, 0 news items" in page
    user.refresh_from_db()
    assert user.check_password(PASSWORD)

    # The same link again: Django's "invalid link" page, and the password stays.
    client.logout()
    response = client.get(link.split(HOST, 1)[1], HTTP_HOST=HOST)
    assert (response.status_code, response.context["validlink"]) == (200, False)
    assert response.context["title"] == "Password reset unsuccessful"
    page = response.content.decode()
    assert "The password reset link was invalid" in page
    assert '<a href="/admin/password-reset/">Ask for a new link</a>' in page
    assert client.get("/admin/", HTTP_HOST=HOST).status_code == 302


def test_an_expired_link_is_refused(client, lab_a):
    user = f.UserFactory(username="lena", email="lena@example.org")
    user.set_unusable_password()
    user.save()

    class EightDaysAgo(PasswordResetTokenGenerator):
        def _now(self):
            return datetime.datetime.now() - datetime.timedelta(days=7, seconds=1)

    uid = urlsafe_base64_encode(force_bytes(user.pk))
    old = EightDaysAgo().make_token(user)
    response = client.get(f"/admin/reset/{uid}/{old}/", HTTP_HOST=HOST)
    assert (response.status_code, response.context["validlink"]) == (200, False)

    class SixDaysAgo(EightDaysAgo):
        def _now(self):
            return datetime.datetime.now() - datetime.timedelta(days=6)

    recent = SixDaysAgo().make_token(user)
    response = client.get(f"/admin/reset/{uid}/{recent}/", HTTP_HOST=HOST)
    assert (response.status_code, response.headers["Location"]) == (
        302,
        f"/admin/reset/{uid}/set-password/",
    )


def test_the_link_opens_on_the_members_lab_host(client, root, lab_a, lab_b):
    client.force_login(root)
    client.post(ADD_MEMBER, new_member(client, lab_a), HTTP_HOST="lab-b.localhost:8000")
    assert link_in(mail.outbox[0]).startswith("http://lab-a.localhost:8000/admin/reset/")


# -- the form refuses clearly, and writes nothing --------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "errors"),
    [
        ({"username": "bob"}, {"username": ["The username 'bob' is taken; choose another."]}),
        (
            {"email": "bob@example.org"},
            {
                "username": ["The username 'bob' is taken; choose another."],
                "email": ["bob@example.org is already used by another account."],
            },
        ),
        (
            {"email": "BOB@example.org", "username": "lena"},
            {"email": ["BOB@example.org is already used by another account."]},
        ),
        (
            {"name": "Carol Chen"},
            {
                "name": [
                    "Carol Chen is a member of another lab; that lab's admin can give them a login."
                ]
            },
        ),
        (
            {"name": "Alice Anders"},
            {
                "name": [
                    "Alice Anders already has a login ('alice'); send the invitation from their "
                    "page."
                ]
            },
        ),
        ({"name": "Lena"}, {"name": ["Give the full name, e.g. Ada Lovelace."]}),
        ({"email": "!!!@example.org"}, {"username": ["Choose a username: the email gives none."]}),
        (
            {"username": "lena varkonyi"},
            {
                "username": [
                    "Enter a valid username. This value may contain only letters, numbers, and "
                    "@/./+/-/_ characters."
                ]
            },
        ),
    ],
)
def test_add_member_refuses_clearly(client, cast, lab_a, overrides, errors):
    client.force_login(cast["dana"].user)
    before = counts()
    response = client.post(ADD_MEMBER, new_member(client, lab_a, **overrides), HTTP_HOST=HOST)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == errors
    assert counts() == before
    assert mail.outbox == []


def test_a_lab_admin_cannot_add_a_member_to_another_lab(client, cast, lab_a, lab_b):
    client.force_login(cast["dana"].user)
    before = counts()
    response = client.post(ADD_MEMBER, new_member(client, lab_b), HTTP_HOST=HOST)
    assert response.context["adminform"].form.errors == {
        "lab": ["Select a valid choice. That choice is not one of the available choices."]
    }
    assert (counts(), mail.outbox) == (before, [])


def test_the_lab_field_is_hidden_for_one_lab_and_offers_the_users_labs(client, cast, lab_a, lab_b):
    client.force_login(cast["dana"].user)
    form = client.get(ADD_MEMBER).context["adminform"].form
    assert (form["lab"].field.widget.input_type, form["lab"].value()) == ("hidden", lab_a.pk)
    assert form["send_invitation"].value() is True
    client.force_login(cast["root"])
    form = client.get(ADD_MEMBER).context["adminform"].form
    assert [label for _, label in form.fields["lab"].choices] == ["Lab A", "Lab B"]


def test_an_unenrolled_person_of_that_name_gets_the_login(client, dana, lab_a):
    outsider = f.PersonFactory(name="Ritam Basuray")  # a co-author in no lab
    client.force_login(dana.user)
    response = client.post(
        ADD_MEMBER,
        new_member(client, lab_a, name="Ritam Basuray", email="ritam@example.org"),
        HTTP_HOST=HOST,
    )
    assert response.status_code == 302
    outsider.refresh_from_db()
    assert (outsider.user.username, list(outsider.memberships.values_list("lab__slug"))) == (
        "ritam",
        [("lab-a",)],
    )


def test_without_the_invitation_nothing_is_sent_and_the_page_offers_it(client, dana, lab_a):
    client.force_login(dana.user)
    data = new_member(client, lab_a)
    del data["send_invitation"]
    response = client.post(ADD_MEMBER, data, HTTP_HOST=HOST)
    assert mail.outbox == []
    lena = Person.objects.get(name="Lena Varkonyi")
    page = client.get(response.headers["Location"]).content.decode()
    invite = f"/admin/people/person/{lena.pk}/invite/"
    assert f'<li><a href="{invite}">Send invitation</a></li>' in page
    confirm = client.get(invite)
    assert (confirm.status_code, confirm.context["address"]) == (200, "lena@example.org")
    assert mail.outbox == []
    response = client.post(invite, HTTP_HOST=HOST)
    assert response.headers["Location"] == f"/admin/people/person/{lena.pk}/change/"
    assert [m.to for m in mail.outbox] == [["lena@example.org"]]
    assert link_in(mail.outbox[0]).startswith(f"http://{HOST}/admin/reset/")


def test_a_person_without_a_login_gets_one_from_their_page(client, dana, lab_a):
    nora = f.PersonFactory(name="Nora Quist", email="nora@example.org")
    f.MembershipFactory(person=nora, lab=lab_a, role="masters")
    client.force_login(dana.user)
    page = client.get(reverse("admin:people_person_change", args=[nora.pk])).content.decode()
    create = f"{ADD_MEMBER}?person={nora.pk}"
    assert f'<li><a href="{create}">Create login and invite</a></li>' in page
    form = client.get(create).context["adminform"].form
    assert (form["name"].value(), form["email"].value(), form["role"].value()) == (
        "Nora Quist",
        "nora@example.org",
        "masters",
    )
    data = new_member(client, lab_a, name="Someone Else", email="nora@example.org", role="masters")
    response = client.post(create, data, HTTP_HOST=HOST)
    assert response.status_code == 302
    nora.refresh_from_db()
    # The name field is the person's: a typed one changes nothing and finds nobody else.
    assert (nora.name, nora.user.username, Person.objects.filter(name="Someone Else").count()) == (
        "Nora Quist",
        "nora",
        0,
    )
    assert list(nora.memberships.values_list("role", flat=True)) == ["masters"]
    assert [m.to for m in mail.outbox] == [["nora@example.org"]]


def test_a_person_with_a_password_gets_no_invitation_button(client, dana, alice):
    client.force_login(dana.user)
    page = client.get(reverse("admin:people_person_change", args=[alice.person.pk]))
    assert "invite/" not in page.content.decode()
    response = client.post(f"/admin/people/person/{alice.person.pk}/invite/")
    assert response.status_code == 302
    assert mail.outbox == []


# -- "Forgotten your password?" -------------------------------------------------------------------


def test_the_login_page_links_to_forgotten_password(client, lab_a):
    page = client.get("/admin/login/").content.decode()
    assert '<a href="/admin/password-reset/">Forgotten your login credentials?</a>' in page


def test_forgotten_password_sends_one_link_for_a_known_email(client, alice):
    response = client.post("/admin/password-reset/", {"email": "ALICE@example.org"}, HTTP_HOST=HOST)
    assert (response.status_code, response.headers["Location"]) == (
        302,
        "/admin/password-reset/done/",
    )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert (message.to, message.subject) == (["alice@example.org"], "Set a new password for Lab A")
    link = link_in(message)
    response = set_password(client, link)
    assert (response.status_code, response.headers["Location"]) == (302, "/admin/")
    alice.user.refresh_from_db()
    assert alice.user.check_password(PASSWORD)


def test_forgotten_password_for_an_unknown_email_sends_nothing_and_says_the_same(client, alice):
    known = client.post("/admin/password-reset/", {"email": "alice@example.org"}, follow=True)
    mail.outbox.clear()
    unknown = client.post("/admin/password-reset/", {"email": "nobody@example.org"}, follow=True)
    assert mail.outbox == []
    assert unknown.redirect_chain == known.redirect_chain == [("/admin/password-reset/done/", 302)]
    assert unknown.content == known.content


def test_an_invited_member_whose_link_expired_asks_for_a_new_one(client, lab_a):
    user = f.UserFactory(username="lena", email="lena@example.org")
    user.set_unusable_password()
    user.save()
    inactive = f.UserFactory(username="gone", email="gone@example.org", is_active=False)
    client.post("/admin/password-reset/", {"email": "lena@example.org"}, HTTP_HOST=HOST)
    client.post("/admin/password-reset/", {"email": inactive.email}, HTTP_HOST=HOST)
    assert [m.to for m in mail.outbox] == [["lena@example.org"]]


# -- the start page ------------------------------------------------------------------------------


def start_panel(client, host: str = HOST) -> dict | None:
    response = client.get("/admin/", HTTP_HOST=host)
    assert response.status_code == 200
    return response.context.get("start")


def test_a_member_sees_her_homepage_and_things_first(client, alice, lab_b):
    client.force_login(alice.user)
    start = start_panel(client)
    assert [(link["label"], link["url"]) for link in start["links"]] == [
        ("View my homepage", "/people/alice-anders/"),
        ("Edit my profile", f"/admin/people/person/{alice.person.pk}/change/"),
        ("Add a publication", "/admin/publications/publication/add/"),
        ("Add news", "/admin/people/newsitem/add/"),
        ("Add a talk", "/admin/people/talk/add/"),
    ]
    assert (start["papers"], start["news"]) == (1, 1)
    page = client.get("/admin/", HTTP_HOST=HOST).content.decode()
    assert page.index("Your homepage") < page.index('class="app-people module')
    assert "Alice Anders: 1 paper, 1 news item" in page
    # On another lab's host the homepage link goes to her lab's host.
    start = start_panel(client, "lab-b.localhost:8000")
    assert start["links"][0]["url"] == "http://lab-a.localhost:8000/people/alice-anders/"


def test_a_lab_admin_also_sees_add_a_member(client, dana):
    client.force_login(dana.user)
    assert start_panel(client)["links"][-1] == {
        "label": "Add a member",
        "url": ADD_MEMBER,
        "kind": "addlink",
    }
    page = client.get("/admin/people/person/").content.decode()
    assert f'<li><a href="{ADD_MEMBER}" class="addlink">Add a member</a></li>' in page


def test_a_superuser_without_a_person_sees_no_panel(client, root, alice):
    client.force_login(root)
    assert start_panel(client) is None
    assert "Your homepage" not in client.get("/admin/").content.decode()


def test_a_member_has_no_add_a_member_button(client, alice):
    client.force_login(alice.user)
    assert "add-member" not in client.get("/admin/").content.decode()
    assert "add-member" not in client.get("/admin/people/person/").content.decode()


# -- list filters offer the user's own labs ------------------------------------------------------


LAB_FILTERS = [
    ("/admin/people/person/", "memberships__lab"),
    ("/admin/people/membership/", "lab"),
    ("/admin/people/profilesection/", "person__memberships__lab"),
    ("/admin/people/newsitem/", "lab"),
    ("/admin/people/newsitem/", "person__memberships__lab"),
    ("/admin/people/honor/", "person__memberships__lab"),
    ("/admin/people/talk/", "person__memberships__lab"),
    ("/admin/people/teaching/", "person__memberships__lab"),
    ("/admin/publications/publication/", "authorships__person__memberships__lab"),
    ("/admin/research/project/", "lab"),
    ("/admin/labsite/redirect/", "lab"),
]


def lab_filter_choices(client, url: str, field_path: str) -> list[str] | None:
    response = client.get(url)
    assert response.status_code == 200, url
    for spec in response.context["cl"].filter_specs:  # the filters Django shows
        if getattr(spec, "field_path", None) == field_path:
            return [choice for _, choice in spec.lookup_choices]
    return None


@pytest.mark.parametrize(("url", "field_path"), LAB_FILTERS)
def test_lab_filters_offer_only_the_users_labs(client, cast, lab_a, lab_b, url, field_path):
    lab_c = f.LabFactory(slug="lab-c", name="Lab C")
    dana = cast["dana"]
    f.MembershipFactory(person=dana.person, lab=lab_c, is_lab_admin=True)
    client.force_login(dana.user)
    assert lab_filter_choices(client, url, field_path) == ["Lab A", "Lab C"]
    client.force_login(cast["root"])
    assert lab_filter_choices(client, url, field_path) == ["Lab A", "Lab B", "Lab C"]


def test_a_lab_filter_with_one_lab_is_left_out(client, cast, lab_b):
    client.force_login(cast["dana"].user)
    assert lab_filter_choices(client, "/admin/people/person/", "memberships__lab") is None
    assert "By lab" not in client.get("/admin/people/person/").content.decode()
    client.force_login(cast["root"])
    assert lab_filter_choices(client, "/admin/people/person/", "memberships__lab") == [
        "Lab A",
        "Lab B",
    ]


# -- email settings from the environment ----------------------------------------------------------


def email_settings(**env: str) -> str:
    """labsite.settings' email choices under ``env`` (a fresh interpreter: settings read the
    environment once, at import)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("EMAIL_", "LABSITE_"))}
    code = (
        "import labsite.settings as s; print(s.EMAIL_BACKEND.rsplit('.', 2)[1], s.EMAIL_HOST, "
        "s.EMAIL_PORT, s.EMAIL_USE_TLS, s.EMAIL_USE_SSL, s.PASSWORD_RESET_TIMEOUT)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=Path(__file__).resolve().parents[1],
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    return (result.stdout or result.stderr.strip().splitlines()[-1]).strip()


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "console  587 True False 604800"),
        (
            {"LABSITE_TESTING": "1", "EMAIL_HOST": "smtp.example.org"},
            "locmem smtp.example.org 587 True False 604800",
        ),
        ({"EMAIL_HOST": "smtp.example.org"}, "smtp smtp.example.org 587 True False 604800"),
        (
            {"EMAIL_HOST": "smtp.org", "EMAIL_USE_SSL": "1", "LABSITE_PASSWORD_LINK_DAYS": "2"},
            "smtp smtp.org 465 False True 172800",
        ),
        (
            {"EMAIL_HOST": "mail", "EMAIL_USE_TLS": "0", "EMAIL_PORT": "2525"},
            "smtp mail 2525 False False 604800",
        ),
        (
            {"EMAIL_USE_SSL": "1", "EMAIL_USE_TLS": "1"},
            "django.core.exceptions.ImproperlyConfigured: Set only one of EMAIL_USE_TLS and "
            "EMAIL_USE_SSL.",
        ),
    ],
)
def test_email_settings_come_from_the_environment(env, expected):
    assert email_settings(**env) == expected
