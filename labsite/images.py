"""Image validation and renditions with Pillow: checked once at upload, resized once at upload."""

from __future__ import annotations

import io
import os
import uuid
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.deconstruct import deconstructible
from markdownx import forms as markdownx_forms
from markdownx import views as markdownx_views
from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}
# Decompression bombs: refuse anything over ~50 megapixels before decoding it.
MAX_PIXELS = 50_000_000
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

    Raises ``ValidationError`` for a file over ``LABSITE_MAX_IMAGE_BYTES``, a file Pillow cannot
    read, a format outside JPEG/PNG/GIF/WebP, or more than ``MAX_PIXELS`` pixels (a decompression
    bomb: refused from its header, before any pixel is decoded).
    """
    size = getattr(file, "size", None)
    if size is not None and size > settings.LABSITE_MAX_IMAGE_BYTES:
        limit = settings.LABSITE_MAX_IMAGE_BYTES // (1024 * 1024)
        raise ValidationError(f"This image is larger than {limit} MB.", code="too_large")
    try:
        position = file.tell()
    except (AttributeError, OSError, ValueError):
        position = None
    too_many = ValidationError("This image has too many pixels.", code="too_many_pixels")
    try:
        file.seek(0)
        with warnings.catch_warnings():
            # Pillow only warns between its own limit and twice that; refuse those too.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file) as image:
                fmt = image.format
                width, height = image.size
                if width * height > MAX_PIXELS:
                    raise too_many
                image.verify()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
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


class ImageUploadForm(markdownx_forms.ImageForm):
    """markdownx's drag-and-drop upload, checked like every other image.

    markdownx trusts the browser's content type and keeps the uploaded name's extension (a GIF
    it stores untouched could be called ``x.html``). Here Pillow must read the file, and the
    stored name's extension comes from the format Pillow found.
    """

    def clean(self):
        upload = super().clean()
        self.detected_format = image_format(upload)
        return upload

    def get_unique_file_name(self, file_name: str) -> str:
        ext = {"JPEG": "jpg"}.get(self.detected_format, self.detected_format.lower())
        return f"{uuid.uuid4()}.{ext}"


class ImageUploadView(markdownx_views.ImageUploadView):
    form_class = ImageUploadForm


def make_rendition(file, max_width: int, max_height: int | None = None) -> ContentFile | None:
    """A resized copy of ``file`` at most ``max_width`` wide, or ``None`` if it is small enough.

    PNG and GIF stay PNG (they carry transparency and line art); everything else becomes JPEG.
    A stored file (a ``FieldFile``) that Django has closed since it was saved is opened again.
    """
    if getattr(file, "closed", False):
        file.open("rb")
    file.seek(0)
    with Image.open(file) as image:
        image.load()
        width, height = image.size
        max_height = max_height or max_width * 4
        if width <= max_width and height <= max_height:
            return None
        fmt = image.format
        # The copy is saved without EXIF, so turn a phone photo upright first (browsers show the
        # original by its EXIF orientation; the rendition must look the same).
        copy = ImageOps.exif_transpose(image)
    copy.thumbnail((max_width, max_height), Image.Resampling.LANCZOS)
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
        from django.utils import timezone

        ext = os.path.splitext(filename)[1].lower()
        if ext not in IMAGE_EXTENSIONS:
            # A valid PNG called "me.html" or "me.svg" passes the image check; stored under that
            # name, the media server (or bucket) would send it as a page or an SVG, scripts and
            # all. The extension comes from what Pillow finds instead.
            ext = self.detected_extension(instance)
        return f"{self.prefix}/{timezone.now():%Y}/{uuid.uuid4().hex[:16]}{ext}"

    def detected_extension(self, instance) -> str:
        """The extension of the image being saved into this field of ``instance`` (``.bin``
        when it is not one of the allowed images: served as a download, never rendered)."""
        from django.db.models import FileField

        for field in instance._meta.concrete_fields:
            if isinstance(field, FileField) and field.upload_to == self:
                upload = getattr(instance, field.attname)
                if upload and not upload._committed:
                    try:
                        return FORMAT_EXTENSIONS[image_format(upload.file)]
                    except ValidationError:
                        break
        return ".bin"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, UploadTo) and other.prefix == self.prefix
