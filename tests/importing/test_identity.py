"""Matching names, profile links and papers: pure functions and the in-memory indexes."""

from __future__ import annotations

import pytest

from labsite.importing import identity
from labsite.importing.identity import PeopleIndex, PublicationIndex, compare_names
from labsite.normalise import normalize_arxiv, normalize_doi, normalize_title


@pytest.mark.parametrize(
    ("a", "b", "certain"),
    [
        ("Lena Varkonyi", "Lena Varkonyi", True),
        ("L. Varkonyi", "Lena Varkonyi", True),
        ("Varkonyi, Lena", "Lena Varkonyi", True),
        ("Tamás Réthy", "Tamas Rethy", True),
        ("Tariq M Elshazly", "Tariq Elshazly", True),
        ("Tariq M. Elshazly", "Tariq Mourad Elshazly", True),
        ("Graham Lloyd Whitcombe", "Graham L. Whitcombe", True),
        ("Kaveh Karimzadeh", "Kaveh Karimzadehi", False),
    ],
)
def test_compare_names_matches_variants(a, b, certain):
    result = compare_names(a, b)
    assert result is not None
    assert result.certain is certain


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Lena Varkonyi", "Ritam Basuray"),
        ("T. Varkonyi", "Lena Varkonyi"),
        ("Tariq M Elshazly", "Tariq K Elshazly"),
        ("Varkonyi", "Lena Varkonyi"),  # a bare surname is never enough
        ("Jin Tao", "Jin Tan"),  # short surnames one letter apart are different people
    ],
)
def test_compare_names_keeps_different_people_apart(a, b):
    assert compare_names(a, b) is None


@pytest.mark.parametrize(
    ("url", "keys"),
    [
        ("https://scholar.google.com/citations?user=ABC123&hl=en", ["scholar:ABC123"]),
        ("http://scholar.google.co.uk/citations?hl=en&user=ABC123", ["scholar:ABC123"]),
        ("https://github.com/LenaVarkN/", ["github:lenavarkn"]),
        ("https://orcid.org/0000-0002-1825-0097", ["orcid:0000-0002-1825-0097"]),
        ("https://www.ellerbrook.org/", ["web:ellerbrook.org"]),
        ("https://arxiv.org/abs/2311.01234", []),
        ("", []),
        # Scheme, www, trailing slash, index page, query and fragment do not matter.
        ("http://www.ellerbrook.org", ["web:ellerbrook.org"]),
        ("ellerbrook.org/index.html", ["web:ellerbrook.org"]),
        ("https://people.example.edu/~ada/#pubs", ["web:people.example.edu/~ada"]),
        (
            "https://scholar.google.com/citations?hl=en&user=Qh5_a0AAAAJ&view_op=list_works",
            ["scholar:Qh5_a0AAAAJ"],
        ),
        ("https://scholar.google.com/citations?hl=en", []),
        ("0000-0002-1825-009x", ["orcid:0000-0002-1825-009X"]),
        ("http://orcid.org/0000-0002-1825-0097/", ["orcid:0000-0002-1825-0097"]),
        ("https://dblp.org/pid/12/3456.html", ["dblp:pid/12/3456"]),
        ("https://dblp.uni-trier.de/pid/12/3456", ["dblp:pid/12/3456"]),
        ("https://dblp.org/pers/hd/a/Ali:Ramy_E=", ["dblp:pers/ali:ramy_e="]),
        ("https://www.semanticscholar.org/author/Ramy-Ali/2084512", ["s2:2084512"]),
        ("https://www.semanticscholar.org/paper/Some-Title/abc123", []),
        ("https://lenavark.github.io/", ["github:lenavark", "web:lenavark.github.io"]),
        ("https://lenavark.github.io/files/cv.pdf", []),
        ("mailto:ada@example.edu", []),
        ("https://openreview.net/profile?id=~Ada_L1", []),
    ],
)
def test_profile_keys_are_spelling_independent(url, keys):
    assert identity.profile_keys(url) == keys


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("https://scholar.google.com/citations?user=ABC123", "google_scholar"),
        ("https://orcid.org/0000-0002-1825-0097", "orcid"),
        ("https://github.com/lenavark", "github"),
        ("https://lenavark.github.io", "website"),
        ("https://www.ellerbrook.org/", "website"),
        ("https://dblp.org/pid/12/3456.html", ""),
        ("https://arxiv.org/abs/2311.01234", ""),
    ],
)
def test_profile_field_of_a_link(url, field):
    assert identity.profile_field(url) == field


