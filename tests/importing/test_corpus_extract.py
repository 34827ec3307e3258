"""Every site of ``../shared/corpus`` through ``collect()``, counted against what the site shows.

The expected numbers were counted by reading each site's sources by hand (its ``_pages``,
collections and ``.bib`` files), not by running the importer. ``listed`` counts every
publication entry the site prints (a paper on both the about page and the publications page
counts twice); ``distinct`` counts papers by normalised title. Deliberate differences from a
naive reading are explained per site below.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

from labsite.importing.readers import collect
from labsite.importing.records import SiteRecord

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not present")

# site: (listed, distinct, news, projects, honors, talks, teaching)
EXPECTED = {
    # 10 _publications files (the publications page loops over them) + 4 "Selected
    # Publications" on the about page. The about page names the 2026 preprint "Dynamics in ML
    # markets: …" while its file says "Dynamics of Learning under User Choice: …" (same arXiv
    # id), so by title there are 11.
    "AdhyyanNarang__adhyyannarang.github.io": (14, 11, 0, 0, 0, 0, 0),
    # 13 bib entries (the al-folio Einstein samples below them have their "@" removed, so
    # jekyll-scholar does not show them either); no _news, no _projects; teaching.md is the
    # template's placeholder text.
    "NoahAmsel__NoahAmsel.github.io": (13, 13, 0, 0, 0, 0, 0),
    # publications page: 12 + 2 surveys; about page: 6 selected (all also on the publications
    # page). The JMLR "Extended Paper" and the ICML paper are two entries with two titles.
    # 8 news on the about page, 7 awards, 19 talk deliveries (6 titles × their venues),
    # 6 teaching headings. cv.md is the academicpages sample CV: prose.
    "Sanaelotfi__sanaelotfi.github.io": (20, 14, 8, 0, 7, 19, 6),
    # 12 bib entries, 5 _news, 5 _projects, 4 TA jobs on the teaching page.
    "ahmadhassandebugs__ahmadhassandebugs.github.io": (12, 12, 5, 5, 0, 0, 4),
    "euxhenh__euxhenh.github.io": (10, 10, 0, 0, 0, 0, 0),
    # 42 list entries (the thesis paragraph under "Thesis" is prose), 5 awards on cv.md (the
    # "Postdoc fellowships" on openings.md are calls for applications, not honors), 6 talks,
    # 2 courses. research.md describes research *topics* in prose — no collaborators, figures
    # or write-up links — so it stays prose rather than becoming projects.
    "jinzhao-sun__jinzhao-sun.github.io": (42, 42, 0, 0, 5, 6, 2),
    # 37 bib entries (two of them repeat a field, which jekyll-scholar accepts), 5 _news,
    # 1 _projects; awards.md and talks.md are wholly inside an HTML comment: not shown.
    "ningding97__ningding97.github.io": (37, 37, 5, 1, 0, 0, 0),
    "shyamven__shyamven.github.io": (11, 11, 0, 0, 0, 0, 0),
    # The publication lists are {% include bib_derivatives/*.md %} files that are not part of
    # the corpus (only page sources were kept), so nothing is shown that could be imported.
    "silencer1127__silencer1127.github.io": (0, 0, 0, 0, 0, 0, 0),
    # 15 _publications; the news page is 14 minimal-mistakes feature rows dated in titles.
    "z-fabian__z-fabian.github.io": (15, 15, 14, 0, 0, 0, 0),
    # 5 selected publications, 4 projects (bold title + [Paper][Code]), 2 courses.
    "zhenhuan-yang__zhenhuan-yang.github.io": (5, 5, 0, 4, 0, 0, 2),
}


def _norm(title: str) -> str:
    text = unicodedata.normalize("NFKD", title)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def _counts(site: SiteRecord) -> tuple[int, ...]:
    pubs = [p for page in site.pages for p in page.publications]
    return (
        len(pubs),
        len({_norm(p.title) for p in pubs}),
        sum(len(page.news) for page in site.pages),
        sum(len(page.projects) for page in site.pages),
        sum(len(page.honors) for page in site.pages),
        sum(len(page.talks) for page in site.pages),
        sum(len(page.teaching) for page in site.pages),
    )


_UNDATED = "Mitigating Augmentation Bias with Input-Dependent Distributions over Augmentations"
_SITES: dict[str, SiteRecord] = {}


def _site(name: str) -> SiteRecord:
    if name not in _SITES:
        _SITES[name] = collect(CORPUS / name)
    return _SITES[name]


def test_corpus_holds_the_eleven_sites():
    assert sorted(p.name for p in CORPUS.iterdir() if p.is_dir()) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_site_counts_match_what_the_site_shows(name):
    site = _site(name)
    assert site.errors == []
    assert _counts(site) == EXPECTED[name]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_site_records_are_complete(name):
    site = _site(name)
    pubs = [p for page in site.pages for p in page.publications]
    assert [p.title for p in pubs if not p.authors] == []
    # one entry says "Under review, soon on arxiv." and gives no year at all
    undated = {"Sanaelotfi__sanaelotfi.github.io": [_UNDATED]}
    assert [p.title for p in pubs if p.year is None] == undated.get(name, [])
    for page in site.pages:
        assert [n for n in page.news if not n.text.strip()] == []
        assert page.source.path and not page.source.path.startswith("/")


def test_corpus_owner_is_found_on_every_paper_they_wrote():
    # The two exceptions are papers the owner did not author: a consortium paper listing only
    # "SenNet Consortium", and DeepSeek-R1, which Ning Ding lists without being an author.
    missing = []
    for name in sorted(EXPECTED):
        for page in _site(name).pages:
            for pub in page.publications:
                if not any(a.is_owner for a in pub.authors):
                    missing.append((name.split("__")[0], pub.title[:40]))
    assert missing == [
        ("euxhenh", "NIH SenNet Consortium to Map Senescent C"),
        ("ningding97", "DeepSeek R1: Incentivized Reasoning at S"),
    ]


def test_corpus_profiles_come_from_config():
    profiles = {name.split("__")[0]: _site(name).profile for name in sorted(EXPECTED)}
    assert {k: p.name for k, p in profiles.items()} == {
        "AdhyyanNarang": "Adhyyan Narang",
        "NoahAmsel": "Noah Amsel",
        "Sanaelotfi": "Sanae Lotfi",
        "ahmadhassandebugs": "Ahmad Hassan",
        "euxhenh": "Euxhen Hasanaj",
        "jinzhao-sun": "Jinzhao Sun",
        "ningding97": "Ning Ding",
        "shyamven": "Shyam Venkatasubramanian",
        "silencer1127": "Jian Li",
        "z-fabian": "Zalan Fabian",
        "zhenhuan-yang": "Zhenhuan Yang",
    }
    assert profiles["silencer1127"].aliases == ["Jian Li (Andrew)", "Andrew Li"]
    assert profiles["z-fabian"].position == "Postdoc at USC Center on AI Foundations for Science."
    assert profiles["euxhenh"].position == "Research Scientist, Machine Learning @ GenBio AI"
    assert profiles["NoahAmsel"].cv == "https://noahamsel.github.io/assets/pdf/cv_hardcoded.pdf"
    assert profiles["shyamven"].website == "https://shyamven.github.io"  # the site is the homepage
    assert profiles["NoahAmsel"].aliases == ["N. Amsel"]  # al-folio scholar: first/last names
    assert profiles["ningding97"].aliases == ["N. Ding"]
    assert profiles["ahmadhassandebugs"].orcid == "https://orcid.org/0000-0002-7886-7531"
    assert profiles["Sanaelotfi"].affiliation == "New York University"
    assert profiles["Sanaelotfi"].linkedin == "https://www.linkedin.com/in/sanae-lotfi-636825127"
    assert profiles["z-fabian"].github == "https://github.com/z-fabian/"
    # avatars are named, but the corpus holds no images: the path is None, never a crash
    assert [p.avatar.path for p in profiles.values() if p.avatar] == [None] * 11


def test_corpus_al_folio_links_are_absolutised_from_config():
    site = _site("ahmadhassandebugs__ahmadhassandebugs.github.io")
    opcm = next(p for page in site.pages for p in page.publications if p.title.startswith("OPCM"))
    assert [(link.kind, link.url) for link in opcm.links] == [
        ("paper", "https://doi.org/10.1145/3768970"),
        ("pdf", "https://ahmadhassandebugs.github.io/assets/pdf/opcm_conext25.pdf"),
        (
            "slides",
            "https://ahmadhassandebugs.github.io/assets/pdf/slides-conext25-opcm-public.pptx",
        ),
        ("website", "https://ahmadhassandebugs.github.io/projects/opcm/"),
    ]
    assert (opcm.short_venue, opcm.selected, opcm.doi, opcm.award) == (
        "CoNEXT",
        True,
        "10.1145/3768970",
        "🏆",
    )
    assert opcm.bibtex.startswith("@article{10.1145/3768970,")


def test_corpus_blog_posts_are_read_as_posts():
    site = _site("zhenhuan-yang__zhenhuan-yang.github.io")
    posts = [page for page in site.pages if page.source.path.startswith("_posts/")]
    assert len(posts) == 5
    for page in posts:
        (post,) = page.posts
        assert page.source.path.endswith(f"-{post.slug}.md")
        assert post.title and post.date.isoformat() in page.source.path
        assert post.body or not post.published  # an empty post in this corpus is a draft
        assert (page.publications, page.news, page.projects, page.sections) == ([], [], [], [])
