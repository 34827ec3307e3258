"""A Jekyll site's own collections, and the themes' sample content, end to end.

The fixture sites (tests/importing/fixtures/jekyll_declared, jekyll_data_refs,
jekyll_samples, hugo_samples) were written for these tests, names and titles made up:

- ``jekyll_declared``: ``collections: [proc, jour, lectures]`` in ``_config.yml``, papers as
  front matter only, links under the fork's own keys (``bib:``, ``vurl:``), and no markdown
  page at all (the list is an ``index.html`` Liquid loop); ``_lectures`` holds a talk and an
  undeclared ``_reading`` folder a book, neither of which is a publication.
- ``jekyll_data_refs``: a ``_papers`` collection naming authors and venues by keys of
  ``_data/authors.yml``, ``journals.yml``, ``conferences.yml``.
- ``jekyll_samples``, ``hugo_samples``: forks of the academicpages and HugoBlox starters that
  kept some of the starters' example works ("Paper Title Number 1", "Portfolio item number 1",
  "An example journal article") beside the owner's own.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from labsite.importing.readers import collect
from people.models import Person, Talk
from publications.models import Publication
from research.models import Project
from tests.importing.test_corpus_import import warnings
from tests.importing.test_reimport import assert_idempotent

FIXTURES = Path(__file__).parent / "fixtures"


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


def sample_warnings(out: str) -> list[str]:
    return sorted(w.split(": ", 1)[1] for w in warnings(out) if "the theme's sample text" in w)


def test_academicpages_sample_works_are_skipped_and_reported(db):
    out = assert_idempotent(str(FIXTURES / "jekyll_samples"), "--lab", "coasts")

    assert list(Publication.objects.values_list("title", flat=True)) == [
        "Sand Ripples Under Slow Tides"
    ]
    assert list(Project.objects.values_list("title", flat=True)) == ["A Cheap Tide Gauge"]
    assert list(Talk.objects.values_list("title", flat=True)) == ["Ripples and Tides"]
    assert sample_warnings(out) == [
        "warning: _portfolio/portfolio-1.md:1: project 'Portfolio item number 1' is the "
        "theme's sample text; not imported",
        "warning: _publications/2009-10-01-paper-title-number-1.md:1: publication 'Paper Title "
        "Number 1' is the theme's sample text; not imported",
        "warning: _publications/2010-10-01-paper-title-number-2.md:1: publication 'Paper Title "
        "Number 2' is the theme's sample text; not imported",
        "warning: _talks/2012-03-01-talk-1.md:1: talk 'Talk 1 on Relevant Topic in Your Field' "
        "is the theme's sample text; not imported",
    ]


def test_hugoblox_sample_publications_are_skipped_and_reported(db):
    out = assert_idempotent(str(FIXTURES / "hugo_samples"), "--lab", "dunes")

    assert list(Publication.objects.values_list("title", flat=True)) == [
        "Dune Migration in Made-up Deserts"
    ]
    owner = Person.objects.get(name="Tomas Verne")
    assert list(Person.objects.values_list("name", flat=True)) == ["Tomas Verne"]
    assert authors(Publication.objects.get()) == ["Tomas Verne", "Lia Moreau"]
    assert Publication.objects.get().authorships.get(position=0).person == owner
    assert sample_warnings(out) == [
        f"warning: content/publication/{folder}/index.md:1: publication {title!r} is the "
        "theme's sample text; not imported"
        for folder, title in [
            ("conference-paper", "An example conference paper"),
            ("journal-article", "An example journal article"),
            ("preprint", "An example preprint / working paper"),
        ]
    ]


def test_an_undeclared_folder_leading_outside_the_site_is_refused_not_walked(tmp_path):
    site = tmp_path / "site"
    shutil.copytree(FIXTURES / "jekyll_declared", site)
    (site / "_elsewhere").symlink_to(tmp_path.parent, target_is_directory=True)

    record = collect(site)

    assert record.errors == []
    assert [w for page in record.pages for w in page.warnings if "_elsewhere" in w] == [
        "_elsewhere: refused: a symlinked folder that leads outside the site folder"
    ]
    assert len([p for page in record.pages for p in page.publications]) == 3
