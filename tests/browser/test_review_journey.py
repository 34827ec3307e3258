"""Uncertain entries go to their owner, in Chromium at a phone and a desktop width.

Alice's homepage was imported with two guesses (a paper without a year, a news item dated by
its year only). She signs in, sees the count on her start page, follows it to the list of
entries that need review, opens the paper, reads the banner saying why, gives the year and
saves: the count drops. Screenshots of each step go to artifacts/screenshots/.
"""

from __future__ import annotations

import re

import pytest

from labsite.importing.load import load_site
from publications.models import Publication
from tests.browser.test_pages import RUN_AXE
from tests.test_review_admin import UNSURE_TITLE, _site

pytestmark = [
    pytest.mark.browser,
    pytest.mark.urls("tests.browser.urls"),
    pytest.mark.django_db(transaction=True),
]

VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 375, "height": 812}}
WIDER_THAN_THE_SCREEN = "() => document.scrollingElement.scrollWidth - window.innerWidth"


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_member_reviews_an_imported_guess_and_the_count_drops(
    viewport, browser, live_server, screenshots, axe_source, lab_a, alice, tmp_path
):
    load_site(_site(tmp_path), lab=lab_a, owner="alice-anders", dry_run=False, verbosity=1)
    context = browser.new_context(viewport=VIEWPORTS[viewport])
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    page.goto(f"{live_server.url}/admin/")
    page.fill("#id_username", "alice")
    page.fill("#id_password", "pw")
    page.locator("input[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/admin/")
    panel = page.locator("#needs-review")
    assert panel.locator(".review-total").inner_text() == "2"
    assert panel.get_by_role("link").all_inner_texts() == ["1 news item", "1 publication"]
    assert page.evaluate(WIDER_THAN_THE_SCREEN) <= 0
    page.screenshot(path=str(screenshots / f"review-start-{viewport}.png"), full_page=True)

    panel.get_by_role("link", name="1 publication").click()
    page.wait_for_url("**/admin/publications/publication/?needs_review=yes")
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == 1
    page.screenshot(path=str(screenshots / f"review-list-{viewport}.png"), full_page=True)

    rows.first.get_by_role("link", name=UNSURE_TITLE).click()
    page.wait_for_url(re.compile(r".*/change/(\?.*)?$"))
    banner = page.locator("#review-banner")
    assert banner.locator(".review-reason").inner_text() == "no year found; no venue found"
    assert banner.get_by_role("button", name="Mark as reviewed").is_visible()
    assert page.evaluate(WIDER_THAN_THE_SCREEN) <= 0
    page.evaluate(axe_source)
    violations = [v for v in page.evaluate(RUN_AXE) if "review-banner" in v]
    assert violations == []
    page.screenshot(path=str(screenshots / f"review-banner-{viewport}.png"), full_page=False)

    page.fill("#id_year", "2021")
    page.fill("#id_venue", "Coastal ML Workshop 2021")
    page.locator("input[name=_save]").click()
    # Back to the list it came from, which the saved paper has left.
    page.wait_for_url("**/admin/publications/publication/?needs_review=yes")
    assert page.locator("#result_list").count() == 0
    paper = Publication.objects.get(title=UNSURE_TITLE)
    assert (paper.year, paper.needs_review) == (2021, False)

    page.goto(f"{live_server.url}/admin/")
    assert page.locator("#needs-review .review-total").inner_text() == "1"
    assert page.locator("#needs-review").get_by_role("link").all_inner_texts() == ["1 news item"]
    page.screenshot(path=str(screenshots / f"review-start-after-{viewport}.png"), full_page=True)
    assert errors == []
    context.close()
