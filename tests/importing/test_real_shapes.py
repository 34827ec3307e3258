# ruff: noqa: E501, W291  (literal page text keeps its long lines and hard-break spaces)
"""Shapes met on real homepages outside the seeds and corpus, on literal strings we wrote.

Each test names the shape it covers; every name, title and address here is fictional.
"""

from __future__ import annotations

import datetime
from pathlib import Path

from labsite.importing.extract.common import Context
from labsite.importing.extract.page import clean_person_name, person_like
from labsite.importing.readers.jekyll.collections import citation_parts, collection_publication


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


# -- AcadHomepage: paper boxes, badges, venue before authors, "Authors, *Venue*" ------------
def _pubs(text: str):
    from labsite.importing.extract.publications import extract_publications

    return extract_publications(list(enumerate(text.split("\n"), 1)), Context(), "about.md")


_BOXES = """<div class='paper-box'><div class='paper-box-image'><div><div class="badge">ICXR 2026</div><img src='images/frob.png' alt="Frob" width="100%"></div></div>
<div class='paper-box-text' markdown="1">

Frobnic: Learning to Rake Sand Gardens from Sparse Views

Ada Brook, Ben Carr, Cleo Dunn\\*, Dev Eno

_The 3rd International Conference on Xenial Representations (ICXR), 2026_

<a href="https://arxiv.org/abs/2601.01234"><img src="https://img.shields.io/badge/arXiv-2601.01234-b31b1b.svg" alt="arXiv"></a>
<a href="https://openreview.net/forum?id=AbCdEf"><img src="https://img.shields.io/badge/OpenReview-Paper-8c1b13.svg" alt="OpenReview"></a>
<a href="https://github.com/example/frobnic"><img src="https://img.shields.io/badge/Github-Code-black" alt="GitHub"></a>

- Identified a limitation of rakes.
- Reached the state of the art with 1.5% of the labels.

</div>
</div>

## Second-Author

<div class='paper-box'><div class='paper-box-image'><div><div class="badge">TQX 2025</div><img src='images\\q.png' alt="sym" width="100%"></div></div>
<div class='paper-box-text' markdown="1">

**Quill Fusion Networks via Attribution Maps**

IEEE Transactions on Quill Xylography (**TQX**), 35(4), pp. 1-11, 2025. <span style="color:red">(Highlight)</span>

Ben Carr, <span style="color:rgb(34,75,141)">**Ada Brook**</span>, Cleo Dunn\\*

[**Paper**](https://example.org/quill) \\|
[**ArXiv**](https://arxiv.org/abs/2502.01467) \\|
[**Code**](https://github.com/example/quill)
- An attribution-guided fusion framework.
</div>
</div>

## Collaborative Works

- ``NeurIPS 2025``<span style="color:red"> (Spotlight)</span> **A Unified Answer to Sand Raking: From Frames to Benchmarks.**   
Neural Information Processing Systems (**NeurIPS**), 2025.  
Ben Carr, <span style="color:rgb(34,75,141)">**Ada Brook**</span>, Eli Fenn, Gus Hale  
[**Project Page**](https://example.org/sand) \\|
**Paper** \\|
[**ArXiv**](https://arxiv.org/abs/2505.19858)
"""


def test_paper_boxes_and_code_badges():
    pubs = _pubs(_BOXES)
    assert [p.title for p in pubs] == [
        "Frobnic: Learning to Rake Sand Gardens from Sparse Views",
        "Quill Fusion Networks via Attribution Maps",
        "A Unified Answer to Sand Raking: From Frames to Benchmarks",
    ]
    frob, quill, sand = pubs
    assert [a.name for a in frob.authors] == ["Ada Brook", "Ben Carr", "Cleo Dunn", "Dev Eno"]
    assert frob.authors[2].equal_contribution
    assert (frob.short_venue, frob.year) == ("ICXR", 2026)
    assert [(ln.kind, ln.url) for ln in frob.links] == [
        ("arxiv", "https://arxiv.org/abs/2601.01234"),
        ("paper", "https://openreview.net/forum?id=AbCdEf"),
        ("code", "https://github.com/example/frobnic"),
    ]
    # the venue line comes before the author line; "(Highlight)" in red is a note
    assert [(a.name, a.is_owner) for a in quill.authors] == [
        ("Ben Carr", False),
        ("Ada Brook", True),
        ("Cleo Dunn", False),
    ]
    assert (quill.short_venue, quill.year, quill.note, quill.award) == (
        "TQX",
        2025,
        "Highlight",
        "",
    )
    assert [a.name for a in sand.authors] == ["Ben Carr", "Ada Brook", "Eli Fenn", "Gus Hale"]
    assert (sand.short_venue, sand.year, sand.note) == ("NeurIPS", 2025, "Spotlight")


