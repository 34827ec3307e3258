"""collect(): what a path holds, the site owner's profile, and bad inputs as one-line errors."""

from __future__ import annotations

import codecs
import os
from pathlib import Path

import pytest

from labsite.importing.readers import ImportInputError, collect

GOOD_PAGE = "---\ntitle: Ada Lovelace\npermalink: /\n---\n\n## News\n- Jan 2024: Joined.\n"


def _write(root: Path, rel: str, content: str | bytes) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def test_collect_missing_path_raises(tmp_path):
    with pytest.raises(ImportInputError) as exc:
        collect(tmp_path / "nope")
    assert str(exc.value) == f"{tmp_path / 'nope'}: no such file or folder"


def test_collect_folder_without_pages_raises(tmp_path):
    _write(tmp_path, "photo.png", b"\x89PNG\r\n\x1a\n")
    _write(tmp_path, "notes.json", "{}")
    with pytest.raises(ImportInputError) as exc:
        collect(tmp_path)
    assert "no pages found" in str(exc.value)


def test_collect_single_page_root_is_its_folder(tmp_path):
    path = _write(tmp_path, "pages/me.md", GOOD_PAGE)
    site = collect(path)
    assert site.root == tmp_path / "pages"
    assert [(p.source.path, p.title, p.permalink, p.owner_names) for p in site.pages] == [
        ("me.md", "Ada Lovelace", "/", ["Ada Lovelace"])
    ]
    assert site.profile.name == ""


def test_collect_bad_files_become_one_line_errors_and_others_still_import(tmp_path):
    _write(tmp_path, "a_good.md", GOOD_PAGE)
    _write(tmp_path, "b_broken.md", "---\ntitle: x\nlist: [1, 2\nother: y\n---\nbody\n")
    _write(tmp_path, "c_binary.md", b"\x00\x01\x02\x03binary\xff\xfe\x00" * 50)
    _write(tmp_path, "d_empty.md", "")
    _write(tmp_path, "e_huge.md", b"x" * (10 * 1024 * 1024))
    _write(
        tmp_path, "f_encoding.md", b"ok\n" + "日本語のページ、論文一覧です。".encode("euc_jp") * 5
    )
    _write(
        tmp_path,
        "g_cp1252.md",
        GOOD_PAGE.replace("Joined", "Joined the caf\u00e9").encode("cp1252"),
    )
    site = collect(tmp_path)
    assert [p.source.path for p in site.pages] == ["a_good.md", "g_cp1252.md"]
    assert site.errors == [
        "b_broken.md:4: broken YAML front matter: expected ',' or ']', but got ':'",
        "c_binary.md:1: binary file, not text",
        "d_empty.md:1: empty file",
        "e_huge.md:1: file is larger than 2 MB (10485760 bytes)",
        "f_encoding.md:2: unknown text encoding: not UTF-8, and too many non-ASCII bytes for a "
        "Western single-byte encoding; save the file as UTF-8",
    ]
    assert site.pages[1].news[0].text == "Joined the café."


def test_collect_utf16_and_bom_pages(tmp_path):
    _write(tmp_path, "a.md", GOOD_PAGE.encode("utf-16"))
    _write(tmp_path, "b.md", codecs.BOM_UTF8 + GOOD_PAGE.replace("\n", "\r\n").encode("utf-8"))
    site = collect(tmp_path)
    assert site.errors == []
    assert [(p.title, [n.text for n in p.news]) for p in site.pages] == [
        ("Ada Lovelace", ["Joined."]),
        ("Ada Lovelace", ["Joined."]),
    ]


def test_collect_unreadable_file(tmp_path, monkeypatch):
    _write(tmp_path, "a.md", GOOD_PAGE)
    locked = _write(tmp_path, "b.md", GOOD_PAGE)
    # chmod(0) does not stop root (CI runs as root), so the refusal comes from the OS call itself.
    real_open = os.open

    def refusing_open(path, *args, **kwargs):
        if Path(path) == locked.resolve():
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", refusing_open)
    site = collect(tmp_path)
    assert [p.title for p in site.pages] == ["Ada Lovelace"]
    assert site.errors == ["b.md:1: cannot read file (Permission denied)"]


ACADEMICPAGES_CONFIG = """\
title: "Ada Lovelace"
url: "https://ada.example"
baseurl: "/site"  # a sub-path
publication_category:
  manuscripts:
    title: 'Journal Articles'
author:
  name             : "Dr. Ada Lovelace"
  avatar           : "ada.png"
  bio              : "Analyst"
  location         : "London"
  employer         : "Analytical Engines Ltd"
  email            :  "ada@example.org"
  googlescholar    : "https://scholar.google.com/citations?user=ADA"
  orcid            : # empty
  github           : "ada"
  linkedin         : "ada-l"
  twitter          :
"""


