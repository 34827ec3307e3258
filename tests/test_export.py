"""export_site (issue 9, item 5): the URL → file mapping, the link rewrite, a second run that
changes only what changed, and bad input. The browser crawl of an export is in
tests/browser/test_export_browser.py."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from labsite.exporting import links
from labsite.exporting.links import Site, Target
from labsite.exporting.output import MANIFEST
from labsite.models import Redirect
from publications.models import Publication
from tests import factories as f

SITE = Site(host="lab.example.org", not_exported=("/admin/", "/markdownx/", "/healthz"))


def resolve(url: str, base: str = "/people/ada/") -> Target | None:
    return links.target(url, base=base, site=SITE)


# --- mapping ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "directory_like", "file"),
    [
        ("/", False, "index.html"),
        ("/people/", False, "people/index.html"),
        ("/people/ada-lovelace/", False, "people/ada-lovelace/index.html"),
        ("/people/ada-lovelace/publications.bib", False, "people/ada-lovelace/publications.bib"),
        ("/feeds/news.xml", False, "feeds/news.xml"),
        ("/publications.bib", False, "publications.bib"),
        ("/robots.txt", False, "robots.txt"),
        ("/publications/?year=2024", False, "publications/year=2024/index.html"),
        (
            "/publications/?page=2&type=journal",
            False,
            "publications/page=2/type=journal/index.html",
        ),
        ("/about", True, "about/index.html"),
        ("/about.html", True, "about.html"),
        ("/media/uploads/my%20photo.png", False, "media/uploads/my photo.png"),
        ("/static/labsite/site.3f2a.css", False, "static/labsite/site.3f2a.css"),
        ("/a/%2e%2e/b/", False, None),
        ("/a//b/", False, None),
        ("/feeds/news.xml?page=2", False, None),
    ],
)
def test_file_for_maps_every_kind_of_url(key, directory_like, file):
    assert links.file_for(key, directory_like=directory_like) == file


@pytest.mark.parametrize(
    ("file", "link"),
    [
        ("index.html", "/"),
        ("people/ada/index.html", "/people/ada/"),
        ("publications/year=2024/index.html", "/publications/year=2024/"),
        ("feeds/news.xml", "/feeds/news.xml"),
        ("media/uploads/my photo.png", "/media/uploads/my%20photo.png"),
    ],
)
def test_link_for_is_the_address_a_static_server_answers(file, link):
    assert links.link_for(file) == link


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/people/bob/", Target("page", "/people/bob/")),
        ("https://lab.example.org/people/bob/#news", Target("page", "/people/bob/", "news")),
        ("http://LAB.example.org:8000/news/", Target("page", "/news/")),
        ("publications/", Target("page", "/people/ada/publications/")),
        ("../bob/", Target("page", "/people/bob/")),
        ("?page=2", Target("page", "/people/ada/?page=2")),
        (
            "/publications/?type=journal&year=2024",
            Target("page", "/publications/?type=journal&year=2024"),
        ),
        ("/publications/?year=2024&type=", Target("page", "/publications/?year=2024")),
        ("/publications/?", Target("page", "/publications/")),
        ("/publications/?q=federated+learning", Target("page", "/publications/")),
        ("/static/labsite/site.css", Target("static", "/static/labsite/site.css")),
        ("/media/avatars/a.png?v=2", Target("media", "/media/avatars/a.png")),
        ("/admin/", Target("live", "/admin/")),
        ("/healthz", Target("live", "/healthz")),
        ("https://other.example.org/people/bob/", None),
        ("mailto:ada@example.org", None),
        ("javascript:alert(1)", None),
        ("#content", None),
        ("", None),
    ],
)
def test_target_names_the_resource_a_link_points_at(url, expected):
    assert resolve(url) == expected


def test_target_takes_media_from_a_bucket_url():
    site = Site(host="lab.example.org", media_url="https://bucket.example.net/media/")
    found = links.target(
        "https://bucket.example.net/media/figures/a.png?X-Sig=1", base="/", site=site
    )
    assert found == Target("media", "/media/figures/a.png")


# --- rewrite ------------------------------------------------------------------------------

PAGE = """<!doctype html><html><head>
<script nonce="abc123==">var x = '<a href="/not-a-link/">';</script>
<link rel="stylesheet" href="/static/site.css">
<link rel="canonical" href="https://lab.example.org/people/ada/">
</head><body>
<!-- <a href="/commented-out/"> -->
<a class="x" href='/publications/?year=2024' title="a > b">2024</a>
<a href="/publications/?q=free+text">search</a>
<img src="/media/a.png" srcset="/media/a-480.png 480w, /media/a-960.png 960w" alt="">
<script src="/static/site.js" data-katex-css="/static/katex.css" defer></script>
<pre><code>&lt;a href="/inside-code/"&gt;</code></pre>
<a href="https://lab.example.org/admin/">sign in</a>
<a href="https://elsewhere.example.com/">away</a>
<a href="mailto:x@example.org">mail</a>
<form method="get" action=""><input name="q"></form>
</body></html>"""


def test_html_links_reads_tags_only():
    assert links.html_links(PAGE) == [
        "/static/site.css",
        "https://lab.example.org/people/ada/",
        "/publications/?year=2024",
        "/publications/?q=free+text",
        "/media/a.png",
        "/media/a-480.png",
        "/media/a-960.png",
        "/static/site.js",
        "/static/katex.css",
        "https://lab.example.org/admin/",
        "https://elsewhere.example.com/",
        "mailto:x@example.org",
        "",
    ]


def test_rewrite_html_changes_only_the_urls_that_move():
    def moved(url: str, base: str) -> str | None:
        found = links.target(url, base=base, site=SITE)
        if found is None:
            return None
        if found.kind == "live":
            return SITE.origin + found.key
        return links.link_for(links.file_for(found.key, directory_like=found.kind == "page"))

    out = links.rewrite_html(PAGE, base="/people/ada/", resolve=moved)
    out = links.strip_forms(out, base="/people/ada/", site=SITE)
    assert out == (
        PAGE.replace('<script nonce="abc123==">', "<script>")
        .replace('href="https://lab.example.org/people/ada/"', 'href="/people/ada/"')
        .replace("href='/publications/?year=2024'", 'href="/publications/year=2024/"')
        .replace('href="/publications/?q=free+text"', 'href="/publications/"')
        .replace('<form method="get" action=""><input name="q"></form>', "")
    )


# --- the command --------------------------------------------------------------------------


@pytest.fixture
def lab(db):
    lab = f.LabFactory(slug="nexus", name="Nexus Lab", site__domain="nexus.localhost")
    ada = f.PersonFactory(
        name="Ada Lovelace",
        bio="See [Bob](https://nexus.localhost/people/bob-ross/) or [edit](/admin).",
    )
    bob = f.PersonFactory(name="Bob Ross")
    for person in (ada, bob):
        f.MembershipFactory(person=person, lab=lab)
    for year in (2023, 2024):
        paper = f.PublicationFactory(title=f"Paper of {year}", year=year)
        f.AuthorshipFactory(publication=paper, person=ada, name=ada.name, position=0)
        f.AuthorshipFactory(publication=paper, person=bob, name=bob.name, position=1)
    f.NewsItemFactory(person=ada, text="Ada's news")
    f.ProjectFactory(lab=lab, title="Engines", summary="Analytical.")
    Redirect.objects.create(lab=lab, old_path="/about.html", new_path=ada.get_absolute_url())
    other = f.LabFactory(slug="other", name="Other Lab")
    carol = f.PersonFactory(name="Carol Other")
    f.MembershipFactory(person=carol, lab=other)
    return lab


def export(directory: Path, slug: str = "nexus") -> str:
    out = io.StringIO()
    call_command("export_site", "--lab", slug, str(directory), stdout=out, stderr=io.StringIO())
    return out.getvalue()


def counts(output: str) -> tuple[int, int, int]:
    found = re.search(r"(\d+) written, (\d+) unchanged, (\d+) removed", output)
    return tuple(int(n) for n in found.groups())


def tree(directory: Path) -> dict[str, int]:
    return {
        str(p.relative_to(directory)): p.stat().st_mtime_ns
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


PERSON_PAGES = ("cv", "talks", "teaching", "posts")


def test_export_writes_every_public_page_of_the_lab_only(lab, tmp_path):
    site = tmp_path / "site"
    export(site)
    files = set(tree(site))
    ada, bob = "people/ada-lovelace", "people/bob-ross"
    pk = {p.year: p.pk for p in Publication.objects.all()}
    expected_pages = {
        "index.html",
        "people/index.html",
        f"{ada}/index.html",
        f"{ada}/publications/index.html",
        f"{bob}/index.html",
        f"{bob}/publications/index.html",
        "publications/index.html",
        f"publications/{pk[2023]}/index.html",
        f"publications/{pk[2024]}/index.html",
        "publications/year=2023/index.html",
        "publications/year=2024/index.html",
        "research/index.html",
        "research/engines/index.html",
        "news/index.html",
        "about.html",
        # A member's CV, talks, teaching and blog pages, and the lab's talks, blog and search.
        *(f"{who}/{page}/index.html" for who in (ada, bob) for page in PERSON_PAGES),
        "talks/index.html",
        "posts/index.html",
        "search/index.html",
    }
    expected_files = {
        "robots.txt",
        "sitemap.xml",
        "feeds/news.xml",
        f"{ada}/feed.xml",
        f"{bob}/feed.xml",
        "publications.bib",
        f"{ada}/publications.bib",
        f"{bob}/publications.bib",
        f"{ada}/cv.pdf",
        f"{bob}/cv.pdf",
        "static/labsite/site.css",
        "static/labsite/site.js",
        "static/labsite/favicon.svg",
        ".nojekyll",
        MANIFEST,
    }
    assert expected_pages | expected_files <= files
    assert not any("carol" in name for name in files)
    html_files = {name for name in files if name.endswith(".html")}
    assert html_files == expected_pages
    ada_page = (site / ada / "index.html").read_text()
    assert 'href="/people/bob-ross/"' in ada_page  # the bio's absolute link, made site-relative
    # Only meta tags' content (og:url) keeps the absolute address; links are site-relative.
    # ``/admin`` redirects to the admin: it ends on the live host too.
    assert re.findall(r'(?:href|src)="https?://nexus\.localhost[^"]*"', ada_page) == [
        'href="https://nexus.localhost/admin/"',
        'href="https://nexus.localhost/admin/"',
    ]
    assert 'href="https://nexus.localhost/admin/"' in ada_page  # not public: left on the live host
    assert "nonce=" not in ada_page
    detail = (site / f"publications/{pk[2024]}/index.html").read_text()
    assert 'href="/publications/year=2024/"' in detail
    assert "<form" not in (site / "publications/index.html").read_text()
    moved = (site / "about.html").read_text()
    assert 'content="0; url=/people/ada-lovelace/"' in moved
    # Feeds and the sitemap keep absolute URLs, as their formats want.
    assert "https://nexus.localhost/people/ada-lovelace/" in (site / "sitemap.xml").read_text()


def test_second_run_writes_nothing_and_a_change_writes_only_what_changed(lab, tmp_path):
    site = tmp_path / "site"
    first = counts(export(site))
    assert first[0] == len(tree(site)) - 1 and first[1:] == (0, 0)  # all but the manifest
    before = tree(site)
    assert counts(export(site)) == (0, first[0], 0)
    assert tree(site) == before  # not one file touched

    (site / "CNAME").write_text("lab.example.org\n")  # the user's own file
    paper = Publication.objects.get(year=2023)
    pk = paper.pk
    paper.delete()
    written, unchanged, removed = counts(export(site))
    after = tree(site)
    assert f"publications/{pk}/index.html" not in after
    assert "publications/year=2023/index.html" not in after
    assert not (site / "publications" / "year=2023").exists()  # emptied folders go too
    assert f"publications/{pk}.bib" not in after
    assert removed == 3  # its page, its BibTeX file, its year's list
    assert after["CNAME"] == before.get("CNAME", after["CNAME"])
    assert (site / "CNAME").read_text() == "lab.example.org\n"
    assert 0 < written < first[0] - 2
    changed = {name for name in after if after[name] != before.get(name)}
    assert "robots.txt" not in changed and "research/engines/index.html" not in changed
    assert "publications/index.html" in changed and "publications.bib" in changed
    manifest = json.loads((site / MANIFEST).read_text())
    assert manifest["lab"] == "nexus" and "CNAME" not in manifest["files"]
    assert set(manifest["files"]) == set(after) - {MANIFEST, "CNAME"}


def test_the_export_renders_past_the_page_cache(lab, tmp_path, client):
    from django.core.cache import caches

    def stored_pages() -> int:
        return sum("labsite:page:" in key for key in caches["default"]._cache)

    counts(export(tmp_path / "site"))
    assert stored_pages() == 0  # each page is asked for once: nothing worth keeping
    response = client.get("/", HTTP_HOST=lab.site.domain)
    assert response["X-Page-Cache"] == "miss" and stored_pages() == 1  # visitors still are


def test_a_file_edited_since_the_export_is_kept_not_removed(lab, tmp_path):
    site = tmp_path / "site"
    export(site)
    paper = Publication.objects.get(year=2023)
    pk = paper.pk
    page = site / f"publications/{pk}/index.html"
    page.write_text("my own notes")
    paper.delete()
    out = io.StringIO()
    err = io.StringIO()
    call_command("export_site", "--lab", "nexus", str(site), stdout=out, stderr=err)
    assert page.read_text() == "my own notes"
    assert f"Kept publications/{pk}/index.html: changed since" in err.getvalue()
    assert f"publications/{pk}/index.html" not in json.loads((site / MANIFEST).read_text())["files"]


def test_a_file_the_export_did_not_write_is_never_replaced(lab, tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "robots.txt").write_text("User-agent: *\nDisallow: /\n")
    with pytest.raises(CommandError, match=r"did not write and would replace: robots\.txt"):
        export(site)
    assert sorted(p.name for p in site.iterdir()) == ["robots.txt"]  # nothing written
    assert (site / "robots.txt").read_text() == "User-agent: *\nDisallow: /\n"


def test_unknown_lab_lists_the_labs(lab, tmp_path):
    with pytest.raises(CommandError, match=r"^No lab 'nope'\. Labs: nexus, other\.$"):
        export(tmp_path / "site", slug="nope")
    assert not (tmp_path / "site").exists()


def test_a_folder_that_is_a_file_or_not_writable_is_refused(lab, tmp_path):
    a_file = tmp_path / "site.txt"
    a_file.write_text("keep me")
    with pytest.raises(CommandError, match=r"is a file, not a folder"):
        export(a_file)
    assert a_file.read_text() == "keep me"
    with pytest.raises(CommandError, match=r"^Cannot write to .*site\.txt/inside"):
        export(a_file / "inside")
    # sysfs refuses new files even to root (and / to anyone else where there is no /sys).
    with pytest.raises(CommandError, match=r"^Cannot write to /sys"):
        export(Path("/sys"))


def test_another_labs_export_folder_is_refused(lab, tmp_path):
    site = tmp_path / "site"
    export(site)
    with pytest.raises(CommandError, match=r"holds the export of lab 'nexus', not 'other'"):
        export(site, slug="other")
    (site / MANIFEST).write_text("{not json")
    with pytest.raises(CommandError, match=r"cannot be read"):
        export(site)


def test_pages_rendered_in_worker_processes_are_the_same(transactional_db, tmp_path):
    """``--jobs 2`` forks two processes that render pages with their own database connection
    (on PostgreSQL; an in-memory SQLite test database is visible to this process only, so
    there the export renders in one). Either way the files are the same as ``--jobs 1``'s."""
    lab = f.LabFactory(slug="nexus", name="Nexus Lab", site__domain="nexus.localhost")
    for n in range(6):
        person = f.PersonFactory(name=f"Member {n}")
        f.MembershipFactory(person=person, lab=lab)
        paper = f.PublicationFactory(title=f"Paper {n}", year=2020 + n % 3)
        f.AuthorshipFactory(publication=paper, person=person, name=person.name, position=0)
    serial, parallel = tmp_path / "serial", tmp_path / "parallel"
    call_command("export_site", "--lab", "nexus", str(serial), "--jobs", "1", stdout=io.StringIO())
    call_command(
        "export_site", "--lab", "nexus", str(parallel), "--jobs", "2", stdout=io.StringIO()
    )

    def contents(root: Path) -> dict[str, bytes]:
        return {
            str(p.relative_to(root)): p.read_bytes()
            for p in root.rglob("*")
            if p.is_file() and p.name != MANIFEST
        }

    assert contents(parallel) == contents(serial)
    assert "people/member-5/index.html" in contents(serial)
