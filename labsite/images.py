"""Image validation and renditions with Pillow: checked once at upload, resized once at upload."""

from __future__ import annotations

import contextlib
import io
import logging
import math
import os
import uuid
import warnings
from datetime import datetime
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from markdownx import forms as markdownx_forms
from markdownx import views as markdownx_views
from markdownx.exceptions import MarkdownxImageUploadError
from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}
# The limit is LABSITE_MAX_IMAGE_PIXELS, enforced by image_format from the header. Pillow's own
# decompression-bomb guard stays as a backstop for any code that opens an image without it
# (it warns above MAX_IMAGE_PIXELS and refuses above twice that), tied to our limit but set 4×
# above it: Django's form ImageField opens every admin upload with Pillow *before* the model
# field's validators run, and turns Pillow's refusal into "not an image or a corrupted image" —
# our check must be the one that speaks, naming the limit. (Pillow's default guard, 89
# megapixels, let a 49-megapixel photo through at 250-450 MB per upload.)
logger = logging.getLogger(__name__)

Image.MAX_IMAGE_PIXELS = 4 * settings.LABSITE_MAX_IMAGE_PIXELS
#: EXIF orientations that turn the picture a quarter: width and height swap on display.
_QUARTER_TURNS = {5, 6, 7, 8}
#: The extension a stored image is given for each allowed format, and the ones it may keep.
FORMAT_EXTENSIONS = {"JPEG": ".jpg", "PNG": ".png", "GIF": ".gif", "WEBP": ".webp"}
IMAGE_EXTENSIONS = frozenset(FORMAT_EXTENSIONS.values()) | {".jpeg"}


def validate_image_file(file) -> None:
    """Raise ``ValidationError`` unless ``file`` is a readable JPEG, PNG, GIF or WebP image.

    Only a new upload is read. A model field's validators also run on every later save of the
    form, with the *stored* file as value: it was checked when it was uploaded, and re-reading it
    here opened (and then sought) a file Django had already closed, so a member with a photo
    could never save their profile again ("Upload a valid image").
    """
    if file is None or not file:
        return
    if getattr(file, "_committed", False):
        return  # a FieldFile already in storage: validated at upload
    image_format(file)


def image_format(file) -> str:
    """``file``'s format (``"PNG"``…) once it is known to be a readable image of a sane size.

    The one check every upload goes through (avatars and figures through their fields'
    validator, markdownx through :class:`ImageUploadForm`, the importer through the validator):
    the format is what Pillow reads in the file, never the browser's content type or the name.

    Raises ``ValidationError`` for a file over ``LABSITE_MAX_IMAGE_BYTES``, a file Pillow cannot
    read, a format outside JPEG/PNG/GIF/WebP, or more than ``LABSITE_MAX_IMAGE_PIXELS`` pixels
    (refused from its header, before any pixel is decoded: decoding is what costs memory).
    """
    size = getattr(file, "size", None)
    if size is not None and size > settings.LABSITE_MAX_IMAGE_BYTES:
        limit = settings.LABSITE_MAX_IMAGE_BYTES // (1024 * 1024)
        raise ValidationError(f"This image is larger than {limit} MB.", code="too_large")
    try:
        position = file.tell()
    except (AttributeError, OSError, ValueError):
        position = None
    max_pixels = settings.LABSITE_MAX_IMAGE_PIXELS
    too_many = too_many_pixels(max_pixels)
    try:
        file.seek(0)
        with warnings.catch_warnings():
            # Our check below refuses first and names the size; Pillow's backstop warning (if
            # settings raised our limit past it) is not a reason to refuse.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(file) as image:
                fmt = image.format
                width, height = image.size
                if width * height > max_pixels:
                    raise too_many_pixels(max_pixels, (width, height))
                image.verify()
    except ValidationError:
        raise
    except Image.DecompressionBombError as exc:
        raise too_many from exc
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise ValidationError(
            "This file is not an image that can be read (JPEG, PNG, GIF or WebP).",
            code="invalid_image",
        ) from exc
    finally:
        if position is not None:
            file.seek(position)
    if fmt not in ALLOWED_FORMATS:
        raise ValidationError(
            f"Images must be JPEG, PNG, GIF or WebP, not {fmt}.", code="invalid_format"
        )
    return fmt


