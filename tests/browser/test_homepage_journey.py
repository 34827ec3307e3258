"""Browser journey (d) of issue 7: a member adds a news item and a talk in the admin, by clicking,
and both show at once on their homepage and the lab's news — with the page cache on, so the
pages a visitor loaded before are cached copies that the saves must make stale.

Also the look of a full member page (long code block and long URL in the bio), the people page
and the research list with a figure-less card, at 375 px and 1280 px, with measurements of what
issue 7's look fixes promise. Screenshots: artifacts/screenshots/journey-*.png.
"""

from __future__ import annotations

import pytest

from people.models import Person
from tests import factories as f
from tests.browser.conftest import build_lab
from tests.browser.test_pages import VIEWPORTS, load

pytestmark = [pytest.mark.browser, pytest.mark.urls("tests.browser.urls")]

LONG_URL = "https://example.org/" + "a-very-long-path-segment-without-any-break" * 4
BIO = (
    "I work on frugal learning. My notes live at <" + LONG_URL + ">.\n\n"
    "```\n"
    "python train.py --dataset speech-commands --rounds 500 --clients 128 "
    "--sparsity 0.9 --optimizer sgd --learning-rate 0.05 --seed 1234567890\n"
    "```\n"
)
NEWS_TEXT = "Our decentralised speech paper was accepted at Interspeech."
TALK_TITLE = "Frugal federated learning for speech"


@pytest.fixture
def site(transactional_db, live_server, settings) -> dict:
    # The page cache on, as in production (tests/public/test_cache.py relies on the same
    # default): every anonymous GET below may be answered from it.
    settings.LABSITE_PAGE_CACHE = True
    urls = build_lab()
    lena = Person.objects.get(name="Lena Varkonyi")
    lena.user = f.UserFactory(username="lena")
    lena.bio = BIO
    lena.save()
    return {name: live_server.url + path for name, path in urls.items()} | {"base": live_server.url}


def cache_state(page, url: str) -> str:
    """The server's page cache answer for ``url`` (a request outside the browser's own HTTP
    cache, with the context's cookies: a reload would be a 304 that shows the stored headers)."""
    response = page.request.get(url)
    assert response.status == 200, url
    return response.headers.get("x-page-cache", "")


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_member_adds_news_and_a_talk_and_both_show_at_once(viewport, site, browser, screenshots):
    visitor = browser.new_context(viewport=VIEWPORTS[viewport])
    anonymous = visitor.new_page()
    # Before: both pages are cached for visitors (a miss stores, the reload is a hit).
    for url in (site["person"], site["news"]):
        cache_state(anonymous, url)
        assert cache_state(anonymous, url) == "hit"
    load(anonymous, site["person"])
    assert NEWS_TEXT not in anonymous.content()

    member = browser.new_context(viewport=VIEWPORTS[viewport])
    page = member.new_page()
    clicks = 0
    page.goto(f"{site['base']}/admin/")
    page.fill("#id_username", "lena")
    page.fill("#id_password", "pw")
    page.click("input[type=submit]")
    clicks += 1
    page.wait_for_url(f"{site['base']}/admin/")

    # A news item, through the admin's own links and form.
    page.get_by_role("link", name="News items").first.click()
    page.get_by_role("link", name="Add news item").click()
    page.fill("#id_date", "2031-03-04")
    page.fill("#id_text", NEWS_TEXT)
    page.screenshot(path=str(screenshots / f"journey-admin-news-{viewport}.png"), full_page=True)
    page.click("input[name=_save]")
    clicks += 3
    page.wait_for_url("**/admin/people/newsitem/")
    assert "was added successfully" in page.locator(".messagelist").inner_text()

    # A talk.
    page.goto(f"{site['base']}/admin/")
    page.get_by_role("link", name="Talks").first.click()
    page.get_by_role("link", name="Add talk").click()
    page.fill("#id_title", TALK_TITLE)
    page.select_option("#id_kind", "invited")
    page.fill("#id_event", "Speech Systems Workshop")
    page.fill("#id_date", "2031-02-20")
    page.click("input[name=_save]")
    clicks += 4
    page.wait_for_url("**/admin/people/talk/")
    assert "was added successfully" in page.locator(".messagelist").inner_text()
    member.close()

    # After: the visitor's next request is a fresh page with both.
    assert cache_state(anonymous, site["person"]) == "miss"
    load(anonymous, site["person"])
    news = anonymous.locator("section", has=anonymous.locator("h2", has_text="Recent news"))
    assert news.locator("li").first.locator(".news-text").inner_text().strip() == NEWS_TEXT
    talks = anonymous.locator("#talks .records li .what > a, #talks .records li .what")
    assert TALK_TITLE in talks.first.inner_text()
    anonymous.screenshot(
        path=str(screenshots / f"journey-person-after-{viewport}.png"), full_page=True
    )
    assert cache_state(anonymous, site["news"]) == "miss"
    load(anonymous, site["news"])
    assert anonymous.locator("h1").inner_text() == "News"
    first_news = anonymous.locator("ul.news > li").first.locator(".news-text")
    lines = [line for line in first_news.inner_text().splitlines() if line.strip()]
    assert lines == [NEWS_TEXT, "— Lena Varkonyi"]
    anonymous.screenshot(
        path=str(screenshots / f"journey-news-after-{viewport}.png"), full_page=True
    )
    visitor.close()
    assert clicks == 8  # sign in 1, news 3 (list, add, save), talk 4 (list, add, kind, save)


