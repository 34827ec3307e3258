"""Site search (``/search/?q=``): the lab's people, projects, papers, posts and news, grouped by
kind; never another lab's. Runs on SQLite (icontains) and on PostgreSQL (full-text search) —
the CI suite runs again on PostgreSQL."""

from __future__ import annotations

import pytest
from django.db import connection

from labsite.search import MAX_QUERY_CHARS, MAX_TERMS, PER_KIND, clean_query, search_lab
from tests import factories as f
from tests.public.conftest import B

pytestmark = pytest.mark.django_db


def _label(row) -> str:
    return getattr(row, "title", None) or getattr(row, "name", None) or row.text


def _found(response) -> dict[str, list[str]]:
    return {
        group.kind.key: [_label(row) for row in group.rows]
        for group in response.context["results"].groups
    }


@pytest.fixture
def content(alice, bob, carol):
    """The word "hydrophone" is in one post of each lab; "glacier" in one of each kind in A."""
    f.PostFactory(person=alice.person, title="Field notes", body="We lowered a hydrophone.")
    f.PostFactory(person=carol.person, title="Carol's notes", body="Another hydrophone story.")
    f.PostFactory(person=bob.person, title="Bob's draft", body="A hydrophone.", status="draft")
    alice.person.bio = "I study the glacier's voice."
    alice.person.save()
    alice.project.summary = "Listening to a glacier."
    alice.project.save()
    alice.publication.title = "Glacier acoustics"
    alice.publication.save()
    f.NewsItemFactory(person=bob.person, text="Bob's glacier trip.")
    f.NewsItemFactory(person=carol.person, text="Carol's glacier trip.")
    carol.project.summary = "Carol's glacier project"
    carol.project.save()


def test_search_finds_a_post_by_a_word_in_its_body_and_nothing_of_the_other_lab(get, content):
    response = get("/search/?q=hydrophone")
    assert response.status_code == 200
    assert _found(response) == {"posts": ["Field notes"]}
    assert _found(get("/search/?q=hydrophone", host=B)) == {"posts": ["Carol's notes"]}


def test_results_are_grouped_by_kind_in_a_fixed_order(get, content):
    found = _found(get("/search/?q=glacier"))
    assert found == {
        "people": ["Alice Anders"],
        "projects": ["Alice Anders's project"],
        "publications": ["Glacier acoustics"],
        "news": ["Bob's glacier trip."],
    }
    html = get("/search/?q=glacier").content.decode()
    assert "Carol" not in html.split("<main", 1)[1]


def test_every_word_must_match(get, content):
    assert _found(get("/search/?q=hydrophone+lowered")) == {"posts": ["Field notes"]}
    assert _found(get("/search/?q=hydrophone+nowhere")) == {}


def test_empty_and_unmatched_queries_answer_with_a_form(get, content):
    empty = get("/search/")
    assert empty.status_code == 200 and empty.context["results"].groups == []
    html = get("/search/?q=zzyzx").content.decode()
    assert "Nothing on this site matches “zzyzx”." in html


def test_query_is_bounded(lab_a):
    text, cut = clean_query("word " * 500)
    assert (len(text.split()), cut) == (MAX_TERMS, True)
    text, cut = clean_query("x" * 5000)
    assert (len(text), cut) == (MAX_QUERY_CHARS, True)
    assert clean_query("  two\x00 words ") == ("two words", False)


def test_each_kind_is_capped(lab_a, alice):
    for i in range(PER_KIND + 5):
        f.PostFactory(person=alice.person, title=f"Walrus {i}", body="walrus")
    results = search_lab(lab_a, "walrus")
    (group,) = results.groups
    assert (len(group.rows), group.more) == (PER_KIND, True)


def test_search_pages_are_never_stored_in_the_page_cache(get, content):
    first = get("/search/?q=hydrophone")
    again = get("/search/?q=hydrophone")
    assert "X-Page-Cache" not in first.headers and "X-Page-Cache" not in again.headers


def test_the_header_has_a_search_box(get, alice):
    html = get("/people/").content.decode()
    assert '<form class="site-search" role="search" action="/search/" method="get">' in html


def test_postgresql_stems_words_and_sqlite_matches_text(lab_a, alice):
    f.PostFactory(person=alice.person, title="Sampling", body="We were measuring currents.")
    found = [_label(r) for g in search_lab(lab_a, "measure").groups for r in g.rows]
    # Full-text search finds "measuring" for "measure"; the fallback matches the text as typed.
    assert found == (["Sampling"] if connection.vendor == "postgresql" else [])
    found = [_label(r) for g in search_lab(lab_a, "measuring").groups for r in g.rows]
    assert found == ["Sampling"]


def test_full_text_indexes_exist_on_postgresql_only(db):
    names = {"search_person", "search_project", "search_publication", "search_post"}
    names.add("search_newsitem")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE 'search_%%'")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE name LIKE 'search_%'")
        found = {row[0] for row in cursor.fetchall()}
    assert found == (names if connection.vendor == "postgresql" else set())