def too_many_pixels(max_pixels: int, size: tuple[int, int] | None = None) -> ValidationError:
    """The refusal of an image over the pixel limit, naming its size when the header gave it."""
    limit = f"{max_pixels / 1_000_000:g} megapixels"
    found = f" is {size[0]} × {size[1]} pixels, which" if size else ""
    return ValidationError(
        f"This image{found} is over the limit of {limit}. "
        "Make it smaller (for example 6000 × 4000 pixels or less) and upload it again.",
        code="too_many_pixels",
    )


class ImageUploadForm(markdownx_forms.ImageForm):
    """markdownx's drag-and-drop upload, checked like every other image.

    markdownx trusts the browser's content type (it picks the format it re-encodes to from that
    header, and stores a "GIF" untouched), keeps the uploaded name's extension (``x.html``), and
    decodes the whole image to resize it. Here the one check, :func:`image_format`, reads the
    file; the stored name's extension comes from the format Pillow found; the copy is made by
    :func:`make_rendition` (reduced while decoding); and the folder's date pattern
    (``MARKDOWNX_MEDIA_PATH``, e.g. ``uploads/%Y/%m/``) is filled in at upload time —
    markdownx joins it to the name as a literal.
    """

    def clean(self):
        upload = self.cleaned_data.get("image")
        if not upload:
            raise MarkdownxImageUploadError.not_uploaded()
        self.detected_format = image_format(upload)
        return upload

    def save(self, commit: bool = True):
        upload = self.files["image"]
        content = upload
        if self.detected_format != "GIF":  # GIFs stay as they are: animations survive
            max_width, max_height = settings.MARKDOWNX_IMAGE_MAX_SIZE["size"]
            content = make_rendition(upload, max_width, max_height) or upload
        ext = os.path.splitext(content.name)[1] if content is not upload else None
        name = self.get_unique_file_name(ext or FORMAT_EXTENSIONS[self.detected_format])
        return self._save(content, name, commit)

    def _save(self, image, file_name: str, commit: bool):
        """The stored file's URL; without ``commit``, ``(path, image)`` as markdownx returns."""
        path = upload_folder() + file_name
        if commit:
            return default_storage.url(default_storage.save(path, image))
        return UnsavedImage(path=path, image=image)

    def get_unique_file_name(self, ext: str) -> str:
        return f"{uuid.uuid4().hex}{ext}"


class UnsavedImage(NamedTuple):
    path: str
    image: object


def upload_folder(now: datetime | None = None) -> str:
    """``MARKDOWNX_MEDIA_PATH`` with its date pattern filled in: ``uploads/2026/12/``."""
    folder = (now or timezone.now()).strftime(settings.MARKDOWNX_MEDIA_PATH)
    return folder if folder.endswith("/") else folder + "/"


class ImageUploadView(markdownx_views.ImageUploadView):
    form_class = ImageUploadForm


def make_rendition(file, max_width: int, max_height: int | None = None) -> ContentFile | None:
    """A resized copy of ``file`` at most ``max_width`` wide, or ``None`` if it is small enough.

    PNG and GIF stay PNG (they carry transparency and line art); everything else becomes JPEG.
    A stored file (a ``FieldFile``) that Django has closed since it was saved is opened again.

    Memory stays bounded: the size is read from the header (a small image is never decoded), and
    the JPEG decoder is asked for a reduced scale (``draft``: 1/2, 1/4 or 1/8 while decoding),
    and ``thumbnail`` shrinks other formats by an integer ``reduce`` before the fine resampling:
    a 24-megapixel JPEG never exists in memory at full size. (A PNG must be decoded whole: its
    cost is bounded by ``LABSITE_MAX_IMAGE_PIXELS``, about 4 bytes a pixel.)
    """
    reopened = getattr(file, "closed", False)
    if reopened:
        file.open("rb")
    try:
        return _rendition(file, max_width, max_height)
    finally:
        if reopened:
            file.close()  # as it was: open file handles are not ours to leave behind


