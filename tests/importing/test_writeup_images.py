"""Relative images and links in a project write-up: stored as media, or pointed at the old site.

The sites here are made up for these tests.
"""

from __future__ import annotations

from io import StringIO
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from PIL import Image

from labsite.importing.extract.common import Context
from labsite.importing.extract.projects import body_media, local_refs, rewrite_refs
from research.models import Project

ABOUT = """---
title: Wren Potter
permalink: /
---

## About
I fire clay.

## Research

### Glaze Chemistry
Collaborated with: Ada Kiln
![](images/glaze.png)
How glazes melt. [Read More](_posts/2024-03-01-glaze.md)
"""

POST = """---
title: Glaze Chemistry
---
Our kiln at work:

![The kiln](images/kiln.png)

<img src="assets/img/crack.png" width="300">

A missing picture: ![gone](images/gone.png) and [the slides](files/slides.pdf).

[Elsewhere](https://example.org/x.png) and [up](#top) stay as they are.
"""


def _png(path: Path, colour: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (24, 16), colour).save(path)


def _site(root: Path, config: str = 'author:\n  name: "Wren Potter"\n') -> Path:
    (root / "_pages").mkdir(parents=True)
    (root / "_posts").mkdir()
    (root / "_config.yml").write_text(config, encoding="utf-8")
    (root / "_pages" / "about.md").write_text(ABOUT, encoding="utf-8")
    (root / "_posts" / "2024-03-01-glaze.md").write_text(POST, encoding="utf-8")
    _png(root / "images" / "glaze.png", "teal")
    _png(root / "images" / "kiln.png", "orange")
    _png(root / "assets" / "img" / "crack.png", "gray")
    return root


def _import(root: Path, *extra: str) -> str:
    out = StringIO()
    call_command("import_pages", str(root), "--lab", "clay", *extra, stdout=out, stderr=StringIO())
    return out.getvalue()


def _stored() -> list[Path]:
    folder = Path(settings.MEDIA_ROOT) / "figures" / "writeups"
    return sorted(folder.iterdir()) if folder.is_dir() else []


# ------------------------------------------------------------------ pure steps


def test_local_refs_finds_relative_images_and_links_only():
    body = (
        '![a](images/a.png "A") [b](/files/b.pdf) <img alt="c" src="c.png"> '
        "<a href='d/'>d</a> ![e](https://x.org/e.png) [f](#f) [g](mailto:g@x.org) "
        "[h](//cdn.x.org/h.png) ![a again](images/a.png)"
    )
    assert local_refs(body) == ["images/a.png", "/files/b.pdf", "c.png", "d/"]


def test_rewrite_refs_touches_only_the_addresses_given():
    body = '![a](images/a.png "A") images/a.png <img src="images/a.png"> [b](b.png)'
    assert rewrite_refs(body, {"images/a.png": "/media/x.png"}) == (
        '![a](/media/x.png "A") images/a.png <img src="/media/x.png"> [b](b.png)'
    )


def test_body_media_sorts_found_missing_and_unknown(tmp_path):
    root = tmp_path / "site"
    _png(root / "images" / "kiln.png", "orange")
    (root / "files").mkdir()
    (root / "files" / "notes.pdf").write_bytes(b"%PDF-1.4")
    body = "![k](images/kiln.png) ![g](images/gone.png) [n](files/notes.pdf)"

    with_url = Context(root=root, page_dir=root / "_posts", site_url="https://wren.example.io")
    text, media, warnings = body_media(body, with_url)
    assert [(m.src, m.path.name, m.fallback) for m in media] == [
        ("images/kiln.png", "kiln.png", "https://wren.example.io/images/kiln.png")
    ]
    assert text == (
        "![k](images/kiln.png) ![g](https://wren.example.io/images/gone.png) "
        "[n](https://wren.example.io/files/notes.pdf)"
    )
    assert warnings == []

    text, media, warnings = body_media(body, Context(root=root, page_dir=root))
    assert text == body
    assert [m.src for m in media] == ["images/kiln.png"]
    assert len(warnings) == 2
    assert "'images/gone.png'" in warnings[0]
    assert "'files/notes.pdf'" in warnings[1]


