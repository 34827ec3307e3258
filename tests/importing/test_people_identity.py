"""One Person per human: linked co-authors and collaborators, found again on every page and run.

The seeds (../shared/seeds) are read in place: 001 is Yue Niu's research page (its 15
collaborator entries are 10 people, 7 of them printed with a profile link), 000 is Sara
Babakniya's homepage; both name the lab's PI, Salman Avestimehr. The hand-made sites below use
names invented for these tests.
"""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from labsite.importing import identity
from labsite.importing.load import load_site
from labsite.importing.records import AuthorRecord, PageRecord, ProfileRecord, SiteRecord, SourceRef
from labsite.setup import get_or_create_lab
from people.models import Person
from publications.models import Authorship
from research.models import Collaborator
from tests.importing.conftest import SHARED, pub, row_counts

SEEDS = sorted((SHARED / "seeds").glob("*.txt"))
seeds_only = pytest.mark.skipif(len(SEEDS) != 3, reason="../shared/seeds is not present")

SALMAN_SCHOLAR = "https://scholar.google.com/citations?user=Qhe5ua0AAAAJ&hl=en"


def _import(*args: str) -> str:
    out = StringIO()
    call_command("import_pages", *args, stdout=out, stderr=StringIO(), verbosity=1)
    return out.getvalue()


def _sara() -> str:
    return _import(str(SEEDS[0]), "--lab", "vital", "--lab-name", "vITAL")


def _yue() -> str:
    return _import(str(SEEDS[1]), "--lab", "vital", "--person", "Yue Niu")


def _total(out: str) -> str:
    return next(line for line in out.splitlines() if line.startswith("Total:"))


@seeds_only
def test_seed_001_fifteen_collaborator_entries_are_ten_people(db):
    _yue()

    rows = list(Collaborator.objects.order_by("project__order", "order"))
    assert len(rows) == 15
    # A linked entry is its Person; an unlinked one (no Person yet) its printed name.
    people = {row.person_id or identity.normalize_name(row.name) for row in rows}
    assert len(people) == 10
    outside = Person.objects.filter(memberships=None)
    assert sorted(outside.values_list("name", "google_scholar", "website")) == [
        (
            "Mahdi Soltanolkotabi",
            "https://scholar.google.com/citations?hl=en&user=narJyMAAAAAJ",
            "",
        ),
        ("Ramy E. Ali", "https://scholar.google.com/citations?user=FLJ86DwAAAAJ&hl=en", ""),
        ("Salman Avestimehr", SALMAN_SCHOLAR, ""),
        # Linked to his homepage on one project and to his Scholar page on another: one person
        # who has both.
        (
            "Saurav Prakash",
            "https://scholar.google.com/citations?user=VhnTrugAAAAJ&hl=en",
            "https://sauravpr.com",
        ),
        ("Souvik Kundu", "https://scholar.google.com/citations?user=b591SVkAAAAJ&hl=en", ""),
        ("Sunwoo Lee", "https://scholar.google.com/citations?user=WA9KNNcAAAAJ&hl=en", ""),
        ("Zalan Fabian", "https://scholar.google.com/citations?hl=en&user=5EKjsXQAAAAJ", ""),
    ]
    salman = Person.objects.get(name="Salman Avestimehr")
    assert Collaborator.objects.filter(person=salman).count() == 4
    # The names printed without a link stay printed names.
    assert sorted(Collaborator.objects.filter(person=None).values_list("name", flat=True)) == [
        "Lei Gao",
        "Murali Annavaram",
        "Tingting Tang",
    ]


@seeds_only
@pytest.mark.parametrize("order", ["sara-first", "yue-first"])
def test_the_vital_pi_is_one_person_on_both_seeds(db, order):
    if order == "sara-first":
        _sara()
        _yue()
    else:
        _yue()
        _sara()

    salman = Person.objects.get(name__icontains="Avestimehr")
    assert salman.google_scholar == SALMAN_SCHOLAR
    assert not salman.memberships.exists()
    # Every row naming him, on her papers and on his projects, is that one Person.
    named = Authorship.objects.filter(name="Salman Avestimehr")
    assert named.count() == 5
    assert set(named.values_list("person_id", flat=True)) == {salman.pk}
    assert set(
        Collaborator.objects.filter(name="Salman Avestimehr").values_list("person_id", flat=True)
    ) == {salman.pk}
    # Collaborators of Yue's projects are the same people on Sara's papers.
    assert set(
        Authorship.objects.filter(name="Souvik Kundu").values_list("person__name", flat=True)
    ) == {"Souvik Kundu"}


