"""Dates the news, honors and CV readers used to miss, and records that share a date.

- ``YYYY年M月`` and ``YYYY年M月-YYYY年M月`` (CJK year and month, a range of them);
- ``2031-Mar`` / ``2031-March`` (a year, then the month's name);
- a leading bare ``2031,`` on an honor or a news item;
- CV rows (a range of dates) are not news items;
- two honors, news items or CV rows of one section with one date stay two records, and a
  second import of the same files creates and updates nothing.

All text here is made up for these tests.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from labsite.importing.extract import cv
from labsite.importing.extract.lists import (
    distinct_keys,
    extract_honors,
    extract_news,
    lead_date,
    respell_date,
)
from labsite.importing.records import HonorRecord
from people.models import CVEntry, Honor, NewsItem
from tests.importing.test_reimport import _write, assert_idempotent


def _lines(text: str) -> list[tuple[int, str]]:
    return list(enumerate(text.splitlines(), start=1))


# ---------------------------------------------------------------- news


@pytest.mark.parametrize(
    ("line", "date", "precision", "text"),
    [
        ("- 2031-Mar Our kettle paper was accepted.", (2031, 3, 1), "month",
         "Our kettle paper was accepted."),
        ("- 2031-March: Our kettle paper was accepted.", (2031, 3, 1), "month",
         "Our kettle paper was accepted."),
        ("- 2031/Sep. Our kettle paper was accepted.", (2031, 9, 1), "month",
         "Our kettle paper was accepted."),
        ("- **2031-Dec** Our kettle paper was accepted.", (2031, 12, 1), "month",
         "Our kettle paper was accepted."),
        ("- [2031-Jun] Our kettle paper was accepted.", (2031, 6, 1), "month",
         "Our kettle paper was accepted."),
        ("- 2031-Jun-07: Our kettle paper was accepted.", (2031, 6, 7), "day",
         "Our kettle paper was accepted."),
        ("- 2031年3月，我们的茶壶论文被接收。", (2031, 3, 1), "month", "我们的茶壶论文被接收。"),
        ("- 2031年03月：我们的茶壶论文被接收。", (2031, 3, 1), "month", "我们的茶壶论文被接收。"),
        ("- 2031年3月7日，我们的茶壶论文被接收。", (2031, 3, 7), "day", "我们的茶壶论文被接收。"),
        ("- 2031, Our kettle paper was accepted.", (2031, 1, 1), "year",
         "Our kettle paper was accepted."),
    ],
)  # fmt: skip
def test_news_dates_in_more_spellings(line, date, precision, text):
    [item] = extract_news(_lines(f"{line}\n- 2030-Feb Another invented item.\n"), "news.md")[:1]
    assert (item.date, item.precision, item.text) == (datetime.date(*date), precision, text)


@pytest.mark.parametrize(
    "line",
    [
        "- 2027年9月-2031年6月，南湖理工学院茶具系，工学硕士",
        "- 2027年9月 — 2031年6月，南湖理工学院茶具系，工学硕士",
        "- 2031年7月至今，南湖理工学院茶具系，讲师",
        "- 2031年7月-至今，南湖理工学院茶具系，讲师",
        "- 2027-Sep - 2031-Jun, Kettle Studies, Brookmere College",
    ],
)
def test_a_cv_row_with_a_range_of_dates_is_not_news(line):
    assert extract_news(_lines(line + "\n" + line + "\n"), "cv.md") == []


def test_prose_and_plain_years_are_left_as_they_were():
    assert respell_date("The 2031-Mar meeting was long.") == "The 2031-Mar meeting was long."
    assert respell_date("2031-05-04: a day") == "2031-05-04: a day"
    assert lead_date("2031 was a busy year for the kettle lab.", bare_year=True) is None
    assert lead_date("2031, 2032 and 2033 were busy.", bare_year=True) is None
    assert lead_date("2031, the kettle lab opened.") is None  # only where asked
    assert respell_date("2031-Marmalade tasting") == "2031-Marmalade tasting"  # not a month


def test_news_of_one_date_get_distinct_keys():
    news = extract_news(
        _lines(
            "- 2031年3月，茶壶小组发表了第一篇论文。\n"
            "- 2031年3月，茶壶小组获得了新的资助。\n"
            "- 2031年3月，茶壶小组获得了新的资助。\n"
        ),
        "news.md",
    )
    assert [n.date for n in news] == [datetime.date(2031, 3, 1)] * 3
    assert len({n.key for n in news}) == 3


# ---------------------------------------------------------------- honors


def test_honors_led_by_a_bare_year_or_a_cjk_date():
    honors = extract_honors(
        _lines(
            "- 2031, Golden Kettle Award, Brookmere College\n"
            "- 2031, Silver Spout Prize, Brookmere College\n"
            "- 2031年4月，南湖茶具设计大赛一等奖\n"
            "- 2031年4月，南湖理工学院优秀青年教师\n"
            "- 2027年9月-2031年6月，南湖理工学院一等奖学金\n"
            "- 2032-Jan, Teapot Fellowship\n"
        ),
        "honors.md",
    )
    assert [(h.title, h.year, h.detail) for h in honors] == [
        ("Golden Kettle Award", 2031, "Brookmere College"),
        ("Silver Spout Prize", 2031, "Brookmere College"),
        ("南湖茶具设计大赛一等奖", 2031, ""),
        ("南湖理工学院优秀青年教师", 2031, ""),
        ("南湖理工学院一等奖学金", 2027, ""),
        ("Teapot Fellowship", 2032, ""),
    ]
    assert len({h.key for h in honors}) == len(honors)


def test_an_honor_repeated_word_for_word_is_still_two_records():
    honors = extract_honors(
        _lines("- 2031, Golden Kettle Award\n- 2031, Golden Kettle Award\n"), "honors.md"
    )
    assert len(honors) == 2 and honors[0].key != honors[1].key


def test_distinct_keys_keeps_the_first_key_and_is_stable():
    def records() -> list[HonorRecord]:
        return [HonorRecord(title="x", key=":2031"), HonorRecord(title="y", key=":2031")]

    first, second = records(), records()
    distinct_keys(first, ["甲奖", "乙奖"])
    distinct_keys(second, ["甲奖", "乙奖"])
    assert first[0].key == ":2031" and first[1].key.startswith(":2031~")
    assert [r.key for r in first] == [r.key for r in second]


# ---------------------------------------------------------------- CV rows

CJK_CV = """## 教育经历
* 2027年9月-2031年6月，南湖理工学院茶具系，工学硕士
* 2023年9月-2027年6月，南湖理工学院茶具系，工学学士