# ------------------------------------------------------------------ end to end


def test_post_write_up_images_are_stored_and_rewritten(db, tmp_path):
    root = _site(
        tmp_path / "wren.github.io",
        'author:\n  name: "Wren Potter"\nurl: "https://wren.example.io"\nbaseurl: "/site"\n',
    )
    _import(root)

    project = Project.objects.get(title="Glaze Chemistry")
    stored = _stored()
    assert len(stored) == 2  # kiln.png and crack.png
    urls = [settings.MEDIA_URL + "figures/writeups/" + path.name for path in stored]
    for url in urls:
        assert url in project.body
    assert "](images/kiln.png)" not in project.body
    assert 'src="assets/img/crack.png"' not in project.body
    assert "![gone](https://wren.example.io/site/images/gone.png)" in project.body
    assert "[the slides](https://wren.example.io/site/files/slides.pdf)" in project.body
    assert "[Elsewhere](https://example.org/x.png)" in project.body
    assert "[up](#top)" in project.body
    for url in urls:
        assert url in project.body_html

    # A second import stores nothing new and leaves the body alone.
    body = project.body
    out = _import(root)
    assert _stored() == stored
    project.refresh_from_db()
    assert project.body == body
    assert "0 created, 0 updated" in out.splitlines()[-1]


def test_without_a_site_url_missing_files_are_kept_with_a_warning(db, tmp_path):
    root = _site(tmp_path / "wren.github.io")
    out = _import(root, "-v", "2")

    project = Project.objects.get(title="Glaze Chemistry")
    assert "![gone](images/gone.png)" in project.body
    assert "[the slides](files/slides.pdf)" in project.body
    assert "](images/kiln.png)" not in project.body
    assert len(_stored()) == 2
    assert "'images/gone.png'" in out
    assert "'files/slides.pdf'" in out


def test_broken_image_falls_back_to_the_original_site(db, tmp_path):
    root = _site(
        tmp_path / "wren.github.io",
        'author:\n  name: "Wren Potter"\nurl: "https://wren.example.io"\n',
    )
    (root / "images" / "kiln.png").write_bytes(b"not a picture at all")
    out = _import(root, "-v", "2")

    project = Project.objects.get(title="Glaze Chemistry")
    assert "![The kiln](https://wren.example.io/images/kiln.png)" in project.body
    assert len(_stored()) == 1  # only crack.png
    assert "images/kiln.png" in out


def test_dry_run_stores_no_write_up_image(db, tmp_path):
    root = _site(tmp_path / "wren.github.io")
    _import(root, "--dry-run")
    assert _stored() == []
    assert not Project.objects.exists()


def test_al_folio_project_body_images_are_stored(db, tmp_path):
    root = tmp_path / "potter.github.io"
    (root / "_projects").mkdir(parents=True)
    (root / "_config.yml").write_text(
        "first_name: Wren\nlast_name: Potter\nurl: https://potter.example.io\n", encoding="utf-8"
    )
    _png(root / "assets" / "img" / "wheel.png", "olive")
    (root / "_projects" / "wheel.md").write_text(
        "---\ntitle: Throwing Wheels\ndescription: Spinning clay\n---\n"
        '<img src="/assets/img/wheel.png" alt="A wheel">\n\n'
        "See ![missing](/assets/img/none.png).\n",
        encoding="utf-8",
    )
    _import(root)

    project = Project.objects.get(title="Throwing Wheels")
    [stored] = _stored()
    assert f'src="{settings.MEDIA_URL}figures/writeups/{stored.name}"' in project.body
    assert "![missing](https://potter.example.io/assets/img/none.png)" in project.body