def test_authors_then_italic_venue_and_empty_title_links():
    pubs = _pubs(
        "- [Sandglass: Timing Dunes with Wind](https://doi.org/10.1234/sg.2025.1), **A. Brook**, "
        "B. Carr, and C. Dunn*, *IEEE Trans. Dunes*, 2025, Early access.\n"
        "- [Raking Reflections: Augmenting Gravel Data](), **A. Brook**†, B. Carr† , and C. Dunn*, "
        "*Gravel Networks*, vol.176, p.106351, 2024.\n"
    )
    assert [p.title for p in pubs] == [
        "Sandglass: Timing Dunes with Wind",
        "Raking Reflections: Augmenting Gravel Data",
    ]
    assert [a.name for a in pubs[0].authors] == ["A. Brook", "B. Carr", "C. Dunn"]
    assert pubs[0].authors[0].is_owner and pubs[0].year == 2025
    assert pubs[0].venue.startswith("IEEE Trans. Dunes")
    assert [a.name for a in pubs[1].authors] == ["A. Brook", "B. Carr", "C. Dunn"]
    assert pubs[1].authors[0].equal_contribution and pubs[1].year == 2024
    assert pubs[1].venue.startswith("Gravel Networks")
    assert pubs[1].links == []


def test_owner_is_the_full_name_when_the_page_highlights_initials():
    from labsite.importing.load import owner_candidates
    from labsite.importing.records import (
        AuthorRecord,
        PageRecord,
        ProfileRecord,
        PublicationRecord,
        SiteRecord,
        SourceRef,
    )

    pub = PublicationRecord(
        title="Sandglass: Timing Dunes with Wind",
        authors=[AuthorRecord("Q. Lind", is_owner=True), AuthorRecord("B. Carr")],
    )
    page = PageRecord(source=SourceRef("_pages/about.md"), owner_names=["Q. Lind"])
    page.publications.append(pub)
    site = SiteRecord(root=Path("."), profile=ProfileRecord(name="Quinn Lind"), pages=[page])
    assert owner_candidates(site)[0] == "Quinn Lind"


# -- BibTeX: "Last, First" names with particles or two surnames -----------------------------
def test_bib_last_first_with_particle_or_double_surname_is_one_person():
    from labsite.importing.bibtex import split_bib_authors

    names = split_bib_authors(
        "Garc{\\'\\i}a-Vela, Marta and del Olmo, Rosa Ines Prado and Ib{\\'a}{\\~n}ez Rios, "
        "Juan Pablo and Tor, Ana and others"
    )
    assert [a.name for a in names] == [
        "Marta García-Vela",
        "Rosa Ines Prado del Olmo",
        "Juan Pablo Ibáñez Rios",
        "Ana Tor",
        "et al.",  # "and others"
    ]
    # among "First Last" names, "A B, C D" still lacks an "and"
    names = split_bib_authors("Rosa Lind and Ivo Marr, Petra Quell and Bo Chen")
    assert [a.name for a in names] == ["Rosa Lind", "Ivo Marr", "Petra Quell", "Bo Chen"]


