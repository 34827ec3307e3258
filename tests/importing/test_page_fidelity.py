# ruff: noqa: E501  (literal page text keeps its long lines)
"""Page text as Jekyll would show it, on pages we wrote in each shape real homepages use."""

from __future__ import annotations

from labsite.importing.extract.common import Context
from labsite.importing.extract.page import extract_page
from labsite.importing.kramdown import as_site_markdown
from labsite.importing.parse import heading_text, parse_page
from labsite.importing.repair import repair_text
from labsite.markdown import render_markdown


def _page(text: str, site: dict | None = None):
    parsed = parse_page(text, "p.md", site)
    return extract_page(parsed, "p.md", Context(site_url="https://owner.example"))


def test_liquid_variables_come_from_config_and_front_matter():
    page = _page(
        "---\ntitle: Links\nteam: Dune Group\n---\n"
        "Find me on [Scholar]({{ author.googlescholar }}), [GitHub](https://github.com/"
        "{{ site.github_user }}) in the {{ page.team }}; [CV]({{ site.baseurl }}/cv.pdf), "
        "{{ site.missing }}.\n",
        {"author": {"googlescholar": "https://scholar.example/u=abc"}, "github_user": "tlind"},
    )
    (section,) = page.sections
    assert section.body == (
        "Find me on [Scholar](https://scholar.example/u=abc), [GitHub](https://github.com/tlind) "
        "in the Dune Group; [CV](/cv.pdf), ."
    )


def test_style_and_script_are_never_content():
    page = _page(
        "---\ntitle: Honors\n---\n<style>\n.award { color: red } /* Best Paper Award 2023 */\n"
        "</style>\n<script>var best = 'Award 2022';</script>\n\n- Best Poster Award, Sand Meeting, 2021\n"
    )
    assert [(h.title, h.year) for h in page.honors] == [("Best Poster Award", 2021)]


def test_a_whole_html_document_gives_its_boxes_not_its_chrome():
    page = _page(
        "---\ntitle: Home\n---\n<!DOCTYPE html>\n<html><head><title>T. Lind</title>\n"
        "<style>/* Sand Fences That Work, 2020 */</style></head>\n<body>\n"
        '<nav><a href="/">Home</a> <a href="/p">Publications</a></nav>\n'
        "<h2>2024</h2>\n"
        '<div class="paper">\n  <h3><a href="https://example.org/a">Scaling Laws for Sand Piles</a></h3>\n'
        "  <p><i>Journal of Coastal Sand, 2024</i></p>\n"
        '  <p>Ana Ruiz†, <span class="me">Tomas Lind</span>†, Kenji Mori</p>\n</div>\n'
        '<div class="paper">\n  <h3><a href="https://example.org/b">Ripples on Wet Sand Beds</a></h3>\n'
        "  <p><i>Physical Review Sand, 2023</i></p>\n"
        '  <p>Omar Farouk, <span class="me">Tomas Lind</span></p>\n</div>\n'
        "<footer>Tomas Lind 2025</footer>\n</body></html>\n"
    )
    assert [(p.title, p.year) for p in page.publications] == [
        ("Scaling Laws for Sand Piles", 2024),
        ("Ripples on Wet Sand Beds", 2023),
    ]
    first = page.publications[0]
    assert [(a.name, a.is_owner, a.equal_contribution) for a in first.authors] == [
        ("Ana Ruiz", False, True),
        ("Tomas Lind", True, True),
        ("Kenji Mori", False, False),
    ]
    assert all("Home" not in s.body and "footer" not in s.body for s in page.sections)


def test_honors_under_year_headings_take_the_year():
    page = _page(
        "---\ntitle: Awards\n---\n## 2025\n- Best Poster Award, Sand Conference\n"
        "- Travel Grant, Dune Society\n\n## 2024\n- Outstanding Reviewer, Journal of Coastal Sand\n"
    )
    assert [(h.title, h.year) for h in page.honors] == [
        ("Best Poster Award", 2025),
        ("Travel Grant", 2025),
        ("Outstanding Reviewer", 2024),
    ]


def test_an_empty_anchor_leaves_the_heading_clean():
    assert heading_text('<a name="bio"></a> Biography') == "Biography"
    assert heading_text('<a id="x"></a>Research') == "Research"


def test_kramdown_gfm_renders_as_jekyll_would():
    text = (
        "I ~~used to~~ study sand.\n- one\n- two\n\nA table:\n| a | b |\n|---|---|\n| 1 | 2 |\n"
        '\n    <div class="box">\n    <p>boxed</p>\n    </div>\n\nIntro\n<div markdown="1">\n'
        "**bold**\n</div>\n\n```\n~~kept~~\n```"
    )
    html = render_markdown(as_site_markdown(text))
    assert "<del>used to</del>" in html
    assert "<li>one</li>" in html
    assert "<td>1</td>" in html
    assert '<div class="box">' in html and "&lt;div" not in html
    assert "<strong>bold</strong>" in html
    assert "~~kept~~" in html


def test_mojibake_of_two_and_three_bytes_is_fully_repaired():
    for right in ("H₂O near the café", "Line one: André\nLine two: CO₂ ™", "x₁₂ only"):
        for codec in ("sloppy-windows-1252", "mac_roman"):
            broken = right.encode("utf-8").decode(codec)
            assert repair_text(broken) == right, (codec, broken)
    for right in ("Zoë — “fine” ₂ 日本語 ⭐", "Ünïcødé ≈ 3 √2"):
        assert repair_text(right) == right


