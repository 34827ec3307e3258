"""Issue 9 item 6: no page makes the browser download an image more than twice the size shown.

Photographs (large JPEGs, as phones and cameras give them) and drawings (PNG) are stored as
avatars and figures through the models' save, as the admin, the importer and ``setup_demo`` do.
Each page is opened in Chromium at 375 and 1280 px, at devicePixelRatio 1 and 2, scrolled to the
end (lazy images load), and for every ``<img>``:

    naturalWidth of the file downloaded (currentSrc) ≤ 2 × its displayed width in device pixels
    (clientWidth in CSS px × devicePixelRatio),

and the file is a WebP copy from ``srcset``. The bytes of the images downloaded are compared with
those of each ``<img>``'s ``src`` (the original-format file the page showed before renditions,
and still shows a browser without WebP), and printed.
"""

from __future__ import annotations

import io
import random

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from people.models import Role
from tests import factories as f
from tests.browser.conftest import png

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.urls("tests.browser.urls"),
]

VIEWPORTS = {"phone": {"width": 375, "height": 812}, "desktop": {"width": 1280, "height": 900}}


def photo(width: int, height: int, seed: int) -> SimpleUploadedFile:
    """A photograph-like JPEG: smooth colour with grain, which compresses as photos do."""
    from PIL import Image, ImageFilter

    rng = random.Random(seed)
    small = Image.new("RGB", (32, 24))
    small.putdata([tuple(rng.randrange(256) for _ in range(3)) for _ in range(32 * 24)])
    image = small.resize((width, height), Image.Resampling.BICUBIC)
    grain = Image.effect_noise((width, height), 24).convert("RGB")
    image = Image.blend(image, grain, 0.12).filter(ImageFilter.SMOOTH)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=88)
    return SimpleUploadedFile(f"photo{seed}.jpg", buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def pages(db) -> dict[str, str]:
    lab = f.LabFactory(slug="optics", name="Optics Lab", site__domain="localhost", is_default=True)
    members = []
    for i, (name, size) in enumerate(
        [
            ("Ada Brightwater", (2400, 1600)),
            ("Bo Lindqvist", (1200, 1600)),
            ("Cy Okafor", (640, 640)),
        ]
    ):
        person = f.PersonFactory(name=name, avatar=photo(*size, seed=i), position="PhD student")
        f.MembershipFactory(person=person, lab=lab, role=Role.PHD, order=i)
        members.append(person)
    small = f.PersonFactory(name="Dee Small", avatar=png(120, 120, (40, 90, 140), label="d"))
    f.MembershipFactory(person=small, lab=lab, role=Role.POSTDOC)
    project = f.ProjectFactory(lab=lab, title="Imaging", owner=members[0], is_featured=True)
    f.FigureFactory(project=project, image=photo(3200, 1800, seed=9), alt_text="A photo")
    f.FigureFactory(
        project=project,
        image=png(2400, 1200, (30, 70, 110), label="plot"),
        alt_text="A plot",
        display_width=500,
        order=1,
    )
    second = f.ProjectFactory(lab=lab, title="Lenses", is_featured=True, order=1)
    f.FigureFactory(project=second, image=photo(1800, 1200, seed=7), alt_text="A lens")
    return {
        "lab_home": "/",
        "people": "/people/",
        "person": members[0].get_absolute_url(),
        "research": "/research/",
        "project": project.get_absolute_url(),
    }


BOXES = """() => ['.profile img', '.profile h1'].map(
  selector => document.querySelector(selector).getBoundingClientRect().toJSON())"""
MEASURE = """() => Array.from(document.images).map(img => ({
  src: img.getAttribute('src'), current: img.currentSrc, natural: img.naturalWidth,
  shown: img.clientWidth, complete: img.complete, dpr: window.devicePixelRatio }))"""


def test_no_image_is_downloaded_larger_than_twice_its_displayed_size(
    browser, live_server, pages, screenshots
):
    # One test for the four cases: the photos are made and stored once. A new browser context
    # per page: no image comes from the cache of the page before.
    report = []
    for size in VIEWPORTS.values():
        for dpr in (1, 2):
            for label, url in pages.items():
                shot = screenshots / f"images-{label}-{size['width']}.png" if dpr == 1 else None
                count, after, before = measure(
                    browser, live_server.url + url, size, dpr, shot, profile=label == "person"
                )
                report.append((f"{size['width']} px DPR {dpr}", label, count, after, before))
    print("\nimage bytes per page: srcset (now) / img src (before, and without WebP)")
    for case, label, count, after, before in report:
        print(f"  {case:16} {label:10} {count} img {after:>9,} B / {before:>9,} B")
    for case, label, _count, after, before in report:
        assert after < before, f"{case} {label}: the copies weigh more than the originals"


def measure(browser, url: str, size: dict, dpr: int, shot, profile: bool) -> tuple[int, int, int]:
    context = browser.new_context(viewport=size, device_scale_factor=dpr)
    page = context.new_page()
    downloaded: dict[str, int] = {}
    page.on(
        "response",
        lambda r: (
            downloaded.__setitem__(r.url, len(r.body()))
            if r.request.resource_type == "image" and r.ok
            else None
        ),
    )
    where = f"{url} at {size['width']} px, DPR {dpr}"
    try:
        page.goto(url)
        page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        # A function, not an expression: an expression is eval()-ed in the page, which the CSP
        # (no unsafe-eval) refuses whenever the first check finds an image still loading.
        page.wait_for_function("() => Array.from(document.images).every(i => i.complete)")
        images = page.evaluate(MEASURE)
        if profile:
            # Laid out as a plain <img> would be: the photo its CSS size (6.5rem on a phone,
            # 10rem wide), beside or above the name, not pushed aside by the <source>s.
            photo, name = page.evaluate(BOXES)
            assert photo["width"] == (104 if size["width"] < 896 else 160), (where, photo)
            assert photo["x"] <= name["x"], (where, photo, name)
        if shot:
            page.screenshot(path=shot, full_page=True)
        assert images, f"{where}: no image on the page"
        for image in images:
            assert image["natural"] > 0, f"{where}: {image} did not load"
            limit = 2 * image["shown"] * dpr
            assert image["natural"] <= limit, (
                f"{where}: {image['current']} is {image['natural']} px wide, shown at "
                f"{image['shown']} CSS px (limit {limit} device px)"
            )
            assert image["current"].endswith(".webp"), f"{where}: {image}"
        origin = url.split("/", 3)[:3]
        before = sum(
            len(page.request.get("/".join(origin) + src).body())
            for src in {i["src"] for i in images}
        )
        return len(images), sum(downloaded.values()), before
    finally:
        context.close()