@seeds_only
def test_a_second_run_finds_the_same_people(db):
    _sara()
    _yue()
    before = row_counts()
    people = sorted(Person.objects.values_list("pk", "name"))

    again = _sara() + _yue()

    assert row_counts() == before
    assert sorted(Person.objects.values_list("pk", "name")) == people
    totals = [line for line in again.splitlines() if line.startswith("Total:")]
    assert len(totals) == 2
    assert all(line.startswith("Total: 0 created, 0 updated,") for line in totals)


# --------------------------------------------------------------------------- hand-made sites


def _author(name: str, url: str = "", owner: bool = False) -> AuthorRecord:
    return AuthorRecord(name=name, url=url, is_owner=owner)


def _site(root: Path, owner: str, *pages: list) -> SiteRecord:
    return SiteRecord(
        root=root,
        profile=ProfileRecord(name=owner),
        pages=[
            PageRecord(source=SourceRef(f"page{i}.md"), publications=records)
            for i, records in enumerate(pages)
        ],
    )


def _paper(title: str, owner: str, *authors: AuthorRecord):
    record = pub(title, owner=owner)
    record.authors = [_author(owner, owner=True), *authors]
    return record


ODA_SCHOLAR = "https://scholar.google.com/citations?user=OdaX1"


def test_a_linked_co_author_is_found_by_name_variants_on_later_pages_and_runs(db, tmp_path):
    lab, _ = get_or_create_lab(slug="tide", name="Tide", domain="tide.localhost")
    site = _site(
        tmp_path / "orla",
        "Orla Brennick",
        [
            _paper(
                "Zonal Drift in Tidal Arrays",
                "Orla Brennick",
                _author("Ódhrán K. Vesk", ODA_SCHOLAR),
            )
        ],
        [
            _paper("Buoy Calibration at Sea", "Orla Brennick", _author("Vesk, Odhran")),
            _paper("Kelp Canopy Sonar", "Orla Brennick", _author("O. K. Vesk")),
            _paper(
                "Estuary Salinity Maps",
                "Orla Brennick",
                _author("Odhran Vesk", "http://www.vesk.example.org/"),
            ),
        ],
    )
    options = {"lab": lab, "owner": None, "dry_run": False, "verbosity": 1}

    first = load_site(site, **options)

    vesk = Person.objects.get(name="Ódhrán K. Vesk")
    assert (vesk.google_scholar, vesk.website, vesk.memberships.count()) == (
        ODA_SCHOLAR,
        "http://www.vesk.example.org/",  # his second link, learnt on a later page
        0,
    )
    linked = Authorship.objects.filter(person=vesk).order_by("publication__title")
    assert list(linked.values_list("name", flat=True)) == [
        "Vesk, Odhran",
        "Odhran Vesk",
        "O. K. Vesk",
        "Ódhrán K. Vesk",
    ]
    assert first.totals()["errors"] == 0

    # A later run, another member of another lab: found by his homepage, spelled otherwise.
    other_lab, _ = get_or_create_lab(slug="reef", name="Reef", domain="reef.localhost")
    mira = _site(
        tmp_path / "mira",
        "Mira Solano",
        [
            _paper(
                "Coral Bleaching Forecasts",
                "Mira Solano",
                _author("O. Vesk", "https://vesk.example.org"),
            )
        ],
    )
    load_site(mira, **{**options, "lab": other_lab})
    assert Authorship.objects.get(name="O. Vesk").person == vesk
    assert Person.objects.filter(name__icontains="Vesk").count() == 1

    # The same files again: nothing new, nobody new.
    before = row_counts()
    totals = load_site(site, **options).totals()
    assert (totals["created"], totals["updated"]) == (0, 0)
    assert row_counts() == before


