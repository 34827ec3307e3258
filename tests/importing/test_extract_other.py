"""Step 4, the other lists: honors, talks, teaching, projects, page classification, collections."""

from __future__ import annotations

import datetime
from pathlib import Path

from labsite.importing.extract.common import Context
from labsite.importing.extract.lists import (
    extract_honors,
    extract_talks,
    extract_teaching,
    split_honor,
)
from labsite.importing.extract.page import classify, extract_page, person_like
from labsite.importing.extract.projects import figures_in, project_from_block
from labsite.importing.parse import parse_page
from labsite.importing.readers.jekyll.collections import (
    category_kind,
    citation_parts,
    collection_news,
    collection_project,
    collection_publication,
    collection_talk,
    collection_teaching,
)


def _lines(text: str) -> list[tuple[int, str]]:
    return list(enumerate(text.split("\n"), start=1))


# ---------------------------------------------------------------- honors


def test_split_honor_shapes():
    assert split_honor("Best Paper Award, DL@Edge-NeurIPS Workshop, 2023") == (
        "Best Paper Award",
        2023,
        "DL@Edge-NeurIPS Workshop",
        "",
    )
    assert split_honor("WiST Northwind Top-Up Fellowship 2021") == (
        "WiST Northwind Top-Up Fellowship",
        2021,
        "",
        "",
    )
    assert split_honor("Northwind Research PhD Fellowship, 2023-2025") == (
        "Northwind Research PhD Fellowship",
        2023,
        "",
        "",
    )
    assert split_honor("Multiple Travel Grants: ICML 2023, NeurIPS 2022") == (
        "Multiple Travel Grants",
        2023,
        "ICML 2023, NeurIPS 2022",
        "",
    )
    assert split_honor("[ACL Best Demo Paper Award](https://acl.example/award), 2022.") == (
        "ACL Best Demo Paper Award",
        2022,
        "",
        "https://acl.example/award",
    )
    assert split_honor("Eastvale Hartley AI Fellowship") == (
        "Eastvale Hartley AI Fellowship",
        None,
        "",
        "",
    )


def test_extract_honors_keeps_order_and_lines():
    honors = extract_honors(_lines("- A Prize, 2020\n- Grant, Agency 2019\n"), "awards.md")
    assert [(h.title, h.year, h.detail, h.source.line) for h in honors] == [
        ("A Prize", 2020, "", 1),
        ("Grant", 2019, "Agency", 2),
    ]


# ---------------------------------------------------------------- talks


def test_talks_bold_title_with_venue_list():
    talks = extract_talks(
        _lines(
            "**Bounds for Large Models**\n- MIT, CSAIL Seminar\n- NeurIPS Workshop, Keynote Talk\n"
            "\n**Second Talk Title Here**\n- Northwind AI, Guest Talk\n"
        ),
        Context(),
        "talks.md",
    )
    assert [(t.title, t.event, t.kind) for t in talks] == [
        ("Bounds for Large Models", "MIT, CSAIL Seminar", "seminar"),
        ("Bounds for Large Models", "NeurIPS Workshop, Keynote Talk", "keynote"),
        ("Second Talk Title Here", "Northwind AI, Guest Talk", "invited"),
    ]


def test_talks_one_per_line_with_dates_and_links():
    talks = extract_talks(
        _lines(
            "Some of my talks are listed below, more to come...\n\n"
            "Quantum Walk Sampling, QCW 2023 ([slides](https://x.org/s))\n\n"
            "Noisy circuit emulation, QSD 2023 ([video](https://youtu.be/v))\n\n"
            "- Oct 2022: ACF. *Adapter Pruning for Large Language Models.*\n"
        ),
        Context(),
        "p.md",
    )
    assert [(t.title, t.event, t.date, t.slides_url, t.video_url) for t in talks] == [
        ("Quantum Walk Sampling", "QCW 2023", None, "https://x.org/s", ""),
        ("Noisy circuit emulation", "QSD 2023", None, "", "https://youtu.be/v"),
        ("Adapter Pruning for Large Language Models", "ACF", datetime.date(2022, 10, 1), "", ""),
    ]


