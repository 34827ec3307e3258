"""News items led by a date in any of the usual shapes keep only the clean remainder as text.

All text here is made up for these tests.
"""

from __future__ import annotations

import datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from labsite.importing.extract.common import leading_date
from labsite.importing.extract.lists import extract_news
from labsite.importing.parse import parse_page
from labsite.importing.repair import repair_text
from people.models import NewsItem

MAY = datetime.date(2024, 5, 1)
MAY3, JUL = datetime.date(2024, 5, 3), datetime.date(2024, 7, 1)


@pytest.mark.parametrize(
    ("line", "date", "text"),
    [
        # bold date, the colon inside or outside the bold
        ("**May 2024:** The kiln lab opened.", MAY, "The kiln lab opened."),
        ("**May 2024**: The kiln lab opened.", MAY, "The kiln lab opened."),
        ("**May 2024** : The kiln lab opened.", MAY, "The kiln lab opened."),
        ("**May 2024:**The kiln lab opened.", MAY, "The kiln lab opened."),
        ("__May 2024:__ The kiln lab opened.", MAY, "The kiln lab opened."),
        ("***May 2024:*** The kiln lab opened.", MAY, "The kiln lab opened."),
        ("*May 2024*: The kiln lab opened.", MAY, "The kiln lab opened."),
        ("**May 2024.** The kiln lab opened.", MAY, "The kiln lab opened."),
        ("**May 2024** - The kiln lab opened.", MAY, "The kiln lab opened."),
        ("**May 2024** – The kiln lab opened.", MAY, "The kiln lab opened."),
        ("**May 2024 –** The kiln lab opened.", MAY, "The kiln lab opened."),
        (
            "**May 3, 2024:** The kiln lab opened.",
            datetime.date(2024, 5, 3),
            "The kiln lab opened.",
        ),
        ("**2024:** The kiln lab opened.", datetime.date(2024, 1, 1), "The kiln lab opened."),
        ("`May 2024`: The kiln lab opened.", MAY, "The kiln lab opened."),
        # the whole item in bold
        ("**May 2024: The kiln lab opened.**", MAY, "The kiln lab opened."),
        # HTML bold
        ("<b>May 2024</b>: The kiln lab opened.", MAY, "The kiln lab opened."),
        ("<b>May 2024:</b> The kiln lab opened.", MAY, "The kiln lab opened."),
        ("<strong>May 2024</strong> – The kiln lab opened.", MAY, "The kiln lab opened."),
        ("<b>May 2024: The kiln lab opened.</b>", MAY, "The kiln lab opened."),
        # brackets, ISO dates
        ("[May 2024] The kiln lab opened.", MAY, "The kiln lab opened."),
        ("**[May 2024]** The kiln lab opened.", MAY, "The kiln lab opened."),
        ("[**May 2024**] The kiln lab opened.", MAY, "The kiln lab opened."),
        ("2024-05-03: The kiln lab opened.", MAY3, "The kiln lab opened."),
        ("**2024-05-03**: The kiln lab opened.", MAY3, "The kiln lab opened."),
        ("2024-05-03 – The kiln lab opened.", MAY3, "The kiln lab opened."),
        ("May 2024: The kiln lab opened.", MAY, "The kiln lab opened."),
        # emoji before the date stays at the start of the text
        ("📢 October 2024: A talk on glazes.", datetime.date(2024, 10, 1), "📢 A talk on glazes."),
        (
            "🏆 **Jul 2024**: Best poster on glazes.",
            datetime.date(2024, 7, 1),
            "🏆 Best poster on glazes.",
        ),
        (
            "🏆 **Jul 2024:** Best poster on glazes.",
            datetime.date(2024, 7, 1),
            "🏆 Best poster on glazes.",
        ),
        ("🎉🎉 **[May 2024]** A grant for kilns.", MAY, "🎉🎉 A grant for kilns."),
        ("📝 <b>May 2024:</b> A glaze paper.", MAY, "📝 A glaze paper."),
    ],
)
def test_leading_date_leaves_a_clean_remainder(line, date, text):
    found = leading_date(line)
    assert found is not None
    assert (found[0], found[2]) == (date, text)


@pytest.mark.parametrize(
    "line",
    ["2024 was a year of kilns.", "The kiln lab opened in May 2024.", "**Kilns**: May 2024"],
)
def test_prose_is_not_a_dated_item(line):
    assert leading_date(line) is None


