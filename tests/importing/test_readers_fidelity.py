"""What the site readers leave out, and say they left out: Hugo drafts and "others" in author
lists; Jekyll pages Jekyll does not publish, the theme's 404 page and markdown style guide,
and a sample ``_data/cv.yml`` of someone else. All sites here are invented for these tests."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

from django.core.management import call_command

from labsite.importing.bibtex import ET_AL
from labsite.importing.readers import collect
from publications.models import Publication


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def _warnings(site) -> list[str]:
    return [w for page in site.pages for w in page.warnings]


def _all(site, name: str) -> list:
    return [record for page in site.pages for record in getattr(page, name)]


# -- Hugo ---------------------------------------------------------------------------------
HUGO = {
    "config/_default/hugo.yaml": "title: Wren Okafor\n",
    "content/authors/admin/_index.md": "---\ntitle: Wren Okafor\nrole: Lecturer\n---\nHi.\n",
    "content/publication/shown/index.md": (
        '---\ntitle: "Folding Paper Boats at Scale"\n'
        'authors: ["admin", "Tam Bialy", "others"]\ndate: "2022-05-01"\n'
        'publication_types: ["article-journal"]\npublication: "*Journal of Small Craft*"\n---\n'
    ),
    "content/publication/unfinished/index.md": (
        '---\ntitle: "Half a Boat"\nauthors: ["admin"]\ndate: "2024-01-01"\ndraft: true\n---\n'
    ),
    "content/publication/toml-draft/index.md": (
        '+++\ntitle = "A Boat in TOML"\nauthors = ["admin"]\ndraft = true\n+++\n'
    ),
    "content/event/sample-talk/index.md": (
        '---\ntitle: "Sample Talk on Rafts"\ndate: "2021-03-03"\ndraft: true\n---\n'
    ),
    "content/event/real-talk/index.md": (
        '---\ntitle: "Rafts and Ropes"\nevent: "Harbour Day"\ndate: "2021-04-04"\n'
        "draft: false\n---\n"
    ),
    "content/project/sample-project/index.md": (
        '---\ntitle: "Learn Knots"\ndate: "2020-01-01"\ndraft: "true"\n---\nBody.\n'
    ),
    "content/post/sample-post/index.md": (
        '---\ntitle: "Welcome to the theme"\ndate: "2020-02-02"\ndraft: yes\n---\n'
    ),
    "content/post/real-post/index.md": (
        '---\ntitle: "Our raft floated"\ndate: "2023-06-06"\n---\n'
    ),
}


def test_hugo_drafts_are_skipped_and_the_report_says_so(tmp_path):
    site = collect(_write(tmp_path / "site", HUGO))

    assert [p.title for p in _all(site, "publications")] == ["Folding Paper Boats at Scale"]
    assert [t.title for t in _all(site, "talks")] == ["Rafts and Ropes"]
    assert _all(site, "projects") == []
    assert [n.text for n in _all(site, "news")] == ["**Our raft floated**"]
    skipped = sorted(w.split(":")[0] for w in _warnings(site) if "skipped (draft)" in w)
    assert skipped == [
        "content/event/sample-talk/index.md",
        "content/post/sample-post/index.md",
        "content/project/sample-project/index.md",
        "content/publication/toml-draft/index.md",
        "content/publication/unfinished/index.md",
    ]
    assert site.errors == []


def test_hugo_drafts_are_imported_when_the_site_builds_drafts(tmp_path):
    files = dict(HUGO, **{"config/_default/hugo.yaml": "title: Wren Okafor\nbuildDrafts: true\n"})
    site = collect(_write(tmp_path / "site", files))

    assert len(_all(site, "publications")) == 3
    assert not any("skipped (draft)" in w for w in _warnings(site))


def test_hugo_trailing_others_or_et_al_is_et_al_not_an_author(tmp_path):
    files = {
        "config/_default/hugo.yaml": "title: Wren Okafor\n",
        "content/authors/admin/_index.md": "---\ntitle: Wren Okafor\n---\n",
        "content/publication/a/index.md": (
            '---\ntitle: "Oars"\nauthors: ["admin", "Tam Bialy", "others"]\ndate: 2020\n---\n'
        ),
        "content/publication/b/index.md": (
            '---\ntitle: "Sails"\nauthors: ["Tam Bialy", "admin", "et al."]\ndate: 2021\n---\n'
        ),
        "content/publication/c/index.md": (
            '---\ntitle: "Keels"\nauthors: ["admin", "Tam Bialy"]\ndate: 2019\n---\n'
        ),
    }
    site = collect(_write(tmp_path / "site", files))

    authors = {
        p.title: [(a.name, a.is_owner) for a in p.authors] for p in _all(site, "publications")
    }
    assert authors == {
        "Oars": [("Wren Okafor", True), ("Tam Bialy", False), (ET_AL, False)],
        "Sails": [("Tam Bialy", False), ("Wren Okafor", True), (ET_AL, False)],
        "Keels": [("Wren Okafor", True), ("Tam Bialy", False)],
    }


def test_hugo_draft_import_stores_only_the_published_paper(db, tmp_path):
    root = _write(tmp_path / "wren", HUGO)
    out, err = StringIO(), StringIO()
    call_command("import_pages", str(root), "--lab", "harbour", stdout=out, stderr=err)

    assert err.getvalue() == ""
    [pub] = Publication.objects.all()
    names = [a.name for a in pub.authorships.order_by("position")]
    assert (pub.title, names) == (
        "Folding Paper Boats at Scale",
        ["Wren Okafor", "Tam Bialy", ET_AL],
    )
    assert "skipped (draft) 'Half a Boat'" in out.getvalue()


# -- Jekyll -------------------------------------------------------------------------------
CONFIG = "title: Ines Varga\nauthor:\n  name: Ines Varga\n"
ABOUT = "---\npermalink: /\ntitle: About\n---\n\nI study how moss grows on north walls.\n"

STYLE_GUIDE = """---
permalink: /style/
title: "Style"
---

