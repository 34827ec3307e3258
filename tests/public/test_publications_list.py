"""/publications/: filters, search, each paper once, and the filter controls' context."""

from __future__ import annotations

import pytest

from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def papers(alice, bob, carol, lab_a):
    """Lab A's papers (alice's and bob's, one shared) and carol's lab B paper that must never
    show on lab A."""
    shared = f.PublicationFactory(
        title="Federated Learning at Scale", year=2023, kind="journal", venue="JMLR", short_venue=""
    )
    f.AuthorshipFactory(publication=shared, person=alice.person, position=0)
    f.AuthorshipFactory(publication=shared, person=bob.person, position=1)
    f.AuthorshipFactory(publication=shared, person=None, name="Zed Zimmer", position=2)
    preprint = f.PublicationFactory(
        title="Graph Things", year=2021, kind="preprint", venue="arXiv", short_venue=""
    )
    f.AuthorshipFactory(publication=preprint, person=bob.person, position=0)
    hidden = f.PublicationFactory(title="Hidden by Alice", year=2022, venue="Workshop on X")
    f.AuthorshipFactory(publication=hidden, person=alice.person, position=0, hidden=True)
    f.AuthorshipFactory(publication=hidden, person=bob.person, position=1)
    # Lab B's paper, written by an outsider also called "Zed": it must not leak into lab A.
    leak = f.PublicationFactory(title="Federated Secrets of Lab B", year=2023, venue="JMLR")
    f.AuthorshipFactory(publication=leak, person=carol.person, position=0)
    f.AuthorshipFactory(publication=leak, person=None, name="Zed Zimmer", position=1)


def titles(response) -> list[str]:
    return [p.title for p in response.context["publications"]]


def test_all_lab_papers_once_newest_first(get, papers):
    response = get("/publications/")
    # alice's and bob's papers share a year and have no explicit order: the one added last
    # comes first (never alphabetical).
    assert titles(response) == [
        "Bob Brown's paper",
        "Alice Anders's paper",
        "Federated Learning at Scale",
        "Hidden by Alice",
        "Graph Things",
    ]
    assert response.context["count"] == 5
    by_year = [(y, [p.title for p in rows]) for y, rows in response.context["publications_by_year"]]
    assert by_year == [
        (2024, ["Bob Brown's paper", "Alice Anders's paper"]),
        (2023, ["Federated Learning at Scale"]),
        (2022, ["Hidden by Alice"]),
        (2021, ["Graph Things"]),
    ]


def test_filter_controls_context(get, papers):
    response = get("/publications/?year=2023")
    assert response.context["filter_years"] == [2024, 2023, 2022, 2021]
    assert response.context["filter_kinds"] == [
        ("conference", "Conference paper"),
        ("journal", "Journal article"),
        ("preprint", "Preprint"),
    ]
    assert [p.slug for p in response.context["filter_people"]] == ["alice-anders", "bob-brown"]
    assert response.context["filters"] == {"year": "2023", "type": "", "person": "", "q": ""}
    assert response.context["is_filtered"] is True


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?year=2023", ["Federated Learning at Scale"]),
        ("?type=preprint", ["Graph Things"]),
        ("?type=journal&year=2023", ["Federated Learning at Scale"]),
        ("?person=alice-anders", ["Alice Anders's paper", "Federated Learning at Scale"]),
        (
            "?person=bob-brown",
            ["Bob Brown's paper", "Federated Learning at Scale", "Hidden by Alice", "Graph Things"],
        ),
        ("?person=carol-chen", []),
        ("?q=federated", ["Federated Learning at Scale"]),
        ("?q=zimmer", ["Federated Learning at Scale"]),
        ("?q=JMLR", ["Federated Learning at Scale"]),
        ("?q=workshop+on", ["Hidden by Alice"]),
        (
            "?q=bob+brown",
            ["Bob Brown's paper", "Federated Learning at Scale", "Hidden by Alice", "Graph Things"],
        ),
        ("?q=federated&person=bob-brown", ["Federated Learning at Scale"]),
        ("?q=federated+zimmer+jmlr", ["Federated Learning at Scale"]),
        ("?q=graph+zimmer", []),
        ("?q=nothing+like+this", []),
    ],
)
def test_filters_and_search(get, papers, query, expected):
    assert titles(get("/publications/" + query)) == expected


@pytest.mark.parametrize("query", ["?year=abc", "?year=99999", "?type=bogus", "?q=", "?year="])
def test_unusable_filter_values_are_ignored(get, papers, query):
    response = get("/publications/" + query)
    assert response.status_code == 200
    assert len(titles(response)) == 5
    assert response.context["is_filtered"] is False


def test_publication_page(get, papers, alice):
    response = get(f"/publications/{alice.publication.pk}/")
    assert response.context["publication"] == alice.publication
    assert response.context["bibtex"].startswith("@inproceedings{anders2024alice,")


def test_listed_papers_bibtex_is_their_own_bib_url(get, papers):
    response = get("/publications/?q=federated")
    [paper] = response.context["publications"]
    bib = get(f"/publications/{paper.pk}.bib").content.decode()
    assert bib.startswith("@article{anders2023federated,")


def test_papers_of_one_year_keep_their_explicit_order(get, alice):
    year = alice.publication.year
    alice.publication.delete()
    for order, title in enumerate(["Zebra Paper", "Aardvark Paper", "Middle Paper"]):
        paper = f.PublicationFactory(title=title, year=year, month=None, order=order)
        f.AuthorshipFactory(publication=paper, person=alice.person, position=0)
    response = get("/publications/")
    assert [t for t in titles(response) if t.endswith(" Paper")] == [
        "Zebra Paper",
        "Aardvark Paper",
        "Middle Paper",
    ]