# -- APA references written by hand ---------------------------------------------------------
def test_apa_references():
    pubs = _pubs(
        "1. Marsh, O.A., Lind, Q., **Brook, A.**, Tarn, E.K., & Voss, W.M. (2024). Dunes in "
        "motion: Fine-scale wind records reveal sorting. *Frontiers in Sand*. "
        "https://doi.org/10.5555/fsand.2024.0101\n"
        "   My contribution: software and visualization.\n\n"
        "2. Marsh, O.A., **Brook, A.**, & Voss, W.M. (2021). Raking gardens: The potential "
        "for order. *PLOS Gravel*, 16(2), e0265. https://doi.org/10.5555/pgr.0265\n\n"
        "3. **Quill, G. E., & Orme, L. S. (1930).** On the theory of drifting sand. Sand "
        "Review, 36(5), 823-841. [Link](https://example.org/sr/36/823)\n"
    )
    assert [(p.title, p.year) for p in pubs] == [
        ("Dunes in motion: Fine-scale wind records reveal sorting", 2024),
        ("Raking gardens: The potential for order", 2021),
        ("On the theory of drifting sand", 1930),
    ]
    first, second, third = pubs
    assert [(a.name, a.is_owner) for a in first.authors] == [
        ("O.A. Marsh", False),
        ("Q. Lind", False),
        ("A. Brook", True),
        ("E.K. Tarn", False),
        ("W.M. Voss", False),
    ]
    assert first.venue == "Frontiers in Sand"
    assert first.doi == "10.5555/fsand.2024.0101"
    assert second.venue.startswith("PLOS Gravel") and second.doi == "10.5555/pgr.0265"
    assert [a.name for a in third.authors] == ["G. E. Quill", "L. S. Orme"]
    assert third.venue.startswith("Sand Review")
    assert [ln.url for ln in third.links] == ["https://example.org/sr/36/823"]


def test_bib_file_with_duplicate_keys_missing_comma_concatenation_and_escapes():
    from labsite.importing.bibtex import parse_bibtex

    bib = """---
---
@string{sandconf = "Advances in Sand Processing Systems"}
@inproceedings{brook2023a,
  title     = {Raking at Scale},
  author    = {Brook, Ada and Lind, Q.},
  booktitle = sandconf # " 36",
  year      = {2023},
  url       = {https://example.org/sand\\_gravel},
}
@article{brook2022dup,
  title={Dune Sorting},
  author={Brook, A. and Marr, Ivo},
  journal={Sand Letters},
  year={2022},
}
@article{brook2022dup,
  title={Dune Sorting Revisited},
  author={Brook, A. and Marr, Ivo},
  journal={Sand Letters},
  year={2022},
}
@misc{brook2021broken,
  title={A Broken Entry}
  author={Brook, Ada},
  year={2021}
}
@book{brook2019book,
  title={Raking},
  editor={Brook, Ada},
  publisher={Quarry Press},
  year={2019},
}
"""
    result = parse_bibtex(bib, Context(), "_bibliography/papers.bib")
    assert result.errors == []
    pubs = {p.title: p for p in result.publications}
    assert list(pubs) == [
        "Raking at Scale",
        "Dune Sorting",
        "Dune Sorting Revisited",
        "A Broken Entry",
        "Raking",
    ]
    assert pubs["Raking at Scale"].venue == "Advances in Sand Processing Systems 36"
    assert [ln.url for ln in pubs["Raking at Scale"].links] == ["https://example.org/sand_gravel"]
    assert len({p.key for p in result.publications}) == 5  # the duplicate key is made unique
    assert [a.name for a in pubs["A Broken Entry"].authors] == ["Ada Brook"]
    assert [a.name for a in pubs["Raking"].authors] == ["Ada Brook"]  # editors, when no authors


def test_bib_placeholder_links_are_not_links():
    from labsite.importing.bibtex import parse_bibtex

    bib = (
        "@article{brook2019a,\n  title={Automatic raking of gravel},\n"
        "  author={Brook, Ada-Lin and Marr, Ivo},\n  journal={Gravel Letters},\n"
        "  year={2019},\n  pdf={https://arxiv.org/pdf/xxxx.xxxxx}\n}\n"
    )
    (pub,) = parse_bibtex(bib, Context(), "papers.bib").publications
    assert pub.links == [] and pub.arxiv_id == ""


def test_an_italic_venue_name_leaves_volume_pages_and_remarks_out():
    from labsite.importing.extract.venues import split_venue

    v = split_venue("*IEEE Trans. Dunes*, 2025, DOI: 10.5555/td.2025.1, Early access. (Q1 journal)")
    assert (v.venue, v.year, v.kind) == ("IEEE Trans. Dunes", 2025, "journal")
    v = split_venue("<i>Journal of Sand</i>, 12(3), pp. 1-10, 2021.")
    assert (v.venue, v.year) == ("Journal of Sand", 2021)
    v = split_venue("*NeurIPS*, 2023 (Spotlight)")
    assert (v.venue, v.short, v.year, v.note) == ("NeurIPS", "NeurIPS", 2023, "Spotlight")
    assert split_venue("*Under review*, 2024").status == "under_review"


