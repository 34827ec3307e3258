"""A Hugo site whose author profile has no name (``title:`` left empty) is still its owner's:
the site's title names them when it reads as a person's name and that person is an author of
most papers. An import that cannot tell the owner says that nothing was imported, and leaves no
lab behind.

- ``hugo_owner_untitled``: ``content/authors/admin/_index.md`` has an empty title; the site is
  titled "Ines Ortl # Website name"; her advisor Arno Vesk is on every paper too (so the name
  common to all papers is no answer), and one paper lists her by the folder, ``admin``.
"""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from people.models import Lab, Person
from publications.models import Publication
from tests.importing.test_reimport import _write, assert_idempotent

FIXTURES = Path(__file__).parent / "fixtures"


def test_hugo_owner_fallback_to_the_site_title(db):
    assert_idempotent(str(FIXTURES / "hugo_owner_untitled"), "--lab", "robots")
    owner = Person.objects.get(name="Ines Ortl")
    owned = Publication.objects.filter(authorships__person=owner)
    assert sorted(owned.values_list("title", flat=True)) == [
        "Gentle Arms That Ask First",
        "Soft Grippers for Invented Fruit",
        "Tactile Belts for Invented Workers",
    ]
    belts = Publication.objects.get(title="Tactile Belts for Invented Workers")
    names = [a.name for a in belts.authorships.order_by("position")]
    assert names == ["Ines Ortl", "Jon Vale", "Arno Vesk"]  # not "admin"
    assert sorted(Person.objects.values_list("name", flat=True)) == ["Ines Ortl"]


def test_hugo_owner_fallback_not_to_a_title_no_paper_names(db, tmp_path):
    """A site titled with a name that is on none of its papers is not that person's."""
    site = _write(
        tmp_path / "site",
        {
            "config/_default/config.yaml": "title: Quiet Harbour Notes\n",
            "content/authors/admin/_index.md": "---\ntitle:\nsuperuser: true\n---\n",
            "content/publication/a/index.md": (
                '---\ntitle: Soft Grippers\nauthors: ["Tom Brenn", "Sun Li"]\n'
                "date: 2021-03-01\npublication: Journal of Made-up Machines\n---\n"
            ),
        },
    )
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match=r"^1 error\(s\); nothing was imported$"):
        call_command("import_pages", str(site), "--lab", "harbour", stdout=out, stderr=err)
    assert "cannot tell whose page this is" in err.getvalue()
    assert out.getvalue().splitlines()[0] == (
        "Nothing was imported: the lab 'Harbour' on harbour.localhost was not created."
    )
    assert not Lab.objects.filter(slug="harbour").exists()
    assert not Publication.objects.exists()
