"""Uploads that pretend: SVG or HTML named as images, image/HTML polyglots, decompression
bombs, dangerous names. What tests/test_models.py and tests/test_anonymous_writes.py already
cover (a PDF named .png, bombs through the validator, a BMP, a GIF named .html through
markdownx) is not repeated here.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image, ImageDraw

from labsite.images import validate_image_file
from tests import factories as f
from tests.admin_forms import change_form_data

SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10" '
    b'onload="alert(1)"><script>alert(1)</script><rect width="10" height="10"/></svg>'
)
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"


def image_bytes(size=(8, 8), fmt="PNG", mode="RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size).save(out, format=fmt)
    return out.getvalue()


def polyglot(fmt: str = "GIF") -> bytes:
    """A real image with an HTML page after its last byte: Pillow reads it, a browser told it is
    ``text/html`` runs it."""
    return image_bytes(fmt=fmt, mode="P" if fmt == "GIF" else "RGB") + HTML


def media_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


DISGUISES = [
    pytest.param("logo.png", SVG, id="svg-named-png"),
    pytest.param("logo.svg", SVG, id="svg"),
    pytest.param("photo.jpg", HTML, id="html-named-jpg"),
    pytest.param("photo.gif", b"GIF89a" + HTML, id="gif-magic-then-html"),
    pytest.param("photo.png", b"\x89PNG\r\n\x1a\n" + HTML, id="png-magic-then-html"),
    pytest.param("photo.webp", b"RIFF\x10\x00\x00\x00WEBPVP8 " + HTML, id="webp-magic-then-html"),
]


@pytest.mark.parametrize(("name", "content"), DISGUISES)
def test_validator_refuses_things_that_are_not_images(name, content):
    with pytest.raises(ValidationError) as error:
        validate_image_file(SimpleUploadedFile(name, content))
    assert error.value.code == "invalid_image"


@pytest.mark.parametrize(("name", "content"), DISGUISES)
def test_avatar_field_refuses_things_that_are_not_images(db, name, content):
    person = f.PersonFactory()
    person.avatar = SimpleUploadedFile(name, content)
    with pytest.raises(ValidationError) as error:
        person.full_clean()
    assert list(error.value.message_dict) == ["avatar"]


@pytest.fixture
def staff(client, alice):
    client.force_login(alice.user)
    return client


def upload(client, name: str, content: bytes, content_type: str):
    return client.post(
        reverse("markdownx_upload"),
        {"image": SimpleUploadedFile(name, content, content_type=content_type)},
        HTTP_X_REQUESTED_WITH="XMLHttpRequest",
    )


@pytest.mark.parametrize(("name", "content"), DISGUISES)
@pytest.mark.parametrize("content_type", ["image/png", "image/svg+xml", "text/html"])
def test_markdownx_upload_refuses_things_that_are_not_images(staff, name, content, content_type):
    response = upload(staff, name, content, content_type)
    assert response.status_code == 400
    assert media_files() == []


@pytest.mark.parametrize("size", [(8000, 7500), (100_000, 1000)], ids=["60-megapixels", "wide"])
def test_markdownx_upload_refuses_a_decompression_bomb(staff, size):
    bomb = image_bytes(size, mode="1")
    assert len(bomb) < 2_000_000
    response = upload(staff, "bomb.png", bomb, "image/png")
    assert response.status_code == 400
    assert media_files() == []


def test_markdownx_upload_refuses_a_file_over_the_byte_limit(staff, settings):
    settings.LABSITE_MAX_IMAGE_BYTES = 1000
    settings.MARKDOWNX_UPLOAD_MAX_SIZE = 10**9  # markdownx's own check out of the way
    response = upload(staff, "big.png", image_bytes((200, 200)) + b"\0" * 2000, "image/png")
    assert response.status_code == 400
    assert media_files() == []


@pytest.mark.parametrize(
    ("name", "fmt", "suffix"),
    [
        ("x.html", "GIF", ".gif"),
        ("x.svg", "PNG", ".png"),
        ("x.php", "JPEG", ".jpg"),
        ("x.png.html", "PNG", ".png"),
        ("x", "WEBP", ".webp"),
    ],
)
def test_markdownx_upload_of_a_polyglot_is_stored_as_its_image_type(staff, name, fmt, suffix):
    response = upload(staff, name, polyglot(fmt), "image/png")
    assert response.status_code == 200
    [stored] = media_files()
    assert stored.suffix == suffix
    assert stored.name.count(".") == 1


@pytest.mark.parametrize(
    ("name", "fmt", "suffix"),
    [
        ("me.html", "PNG", ".png"),
        ("me.svg", "PNG", ".png"),
        ("me.htm", "JPEG", ".jpg"),
        ("me.xhtml", "GIF", ".gif"),
        ("me.php", "WEBP", ".webp"),
        ("me", "PNG", ".png"),
        ("me.JPEG", "JPEG", ".jpg"),
        ("me.png", "GIF", ".gif"),  # the format found names it, whatever the name says
    ],
)
def test_avatar_stored_name_never_keeps_a_dangerous_extension(db, name, fmt, suffix):
    person = f.PersonFactory()
    content = polyglot(fmt) if fmt == "GIF" else image_bytes(fmt=fmt)
    person.avatar = SimpleUploadedFile(name, content)
    person.full_clean()
    person.save()
    stored = Path(person.avatar.path)
    assert stored.suffix == suffix
    assert stored.name.count(".") == 1


def test_figure_stored_names_never_keep_a_dangerous_extension(lab_a):
    figure = f.FigureFactory(project=f.ProjectFactory(lab=lab_a))
    figure.image = SimpleUploadedFile("plot.html", image_bytes((2400, 1000), fmt="JPEG"))
    figure.full_clean()
    figure.save()
    suffixes = sorted(p.suffix for p in media_files())
    # the original and its web rendition; the srcset copies (320-2000 px) are always WebP
    assert suffixes == [".jpg", ".jpg", *[".webp"] * 6]


def test_a_wide_but_small_image_is_accepted_and_resized(lab_a):
    """Not every large dimension is a bomb: a 20000×20 strip is 400 k pixels."""
    figure = f.FigureFactory(project=f.ProjectFactory(lab=lab_a))
    figure.image = SimpleUploadedFile("strip.png", image_bytes((20_000, 20)))
    figure.full_clean()
    figure.save()
    assert (figure.width, figure.height) == (20_000, 20)
    assert figure.rendition_width is not None and figure.rendition_width < 20_000


# --- Pixel limit, one check for every upload path, memory per upload (issue 8, item 7) -------

LIMIT_MESSAGE = (
    "This image is 7000 × 7000 pixels, which is over the limit of 24 megapixels. Make it "
    "smaller (for example 6000 × 4000 pixels or less) and upload it again."
)


def striped(size: tuple[int, int], fmt: str, mode: str = "RGB") -> bytes:
    """A flat image with stripes: decodes to its full size, compresses to a small file."""
    image = Image.new(mode, size, 90 if mode == "L" else (30, 90, 160))
    draw = ImageDraw.Draw(image)
    for x in range(0, size[0], 400):
        draw.rectangle([x, 0, x + 200, size[1]], fill=200 if mode == "L" else (200, 120, 40))
    out = io.BytesIO()
    image.save(out, format=fmt)
    return out.getvalue()


@pytest.fixture(scope="module")
def big_images(tmp_path_factory) -> dict[str, Path]:
    """Just under the 24-megapixel limit as JPEG and PNG, and a 49-megapixel JPEG."""
    folder = tmp_path_factory.mktemp("big-images")
    images = {
        "24mp.jpg": striped((5990, 4000), "JPEG"),
        "24mp.png": striped((5990, 4000), "PNG"),
        "49mp.jpg": striped((7000, 7000), "JPEG", mode="L"),
    }
    for name, content in images.items():
        (folder / name).write_bytes(content)
    return {name: folder / name for name in images}


def test_the_pixel_limit_is_the_setting_and_pillows_guard_a_backstop_above_it():
    assert settings.LABSITE_MAX_IMAGE_PIXELS == 24_000_000
    assert Image.MAX_IMAGE_PIXELS == 4 * 24_000_000


def test_a_49_megapixel_photo_is_refused_with_its_size(big_images):
    upload = SimpleUploadedFile("camera.jpg", big_images["49mp.jpg"].read_bytes())
    with pytest.raises(ValidationError) as error:
        validate_image_file(upload)
    assert error.value.messages == [LIMIT_MESSAGE]


def test_the_limit_follows_the_setting(settings):
    settings.LABSITE_MAX_IMAGE_PIXELS = 10_000
    validate_image_file(SimpleUploadedFile("ok.png", image_bytes((100, 100))))
    with pytest.raises(ValidationError) as error:
        validate_image_file(SimpleUploadedFile("big.png", image_bytes((101, 100))))
    assert error.value.messages == [
        "This image is 101 × 100 pixels, which is over the limit of 0.01 megapixels. Make it "
        "smaller (for example 6000 × 4000 pixels or less) and upload it again."
    ]


def test_markdownx_upload_folder_has_the_date_filled_in(staff):
    response = upload(staff, "plot.png", image_bytes((40, 30)), "image/png")
    assert response.status_code == 200
    [stored] = media_files()
    relative = stored.relative_to(settings.MEDIA_ROOT)
    now = timezone.now()
    assert relative.parent == Path(f"uploads/{now:%Y}/{now:%m}")
    assert re.fullmatch(r"[0-9a-f]{32}\.png", relative.name)
    assert response.json() == {"image_code": f"![](/media/{relative.as_posix()})"}


def test_markdownx_upload_of_a_png_named_jpg_is_stored_as_png(staff):
    response = upload(staff, "photo.jpg", image_bytes((40, 30)), "image/jpeg")
    assert response.status_code == 200
    [stored] = media_files()
    assert stored.suffix == ".png"
    with Image.open(stored) as image:
        assert (image.format, image.size) == ("PNG", (40, 30))


def test_markdownx_upload_checks_content_not_the_browsers_header(staff):
    """A real JPEG sent as application/octet-stream is a JPEG; the header decides nothing."""
    response = upload(staff, "scan", image_bytes((40, 30), fmt="JPEG"), "application/octet-stream")
    assert response.status_code == 200
    [stored] = media_files()
    assert stored.suffix == ".jpg"


def test_markdownx_upload_is_resized_by_the_format_found(staff):
    """A large PNG sent as image/jpeg is resized and stays PNG (markdownx re-encoded it as the
    header's format and kept the name's extension)."""
    response = upload(staff, "wide.jpg", image_bytes((3200, 800)), "image/jpeg")
    assert response.status_code == 200
    [stored] = media_files()
    with Image.open(stored) as image:
        assert (stored.suffix, image.format, image.size) == (".png", "PNG", (1600, 400))


def test_markdownx_upload_over_the_pixel_limit_is_refused_with_a_message(staff, big_images):
    response = upload(staff, "camera.jpg", big_images["49mp.jpg"].read_bytes(), "image/jpeg")
    assert response.status_code == 400
    assert response.json() == {"__all__": [LIMIT_MESSAGE]}
    assert media_files() == []


def test_markdownx_upload_is_for_staff_only(client, alice):
    response = client.post(
        reverse("markdownx_upload"),
        {"image": SimpleUploadedFile("x.png", image_bytes(), content_type="image/png")},
        HTTP_X_REQUESTED_WITH="XMLHttpRequest",
    )
    assert (response.status_code, media_files()) == (302, [])


def person_url(person) -> str:
    return f"/admin/people/person/{person.pk}/change/"


def post_avatar(client, member, name: str, content: bytes, content_type: str):
    client.force_login(member.user)
    data = change_form_data(client.get(person_url(member.person)))
    data["avatar"] = SimpleUploadedFile(name, content, content_type=content_type)
    return client.post(person_url(member.person), data)


def project_url(project) -> str:
    return f"/admin/research/project/{project.pk}/change/"


def post_figure(client, member, name: str, content: bytes, content_type: str):
    client.force_login(member.user)
    data = change_form_data(client.get(project_url(member.project)))
    data["figures-TOTAL_FORMS"] = "1"  # one new figure row, as "Add another figure" makes
    data["figures-0-order"] = "0"
    data["figures-0-image"] = SimpleUploadedFile(name, content, content_type=content_type)
    data["figures-0-alt_text"] = "A plot of the results"
    return client.post(project_url(member.project), data)


def test_admin_avatar_over_the_pixel_limit_is_refused_and_nothing_stored(client, alice, big_images):
    response = post_avatar(
        client, alice, "me.jpg", big_images["49mp.jpg"].read_bytes(), "image/jpeg"
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["avatar"] == [LIMIT_MESSAGE]
    alice.person.refresh_from_db()
    assert (alice.person.avatar.name, media_files()) == ("", [])


def test_admin_figure_over_the_pixel_limit_is_refused_and_nothing_stored(client, alice, big_images):
    response = post_figure(
        client, alice, "fig.jpg", big_images["49mp.jpg"].read_bytes(), "image/jpeg"
    )
    assert response.status_code == 200
    [figure_form] = [
        form for form in response.context["inline_admin_formsets"][1].formset.forms if form.errors
    ]
    assert figure_form.errors == {"image": [LIMIT_MESSAGE]}
    assert (alice.project.figures.count(), media_files()) == (0, [])


@pytest.mark.parametrize(("name", "content"), DISGUISES)
def test_admin_avatar_refuses_svg_and_html(client, alice, name, content):
    response = post_avatar(client, alice, name, content, "image/svg+xml")
    assert response.status_code == 200
    # Django's form ImageField reads the file with Pillow before the model's validator does.
    assert response.context["adminform"].form.errors["avatar"] == [
        "Upload a valid image. The file you uploaded was either not an image or a corrupted image."
    ]
    assert media_files() == []


@pytest.mark.parametrize(("name", "content"), DISGUISES[:3])
def test_admin_figure_refuses_svg_and_html(client, alice, name, content):
    response = post_figure(client, alice, name, content, "text/html")
    assert response.status_code == 200
    assert (alice.project.figures.count(), media_files()) == (0, [])


def test_admin_avatar_png_named_jpg_is_stored_as_png(client, alice):
    response = post_avatar(client, alice, "me.jpg", image_bytes((900, 700)), "image/jpeg")
    assert response.status_code == 302
    alice.person.refresh_from_db()
    assert Path(alice.person.avatar.name).suffix == ".png"
    with Image.open(alice.person.avatar.path) as image:
        assert image.format == "PNG"


def test_admin_figure_png_named_jpg_is_stored_as_png(client, alice):
    response = post_figure(client, alice, "plot.jpg", image_bytes((2400, 600)), "image/jpeg")
    assert response.status_code == 302
    [figure] = alice.project.figures.all()
    assert (Path(figure.image.name).suffix, Path(figure.rendition.name).suffix) == (".png", ".png")
    assert (figure.rendition_width, figure.rendition_height) == (1200, 300)


MEMORY_PROBE = r"""
import json, sys
import django
django.setup()
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from labsite.images import ImageUploadForm, make_rendition, validate_image_file

