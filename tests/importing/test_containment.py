"""Import reads only the site: nothing outside the folder is read through a symlink or ``..``.

Each case builds a small Jekyll site beside a "secret" (standing in for the server's ``.env`` or
``settings.py``) that carries a unique marker, in a form the importer would happily import were
it read: a page, a ``_config.yml``, a ``.bib``, a ``_data`` file, an image. The site then points
at the secret one way or another. After ``import_pages`` the marker must be in no database row,
no public page, no stored media file and no report line; the refusal is a warning naming the
path inside the site.
"""

from __future__ import annotations

import os
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from PIL import Image

from labsite.importing.readers import collect
from labsite.importing.safety import OutsideSite, contained, escapes
from people.models import Person

MARKER = "ZQX-SECRET-7f3a9c"
HOST = "nexus.localhost"

ABOUT = """---
title: "Ada Quill"
permalink: /
---

About
-----
I study glazes.

![Kiln]({image})
"""


def _secret(tmp_path: Path, name: str, text: str | bytes) -> Path:
    folder = tmp_path / "server"
    folder.mkdir(exist_ok=True)
    path = folder / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def _secret_png(tmp_path: Path) -> Path:
    path = tmp_path / "server" / "secret.png"
    path.parent.mkdir(exist_ok=True)
    Image.new("RGB", (8, 8), "red").save(path, pnginfo=_png_text())
    return path


def _png_text():
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Comment", MARKER)
    return info


def _site(tmp_path: Path, image: str = "/images/kiln.png", avatar: str = "kiln.png") -> Path:
    root = tmp_path / "ada.github.io"
    (root / "_pages").mkdir(parents=True)
    (root / "images").mkdir()
    Image.new("RGB", (8, 8), "navy").save(root / "images" / "kiln.png")
    (root / "_config.yml").write_text(
        f'author:\n  name: "Ada Quill"\n  avatar: "{avatar}"\n', encoding="utf-8"
    )
    (root / "_pages" / "about.md").write_text(ABOUT.format(image=image), encoding="utf-8")
    return root


SECRET_PAGE = f"---\ntitle: {MARKER}\n---\n\n## About\n\nDJANGO_SECRET_KEY={MARKER}\n"
SECRET_BIB = f"@article{{leak, title={{{MARKER} Paper}}, author={{Ada Quill}}, year={{2020}}}}\n"
SECRET_DATA = f"- title: {MARKER} Paper\n  authors: Ada Quill\n  year: 2020\n  venue: X\n"
SECRET_CONFIG = f'author:\n  name: "Ada Quill"\n  bio: "{MARKER}"\ntitle: {MARKER}\n'


def case_page(tmp_path: Path) -> tuple[Path, str]:
    root = _site(tmp_path)
    os.symlink(_secret(tmp_path, ".env", SECRET_PAGE), root / "_pages" / "leak.md")
    return root, "_pages/leak.md"


def case_config(tmp_path: Path) -> tuple[Path, str]:
    root = _site(tmp_path)
    (root / "_config.yml").unlink()
    os.symlink(_secret(tmp_path, "settings.yml", SECRET_CONFIG), root / "_config.yml")
    return root, "_config.yml"


def case_bib(tmp_path: Path) -> tuple[Path, str]:
    root = _site(tmp_path)
    (root / "_bibliography").mkdir()
    os.symlink(_secret(tmp_path, "refs.bib", SECRET_BIB), root / "_bibliography" / "papers.bib")
    return root, "_bibliography/papers.bib"


def case_data(tmp_path: Path) -> tuple[Path, str]:
    root = _site(tmp_path)
    (root / "_data").mkdir()
    os.symlink(_secret(tmp_path, "pubs.yml", SECRET_DATA), root / "_data" / "publications.yml")
    return root, "_data/publications.yml"


def case_data_folder(tmp_path: Path) -> tuple[Path, str]:
    root = _site(tmp_path)
    _secret(tmp_path, "publications.yml", SECRET_DATA)
    os.symlink(tmp_path / "server", root / "_data")
    return root, "_data"


def case_pages_folder(tmp_path: Path) -> tuple[Path, str]:
    root = _site(tmp_path)
    (root / "_pages" / "about.md").rename(root / "about.md")
    (root / "_pages").rmdir()
    _secret(tmp_path, "leak.md", SECRET_PAGE)
    os.symlink(tmp_path / "server", root / "_pages")
    return root, "_pages"


