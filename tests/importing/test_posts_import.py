"""Blog posts from a Jekyll site's ``_posts/``: extracted, imported as the owner's posts, and
linked from the project whose "Read More" names one. The site here is made up for these tests.
"""

from __future__ import annotations

import datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from PIL import Image

from labsite.importing.extract.posts import extract_post, name_parts
from labsite.importing.parse import parse_page
from labsite.importing.readers import collect
from people.models import Post
from research.models import Project

ABOUT = """---
title: Iris Quill
permalink: /
---

## About
I study tides.

## Research

### Tidal Sensors
Collaborated with: Omar Reef
Cheap sensors for coastal tides. [Read More](_posts/2023-06-02-tidal-sensors.md)
"""

WRITE_UP = """---
title: "Tidal sensors, a year in"
tags: [sensing, ocean]
categories: field-notes
permalink: /posts/2023/06/tidal-sensors/
---
What we learned from a year of buoys.

![A buoy at dawn](images/buoy.png)
"""

WINTER = """---
title: Winter notes
date: 2024-01-15 09:30:00 -0500
tags: notes winter
excerpt: "Short notes from a cold season."
---
Ice **everywhere**.
"""

DRAFT = """---
title: Not yet
published: false
---
Half a thought.
"""

NO_TITLE = """---
layout: post
---
An early post whose title is its file name.
"""


def _site(root: Path) -> Path:
    for folder in ("_pages", "_posts", "images"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    (root / "_config.yml").write_text('author:\n  name: "Iris Quill"\n', encoding="utf-8")
    (root / "_pages" / "about.md").write_text(ABOUT, encoding="utf-8")
    posts = root / "_posts"
    (posts / "2023-06-02-tidal-sensors.md").write_text(WRITE_UP, encoding="utf-8")
    (posts / "2024-01-15-winter-notes.md").write_text(WINTER, encoding="utf-8")
    (posts / "2024-05-01-not-yet.md").write_text(DRAFT, encoding="utf-8")
    (posts / "2022-3-7-first_steps.md").write_text(NO_TITLE, encoding="utf-8")
    Image.new("RGB", (24, 16), "navy").save(root / "images" / "buoy.png")
    return root


def _import(root: Path) -> str:
    out = StringIO()
    call_command("import_pages", str(root), "--lab", "tides", stdout=out, stderr=StringIO())
    return out.getvalue()


# ------------------------------------------------------------------ pure steps


def test_post_file_names_give_date_and_slug():
    assert name_parts("_posts/2024-04-03-asymml.md") == ("2024-04-03", "asymml")
    assert name_parts("_posts/2022-3-7-first_steps.markdown") == ("2022-03-07", "first_steps")
    assert name_parts("_posts/notes.md") == ("", "notes")


def test_front_matter_gives_title_date_tags_and_draft():
    page = parse_page(WINTER, "_posts/2024-01-15-winter-notes.md")
    post = extract_post(page, "_posts/2024-01-15-winter-notes.md")
    assert (post.title, post.date, post.slug, post.tags, post.published, post.excerpt) == (
        "Winter notes",
        datetime.date(2024, 1, 15),
        "winter-notes",
        ["notes", "winter"],
        True,
        "Short notes from a cold season.",
    )
    draft = extract_post(parse_page(DRAFT, "_posts/2024-05-01-not-yet.md"), "_posts/x.md")
    assert draft is None  # no date in the front matter and none in this file name
    draft = extract_post(
        parse_page(DRAFT, "_posts/2024-05-01-not-yet.md"), "_posts/2024-05-01-not-yet.md"
    )
    assert (draft.title, draft.published) == ("Not yet", False)


def test_site_posts_are_collected_with_the_write_up_marked(tmp_path):
    site = collect(_site(tmp_path))
    posts = {post.slug: post for page in site.pages for post in page.posts}
    assert sorted(posts) == ["first_steps", "not-yet", "tidal-sensors", "winter-notes"]
    assert posts["tidal-sensors"].tags == ["sensing", "ocean", "field-notes"]
    assert posts["first_steps"].title == "First steps"
    assert [m.src for m in posts["tidal-sensors"].media] == ["images/buoy.png"]
    (project,) = [p for page in site.pages for p in page.projects]
    assert project.write_up == "_posts/2023-06-02-tidal-sensors.md"
    warnings = [w for page in site.pages for w in page.warnings]
    assert not [w for w in warnings if "blog post not imported" in w]


# ------------------------------------------------------------------ into the database


@pytest.mark.django_db
def test_imported_site_shows_its_projects_write_up_linking_to_the_post(tmp_path, client):
    root = _site(tmp_path / "iris")
    _import(root)
    posts = {p.slug: p for p in Post.objects.select_related("person", "project")}
    assert sorted(posts) == ["first_steps", "not-yet", "tidal-sensors", "winter-notes"]
    assert {p.person.name for p in posts.values()} == {"Iris Quill"}
    assert {slug: p.status for slug, p in posts.items()} == {
        "first_steps": "published",
        "not-yet": "draft",
        "tidal-sensors": "published",
        "winter-notes": "published",
    }
    write_up = posts["tidal-sensors"]
    project = Project.objects.get(title="Tidal Sensors")
    assert write_up.project == project
    assert "/media/figures/writeups/" in write_up.body_html  # the figure is stored as media

    host = {"HTTP_HOST": "tides.localhost"}
    html = client.get(project.get_absolute_url(), **host).content.decode()
    assert (
        '<a class="more" href="/people/iris-quill/posts/tidal-sensors/">'
        "Read more: Tidal sensors, a year in →</a>"
    ) in html
    post_html = client.get("/people/iris-quill/posts/tidal-sensors/", **host).content.decode()
    assert "What we learned from a year of buoys." in post_html
    assert f'<a href="{project.get_absolute_url()}">Tidal Sensors</a>' in post_html
    assert client.get("/people/iris-quill/posts/not-yet/", **host).status_code == 404
    listed = client.get("/people/iris-quill/posts/", **host).context["posts"]
    assert [p.slug for p in listed] == ["winter-notes", "tidal-sensors", "first_steps"]
    # The old addresses: front-matter permalinks and Jekyll's dated default; not a draft's.
    for old, new in [
        ("/posts/2023/06/tidal-sensors/", "/people/iris-quill/posts/tidal-sensors/"),
        ("/2023/06/02/tidal-sensors.html", "/people/iris-quill/posts/tidal-sensors/"),
        ("/2024/01/15/winter-notes.html", "/people/iris-quill/posts/winter-notes/"),
    ]:
        response = client.get(old, **host)
        assert (response.status_code, response.headers.get("Location")) == (301, new)
    assert client.get("/2024/05/01/not-yet.html", **host).status_code == 404


@pytest.mark.django_db
def test_reimport_changes_nothing_and_keeps_admin_edits(tmp_path):
    root = _site(tmp_path / "iris")
    _import(root)
    post = Post.objects.get(slug="winter-notes")
    post.title = "Winter notes (edited)"
    post.status = "draft"
    post.save()
    before = {p.pk: (p.title, p.status, p.body, p.project_id) for p in Post.objects.all()}
    _import(root)
    after = {p.pk: (p.title, p.status, p.body, p.project_id) for p in Post.objects.all()}
    assert after == before
