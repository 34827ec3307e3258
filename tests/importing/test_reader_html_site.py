"""The static HTML reader: a folder of hand-written ``.html`` pages around an ``index.html``.

The fixture (``fixtures/html_site/``) is an invented homepage: a person's index page with
navigation, a banner header, a footer with a copyright line and a script; a publications page
of ``<li>`` entries; a research page of headed blocks with images; a legal notice, a
``LICENSE.txt`` and a ``README.md`` that are no part of the homepage.
"""

from __future__ import annotations

import time
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from labsite.importing.readers import best_reader, collect
from labsite.importing.readers.html_site import HtmlSiteReader, html_to_markdown, own_title
from people.models import Person, ProfileSection
from publications.models import Publication
from tests.importing.conftest import row_counts
from tests.importing.test_corpus_import import warnings

FIXTURE = Path(__file__).parent / "fixtures" / "html_site"
BOUND = 5.0  # CPU seconds for one hostile page, as in test_hostile.py


def _import(*args: str) -> str:
    out = StringIO()
    call_command("import_pages", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


# -- html_to_markdown ---------------------------------------------------------------------


def test_html_to_markdown_keeps_content_without_boilerplate():
    page = html_to_markdown(
        "<html><head><title>Mara Quill</title><style>p{}</style></head><body>"
        '<header><a href="/">Quill home</a></header><nav><a href="a.html">About</a></nav>'
        "<h2>About me</h2><p>I fold <b>paper</b> and <i>cranes</i>.</p>"
        '<ul><li>One <a href="x.pdf">PDF</a></li><li><img src="img/a.png" alt="A"></li></ul>'
        "<footer>&copy; 2024 Mara Quill</footer><script>var x = '<h2>no</h2>';</script>"
        "</body></html>"
    )
    assert page.markdown.split("\n") == [
        "## About me",
        "",
        "I fold **paper** and *cranes*.",
        "",
        "- One [PDF](x.pdf)",
        "- ![A](img/a.png)",
        "",
    ]
    assert (page.document_title, page.title, page.copyright_names) == (
        "Mara Quill",
        "",
        ["Mara Quill"],
    )


def test_html_to_markdown_reads_only_main_when_there_is_one():
    page = html_to_markdown(
        "<body><div>Sidebar text</div><main><h1>Publications</h1><p>Kept.</p></main>"
        "<div>After</div></body>"
    )
    assert page.markdown.split() == ["Kept."]
    assert page.title == "Publications"  # the first <h1> is the page's title, not a section


def test_html_to_markdown_puts_each_block_on_its_html_line():
    page = html_to_markdown("<body>\n<h2>News</h2>\n\n\n<p>Fourth line</p>\n<p>Fifth</p></body>")
    assert page.markdown.split("\n")[:5] == ["", "## News", "", "", "Fourth line"]


def test_html_to_markdown_tables_and_broken_markup():
    page = html_to_markdown(
        "<table><tr><th>Title</th><th>Year</th></tr><tr><td>Dunes</td><td>2024</td></tr>"
        "</table><p>unclosed <b>bold <p>next</div></span><a href='javascript:x()'>js</a>"
    )
    assert page.markdown.split("\n") == [
        "| Title | Year |",
        "| --- | --- |",
        "| Dunes | 2024 |",
        "",
        "unclosed **bold**",
        "",
        "**nextjs**",
        "",
    ]


def test_own_title_drops_the_site_name():
    assert own_title("Publications - Quill Lab", "Quill Lab") == "Publications"
    assert own_title("Quill Lab | Research", "Quill Lab") == "Research"
    assert own_title("Quill Lab", "Quill Lab") == ""


# -- detection ----------------------------------------------------------------------------


def test_html_site_detect_loses_to_jekyll_and_hugo(tmp_path):
    assert best_reader(FIXTURE).name == "static HTML site"
    jekyll = tmp_path / "jekyll"
    (jekyll / "_site").mkdir(parents=True)
    (jekyll / "_layouts").mkdir()
    (jekyll / "_config.yml").write_text("title: Mara Quill\n")
    for html in ("index.html", "_site/index.html", "_layouts/default.html"):
        (jekyll / html).write_text("<html><body><h1>Built</h1></body></html>")
    hugo = tmp_path / "hugo"
    (hugo / "content").mkdir(parents=True)
    (hugo / "hugo.yaml").write_text("title: x\n")
    (hugo / "index.html").write_text("<p>x</p>")
    reader = HtmlSiteReader()
    assert [reader.detect(p) for p in (jekyll, jekyll / "_site", hugo, FIXTURE)] == [
        0.0,
        0.0,
        0.0,
        0.4,
    ]
    assert best_reader(jekyll).name != reader.name


def test_html_site_never_reads_underscore_folders(tmp_path):
    (tmp_path / "_site").mkdir()
    (tmp_path / "_includes").mkdir()
    (tmp_path / "index.html").write_text("<title>Mara Quill</title><p>Hello there.</p>")
    (tmp_path / "_site" / "index.html").write_text("<p>Built copy.</p>")
    (tmp_path / "_includes" / "head.html").write_text("<p>Fragment.</p>")
    site = collect(tmp_path)
    assert [p.source.path for p in site.pages] == ["index.html"]


# -- reading the fixture ------------------------------------------------------------------


def test_html_site_reads_pages_as_the_markdown_reader_would():
    site = collect(FIXTURE)
    assert site.errors == []
    assert site.profile.name == "Ilse Varga"
    # index first; LICENSE.txt, README.md and the legal notice are no pages
    assert [p.source.path for p in site.pages] == [
        "index.html",
        "publications.html",
        "research.html",
    ]
    index, pubs, research = site.pages
    assert [(s.kind, s.title) for s in index.sections] == [
        ("prose", "About"),
        ("news", "News"),
        ("prose", "Contact"),
    ]
    assert index.sections[0].body == (
        '<img src="images/portrait.png" alt="Ilse at the dune" width="200">\n\n'
        "I am an assistant professor of **aeolian geomorphology** at the University of "
        "Westmarch. I study how [singing dunes](research.html) hum."
    )
    assert [(str(n.date), n.source.line) for n in index.news] == [
        ("2025-03-01", 28),
        ("2025-01-01", 29),
        ("2024-10-01", 30),
    ]
    assert [
        (p.title, [(a.name, a.is_owner) for a in p.authors], p.venue, p.year, p.source.line)
        for p in pubs.publications
    ] == [
        (
            "Why Dunes Hum at Dusk",
            [("Ilse Varga", True), ("Oren Halvorsen", False), ("Pia Kettunen", False)],
            "Journal of Aeolian Acoustics",
            2024,
            11,
        ),
        (
            "Grain Sorting on Barchan Flanks",
            [("Oren Halvorsen", False), ("Ilse Varga", True)],
            "Sand Letters",
            2023,
            13,
        ),
        (
            "Listening to Sand with Cheap Microphones",
            [("Ilse Varga", True), ("Ruben Azevedo", False)],
            "Proceedings of the Westmarch Conference on Field Methods (WCFM)",
            2022,
            18,
        ),
    ]
    assert pubs.publications[0].doi == "10.5555/jaa.2024.017"
    assert [(p.title, [f.src for f in p.figures]) for p in research.projects] == [
        ("Singing dunes", ["images/dune.png"]),
        ("Grain sorting", ["images/missing.png"]),
    ]
    assert research.projects[0].figures[0].path == (FIXTURE / "images" / "dune.png").resolve()


def test_html_site_owner_from_the_copyright_when_the_title_is_a_group(tmp_path):
    (tmp_path / "index.html").write_text(
        "<title>QL Quill</title><h2>Welcome</h2><p>We fold paper.</p>"
        "<footer><ul class='copyright'><li>&copy; Mara Quill</li></ul></footer>"
    )
    assert collect(tmp_path).profile.name == "Mara Quill"


# -- importing ----------------------------------------------------------------------------


def test_html_site_import_is_idempotent_and_skips_license(db):
    first = _import(str(FIXTURE), "--lab", "dunes")
    before = row_counts()
    second = _import(str(FIXTURE), "--lab", "dunes")
    assert row_counts() == before
    assert second.splitlines()[-1].startswith("Total: 0 created, 0 updated,"), second
    assert warnings(second) == warnings(first)
    owner = Person.objects.get(name="Ilse Varga")
    assert sorted(Publication.objects.values_list("title", flat=True)) == [
        "Grain Sorting on Barchan Flanks",
        "Listening to Sand with Cheap Microphones",
        "Why Dunes Hum at Dusk",
    ]
    titles = list(ProfileSection.objects.filter(person=owner).values_list("title", flat=True))
    assert "LICENSE" not in " ".join(titles) and "README" not in " ".join(titles)


def test_html_site_person_argument_wins(db):
    _import(str(FIXTURE), "--lab", "dunes", "--person", "Ilse K. Varga")
    assert Person.objects.filter(name="Ilse K. Varga").exists()


# -- hostile pages --------------------------------------------------------------------------

HOSTILE = {
    "nested-divs": "<div>" * 200_000 + "deep" + "</div>" * 200_000,
    "unclosed-tags": "<a href='x' " * 150_000,
    "unclosed-comments": "<!-- x > " * 150_000,
    "stray-end-tags": "<p>" + "</span></b></li>" * 100_000,
    "many-lists": "<ul><li>" * 50_000,
    "one-long-paragraph": "<p>" + "word " * 300_000 + "</p>",
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_html_to_markdown_is_linear_on_hostile_pages(name):
    start = time.process_time()
    page = html_to_markdown(HOSTILE[name])
    assert isinstance(page.markdown, str)
    assert time.process_time() - start < BOUND


def test_html_site_five_megabyte_page_is_one_error(db, tmp_path):
    (tmp_path / "index.html").write_text("<title>Mara Quill</title><p>I fold paper.</p>")
    (tmp_path / "big.html").write_text("<p>" + "x" * (5 * 1024 * 1024) + "</p>")
    (tmp_path / "deep.html").write_text("<ul><li>" * 20_000 + "deep")
    out, err = StringIO(), StringIO()
    start = time.process_time()
    with pytest.raises(CommandError):
        call_command("import_pages", str(tmp_path), "--lab", "q", stdout=out, stderr=err)
    assert time.process_time() - start < 2 * BOUND
    errors = [line for line in err.getvalue().splitlines() if line.startswith("error:")]
    assert [line.split(":")[1].strip().rsplit("/", 1)[-1] for line in errors] == ["big.html"]