## Where things live

* Settings: the config file

## Markdown guide

### Header three

#### Header four

## Blockquotes

> A quote about nothing.

## Tables

| A | B |
|---|---|
| 1 | 2 |

## Unordered Lists (Nested)

* one
  * two
"""


def test_jekyll_unpublished_and_utility_pages_are_skipped_and_named(tmp_path):
    root = _write(
        tmp_path / "site",
        {
            "_config.yml": CONFIG,
            "_pages/about.md": ABOUT,
            "_pages/_blog.md": "---\npermalink: /blog/\ntitle: blog\n---\n<div>{{ x }}</div>\n",
            "_pages/_old/notes.md": "---\ntitle: Old notes\n---\n\n## Notes\n\nMoss is green.\n",
            "_hidden.md": "---\ntitle: Hidden\n---\n\n## Hidden\n\nNot shown.\n",
            "_pages/missing.md": (
                '---\npermalink: /404.html\ntitle: "Page not found"\n---\n\nNothing is here.\n'
            ),
            "_pages/404.md": "---\ntitle: Lost\n---\n\nGo back to the start.\n",
            "_pages/style.md": STYLE_GUIDE,
        },
    )
    site = collect(root)

    assert [(s.title, s.source.path) for page in site.pages for s in page.sections] == [
        ("About", "_pages/about.md")
    ]
    skipped = {w.split(":")[0]: w for w in _warnings(site) if "skipped (" in w}
    assert sorted(skipped) == [
        "_hidden.md",
        "_pages/404.md",
        "_pages/_blog.md",
        "_pages/_old/notes.md",
        "_pages/missing.md",
        "_pages/style.md",
    ]
    assert "starts with '_'" in skipped["_pages/_blog.md"]
    assert "404 page" in skipped["_pages/missing.md"]
    assert "markdown style guide" in skipped["_pages/style.md"]
    # a skipped page's address is not redirected to the member's page
    assert all(not p.permalink for p in site.pages if p.source.path in skipped)
    assert site.errors == []


def test_jekyll_page_with_a_few_element_headings_is_still_the_owners(tmp_path):
    page = (
        "---\ntitle: Resources\n---\n\n## Links\n\n* [Moss atlas](https://example.org/moss)\n\n"
        "## Code\n\nScripts for counting spores.\n\n## Images\n\nPhotos of walls.\n\n"
        "## Field trips\n\nWe go north each spring.\n\n## Students\n\nTwo so far.\n"
    )
    root = _write(
        tmp_path / "site",
        {"_config.yml": CONFIG, "_pages/about.md": ABOUT, "_pages/resources.md": page},
    )
    site = collect(root)

    titles = [s.title for p in site.pages for s in p.sections if s.source.path.endswith("es.md")]
    assert titles == ["Links", "Code", "Images", "Field trips", "Students"]
    assert not any("skipped (" in w for w in _warnings(site))


SAMPLE_CV = """- title: General Information
  type: map
  contents:
    - name: Full Name
      value: Otto Brennholz
    - name: Languages
      value: German
- title: Education
  type: time_table
  contents:
    - title: PhD
      institution: Invented University, Nowhere
      year: 1901