def test_html_blocks_opened_by_headings_and_two_digit_years():
    pubs = _pubs(
        '<div class="home">\n    <div>\n'
        '        <h2 style="color:#115d62">Learning Rake Maps to Explain Dune Classifiers</h2>\n'
        '        <div style="margin-top:-10px">\n'
        "            <p><i><u><span>A Brook</span></u>, R Carr, T. Dunn</i>\n            </p>\n"
        "        </div>\n"
        '        <div style="color:black">\n'
        "            <p>CIKM ’21 (21.7% acceptance rate), QLD, Australia</p>\n        </div>\n"
        '        <div style="text-align:center">\n'
        '            <p><a href="https://github.com/example/rake">Code</a></p>\n        </div>\n'
        "    </div>\n    <div>\n"
        '        <h2 style="color:#115d62">Second Paper About Gravel Sorting</h2>\n'
        "        <p><i><u><span>A Brook</span></u>, R Carr</i></p>\n"
        "        <p>KDD'22, Washington, DC</p>\n"
        "    </div>\n</div>"
    )
    assert [(p.title, p.year) for p in pubs] == [
        ("Learning Rake Maps to Explain Dune Classifiers", 2021),
        ("Second Paper About Gravel Sorting", 2022),
    ]
    assert [(a.name, a.is_owner) for a in pubs[0].authors] == [
        ("A Brook", True),
        ("R Carr", False),
        ("T. Dunn", False),
    ]
    assert pubs[0].short_venue == "CIKM" and pubs[1].short_venue == "KDD"
    assert [ln.kind for ln in pubs[0].links] == ["code"]


# -- publications kept in _data/*.yml and rendered by Liquid --------------------------------
def test_data_file_publications(tmp_path):
    from labsite.importing.readers import collect

    (tmp_path / "_config.yml").write_text("author:\n  name: Ada Brook\n")
    (tmp_path / "_pages").mkdir()
    (tmp_path / "_pages" / "publications.md").write_text(
        "---\ntitle: Publications\n---\n{% for p in site.data.publications %}\n"
        "- **{{ p.title }}** {{ p.authors }}\n{% endfor %}\n"
    )
    (tmp_path / "_data").mkdir()
    (tmp_path / "_data" / "navigation.yml").write_text("main:\n  - title: Home\n    url: /\n")
    (tmp_path / "_data" / "publications.yml").write_text(
        '- title: "Raking Reflections: Augmenting Gravel Data"\n'
        '  authors: "Ada Brook*, Ben Carr*, Cleo Dunn"\n'
        "  venue: Gravel Networks\n  year: 2024\n"
        "  links:\n    arxiv: https://arxiv.org/abs/2401.01234\n    paper: ''\n"
        "    code: https://github.com/example/raking\n"
        "- title: Dune Sorting at Scale\n  authors:\n    - Ben Carr\n    - Ada Brook\n"
        "  venue: Sand Letters\n  year: 2021\n  doi: 10.5555/sl.2021.7\n  selected: true\n"
    )
    site = collect(tmp_path)
    assert site.errors == []
    pubs = [p for page in site.pages for p in page.publications]
    assert [(p.title, p.year, p.venue) for p in pubs] == [
        ("Raking Reflections: Augmenting Gravel Data", 2024, "Gravel Networks"),
        ("Dune Sorting at Scale", 2021, "Sand Letters"),
    ]
    assert [(a.name, a.is_owner, a.equal_contribution) for a in pubs[0].authors] == [
        ("Ada Brook", True, True),
        ("Ben Carr", False, True),
        ("Cleo Dunn", False, False),
    ]
    assert [ln.kind for ln in pubs[0].links] == ["arxiv", "code"]
    assert pubs[1].doi == "10.5555/sl.2021.7" and pubs[1].selected
    assert [a.name for a in pubs[1].authors] == ["Ben Carr", "Ada Brook"]
    assert len({p.key for p in pubs}) == 2


