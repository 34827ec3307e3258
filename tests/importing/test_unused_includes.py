"""A fragment no page includes is not imported, and a bold name that is not the owner's is
never taken for the owner.

``jekyll_unused_include`` is shaped like AcadHomepage: ``_pages/about.md`` pulls in
``includes/intro.md`` and ``includes/pub.md`` with ``{% include_relative %}``; the theme's
``includes/pub_short.md``, its author's own papers (bold: "Olan Piet"), is included by no page.
``pub.md`` itself bolds the owner twice ("Ines Ortl", "I. Ortl") and a friend once.
"""

from __future__ import annotations

from pathlib import Path

from people.models import Person
from publications.models import Authorship, Publication
from tests.importing.test_reimport import assert_idempotent

FIXTURES = Path(__file__).parent / "fixtures"


def test_unused_include_is_not_imported(db):
    out = assert_idempotent(str(FIXTURES / "jekyll_unused_include"), "--lab", "widgets")
    assert sorted(Publication.objects.values_list("title", flat=True)) == [
        "A Widget Survey by a Friend",
        "Counting Widgets with Few Samples",
        "Sorting Widgets by Colour",
    ]
    assert (
        "_pages/includes/pub_short.md: skipped (a fragment for pages to include, and no page "
        "includes it); not imported"
    ) in out


def test_unused_include_bold_stranger_is_not_the_owner(db):
    out = assert_idempotent(str(FIXTURES / "jekyll_unused_include"), "--lab", "widgets")
    owner = Person.objects.get(name="Ines Ortl")
    linked = Authorship.objects.filter(person=owner).order_by("publication__title")
    assert [(a.publication.title, a.name) for a in linked] == [
        ("Counting Widgets with Few Samples", "Ines Ortl"),
        ("Sorting Widgets by Colour", "I. Ortl"),
    ]
    friend = Authorship.objects.get(name="Olan Piet")
    assert friend.person_id is None
    assert "Ines Ortl is not among the authors of 'A Widget Survey by a Friend'" in out
