"""Every public page type in Chromium, at phone and desktop widths, light and dark.

For each: no console error, no horizontal scrolling on a phone, alt text on every image, a visible
keyboard focus, and no serious or critical axe-core violation. Screenshots go to
artifacts/screenshots/ (git-ignored) for a person to look at.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.template.loader import render_to_string

from tests.browser.conftest import build_lab

pytestmark = [pytest.mark.browser, pytest.mark.urls("tests.browser.urls")]

VIEWPORTS = {"phone": {"width": 375, "height": 812}, "desktop": {"width": 1280, "height": 900}}
SCHEMES = ("light", "dark")
PAGES = [
    "lab_home",
    "people",
    "person",
    "person_publications",
    "person_cv",
    "person_talks",
    "person_teaching",
    "talks",
    "news",
    "research",
    "project",
    "publications",
    "publication",
    "publication_math",
    "not_found",
]

RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations
    .filter(v => v.impact === "serious" || v.impact === "critical")
    .map(v => v.id + " (" + v.impact + "): "
              + v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(" | "));
}"""

LAYOUT_SHIFT = """() => new Promise(resolve => {
  let total = 0;
  new PerformanceObserver(list => {
    for (const entry of list.getEntries()) if (!entry.hadRecentInput) total += entry.value;
  }).observe({type: "layout-shift", buffered: true});
  setTimeout(() => resolve(total), 50);
})"""

FOCUS_STYLE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const s = getComputedStyle(el);
  return {tag: el.tagName, text: (el.textContent || "").trim().slice(0, 40),
          outline: s.outlineStyle + " " + s.outlineWidth, shadow: s.boxShadow};
}"""


def focus_is_visible(style: dict | None) -> bool:
    if style is None:
        return False
    outline_style, outline_width = style["outline"].split(" ", 1)
    has_outline = outline_style != "none" and outline_width not in ("0px", "0")
    return has_outline or style["shadow"] not in ("none", "")


def load(page, url: str) -> None:
    """Open ``url`` and wait until the page is complete, KaTeX included where there is math."""
    page.goto(url, wait_until="load")
    page.wait_for_function("() => document.documentElement.dataset.math !== 'loading'")
    page.evaluate("() => document.fonts.ready.then(() => true)")


def check_page(page, url: str, *, viewport: str, axe_source: str, screenshot: Path) -> list[str]:
    """Load ``url`` in ``page``; return what is wrong with it (empty when all is well)."""
    errors: list[str] = []

    def on_console(msg) -> None:
        # A 404 page's own status is logged as a resource error; that one is intended.
        if msg.type == "error" and not (
            "status of 404" in msg.text and msg.location.get("url") == url
        ):
            errors.append(f"console {msg.type}: {msg.text}")

    def on_error(exc) -> None:
        errors.append(f"page error: {exc}")

    page.on("console", on_console)
    page.on("pageerror", on_error)
    try:
        load(page, url)
        page.screenshot(path=str(screenshot), full_page=True)
    finally:
        page.remove_listener("console", on_console)
        page.remove_listener("pageerror", on_error)
    problems = list(errors)

    if viewport == "phone":
        widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        if widths[0] > widths[1]:
            wide = page.evaluate(
                """() => [...document.querySelectorAll('body *')]
                  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
                  .slice(0, 5).map(e => e.tagName + '.' + e.className)"""
            )
            problems.append(f"horizontal scroll: scrollWidth {widths[0]} > {widths[1]}: {wide}")

    no_alt = page.evaluate(
        "() => [...document.images].filter(i => !i.hasAttribute('alt')).map(i => i.src)"
    )
    if no_alt:
        problems.append(f"images without alt: {no_alt}")
    no_bibtex = page.evaluate(
        """() => [...document.querySelectorAll('.pubs > li')]
          .filter(li => ![...li.querySelectorAll('summary')]
            .some(s => s.textContent.startsWith('BibTeX')))
          .map(li => li.querySelector('a').getAttribute('href'))"""
    )
    if no_bibtex:
        problems.append(f"publication entries without BibTeX: {no_bibtex}")
    unsized = page.evaluate(
        """() => [...document.images]
          .filter(i => !i.getAttribute('width') || !i.getAttribute('height')).map(i => i.src)"""
    )
    if unsized:
        problems.append(f"images without width and height (layout shift): {unsized}")
    shift = page.evaluate(LAYOUT_SHIFT)
    if shift > 0.1:  # web.dev's threshold for a "good" cumulative layout shift
        problems.append(f"cumulative layout shift {shift:.3f} > 0.1")
    broken = page.evaluate(
        """() => [...document.images]
          .filter(i => i.complete && i.naturalWidth === 0 && i.loading !== 'lazy')
          .map(i => i.src)"""
    )
    if broken:
        problems.append(f"images that did not load: {broken}")

    for presses in (1, 2):  # the skip link, then the lab's name in the header
        page.keyboard.press("Tab")
        style = page.evaluate(FOCUS_STYLE)
        if not focus_is_visible(style):
            problems.append(f"focus not visible after {presses} Tab: {style}")

    # Evaluated, not injected as a <script>: the site's CSP refuses inline scripts but its
    # hashed theme script, and Playwright's evaluation is not the page's script.
    page.evaluate(axe_source)
    violations = page.evaluate(RUN_AXE)
    problems.extend(f"axe: {v}" for v in violations)
    return problems


@pytest.fixture
def site(transactional_db, live_server, settings) -> dict:
    urls = build_lab()
    return {name: live_server.url + path for name, path in urls.items()}


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_every_page_type_reads_well(viewport, scheme, site, browser, axe_source, screenshots):
    """Each page type, in one browser tab per size and theme (a tab per page costs seconds)."""
    context = browser.new_context(
        viewport=VIEWPORTS[viewport], color_scheme=scheme, reduced_motion="reduce"
    )
    page = context.new_page()
    problems: dict[str, list[str]] = {}
    try:
        for name in PAGES:
            found = check_page(
                page,
                site[name],
                viewport=viewport,
                axe_source=axe_source,
                screenshot=screenshots / f"{name}-{viewport}-{scheme}.png",
            )
            if found:
                problems[name] = found
    finally:
        context.close()
    assert problems == {}


FOCUS_RING = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;  // past the last tab stop
  const visible = e => {
    const s = getComputedStyle(e);
    return (s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== "none";
  };
  // A whole card is the click target: its ring is drawn on the card (:focus-within).
  const ringed = visible(el) || [...document.querySelectorAll(".card, .person-card")]
    .some(card => card.contains(el) && visible(card));
  return ringed ? "" : el.tagName + " " + (el.textContent || "").trim().slice(0, 30);
}"""


