"""Markdown rendering is linear in the input and capped: no preview or save holds a worker.

For each adversarial family the text is rendered at n and 4n characters: the time must grow
far less than quadratically (ratio under 12; linear is 4, quadratic 16) and stay under 5 s at
60 KB (the shapes this guards against took 53 s and more; the slowest family takes about 2.3 s
on an idle 2-core machine of CI's kind). Times are CPU seconds of this process
(``time.process_time``), the least of up to three tries: the machines running the suite share
their cores, and one try can measure the neighbours. Text over
``LABSITE_MARKDOWN_MAX_CHARS`` is not rendered at all: the preview answers with a message, a
form gets an error on the field.
"""

from __future__ import annotations

import contextlib
import time

import pytest
from django.urls import reverse

from labsite.markdown import MarkdownTooLong, render_markdown, render_preview
from people.models import ProfileSection

N = 15_000  # and 4N = 60 KB

FAMILIES = {
    "stars": lambda n: "*" * n,
    "star-words": lambda n: "*a " * (n // 3),
    "underscores": lambda n: "_" * n,
    "under-words": lambda n: "_a " * (n // 3),
    "brackets": lambda n: "[" * n,
    "closed-brackets": lambda n: "[a]" * (n // 3),
    "link-opens": lambda n: "[a](" * (n // 4),
    "image-opens": lambda n: "![" * (n // 2),
    "backticks": lambda n: "`" * n,
    "dollars": lambda n: "$" * n,
    "dollar-words": lambda n: "$a " * (n // 3),
    "lt": lambda n: "<" * n,
    "lt-words": lambda n: "<a " * (n // 3),
    "autolink-opens": lambda n: "<http://" * (n // 8),
    "attribute-run": lambda n: "<a " + "b=c " * (n // 4),
    "nested-lists": lambda n: "".join("  " * i + "- x\n" for i in range(int((2 * n) ** 0.5) // 2)),
    "quote-ladder": lambda n: "".join(">" * i + " x\n" for i in range(int((2 * n) ** 0.5))),
    "ampersands": lambda n: "&" * n,
    "entities": lambda n: "&#" * (n // 2),
    "colons": lambda n: ":a" * (n // 2),
    "shortcodes": lambda n: ":tada: " * (n // 7),
    "footnote-refs": lambda n: "".join(f"[^{i}] " for i in range(n // 6)),
    "abbreviation-lines": lambda n: "*[a]: b\n" * (n // 8),
    "definition-lines": lambda n: "a\n: b\n" * (n // 6),
    "attr-lists": lambda n: "{: " * (n // 3),
    "lines": lambda n: "a\n" * (n // 2),
    "indent": lambda n: " " * n + "x",
    "tabs": lambda n: "\t" * n + "x",
    # One paragraph of many inline nodes: quadratic in Python-Markdown's own inline walk
    # (7.5 s at 99 KB before labsite.markdown._LinearInline).
    "em-words": lambda n: "*a* " * (n // 4),
    "backtick-words": lambda n: "`a` " * (n // 4),
    "smart-quotes": lambda n: "'a' \"b\" " * (n // 8),
    "backslash-escapes": lambda n: "\\*" * (n // 2),
    "paren-escapes": lambda n: "\\(" * (n // 2),
    "comment-opens": lambda n: "<!--" * (n // 4),
    "inline-links": lambda n: "[a](b) " * (n // 7),
    "inline-html": lambda n: "<b>a</b> " * (n // 9),
    "table-rows": lambda n: "a|b\n-|-\n" + "1|2\n" * (n // 24),
}


# What is left super-linear is memory copying inside Python-Markdown: each inline match rebuilds
# its text node's string (backslash escapes: 0.13 s at 15 KB, 1.05 s at 60 KB, a ratio of 8):
# bounded by LABSITE_MARKDOWN_MAX_CHARS.


def _cpu(text: str) -> float:
    started = time.process_time()
    with contextlib.suppress(MarkdownTooLong):  # over a cap: refused at once, bounded too
        render_markdown(text)
    return time.process_time() - started


#: One-line blocks: Python-Markdown's cost grows with the square of their number, so the line
#: cap (LABSITE_MARKDOWN_MAX_LINES) is what bounds them.
SIBLING_BLOCKS = {
    "hash-headings": "#\n",
    "setext-headings": "a\n-\n",
    "rules": "-\n",
    "paragraphs": "a\n\n",
    "list-items": "- a\n",
}


@pytest.mark.parametrize("name", sorted(SIBLING_BLOCKS))
def test_many_sibling_blocks_are_bounded_by_the_line_cap(name, settings):
    unit = SIBLING_BLOCKS[name]
    at_cap = unit * (settings.LABSITE_MARKDOWN_MAX_LINES // unit.count("\n"))
    assert _cpu(at_cap) < 2.0  # about 0.3 s on an idle machine of this kind
    over = unit * (40_000 // len(unit))  # 40 KB; "#\n" lines took over a minute at 60 KB
    started = time.process_time()
    with pytest.raises(MarkdownTooLong) as exc:
        render_markdown(over)
    assert time.process_time() - started < 0.05
    lines = over.count("\n") + 1
    assert str(exc.value) == (
        f"This text has {lines:,} lines; the limit is 3,000. "
        "Shorten it or split it into several parts."
    )


@pytest.mark.parametrize("name", sorted(FAMILIES))
def test_rendering_is_linear_and_fast(name):
    make = FAMILIES[name]
    render_markdown(make(100))  # warm up: imports, compiled patterns
    small_text, large_text = make(N), make(4 * N)
    small = large = float("inf")
    for _ in range(3):  # the least time of a few tries is the render's own cost
        small, large = min(small, _cpu(small_text)), min(large, _cpu(large_text))
        # The ratio only speaks once the times rise above the noise of a busy machine.
        if large < 5.0 and large < max(12 * small, 1.0):
            break
    assert large < 5.0, f"{name}: {large:.2f} s at 60 KB"
    assert large < max(12 * small, 1.0), f"{name}: {small:.3f} s → {large:.3f} s"


def test_text_over_the_cap_is_refused_not_rendered(settings):
    settings.LABSITE_MARKDOWN_MAX_CHARS = 1_000
    started = time.process_time()
    with pytest.raises(MarkdownTooLong) as exc:
        render_markdown("[" * 5_000)
    assert time.process_time() - started < 0.05
    assert str(exc.value) == (
        "This text is 5,000 characters long; the limit is 1,000. "
        "Shorten it or split it into several parts."
    )
    assert render_markdown("a" * 1_000) == "<p>" + "a" * 1_000 + "</p>"


def test_preview_shows_a_message_over_the_cap(settings):
    settings.LABSITE_MARKDOWN_MAX_CHARS = 10
    assert render_preview("**short**") == "<p><strong>short</strong></p>"
    assert render_preview("x" * 11) == (
        '<p class="markdownx-error" role="alert">This text is 11 characters long; the limit '
        "is 10. Shorten it or split it into several parts.</p>"
    )


def test_preview_endpoint_over_the_cap_answers_at_once(client, alice):
    alice.user.is_staff = True
    alice.user.save()
    client.force_login(alice.user)
    text = "[" * 150_000  # over the 100,000 default; rendered, this was minutes
    started = time.perf_counter()
    response = client.post(reverse("markdownx_markdownify"), {"content": text})
    elapsed = time.perf_counter() - started
    assert response.status_code == 200
    assert response.content.decode() == (
        '<p class="markdownx-error" role="alert">This text is 150,000 characters long; the '
        "limit is 100,000. Shorten it or split it into several parts.</p>"
    )
    assert elapsed < 2.0


def test_model_form_gets_a_field_error_over_the_cap(alice, settings):
    settings.LABSITE_MARKDOWN_MAX_CHARS = 50
    section = ProfileSection(person=alice.person, title="Long", body="y" * 51)
    with pytest.raises(Exception) as exc:
        section.full_clean()
    assert exc.value.message_dict == {
        "body": [
            "This text is 51 characters long; the limit is 50. "
            "Shorten it or split it into several parts."
        ]
    }
    section.body = "y" * 50
    section.full_clean()


def test_stray_angles_and_math_render_as_before():
    assert render_markdown("a < b and <b>bold</b> <!-- <x --> c") == (
        "<p>a &lt; b and <b>bold</b>  c</p>"
    )
    assert render_markdown("`if a<b:` and <i>x</i>") == (
        "<p><code>if a&lt;b:</code> and <i>x</i></p>"
    )
    # An unclosed "\(" is markdown's escaped "(" (it no longer spans to the next closer).
    assert render_markdown(r"\( x \( y \)") == r"<p>( x \( y \)</p>"
    assert render_markdown("[[Paper]](https://e.example/p) [a](https://e.example/(b))") == (
        '<p><a href="https://e.example/p" rel="noopener noreferrer">[Paper]</a> '
        '<a href="https://e.example/(b)" rel="noopener noreferrer">a</a></p>'
    )


def test_nested_markdown_in_html_blocks_are_refused_not_a_server_error(alice):
    nested = '<div markdown="1">\n' * 1_400 + "x\n" + "</div>\n" * 1_400
    with pytest.raises(MarkdownTooLong) as exc:
        render_markdown(nested)
    assert str(exc.value) == (
        'This text has 1,400 HTML blocks with markdown="1"; the limit is 50. Use fewer of them.'
    )
    section = ProfileSection(person=alice.person, title="Nested", body=nested)
    with pytest.raises(Exception) as form_error:
        section.full_clean()
    assert list(form_error.value.message_dict) == ["body"]
    few = '<div markdown="1">\n\n**a**\n\n</div>'
    assert "<strong>a</strong>" in render_markdown(few)


def test_a_nesting_nothing_foresaw_is_refused_not_a_server_error(monkeypatch):
    import markdown

    def overflow(*args, **kwargs):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(markdown, "markdown", overflow)
    with pytest.raises(MarkdownTooLong) as exc:
        render_markdown("- a")
    assert str(exc.value) == (
        "This text nests too deeply to be shown; flatten its lists, quotes or blocks."
    )


SAMPLE = """# A heading with *emphasis*, `code` and a [link](https://example.org "title")

Paragraph with **bold**, _under_, ***both***, "quotes" -- dashes... and a footnote[^1].
A line with two spaces\x20\x20
then a break, <span class="x">inline html</span>, <https://auto.link>, &amp; &copy;.

- item *one* with `code`
- item [two][ref] and ![image](/media/a.png)
  1. nested 'single' quotes

> quote with *em* and \\*escaped\\* stars

| a | *b* |
|---|-----|
| `1` | [2](#x) |

<div markdown="1">
*inside* a div
</div>

[ref]: https://example.org/ref
[^1]: The footnote with *em*.
"""


def test_the_linear_inline_walk_renders_what_python_markdown_renders():
    import markdown
    from markdown import treeprocessors

    from labsite import markdown as ours
    from tests.security.xss_vectors import VECTORS

    def stock(text: str) -> str:
        md = markdown.Markdown(
            extensions=ours._EXTENSIONS, extension_configs=ours._EXTENSION_CONFIGS
        )
        for name in ("inline", "smarty"):
            mine = md.treeprocessors[name]
            assert isinstance(mine, ours._LinearInline)
            theirs = treeprocessors.InlineProcessor(md)
            theirs.inlinePatterns = mine.inlinePatterns
            md.treeprocessors.register(
                theirs,
                name,
                md.treeprocessors._priority[md.treeprocessors.get_index_for_name(name)].priority,
            )
        return md.convert(text)

    texts = [SAMPLE, "*a* " * 500, "'a' \"b\" " * 300, *[v.payload for v in VECTORS]]
    for text in texts:
        expected = stock(text)
        got = markdown.markdown(
            text, extensions=ours._EXTENSIONS, extension_configs=ours._EXTENSION_CONFIGS
        )
        assert got == expected, text[:80]
