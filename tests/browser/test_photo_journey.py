"""Journey (b) of issue 7: a member uploads a photo, saves three times, and sees it on the site.

Chromium (Debian's package) through Playwright, at desktop and phone width, against the live
server. Every save must come back with Django's success message and no form error.
"""

from __future__ import annotations

import pytest

from people.models import Person
from tests.browser.conftest import png

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.urls("tests.browser.urls"),
]

VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 375, "height": 812}}


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_member_uploads_a_photo_and_saves_three_times(
    viewport, browser, live_server, alice, tmp_path, screenshots
):
    photo = tmp_path / "portrait.png"
    photo.write_bytes(png(800, 800, (150, 60, 40), label="portrait").read())
    person = alice.person
    context = browser.new_context(viewport=VIEWPORTS[viewport])
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    change = f"/admin/people/person/{person.pk}/change/"

    clicks = 0
    page.goto(f"{live_server.url}/admin/login/?next={change}")
    page.fill("#id_username", "alice")
    page.fill("#id_password", "pw")
    page.click("input[type=submit]")
    clicks += 1
    page.wait_for_url(f"{live_server.url}{change}")

    page.set_input_files("#id_avatar", str(photo))
    clicks += 1
    for save in range(3):
        page.click("input[name=_continue]")
        clicks += 1
        page.wait_for_load_state()
        assert page.locator(".errornote, .errorlist").count() == 0, page.content()
        assert "was changed successfully" in page.locator(".messagelist").inner_text()
        if save == 0:
            page.screenshot(path=screenshots / f"photo-admin-saved-{viewport}.png", full_page=True)
    page.screenshot(path=screenshots / f"photo-admin-third-save-{viewport}.png", full_page=True)

    person.refresh_from_db()
    assert person.avatar.name.startswith("avatars/")
    assert person.avatar_thumbnail.name.startswith("avatars/thumbs/")

    page.goto(f"{live_server.url}{person.get_absolute_url()}")
    photo_img = page.locator(f"img[src='{person.avatar_thumbnail.url}']").first
    photo_img.wait_for()
    # The thumbnail is the fallback <img src>; Chromium takes the WebP copy for the size shown.
    loaded = photo_img.evaluate(
        "img => [img.complete && img.naturalWidth, img.clientWidth, img.currentSrc]"
    )
    assert 0 < loaded[0] <= 2 * loaded[1], loaded
    assert loaded[2].endswith(".webp") and loaded[2].split("/media/")[1] in (
        person.rendition_names()
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS[viewport]["width"]
    page.screenshot(path=screenshots / f"photo-public-page-{viewport}.png")
    assert errors == []
    assert clicks == 5  # sign in, choose the file, three saves
    assert Person.objects.filter(pk=person.pk, avatar=person.avatar.name).exists()
    context.close()