def _rendition(file, max_width: int, max_height: int | None) -> ContentFile | None:
    file.seek(0)
    with Image.open(file) as image:
        width, height = image.size
        max_height = max_height or max_width * 4
        if width <= max_width and height <= max_height:
            return None
        fmt = image.format
        # The copy is saved without EXIF, so a phone photo is turned upright (browsers show the
        # original by its EXIF orientation; the rendition must look the same). Turning comes
        # after shrinking, so the box is turned with it.
        turned = image.getexif().get(ExifTags.Base.Orientation, 1) in _QUARTER_TURNS
        box = (max_height, max_width) if turned else (max_width, max_height)
        # ``thumbnail`` asks ``draft`` for twice the *box*, which for a tall box such as a
        # figure's (1200 × 4800) is taller than the photo: no reduction at all. Asked for the
        # size the copy will really have, the JPEG decoder scales by 1/2, 1/4 or 1/8 and never
        # goes below it (other formats ignore ``draft``; ``thumbnail`` then ``reduce``s them).
        scale = min(box[0] / width, box[1] / height)
        image.draft(None, (math.ceil(width * scale), math.ceil(height * scale)))
        image.thumbnail(box, Image.Resampling.LANCZOS)
        copy = ImageOps.exif_transpose(image)
    out = io.BytesIO()
    if fmt in {"PNG", "GIF"}:
        if copy.mode not in {"RGB", "RGBA", "L", "LA", "P"}:
            copy = copy.convert("RGBA")
        copy.save(out, format="PNG", optimize=True)
        ext = "png"
    else:
        if copy.mode not in {"RGB", "L"}:
            copy = copy.convert("RGB")
        copy.save(out, format="JPEG", quality=85, optimize=True, progressive=True)
        ext = "jpg"
    file.seek(0)
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex[:12]}.{ext}")


def needs_rendition(width: int | None, height: int | None, max_width: int, max_height: int) -> bool:
    """Would an image of this stored size get a smaller copy? (Read from the size fields, so
    deciding costs no file read.)"""
    if not width or not height:
        return True  # size unknown: let make_rendition read it
    return width > max_width or height > max_height


@deconstructible
class UploadTo:
    """``<prefix>/<yyyy>/<random>.<ext>``: upload names never collide or leak the original path."""

    def __init__(self, prefix: str):
        self.prefix = prefix

    def __call__(self, instance, filename: str) -> str:
        # A valid PNG called "me.html" or "me.svg" passes the image check; stored under that
        # name, the media server (or bucket) would send it as a page or an SVG, scripts and all.
        # A PNG called "me.jpg" would be served as a JPEG. The extension comes from what Pillow
        # finds; the name's only counts when there is no new file to read.
        ext = self.detected_extension(instance)
        if ext is None:
            ext = os.path.splitext(filename)[1].lower()
            ext = ext if ext in IMAGE_EXTENSIONS else ".bin"
        return f"{self.prefix}/{timezone.now():%Y}/{uuid.uuid4().hex[:16]}{ext}"

    def detected_extension(self, instance) -> str | None:
        """The extension of the image being saved into this field of ``instance``: ``.bin``
        when it is not one of the allowed images (served as a download, never rendered),
        ``None`` when there is no new file to read."""
        from django.db.models import FileField

        for field in instance._meta.concrete_fields:
            if isinstance(field, FileField) and field.upload_to == self:
                upload = getattr(instance, field.attname)
                if upload and not upload._committed:
                    try:
                        return FORMAT_EXTENSIONS[image_format(upload.file)]
                    except ValidationError:
                        return ".bin"
        return None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, UploadTo) and other.prefix == self.prefix


# --- responsive renditions ----------------------------------------------------------------------
#
# Each avatar and figure gets, once when its image is saved, WebP copies at a few widths. Pages
# list them in ``srcset`` (inside ``<picture>``, the original format's copy as ``<img src>`` for a
# browser without WebP), and ``sizes`` says how wide the image is shown, so the browser picks the
# smallest copy at least as wide as the displayed size × devicePixelRatio. Consecutive widths are
# at most 2× apart, so the copy downloaded is never more than twice the size shown.