# ---------------------------------------------------------------- teaching


def test_teaching_lines():
    teaching = extract_teaching(
        _lines(
            "1. (Spring 2019) MATH 105 College Algebra.\n\n"
            "- Operating Systems - 2021\n\n"
            "**DSX512 Machine Learning** at EVU <br>\n\n"
            "The course introduces the main ideas of machine learning with a focus on "
            "hands-on practice.\n\n"
            "Organize your courses by years, topics, or universities, however you like!\n"
        ),
        "teaching.md",
    )
    assert [(t.course, t.role, t.institution, t.term, t.year) for t in teaching] == [
        ("MATH 105 College Algebra", "", "", "Spring 2019", 2019),
        ("Operating Systems", "", "", "2021", 2021),
        ("DSX512 Machine Learning", "", "EVU", "", None),
    ]


def test_teaching_written_as_headings():
    page = parse_page(
        "---\ntitle: Teaching\n---\n"
        "### Teaching Assistant: Probabilistic Modelling @ University of Eastvale, Fall 2020\n"
        "- Graded assignments.\n\n"
        "### Mathematics Instructor @ Lumen Association, Summer 2018\n- Taught.\n"
    )
    record = extract_page(page, "teaching.md", Context())
    assert [(t.course, t.role, t.institution, t.term, t.year) for t in record.teaching] == [
        (
            "Probabilistic Modelling",
            "Teaching Assistant",
            "University of Eastvale",
            "Fall 2020",
            2020,
        ),
        ("Mathematics Instructor", "", "Lumen Association", "Summer 2018", 2018),
    ]
    assert [(s.title, s.kind) for s in record.sections] == [("Teaching", "teaching")]


# ---------------------------------------------------------------- projects


def test_figures_resolve_inside_the_site(tmp_path):
    (tmp_path / "assets" / "fig").mkdir(parents=True)
    (tmp_path / "assets" / "fig" / "a.png").write_bytes(b"png")
    (tmp_path / "_pages").mkdir()
    ctx = Context(root=tmp_path, page_dir=tmp_path / "_pages")
    figures = figures_in(
        '<img src="assets/fig/a.png" alt="drawing" width="400"/> '
        '![Overview](/assets/fig/a.png "The caption") '
        '<img src="../../etc/passwd"> <img src="assets/missing.png" style="width: 120px">',
        ctx,
    )
    assert [(f.src, f.path, f.alt, f.caption, f.display_width) for f in figures] == [
        ("assets/fig/a.png", tmp_path / "assets" / "fig" / "a.png", "drawing", "", 400),
        (
            "/assets/fig/a.png",
            tmp_path / "assets" / "fig" / "a.png",
            "Overview",
            "The caption",
            None,
        ),
        ("../../etc/passwd", None, "", "", None),
        ("assets/missing.png", None, "", "", 120),
    ]


def test_project_block_collaborators_figure_read_more():
    project = project_from_block(
        "Uneven Data Flows",
        _lines(
            "Collaborated with \n[Ann Lee](https://a.example/?u=1&hl=en),\nBo Chen and\n"
            "[Cy Dee](https://c.example)\n\n"
            '<img src="fig.png" alt="drawing" width="700"/>\n\n'
            "We explore **data**.  \n[`Read More ... `](_posts/2024-04-03-asym.md)\n"
        ),
        5,
        Context(),
        "research.md",
    )
    assert project is not None
    assert [(c.name, c.url) for c in project.collaborators] == [
        ("Ann Lee", "https://a.example/?u=1&hl=en"),
        ("Bo Chen", ""),
        ("Cy Dee", "https://c.example"),
    ]
    assert [(f.src, f.display_width) for f in project.figures] == [("fig.png", 700)]
    assert (project.summary, project.read_more, project.source.line) == (
        "We explore **data**.",
        "_posts/2024-04-03-asym.md",
        5,
    )


def test_research_prose_is_not_a_project():
    assert (
        project_from_block("Quantum computing", _lines("We study X and Y."), 1, Context(), "r")
        is None
    )


