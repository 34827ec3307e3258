"""Matching names, profile links and papers: pure functions and the in-memory indexes."""

from __future__ import annotations

import pytest

from labsite.importing import identity
from labsite.importing.identity import PeopleIndex, PublicationIndex, compare_names


@pytest.mark.parametrize(
    ("a", "b", "certain"),
    [
        ("Sara Babakniya", "Sara Babakniya", True),
        ("S. Babakniya", "Sara Babakniya", True),
        ("Babakniya, Sara", "Sara Babakniya", True),
        ("Zalán Fábián", "Zalan Fabian", True),
        ("Yahya H Ezzeldin", "Yahya Ezzeldin", True),
        ("Yahya H. Ezzeldin", "Yahya Hassan Ezzeldin", True),
        ("Andrew Gordon Wilson", "Andrew G. Wilson", True),
        ("Mahdi Soltanolkotab", "Mahdi Soltanolkotabi", False),
    ],
)
def test_compare_names_matches_variants(a, b, certain):
    result = compare_names(a, b)
    assert result is not None
    assert result.certain is certain


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Sara Babakniya", "Souvik Kundu"),
        ("T. Babakniya", "Sara Babakniya"),
        ("Yahya H Ezzeldin", "Yahya K Ezzeldin"),
        ("Babakniya", "Sara Babakniya"),  # a bare surname is never enough
        ("Yue Niu", "Yue Liu"),  # short surnames one letter apart are different people
    ],
)
def test_compare_names_keeps_different_people_apart(a, b):
    assert compare_names(a, b) is None


@pytest.mark.parametrize(
    ("url", "keys"),
    [
        ("https://scholar.google.com/citations?user=ABC123&hl=en", ["scholar:ABC123"]),
        ("http://scholar.google.co.uk/citations?hl=en&user=ABC123", ["scholar:ABC123"]),
        ("https://github.com/SaraBabakN/", ["github:sarababakn"]),
        ("https://orcid.org/0000-0002-1825-0097", ["orcid:0000-0002-1825-0097"]),
        ("https://www.avestimehr.com/", ["web:avestimehr.com"]),
        ("https://arxiv.org/abs/2311.07784", []),
        ("", []),
    ],
)
def test_profile_keys_are_spelling_independent(url, keys):
    assert identity.profile_keys(url) == keys


def test_normalizers():
    assert identity.normalize_arxiv("arXiv:2311.07784v2") == "2311.07784"
    assert identity.normalize_arxiv("https://arxiv.org/pdf/2308.06522.pdf") == "2308.06522"
    assert identity.normalize_arxiv("https://github.com/x") == ""
    assert (
        identity.normalize_doi("https://doi.org/10.1145/3372297.3417880.")
        == "10.1145/3372297.3417880"
    )
    assert (
        identity.normalize_title("Don’t Memorize; Mimic The Past!")
        == "don t memorize mimic the past"
    )
    assert (
        identity.normalize_title("{B}ayesian <i>Model</i> Selection") == "bayesian model selection"
    )


def _people() -> PeopleIndex:
    index = PeopleIndex()
    index.add(1, "Sara Babakniya", slug="sara-babakniya", urls=["https://github.com/SaraBabakN"])
    index.add(2, "Mahdi Soltanolkotabi", slug="mahdi-soltanolkotabi")
    index.add(3, "Zalán Fábián", slug="zalan-fabian", aliases=["Z. Fabian"])
    index.add(4, "Yue Niu", slug="yue-niu")
    index.add(5, "Yue Liu", slug="yue-liu")
    return index


def test_people_index_matches_by_name_initials_accents_and_url():
    index = _people()
    assert index.match("Sara Babakniya").pk == 1
    assert index.match("S. Babakniya").pk == 1
    assert index.match("Zalan Fabian").pk == 3
    assert index.match("Somebody Else", url="https://github.com/sarababakn").pk == 1
    assert index.get_slug("yue-niu") == 4


def test_people_index_reports_an_uncertain_match():
    match = _people().match("Mahdi Soltanolkotab")
    assert (match.pk, match.certain) == (2, False)


def test_people_index_refuses_ambiguous_and_excluded():
    index = _people()
    index.add(6, "Sara Babakniya", slug="sara-babakniya-2")  # a namesake
    assert index.match("Sara Babakniya") is None
    assert index.match("Yue Niu", exclude={4}) is None
    assert index.match("Nobody Known") is None


def test_publication_index_order_doi_arxiv_title():
    index = PublicationIndex()
    index.add(1, doi="10.1145/ABC", title="Paper One", year=2023)
    index.add(2, arxiv_id="2208.13092", title="Revisiting Sparsity Hunting", year=2023)
    index.add(3, title="A Title Only Paper", year=2020, source_file="s/a.md", source_key="k")
    assert index.find(doi="https://doi.org/10.1145/abc", title="Different") == (1, "doi")
    assert index.find(arxiv_id="2208.13092v2", title="Revisiting sparsity hunting!") == (2, "arxiv")
    # Same arXiv link, different title: a different paper.
    assert index.find(arxiv_id="2208.13092", title="Federated Sparse Training") is None
    assert index.find(title="a title only paper", year=2021) == (3, "title")
    assert index.find(title="a title only paper", year=2015) is None
    assert index.find(source_file="s/a.md", source_key="k", title="renamed") == (3, "source")


def test_initial_matches_are_weak_and_bounded_by_the_lab():
    index = _people()
    assert compare_names("S. Babakniya", "Sara Babakniya").abbreviated is True
    assert compare_names("Yahya H Ezzeldin", "Yahya Ezzeldin").abbreviated is False
    assert index.match("S. Babakniya").weak is True
    assert index.match("S. Babakniya", members={1}).pk == 1
    assert index.match("S. Babakniya", members={2, 3}) is None  # not this lab's Sara
    assert index.match("Sara Babakniya", members=set()).pk == 1  # a full name is enough