#: Widths of an avatar's copies: shown at 4.5rem (lists), 6.5rem and 10rem (member page), at
#: device-pixel ratios 1 to 3.
AVATAR_WIDTHS = (80, 160, 320, 480)
#: Widths of a figure's copies: cards (about 20rem) up to a full column at DPR 2.
FIGURE_WIDTHS = (320, 640, 960, 1280, 1600, 2000)
WEBP_QUALITY = 80


def make_renditions(file, widths: tuple[int, ...], prefix: str) -> list[dict]:
    """Store WebP copies of ``file`` at each of ``widths`` narrower than it (and one at its own
    width when that is below the largest), and return them as ``{"name", "width", "height"}``
    rows, narrowest first. ``[]`` for an animated image (a still copy would lose it: it is shown
    as it is) or one Pillow cannot read. Files go through the default storage (disk or bucket).
    """
    reopened = getattr(file, "closed", False)
    try:
        if reopened:
            file.open("rb")
        file.seek(0)
        with Image.open(file) as image:
            if getattr(image, "n_frames", 1) > 1:
                return []
            # Drawings, screenshots and plots come as PNG (or GIF): lossless WebP keeps them
            # sharp and is often the smaller; photographs (JPEG, WebP) are encoded lossy.
            lossless = image.format in {"PNG", "GIF"}
            width, height = image.size
            turned = image.getexif().get(ExifTags.Base.Orientation, 1) in _QUARTER_TURNS
            shown_width = height if turned else width
            targets = [w for w in widths if w < shown_width]
            if shown_width <= widths[-1]:
                targets.append(shown_width)
            # Decoding once at the size of the widest copy (JPEG's draft scales while decoding);
            # each copy is made from that one upright picture.
            widest = max(targets)
            scale = widest / shown_width
            image.draft(None, (math.ceil(width * scale), math.ceil(height * scale)))
            upright = ImageOps.exif_transpose(image)
            if upright.mode not in {"RGB", "RGBA", "L", "LA"}:
                has_alpha = "transparency" in upright.info or upright.mode in {"PA", "RGBa"}
                upright = upright.convert("RGBA" if has_alpha else "RGB")
            upright.load()
    except Exception:  # noqa: BLE001 - unreadable or missing (disk or bucket): shown as it is
        logger.warning("No renditions for %s: the image could not be read", file, exc_info=True)
        return []
    finally:
        with contextlib.suppress(Exception):  # a file that never opened has nothing to undo
            if reopened:
                file.close()  # as it was
            else:
                file.seek(0)
    stem = f"{prefix}/{timezone.now():%Y}/{uuid.uuid4().hex[:16]}"
    made: list[dict] = []
    try:
        for target in sorted(set(targets)):
            copy = upright
            if target < upright.width:
                target_height = max(1, round(upright.height * target / upright.width))
                copy = upright.resize((target, target_height), Image.Resampling.LANCZOS)
            content = _webp(copy, lossless=False)
            if lossless:  # a shrunk drawing gains grey edges: lossless is then often larger
                content = min(content, _webp(copy, lossless=True), key=len)
            name = default_storage.save(f"{stem}-{copy.width}.webp", ContentFile(content))
            made.append({"height": copy.height, "name": name, "width": copy.width})  # sorted keys
    except BaseException:
        delete_renditions(made)  # none half-made: the caller's row never names a missing file
        raise
    return made


def _webp(image: Image.Image, *, lossless: bool) -> bytes:
    out = io.BytesIO()
    if lossless:
        image.save(out, format="WEBP", lossless=True, quality=80, method=4)
    else:
        image.save(out, format="WEBP", quality=WEBP_QUALITY, method=4)
    return out.getvalue()


def delete_renditions(renditions: list[dict]) -> None:
    """Remove stored copies no row names any more (a missing one is already gone)."""
    for rendition in renditions or ():
        name = rendition.get("name") if isinstance(rendition, dict) else None
        if name:
            with contextlib.suppress(OSError):
                default_storage.delete(name)


def srcset(renditions: list[dict]) -> str:
    """``url 320w, url 640w`` for a ``srcset`` attribute (URLs from the default storage)."""
    return ", ".join(
        f"{default_storage.url(r['name'])} {r['width']}w"
        for r in renditions or ()
        if isinstance(r, dict) and r.get("name") and r.get("width")
    )