def test_project_list_items_with_links():
    page = parse_page(
        "---\ntitle: Projects\n---\n"
        "* **Fair Ranking** [[Paper]](https://arxiv.org/abs/2208.04444)[[Code]](https://github.com/a/b)\n"
        "* [Topic anchor](#topic)\n"
    )
    record = extract_page(page, "projects.md", Context())
    assert [(p.title, [(link.kind, link.url) for link in p.links]) for p in record.projects] == [
        (
            "Fair Ranking",
            [("paper", "https://arxiv.org/abs/2208.04444"), ("code", "https://github.com/a/b")],
        )
    ]


# ---------------------------------------------------------------- page-level


def test_classify_headings():
    assert [
        classify(h)
        for h in [
            "Selected Publications",
            "Recent News",
            "Honors and Awards",
            "Invited Talks",
            "Teaching",
            "Research",
            "Contact",
            "Teaching Assistant: Probabilistic Modelling @ University of Eastvale, Fall 2020",
        ]
    ] == ["publications", "news", "honors", "talks", "teaching", "projects", "", ""]


def test_person_like_titles():
    titles = ["Lena Varkonyi", "Wei Chen (Victor)", "About me", "Home", "Machine Learning"]
    assert [person_like(t) for t in titles] == [True, True, False, False, False]


def test_unlabelled_dated_list_is_news_and_prose_keeps_heading_order():
    page = parse_page(
        "---\ntitle: Jane Doe\n---\nHello, I am Jane.\n\n"
        "## Updates\n- Jan 2024: one\n- Dec 2023: two\n\n"
        "## Things\n- Mar 2022: a dated list under a neutral heading\n- Apr 2021: another\n\n"
        "## Service\n- 2023: Organizer of a thing\n- 2017: Volunteer\n\n"
        "## Contact\nEmail me.\n"
    )
    record = extract_page(page, "index.md", Context())
    assert [(s.title, s.kind) for s in record.sections] == [
        ("About", "prose"),
        ("Updates", "news"),
        ("Things", "news"),
        ("Service", "prose"),  # year-only items are a CV timeline, not news
        ("Contact", "prose"),
    ]
    assert record.owner_names == ["Jane Doe"]
    assert len(record.news) == 4


def test_feature_row_news_from_front_matter():
    page = parse_page(
        '---\ntitle: News\nfeature_row2:\n  - title: "09/25/2024"\n    excerpt: "Benchmark out"\n'
        '    url: "https://arxiv.org/abs/1"\n    btn_label: "ArXiv"\n'
        'feature_row1:\n  - title: "12/12/2020"\n    excerpt: "Accepted"\n---\n'
        '{% include feature_row id="feature_row2" %}\n'
    )
    record = extract_page(page, "news.md", Context())
    assert [(n.date, n.text) for n in record.news] == [
        (datetime.date(2024, 9, 25), "Benchmark out\n\n[ArXiv](https://arxiv.org/abs/1)"),
        (datetime.date(2020, 12, 12), "Accepted"),
    ]


# ---------------------------------------------------------------- collections


def test_citation_parts_academicpages():
    assert citation_parts(
        "P. Okafor, A. Lind and R. Castell, &quot;STRIDE-Q: Codes With Long Memories,&quot; "
        "<i>IEEE ISIT</i>, 2021."
    ) == (
        "P. Okafor, A. Lind and R. Castell",
        "STRIDE-Q: Codes With Long Memories",
        "<i>IEEE ISIT</i>, 2021",
    )
    assert citation_parts('Your Name, You. (2009). "Paper Title Number 1." <i>Journal 1</i>.')[
        :2
    ] == (
        "Your Name, You.",
        "Paper Title Number 1",
    )


def test_category_kind_through_config():
    categories = {
        "manuscripts": {"title": "Journal Articles"},
        "conferences": {"title": "Conference Papers"},
    }
    assert category_kind("manuscripts", categories) == "journal"
    assert category_kind("conferences", categories) == "conference"
    assert category_kind("books", categories) == "book"
    assert category_kind("misc", categories) == ""