"""


def test_jekyll_cv_yml_of_someone_else_is_the_themes_sample(tmp_path):
    root = _write(
        tmp_path / "site",
        {"_config.yml": CONFIG, "_pages/about.md": ABOUT, "_data/cv.yml": SAMPLE_CV},
    )
    site = collect(root)

    assert _all(site, "cv_entries") == []
    assert (
        "_data/cv.yml: the CV of 'Otto Brennholz', not of the site's owner 'Ines Varga'; "
        "not imported"
    ) in _warnings(site)


def test_jekyll_cv_yml_of_the_owner_is_imported(tmp_path):
    own = SAMPLE_CV.replace("Otto Brennholz", "Ines Varga")
    root = _write(
        tmp_path / "site",
        {"_config.yml": CONFIG, "_pages/about.md": ABOUT, "_data/cv.yml": own},
    )
    site = collect(root)

    assert [(e.title, e.organization) for e in _all(site, "cv_entries")] == [
        ("PhD", "Invented University, Nowhere")
    ]


def test_a_publications_file_names_its_kind_by_the_key_that_holds_its_venue(tmp_path):
    root = _write(
        tmp_path,
        {
            "_config.yml": "title: Tomas Lind\nauthor:\n  name: Tomas Lind\n",
            "_publications/2018-a.md": (
                '---\ntitle: "Cost models for sand"\nauthors: "Tomas Lind, Ana Ruiz"\n'
                "year: 2018\njournal: 'Sand Syst. 79'\n---\n"
            ),
            "_publications/2019-b.md": (
                '---\ntitle: "Ripples in small tunnels"\nauthors: "Tomas Lind"\n'
                "year: 2019\nbooktitle: 'Earth Surfaces 2019'\n---\n"
            ),
            "_publications/2020-c.md": (
                '---\ntitle: "Dunes at night"\nauthors: "Tomas Lind"\n'
                "year: 2020\nvenue: 'DUNE 2020'\n---\n"
            ),
            "_publications/2021-d.md": (
                '---\ntitle: "Dunes by day"\nauthors: "Tomas Lind"\n'
                "year: 2021\nvenue: 'Annual Dune Meeting'\n---\n"
            ),
            "_publications/2022-e.md": (
                '---\ntitle: "Dunes at dusk"\nauthors: "Tomas Lind"\n'
                "year: 2022\nvenue: 'Coastal Hazards and Sands'\n---\n"
            ),
        },
    )
    kinds = {p.title: p.kind for p in _all(collect(root), "publications")}
    # journal: and booktitle: say the kind, and so do a venue's words ("Meeting"); a bare
    # acronym says nothing; a name of words and no acronym is a journal's
    assert kinds == {
        "Cost models for sand": "journal",
        "Ripples in small tunnels": "conference",
        "Dunes at night": "",
        "Dunes by day": "conference",
        "Dunes at dusk": "journal",
    }


def test_a_collection_kept_in_two_languages_is_read_once_in_the_sites_own(db, tmp_path):
    paper = (
        '---\ntitle: "{title}"\nlang: {lang}\ncollection: publications\ndate: 2020-06-01\n'
        "venue: '{venue}'\ncitation: '{authors} (2020). {title}. <i>{venue}</i>, 3(1), 1-8.'\n---\n"
    )
    root = _write(
        tmp_path,
        {
            "_config.yml": "title: Tomas Lind\nauthor:\n  name: Tomas Lind\n",
            "_publications/2020-06-01-dunes.md": paper.format(
                title="沙丘的数字模型", lang="zh", venue="虚构沙学报", authors="林汤姆, 阮安娜."
            ),
            "_publications/en/2020-06-01-dunes.md": paper.format(
                title="A Digital Model of Dunes",
                lang="en",
                venue="Journal of Imaginary Sand",
                authors="Lind, T., Ruiz, A.",
            ),
            "_publications/en/2021-01-01-only-here.md": paper.format(
                title="Ripples Written Up in English Only",
                lang="en",
                venue="Journal of Imaginary Sand",
                authors="Lind, T.",
            ),
        },
    )
    site = collect(root)
    titles = sorted(p.title for p in _all(site, "publications"))
    # the English copy of the first paper is its translation; a file with no original stays
    assert titles == ["Ripples Written Up in English Only", "沙丘的数字模型"]
    assert any(
        "_publications/en/2020-06-01-dunes.md: skipped (a translation of "
        "_publications/2020-06-01-dunes.md)" in w
        for w in _warnings(site)
    )
    for _ in range(2):
        out = StringIO()
        call_command("import_pages", str(root), "--lab", "dunes", stdout=out, stderr=StringIO())
    assert "0 created, 0 updated" in out.getvalue().splitlines()[-1]
    assert Publication.objects.count() == 2