## 工作经历
* 2031年7月至今，南湖理工学院茶具系，讲师
* 2027年9月-2031年6月，南湖理工学院茶具系，研究助理

## Experience
* Sep 2025 - Jun 2026, Kettle Intern, Brookmere College
* 2024-Mar - 2025-Jan, Spout Tester, Brookmere College
"""


def test_cjk_cv_rows_read_their_years_and_put_the_degree_first():
    got = [
        (r.kind, r.title, r.organization, r.start_year, r.end_year)
        for r in cv.from_markdown(CJK_CV, "cv.md")
    ]
    assert got == [
        ("education", "工学硕士", "南湖理工学院茶具系", 2027, 2031),
        ("education", "工学学士", "南湖理工学院茶具系", 2023, 2027),
        ("experience", "讲师", "南湖理工学院茶具系", 2031, None),
        ("experience", "研究助理", "南湖理工学院茶具系", 2027, 2031),
        ("experience", "Kettle Intern", "Brookmere College", 2025, 2026),
        ("experience", "Spout Tester", "Brookmere College", 2024, 2025),
    ]


def test_cv_years_of_odd_input_never_fail():
    for text in ("", "年月", "2031年", "至今", "2031年13月-", "-" * 5000, "年" * 5000):
        cv.years(text)  # no exception
    assert cv.years("2031年")[:2] == (None, 2031)


# ---------------------------------------------------------------- a site, imported twice

SITE = {
    "_config.yml": 'title: "Mira Teaware"\nauthor:\n  name: "Mira Teaware"\n',
    "_pages/cv.md": "---\ntitle: 简历\npermalink: /cv/\n---\n\n" + CJK_CV,
    "_pages/honors.md": (
        "---\ntitle: Honors\npermalink: /honors/\n---\n\n# Honors\n"
        "- 2031, Golden Kettle Award, Brookmere College\n"
        "- 2031, Silver Spout Prize, Brookmere College\n"
        "- 2031年4月，南湖茶具设计大赛一等奖\n"
        "- 2031年4月，南湖理工学院优秀青年教师\n"
    ),
    "_pages/about.md": (
        "---\ntitle: About\npermalink: /\n---\n\nI make invented teapots.\n\n## News\n"
        "- 2032-Feb Our spout paper was accepted.\n"
        "- 2031年10月，茶壶小组发表了第一篇论文。\n"
        "- 2031年10月，茶壶小组获得了新的资助。\n"
    ),
}


def test_a_site_with_same_date_records_imports_twice_without_changes(db, tmp_path: Path):
    site = _write(tmp_path / "teaware", SITE)
    first = assert_idempotent(str(site), "--lab", "teaware")
    assert " 0 updated," in first.splitlines()[-1]
    honors = set(Honor.objects.values_list("title", "year"))
    assert honors == {
        ("Golden Kettle Award", 2031),
        ("Silver Spout Prize", 2031),
        ("南湖茶具设计大赛一等奖", 2031),
        ("南湖理工学院优秀青年教师", 2031),
    }
    news = set(NewsItem.objects.values_list("date", "date_precision", "text"))
    assert news == {
        (datetime.date(2032, 2, 1), "month", "Our spout paper was accepted."),
        (datetime.date(2031, 10, 1), "month", "茶壶小组发表了第一篇论文。"),
        (datetime.date(2031, 10, 1), "month", "茶壶小组获得了新的资助。"),
    }  # and none of the CV rows
    assert CVEntry.objects.count() == 6
    assert set(CVEntry.objects.filter(kind="education").values_list("title", flat=True)) == {
        "工学硕士",
        "工学学士",
    }