def test_collection_publication_from_citation_and_bare_year():
    meta = {
        "title": "Voyager: Reconstructing Things",
        "venue": "bioRxiv preprint",
        "date": "2025",
        "paperurl": "https://www.biorxiv.org/content/10.1101/2025.01.02.600001v1",
        "slidesurl": "/files/slides.pdf",
        "citation": "A. Mehrotra<sup>*</sup>, S. Ramdas<sup>*</sup>, and C. Lee, &quot;Voyager: "
        "Reconstructing Things,&quot; <i>bioRxiv</i>, 2025.",
        "category": "manuscripts",
    }
    record = collection_publication(
        meta,
        "Abstract words go here today.",
        Context(site_url="https://me.example"),
        "_publications/o.md",
        {},
    )
    assert record is not None
    assert [(a.name, a.equal_contribution) for a in record.authors] == [
        ("A. Mehrotra", True),
        ("S. Ramdas", True),
        ("C. Lee", False),
    ]
    assert (record.venue, record.year, record.month, record.kind, record.status, record.doi) == (
        "bioRxiv preprint",
        2025,
        None,
        "preprint",
        "preprint",
        "10.1101/2025.01.02.600001",
    )
    assert [(link.kind, link.url) for link in record.links] == [
        ("paper", "https://www.biorxiv.org/content/10.1101/2025.01.02.600001v1"),
        ("slides", "https://me.example/files/slides.pdf"),
    ]
    assert record.abstract == "Abstract words go here today."


def test_collection_publication_fork_fields_and_bibtex_block():
    meta = {
        "title": "A Fork Paper",
        "authors": "Ann Lee\\*, Bo Chen\\*",
        "year": 2021,
        "venue": "JMLR",
    }
    record = collection_publication(meta, "", Context(), "_publications/f.md", {})
    assert [(a.name, a.equal_contribution) for a in record.authors] == [
        ("Ann Lee", True),
        ("Bo Chen", True),
    ]
    assert (record.year, record.kind, record.short_venue) == (2021, "journal", "JMLR")
    body = (
        "Some abstract text for the paper here.\n\n```bibtex\n@article{k,\n  title={A Bib Paper},\n"
        "  author={Lee, Ann and Chen, Bo},\n  journal={Nature},\n  year={2020}\n}\n```\n"
    )
    record = collection_publication(
        {"title": "A Bib Paper", "date": "2020-01-02"}, body, Context(), "b.md", {}
    )
    assert [a.name for a in record.authors] == ["Ann Lee", "Bo Chen"]
    assert record.abstract == "Some abstract text for the paper here."


def test_collection_news_talk_teaching_project(tmp_path):
    news = collection_news(
        {"date": "2024-1-03 21:04:00-0100", "inline": True}, "Paper accepted! 🏆", "_news/a.md"
    )
    assert (news.date, news.precision, news.text) == (
        datetime.date(2024, 1, 3),
        "day",
        "Paper accepted! 🏆",
    )
    assert collection_news({"title": "No date"}, "text", "_news/b.md") is None
    talk = collection_talk(
        {
            "title": "On Bounds",
            "type": "Tutorial",
            "venue": "ICML",
            "date": "2023-07-01",
            "location": "Honolulu",
        },
        "Description.",
        Context(),
        "_talks/t.md",
    )
    assert (talk.title, talk.kind, talk.event, talk.date, talk.location) == (
        "On Bounds",
        "tutorial",
        "ICML",
        datetime.date(2023, 7, 1),
        "Honolulu",
    )
    teaching = collection_teaching(
        {"title": "ML 101", "type": "Undergraduate course", "venue": "Uni", "date": "2014-01-01"},
        "",
        "_teaching/c.md",
    )
    assert (teaching.course, teaching.role, teaching.institution, teaching.year) == (
        "ML 101",
        "Undergraduate course",
        "Uni",
        2014,
    )
    (tmp_path / "assets" / "img").mkdir(parents=True)
    (tmp_path / "assets" / "img" / "p.png").write_bytes(b"x")
    project = collection_project(
        {
            "title": "OpenThing",
            "description": "A framework",
            "img": "p.png",
            "github": "https://github.com/o/t",
        },
        "## Details\n\nBody text.",
        Context(root=tmp_path, page_dir=tmp_path / "_projects"),
        "_projects/1.md",
    )
    assert (project.title, project.summary, project.body) == (
        "OpenThing",
        "A framework",
        "## Details\n\nBody text.",
    )
    assert [(f.src, f.path) for f in project.figures] == [
        ("p.png", tmp_path / "assets" / "img" / "p.png")
    ]
    assert [(link.kind, link.url) for link in project.links] == [("code", "https://github.com/o/t")]