def test_relative_images_missing_from_the_site_are_reported_and_left_out(tmp_path):
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "here.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    text = (
        "---\ntitle: About\n---\n"
        '<img src="assets/fig/gone.png" alt="drawing" width="100"/>\n\n'
        "I study sand. ![kept](images/here.png) ![remote](https://cdn.example/x.png)\n"
        "[![gone too](figs/missing.jpg)](https://example.org/paper)\n"
    )
    parsed = parse_page(text, "about.md")
    ctx = Context(root=tmp_path, page_dir=tmp_path, site_url="https://owner.example")
    page = extract_page(parsed, "about.md", ctx)
    body = " ".join(s.body for s in page.sections)
    assert "gone.png" not in body and "missing.jpg" not in body and "[](" not in body
    assert "![kept](images/here.png)" in body and "https://cdn.example/x.png" in body
    assert [w.split(": ", 1)[1] for w in page.warnings] == [
        "image 'assets/fig/gone.png' is not in the site folder; left out (upload it in the admin)",
        "image 'figs/missing.jpg' is not in the site folder; left out (upload it in the admin)",
    ]


def test_an_html_list_of_papers_leaves_only_its_introduction_as_text():
    page = _page(
        "---\ntitle: Publications\n---\n\n## Publications\n\nPapers since my PhD.\n\n<ul>\n"
        "<li><b>Ripples in wind tunnels</b><br>A. Ruiz, <b>T. Lind</b><br><i>CES 2021</i></li>\n"
        "<li>A. Ruiz, <strong>T. Lind</strong>. <em>Sand fences at night</em>. CES 2019.</li>\n"
        "</ul>\n"
    )
    assert [(p.title, p.source.line) for p in page.publications] == [
        ("Ripples in wind tunnels", 10),
        ("Sand fences at night", 11),
    ]
    (section,) = page.sections
    assert section.body == "Papers since my PhD."  # not the first entry's raw HTML


def test_a_sub_list_read_as_no_paper_stays_under_its_heading():
    """Two setext-headed lists on a publications page, the first read as no paper: its heading
    and every item stay in the section's text (they were lost, heading, list and first item);
    the second list's papers are read, and its heading, with nothing left under it, goes."""
    page = _page(
        "---\ntitle: Publications\n---\n\nIn the works\n-----\n<ol>\n"
        "<li> Some notes on dunes that I keep meaning to write up </li>\n\n"
        "<li> A second thing about ripples, also not yet written </li>\n</ol>\n\n"
        "Peer-reviewed\n-----\n<ol>\n"
        "<li> <b>Lind, T.</b>, Ruiz, A., & Mori, K. (2024). Dune crests in winter. "
        "<i>Sand Letters</i>, 3(2), 1-9. </li>\n\n"
        "<li> Ruiz, A., <b>Lind, T.</b> (2022). Ripples in cold air. <i>Sand Letters</i>, 1, "
        "2-3. </li>\n</ol>\n"
    )
    assert [p.title for p in page.publications] == ["Dune crests in winter", "Ripples in cold air"]
    (section,) = page.sections
    assert "## In the works" in section.body
    assert "Some notes on dunes" in section.body and "A second thing about ripples" in section.body
    assert "Peer-reviewed" not in section.body and "Dune crests" not in section.body


def test_an_html_heading_on_its_own_line_starts_a_section():
    """``<h2>Talks</h2>`` after a markdown list of papers is the heading the page shows: the
    talks below it are not read as the papers section's entries (the papers were lost)."""
    page = _page(
        "---\ntitle: Publications\n---\n\n## Articles\n\n"
        "- **Folding Sand at Scale**\n\n\tTomas Lind, Ana Ruiz, *Journal of Sand, 2024*\n\n"
        "- **Unfolding Dunes Backwards**\n\n\tAna Ruiz, Tomas Lind, *Dune Letters, 2023*\n\n"
        "<h2>Talks and Conferences</h2>\n<ul>\n"
        "\t<li><i>Why dunes sing</i> - Sand Institute, seminar, Oct 2023. </li>\n"
        "\t<li><i>Folding at scale</i> - Dune Days 2023, Aug 2023. </li>\n</ul>\n"
    )
    assert [p.title for p in page.publications] == [
        "Folding Sand at Scale",
        "Unfolding Dunes Backwards",
    ]
    assert [s.title for s in page.sections] == ["Articles", "Talks and Conferences"]


def test_a_subheading_glued_to_the_first_entry_is_not_its_title():
    """``## 2024 ##`` with the first entry on the next line (no blank line between): the year
    is the heading, the entry keeps its own title (it was titled "2024")."""
    page = _page(
        "---\ntitle: Publications\n---\n## 2024 ##\n"
        "**Lind, T.K.**, Ruiz, A. & Mori, K. (2024). Folding sand at scale. *Journal of Sand*. "
        "12, e101.\n\n"
        "Ruiz, A., **Lind, T.K.** & Mori, K. (2024). Wet sand in wind. *Sand Letters*, 3, 1-9.\n"
    )
    assert [(p.title, p.year) for p in page.publications] == [
        ("Folding sand at scale", 2024),
        ("Wet sand in wind", 2024),
    ]