def case_image(tmp_path: Path) -> tuple[Path, str]:
    root = _site(tmp_path, image="/images/leak.png", avatar="leak.png")
    os.symlink(_secret_png(tmp_path), root / "images" / "leak.png")
    return root, "'leak.png'"


def case_dotdot_image(tmp_path: Path) -> tuple[Path, str]:
    _secret_png(tmp_path)
    root = _site(tmp_path, image="../../server/secret.png", avatar="../../server/secret.png")
    return root, "../../server/secret.png"


CASES = {
    "page": case_page,
    "config": case_config,
    "bib": case_bib,
    "data": case_data,
    "data-folder": case_data_folder,
    "pages-folder": case_pages_folder,
    "image": case_image,
    "dotdot-image": case_dotdot_image,
}


def _import(root: Path) -> tuple[int, str]:
    out, err = StringIO(), StringIO()
    status = 0
    try:
        call_command("import_pages", str(root), "--lab", "nexus", stdout=out, stderr=err)
    except CommandError as exc:
        status = 1
        err.write(f"CommandError: {exc}\n")
    return status, out.getvalue() + err.getvalue()


def _rows_with(marker: str) -> list[str]:
    found = []
    for model in apps.get_models():
        for row in model.objects.values():
            if marker in repr(row):
                found.append(f"{model._meta.label}: {row}")
    return found


def _media_with(marker: str, media_root: Path) -> list[str]:
    return [
        str(p) for p in media_root.rglob("*") if p.is_file() and marker.encode() in p.read_bytes()
    ]


@pytest.mark.parametrize("name", sorted(CASES))
def test_nothing_outside_the_site_is_read(db, tmp_path, settings, name):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    root, named = CASES[name](tmp_path)
    status, report = _import(root)

    assert _rows_with(MARKER) == []
    assert _media_with(MARKER, tmp_path / "media") == []
    lines_with_marker = [line for line in report.splitlines() if MARKER in line]
    assert lines_with_marker == []
    # The refusal names the path as the site has it, and the good page still imported.
    warnings = [line.strip() for line in report.splitlines() if named in line]
    assert warnings, report
    assert status == 0, report
    ada = Person.objects.get(name="Ada Quill")
    client = Client()
    for path in (ada.get_absolute_url(), "/publications/", "/"):
        response = client.get(path, HTTP_HOST=HOST)
        assert response.status_code == 200, path
        assert MARKER not in response.content.decode(), path


def test_refusals_are_warnings_naming_the_path(db, tmp_path):
    root, _ = case_page(tmp_path)
    site = collect(root)
    assert site.errors == []
    warnings = [w for page in site.pages for w in page.warnings]
    assert warnings == [
        "_pages/leak.md: refused: a symlink that leads outside the site folder; not read"
    ]


def test_symlinked_folder_is_refused_once_and_never_walked(db, tmp_path):
    root, _ = case_pages_folder(tmp_path)
    site = collect(root)
    warnings = [w for page in site.pages for w in page.warnings]
    assert warnings == ["_pages: refused: a symlinked folder that leads outside the site folder"]


def test_symlinks_inside_the_site_are_followed(db, tmp_path):
    root = _site(tmp_path)
    (root / "_pages" / "about.md").rename(root / "about-source.md")
    os.symlink(root / "about-source.md", root / "_pages" / "about.md")
    site = collect(root)
    assert [w for page in site.pages for w in page.warnings] == []
    assert [page.title for page in site.pages] == ["Ada Quill", "Ada Quill"]


def test_contained_resolves_links_and_dots(tmp_path):
    site = tmp_path / "site"
    (site / "a").mkdir(parents=True)
    (site / "a" / "x.md").write_text("x", encoding="utf-8")
    (tmp_path / "outside.md").write_text("y", encoding="utf-8")
    os.symlink(tmp_path / "outside.md", site / "a" / "out.md")
    assert contained(site / "a" / ".." / "a" / "x.md", site) == (site / "a" / "x.md").resolve()
    for path in (site / "a" / "out.md", site / ".." / "outside.md"):
        with pytest.raises(OutsideSite):
            contained(path, site)


@pytest.mark.parametrize(
    ("src", "climbs"),
    [
        ("images/a.png", False),
        ("../images/a.png", True),
        ("_pages/../images/a.png", False),
        ("a/../../b", True),
        ("..\\..\\etc\\passwd", True),
        ("/images/./a.png", False),
    ],
)
def test_escapes(src, climbs):
    assert escapes(src) == climbs
