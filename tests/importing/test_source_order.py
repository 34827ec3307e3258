"""The author's order: what a page lists in a given order is stored and shown in that order.

Papers within a year, news of one date (a month, "Mar 2024"), projects, honors and the entries
of a ``.bib`` file keep their place in the source (``order`` fields written by the importer),
never alphabetical nor newest-row-first. The site below is written for these tests: within each
list the titles are deliberately out of alphabetical order.
"""

from __future__ import annotations

import datetime
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from labsite.importing.load import load_site
from labsite.importing.papers import PLACED_BY, page_orders
from labsite.importing.records import NewsRecord, PageRecord, ProfileRecord, SiteRecord, SourceRef
from labsite.importing.rows import positions_within
from people.models import Honor, NewsItem
from publications.models import Publication
from research.models import Project
from tests.importing.conftest import pub, row_counts

CONFIG = 'author:\n  name: "Orla Brennick"\n'

ABOUT = """---
permalink: /
title: "Orla Brennick"
---

About
-----
I study how tidal sensors drift.

News
-----
- [Mar 2024] Zephyr dataset released.
- [Mar 2024] Moved to the harbour lab.
- [Mar 2024] Anchor workshop talk.
- [Feb 2024] Began my second year.

Publications
-----
- **Zonal Drift in Tidal Sensor Arrays**
  <u>Orla Brennick</u>, Tomas Ekwall
  OceanSense 2023
- **Buoy Calibration without Ground Truth**
  Tomas Ekwall, <u>Orla Brennick</u>
  Coastal ML Workshop 2023
- **Adaptive Sampling for Kelp Monitors**
  <u>Orla Brennick</u>
  Marine Robotics 2022

Research
-----

### Wave Energy Forecasts
Collaborated with
Tomas Ekwall

We forecast the energy of waves from a season of buoy data.

### Current Mapping
Collaborated with
Ines Farrow

We map coastal currents with a fleet of drifting floats.

Honors
-----
- Young Oceanographer Prize, 2023
- Blue Grant, 2022
- Alder Travel Award, 2021
"""

BIB = """@inproceedings{brennick2021wind,
  title = {Wind Shear Estimation from Sparse Buoys},
  author = {Brennick, Orla and Ekwall, Tomas},
  booktitle = {Proceedings of OceanSense},
  year = {2021}
}
@article{brennick2021drift,
  title = {Drift Correction for Cheap Thermistors},
  author = {Brennick, Orla},
  journal = {Journal of Coastal Instruments},
  year = {2021}
}
@article{brennick2021acoustic,
  title = {Acoustic Tags on Small Fish},
  author = {Farrow, Ines and Brennick, Orla},
  journal = {Journal of Coastal Instruments},
  year = {2021}
}
"""


def _site(root: Path) -> Path:
    (root / "_pages").mkdir(parents=True)
    (root / "_bibliography").mkdir()
    (root / "_config.yml").write_text(CONFIG, encoding="utf-8")
    (root / "_pages" / "about.md").write_text(ABOUT, encoding="utf-8")
    (root / "_bibliography" / "papers.bib").write_text(BIB, encoding="utf-8")
    return root


def _import(path: Path) -> str:
    out = StringIO()
    call_command("import_pages", str(path), "--lab", "tide", stdout=out, stderr=StringIO())
    return out.getvalue()


