"""Publication lists without their abstracts and BibTeX inline (publications/entries.py): the
"Abstract" and "BibTeX" toggles that site.js adds fetch them from the paper's page and its .bib
file, under the site's CSP, at phone and desktop widths, and axe finds nothing serious."""

from __future__ import annotations

import pytest

from tests.browser.conftest import build_lab
from tests.browser.test_csp import SETTLED, WATCH_VIOLATIONS
from tests.browser.test_pages import RUN_AXE, VIEWPORTS, load

pytestmark = [pytest.mark.browser, pytest.mark.urls("tests.browser.urls")]


@pytest.fixture
def site(transactional_db, live_server) -> dict:
    urls = build_lab()
    return {name: live_server.url + path for name, path in urls.items()}


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_abstract_and_bibtex_open_from_the_member_page(
    viewport, site, browser, axe_source, screenshots
):
    context = browser.new_context(viewport=VIEWPORTS[viewport], reduced_motion="reduce")
    context.add_init_script(script=WATCH_VIOLATIONS)
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    load(page, site["person"])
    html = page.content()
    # Nothing of the abstracts or BibTeX came with the page; the toggles are there.
    assert "earlier skills" not in page.evaluate("() => document.documentElement.outerHTML")
    assert "@inproceedings" not in html
    entry = page.locator(".pubs > li[data-abstract]").first
    title = entry.locator(":scope > a").inner_text()
    abstract = entry.locator("details", has=page.locator("summary", has_text="Abstract"))
    bibtex = entry.locator("details", has=page.locator("summary", has_text="BibTeX"))
    assert abstract.locator("summary").inner_text().startswith("Abstract")
    fetched_before = len(requests)

    abstract.locator("summary").click()
    shown = abstract.locator(".pub-abstract")
    shown.wait_for(state="visible")
    assert "earlier skills" in shown.inner_text()
    assert title not in shown.inner_text()  # the abstract alone, not the page around it

    bibtex.locator("summary").click()
    code = bibtex.locator("pre code")
    code.wait_for(state="visible")
    assert code.inner_text().startswith("@inproceedings{varkonyi2023")
    assert bibtex.get_by_role("button", name="Copy").is_visible()
    fetched = [url for url in requests[fetched_before:] if "/static/" not in url]  # KaTeX fonts
    href = entry.locator(":scope > a").get_attribute("href")
    assert [url.removeprefix(site["lab_home"].rstrip("/")) for url in fetched] == [
        href,
        href.rstrip("/") + ".bib",
    ]
    # Closing and opening again fetches nothing more.
    abstract.locator("summary").click()
    abstract.locator("summary").click()
    assert len([url for url in requests[fetched_before:] if "/static/" not in url]) == 2

    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    wide = page.evaluate(
        """() => [...document.querySelectorAll('body *')]
          .filter(e => e.getBoundingClientRect().right > innerWidth + 1 && !e.closest('.katex'))
          .slice(0, 8).map(e => e.tagName + '.' + e.className)"""
    )
    assert widths[0] <= widths[1], f"opened entry scrolls the page sideways: {widths} {wide}"
    page.evaluate(axe_source)  # evaluated by the test, outside the page's CSP
    violations = page.evaluate(RUN_AXE)
    page.evaluate(SETTLED)
    csp = page.evaluate("() => window.__cspViolations")
    entry.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshots / f"entries-{viewport}.png"), full_page=False)
    context.close()
    assert csp == []
    assert [m for m in console if "Content Security Policy" in m] == []
    assert violations == []


def test_without_javascript_the_title_leads_to_abstract_and_bibtex(site, browser):
    context = browser.new_context(viewport=VIEWPORTS["phone"], java_script_enabled=False)
    page = context.new_page()
    page.goto(site["person"])
    entry = page.locator(".pubs > li[data-abstract]").first
    assert entry.locator("summary").count() == 0  # no toggles that cannot work
    entry.locator(":scope > a").click()
    page.wait_for_load_state()
    assert "earlier skills" in page.locator(".paper-abstract").inner_text()
    assert page.locator(".bibtex pre code").inner_text().startswith("@inproceedings{varkonyi2023")
    context.close()