def test_missing_figure_paths_are_none():
    ctx = Context(root=Path("/nonexistent-root"), page_dir=Path("/nonexistent-root"))
    assert [f.path for f in figures_in("![a](x.png)", ctx)] == [None]


def test_liquid_collection_loops_become_list_sections():
    page = parse_page(
        "---\ntitle: Publications\n---\n"
        "You can also find my articles on my profile.\n\n"
        "{% for post in site.publications reversed %}\n  {% include archive-single.html %}\n"
        "{% endfor %}\n\n## Talks\n\n{% for t in site.talks %}{% endfor %}\n"
        "<!-- {% for x in site.teaching %} -->\n"
    )
    assert page.collection_refs == [(6, "publications"), (12, "talks")]
    record = extract_page(page, "publications.md", Context())
    assert [(s.title, s.kind, s.body) for s in record.sections] == [
        ("Publications", "publications", "You can also find my articles on my profile."),
        ("Talks", "talks", ""),
    ]


def test_repeated_filtered_loops_get_one_list_section_and_keep_their_prose():
    loop = "{% for post in site.publications %}{% if post.category == 'x' %}{% endif %}{% endfor %}"
    page = parse_page(f"## Safety\n\nWhy safety.\n\n{loop}\n\n## Games\n\nWhy games.\n\n{loop}\n")
    record = extract_page(page, "publications.md", Context())
    assert [(s.title, s.kind) for s in record.sections] == [
        ("Safety", "prose"),
        ("Publications", "publications"),
        ("Games", "prose"),
    ]


def test_al_folio_about_layout_flags_add_news_and_selected_papers():
    page = parse_page(
        "---\nlayout: about\ntitle: about\nnews: true\nselected_papers: true\n---\nHello there.\n"
    )
    record = extract_page(page, "about.md", Context())
    assert [(s.title, s.kind) for s in record.sections] == [
        ("about", "prose"),
        ("News", "news"),
        ("Selected Publications", "publications"),
    ]


def test_split_honor_with_the_year_first():
    assert split_honor("2023: Best Paper Award, ICML") == ("Best Paper Award", 2023, "ICML", "")
    assert split_honor("**2021** Graduate Fellowship") == ("Graduate Fellowship", 2021, "", "")


def test_list_page_whose_heading_repeats_its_title_looks_into_the_items():
    page = parse_page(
        "---\ntitle: Teaching\n---\n## Teaching\n\n### TA: Machine Learning @ NYU, Fall 2021\n"
        "- Ran labs.\n\n### Instructor: Statistics @ Polytechnique, Winter 2019\n"
    )
    record = extract_page(page, "teaching.md", Context())
    assert [(t.course, t.role, t.institution, t.year) for t in record.teaching] == [
        ("Machine Learning", "TA", "NYU", 2021),
        ("Statistics", "Instructor", "Polytechnique", 2019),
    ]


def test_theme_sample_text_is_left_out_with_a_warning():
    page = parse_page(
        "---\ntitle: CV\n---\nEducation\n======\n"
        "* Ph.D in Version Control Theory, GitHub University\n"
        "\nSkills\n======\n* Skill 1\n  * Sub-skill 2.1\n\nReal\n======\nMy own words.\n"
    )
    record = extract_page(page, "_pages/cv.md", Context())
    assert [(s.title, s.kind) for s in record.sections] == [("Real", "prose")]
    assert record.warnings == [
        "_pages/cv.md:4: section 'Education' is the theme's sample text; not imported",
        "_pages/cv.md:8: section 'Skills' is the theme's sample text; not imported",
    ]
