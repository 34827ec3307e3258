"""markdownx's live preview in inline rows added with "Add another" (markdownx issue #113).

markdownx initialises its editors once, on page load; a row Django's inline JavaScript adds
later is a copy of the hidden template row and gets no preview unless
``static/labsite/admin/markdownx-inlines.js`` initialises it. Chromium (Debian's package)
through Playwright, against the live server.
"""

from __future__ import annotations

import pytest

from labsite.markdown import render_markdown

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(browser):
    """A fresh context on the Chromium that tests/browser/conftest.py starts."""
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.js_errors = errors
    yield page
    context.close()


def sign_in(page, live_server, username: str, next_path: str) -> None:
    page.goto(f"{live_server.url}/admin/login/?next={next_path}")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw")
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}{next_path}")


TEXT = (
    'Some **bold**, a <u>line</u>, x<sup>2</sup> <span style="color:red">red</span>'
    "<script>x()</script>"
)


def test_preview_in_an_inline_row_added_with_add_another(page, live_server, alice):
    path = f"/admin/people/person/{alice.person.pk}/change/"
    sign_in(page, live_server, "alice", path)

    # The row that was there on page load previews (markdownx's own initialisation).
    existing = page.locator("#sections-0")
    existing.locator("textarea").fill("An *existing* row")
    existing.locator(".markdownx-preview em").wait_for()

    page.get_by_text("Add another Profile section").click()
    row = page.locator("#sections-1")
    row.wait_for()
    editor = row.locator("textarea.markdownx-editor")
    editor.fill(TEXT)
    preview = row.locator(".markdownx-preview")
    preview.locator("strong").wait_for(timeout=10_000)
    assert preview.inner_html() == render_markdown(TEXT)

    # A second added row works as well, and the first added one keeps working.
    page.get_by_text("Add another Profile section").click()
    second = page.locator("#sections-2")
    second.locator("textarea.markdownx-editor").fill("# Second")
    second.locator(".markdownx-preview h1").wait_for(timeout=10_000)
    editor.fill("*changed*")
    preview.locator("em").wait_for(timeout=10_000)
    assert preview.inner_html() == render_markdown("*changed*")
    assert page.js_errors == []


def test_the_added_row_saves(page, live_server, alice):
    path = f"/admin/people/person/{alice.person.pk}/change/"
    sign_in(page, live_server, "alice", path)
    page.get_by_text("Add another Profile section").click()
    row = page.locator("#sections-1")
    row.locator("input[name='sections-1-title']").fill("Teaching philosophy")
    row.locator("textarea.markdownx-editor").fill("I *like* teaching.")
    row.locator(".markdownx-preview em").wait_for(timeout=10_000)
    page.click("input[name=_save]")
    page.wait_for_url(f"{live_server.url}/admin/people/person/")
    alice.person.refresh_from_db()
    assert list(alice.person.sections.values_list("title", "body_html")) == [
        ("About Alice Anders", "<p>Some <em>prose</em>.</p>"),
        ("Teaching philosophy", "<p>I <em>like</em> teaching.</p>"),
    ]


@pytest.mark.parametrize("width", [1280, 375])
def test_math_in_the_abstract_preview_is_typeset_by_katex(
    page, live_server, alice, screenshots, width
):
    page.set_viewport_size({"width": width, "height": 900})
    path = f"/admin/publications/publication/{alice.publication.pk}/change/"
    sign_in(page, live_server, "alice", path)
    editor = page.locator("textarea#id_abstract")
    editor.fill("Euler: $e^{i\\pi}+1=0$, and $$\\sum_{k=1}^n k$$ but it costs $5 and $10.")
    preview = editor.locator("xpath=ancestor::*[contains(@class,'markdownx')][1]").locator(
        ".markdownx-preview"
    )
    preview.locator(".katex").first.wait_for(timeout=10_000)
    assert preview.locator(".katex").count() == 2  # inline and display; the prices stay prose
    assert preview.locator(".katex-display").count() == 1
    assert "costs $5 and $10." in preview.inner_text()
    # Typing again re-renders: markdownx replaces the preview, the listener typesets it anew.
    editor.fill("Only $x^2$ now")
    page.wait_for_function(
        "el => el.textContent.startsWith('Only') && el.querySelectorAll('.katex').length === 1",
        arg=preview.element_handle(),
        timeout=10_000,
    )
    preview.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshots / f"admin-abstract-math-{width}.png"), full_page=False)
    assert page.js_errors == []
