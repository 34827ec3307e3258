"""al-folio BibTeX through bibtexparser 2: keys, authors, files, raw entry kept."""

from __future__ import annotations

from labsite.importing.bibtex import decode_latex, parse_bibtex, split_bib_authors
from labsite.importing.extract.common import Context

BIB = r"""---
---

@string{aps = {American Physical Society,}}

@inproceedings{morrow2025,
    title={Depth over {W}idth: When Adding {M}ore Layers Helps},
    author={Morrow, Felix and Ostrander*, Gideon and Joan Castellet*},
    booktitle={The Thirteenth International Conference on Learning Representations},
    year={2025},
    month=may,
    abbr={ICLR},
    selected={true},
    pdf={paper.pdf},
    poster={https://x.org/poster.pdf},
    code={https://github.com/n/a},
    html={https://iclr.cc/virtual/2025/poster/12345},
    arxiv={2410.00001},
    award={Outstanding paper award for a study of layers},
    award_name={Outstanding Paper},
    abstract={We show $O(n^2)$ things.},
    doi={10.5555/12345},
}

@article{einstein1905,
  title={{\"U}ber einen heuristischen Gesichtspunkt},
  author={Einstein, A. and P{\'o}czos, Barnab{\'a}s},
  journal={Annalen der Physik},
  volume={322}, number={6}, pages={132--148},
  year={1905},
  publisher=aps
}

@misc{preprint2024,
  title={A Preprint 🏆},
  author={Wei* Tang and Meiling Zhou, Haoran Qiu},
  eprint={2406.03333},
  archivePrefix={arXiv},
}

@article{broken,
  title = {Unclosed
"""


def test_parse_bibtex_al_folio_entry():
    result = parse_bibtex(BIB, Context(site_url="https://me.example"), "_bibliography/papers.bib")
    first = result.publications[0]
    assert (first.title, first.venue, first.short_venue, first.year, first.month) == (
        "Depth over Width: When Adding More Layers Helps",
        "The Thirteenth International Conference on Learning Representations",
        "ICLR",
        2025,
        5,
    )
    assert [(a.name, a.equal_contribution) for a in first.authors] == [
        ("Felix Morrow", False),
        ("Gideon Ostrander", True),
        ("Joan Castellet", True),
    ]
    assert (first.kind, first.selected, first.award, first.doi, first.arxiv_id) == (
        "conference",
        True,
        "Outstanding Paper",
        "10.5555/12345",
        "2410.00001",
    )
    assert first.abstract == "We show $O(n^2)$ things."
    assert [(link.kind, link.url) for link in first.links] == [
        ("paper", "https://iclr.cc/virtual/2025/poster/12345"),
        ("pdf", "https://me.example/assets/pdf/paper.pdf"),
        ("arxiv", "https://arxiv.org/abs/2410.00001"),
        ("code", "https://github.com/n/a"),
        ("poster", "https://x.org/poster.pdf"),
    ]
    assert first.bibtex.startswith("@inproceedings{morrow2025,")
    assert first.bibtex.endswith("}")
    assert (first.key, first.source.line) == ("morrow2025", 6)


def test_parse_bibtex_latex_names_strings_and_pages():
    result = parse_bibtex(BIB, Context(), "papers.bib")
    second = result.publications[1]
    assert second.title == "Über einen heuristischen Gesichtspunkt"
    assert [a.name for a in second.authors] == ["A. Einstein", "Barnabás Póczos"]
    assert (second.kind, second.volume, second.number, second.pages) == (
        "journal",
        "322",
        "6",
        "132–148",
    )


def test_parse_bibtex_misc_preprint_trophy_and_missing_and():
    third = parse_bibtex(BIB, Context(), "papers.bib").publications[2]
    assert (third.title, third.award, third.kind, third.status) == (
        "A Preprint",
        "🏆",
        "preprint",
        "preprint",
    )
    assert [(a.name, a.equal_contribution) for a in third.authors] == [
        ("Wei Tang", True),
        ("Meiling Zhou", False),
        ("Haoran Qiu", False),
    ]
    assert (third.arxiv_id, third.year, third.month) == ("2406.03333", 2024, 6)


def test_parse_bibtex_broken_entry_is_an_error_with_its_line():
    result = parse_bibtex(BIB, Context(), "papers.bib")
    assert len(result.publications) == 3
    assert len(result.errors) == 1
    line, _message = result.errors[0]
    assert line == 41  # the line of "@article{broken,"


def test_parse_bibtex_duplicate_fields_are_kept_like_jekyll_scholar():
    text = (
        "@article{d,\n title={Dup},\n author={A B},\n year={2020},\n"
        " selected={true},\n selected={false}\n}\n"
    )
    result = parse_bibtex(text, Context(), "x.bib")
    assert [p.title for p in result.publications] == ["Dup"]
    assert result.errors == []


def test_split_bib_authors_and_decode_latex():
    assert [
        a.name for a in split_bib_authors("von Neumann, John and {SenNet Consortium} and others")
    ] == [
        "John von Neumann",
        "SenNet Consortium",
        "et al.",
    ]
    assert (
        decode_latex(r"{\"U}ber {\ss} na{\"\i}ve \& co --- {\emph{x}}") == "Über ß naïve & co — x"
    )