@pytest.mark.parametrize(
    ("line", "text"),
    [
        ("2024-05-01: *Glaze Chemistry* is at a workshop.", "*Glaze Chemistry* is at a workshop."),
        ("May 2024 *Glaze Chemistry* is out.", "*Glaze Chemistry* is out."),
        ("**May 2024:** *Glaze Chemistry* is out.", "*Glaze Chemistry* is out."),
        ("[May 2024] **Glaze Chemistry** is out.", "**Glaze Chemistry** is out."),
    ],
)
def test_markup_of_the_text_after_the_date_is_kept(line, text):
    assert leading_date(line)[2] == text


def test_news_list_in_every_shape():
    page = """## News
- **May 2024:** Colon inside the bold.
- **Jun 2024**: Colon outside the bold.
* 📢 October 2024: Megaphone first.
* 🏆 **Aug 2024**: Trophy and bold.
* <b>Sep 2024:</b> HTML bold.
* [Nov 2024] Bracketed.
* 2024-12-03 – ISO and a dash.
"""
    [section] = parse_page(page, "about.md").sections
    news = extract_news(section.lines, "about.md")
    assert [(n.date.isoformat(), n.text) for n in news] == [
        ("2024-05-01", "Colon inside the bold."),
        ("2024-06-01", "Colon outside the bold."),
        ("2024-10-01", "📢 Megaphone first."),
        ("2024-08-01", "🏆 Trophy and bold."),
        ("2024-09-01", "HTML bold."),
        ("2024-11-01", "Bracketed."),
        ("2024-12-03", "ISO and a dash."),
    ]
    for item in news:
        assert not item.text.startswith(("*", ":", "-", "–", "<", "]"))
        assert "**" not in item.text


def test_mojibake_emoji_before_a_bold_date():
    # "📢 **Jul 2024:** …" saved as UTF-8 and read back as cp1252.
    broken = "- " + "📢".encode().decode("cp1252") + " **Jul 2024:** A prize."
    assert broken.startswith("- ðŸ“¢ ")
    [section] = parse_page("## News\n" + repair_text(broken) + "\n", "about.md").sections
    [item] = extract_news(section.lines, "about.md")
    assert (item.date, item.text) == (datetime.date(2024, 7, 1), "📢 A prize.")


def test_bold_date_news_is_stored_clean(db, tmp_path: Path):
    root = tmp_path / "potter.github.io"
    (root / "_pages").mkdir(parents=True)
    (root / "_config.yml").write_text('author:\n  name: "Wren Potter"\n', encoding="utf-8")
    (root / "_pages" / "about.md").write_text(
        "---\ntitle: Wren Potter\npermalink: /\n---\n\n## About\nI fire clay.\n\n## News\n"
        "- **May 2024:** Our kiln paper was accepted.\n"
        "- 📢 **Apr 2024**: Talk at the clay workshop.\n",
        encoding="utf-8",
    )
    call_command("import_pages", str(root), "--lab", "clay", stdout=StringIO(), stderr=StringIO())
    assert sorted(NewsItem.objects.values_list("date", "text")) == [
        (datetime.date(2024, 4, 1), "📢 Talk at the clay workshop."),
        (datetime.date(2024, 5, 1), "Our kiln paper was accepted."),
    ]


EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_example_news_is_stored_as_written():
    """The demo's news comes out exactly as its pages write it, whatever the date style."""
    seen = 0
    for path in sorted(EXAMPLES.glob("*/*/_pages/*.md")):
        source = path.read_text(encoding="utf-8")
        page = parse_page(source, path.name)
        sections = [s for s in page.sections if s.heading.lower() == "news"]
        for section in sections:
            for item in extract_news(section.lines, path.name):
                seen += 1
                words = item.text.split(" ", 1)
                body = words[1] if len(words) == 2 and not words[0].isascii() else item.text
                assert body in source, (path, item.text)
                assert item.text.count("**") % 2 == 0, (path, item.text)
                assert not item.text.startswith((":", "-", "–", "]", "</")), (path, item.text)
    assert seen >= 10
    ana = (EXAMPLES / "lumen-lab/ana-kowalski/_pages/about.md").read_text(encoding="utf-8")
    assert "- **Oct 2023:** " in ana  # the demo shows the bold-date style
