"""Journey (a), in Chromium at a desktop and a phone width: a lab admin adds a member in the
admin and sends the invitation; the member opens the emailed link in a browser of their own,
chooses a password and lands on their start page.

The live server runs in this process with Django's in-memory mail backend, so the invitation is
read from ``django.core.mail.outbox``. Screenshots of the three pages go to artifacts/screenshots/.
"""

from __future__ import annotations

import re

import pytest
from django.core import mail

from people.models import Person

pytestmark = [
    pytest.mark.browser,
    pytest.mark.urls("tests.browser.urls"),
    pytest.mark.django_db(transaction=True),
]

VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 375, "height": 812}}
PASSWORD = "a long enough passphrase"
WIDER_THAN_THE_SCREEN = "() => document.scrollingElement.scrollWidth - window.innerWidth"


class Clicks:
    """Counts what a person does: clicks (and taps) and fields they type into."""

    def __init__(self, page):
        self.page, self.clicks, self.typed = page, 0, 0

    def click(self, locator) -> None:
        self.clicks += 1
        locator.click()

    def fill(self, selector: str, value: str) -> None:
        self.typed += 1
        self.page.fill(selector, value)

    def select(self, selector: str, value: str) -> None:
        self.clicks += 1
        self.page.select_option(selector, value)


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_lab_admin_invites_a_member_who_sets_a_password_and_sees_her_start_page(
    viewport, browser, live_server, screenshots, dana
):
    size = VIEWPORTS[viewport]
    errors: list[str] = []

    # -- the lab admin ----------------------------------------------------------------------
    admin_context = browser.new_context(viewport=size)
    page = admin_context.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    admin = Clicks(page)
    page.goto(f"{live_server.url}/admin/")
    admin.fill("#id_username", "dana")
    admin.fill("#id_password", "pw")
    admin.click(page.locator("input[type=submit]"))
    page.wait_for_url(f"{live_server.url}/admin/")
    admin.click(page.locator("#people-person").get_by_role("link", name="People"))
    admin.click(page.get_by_role("link", name="Add a member"))
    page.wait_for_url(f"{live_server.url}/admin/people/person/add-member/")
    assert page.locator("h1").inner_text() == "Add a member"
    # One lab: nothing to choose, so no lab field is shown.
    assert page.locator("#id_lab").get_attribute("type") == "hidden"
    admin.fill("#id_name", "Mira Castellano")
    admin.fill("#id_email", "mira@example.org")
    admin.select("#id_role", "masters")
    assert page.locator("#id_send_invitation").is_checked()
    assert page.evaluate(WIDER_THAN_THE_SCREEN) <= 0
    page.screenshot(path=str(screenshots / f"onboarding-add-member-{viewport}.png"), full_page=True)
    admin.click(page.get_by_role("button", name="Add the member"))
    mira = Person.objects.get(name="Mira Castellano")
    page.wait_for_url(f"{live_server.url}/admin/people/person/{mira.pk}/change/")
    assert page.locator("ul.messagelist li").all_inner_texts() == [
        "Mira Castellano is a member (Master's student in Lab A) with the login 'mira'.",
        "Invitation sent to mira@example.org: a one-time link to choose a password, valid for "
        "7 days.",
    ]
    assert (admin.clicks, admin.typed) == (5, 4)
    admin_context.close()

    # -- the email ---------------------------------------------------------------------------
    assert [message.to for message in mail.outbox] == [["mira@example.org"]]
    links = re.findall(r"https?://\S+/admin/reset/\S+", mail.outbox[0].body)
    assert len(links) == 1
    assert links[0].startswith(f"{live_server.url}/admin/reset/")

    # -- the member, in a browser of her own -------------------------------------------------
    member_context = browser.new_context(viewport=size)
    page = member_context.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    member = Clicks(page)
    member.clicks += 1  # the link in her email
    page.goto(links[0])
    page.wait_for_url(re.compile(r".*/admin/reset/[^/]+/set-password/$"))
    member.fill("#id_new_password1", PASSWORD)
    member.fill("#id_new_password2", PASSWORD)
    assert page.evaluate(WIDER_THAN_THE_SCREEN) <= 0
    page.screenshot(path=str(screenshots / f"onboarding-set-password-{viewport}.png"))
    member.click(page.get_by_role("button", name="Change my password"))
    page.wait_for_url(f"{live_server.url}/admin/")
    panel = page.locator("#start-panel")
    assert panel.locator("h2").inner_text() == "Your homepage"
    assert panel.locator("p.counts").inner_text() == "Mira Castellano: 0 papers, 0 news items"
    assert panel.locator("a").all_inner_texts() == [
        "View my homepage",
        "Edit my profile",
        "Add a publication",
        "Add news",
        "Add a talk",
    ]
    assert page.evaluate(WIDER_THAN_THE_SCREEN) <= 0
    page.screenshot(path=str(screenshots / f"onboarding-start-{viewport}.png"), full_page=True)
    assert (member.clicks, member.typed) == (2, 2)

    # Her homepage is one click away and is there.
    member.click(panel.get_by_role("link", name="View my homepage"))
    page.wait_for_url(f"{live_server.url}/people/mira-castellano/")
    assert page.locator("h1").first.inner_text() == "Mira Castellano"

    # The link was for one use.
    page.goto(links[0])
    assert "The password reset link was invalid" in page.locator("#content").inner_text()
    member_context.close()
    assert errors == []