def test_a_namesake_with_another_profile_is_another_person(db, tmp_path):
    lab, _ = get_or_create_lab(slug="tide", name="Tide", domain="tide.localhost")
    site = _site(
        tmp_path / "orla",
        "Orla Brennick",
        [
            _paper(
                "Zonal Drift in Tidal Arrays", "Orla Brennick", _author("Jon Harte", ODA_SCHOLAR)
            ),
            _paper(
                "Buoy Calibration at Sea",
                "Orla Brennick",
                _author("Jon Harte", "https://scholar.google.com/citations?user=HarteJ2"),
            ),
            _paper("Kelp Canopy Sonar", "Orla Brennick", _author("Jon Harte")),
        ],
    )

    load_site(site, lab=lab, owner=None, dry_run=False, verbosity=1)

    assert Person.objects.filter(name="Jon Harte").count() == 2
    # With two Jon Hartes, the unlinked one is not guessed.
    assert (
        Authorship.objects.get(publication__title="Kelp Canopy Sonar", name="Jon Harte").person
        is None
    )


def test_a_link_that_names_no_profile_creates_nobody(db, tmp_path):
    lab, _ = get_or_create_lab(slug="tide", name="Tide", domain="tide.localhost")
    site = _site(
        tmp_path / "orla",
        "Orla Brennick",
        [
            _paper(
                "Zonal Drift in Tidal Arrays",
                "Orla Brennick",
                _author("Jon Harte", "https://arxiv.org/abs/2401.01234"),
            ),
            _paper(
                "Buoy Calibration at Sea",
                "Orla Brennick",
                _author("The Kelp Consortium 2023", "https://kelp.example.org"),
            ),
        ],
    )

    load_site(site, lab=lab, owner=None, dry_run=False, verbosity=1)

    assert list(Person.objects.values_list("name", flat=True)) == ["Orla Brennick"]


# ------------------------------------------------------------- al-folio's _data/coauthors.yml

COAUTHORS = """"ekwall":
  - firstname: ["Tomas", "T.", "T. J.", "Tomas Jon"]
    url: https://tomasekwall.example.org/
"farrow":
  - firstname: ["Ines", "I."]
    url: https://scholar.google.com/citations?user=FarrowI1
  - firstname: ["Idris"]
    url: https://idris-farrow.example.net
"""

COAUTHOR_BIB = """@inproceedings{brennick2021wind,
  title = {Wind Shear Estimation from Sparse Buoys},
  author = {Brennick, Orla and Ekwall, Tomas and Farrow, Ines},
  booktitle = {Proceedings of OceanSense},
  year = {2021}
}
@article{brennick2022drift,
  title = {Drift Correction for Cheap Thermistors},
  author = {Brennick, Orla and Ekwall, T. J. and Farrow, Idris and Ostrander, Ines},
  journal = {Journal of Coastal Instruments},
  year = {2022}
}
"""


def test_al_folio_coauthor_links_make_one_person_each(db, tmp_path):
    site = tmp_path / "orla"
    (site / "_bibliography").mkdir(parents=True)
    (site / "_data").mkdir()
    (site / "_config.yml").write_text('author:\n  name: "Orla Brennick"\n', encoding="utf-8")
    (site / "_bibliography" / "papers.bib").write_text(COAUTHOR_BIB, encoding="utf-8")
    (site / "_data" / "coauthors.yml").write_text(COAUTHORS, encoding="utf-8")

    _import(str(site), "--lab", "tide")
    again = _import(str(site), "--lab", "tide")

    assert sorted(
        Person.objects.filter(memberships=None).values_list("name", "website", "google_scholar")
    ) == [
        ("Idris Farrow", "https://idris-farrow.example.net", ""),
        ("Ines Farrow", "", "https://scholar.google.com/citations?user=FarrowI1"),
        ("Tomas Ekwall", "https://tomasekwall.example.org/", ""),
    ]
    rows = Authorship.objects.order_by("publication__year", "position")
    assert list(rows.values_list("name", "person__name")) == [
        ("Orla Brennick", "Orla Brennick"),
        ("Tomas Ekwall", "Tomas Ekwall"),
        ("Ines Farrow", "Ines Farrow"),
        ("Orla Brennick", "Orla Brennick"),
        ("T. J. Ekwall", "Tomas Ekwall"),
        ("Idris Farrow", "Idris Farrow"),
        ("Ines Ostrander", None),  # not in coauthors.yml, and no Person of that name
    ]
    assert _total(again).startswith("Total: 0 created, 0 updated,")
