"""Uploads that pretend: SVG or HTML named as images, image/HTML polyglots, decompression
bombs, dangerous names. What tests/test_models.py and tests/test_anonymous_writes.py already
cover (a PDF named .png, bombs through the validator, a BMP, a GIF named .html through
markdownx) is not repeated here.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from labsite.images import validate_image_file
from tests import factories as f

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
        ("me.JPEG", "JPEG", ".jpeg"),
        ("me.png", "GIF", ".png"),  # an image extension is kept: served as an image either way
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
    assert suffixes == [".jpg", ".jpg"]  # the original and its web rendition


def test_a_wide_but_small_image_is_accepted_and_resized(lab_a):
    """Not every large dimension is a bomb: a 20000×20 strip is 400 k pixels."""
    figure = f.FigureFactory(project=f.ProjectFactory(lab=lab_a))
    figure.image = SimpleUploadedFile("strip.png", image_bytes((20_000, 20)))
    figure.full_clean()
    figure.save()
    assert (figure.width, figure.height) == (20_000, 20)
    assert figure.rendition_width is not None and figure.rendition_width < 20_000