PAGE_WIDTH = "() => [document.documentElement.scrollWidth, window.innerWidth]"
PILLS = """() => [...document.querySelector('.pubs > li > div').children].map(el => {
  const pill = el.tagName === 'DETAILS' ? el.querySelector('summary') : el;
  const r = pill.getBoundingClientRect();
  return [pill.textContent.trim().split(':')[0], Math.round(r.top), Math.round(r.height)];
})"""
WEIGHTS = """() => ({
  me: getComputedStyle(document.querySelector('.pubs > li > p:first-of-type > b')).fontWeight,
  member: getComputedStyle(document.querySelector('.pubs > li > p:first-of-type > a')).fontWeight,
})"""
CARD_TITLES = """() => [...document.querySelectorAll('.cards .card-title')]
  .map(h => Math.round(h.getBoundingClientRect().top))"""


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_the_pages_look_right(viewport, site, browser, screenshots):
    context = browser.new_context(viewport=VIEWPORTS[viewport])
    page = context.new_page()

    load(page, site["person"])
    page.screenshot(path=str(screenshots / f"journey-person-{viewport}.png"), full_page=True)
    scroll_width, inner_width = page.evaluate(PAGE_WIDTH)
    assert scroll_width == inner_width  # the code block and the URL stay inside the page
    code = page.locator(".bio pre")
    assert code.evaluate("e => e.scrollWidth > e.clientWidth") is True  # it scrolls itself
    assert page.evaluate(WEIGHTS) == {"me": "650", "member": "400"}
    pills = page.evaluate(PILLS)
    assert [label for label, _, _ in pills][-1] == "BibTeX"
    assert len({(top, height) for _, top, height in pills}) == 1, pills  # one line, one height
    headings = page.locator(".member-main h2").all_inner_texts()
    assert headings == [
        "Recent news",
        "Selected publications",
        "Research",
        "Talks",
        "Teaching",
        "Honors and awards",
        "Experience",
        "Contact",
    ]
    assert page.locator("#selected-publications .more-link").inner_text() == (
        "All publications (4) →"
    )

    load(page, site["people"])
    page.screenshot(path=str(screenshots / f"journey-people-{viewport}.png"), full_page=True)
    assert page.locator("main h2").all_inner_texts() == [
        "Principal investigator",
        "Postdoc",
        "PhD students",
        "Former members",
    ]

    load(page, site["research"])
    page.screenshot(path=str(screenshots / f"journey-research-{viewport}.png"), full_page=True)
    tops = page.evaluate(CARD_TITLES)
    frames = page.locator(".card-media--empty")
    if viewport == "desktop":
        assert len(set(tops)) == 1, tops  # three cards in a row, one with a figure: level
        assert [frames.nth(i).is_visible() for i in range(frames.count())] == [True, True]
    else:  # one card a row: nothing to line up with, no empty frame
        assert [frames.nth(i).is_visible() for i in range(frames.count())] == [False, False]

    load(page, site["lab_home"])
    page.screenshot(path=str(screenshots / f"journey-lab_home-{viewport}.png"), full_page=True)
    assert page.locator(".highlight .highlight-text").all_inner_texts() == [
        "Named a Future Leader in Computing.",
        "Our paper won the Best Paper Award at DL@Edge.",
        "Started an internship at Northwind Research.",
    ]
    assert page.evaluate(PAGE_WIDTH)[0] == page.evaluate(PAGE_WIDTH)[1]
    context.close()