def status_kb(field):
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field):
                return int(line.split()[1])

path, route = sys.argv[1], sys.argv[2]
with open(path, "rb") as source:
    upload = SimpleUploadedFile("upload.jpg", source.read(), content_type="image/jpeg")
with open("/proc/self/clear_refs", "w") as refs:
    refs.write("5")  # the peak resident size starts again from what the process holds now
before = status_kb("VmRSS:")
if route == "markdownx":  # what /markdownx/upload/ runs: the check, then the resized copy
    form = ImageUploadForm(files={"image": upload})
    accepted = form.is_valid() and bool(form.save())
else:  # what saving a figure runs: the field's validator, then the web rendition
    try:
        validate_image_file(upload)
        accepted = make_rendition(upload, 1200) is not None
    except ValidationError:
        accepted = False
print(json.dumps({"accepted": accepted, "peak_mb": (status_kb("VmHWM:") - before) / 1024}))
"""


def upload_memory(path: Path, route: str, media_root: Path) -> dict:
    """Peak memory of one upload, measured in a fresh process from its peak resident size.

    tracemalloc cannot see it: Pillow allocates decoded pixels with C ``malloc``, outside
    Python's allocator. A fresh process has no freed heap to reuse, so the peak is real.
    """
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "labsite.settings",
        "LABSITE_TESTING": "1",
        "MEDIA_ROOT": str(media_root),
        "PYTHONPATH": str(settings.BASE_DIR),
    }
    result = subprocess.run(
        [sys.executable, "-c", MEMORY_PROBE, str(path), route],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(result.stdout)


@pytest.mark.parametrize(
    ("image", "route", "accepted", "max_mb"),
    [
        # JPEG is decoded at 1/2 or 1/4 scale (draft): a fraction of its 96 MB full size.
        ("24mp.jpg", "figure", True, 40),
        ("24mp.jpg", "markdownx", True, 64),
        # PNG is decoded whole: about 4 bytes a pixel, bounded by the pixel limit.
        ("24mp.png", "figure", True, 160),
        ("24mp.png", "markdownx", True, 160),
        # Refused from its header: no pixel decoded (it cost 454 MB before the limit).
        ("49mp.jpg", "figure", False, 4),
        ("49mp.jpg", "markdownx", False, 4),
    ],
)
def test_memory_per_upload_is_bounded(big_images, tmp_path, image, route, accepted, max_mb):
    measured = upload_memory(big_images[image], route, tmp_path / "media")
    print(f"{image} via {route}: peak {measured['peak_mb']:.1f} MB")
    assert measured["accepted"] is accepted
    assert measured["peak_mb"] < max_mb
