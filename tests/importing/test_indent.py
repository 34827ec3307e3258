"""Accidental indentation: a lone indented line of prose is text; indented code stays code."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from labsite.importing.indent import dedent_stray_lines, looks_like_prose
from labsite.importing.parse import parse_page
from labsite.markdown import render_markdown
from people.models import ProfileSection


@pytest.mark.parametrize(
    "line",
    [
        "last update 3/14/2022",
        "Updated in spring 2024 by the author.",
        "I am looking for students: see [the open positions](jobs.html).",
        "Office hours, Tuesdays after the seminar",
        "Homepage: https://pelican.example.org",
    ],
)
def test_prose_lines(line):
    assert looks_like_prose(line) is True


@pytest.mark.parametrize(
    "line",
    [
        "pip install tidewatch",
        "git clone https://example.org/tide.git",
        "from tidewatch import buoy",
        "$ make html",
        ">>> import tidewatch",
        "x = load(path)",
        "for (int i = 0; i < n; i++) {",
        "./run_all.sh --quick",
        "cd ~/lab && ls",
        "<img src='wave.png'>",
        "# a comment",
        "- an indented list item",
        "print_summary results",
        "README",
        "`code span` only",
    ],
)
def test_code_lines(line):
    assert looks_like_prose(line) is False


def test_lone_indented_prose_line_moves_to_the_margin():
    text = "Contact me by email.\n\n                         last update 3/14/2022\n"

    assert dedent_stray_lines(text) == "Contact me by email.\n\nlast update 3/14/2022\n"


def test_tab_and_heading_boundaries():
    assert dedent_stray_lines("## Note\n\tBack in the office in May.") == (
        "## Note\nBack in the office in May."
    )
    assert dedent_stray_lines("Note\n----\n    Back in the office in May.") == (
        "Note\n----\nBack in the office in May."
    )


def test_indented_code_stays_code():
    one_command = "Install it:\n\n    pip install tidewatch\n"
    two_lines = "Run:\n\n    Open the tide tables\n    and read the first row\n"
    with_blank_inside = "Run:\n\n    first step of it\n\n    second step of it\n"
    for text in (one_command, two_lines, with_blank_inside):
        assert dedent_stray_lines(text) == text


def test_a_lazy_continuation_line_is_left_alone():
    text = "A paragraph that goes on\n    over an indented line.\n"

    assert dedent_stray_lines(text) == text


def test_fenced_and_pre_blocks_are_left_alone():
    fenced = "```\nexample\n\n    a note inside the fence\n```\n"
    pre = "<pre>\n\n    a note inside pre\n\n</pre>\n"

    assert dedent_stray_lines(fenced) == fenced
    assert dedent_stray_lines(pre) == pre


def test_after_a_list_the_line_stays_in_the_last_item():
    near = "- first item\n- second item\n\n    still about the second item\n"
    far = "- first item\n\n                 updated last spring\n"

    assert dedent_stray_lines(near) == near  # a continuation paragraph, not code: unchanged
    assert dedent_stray_lines(far) == "- first item\n\n    updated last spring\n"
    assert render_markdown(dedent_stray_lines(far)) == (
        "<ul>\n<li>\n<p>first item</p>\n<p>updated last spring</p>\n</li>\n</ul>"
    )


def test_parse_page_keeps_line_numbers_and_renders_a_paragraph():
    page = parse_page(
        "---\ntitle: Pelican Marsh\n---\nContact\n-------\nRoom 12, Harbour Building\n\n"
        "                                  last update 3/14/2022\n\nBye.\n"
    )

    (contact,) = page.sections
    assert contact.lines == [
        (6, "Room 12, Harbour Building"),
        (7, ""),
        (8, "last update 3/14/2022"),
        (9, ""),
        (10, "Bye."),
        (11, ""),
    ]
    assert render_markdown(contact.body) == (
        "<p>Room 12, Harbour Building</p>\n<p>last update 3/14/2022</p>\n<p>Bye.</p>"
    )


def test_the_shared_renderer_still_makes_code_of_indented_text():
    """The admin's renderer is not the importer: a member's indented line stays code."""
    assert render_markdown("Note:\n\n    last update 3/14/2022") == (
        "<p>Note:</p>\n<pre><code>last update 3/14/2022\n</code></pre>"
    )


def test_import_shows_the_stray_line_as_text_and_keeps_real_code(db, tmp_path):
    site = tmp_path / "pelican"
    (site / "_pages").mkdir(parents=True)
    (site / "_config.yml").write_text('author:\n  name: "Pia Marsh"\n', encoding="utf-8")
    (site / "_pages" / "about.md").write_text(
        "---\npermalink: /\ntitle: Pia Marsh\n---\n\nAbout\n-----\nI count pelicans.\n\n"
        "Install my counter:\n\n    pip install pelicount\n\n"
        "Contact\n-------\nRoom 12, Harbour Building\n\n"
        "                                  last update 3/14/2022\n",
        encoding="utf-8",
    )
    call_command("import_pages", str(site), "--lab", "marsh", stdout=StringIO())

    html = Client().get("/people/pia-marsh/", HTTP_HOST="marsh.localhost").content.decode()

    assert re.findall(r"<pre>.*?</pre>", html, re.S) == [
        "<pre><code>pip install pelicount\n</code></pre>"
    ]
    assert re.findall(r"<p>[^<]*last update[^<]*</p>", html) == ["<p>last update 3/14/2022</p>"]
    assert list(ProfileSection.objects.values_list("title", "body")) == [
        ("About", "I count pelicans.\n\nInstall my counter:\n\n    pip install pelicount"),
        ("Contact", "Room 12, Harbour Building\n\nlast update 3/14/2022"),
    ]
