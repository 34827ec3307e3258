"""The WebP ``srcset`` copies of avatars and figures (issue 9 item 6): made once when the image
is saved — by the admin form, the importer and ``setup_demo`` alike — and by ``make_renditions``
for images stored before them."""

from __future__ import annotations

import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from PIL import Image

from labsite.images import AVATAR_WIDTHS, make_renditions
from labsite.management.commands.setup_demo import import_examples
from labsite.setup import ensure_default_lab
from people.models import Person
from research.models import Figure
from tests import factories as f
from tests.browser.conftest import png

pytestmark = pytest.mark.django_db


def jpeg(width: int, height: int, orientation: int | None = None) -> SimpleUploadedFile:
    image = Image.new("RGB", (width, height), (200, 80, 40))
    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif.tobytes())
    return SimpleUploadedFile("p.jpg", buffer.getvalue(), content_type="image/jpeg")


def test_copies_at_each_width_below_the_image_and_one_at_its_own():
    made = make_renditions(png(700, 350, (10, 20, 30)), AVATAR_WIDTHS, "t")
    assert [(r["width"], r["height"]) for r in made] == [
        (80, 40),
        (160, 80),
        (320, 160),
        (480, 240),
    ]
    small = make_renditions(png(120, 90, (10, 20, 30)), AVATAR_WIDTHS, "t")
    assert [(r["width"], r["height"]) for r in small] == [(80, 60), (120, 90)]
    for rendition in made + small:
        with default_storage.open(rendition["name"]) as stored, Image.open(stored) as image:
            assert (image.format, image.width) == ("WEBP", rendition["width"])


def test_a_phone_photo_is_turned_upright():
    # Stored 600 × 400 with "rotate 90°": shown 400 wide and 600 tall, so are the copies.
    made = make_renditions(jpeg(600, 400, orientation=6), AVATAR_WIDTHS, "t")
    assert made[-1]["width"] == 400 and made[-1]["height"] == 600


def test_an_animated_gif_and_an_unreadable_file_get_none():
    frames = [Image.new("RGB", (300, 300), colour) for colour in ("red", "blue")]
    buffer = io.BytesIO()
    frames[0].save(buffer, format="GIF", save_all=True, append_images=frames[1:])
    assert make_renditions(io.BytesIO(buffer.getvalue()), AVATAR_WIDTHS, "t") == []
    assert make_renditions(io.BytesIO(b"not an image"), AVATAR_WIDTHS, "t") == []


def test_a_new_photo_replaces_the_copies_and_the_old_ones_go(django_capture_on_commit_callbacks):
    person = f.PersonFactory(avatar=png(900, 900, (1, 2, 3)))
    old = person.rendition_names()
    assert len(old) == 4 and all(default_storage.exists(n) for n in old)
    person.save()  # an unchanged photo: nothing read, nothing made
    assert person.rendition_names() == old
    with django_capture_on_commit_callbacks(execute=True):
        person.avatar = png(300, 300, (3, 2, 1))
        person.save()
    assert len(person.rendition_names()) == 3  # 80, 160, 300
    assert not any(default_storage.exists(n) for n in old)
    with django_capture_on_commit_callbacks(execute=True):
        names = person.rendition_names()
        person.avatar = None
        person.save()
    assert person.avatar_renditions == [] and not any(default_storage.exists(n) for n in names)


def test_setup_demo_imports_every_image_with_its_copies():
    lab, _ = ensure_default_lab()
    import_examples(lab)
    people = Person.objects.exclude(avatar="")
    figures = Figure.objects.exclude(image="")
    assert people.exists() and figures.exists()
    for row in [*people, *figures]:
        names = row.rendition_names()
        assert names and all(default_storage.exists(n) for n in names), row


def test_make_renditions_gives_older_images_their_copies():
    person = f.PersonFactory(avatar=png(500, 500, (1, 2, 3)))
    figure = f.FigureFactory(image=png(1000, 500, (1, 2, 3)))
    Person.objects.update(avatar_renditions=[])
    Figure.objects.update(image_renditions=[])
    out = io.StringIO()
    call_command("make_renditions", stdout=out)
    assert "for 2 image(s)" in out.getvalue()
    person.refresh_from_db()
    figure.refresh_from_db()
    assert len(person.rendition_names()) == 4 and len(figure.rendition_names()) == 4
    out = io.StringIO()
    call_command("make_renditions", stdout=out)  # a second run has nothing to do
    assert "for 0 image(s)" in out.getvalue()


def test_a_photo_missing_from_storage_does_not_stop_a_save():
    person = f.PersonFactory(avatar=png(500, 500, (1, 2, 3)))
    Person.objects.filter(pk=person.pk).update(avatar_renditions=[])
    person = Person.objects.get(pk=person.pk)
    default_storage.delete(person.avatar.name)
    person.name = "Renamed"
    person.save()  # the copies are tried (none yet) and given up: the profile is saved
    assert Person.objects.get(pk=person.pk).name == "Renamed"


def test_a_photo_replaced_by_code_gets_new_copies(django_capture_on_commit_callbacks):
    person = f.PersonFactory(avatar=png(600, 600, (1, 2, 3)))
    person = Person.objects.get(pk=person.pk)
    old = person.rendition_names()
    person.save()  # unchanged: the same copies, no file read
    assert person.rendition_names() == old
    with django_capture_on_commit_callbacks(execute=True):
        person.avatar.save("other.png", png(200, 200, (9, 9, 9)))  # FieldFile.save saves the row
    fresh = Person.objects.get(pk=person.pk)
    assert [r["width"] for r in fresh.avatar_renditions] == [80, 160, 200]
    assert not any(default_storage.exists(n) for n in old)