def test_collect_academicpages_site(tmp_path):
    _write(tmp_path, "_config.yml", ACADEMICPAGES_CONFIG)
    _write(tmp_path, "images/ada.png", b"\x89PNG\r\n\x1a\n")
    _write(tmp_path, "README.md", "# The template readme, not a page\n")
    _write(
        tmp_path,
        "_pages/about.md",
        GOOD_PAGE + "\n## Publications\n\n"
        "**A Great Paper**  \nAda Lovelace, C. Babbage  \nJMLR 2020  \n[PDF](/files/p.pdf)\n",
    )
    _write(
        tmp_path,
        "_publications/2020-paper.md",
        "---\ntitle: 'Another Paper'\ncategory: manuscripts\ndate: 2020\nvenue: 'Nature'\n"
        "citation: 'Babbage, C. and Lovelace, A. (2020). &quot;Another Paper.&quot; "
        "<i>Nature</i>.'\n"
        "paperurl: '/files/another.pdf'\n---\nAbstract of another paper.\n",
    )
    _write(tmp_path, "_posts/2021-01-01-hello.md", "---\ntitle: Hello\n---\nA post.\n")
    _write(tmp_path, "_data/navigation.yml", "main: []\n")
    site = collect(tmp_path)
    assert site.errors == []
    profile = site.profile
    assert (profile.name, profile.aliases, profile.affiliation, profile.location) == (
        "Ada Lovelace",
        ["Dr. Ada Lovelace"],
        "Analytical Engines Ltd",
        "London",
    )
    assert (
        profile.google_scholar,
        profile.github,
        profile.linkedin,
        profile.orcid,
        profile.twitter,
    ) == (
        "https://scholar.google.com/citations?user=ADA",
        "https://github.com/ada",
        "https://www.linkedin.com/in/ada-l",
        "",
        "",
    )
    assert (profile.avatar.src, profile.avatar.path) == ("ada.png", tmp_path / "images" / "ada.png")
    assert [p.source.path for p in site.pages] == [
        "_pages/about.md",
        "_publications/2020-paper.md",
        "_posts/2021-01-01-hello.md",
    ]
    about, paper_page, post = site.pages
    (mine,) = about.publications
    assert [(a.name, a.is_owner) for a in mine.authors] == [
        ("Ada Lovelace", True),
        ("C. Babbage", False),
    ]
    assert [(link.kind, link.url) for link in mine.links] == [
        ("pdf", "https://ada.example/site/files/p.pdf")
    ]
    (other,) = paper_page.publications
    assert (other.title, other.kind, other.year, other.venue) == (
        "Another Paper",
        "journal",
        2020,
        "Nature",
    )
    assert [(a.name, a.is_owner) for a in other.authors] == [
        ("C. Babbage", False),
        ("A. Lovelace", True),
    ]
    assert other.links[0].url == "https://ada.example/site/files/another.pdf"
    assert post.warnings == []
    assert [(p.title, p.slug, p.date.isoformat(), p.body) for p in post.posts] == [
        ("Hello", "hello", "2021-01-01", "A post.")
    ]


def test_collect_al_folio_site(tmp_path):
    _write(
        tmp_path,
        "_config.yml",
        "first_name: Felix\nmiddle_name:\nlast_name: Morrow\nemail: n@x.org\nurl: https://n.example\n"
        "baseurl: /\nscholar_userid: ABC\ngithub_username: felix\norcid_id: 0000-0001\n"
        "x_username: nx\n",
    )
    _write(
        tmp_path,
        "_pages/about.md",
        "---\nlayout: about\ntitle: about\npermalink: /\nprofile:\n  image: me.jpg\n---\n"
        "\nHello.\n",
    )
    _write(
        tmp_path,
        "_bibliography/papers.bib",
        "---\n---\n@article{a, title={T One}, author={Morrow, Felix and B, C}, journal={J},"
        " year={2020}, pdf={a.pdf}}\n",
    )
    _write(
        tmp_path,
        "_news/announcement_1.md",
        "---\nlayout: post\ndate: 2021-5-6\ninline: true\n---\n\nNews!\n",
    )
    _write(
        tmp_path,
        "_projects/1_project.markdown",
        "---\ntitle: P\ndescription: D\nimg: /assets/img/p.png\n---\nBody.\n",
    )
    site = collect(tmp_path)
    assert site.errors == []
    profile = site.profile
    assert (
        profile.name,
        profile.email,
        profile.google_scholar,
        profile.orcid,
        profile.twitter,
    ) == (
        "Felix Morrow",
        "n@x.org",
        "https://scholar.google.com/citations?user=ABC",
        "https://orcid.org/0000-0001",
        "https://twitter.com/nx",
    )
    assert (profile.avatar.src, profile.avatar.path) == ("me.jpg", None)
    pubs = [p for page in site.pages for p in page.publications]
    assert [
        (p.title, [a.is_owner for a in p.authors], [lk.url for lk in p.links]) for p in pubs
    ] == [("T One", [True, False], ["https://n.example/assets/pdf/a.pdf"])]
    news = [n for page in site.pages for n in page.news]
    assert [(str(n.date), n.text) for n in news] == [("2021-05-06", "News!")]
    projects = [p for page in site.pages for p in page.projects]
    assert [(p.title, p.summary, p.body, [f.src for f in p.figures]) for p in projects] == [
        ("P", "D", "Body.", ["/assets/img/p.png"])
    ]