def test_page_title_with_a_tagline_names_its_owner():
    assert person_like("Quinn (Q) Lind — Sand & Dunes")
    assert clean_person_name("Quinn (Q) Lind — Sand & Dunes") == "Quinn Lind"
    assert clean_person_name("Quinn Lind | Homepage") == "Quinn Lind"
    assert not person_like("Publications — 2024")


def test_linked_title_authors_then_bold_venue_and_red_ranking():
    pubs = _pubs(
        "- [Rake: A Feature-based Ensemble for Gravel Prediction](https://example.org/rake), "
        "**Ada Brook**, Ben Carr, Cleo Dunn and Dev Eno, **EMSE** (CCF-B, JCR-Q1).\n\n"
        "- [Benchmark Builders for Sand](https://example.org/bb), Ben Carr, Cleo Dunn and "
        '**Ada Brook**, **ICPC 2025** (CCF-B),  🏆 <span style="color:red">***ACM Sandy '
        "Distinguished Paper Award***</span>.\n\n"
        "- [Dune Fault Study](), Ben Carr, **Ada Brook** and Eli Fenn, **APSEC 2024** (CCF-C).\n"
    )
    assert [p.title for p in pubs] == [
        "Rake: A Feature-based Ensemble for Gravel Prediction",
        "Benchmark Builders for Sand",
        "Dune Fault Study",
    ]
    assert [a.name for a in pubs[0].authors] == ["Ada Brook", "Ben Carr", "Cleo Dunn", "Dev Eno"]
    assert (pubs[0].venue, pubs[0].year) == ("EMSE", None)
    assert [a.name for a in pubs[1].authors] == ["Ben Carr", "Cleo Dunn", "Ada Brook"]
    assert (pubs[1].short_venue, pubs[1].year) == ("ICPC", 2025)
    assert pubs[1].award == "ACM Sandy Distinguished Paper Award"
    assert (pubs[2].short_venue, pubs[2].year) == ("APSEC", 2024)
    box = _pubs(
        "<div class='paper-box'><div class='paper-box-image'><div><div class=\"badge\">TQX 2024"
        '</div><img src=\'images/t.png\' alt="sym" width="100%"></div></div>\n'
        "<div class='paper-box-text' markdown=\"1\">\n\n"
        "[How Do Rakes Adapt to Their Gardens?](https://example.org/how) \\\\\n"
        "**Ada Brook#**, Ben Carr#, Cleo Dunn\n\n"
        '**TQX 2024** (<span style="color:red">CCF-A</span>, SCI-Q1)\n\n'
        "**Rakes** are tools that make gravel gardens tidy. We study 300 real gardens and "
        "find four typical patterns of adaptation that gardeners use in practice every day.\n"
        "</div>\n</div>\n"
    )
    (pub,) = box
    assert [(a.name, a.equal_contribution) for a in pub.authors] == [
        ("Ada Brook", True),
        ("Ben Carr", True),
        ("Cleo Dunn", False),
    ]
    assert (pub.venue, pub.year, pub.award, pub.note) == ("TQX", 2024, "", "CCF-A")


def test_owner_of_a_bib_alone_is_the_author_of_every_entry():
    from labsite.importing.load import owner_candidates
    from labsite.importing.records import (
        AuthorRecord,
        PageRecord,
        PublicationRecord,
        SiteRecord,
        SourceRef,
    )

    def pub(title, *names):
        return PublicationRecord(title=title, authors=[AuthorRecord(n) for n in names])

    page = PageRecord(source=SourceRef("_bibliography/papers.bib"))
    page.publications = [
        pub("Gravel at Library Scale", "Jonas Quill Marr"),
        pub("Rakes", "Ben Carr", "Jonas Quill Marr", "Dev Eno"),
        pub("Dunes", "Ben Carr", "Jonas Marr"),
        pub("Sand", "Jonas Marr", "Dev Eno", "Ben Carr"),
    ]
    assert owner_candidates(SiteRecord(root=Path("."), pages=[page])) == ["Jonas Quill Marr"]
    page.publications.pop(0)  # now Ben Carr is on every paper too: no guess
    assert owner_candidates(SiteRecord(root=Path("."), pages=[page])) == []


