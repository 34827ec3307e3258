"""Step 4, news: date-led items in every spelling, the date removed and the emoji kept."""

from __future__ import annotations

import datetime

import pytest

from labsite.importing.extract.common import date_of, leading_date
from labsite.importing.extract.lists import extract_news

D = datetime.date


@pytest.mark.parametrize(
    "text, expected",
    [
        ("August 2024: I was selected.", (D(2024, 8, 1), "month", "I was selected.")),
        ("⭐ August 2024: I was selected.", (D(2024, 8, 1), "month", "⭐ I was selected.")),
        ("[Jan 2024] Paper accepted.", (D(2024, 1, 1), "month", "Paper accepted.")),
        ("**Jan 2024**: Paper accepted.", (D(2024, 1, 1), "month", "Paper accepted.")),
        ("**[Sept. 2023]** Talk at MIT.", (D(2023, 9, 1), "month", "Talk at MIT.")),
        ("2024-05-15: Joined the lab.", (D(2024, 5, 15), "day", "Joined the lab.")),
        ("_2024.05_ - Joined the lab.", (D(2024, 5, 1), "month", "Joined the lab.")),
        ("10/30/2024 — At NeurIPS.", (D(2024, 10, 30), "day", "At NeurIPS.")),
        ("May 15, 2024: Defended.", (D(2024, 5, 15), "day", "Defended.")),
        ("15 May 2024 – Defended.", (D(2024, 5, 15), "day", "Defended.")),
        ("(Dec 2021) Moved.", (D(2021, 12, 1), "month", "Moved.")),
        ("🎉 2023: Started my PhD.", (D(2023, 1, 1), "year", "🎉 Started my PhD.")),
    ],
)
def test_leading_date_forms(text, expected):
    assert leading_date(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "2024 was a good year for us.",
        "In May 2024 I moved.",
        "Nothing dated here.",
        "February 30, 2024: impossible day",
    ],
)
def test_leading_date_rejects_prose_and_impossible_dates(text):
    found = leading_date(text)
    assert found is None or found[1] != "day"


def test_extract_news_items_paragraphs_and_lists():
    lines = list(
        enumerate(
            [
                "Some intro that is not news.",
                "",
                "- Jan 2024: one [link](https://x.org)",
                "  continues here",
                "- 🏆 Dec 2023: two",
                "",
                "📢 Nov 2023: three",
                "",
                "* 2022-03-04 — four",
            ],
            start=10,
        )
    )
    news = extract_news(lines, "index.md")
    assert [(n.date, n.precision, n.text, n.source.line) for n in news] == [
        (D(2024, 1, 1), "month", "one [link](https://x.org) continues here", 12),
        (D(2023, 12, 1), "month", "🏆 two", 14),
        (D(2023, 11, 1), "month", "📢 three", 16),
        (D(2022, 3, 4), "day", "four", 18),
    ]
    assert news[0].key == "2024-01-01:one link continues here"


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2024-1-03 21:04:00-0100", (D(2024, 1, 3), "day")),
        ("2021-09-27", (D(2021, 9, 27), "day")),
        ("2020-5-15", (D(2020, 5, 15), "day")),
        (2021, (D(2021, 1, 1), "year")),
        ("2021", (D(2021, 1, 1), "year")),
        ("Sept 2021", (D(2021, 9, 1), "month")),
        (D(2020, 2, 2), (D(2020, 2, 2), "day")),
        ("2024-02-30", (D(2024, 2, 1), "month")),  # the day is impossible; the month stands
        ("soon", None),
        (None, None),
    ],
)
def test_date_of_front_matter_values(value, expected):
    assert date_of(value) == expected


def test_extract_news_tables_html_items_and_one_date_per_line():
    lines = list(
        enumerate(
            [
                "| Date | News |",
                "|---|---|",
                "| Jan 2024 | Joined the lab |",
                "| 2023-05-02 | Gave a talk |",
                "",
                "<li><b>Mar 2022</b>: Paper accepted.</li>",
                "",
                "Jan 2021: First  ",
                "and more of the first",
                "Dec 2020: Second<br>",
            ],
            start=1,
        )
    )
    assert [(n.date, n.text, n.source.line) for n in extract_news(lines, "news.md")] == [
        (D(2024, 1, 1), "Joined the lab", 3),
        (D(2023, 5, 2), "Gave a talk", 4),
        (D(2022, 3, 1), "Paper accepted.", 6),
        (D(2021, 1, 1), "First and more of the first", 8),
        (D(2020, 12, 1), "Second", 10),
    ]
