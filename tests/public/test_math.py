"""Math survives markdown for KaTeX, and the sanitizer still removes what is dangerous."""

from __future__ import annotations

import pytest

from labsite.markdown import render_inline, render_markdown
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("$a_1$ and $b_1$", "<p>$a_1$ and $b_1$</p>"),
        (
            "*emph* and $x_i * y_i$ and *more*",
            "<p><em>emph</em> and $x_i * y_i$ and <em>more</em></p>",
        ),
        ("$$\\sum_{i=1}^n x_i < y$$", "<p>$$\\sum_{i=1}^n x_i &lt; y$$</p>"),
        ("$$\na_1\n\nb_2\n$$", "<p>$$\na_1\n\nb_2\n$$</p>"),
        ("inline \\(a_1\\) and display \\[b_2\\]", "<p>inline \\(a_1\\) and display \\[b_2\\]</p>"),
        ("It costs $5 and $10, _really_", "<p>It costs $5 and $10, <em>really</em></p>"),
        ("`$a_1$` in code", "<p><code>$a_1$</code> in code</p>"),
    ],
)
def test_math_spans_are_kept_verbatim(text, html):
    assert render_markdown(text) == html


def test_title_math_keeps_underscores():
    assert render_inline("Bounds for $\\mathcal{O}(n_1 \\log n_2)$ *fast*") == (
        "Bounds for $\\mathcal{O}(n_1 \\log n_2)$ <em>fast</em>"
    )


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script> $a_1$",
        "$a$ <img src=x onerror=alert(1)>",
        "[click](javascript:alert(1)) $b_2$",
        "$<script>alert(1)</script>$",
        '$x$ <a href="javascript:alert(1)">y</a>',
    ],
)
def test_sanitizing_still_removes_scripts_handlers_and_js_urls(text):
    html = render_markdown(text)
    assert "<script" not in html
    assert "onerror" not in html
    assert "javascript:" not in html


def test_math_in_a_publication_title_reaches_the_page(get, alice):
    paper = f.PublicationFactory(title="On $a_1$ and $b_1$")
    f.AuthorshipFactory(publication=paper, person=alice.person, position=0)
    assert paper.title_html == "On $a_1$ and $b_1$"
    response = get(f"/publications/{paper.pk}/")
    assert b"On $a_1$ and $b_1$" in response.content