def test_a_strong_profile_key_wins_over_the_name_a_homepage_does_not():
    index = PeopleIndex()
    index.add(1, "Ramy E. Ali", urls=["https://scholar.google.com/citations?user=FLJ86"])
    index.add(2, "Lena Varkonyi", urls=["https://groups.example.edu/vision"])
    # One Scholar id is one person, whatever spelling is printed beside it.
    assert index.match("R. Ali", url="https://scholar.google.com/citations?user=FLJ86").pk == 1
    # A group page two people link to is not enough to make a stranger Lena.
    assert index.match("Tamas Rethy", url="https://groups.example.edu/vision/") is None
    assert index.match("L. Varkonyi", url="http://groups.example.edu/vision").pk == 2
    # A second Scholar profile beside a known name: a namesake.
    assert index.conflicts(1, "https://scholar.google.com/citations?user=OTHER") is True
    assert index.conflicts(1, "https://ramyali.example.org") is False


def test_normalizers():
    assert normalize_arxiv("arXiv:2311.01234v2") == "2311.01234"
    assert normalize_arxiv("https://arxiv.org/pdf/2308.04321.pdf") == "2308.04321"
    assert normalize_arxiv("https://github.com/x") == ""
    assert normalize_doi("https://doi.org/10.1145/3372297.3417880.") == "10.1145/3372297.3417880"
    assert normalize_title("Don’t Replay; Recall The Gist!") == "don t replay recall the gist"
    assert normalize_title("{B}ayesian <i>Kernel</i> Sums") == "bayesian kernel sums"


def _people() -> PeopleIndex:
    index = PeopleIndex()
    index.add(1, "Lena Varkonyi", slug="lena-varkonyi", urls=["https://github.com/LenaVarkN"])
    index.add(2, "Kaveh Karimzadehi", slug="kaveh-karimzadehi")
    index.add(3, "Tamás Réthy", slug="tamas-rethy", aliases=["T. Rethy"])
    index.add(4, "Jin Tao", slug="jin-tao")
    index.add(5, "Jin Tan", slug="jin-tan")
    return index


def test_people_index_matches_by_name_initials_accents_and_url():
    index = _people()
    assert index.match("Lena Varkonyi").pk == 1
    assert index.match("L. Varkonyi").pk == 1
    assert index.match("Tamas Rethy").pk == 3
    assert index.match("Somebody Else", url="https://github.com/lenavarkn").pk == 1
    assert index.get_slug("jin-tao") == 4


def test_people_index_reports_an_uncertain_match():
    match = _people().match("Kaveh Karimzadeh")
    assert (match.pk, match.certain) == (2, False)


def test_people_index_refuses_ambiguous_and_excluded():
    index = _people()
    index.add(6, "Lena Varkonyi", slug="lena-varkonyi-2")  # a namesake
    assert index.match("Lena Varkonyi") is None
    assert index.match("Jin Tao", exclude={4}) is None
    assert index.match("Nobody Known") is None


def test_publication_index_order_doi_arxiv_title():
    index = PublicationIndex()
    index.add(1, doi="10.1145/ABC", title="Paper One", year=2023)
    index.add(2, arxiv_id="2208.05678", title="Rethinking Pruning Schedules", year=2023)
    index.add(3, title="A Title Only Paper", year=2020, source_file="s/a.md", source_key="k")
    found = index.find(doi="https://doi.org/10.1145/abc", title="Paper One, Extended")
    assert found == (1, "doi")
    found = index.find(arxiv_id="2208.05678v2", title="Rethinking pruning schedules!")
    assert found == (2, "arxiv")
    # Same arXiv link, different title: a different paper.
    assert index.find(arxiv_id="2208.05678", title="Split Sparse Training") is None
    assert index.find(title="a title only paper", year=2021) == (3, "title")
    assert index.find(title="a title only paper", year=2015) is None
    assert index.find(source_file="s/a.md", source_key="k", title="renamed") == (3, "source")


def test_initial_matches_are_weak_and_bounded_by_the_lab():
    index = _people()
    assert compare_names("L. Varkonyi", "Lena Varkonyi").abbreviated is True
    assert compare_names("Tariq M Elshazly", "Tariq Elshazly").abbreviated is False
    assert index.match("L. Varkonyi").weak is True
    assert index.match("L. Varkonyi", members={1}).pk == 1
    assert index.match("L. Varkonyi", members={2, 3}) is None  # not this lab's Lena
    assert index.match("Lena Varkonyi", members=set()).pk == 1  # a full name is enough


def test_titles_in_another_script_are_compared_by_their_own_letters():
    from labsite.normalise import normalise, normalize_title

    index = PublicationIndex()
    index.add(1, title="基于BIM的沙丘施工模拟", year=2020)
    # two Chinese titles that share only a Latin acronym are two papers
    assert index.find(title="面向BIM的沙丘设计方法", year=2020) is None
    assert index.find(title="基于BIM的沙丘施工模拟。", year=2021) == (1, "title")
    assert normalize_title("Ørsted’s Dünen") == "ørsted s dunen"
    assert normalise("林汤姆 (Tomas Lind)") == "林汤姆 tomas lind"
