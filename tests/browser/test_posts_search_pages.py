"""The page types of blog posts, site search and a new lab's home, in Chromium: 375 and 1280 px,
light and dark, axe clean, no horizontal scroll, sized images, visible focus (the checks of
tests/browser/test_pages.py). Screenshots go to artifacts/screenshots/."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.storage import default_storage

from people.models import Person, Role
from tests import factories as f
from tests.browser.conftest import build_lab, png
from tests.browser.test_pages import SCHEMES, VIEWPORTS, check_page, load

pytestmark = [pytest.mark.browser, pytest.mark.urls("tests.browser.urls")]

PAGES = ["lab_posts", "person_posts", "post", "lab_post", "search", "search_none", "new_lab_home"]


def build_posts() -> dict[str, str]:
    """Posts in the browser tests' lab (one with a figure, tags and a project), and a second
    lab with one member and nothing else."""
    urls = build_lab()
    lena = Person.objects.get(name="Lena Varkonyi")
    jin = Person.objects.get(name="Jin Tao")
    lab = lena.memberships.get().lab
    project = lab.projects.get(title="Split Learning on Battery-Limited Devices")
    figure = default_storage.save("posts/rounds.png", png(900, 450, (20, 90, 80), label="rounds"))
    post = f.PostFactory(
        person=lena,
        title="What a year of split learning on phones taught us",
        date=datetime.date(2025, 2, 14),
        excerpt="Battery, memory and the network: notes from deploying sub-model training.",
        body=(
            "We ran sub-model training on forty phones for a year.\n\n"
            f'<img src="{default_storage.url(figure)}" width="900" height="450" '
            'alt="Accuracy against rounds for three device mixes">\n\n'
            "## Battery\n\nThe slice a device trains is chosen by its *battery level*; a "
            "device below 20% sends nothing that round.\n\n"
            "```python\nslice = choose(device.battery, model.layers)\n```\n"
        ),
        tags=["federated learning", "systems", "phones"],
        project=project,
    )
    f.PostFactory(
        person=lena,
        title="Reading group: curvature in wide networks",
        date=datetime.date(2024, 11, 3),
        body="Three papers on damped curvature, and what we took from them.",
        tags=["reading group"],
    )
    f.PostFactory(person=lena, title="Unfinished draft", status="draft", body="Not yet.")
    lab_post = f.PostFactory(
        person=jin,
        lab=lab,
        title="Welcome to our new members",
        date=datetime.date(2025, 1, 8),
        body="Four students joined the lab this winter. Say hello at the Thursday seminar.",
        slug="welcome-2025",
    )
    fresh = f.LabFactory(
        slug="fresh",
        name="Coastal Acoustics Group",
        tagline="Listening to the ocean's edge.",
        institution="Harrowgate University",
        site__domain="fresh.localhost",
    )
    founder = f.PersonFactory(name="Marisol Okafor", position="Assistant Professor")
    f.MembershipFactory(person=founder, lab=fresh, role=Role.PI, title="Assistant Professor")
    return {
        **urls,
        "lab_posts": "/posts/",
        "person_posts": f"{lena.get_absolute_url()}posts/",
        "post": post.get_absolute_url(),
        "lab_post": lab_post.get_absolute_url(),
        "search": "/search/?q=battery",
        "search_none": "/search/?q=walrus",
        "new_lab_home": "http://fresh.localhost:{port}/",
    }


@pytest.fixture
def site(transactional_db, live_server) -> dict:
    port = live_server.url.rsplit(":", 1)[1]
    urls = build_posts()
    return {
        name: path.format(port=port) if path.startswith("http") else live_server.url + path
        for name, path in urls.items()
    }


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_post_search_and_new_lab_pages_read_well(
    viewport, scheme, site, browser, axe_source, screenshots
):
    context = browser.new_context(
        viewport=VIEWPORTS[viewport], color_scheme=scheme, reduced_motion="reduce"
    )
    page = context.new_page()
    problems: dict[str, list[str]] = {}
    try:
        for name in [*PAGES, "lab_home"]:
            found = check_page(
                page,
                site[name],
                viewport=viewport,
                axe_source=axe_source,
                screenshot=screenshots / f"{name}-posts-{viewport}-{scheme}.png",
            )
            if found:
                problems[name] = found
    finally:
        context.close()
    assert problems == {}


def test_search_box_in_the_header_finds_a_post_by_its_body(site, browser):
    context = browser.new_context(viewport=VIEWPORTS["phone"])
    page = context.new_page()
    load(page, site["people"])
    box = page.get_by_role("searchbox", name="Search this site")
    box.fill("battery")
    box.press("Enter")
    page.wait_for_url("**/search/?q=battery")
    groups = page.locator(".search-group h2").all_inner_texts()
    links = page.locator("#results-posts ~ ul a, .search-group:has(#results-posts) a")
    assert "Blog posts" in groups
    assert "What a year of split learning on phones taught us" in links.all_inner_texts()
    assert "Unfinished draft" not in page.locator("main").inner_text()
    context.close()
