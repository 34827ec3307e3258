"""Arbitrary input never ends in a traceback, and 1 MB of hostile text stays fast.

``collect()`` and ``parse_page()`` are fed whatever hypothesis invents (raw text, markdown-ish
fragments, raw bytes, broken BibTeX). Every regex in the importer is bounded, so a megabyte of
brackets, asterisks or unclosed comments costs linear time — checked with a clock below.
"""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from labsite.importing.bibtex import parse_bibtex
from labsite.importing.extract.common import Context
from labsite.importing.extract.page import extract_page
from labsite.importing.parse import parse_page
from labsite.importing.read import ReadError, decode_bytes
from labsite.importing.readers import collect
from labsite.importing.repair import repair_text

FAST = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])

FRAGMENTS = [
    "---\n", "title: x\n", "# ", "## Publications\n", "### News\n", "## Honors\n", "## Talks\n",
    "## Teaching\n", "## Research\n", "**", "__", "*", "_", "- ", "* ", "1. ", "\n", "\n\n",
    "[", "]", "(", ")", "[[arxiv](https://arxiv.org/abs/2101.00001)]", "<u>", "</u>",
    "<sup>*</sup>", "\\*", "†", "<br>", "  \n", "\\\n", "<!--", "-->", "{%", "%}", "{{", "}}",
    "{: .x}", "`", "```\n",
    "<img src=\"a.png\" width=\"40\">", "![a](b.png)", "<a href=\"x\">y</a>", "Jan 2024: ",
    "2023-05-01 ", "NeurIPS 2023", "Collaborated with ", "Ada Lovelace, ", " and ", "🏆", "⭐",
    "‚≠ê", "Donâ€™t", "\"Quoted Title Here.\" ", "=====\n", "-----\n", "<span style=\"color:red\">",
    "</span>", "Best Paper Award", "|", "@", "&quot;", "é", "研究", "<li>", "<tr><td>", "</td>",
]  # fmt: skip

markdownish = st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=8), max_size=60).map("".join)


@FAST
@given(st.text(max_size=2000))
def test_parse_page_never_raises_on_any_text(text):
    page = parse_page(text)
    n_lines = text.replace("\r\n", "\n").replace("\r", "\n").count("\n") + 1
    for section in page.sections:
        assert 1 <= section.line <= n_lines + 1


@FAST
@given(markdownish)
def test_extract_page_never_raises_on_markdownish_text(text):
    record = extract_page(parse_page(text), "x.md", Context())
    for pub in record.publications:
        assert pub.title


@FAST
@given(markdownish)
def test_headed_sections_never_raise(text):
    for head in ("## Publications\n", "## News\n", "## Honors\n", "## Research\n### P\n"):
        extract_page(parse_page(head + text), "x.md", Context())


@FAST
@given(st.binary(max_size=3000))
def test_decode_bytes_returns_text_or_read_error(data):
    try:
        assert isinstance(decode_bytes(data), str)
    except ReadError as exc:
        assert exc.line >= 1 and exc.message


@FAST
@given(st.text(max_size=500))
def test_repair_text_is_total_and_keeps_ascii(text):
    repaired = repair_text(text)
    assert isinstance(repaired, str)
    if text.isascii() and text.isprintable():
        assert repaired == text


@FAST
@given(st.text(max_size=1500) | markdownish.map(lambda s: "@article{k,\n title={" + s + "}\n}\n"))
def test_parse_bibtex_never_raises(text):
    result = parse_bibtex(text, Context(), "x.bib")
    assert all(line >= 1 for line, _ in result.errors)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    files=st.lists(st.binary(max_size=600) | markdownish.map(str.encode), min_size=1, max_size=4)
)
def test_collect_never_raises_on_a_folder_of_anything(tmp_path_factory, files):
    root = tmp_path_factory.mktemp("site")
    (root / "_config.yml").write_bytes(files[0])
    (root / "_pages").mkdir()
    (root / "_bibliography").mkdir()
    for i, data in enumerate(files):
        (root / "_pages" / f"p{i}.md").write_bytes(data)
        (root / "_bibliography" / f"b{i}.bib").write_bytes(data)
    site = collect(root)
    for error in site.errors:
        path, line, message = error.split(":", 2)
        assert path and int(line) >= 1 and message.strip()
        assert "\n" not in error


HOSTILE = {
    "brackets": "[" * 1_000_000,
    "link-open": "[a](" * 250_000,
    "anchors": '<a href="x" ' * 80_000,
    "stars": "*" * 1_000_000,
    "bold-words": "**a " * 250_000,
    "comment-open": "<!--" * 250_000,
    "liquid-open": "{%" * 500_000,
    "long-line": "x" + " " * 1_000_000 + "2020",
    "quotes": '"' * 1_000_000,
    "parens": "(" * 1_000_000,
    "commas": "A, " * 330_000,
    "sup": "<sup>*</sup>" * 80_000,
    "img-open": '<img src="' * 100_000,
    "red-spans": '<span style="color:red">' * 40_000,
    "one-huge-entry": "- **" + "word " * 200_000 + "**\n  A, B\n  NeurIPS 2020",
    "html-items": "<li><b>T</b>" * 80_000,
    "dated-lines": "Jan 2020: x\n" * 80_000,
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_one_megabyte_of_hostile_text_is_linear(name):
    text = HOSTILE[name]
    started = time.monotonic()
    # no heading: the shape tests run news *and* publications extraction on the whole text
    for head in ("", "## Research\n### P\n"):
        extract_page(parse_page(head + text), "x.md", Context())
    assert time.monotonic() - started < 30


def test_deeply_nested_yaml_is_an_error_not_a_crash():
    page = parse_page("---\na: " + "[" * 100_000 + "\n---\nbody\n")
    assert page.meta == {}
    assert len(page.errors) == 1