def test_collect_broken_config_is_an_error_and_pages_still_import(tmp_path):
    _write(tmp_path, "_config.yml", "title: x\nauthor: [unclosed\n")
    _write(tmp_path, "_pages/about.md", GOOD_PAGE)
    site = collect(tmp_path)
    assert [e.split(":")[:2] for e in site.errors] == [["_config.yml", "3"]]
    assert [p.title for p in site.pages] == ["Ada Lovelace"]


def test_collect_a_section_that_cannot_be_parsed_is_one_error_with_its_line(tmp_path, monkeypatch):
    from labsite.importing.extract import page as page_module

    def explode(*args, **kwargs):
        raise ValueError("boom")

    monkeypatch.setattr(page_module, "extract_honors", explode)
    _write(tmp_path, "a.md", GOOD_PAGE)
    _write(tmp_path, "b.md", "---\ntitle: B\n---\nIntro.\n\n## Awards\n- A Prize, 2020\n")
    site = collect(tmp_path)
    assert [p.source.path for p in site.pages] == ["a.md"]
    assert site.errors == ["b.md:6: cannot parse section 'Awards' (ValueError: boom)"]


def test_collect_read_more_by_jekyll_url_brings_the_post_in(tmp_path):
    _write(tmp_path, "_config.yml", "title: Lab\n")
    _write(
        tmp_path,
        "_pages/research.md",
        "---\ntitle: Research\n---\n## Research\n\n### Project One\nCollaborated with [Bo](https://b.example)\n\n"
        "We do things.\n[Read more](/2024/04/03/asymml.html)\n\n### Project Two\n"
        "![fig](/assets/two.png)\nMore.\n[Read more](/posts/missing/)\n",
    )
    _write(tmp_path, "_posts/2024-04-03-asymml.md", "---\ntitle: Asym\n---\nThe full write-up.\n")
    _write(tmp_path, "_posts/2024-05-01-other.md", "---\ntitle: Other\n---\nA blog post.\n")
    site = collect(tmp_path)
    assert site.errors == []
    research, used, other = site.pages
    assert [(p.title, p.body, p.read_more, p.write_up) for p in research.projects] == [
        (
            "Project One",
            "The full write-up.",
            "/2024/04/03/asymml.html",
            "_posts/2024-04-03-asymml.md",
        ),
        ("Project Two", "", "/posts/missing/", ""),
    ]
    assert research.warnings == ["_pages/research.md:12: write-up /posts/missing/ not found"]
    # Every post is a post of its own, the write-up too (its project links to it).
    assert [(page.source.path, [p.title for p in page.posts]) for page in (used, other)] == [
        ("_posts/2024-04-03-asymml.md", ["Asym"]),
        ("_posts/2024-05-01-other.md", ["Other"]),
    ]


def test_config_tagline_bio_is_the_position_not_said_twice(tmp_path):
    _write(
        tmp_path, "_config.yml", 'author:\n  name: Ada Lovelace\n  bio: "PhD student, Engine Lab"\n'
    )
    _write(tmp_path, "_pages/about.md", GOOD_PAGE)
    profile = collect(tmp_path).profile
    assert (profile.position, profile.bio) == ("PhD student, Engine Lab", "")


def test_config_long_bio_stays_the_bio(tmp_path):
    long_bio = "I build analytical engines. " * 10
    _write(tmp_path, "_config.yml", f'author:\n  name: Ada Lovelace\n  bio: "{long_bio}"\n')
    _write(tmp_path, "_pages/about.md", GOOD_PAGE)
    profile = collect(tmp_path).profile
    assert (profile.position, profile.bio) == ("", long_bio.strip())