def _texts(html: str, pattern: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", m).strip() for m in re.findall(pattern, html, re.S)]


def _section(html: str, name: str) -> str:
    """The member page's ``<section id=name>``: each list is read from its own section."""
    m = re.search(rf'<section id="{name}".*?</section>', html, re.S)
    assert m is not None, f"no {name} section"
    return m.group(0)


PAPERS = [
    "Zonal Drift in Tidal Sensor Arrays",  # 2023, listed first
    "Buoy Calibration without Ground Truth",  # 2023, listed second
    "Adaptive Sampling for Kelp Monitors",  # 2022
    "Wind Shear Estimation from Sparse Buoys",  # 2021, the .bib's order from here on
    "Drift Correction for Cheap Thermistors",
    "Acoustic Tags on Small Fish",
]
NEWS = [
    "Zephyr dataset released.",
    "Moved to the harbour lab.",
    "Anchor workshop talk.",
    "Began my second year.",
]


def test_member_page_lists_everything_in_source_order(db, tmp_path):
    _import(_site(tmp_path / "orla"))

    page = Client().get("/people/orla-brennick/", HTTP_HOST="tide.localhost")

    assert page.status_code == 200
    html = page.content.decode()
    papers = _texts(
        _section(html, "publications"),
        r'<li(?: data-abstract)?><a href="/publications/\d+/">(.*?)</a>',
    )
    assert papers == PAPERS
    assert _texts(_section(html, "news"), r'<div class="news-text">(.*?)</div>') == NEWS
    assert _texts(_section(html, "research"), r'<h3 class="card-title">(.*?)</h3>') == [
        "Wave Energy Forecasts",
        "Current Mapping",
    ]
    assert _texts(_section(html, "honors"), r'<span class="what">(.*?)</span>') == [
        "Young Oceanographer Prize",
        "Blue Grant",
        "Alder Travel Award",
    ]
    full = Client().get("/people/orla-brennick/publications/", HTTP_HOST="tide.localhost")
    assert (
        _texts(
            full.content.decode(), r'<li(?: data-abstract)?><a href="/publications/\d+/">(.*?)</a>'
        )
        == PAPERS
    )
    # The stored order: a place within the year, within the date (here a month).
    assert list(
        Publication.objects.order_by("-year", "order").values_list("year", "order", "title")
    ) == [
        (2023, 0, PAPERS[0]),
        (2023, 1, PAPERS[1]),
        (2022, 0, PAPERS[2]),
        (2021, 0, PAPERS[3]),
        (2021, 1, PAPERS[4]),
        (2021, 2, PAPERS[5]),
    ]
    assert list(NewsItem.objects.values_list("date", "date_precision", "order")) == [
        (datetime.date(2024, 3, 1), "month", 0),
        (datetime.date(2024, 3, 1), "month", 1),
        (datetime.date(2024, 3, 1), "month", 2),
        (datetime.date(2024, 2, 1), "month", 0),
    ]
    assert list(Project.objects.values_list("order", "title")) == [
        (0, "Wave Energy Forecasts"),
        (1, "Current Mapping"),
    ]
    assert list(Honor.objects.values_list("order", "title")) == [
        (0, "Young Oceanographer Prize"),
        (1, "Blue Grant"),
        (2, "Alder Travel Award"),
    ]


def test_reimport_is_unchanged(db, tmp_path):
    site = _site(tmp_path / "orla")
    _import(site)
    before = row_counts()

    out = _import(site)

    assert row_counts() == before
    assert out.splitlines()[-1] == (
        "Total: 0 created, 0 updated, 21 unchanged, 0 conflicts, 0 warnings, 0 errors"
    )


def test_a_new_place_in_the_source_is_an_update(db, tmp_path):
    site = _site(tmp_path / "orla")
    _import(site)
    about = site / "_pages" / "about.md"
    swapped = ABOUT.replace("- [Mar 2024] Zephyr dataset released.\n", "").replace(
        "- [Mar 2024] Anchor workshop talk.\n",
        "- [Mar 2024] Anchor workshop talk.\n- [Mar 2024] Zephyr dataset released.\n",
    )
    about.write_text(swapped, encoding="utf-8")

    out = _import(site)

    assert out.splitlines()[-1].startswith("Total: 0 created, 3 updated")
    assert list(NewsItem.objects.values_list("text", flat=True)) == [
        "Moved to the harbour lab.",
        "Anchor workshop talk.",
        "Zephyr dataset released.",
        "Began my second year.",
    ]


def test_an_order_changed_in_the_admin_wins(db, tmp_path):
    site = _site(tmp_path / "orla")
    _import(site)
    # The member moves the second 2023 paper to the top, and the last news of March up.
    Publication.objects.filter(title=PAPERS[1]).update(order=0)
    Publication.objects.filter(title=PAPERS[0]).update(order=1)
    NewsItem.objects.filter(text=NEWS[2]).update(order=0)
    NewsItem.objects.filter(text=NEWS[0]).update(order=2)

    out = _import(site)

    assert out.splitlines()[-1] == (
        "Total: 0 created, 0 updated, 21 unchanged, 4 conflicts, 0 warnings, 0 errors"
    )
    assert (
        "    conflict: publication 'Zonal Drift in Tidal Sensor Arrays': order was edited after "
        "the last import; kept 1 (the source now says 0)"
    ) in out.splitlines()
    assert list(Publication.objects.filter(year=2023).values_list("title", flat=True)) == [
        PAPERS[1],
        PAPERS[0],
    ]
    assert list(NewsItem.objects.values_list("text", flat=True)) == [
        NEWS[2],
        NEWS[1],
        NEWS[0],
        NEWS[3],
    ]


def test_rows_imported_before_the_order_was_stored_take_the_source_order(db, tmp_path):
    """An upgrade: rows an older import wrote hold order 0 and no record of it: not an edit."""
    site = _site(tmp_path / "orla")
    _import(site)
    for model in (Publication, NewsItem, Project):
        for row in model.objects.all():
            row.imported_values.pop("order", None)
            row.imported_values.pop(PLACED_BY, None)
            model.objects.filter(pk=row.pk).update(order=0, imported_values=row.imported_values)

    out = _import(site)

    # Those first in their year, date or list were at 0 already: three papers, two news items
    # and one project move.
    assert out.splitlines()[-1] == (
        "Total: 0 created, 6 updated, 15 unchanged, 0 conflicts, 0 warnings, 0 errors"
    )
    assert list(Publication.objects.values_list("title", flat=True)) == PAPERS
    assert list(NewsItem.objects.values_list("text", flat=True)) == NEWS
    assert _import(site).splitlines()[-1].startswith("Total: 0 created, 0 updated")


# ------------------------------------------------------------------ one paper on two pages


def _two_pages(root: Path, first: list[str], second: list[str]) -> SiteRecord:
    """One owner's site with two pages listing papers of 2023 (second after first)."""
    pages = [
        PageRecord(
            source=SourceRef(name),
            publications=[pub(title, "Orla Brennick", owner="Orla Brennick") for title in titles],
        )
        for name, titles in (("home.md", first), ("publications.md", second))
    ]
    return SiteRecord(root=root, profile=ProfileRecord(name="Orla Brennick"), pages=pages)


@pytest.mark.parametrize("reverse", [False, True], ids=["home-first", "list-first"])
def test_a_paper_on_two_pages_is_placed_by_the_fuller_list(lab, tmp_path, reverse):
    """A home page's selected paper and the full list: the full list places it, every run."""
    full = ["Tidal Gauge Fusion", "Kelp Canopy Sonar", "Estuary Salinity Maps"]
    site = _two_pages(tmp_path / "orla", ["Estuary Salinity Maps"], full)
    if reverse:
        site.pages.reverse()
    options = {"lab": lab, "owner": None, "dry_run": False, "verbosity": 1}

    load_site(site, **options)
    again = load_site(site, **options)

    assert list(Publication.objects.values_list("title", "order")) == [
        ("Tidal Gauge Fusion", 0),
        ("Kelp Canopy Sonar", 1),
        ("Estuary Salinity Maps", 2),
    ]
    totals = again.totals()
    assert (totals["created"], totals["updated"]) == (0, 0)


def test_a_paper_listed_twice_on_one_page_takes_its_last_place(db):
    """A selected list above the full list on one page: the full list's place counts."""
    records = [
        pub("Estuary Salinity Maps", "A B"),  # the "selected" list
        pub("Tidal Gauge Fusion", "A B"),
        pub("Estuary Salinity Maps", "A B"),  # the full list, 2023
        pub("Kelp Canopy Sonar", "A B", year=2022),
        pub("", "A B"),  # no title: skipped by the writer, takes no place
    ]

    assert page_orders(records) == ([1, 0, 1, 0, 0], 3)


def test_positions_within_groups():
    day = datetime.date(2024, 3, 1)
    other = datetime.date(2024, 2, 1)
    assert positions_within([day, day, other, day, None, None]) == [0, 1, 0, 2, 0, 1]
    news = [NewsRecord(date=d, text="x") for d in (day, other, day)]
    assert positions_within(n.date for n in news) == [0, 0, 1]


def test_collection_projects_keep_the_order_the_site_shows(db, tmp_path):
    """al-folio sorts ``_projects`` by ``importance`` (none last), then as Jekyll lists files."""
    site = tmp_path / "orla"
    (site / "_projects").mkdir(parents=True)
    (site / "_config.yml").write_text(CONFIG, encoding="utf-8")
    (site / "about.md").write_text(
        "---\nlayout: about\ntitle: about\npermalink: /\n---\nI study tides.\n", encoding="utf-8"
    )
    for name, title, importance in (
        ("1_tides.md", "Tide Tables Reread", 3),
        ("2_kelp.md", "Kelp Forest Census", 1),
        ("3_notes.md", "Field Notes", None),
        ("4_buoys.md", "Buoy Network", 2),
    ):
        rank = "" if importance is None else f"importance: {importance}\n"
        (site / "_projects" / name).write_text(
            f"---\ntitle: {title}\ndescription: A project.\n{rank}---\nWe measure things.\n",
            encoding="utf-8",
        )

    _import(site)

    assert list(Project.objects.values_list("order", "title")) == [
        (0, "Kelp Forest Census"),
        (1, "Buoy Network"),
        (2, "Tide Tables Reread"),
        (3, "Field Notes"),
    ]
    research = Client().get("/research/", HTTP_HOST="tide.localhost").content.decode()
    assert _texts(research, r'<h2 class="card-title">(.*?)</h2>') == [
        "Kelp Forest Census",
        "Buoy Network",
        "Tide Tables Reread",
        "Field Notes",
    ]
    assert _import(site).splitlines()[-1].startswith("Total: 0 created, 0 updated")


# ------------------------------------------------------- every kind, on every page, re-imported

KINDS = {
    # kind: (page, section id or None for the whole page, pattern, the source's order)
    "publications-member": (
        "/people/orla-brennick/publications/",
        None,
        r'<li(?: data-abstract)?><a href="/publications/\d+/">(.*?)</a>',
        PAPERS,
    ),
    "publications-lab": (
        "/publications/",
        None,
        r'<li(?: data-abstract)?><a href="/publications/\d+/">(.*?)</a>',
        PAPERS,
    ),
    "projects-lab": (
        "/research/",
        None,
        r'<h2 class="card-title">(.*?)</h2>',
        ["Wave Energy Forecasts", "Current Mapping"],
    ),
    "news-lab": ("/news/", None, r'<div class="news-text"><p>(.*?)</p>', NEWS),
    "honors-member": (
        "/people/orla-brennick/",
        "honors",
        r'<span class="what">(.*?)</span>',
        ["Young Oceanographer Prize", "Blue Grant", "Alder Travel Award"],
    ),
}


@pytest.mark.parametrize("kind", list(KINDS))
def test_each_kind_keeps_the_source_order_on_its_pages_across_a_reimport(db, tmp_path, kind):
    path, section, pattern, expected = KINDS[kind]
    site = _site(tmp_path / "orla")
    # First the page with every list the other way round: the rows are created in that order,
    # so only the stored order (not the rows' ids) can put them right after the real page.
    (site / "_pages" / "about.md").write_text(_reversed_lists(ABOUT), encoding="utf-8")
    (site / "_bibliography" / "papers.bib").write_text(
        "\n".join(reversed(re.split(r"\n(?=@)", BIB.strip()))) + "\n", encoding="utf-8"
    )
    _import(site)
    _site_files(site)
    assert _import(site).splitlines()[-1].startswith("Total: 0 created, ")
    assert _import(site).splitlines()[-1].startswith("Total: 0 created, 0 updated")

    html = Client().get(path, HTTP_HOST="tide.localhost").content.decode()

    assert _texts(_section(html, section) if section else html, pattern) == expected


def _site_files(root: Path) -> None:
    (root / "_pages" / "about.md").write_text(ABOUT, encoding="utf-8")
    (root / "_bibliography" / "papers.bib").write_text(BIB, encoding="utf-8")


def _reversed_lists(text: str) -> str:
    """``text`` with the entries of each section in the opposite order (headings stay)."""
    parts = re.split(r"(\n[A-Z][^\n]*\n-----\n)", text)
    out = [parts[0]]
    for heading, body in zip(parts[1::2], parts[2::2], strict=True):
        starts = r"\n(?=### )" if "### " in body else r"\n(?=- )"
        head, *entries = re.split(starts, "\n" + body.strip("\n"))
        out.append(heading + head.strip("\n") + "\n".join(reversed(entries)) + "\n\n")
    return "".join(out)


def test_reversed_lists_reverses_each_section():
    flipped = _reversed_lists(ABOUT)
    assert flipped.index("Began my second year") < flipped.index("Zephyr dataset")
    assert flipped.index("Adaptive Sampling") < flipped.index("Zonal Drift")
    assert flipped.index("### Current Mapping") < flipped.index("### Wave Energy")
    assert flipped.index("Alder Travel") < flipped.index("Young Oceanographer")
    assert flipped.index("About\n-----") < flipped.index("News\n-----")