def test_citation_with_year_and_month_and_a_github_link_in_the_body():
    meta = {
        "title": "Review of Rakes for Sand Analysis",
        "venue": "Conference on Sand, Inference, and Learning (CSIL)",
        "date": "2024-05-01",
        "citation": "Brook, A., Carr, B. and Dunn, C. (2024, May). <b>Review of Rakes for Sand "
        "Analysis</b>. In <i>Spring Symposium on Gravel Models.</i>.",
    }
    body = "We review rakes.\n\nCode available on [GitHub](https://github.com/example/rakes)."
    record = collection_publication(meta, body, Context(), "_publications/r.md", {})
    assert record is not None
    assert [a.name for a in record.authors] == ["A. Brook", "B. Carr", "C. Dunn"]
    assert [(ln.kind, ln.url) for ln in record.links] == [
        ("code", "https://github.com/example/rakes")
    ]


# -- plain "Authors. Title. *Venue*" lines, other languages ---------------------------------
def test_authors_plain_title_then_italic_venue_of_three_words():
    pubs = _pubs(
        "- **Ada Brook**, Ben Carr. Gravel sorting at scale. *Journal of Sand*, 2021.\n"
        "- Ben Carr, **Ada Brook**, and Cleo Dunn. Raking in the dark: a field study. "
        "*Proceedings of the Sand Conference*, pp. 1-10, 2019.\n"
    )
    assert [(p.title, p.venue, p.year) for p in pubs] == [
        ("Gravel sorting at scale", "Journal of Sand", 2021),
        ("Raking in the dark: a field study", "Proceedings of the Sand Conference", 2019),
    ]
    assert [a.name for a in pubs[1].authors] == ["Ben Carr", "Ada Brook", "Cleo Dunn"]


def test_headings_and_dates_in_other_languages(tmp_path):
    from labsite.importing.extract.lists import split_honor
    from labsite.importing.extract.page import classify

    assert classify("新闻动态") == "news" and classify("发表论文") == "publications"
    assert classify("获奖情况") == "honors" and classify("Publicaciones") == "publications"
    assert classify("Noticias") == "news" and classify("Neuigkeiten") == "news"
    from labsite.importing.extract.common import leading_date

    assert leading_date("2024年5月：论文被接收。")[:2] == (datetime.date(2024, 5, 1), "month")
    assert leading_date("2024年5月12日：加入")[0] == datetime.date(2024, 5, 12)
    assert leading_date("Marzo 2024: Artículo aceptado")[0] == datetime.date(2024, 3, 1)
    assert leading_date("15 de enero de 2024: Nuevo")[0] == datetime.date(2024, 1, 15)
    assert leading_date("15. März 2024: Vortrag")[0] == datetime.date(2024, 3, 15)
    assert leading_date("juillet 2022 – conférence")[0] == datetime.date(2022, 7, 1)
    assert split_honor("2023 国家奖学金")[:2] == ("国家奖学金", 2023)
    assert split_honor("2023 Best Paper Award")[:2] == ("Best Paper Award", 2023)


def test_publication_table_and_lettered_numbers():
    pubs = _pubs(
        "| Year | Title | Venue | Links |\n"
        "|------|-------|-------|-------|\n"
        "| 2024 | [Raking Sand at Scale](https://example.org/a) | ICXR | "
        "[Code](https://github.com/example/a) |\n"
        "| 2023 | **Gravel Sorting Revisited** | Sand Letters | |\n"
    )
    assert [(p.title, p.venue, p.year) for p in pubs] == [
        ("Raking Sand at Scale", "ICXR", 2024),
        ("Gravel Sorting Revisited", "Sand Letters", 2023),
    ]
    assert [ln.kind for ln in pubs[0].links] == ["paper", "code"]
    (pub,) = _pubs(
        '[C3] A. Brook<sup>*</sup>, B. Carr<sup>*</sup>, C. Dunn. "Raking Sand at Scale." '
        "In *ICXR*, 2024. [[pdf]](https://example.org/a.pdf)"
    )
    assert [a.name for a in pub.authors] == ["A. Brook", "B. Carr", "C. Dunn"]
    assert [a.equal_contribution for a in pub.authors] == [True, True, False]


def test_site_title_that_says_whose_homepage_it_is():
    assert clean_person_name("Quinn Lind's Homepage") == "Quinn Lind"
    assert clean_person_name("Academic Homepage of Quinn Lind") == "Quinn Lind"
    assert person_like("Quinn Lind - Homepage")
    assert not person_like("My Homepage")


