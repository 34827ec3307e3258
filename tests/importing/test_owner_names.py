"""Whose site it is: the owner's name comes from where the site says who it is.

Fixture sites (tests/importing/fixtures/), written for these tests with made-up people:

- ``jekyll_title_owner``: ``_config.yml`` says only ``title: Ann Lee``; the home page is titled
  "About" and a research-topic page ``SD.md`` "Spherical Discrepancy". A page other than the
  home/about page names what it is about in its title, not its owner.
- ``hugo_owner_spelling``: the author profile ``content/authors/admin`` is titled "Ann Lee";
  one paper spells her "Ann. B. Lee". The profile's name is the owner's.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from people.models import Person
from publications.models import Publication
from tests.importing.test_reimport import assert_idempotent

FIXTURES = Path(__file__).parent / "fixtures"


def owned_titles(person: Person) -> list[str]:
    return sorted(
        Publication.objects.filter(authorships__person=person).values_list("title", flat=True)
    )


@pytest.mark.parametrize(
    "title",
    ["Ann Lee", "Ann Lee's Homepage", "Ann Lee | Home", "Ann Lee - Academic Website"],
)
def test_config_title_names_the_owner_not_a_topic_page(db, tmp_path, title):
    site = tmp_path / "site"
    shutil.copytree(FIXTURES / "jekyll_title_owner", site)
    (site / "_config.yml").write_text(f'title: "{title}"\n', encoding="utf-8")

    assert_idempotent(str(site), "--lab", "discrepancy")

    assert list(Person.objects.values_list("name", flat=True)) == ["Ann Lee"]
    assert owned_titles(Person.objects.get(name="Ann Lee")) == [
        "Balanced Colorings of Sparse Set Systems",
        "Evenly Spread Points on Spheres",
    ]


def test_another_pages_title_is_the_last_resort_when_nothing_else_names_the_owner(db, tmp_path):
    site = tmp_path / "site"
    shutil.copytree(FIXTURES / "jekyll_title_owner", site)
    (site / "_config.yml").write_text("description: Combinatorics\n", encoding="utf-8")
    (site / "SD.md").write_text("---\ntitle: Ann Lee\n---\nMy notes.\n", encoding="utf-8")
    for paper in (site / "_publications").iterdir():  # no author list: nobody highlighted
        text = paper.read_text(encoding="utf-8")
        paper.write_text("\n".join(ln for ln in text.splitlines() if not ln.startswith("authors:")))

    assert_idempotent(str(site), "--lab", "discrepancy")

    assert list(Person.objects.values_list("name", flat=True)) == ["Ann Lee"]


def test_hugo_author_profile_names_the_owner_over_a_papers_spelling(db):
    out = assert_idempotent(str(FIXTURES / "hugo_owner_spelling"), "--lab", "discrepancy")

    owner = Person.objects.get(name="Ann Lee")
    assert owner.position == "Postdoctoral Researcher"
    assert not Person.objects.filter(name="Ann. B. Lee").exists()
    assert owned_titles(owner) == [
        "Dense Sets Without Progressions",
        "Sparse Cuts in Random Widgets",
    ]
    dense = Publication.objects.get(title="Dense Sets Without Progressions")
    assert [a.name for a in dense.authorships.order_by("position")] == ["Ann. B. Lee", "Bo Chen"]
    assert "Total: " in out.splitlines()[-1]
