"""A member's pages run a fixed number of SQL queries, however many publications they list
(DESIGN.md: Rendering and speed). Run with ``-s`` to see the counts."""

from __future__ import annotations

import pytest

from tests import factories as f
from tests.public.conftest import cold_count_queries

pytestmark = pytest.mark.django_db

HOST = "lab-a.localhost"


def add_papers(member, coauthor, n: int, start: int) -> None:
    """``n`` papers of ``member``, each with a linked co-author, an outside author, two links."""
    for i in range(start, start + n):
        paper = f.PublicationFactory(title=f"Paper {i}", year=2000 + i % 25, doi=f"10.1/{i}")
        f.AuthorshipFactory(
            publication=paper, person=member.person, position=0, selected=i % 3 == 0
        )
        f.AuthorshipFactory(publication=paper, person=coauthor.person, position=1)
        f.AuthorshipFactory(publication=paper, person=None, name="Outside Author", position=2)
        f.PublicationLinkFactory(publication=paper, kind="pdf")
        f.PublicationLinkFactory(publication=paper, kind="code")


def count_queries(client, url: str) -> tuple[int, int]:
    """Queries of the page with no cached page (see ``cold_count_queries``), and how many
    papers it lists."""
    count, response = cold_count_queries(client, url, HOST)
    return count, response.content.decode().count("Paper ")


def test_member_page_queries_do_not_grow_with_publications(client, alice, bob, record_property):
    # Both of the member's lists measured at 10 papers, then both again at 200 (one build).
    paths = ["/people/alice-anders/", "/people/alice-anders/publications/"]
    f.ProfileSectionFactory(person=alice.person, kind="publications", title="Papers", order=1)
    add_papers(alice, bob, 10, start=0)
    small = {path: count_queries(client, path) for path in paths}
    add_papers(alice, bob, 190, start=10)
    large = {path: count_queries(client, path) for path in paths}
    for path in paths:
        print(f"\n{path}: {small[path][0]} queries with 10 publications, {large[path][0]} with 200")
        record_property(f"queries_10 {path}", small[path][0])
        record_property(f"queries_200 {path}", large[path][0])
    # The larger pages really list more, with the same queries.
    assert [large[p][1] > small[p][1] for p in paths] == [True, True]
    assert [large[p][0] for p in paths] == [small[p][0] for p in paths]
