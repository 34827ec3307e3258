"""Shapes met on real homepages outside the seeds and corpus, on literal strings we wrote.

Each test names the shape it covers; every name, title and address here is fictional.
"""

from __future__ import annotations

from labsite.importing.extract.collections import citation_parts, collection_publication
from labsite.importing.extract.common import Context
from labsite.importing.extract.page import clean_person_name, person_like


# -- academicpages ``citation`` without a quoted title --------------------------------------
def test_citation_acm_style_title_unquoted():
    """ACM reference format: "A, B, and C. YEAR. Title. Venue" (the title is not quoted)."""
    authors, title, rest = citation_parts(
        "Mira Olsen, Tomas E. d'Avril, and Petra Lunde. 2021. Fast sketches of skewed "
        "streams. Proc. Data Endow. 9, 2 (March 2021), 10–20.",
        "Fast sketches of skewed streams",
    )
    assert authors.rstrip(".") == "Mira Olsen, Tomas E. d'Avril, and Petra Lunde"
    assert title == "Fast sketches of skewed streams"
    assert rest.startswith("Proc. Data Endow.")


def test_citation_apa_style_bold_title():
    """APA: "Last, F.*, Last, F. (YEAR). <b>Title</b>. In <i>Venue</i>."."""
    citation = (
        "Quill-Aberra, B.*, Marsh, O.*, Peñalosa, J., Tarn, E. (2024). <b>A risk score for "
        "late relapse: a cohort study</b>. In <i>Journal of Imaginary Medicine</i>."
    )
    authors, title, _rest = citation_parts(
        citation, "A risk score for late relapse: a cohort study"
    )
    assert authors == "Quill-Aberra, B.*, Marsh, O.*, Peñalosa, J., Tarn, E."
    assert title == "A risk score for late relapse: a cohort study"
    # without the page title, the bold title still splits it
    assert citation_parts(citation)[0] == authors


def test_collection_publication_reads_authors_from_unquoted_citation():
    meta = {
        "title": "A risk score for late relapse: a cohort study",
        "venue": "Journal of Imaginary Medicine",
        "date": "2024-03-01",
        "citation": (
            "Quill-Aberra, B.*, Marsh, O.*, Peñalosa, J., Tarn, E. (2024). <b>A risk score "
            "for late relapse: a cohort study</b>. In <i>Journal of Imaginary Medicine</i>."
        ),
    }
    record = collection_publication(meta, "", Context(), "_publications/x.md", {})
    assert record is not None
    assert [a.name for a in record.authors] == [
        "B. Quill-Aberra",
        "O. Marsh",
        "J. Peñalosa",
        "E. Tarn",
    ]
    assert [a.equal_contribution for a in record.authors] == [True, True, False, False]
    meta = {
        "title": "Fast sketches of skewed streams",
        "venue": "VLDB",
        "date": "2021-03-01",
        "citation": "Mira Olsen, Tomas E. d'Avril, and Petra Lunde. 2021. Fast sketches of "
        "skewed streams. Proc. Data Endow. 9, 2 (March 2021), 10–20.",
    }
    record = collection_publication(meta, "", Context(), "_publications/y.md", {})
    assert record is not None
    assert [a.name for a in record.authors] == ["Mira Olsen", "Tomas E. d'Avril", "Petra Lunde"]


# -- owner names: particles and degrees -----------------------------------------------------
def test_person_like_accepts_lowercase_particles():
    assert person_like("Tomas E. d'Avril")
    assert person_like("Ines van der Molen")
    assert person_like("Rafael de la Fuente Prado")
    assert not person_like("de la Fuente")
    assert not person_like("About me")


def test_degree_after_the_name_is_not_part_of_it():
    assert clean_person_name("Tomas E. d'Avril, PhD") == "Tomas E. d'Avril"
    assert clean_person_name("Ada Brook Ph.D.") == "Ada Brook"
    assert clean_person_name("Dr. Ada Brook, MD, MPH") == "Ada Brook"
    assert person_like("Tomas E. d'Avril, PhD")
