"""Images found in an imported site: validated with Pillow, then stored through the ImageField.

Kept apart from the loader so the rules sit in one place: a file must lie inside the site folder
(a page cannot make the importer read ``/etc/passwd``), must pass
:func:`labsite.images.validate_image_file`, and is stored under a random name by the field's
``upload_to``. A file that is missing or not an image yields a warning, never an exception.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from labsite.images import validate_image_file
from labsite.importing.records import FigureRecord, MediaRef
from labsite.importing.safety import OutsideSite, Refused, is_contained, read_bytes


@dataclass
class ImageFile:
    """A readable, validated image: its bytes and the name to store it under."""

    content: ContentFile
    source: str


def _inside(path: Path, root: Path) -> bool:
    return is_contained(path, root)


def read_image(figure: FigureRecord, root: Path) -> tuple[ImageFile | None, str]:
    """``(image, "")`` for a usable file, else ``(None, why)`` — the why is a warning's text."""
    path = figure.path
    if path is None:
        return None, f"image {figure.src!r} not found in the site folder"
    base = root if root.is_dir() else root.parent
    if not _inside(path, base):
        return None, f"image {figure.src!r} lies outside the site folder; not imported"
    if not path.is_file():
        return None, f"image {figure.src!r} not found in the site folder"
    try:
        data = read_bytes(path, base, settings.LABSITE_MAX_IMAGE_BYTES)
    except OutsideSite:
        return None, f"image {figure.src!r} lies outside the site folder; not imported"
    except Refused as exc:
        return None, f"image {figure.src!r}: {exc.message}"
    except OSError as exc:
        return None, f"image {figure.src!r} cannot be read ({exc.strerror or exc})"
    content = ContentFile(data, name=path.name)
    try:
        validate_image_file(content)
    except ValidationError as exc:
        return None, f"image {figure.src!r}: {' '.join(exc.messages)}"
    content.seek(0)
    return ImageFile(content=content, source=figure.src), ""


# Images a project write-up shows in its text; named by their content, so a re-import (or the
# same picture in two write-ups) finds the stored file instead of storing a copy.
WRITE_UP_MEDIA = "figures/writeups"


def store_write_up_image(ref: MediaRef, root: Path, *, dry_run: bool) -> tuple[str, str, str]:
    """``(url, why, stored)``: the media URL of ``ref``'s image ("" and a why when unusable).

    ``stored`` names a file this call created ("" when it was there already, or on a dry run),
    so a rolled-back page can delete it.
    """
    image, why = read_image(FigureRecord(src=ref.src, path=ref.path), root)
    if image is None:
        return "", why, ""
    data = image.content.read()
    image.content.seek(0)
    suffix = ref.path.suffix.lower() if ref.path.suffix else ".img"
    name = f"{WRITE_UP_MEDIA}/{hashlib.sha256(data).hexdigest()[:32]}{suffix}"
    if dry_run or default_storage.exists(name):
        return default_storage.url(name), "", ""
    saved = default_storage.save(name, image.content)
    return default_storage.url(saved), "", saved
