"""BibTeX that names its journal by an AASTeX macro (``journal = {\\mnras}``, as ADS exports),
and two papers whose front matter carries one copied DOI.

- ``hugo_journal_macros``: a Hugo site whose papers leave ``publication:`` empty, so the venue
  comes from each folder's ``cite.bib``: ``\\mnras``, ``\\apjl``, ``\\nat`` and ``\\fictj`` (no
  such macro). "The Spin of Imaginary Pebbles" and "Quiet Comets Around a Made-up Star" give
  the same DOI.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from labsite.importing.bibtex import parse_bibtex
from labsite.importing.extract.common import Context
from labsite.importing.identity import PublicationIndex, other_work_titles
from publications.intake import add_from_bibtex
from publications.models import Publication
from tests.importing.test_corpus_import import warnings
from tests.importing.test_reimport import assert_idempotent

FIXTURES = Path(__file__).parent / "fixtures"


def _entry(journal: str) -> str:
    return (
        "@article{k, title={Dust Lanes in Invented Galaxies}, author={Quill, Mara},"
        f" journal = {journal}, year = 2021}}"
    )


@pytest.mark.parametrize(
    ("journal", "venue", "short"),
    [
        (r"{\mnras}", "Monthly Notices of the Royal Astronomical Society", "MNRAS"),
        (r"{\apjl}", "Astrophysical Journal Letters", "ApJL"),
        (r"{{\aap}}", "Astronomy and Astrophysics", "A&A"),
        (r"{\PRD}", "Physical Review D", "PhRvD"),
        ("{Journal of Made-up Oceans}", "Journal of Made-up Oceans", ""),
    ],
)
def test_bibtex_journal_macro_becomes_the_journal_name(journal, venue, short):
    [record] = parse_bibtex(_entry(journal), Context(), "x.bib").publications
    assert (record.venue, record.confidence, record.doubts) == (venue, 1.0, [])
    if short:
        assert record.short_venue == short


def test_bibtex_unknown_macro_keeps_its_name_without_backslash_and_is_uncertain():
    [record] = parse_bibtex(_entry(r"{\fictj}"), Context(), "x.bib").publications
    assert record.venue == "fictj"
    assert record.doubts == [
        "the venue is the LaTeX macro \\fictj, which this import does not know"
    ]
    assert record.confidence < 0.8


def test_titles_of_other_works_are_told_from_a_renamed_paper():
    assert other_work_titles("Folding Cranes at Scale", "Folding Paper Cranes at Scale") is False
    assert other_work_titles("The Spin of Imaginary Pebbles", "Quiet Comets Around a Star")
    assert other_work_titles("", "Quiet Comets") is False


def test_index_does_not_match_a_copied_doi_under_another_title():
    index = PublicationIndex()
    index.add(1, doi="10.5555/x.1", title="The Spin of Imaginary Pebbles")
    assert index.find(doi="10.5555/x.1", title="Quiet Comets Around a Made-up Star") is None
    assert index.doi_clash("10.5555/x.1", "Quiet Comets") == (1, "The Spin of Imaginary Pebbles")
    assert index.find(doi="10.5555/x.1", title="The spin of imaginary pebbles!") == (1, "doi")


def test_hugo_cite_bib_macros_and_a_copied_doi(db):
    first = assert_idempotent(str(FIXTURES / "hugo_journal_macros"), "--lab", "stars")
    venues = dict(Publication.objects.values_list("title", "venue"))
    assert venues == {
        "Dust Lanes in Invented Galaxies": "Monthly Notices of the Royal Astronomical Society",
        "The Spin of Imaginary Pebbles": "Astrophysical Journal Letters",
        "Quiet Comets Around a Made-up Star": "Nature",
        "Ice Shelves of a Fictional Moon": "fictj",
    }
    shorts = dict(Publication.objects.values_list("title", "short_venue"))
    assert shorts["Dust Lanes in Invented Galaxies"] == "MNRAS"
    dois = dict(Publication.objects.values_list("title", "doi"))
    assert dois["The Spin of Imaginary Pebbles"] == "10.5555/invented.0002"
    assert dois["Quiet Comets Around a Made-up Star"] == ""
    page = "hugo_journal_macros/content/publication/quiet-comets/index.md"
    assert warnings(first) == [
        f"{page}: warning: content/publication/quiet-comets/index.md:1: DOI "
        "10.5555/invented.0002 is also given to 'The Spin of Imaginary Pebbles', a paper with "
        "another title; kept as two papers, the DOI only on that one"
    ]
    unsure = Publication.objects.get(title="Ice Shelves of a Fictional Moon")
    assert unsure.needs_review
    assert "\\fictj" in unsure.review_reason


PASTE = r"""
@article{quill2021dust,
  title = {Dust Lanes in Invented Galaxies},
  author = {Quill, Mara and Anders, Alice},
  journal = {\mnras},
  year = {2021},
  doi = {10.5555/invented.0100}
}
@article{quill2022spin,
  title = {The Spin of Imaginary Pebbles},
  author = {Anders, Alice},
  journal = {\fictj},
  year = {2022},
  doi = {10.5555/invented.0100}
}
"""


def test_admin_bibtex_paste_expands_macros_and_keeps_a_copied_doi_apart(db, alice):
    report = add_from_bibtex(PASTE, user=alice.user)
    assert [(i.action, i.title, i.detail) for i in report.items] == [
        ("created", "Dust Lanes in Invented Galaxies", "2 authors"),
        (
            "created",
            "The Spin of Imaginary Pebbles",
            "1 authors; the venue is the LaTeX macro \\fictj, which this import does not know; "
            "DOI 10.5555/invented.0100 is already that of 'Dust Lanes in Invented Galaxies'; "
            "not given here",
        ),
    ]
    pasted = Publication.objects.exclude(pk=alice.publication.pk).order_by("title")
    rows = pasted.values_list("title", "venue", "doi")
    assert list(rows) == [
        ("Dust Lanes in Invented Galaxies", "Monthly Notices of the Royal Astronomical Society",
         "10.5555/invented.0100"),
        ("The Spin of Imaginary Pebbles", "fictj", ""),
    ]  # fmt: skip