def test_numbered_research_highlights_with_and_without_figures():
    from labsite.importing.extract.page import extract_page
    from labsite.importing.parse import parse_page

    text = (
        "---\ntitle: Quinn Lind\n---\n\nI study sand.\n\n## Research Highlights\n\n"
        "### 1. Analytical Modeling of Dune Growth\n"
        "We developed theoretical frameworks for dune growth in windy deserts.\n\n"
        "### 2. Shape Programming of Gravel Gardens\n"
        "![Shape](/images/shape.jpg)\nWe proposed a growth approach for shape programming.\n\n"
        "### 3. Coupled Simulation of Sand Ripples\n"
        "![Ripples](/images/ripples.png)\nWe developed finite element frameworks for ripples.\n"
    )
    page = extract_page(parse_page(text, "_pages/about.md"), "_pages/about.md", Context())
    assert [p.title for p in page.projects] == [
        "Analytical Modeling of Dune Growth",
        "Shape Programming of Gravel Gardens",
        "Coupled Simulation of Sand Ripples",
    ]
    assert page.projects[0].summary.startswith("We developed theoretical frameworks")


def test_news_in_an_html_table_ends_clean():
    from labsite.importing.extract.lists import extract_news

    text = (
        "<table>\n<tr><td>Jan 2024</td><td>Paper accepted at ICXR.</td></tr>\n"
        "<tr><td>Oct 2023</td><td>Joined the lab.</td></tr>\n</table>"
    )
    news = extract_news(list(enumerate(text.split("\n"), 1)), "about.md")
    assert [(n.date.isoformat(), n.text) for n in news] == [
        ("2024-01-01", "Paper accepted at ICXR."),
        ("2023-10-01", "Joined the lab."),
    ]


def test_vancouver_references_and_equal_contribution_in_words():
    pubs = _pubs(
        "- Brook A, Carr BC, Dunn C. Sand grain sorting in windy conditions. Nature Sand. "
        "2020;5(2):10-20. doi:10.5555/ns.2020.5\n"
        "- **Brook A**, Van der Berg J, Carr B, et al. Grain shapes of desert sand. J Sand Res. "
        "2019 Mar;12:1-9.\n"
        '- Ada Brook\\*, Ben Carr\\* (equal contribution), Cleo Dunn. "Dunes: a story." '
        "NeurIPS 2022 Workshop on Sand. [paper](https://example.org/d)\n"
    )
    first, second, third = pubs
    assert (first.title, first.venue, first.year, first.doi) == (
        "Sand grain sorting in windy conditions",
        "Nature Sand",
        2020,
        "10.5555/ns.2020.5",
    )
    assert [a.name for a in first.authors] == ["A. Brook", "B. C. Carr", "C. Dunn"]
    assert [(a.name, a.is_owner) for a in second.authors] == [
        ("A. Brook", True),
        ("J. Van der Berg", False),
        ("B. Carr", False),
        ("et al.", False),  # the list goes on: kept, as BibTeX's "and others"
    ]
    assert (second.venue, second.year) == ("J Sand Res", 2019)
    assert [(a.name, a.equal_contribution) for a in third.authors] == [
        ("Ada Brook", True),
        ("Ben Carr", True),
        ("Cleo Dunn", False),
    ]


def test_a_paper_box_left_open_does_not_swallow_the_next():
    pubs = _pubs(
        "<div class='paper-box'><div class='paper-box-image'><div><div class=\"badge\">ICXR 2024"
        "</div></div></div>\n<div class='paper-box-text' markdown=\"1\">\n\n"
        "**Raking Sand at Scale**\n\n**Ada Brook**, Ben Carr\n\n"
        "<div class='paper-box'><div class='paper-box-image'><div><div class=\"badge\">TQX 2023"
        "</div></div></div>\n<div class='paper-box-text' markdown=\"1\">\n\n"
        "**Gravel Sorting Revisited**\n\nBen Carr, **Ada Brook**\n</div>\n</div>\n"
    )
    assert [(p.title, p.short_venue, p.year) for p in pubs] == [
        ("Raking Sand at Scale", "ICXR", 2024),
        ("Gravel Sorting Revisited", "TQX", 2023),
    ]
