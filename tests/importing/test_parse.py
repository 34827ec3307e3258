"""Step 3, parse: front matter and sections by every heading style, with line numbers."""

from __future__ import annotations

from labsite.importing.parse import clean_markup, heading_text, parse_page


def _tree(sections, depth=0):
    out = []
    for s in sections:
        out.append((depth, s.heading, s.level, s.style, s.line))
        out.extend(_tree(s.children, depth + 1))
    return out


def test_parse_page_front_matter_and_atx_headings():
    page = parse_page(
        "---\n"
        'title: "Jane Doe"   # a YAML comment\n'
        "permalink: /\n"
        "excerpt:\n"
        "date: 2024-1-03 21:04:00-0100\n"
        "redirect_from:\n"
        "  - /about/\n"
        "---\n"
        "Intro line.\n"
        "\n"
        "## News\n"
        "- Jan 2024: one\n"
        "\n"
        "### Older\n"
        "- 2019: two\n"
        "## Publications ##\n"
        "text\n"
    )
    assert page.errors == []
    assert page.meta == {
        "title": "Jane Doe",
        "permalink": "/",
        "excerpt": None,
        "date": "2024-1-03 21:04:00-0100",  # dates stay strings: the extractors read them
        "redirect_from": ["/about/"],
    }
    assert page.title == "Jane Doe"
    assert page.body_line == 9
    assert _tree(page.sections) == [
        (0, "", 0, "intro", 9),
        (0, "News", 2, "atx", 11),
        (1, "Older", 3, "atx", 14),
        (0, "Publications", 2, "atx", 16),
    ]
    assert page.sections[0].body == "Intro line."
    assert page.sections[1].lines == [(12, "- Jan 2024: one"), (13, "")]


def test_parse_page_setext_headings_and_trailing_spaces():
    page = parse_page("About\n------\nI study things.  \n  \nHonors\n=====\n- Award, 2020\n")
    assert _tree(page.sections) == [(0, "About", 2, "setext", 1), (0, "Honors", 1, "setext", 5)]
    assert page.sections[0].body == "I study things.  "


def test_parse_page_separator_is_not_a_setext_heading():
    page = parse_page("## Research\n\nintro\n\n---\n\n### One\nbody\n\n---\n\n[back](./)\n")
    assert _tree(page.sections) == [
        (0, "Research", 2, "atx", 1),
        (1, "One", 3, "atx", 7),
        (1, "", 3, "break", 11),
    ]
    assert page.sections[0].children[1].body == "[back](./)"


def test_parse_page_bold_line_headings():
    page = parse_page(
        "**Contact**:  \nEmail: someone\n\n**About**:\nI work on X.\n\n"
        "**You can contact me at me[at]x[dot]edu**\n\n"
        "**A long bold sentence that is clearly a statement and not a heading at all**\n"
    )
    assert [s.heading for s in page.sections] == ["Contact", "About"]
    assert page.sections[1].body.endswith("not a heading at all**")


def test_parse_page_without_front_matter_and_crlf():
    page = parse_page("# Title\r\nbody\r\n")
    assert (page.meta, page.has_front_matter, page.errors) == ({}, False, [])
    assert _tree(page.sections) == [(0, "Title", 1, "atx", 1)]


def test_parse_page_broken_yaml_reports_file_line():
    page = parse_page("---\ntitle: ok\nbad: [unclosed\nnext: 1\n---\nbody\n")
    assert page.meta == {}
    assert len(page.errors) == 1
    line, message = page.errors[0]
    assert line == 4
    assert message.startswith("broken YAML front matter:")


def test_parse_page_front_matter_that_is_not_a_mapping():
    page = parse_page("---\n- a\n- b\n---\nbody\n")
    assert page.errors == [(2, "front matter is not a set of key: value pairs")]


def test_headings_inside_code_fences_are_not_sections():
    page = parse_page("## Code\n```\n# not a heading\n```\n## Next\n")
    assert [s.heading for s in page.sections] == ["Code", "Next"]


def test_clean_markup_keeps_line_numbers():
    text = (
        "a <!-- one\ntwo --> b\n"
        "{% include base_path %}\n"
        '[pdf]({{ site.baseurl }}/files/x.pdf){: .btn target="_blank"}\n'
        "{% comment %}\nhidden\n{% endcomment %}\n"
        "{{ post.title }}\n"
    )
    cleaned = clean_markup(text)
    assert cleaned.split("\n") == ["a ", " b", "", "[pdf](/files/x.pdf)", "", "", "", "", ""]


def test_clean_markup_unclosed_delimiters_are_linear_and_safe():
    assert clean_markup("x <!-- never closed\nmore") == "x \n"
    assert clean_markup("{% open" * 3) == "{% open" * 3
    assert clean_markup("{{ a") == "{{ a"


def test_a_page_wholly_inside_an_html_comment_is_empty():
    page = parse_page("<!-- ---\ntitle: awards\n---\n- Award, 2020\n -->\n")
    assert (page.meta, page.sections) == ({}, [])


def test_heading_text_drops_closing_hashes_only():
    assert heading_text("Awards ##") == "Awards"
    assert heading_text("Awards\t#") == "Awards"
    assert heading_text("C# ") == "C#"  # a hash that is part of the word stays
    assert heading_text("###") == "###"
    # A long run of spaces with no hash after it (a mutated heading in test_hostile): kept, and
    # read in linear time (the regex it replaced took seconds at 20 000 spaces).
    long = "Abou" + " " * 50_000 + "t"
    assert heading_text(long) == long


def test_an_anchor_defined_twice_is_redefined_as_jekyll_does():
    from labsite.importing.parse import load_yaml

    text = (
        'description:\n  en: &about "Lecturer in sand"\n  zh: &about "沙子讲师"\n'
        "tagline: *about\nname: &n Tomas\nalias: *n\n"
    )
    assert load_yaml(text) == {
        "description": {"en": "Lecturer in sand", "zh": "沙子讲师"},
        "tagline": "沙子讲师",  # the later definition wins
        "name": "Tomas",
        "alias": "Tomas",
    }
