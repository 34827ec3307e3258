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


# -- news and honors: HTML news boxes, date ranges, labels inside a list --------------------
def test_news_in_an_html_list_with_italic_dates():
    from labsite.importing.extract.lists import extract_news

    text = (
        '<div class="news-box">\n<ul>\n'
        "  <li><i>2026.02</i>: &nbsp;🎉 One paper (<b>Frobnic</b>) in <b>ICXR 2026</b>!</li>\n"
        "  <li><i>2025.10</i>: &nbsp;I joined the Quarry Lab.</li>\n"
        "</ul>\n</div>"
    )
    news = extract_news(list(enumerate(text.split("\n"), 1)), "about.md")
    assert [(n.date.isoformat(), n.precision) for n in news] == [
        ("2026-02-01", "month"),
        ("2025-10-01", "month"),
    ]
    assert news[0].text.startswith("🎉 One paper")
    assert news[1].text == "I joined the Quarry Lab."


def test_a_date_range_is_not_news():
    from labsite.importing.extract.common import leading_date

    assert leading_date("*2024.12 - Present*, Research Fellow, Quarry Institute") is None
    assert leading_date("*2019.09 - 2024.06*, Ph.D. in Statistics, Quarry University") is None
    assert leading_date("Jan 2022 – Jun 2022: visiting student") is None
    assert leading_date("May 2024 - Our paper was accepted")[2] == "Our paper was accepted"


def test_honors_with_italic_years_ranges_and_sub_labels():
    from labsite.importing.extract.lists import extract_honors

    text = (
        "Scholarships\n\n"
        "- _2025_, Quarry Scholarship (for students in technology fields)\n"
        "- _2024_, Lantern Scholarship (Highest honor, Top 0.2%)\n"
        "- _2022 - 2024_, Merit Student of Quarry University (3 years)\n\n"
        "Competitions\n\n"
        "- _2024_, Second Prize, The 7th Embedded Design Contest"
    )
    honors = extract_honors(list(enumerate(text.split("\n"), 1)), "about.md")
    assert [(h.title, h.year) for h in honors] == [
        ("Quarry Scholarship (for students in technology fields)", 2025),
        ("Lantern Scholarship (Highest honor, Top 0.2%)", 2024),
        ("Merit Student of Quarry University (3 years)", 2022),
        ("Second Prize", 2024),
    ]
