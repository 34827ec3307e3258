"""The Content-Security-Policy in Chromium: every public page type and the admin at phone and
desktop widths, with a listener for ``securitypolicyviolation`` installed before any of the
page's own scripts, and the console watched for CSP refusals.

Each public page is loaded twice, the second time from the full-page cache (the stored bytes,
labsite/cache.py). The theme is switched to dark first: only the hash-allowed
inline script in <head> applies the stored theme, so ``data-theme="dark"`` on every later page,
cache hits included, shows that script ran.
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import build_lab
from tests.security.test_csp import expected, policy

pytestmark = [pytest.mark.browser, pytest.mark.urls("tests.browser.urls")]

VIEWPORTS = {"phone": {"width": 375, "height": 812}, "desktop": {"width": 1280, "height": 900}}
PUBLIC_PAGES = [
    "lab_home",
    "people",
    "person",  # a photo, and math in a selected paper's title (KaTeX)
    "person_publications",
    "publication",
    "publication_math",
    "research",
    "project",
    "publications",
    "news",
    "not_found",
]
WATCH_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(
    `${e.effectiveDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`
  );
}, true);
"""
SETTLED = """() => new Promise(resolve => {
  // Violation events are queued as tasks; two frames and a tick let every one of them fire.
  requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(resolve, 50)));
})"""


class Watch:
    """What the browser said about the CSP: violation events and console refusals."""

    def __init__(self, context):
        context.add_init_script(script=WATCH_VIOLATIONS)
        self.console: list[str] = []
        self.page = context.new_page()
        self.page.on("console", self._console)

    def _console(self, message) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.console.append(message.text)

    def problems(self) -> list[str]:
        self.page.evaluate(SETTLED)
        found = self.page.evaluate("() => window.__cspViolations") + self.console
        self.console = []
        return found


def wait_for_page(page) -> None:
    page.wait_for_function("() => document.documentElement.dataset.math !== 'loading'")
    page.evaluate("() => document.fonts.ready.then(() => true)")


@pytest.fixture
def site(transactional_db, live_server) -> dict:
    urls = build_lab()
    return {name: live_server.url + path for name, path in urls.items()}


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_public_pages_keep_to_the_policy(viewport, site, browser, screenshots):
    context = browser.new_context(viewport=VIEWPORTS[viewport], color_scheme="light")
    watch = Watch(context)
    page = watch.page
    found: dict[str, list[str]] = {}
    caches: dict[str, list[str]] = {}

    # The theme toggle works under the policy (site.js, a 'self' script).
    page.goto(site["lab_home"])
    toggle = page.get_by_role("button", name="Dark theme")
    toggle.click()
    assert page.evaluate("() => document.documentElement.dataset.theme") == "dark"
    assert toggle.get_attribute("aria-pressed") == "true"

    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    for name in PUBLIC_PAGES:
        # First from the server (a miss), then the browser's own copy revalidated (a 304: its
        # stored page and header), then with the browser's cache off, the server's cache (a hit).
        for visit in ("first", "revalidated", "hit"):
            cdp.send("Network.setCacheDisabled", {"cacheDisabled": visit == "hit"})
            response = page.goto(site[name], wait_until="load")
            wait_for_page(page)
            caches.setdefault(name, []).append(response.headers.get("x-page-cache", "-"))
            problems = watch.problems()
            if policy_of(response) != expected():
                problems.append(f"policy: {response.headers.get('content-security-policy')}")
            theme = page.evaluate("() => document.documentElement.dataset.theme")
            if theme != "dark":
                problems.append(f"the theme script did not run ({visit}): {theme!r}")
            if problems:
                found[f"{name} ({visit})"] = problems
        page.screenshot(path=str(screenshots / f"csp-{name}-{viewport}.png"), full_page=True)
        if name in ("person", "publication_math"):
            assert page.evaluate("() => document.documentElement.dataset.math") == "ready"
    page.goto(site["person"])
    wait_for_page(page)
    photo = page.locator("img.avatar--lg")
    photo.wait_for()
    loaded = photo.evaluate("img => img.decode().then(() => img.naturalWidth > 0)")
    context.close()

    assert found == {}
    assert loaded is True  # the member's photo, from /media/ ('self')
    # Every 200 page came from the server's cache the third time; a 404 is never stored.
    assert {name: visits[2] for name, visits in caches.items()} == {
        **dict.fromkeys(PUBLIC_PAGES, "hit"),
        "not_found": "-",
    }


def policy_of(response) -> dict[str, list[str]]:
    return policy({"Content-Security-Policy": response.headers["content-security-policy"]})


def sign_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw")
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_the_admin_and_markdownx_keep_to_the_policy(
    viewport, live_server, browser, screenshots, alice
):
    context = browser.new_context(viewport=VIEWPORTS[viewport])
    watch = Watch(context)
    page = watch.page
    found: dict[str, list[str]] = {}
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    def check(name: str) -> None:
        problems = watch.problems()
        if problems:
            found[name] = problems
        page.screenshot(path=str(screenshots / f"csp-admin-{name}-{viewport}.png"), full_page=True)

    response = page.goto(f"{live_server.url}/admin/login/")
    assert policy_of(response) == expected()
    check("login")
    sign_in(page, live_server, "alice")
    check("index")

    page.goto(f"{live_server.url}/admin/people/person/{alice.person.pk}/change/")
    bio = page.locator("textarea#id_bio")
    bio.fill('Some <span style="color:red">red</span> and **bold** text.')
    preview = bio.locator("xpath=..").locator(".markdownx-preview")
    preview.locator("strong").wait_for(timeout=10_000)
    # A style attribute in a member's text is kept by the sanitizer and allowed by the policy.
    colour = preview.locator("span").evaluate("el => getComputedStyle(el).color")
    # An inline row added later gets its editor from markdownx's script, added again by
    # static/labsite/admin/markdownx-inlines.js (a 'self' script).
    page.get_by_text("Add another Profile section").click()
    row = page.locator("#sections-1")
    row.locator("textarea.markdownx-editor").fill("An *added* row")
    row.locator(".markdownx-preview em").wait_for(timeout=10_000)
    check("person")

    page.goto(f"{live_server.url}/admin/publications/publication/{alice.publication.pk}/change/")
    page.locator("#publication_form").wait_for()
    check("publication")
    context.close()

    assert colour == "rgb(255, 0, 0)"
    assert (found, errors) == ({}, [])
