"""BibTeX: valid for bibtexparser, escaped, typed by kind, stable and unique keys, own entries."""

from __future__ import annotations

import bibtexparser
import pytest

from publications import bibtex
from publications.models import Publication
from tests import factories as f

pytestmark = pytest.mark.django_db


def paper(title: str, authors: list[str], **fields) -> Publication:
    publication = f.PublicationFactory(title=title, **fields)
    for position, name in enumerate(authors):
        f.AuthorshipFactory(publication=publication, person=None, name=name, position=position)
    return publication


def parse_one(text: str):
    library = bibtexparser.parse_string(text)
    assert library.failed_blocks == []
    [entry] = library.entries
    return entry


def fields(entry) -> dict[str, str]:
    return {k: v.value for k, v in entry.fields_dict.items()}


def test_conference_paper_entry_parses_with_all_fields(db):
    publication = paper(
        "Towards Fair & Fast BERT: 50% Less $O(n_1^2)$ Work",
        ["Lena Varkonyi", "José Müller", "Li Wei"],
        kind="conference",
        venue="Advances in Neural Information Processing Systems",
        year=2023,
        month=12,
        pages="1-10",
        doi="10.1000/XYZ_1",
        arxiv_id="2311.01234",
    )
    entry = parse_one(bibtex.entry_for(publication))
    assert entry.entry_type == "inproceedings"
    assert entry.key == "varkonyi2023fair"
    assert fields(entry) == {
        "author": "Lena Varkonyi and José Müller and Li Wei",
        "title": r"Towards Fair \& Fast {BERT}: 50\% Less $O(n_1^2)$ Work",
        "booktitle": "Advances in Neural Information Processing Systems",
        "pages": "1--10",
        "year": "2023",
        "month": "dec",
        "doi": r"10.1000/xyz\_1",
        "eprint": "2311.01234",
        "archiveprefix": "arXiv",
    }


@pytest.mark.parametrize(
    ("kind", "entry_type", "venue_field"),
    [
        ("journal", "article", "journal"),
        ("workshop", "inproceedings", "booktitle"),
        ("preprint", "misc", "howpublished"),
        ("thesis", "phdthesis", "school"),
        ("report", "techreport", "institution"),
        ("chapter", "incollection", "booktitle"),
        ("other", "misc", "howpublished"),
    ],
)
def test_entry_type_and_venue_field_by_kind(db, kind, entry_type, venue_field):
    entry = parse_one(
        bibtex.entry_for(paper("A Title", ["Ann Author"], kind=kind, venue="Venue #1"))
    )
    assert entry.entry_type == entry_type
    assert fields(entry)[venue_field] == r"Venue \#1"


def test_keys_are_stable_across_runs_and_unique_within_an_export(db):
    first = paper("On the Thing", ["Ann Author"], year=2024)
    second = paper("The Thing, again", ["Ann Author", "Bob"], year=2024)
    third = paper("Thing", ["Ann Author"], year=2024)
    run1 = [e.key for e in bibtex.entries([third, first, second])]
    assert run1 == ["author2024thingc", "author2024thing", "author2024thingb"]
    others = Publication.objects.order_by("-pk")
    run2 = dict(zip(others, [e.key for e in bibtex.entries(others)], strict=True))
    assert [run2[third], run2[first], run2[second]] == run1
    # The paper added first keeps the bare key whatever the order of the export.
    assert [e.key for e in bibtex.entries([first])] == ["author2024thing"]


def test_key_of_a_paper_without_authors_or_year(db):
    assert bibtex.entries([paper("L'Été de $\\alpha$-Mathématiques", [], year=None)])[0].key == (
        "anonlete"
    )


def test_own_bibtex_is_used_and_renamed_on_collision(db):
    own = "@article{mykey2020,\n  title = {Mine},\n  author = {Ann Author},\n  year = {2020}\n}"
    mine = paper("Mine", ["Ann Author"], year=2020, bibtex=own)
    other = paper("Other", ["Ann Author"], year=2020, bibtex=own.replace("Mine", "Other"))
    texts = [e.text for e in bibtex.entries([mine, other])]
    assert texts[0] == own
    library = bibtexparser.parse_string("\n\n".join(texts))
    assert [e.key for e in library.entries] == ["mykey2020", "mykey2020b"]
    assert [e["title"] for e in library.entries] == ["Mine", "Other"]


def test_broken_own_bibtex_falls_back_to_generated(db):
    publication = paper("Broken One", ["Ann Author"], year=2020, bibtex="@article{oops, title = {")
    entry = parse_one(bibtex.entry_for(publication))
    assert entry.key == "author2020broken"


def test_lab_bib_endpoint(get, alice, bob, carol):
    response = get("/publications.bib")
    assert response["Content-Type"] == "text/x-bibtex; charset=utf-8"
    library = bibtexparser.parse_string(response.content.decode())
    assert library.failed_blocks == []
    # Same year, no explicit order: the paper added last comes first, as on the list page.
    assert [(e.key, e["title"]) for e in library.entries] == [
        ("brown2024bob", "Bob Brown's paper"),
        ("anders2024alice", "Alice Anders's paper"),
    ]
    assert library.entries[1]["author"] == "Alice Anders and Outside Author"
    # Stable: the same file twice.
    assert get("/publications.bib").content == response.content


def test_person_bib_endpoint_skips_hidden_papers(get, alice, bob):
    hidden = f.PublicationFactory(title="Hidden", year=2020)
    f.AuthorshipFactory(publication=hidden, person=alice.person, position=0, hidden=True)
    response = get("/people/alice-anders/publications.bib")
    assert response["Content-Type"] == "text/x-bibtex; charset=utf-8"
    library = bibtexparser.parse_string(response.content.decode())
    assert [e.key for e in library.entries] == ["anders2024alice"]


def test_publication_page_shows_its_entry(get, alice):
    response = get(f"/publications/{alice.publication.pk}/")
    assert response.context["bibtex"] == bibtex.entry_for(alice.publication)
    assert b"@inproceedings{anders2024alice," in response.content