@pytest.mark.parametrize("name", ["person", "publications", "research", "people"])
def test_every_tab_stop_shows_where_the_focus_is(name, site, browser):
    context = browser.new_context(viewport=VIEWPORTS["desktop"])
    page = context.new_page()
    load(page, site[name])
    unringed = []
    for _ in range(40):
        page.keyboard.press("Tab")
        problem = page.evaluate(FOCUS_RING)
        if problem is None:
            break
        if problem:
            unringed.append(problem)
    context.close()
    assert unringed == []


def test_theme_toggle_remembers_the_choice(site, browser):
    context = browser.new_context(viewport=VIEWPORTS["desktop"], color_scheme="light")
    page = context.new_page()
    page.goto(site["person"])
    background = "() => getComputedStyle(document.body).backgroundColor"
    assert page.evaluate(background) == "rgb(255, 255, 255)"
    toggle = page.get_by_role("button", name="Dark theme")
    assert toggle.get_attribute("aria-pressed") == "false"
    toggle.click()
    assert page.evaluate("() => document.documentElement.dataset.theme") == "dark"
    assert toggle.get_attribute("aria-pressed") == "true"
    page.goto(site["publications"])
    # Applied by the inline script in <head>, before the stylesheet paints anything.
    assert page.evaluate("() => document.documentElement.dataset.theme") == "dark"
    assert page.evaluate(background) == "rgb(17, 20, 24)"
    context.close()


def test_math_renders_with_katex_only_where_there_is_math(site, browser):
    context = browser.new_context(viewport=VIEWPORTS["desktop"])
    page = context.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    load(page, site["people"])
    load(page, site["news"])  # "$5 and $10" is prose, not math
    assert [url for url in requested if "katex" in url] == []
    assert "Posters cost $5 and $10 to print." in page.locator("main").inner_text()

    load(page, site["publication_math"])
    page.wait_for_selector("h1 .katex")
    assert page.locator("h1 .katex-mathml annotation").first.text_content() == "\\ell_1"
    assert "$" not in page.locator("h1").inner_text()
    fonts_ok = page.evaluate("() => document.fonts.check('16px KaTeX_Main')")
    assert fonts_ok is True
    context.close()


