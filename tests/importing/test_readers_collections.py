"""A Jekyll site's own collections, and the themes' sample content, end to end.

The fixture sites (tests/importing/fixtures/jekyll_declared, jekyll_data_refs,
jekyll_samples, hugo_samples) were written for these tests, names and titles made up:

- ``jekyll_declared``: ``collections: [proc, jour, lectures]`` in ``_config.yml``, papers as
  front matter only, links under the fork's own keys (``bib:``, ``vurl:``), and no markdown
  page at all (the list is an ``index.html`` Liquid loop); ``_lectures`` holds a talk and an
  undeclared ``_reading`` folder a book, neither of which is a publication.
- ``jekyll_data_refs``: a ``_papers`` collection naming authors and venues by keys of
  ``_data/authors.yml``, ``journals.yml``, ``conferences.yml``.
"""

from __future__ import annotations

from io import StringIO
from pathlib import Path

from django.core.management import call_command

from people.models import Person, Talk
from publications.models import Publication
from tests.importing.test_corpus_import import warnings
from tests.importing.test_reimport import assert_idempotent

FIXTURES = Path(__file__).parent / "fixtures"


def run(*args: str) -> str:
    out, err = StringIO(), StringIO()
    call_command("import_pages", *args, stdout=out, stderr=err)
    assert err.getvalue() == ""
    return out.getvalue()


def authors(pub: Publication) -> list[str]:
    return [a.name for a in pub.authorships.order_by("position")]


def links(pub: Publication) -> dict[str, str]:
    return {link.kind: link.url for link in pub.links.all()}


def test_declared_collections_are_read_as_publications_without_a_markdown_page(db):
    out = assert_idempotent(str(FIXTURES / "jekyll_declared"), "--lab", "widgets")

    assert Person.objects.filter(name="Mira Castellanos").count() == 1
    pubs = {p.title: p for p in Publication.objects.all()}
    assert sorted(pubs) == [
        "A Survey of Widget Placement",
        "Fast Widgets",
        "Gadget Queues Without Locks",
    ]
    fast = pubs["Fast Widgets"]
    assert authors(fast) == ["Mira Castellanos", "Bo Chen"]
    assert (fast.venue, fast.year) == ("WIDGETCONF", 2019)
    assert links(fast) == {
        "pdf": "https://mcastellanos.example.org/papers/widgets.pdf",
        "bibtex": "https://mcastellanos.example.org/papers/widgets.bib",
        "video": "https://www.youtube.com/watch?v=w1dg3t5",
    }
    queues = pubs["Gadget Queues Without Locks"]
    assert authors(queues) == ["Tess Okonkwo", "Mira Castellanos"]
    assert (queues.venue, queues.year, queues.kind) == (
        "Proceedings of the Symposium on Gadget Engineering",
        2021,
        "conference",
    )
    assert links(queues) == {"code": "https://github.com/mcastellanos-example/gadget-queues"}
    survey = pubs["A Survey of Widget Placement"]
    assert authors(survey) == ["Mira Castellanos", "Ivo Marsh", "Bo Chen"]
    assert (survey.venue, survey.year, survey.kind) == (
        "Journal of Widget Studies",
        2020,
        "journal",
    )

    # a collection named for talks is talks; a reading list is named in the report, left out
    assert list(Talk.objects.values_list("title", "event")) == [
        ("Widgets at Scale", "Northfield Widget Seminar")
    ]
    assert [w for w in warnings(out) if "_reading" in w] == [
        "jekyll_declared/_reading/the-long-widget.md: warning: _reading/: skipped (a collection "
        "of one document, neither publications nor talks, teaching, projects or news); "
        "not imported"
    ]


def test_collection_front_matter_names_data_entries_by_key(db):
    assert_idempotent(str(FIXTURES / "jekyll_data_refs"), "--lab", "geometry")

    pubs = {p.title: p for p in Publication.objects.all()}
    dense = pubs["Dense Widget Packings"]
    assert authors(dense) == ["Ann Lee", "Bo Chen"]
    assert (dense.venue, dense.year, dense.kind) == ("Journal of Geometry", 2016, "journal")
    sparse = pubs["Sparse Widget Coverings"]
    assert authors(sparse) == ["Cara Díaz", "Ann Lee"]
    assert (sparse.venue, sparse.year, sparse.kind) == ("Discrete Widget Geometry", 2018, "journal")
    # a name that is no key stays as written; ``conference:`` is looked up in conferences.yml
    solid = pubs["Widget Packing in Three Dimensions"]
    assert authors(solid) == ["Bo Chen", "Ann Lee", "Dev Raman"]
    assert (solid.venue, solid.year, solid.kind) == (
        "Symposium on Widget Geometry",
        2019,
        "conference",
    )
    owner = Person.objects.get(name="Ann Lee")
    assert sorted(p.title for p in Publication.objects.filter(authorships__person=owner)) == [
        "Dense Widget Packings",
        "Sparse Widget Coverings",
        "Widget Packing in Three Dimensions",
    ]
