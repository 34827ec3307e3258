"""GitHub shortcodes (``:tada:``) render as emoji, as they did on the members' Jekyll sites."""

from __future__ import annotations

import pytest

from labsite.markdown import render_markdown
from tests import factories as f


def test_shortcodes_become_emoji_in_text():
    assert render_markdown("Paper accepted :tada: :+1:") == "<p>Paper accepted 🎉 👍</p>"


def test_shortcodes_in_code_math_links_and_unknown_ones_stay_as_written():
    html = render_markdown(
        "`:tada:` and $f:x:y$ and [see](https://example.org/:tada:) and :not_an_emoji: at 10:30:00"
    )
    assert html == (
        "<p><code>:tada:</code> and $f:x:y$ and "
        '<a href="https://example.org/:tada:" rel="noopener noreferrer">see</a> '
        "and :not_an_emoji: at 10:30:00</p>"
    )


@pytest.mark.django_db
def test_news_saved_with_a_shortcode_stores_the_emoji():
    item = f.NewsItemFactory(text="Started my internship :sparkles:")
    assert item.text_html == "<p>Started my internship ✨</p>"