def test_member_page_email_is_assembled_for_people_not_in_the_html(site, browser):
    context = browser.new_context(viewport=VIEWPORTS["phone"])
    page = context.new_page()
    response = page.goto(site["person"])
    assert "varkony@example.edu" not in response.text()  # scrapers read the HTML
    link = page.locator(".profile-links a[href^='mailto:']")
    assert link.get_attribute("href") == "mailto:varkony@example.edu"
    assert link.inner_text().strip() == "varkony@example.edu"
    labels = page.locator(".profile-links a").all_inner_texts()
    assert [label.strip() for label in labels] == [
        "Website",
        "Google Scholar",
        "GitHub",
        "ORCID",
        "LinkedIn",
        "X / Twitter",
        "CV",
        "varkony@example.edu",
        "All publications",
    ]
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
    context.close()


def test_bibtex_and_abstract_expand_and_copy(site, browser):
    context = browser.new_context(viewport=VIEWPORTS["desktop"])
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    load(page, site["person"])
    # The first paper that has an abstract (same-year papers come newest-added first).
    entry = page.locator(".pubs > li", has=page.locator("summary", has_text="Abstract")).first
    abstract = entry.locator("details", has=page.locator("summary", has_text="Abstract"))
    abstract.locator("summary").click()
    assert abstract.get_attribute("open") == ""
    entry.locator(".pub-abstract").wait_for()  # fetched from the paper's page
    assert "Label-Free" not in entry.locator(".pub-abstract").inner_text()  # only the abstract
    assert "earlier skills" in entry.locator(".pub-abstract").inner_text()
    bib = entry.locator("details", has=page.locator("summary", has_text="BibTeX"))
    bib.locator("summary").click()
    bib.get_by_role("button", name="Copy").click()  # waits for the .bib file
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied.startswith("@inproceedings{varkonyi2023")
    owner = entry.locator(":scope > p:first-of-type > b").inner_text()
    assert owner == "Lena Varkonyi"
    context.close()


def test_publication_filters_narrow_the_list(site, browser):
    context = browser.new_context(viewport=VIEWPORTS["phone"])
    page = context.new_page()
    load(page, site["publications"])
    page.get_by_label("Year", exact=True).select_option("2021")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**/publications/?*year=2021*")
    titles = page.locator(".pubs > li > a").all_inner_texts()
    assert titles == ["Fast-n-Frugal: A Modular and Extensible Search Toolkit"]
    page.get_by_label("Search title, authors, venue").fill("decentralized")
    page.get_by_label("Year", exact=True).select_option("")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**q=decentralized*")
    assert page.locator(".pubs > li").count() == 3
    assert page.get_by_role("link", name="Clear").is_visible()
    context.close()


def test_publication_list_prints_without_controls(site, browser, screenshots):
    context = browser.new_context(viewport=VIEWPORTS["desktop"])
    page = context.new_page()
    load(page, site["publications"])
    page.emulate_media(media="print")
    hidden = page.evaluate(
        "() => ['.filters', '.pubs > li > div', '.site-nav', '.site-footer']"
        ".map(s => getComputedStyle(document.querySelector(s)).display)"
    )
    assert hidden == ["none", "none", "none", "none"]
    page.screenshot(path=str(screenshots / "publications-print.png"), full_page=True)
    page.pdf(path=str(screenshots / "publications-print.pdf"))
    context.close()


def test_server_error_page_renders_without_context_or_database(browser, axe_source, screenshots):
    # No ``db`` fixture: pytest-django refuses any query here, so rendering proves none is made.
    html = render_to_string("500.html", {})
    assert re.search(r"<h1>Something went wrong on our side</h1>", html)
    for scheme in SCHEMES:
        context = browser.new_context(viewport=VIEWPORTS["phone"], color_scheme=scheme)
        page = context.new_page()
        page.set_content(html)
        page.add_script_tag(content=axe_source)
        assert page.evaluate(RUN_AXE) == []
        page.screenshot(path=str(screenshots / f"server_error-phone-{scheme}.png"), full_page=True)
        context.close()
