"""Image validation and renditions with Pillow: checked once at upload, resized once at upload."""

from __future__ import annotations

import io
import os
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.deconstruct import deconstructible
from PIL import Image, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}
# Decompression bombs: refuse anything over ~50 megapixels before decoding it.
MAX_PIXELS = 50_000_000


def validate_image_file(file) -> None:
    """Raise ``ValidationError`` unless ``file`` is a readable JPEG, PNG, GIF or WebP image."""
    if file is None:
        return
    size = getattr(file, "size", None)
    if size is not None and size > settings.LABSITE_MAX_IMAGE_BYTES:
        limit = settings.LABSITE_MAX_IMAGE_BYTES // (1024 * 1024)
        raise ValidationError(f"This image is larger than {limit} MB.", code="too_large")
    try:
        position = file.tell()
    except (AttributeError, OSError, ValueError):
        position = None
    try:
        file.seek(0)
        with Image.open(file) as image:
            fmt = image.format
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise ValidationError("This image has too many pixels.", code="too_many_pixels")
            image.verify()
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
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


def make_rendition(file, max_width: int, max_height: int | None = None) -> ContentFile | None:
    """A resized copy of ``file`` at most ``max_width`` wide, or ``None`` if it is small enough.

    PNG and GIF stay PNG (they carry transparency and line art); everything else becomes JPEG.
    """
    file.seek(0)
    with Image.open(file) as image:
        image.load()
        width, height = image.size
        max_height = max_height or max_width * 4
        if width <= max_width and height <= max_height:
            return None
        copy = image.copy()
        fmt = image.format
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


@deconstructible
class UploadTo:
    """``<prefix>/<yyyy>/<random>.<ext>``: upload names never collide or leak the original path."""

    def __init__(self, prefix: str):
        self.prefix = prefix

    def __call__(self, instance, filename: str) -> str:
        from django.utils import timezone

        ext = os.path.splitext(filename)[1].lower()[:6] or ".bin"
        return f"{self.prefix}/{timezone.now():%Y}/{uuid.uuid4().hex[:16]}{ext}"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, UploadTo) and other.prefix == self.prefix
