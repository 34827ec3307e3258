"""Two entries with one title are one paper only when the same people wrote both, in order, and
their venues do not tell them apart (works.same_work); otherwise both are kept, and each is found
again as itself on a re-import.

- ``same_title_hugo``: two Hugo publication folders with one title (one in lower case), other
  co-authors, another venue and year — a folder copied and its title left as it was.
- ``same_title_page``: a markdown page lists one study under "Conference Papers" and again under
  "Workshops" with the same authors: the workshop paper is a work of its own.
"""

from __future__ import annotations

from pathlib import Path

from labsite.importing.works import Listing, same_work
from publications.models import Publication
from tests.importing.test_reimport import _write, assert_idempotent

FIXTURES = Path(__file__).parent / "fixtures"


def _papers() -> list[tuple[str, str, int | None, list[str]]]:
    return [
        (p.title, p.venue, p.year, [a.name for a in p.authorships.order_by("position")])
        for p in Publication.objects.order_by("year", "venue")
    ]


def test_same_title_other_authors_and_venue_are_two_works(db):
    out = assert_idempotent(str(FIXTURES / "same_title_hugo"), "--lab", "robots")
    assert _papers() == [
        (
            "A framework for gentle robot helpers",
            "2019 Invented Work Conference on Soft Machines (IWSM)",
            2019,
            ["Ines Ortl", "Jon Vale", "Olan Piet", "Pavel Rusk"],
        ),
        (
            "A Framework for Gentle Robot Helpers",
            "2020 International Conference on Invented Robots (ICIR)",
            2020,
            ["Ines Ortl", "Tom Brenn", "Sun Li", "Pavel Rusk"],
        ),
    ]
    assert "matched by title" not in out


def test_same_title_workshop_listing_is_a_work_of_its_own(db):
    assert_idempotent(
        str(FIXTURES / "same_title_page"), "--lab", "widgets", "--person", "Ines Ortl"
    )
    counting = Publication.objects.filter(title="Counting Widgets with Few Samples")
    assert sorted((p.venue, p.kind) for p in counting) == [
        ("CIL 2024 Workshop on Tiny Data", "workshop"),
        ("Conference on Invented Learning (CIL)", "conference"),
    ]
    assert Publication.objects.count() == 3


def test_same_title_data_file_entries_are_both_read(db, tmp_path):
    """A ``_data/publications.yml`` that lists a paper under its conference and again under a
    workshop: both entries are read (the reader no longer drops the second by its title)."""
    site = _write(
        tmp_path / "ines",
        {
            "_config.yml": "author:\n  name: Ines Ortl\n",
            "_data/publications.yml": (
                '- title: "Counting Widgets"\n  authors: ["I. Ortl", "T. Brenn"]\n'
                '  venue: "Proc. of CIL 2024"\n  year: 2024\n'
                '- title: "Counting Widgets"\n  authors: ["I. Ortl", "T. Brenn"]\n'
                '  venue: "CIL 2024 Workshop on Tiny Data"\n  year: 2024\n'
            ),
            "_pages/publications.md": "---\ntitle: Publications\n---\n",
        },
    )
    assert_idempotent(str(site), "--lab", "widgets")
    venues = sorted(Publication.objects.values_list("venue", flat=True))
    assert venues == ["CIL 2024 Workshop on Tiny Data", "Proc. of CIL"]


def test_same_title_same_people_same_venue_is_one_work():
    full = Listing(("Ines Ortl", "Tom Brenn", "Sun Li"), "Journal of Widgets", "", 2023, "journal")
    badge = Listing(("I. Ortl", "T. Brenn", "et al."), "JWID'23", "JWID", 2023, "")
    preprint = Listing(("Ortl", "Brenn", "Li"), "arXiv preprint", "arXiv", 2022, "preprint")
    assert same_work(full, badge)
    assert same_work(full, preprint)  # the paper before its venue
    assert same_work(full, Listing())  # a listing that says nothing tells nothing apart


def test_same_title_other_people_or_venue_is_another_work():
    paper = Listing(("Ines Ortl", "Tom Brenn"), "Proc. of CIL 2024", "CIL", 2024, "conference")
    assert not same_work(paper, Listing(("Ines Ortl", "Jon Vale"), "Proc. of CIL 2024"))
    assert not same_work(paper, Listing(("Ines Ortl", "Jon Vale", "Tom Brenn"), "CIL 2024"))
    assert same_work(paper, Listing(("Ines Ortl",), "Proc. of CIL 2024"))  # whose it is, only
    assert not same_work(paper, Listing(("Tom Brenn", "Ines Ortl"), "Proc. of CIL 2024"))
    workshop = Listing(("Ines Ortl", "Tom Brenn"), "CIL Workshop on Tiny Data", "", 2024)
    assert not same_work(paper, workshop)
    one_workshop = Listing((), "ICML 2023 Workshop on Tiny Data", "ICML Workshop", 2023)
    other_workshop = Listing((), "ICML 2023 Workshop on Huge Models", "ICML Workshop", 2023)
    assert not same_work(one_workshop, other_workshop)
    assert same_work(one_workshop, Listing((), "Workshop on Tiny Data (ICML)", "", 2023))
    other_badge = Listing(("Ines Ortl", "Tom Brenn"), "Proc. of SIW 2024", "SIW", 2024)
    assert not same_work(paper, other_badge)
