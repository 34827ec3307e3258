"""Sign-ins are throttled (issue 8, item 4): django-axes, per account and address.

Through the admin's sign-in form over HTTP, as a guesser would: a lock after the limit that the
right password does not open, a clear message where the person typed, the lock lifted by time
(the attempts' clock moved back, no sleeping) or by a lab admin of the member's lab — and by no
one else —, and another account or another address left alone.
"""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import F
from django.test import Client
from django.urls import reverse

from labsite import permissions
from labsite.lockout import client_ip, lockout_message
from people.models import Person
from tests import factories as f
from tests.conftest import make_member

pytestmark = pytest.mark.django_db

GUESSER = "203.0.113.5"
ELSEWHERE = "198.51.100.20"
WRONG_PASSWORD_NOTE = (
    "Please enter the correct username and password for a staff account. "
    "Note that both fields may be case-sensitive."
)


def sign_in(client, username: str, password: str, address: str = GUESSER, **headers):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
        **headers,
    )


def signed_in_as(client) -> str | None:
    return client.session.get("_auth_user_id")


def error_notes(response) -> list[str]:
    html = response.content.decode()
    return [
        " ".join(unescape(text).split())
        for text in re.findall(r'<p class="errornote">(.*?)</p>', html, flags=re.DOTALL)
    ]


def lock(client, username: str, address: str = GUESSER) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, username, "not the password", address)
    assert sign_in(client, username, "pw", address).status_code == 429


def move_clock_back(username: str, by: timedelta) -> None:
    """As if the failed sign-ins had happened ``by`` earlier."""
    AccessAttempt.objects.filter(username=username).update(attempt_time=F("attempt_time") - by)


def test_the_settings_are_five_failures_and_fifteen_minutes():
    assert (5, timedelta(minutes=15)) == (settings.AXES_FAILURE_LIMIT, settings.AXES_COOLOFF_TIME)
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert settings.AUTHENTICATION_BACKENDS[0] == "labsite.lockout.LockoutBackend"
    assert settings.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"


def test_200_wrong_passwords_lock_the_account_and_the_right_one_is_refused(client, alice):
    statuses = [sign_in(client, "alice", f"guess {n}").status_code for n in range(200)]
    limit = settings.AXES_FAILURE_LIMIT
    assert statuses == [200] * (limit - 1) + [429] * (200 - limit + 1)

    response = sign_in(client, "alice", "pw")
    assert response.status_code == 429
    assert signed_in_as(client) is None
    assert error_notes(response) == [
        "Too many failed sign-ins for this account from this address; try again in 15 "
        "minutes or ask your lab admin to unlock it."
    ]
    assert response["Retry-After"] == "900"
    # The sign-in page itself, ready for the next try: the name kept, the password not.
    html = response.content.decode()
    assert re.findall(r'<input type="text" name="username"[^>]*value="([^"]*)"', html) == ["alice"]
    assert re.findall(r'<input type="password"[^>]*value=', html) == []


def test_below_the_limit_a_wrong_password_is_an_ordinary_error(client, alice):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = sign_in(client, "alice", "wrong")
        assert (response.status_code, error_notes(response)) == (200, [WRONG_PASSWORD_NOTE])
    assert sign_in(client, "alice", "pw").status_code == 302
    assert signed_in_as(client) == str(alice.user.pk)


def test_a_success_clears_the_count(client, alice):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "alice", "wrong")
    assert sign_in(client, "alice", "pw").status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "alice", "wrong")
    assert sign_in(client, "alice", "pw").status_code == 302


def test_the_lock_lifts_after_the_cool_off(client, alice):
    lock(client, "alice")
    move_clock_back("alice", settings.AXES_COOLOFF_TIME - timedelta(minutes=1))
    assert sign_in(client, "alice", "pw").status_code == 429  # 14 minutes on: still locked

    # Each refused try starts the cool-off again (axes' default): wait it out once more.
    move_clock_back("alice", settings.AXES_COOLOFF_TIME + timedelta(seconds=1))
    response = sign_in(client, "alice", "pw")
    assert (response.status_code, response["Location"]) == (302, "/admin/")
    assert signed_in_as(client) == str(alice.user.pk)


def test_another_account_from_the_same_address_is_not_locked(client, alice, bob):
    lock(client, "alice")
    assert sign_in(client, "bob", "pw").status_code == 302
    assert signed_in_as(client) == str(bob.user.pk)


def test_the_same_account_from_another_address_is_not_locked(client, alice):
    lock(client, "alice")
    assert sign_in(client, "alice", "pw", address=ELSEWHERE).status_code == 302
    assert signed_in_as(client) == str(alice.user.pk)


def unlock(actor_user, person: Person):
    admin_client = Client()
    admin_client.force_login(actor_user)
    return admin_client.post(
        reverse("admin:people_person_changelist"),
        {"action": "unlock_sign_in", "_selected_action": [person.pk], "index": "0"},
        follow=True,
    )


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_a_lab_admin_unlocks_a_member_of_her_lab(client, alice, dana):
    lock(client, "alice")
    response = unlock(dana.user, alice.person)
    assert messages_of(response) == ["Sign-in unlocked for Alice Anders."]
    assert AccessAttempt.objects.filter(username="alice").exists() is False
    assert sign_in(client, "alice", "pw").status_code == 302


