"""Every vector of the corpus through the one renderer (``render_markdown``, ``render_inline``),
bare and after ordinary text: nothing that can run script or load a frame comes out, and text
the sanitizer would empty is kept, escaped, instead of vanishing (or worse, being printed raw)."""

from __future__ import annotations

import html as html_lib

import pytest

from labsite.markdown import render_inline, render_markdown, sanitize_html
from tests.security.xss_vectors import PREFIX, VECTORS, html_problems, variants

CASES = [
    pytest.param(text, id=f"{v.number}-{v.family}-{'bare' if i == 0 else 'after'}")
    for v in VECTORS
    for i, text in enumerate(variants(v))
]


def test_corpus_is_large_and_numbered():
    assert len(VECTORS) >= 60
    assert [v.number for v in VECTORS] == list(range(1, len(VECTORS) + 1))
    assert len({v.payload for v in VECTORS}) == len(VECTORS)


@pytest.mark.parametrize("text", CASES)
@pytest.mark.parametrize("render", [render_markdown, render_inline])
def test_vector_renders_harmless_and_never_empty(render, text):
    html = render(text)
    assert html_problems(html) == [], html
    # Non-blank source never gives blank HTML: what the sanitizer would empty is shown as text.
    assert html.strip() != ""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("<iframe src=x></iframe>", "&lt;iframe src=x&gt;&lt;/iframe&gt;"),
        ("<style>p{}</style>", "&lt;style&gt;p{}&lt;/style&gt;"),
        ("&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;script&gt;alert(1)&lt;/script&gt;"),
    ],
)
def test_text_that_sanitizes_to_nothing_is_kept_escaped(text, expected):
    assert render_inline(text) == expected
    assert render_markdown(text) == f"<p>{expected}</p>"


def test_markup_after_text_is_dropped_not_escaped():
    """Only an emptied result falls back: ordinary text with a script keeps just the text."""
    assert render_inline(PREFIX + "<script>alert(1)</script>") == PREFIX
    assert render_markdown("**Bold** <iframe src=x></iframe>") == "<p><strong>Bold</strong> </p>"


def test_escaped_fallback_keeps_paragraphs():
    assert render_markdown("<script>\nx\n</script>\n\n<style>y</style>") == (
        "<p>&lt;script&gt;\nx\n&lt;/script&gt;</p>\n<p>&lt;style&gt;y&lt;/style&gt;</p>"
    )


def test_blank_source_still_renders_empty():
    assert [render_markdown(t) for t in ("", None, "  \n")] == ["", "", ""]
    assert [render_inline(t) for t in ("", None, "  \n")] == ["", "", ""]


def test_an_image_alone_is_content_not_emptiness():
    assert render_markdown("![Plot](https://example.org/p.png)") == (
        '<p><img alt="Plot" src="https://example.org/p.png"></p>'
    )


@pytest.mark.parametrize(
    ("style", "kept"),
    [
        ("color:red", "color:red"),
        ("color: red; font-weight: bold", "color:red;font-weight:bold"),
        ("color:#c00", "color:#c00"),
        ("color: rgb(200, 0, 0)", "color:rgb(200, 0, 0)"),
        ("color:expression(alert(1))", None),
        ("background-color:url(javascript:alert(1))", None),
        ("color:red;background-image:url(x)", "color:red"),
        ("position:fixed;top:0", None),
        ("color:red;-moz-binding:url(x.xml#y)", "color:red"),
        ("color:red\\;behavior:url(x)", None),
        ("font-size:12px /* ( */", None),
    ],
)
def test_style_keeps_only_harmless_declarations(style, kept):
    html = sanitize_html(f'<span style="{html_lib.escape(style)}">x</span>')
    expected = f'<span style="{html_lib.escape(kept)}">x</span>' if kept else "<span>x</span>"
    assert html == expected


@pytest.mark.parametrize(
    "text",
    [
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](java&#115;cript:alert(1))",
        "![x](data:image/png;base64,AAAA)",
        "[x](vbscript:msgbox(1))",
        "<a href='\tjavascript:alert(1)'>x</a>",
    ],
)
def test_markdown_links_lose_script_urls(text):
    html = render_markdown(text)
    assert "href" not in html and "src" not in html, html


def test_safe_links_survive():
    assert render_inline("[x](https://example.org/a) and [m](mailto:a@example.org)") == (
        '<a href="https://example.org/a" rel="noopener noreferrer">x</a> and '
        '<a href="mailto:a@example.org" rel="noopener noreferrer">m</a>'
    )


@pytest.mark.parametrize(
    ("source", "title_html"),
    [
        ("&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("Ordinary &lt;b&gt;x&lt;/b&gt;", "Ordinary &lt;b&gt;x&lt;/b&gt;"),
        ("Q&amp;A and R&D", "Q&amp;A and R&amp;D"),
        ("A &amp;lt;b&amp;gt; tag", "A &amp;lt;b&amp;gt; tag"),
        ("An $a<b$ bound", "An $a&lt;b$ bound"),
    ],
)
def test_importer_titles_show_what_the_source_showed(source, title_html):
    """``strip_markup`` decodes entities to text; ``markdown_text`` keeps that text from
    turning back into markup in the (markdown) title field."""
    from labsite.importing.extract.common import markdown_text, strip_markup

    assert render_inline(markdown_text(strip_markup(source))) == title_html


@pytest.mark.django_db
def test_models_store_markup_only_text_escaped():
    from tests import factories as f

    publication = f.PublicationFactory(
        title="<script>alert(1)</script>", abstract="<iframe srcdoc=x></iframe>"
    )
    news = f.NewsItemFactory(text="<svg onload=alert(2)>")
    assert (publication.title_html, publication.abstract_html, news.text_html) == (
        "&lt;script&gt;alert(1)&lt;/script&gt;",
        "<p>&lt;iframe srcdoc=x&gt;&lt;/iframe&gt;</p>",
        "<p>&lt;svg onload=alert(2)&gt;</p>",
    )