def test_a_lab_admin_of_another_lab_cannot_unlock(client, alice, lab_b):
    erin = make_member("erin", "Erin East", lab_b, lab_admin=True)
    lock(client, "alice")
    before = list(AccessAttempt.objects.filter(username="alice").values_list("pk", flat=True))
    response = unlock(erin.user, alice.person)
    # Alice is not in Erin's list: the action gets no one to act on, and says nothing.
    assert (response.status_code, messages_of(response)) == (200, [])
    assert list(AccessAttempt.objects.filter(username="alice").values_list("pk", flat=True)) == (
        before
    )
    assert sign_in(client, "alice", "pw").status_code == 429
    assert permissions.can_unlock_sign_in(erin.user, alice.person) is False


def test_a_member_cannot_unlock_even_herself(client, alice, bob):
    lock(client, "alice", address=ELSEWHERE)
    for actor in (bob, alice):
        response = unlock(actor.user, alice.person)
        assert messages_of(response) == ["No action selected."]
    assert sign_in(client, "alice", "pw", address=ELSEWHERE).status_code == 429


def test_who_may_unlock_whom(lab_a, alice, carol, dana, root):
    superuser_person = f.PersonFactory(name="Root Person", user=root)
    no_account = f.PersonFactory(name="No Account")
    for person in (superuser_person, no_account):
        f.MembershipFactory(person=person, lab=lab_a)
    answers = {
        (who.username, whom.name): permissions.can_unlock_sign_in(who, whom)
        for who in (alice.user, dana.user, root)
        for whom in (alice.person, dana.person, carol.person, superuser_person, no_account)
    }
    assert answers == {
        ("alice", "Alice Anders"): False,
        ("alice", "Dana Diaz"): False,
        ("alice", "Carol Chen"): False,
        ("alice", "Root Person"): False,
        ("alice", "No Account"): False,
        ("dana", "Alice Anders"): True,
        ("dana", "Dana Diaz"): True,
        ("dana", "Carol Chen"): False,
        # A lab admin unlocking a superuser would reopen the guessing at the one password that
        # opens everything.
        ("dana", "Root Person"): False,
        ("dana", "No Account"): False,
        ("root", "Alice Anders"): True,
        ("root", "Dana Diaz"): True,
        ("root", "Carol Chen"): True,
        ("root", "Root Person"): True,
        ("root", "No Account"): True,
    }


def test_the_unlock_action_is_offered_only_to_who_may_use_it(alice, dana, root):
    offered = {}
    for user in (alice.user, dana.user, root):
        viewer = Client()
        viewer.force_login(user)
        response = viewer.get(reverse("admin:people_person_changelist"))
        choices = response.context["action_form"].fields["action"].choices
        offered[user.username] = "unlock_sign_in" in [value for value, _label in choices]
    assert offered == {"alice": False, "dana": True, "root": True}


# -- behind the reverse proxy -----------------------------------------------------------------


def test_behind_the_proxy_the_address_is_the_one_the_proxy_appended(client, alice, settings):
    settings.LABSITE_BEHIND_PROXY = True
    proxy = "10.0.0.2"
    # The guesser writes a new address of their own in front of every try: it changes nothing.
    for n in range(settings.AXES_FAILURE_LIMIT):
        forwarded = f"192.0.2.{n}, {GUESSER}"
        sign_in(client, "alice", "wrong", address=proxy, HTTP_X_FORWARDED_FOR=forwarded)
    spoofed = f"192.0.2.200, {GUESSER}"
    response = sign_in(client, "alice", "pw", address=proxy, HTTP_X_FORWARDED_FOR=spoofed)
    assert response.status_code == 429
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == [GUESSER]
    # Alice herself, through the same proxy from her own address, signs in.
    response = sign_in(client, "alice", "pw", address=proxy, HTTP_X_FORWARDED_FOR=ELSEWHERE)
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("behind_proxy", "meta", "expected"),
    [
        (False, {"REMOTE_ADDR": GUESSER, "HTTP_X_FORWARDED_FOR": "192.0.2.9"}, GUESSER),
        (True, {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": f"1.2.3.4, {GUESSER}"}, GUESSER),
        (True, {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": " 2001:db8::7 "}, "2001:db8::7"),
        (True, {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "not an address"}, "10.0.0.2"),
        (True, {"REMOTE_ADDR": "10.0.0.2"}, "10.0.0.2"),
    ],
)
def test_client_ip(rf, settings, behind_proxy, meta, expected):
    settings.LABSITE_BEHIND_PROXY = behind_proxy
    request = rf.post("/admin/login/")
    request.META.update(meta)
    assert client_ip(request) == expected


# -- the rest of the suite ---------------------------------------------------------------------


def test_client_login_without_a_request_still_works(client, alice):
    """Django's test client calls ``authenticate()`` with no request; axes' own backend raises
    there. The project's backend leaves such calls to the password check."""
    assert client.login(username="alice", password="pw") is True
    assert client.login(username="alice", password="wrong") is False


def test_the_message_follows_the_cool_off(settings):
    settings.AXES_COOLOFF_TIME = timedelta(minutes=1)
    assert lockout_message() == (
        "Too many failed sign-ins for this account from this address; try again in 1 minute "
        "or ask your lab admin to unlock it."
    )
