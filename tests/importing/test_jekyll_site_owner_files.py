"""Jekyll files that are not the owner's: a ``.bib`` the site's jekyll-scholar does not render,
``_publications`` files left from the site a fork copied, a sidebar heading in the author's
place, and a broken JSON Resume.

- ``jekyll_scholar_files``: ``scholar: {source: /_bibliography/, bibliography: papers}``; the
  publications page also renders ``{% bibliography --file talks %}``; ``papers_old.bib`` holds
  a sample paper nobody renders.
- ``jekyll_scholar_plain``: the same two files, no scholar config: both are read, as before.
- ``jekyll_forked_publications``: ``author: name: "About Me"`` (the owner is ``name:``, Lena
  Varkonyi); two files give their authors only in ``citation:`` (she is bold), two are by
  Olan Piet (one in ``citation:``, one in ``authors:``), one ends "et al.", one has no authors.
- ``resume_broken``: ``assets/json/resume.json`` with a trailing comma on line 3.
"""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from labsite.importing.identity import heading_phrase
from labsite.importing.readers import collect
from publications.models import Publication
from tests.importing.test_corpus_import import warnings
from tests.importing.test_reimport import assert_idempotent

FIXTURES = Path(__file__).parent / "fixtures"


def _papers() -> list[tuple[str, list[str]]]:
    return [
        (pub.title, [a.name for a in pub.authorships.order_by("position")])
        for pub in Publication.objects.order_by("title")
    ]


def test_only_the_bibliographies_jekyll_scholar_renders_are_read(db):
    first = assert_idempotent(str(FIXTURES / "jekyll_scholar_files"), "--lab", "sea")
    titles = sorted(Publication.objects.values_list("title", flat=True))
    assert titles == ["Tides of an Invented Sea", "Waves That Never Were"]
    assert warnings(first) == [
        "jekyll_scholar_files/_bibliography/papers_old.bib: warning: "
        "_bibliography/papers_old.bib: skipped (the site's jekyll-scholar renders papers, and "
        "no page names this file); not imported"
    ]


def test_without_a_scholar_config_every_bib_file_is_read(db):
    assert_idempotent(str(FIXTURES / "jekyll_scholar_plain"), "--lab", "sea")
    titles = sorted(Publication.objects.values_list("title", flat=True))
    assert titles == ["A Sample Paper Nobody Wrote", "Tides of an Invented Sea"]


def test_a_bib_file_named_through_a_liquid_variable_keeps_every_file(tmp_path):
    site = tmp_path / "site"
    (site / "_bibliography").mkdir(parents=True)
    (site / "_pages").mkdir()
    (site / "_config.yml").write_text("author:\n  name: Ines Ortl\nscholar:\n  bibliography: a\n")
    for name in ("a", "b"):
        (site / "_bibliography" / f"{name}.bib").write_text(
            f"@article{{{name}, title={{Paper {name.upper()} of Ines}}, author={{Ortl, Ines}},"
            " journal={J}, year=2020}\n"
        )
    (site / "_pages" / "pubs.md").write_text(
        "---\ntitle: Pubs\n---\n{% bibliography --file {{ page.bib }} %}\n"
    )
    record = collect(site)
    titles = sorted(p.title for page in record.pages for p in page.publications)
    assert titles == ["Paper A of Ines", "Paper B of Ines"]


def test_forked_publication_files_and_a_heading_as_author_name(db):
    first = assert_idempotent(str(FIXTURES / "jekyll_forked_publications"), "--lab", "rivers")
    assert _papers() == [
        ("A Large Invented Collaboration", ["Arno Vesk", "Kai Mott", "et al."]),
        ("A Note Without Authors", ["Lena Varkonyi"]),
        ("Glass Deltas and Where to Find Them", ["Jon Vale", "L. Varkonyi", "Ines Ortl"]),
        ("Sand Rivers of a Made-up Desert", ["Lena Varkonyi", "Tom Brenn", "Sun Li"]),
    ]
    owner = Publication.objects.get(title="Sand Rivers of a Made-up Desert").authorships.first()
    assert owner.person.name == "Lena Varkonyi"  # the owner is not "About Me"
    deltas = Publication.objects.get(title="Glass Deltas and Where to Find Them")
    equal = [a.equal_contribution for a in deltas.authorships.order_by("position")]
    assert equal == [False, True, True]
    page = "jekyll_forked_publications/_publications"
    skipped = [w for w in warnings(first) if w.endswith("not imported")]
    assert skipped == [
        f"{page}/2016-paper-lanterns.md: warning: _publications/2016-paper-lanterns.md: "
        "publication 'Paper Lanterns as Sensors' is by Olan Piet, Kai Mott, not by the site's "
        "owner 'Lena Varkonyi' (a file of the site this one was copied from); not imported",
        f"{page}/2017-folding-maps.md: warning: _publications/2017-folding-maps.md: "
        "publication 'Folding Maps for Imaginary Cities' is by Arno Vesk, Olan Piet, Kai Mott, "
        "not by the site's owner 'Lena Varkonyi' (a file of the site this one was copied "
        "from); not imported",
    ]


def test_forked_files_are_kept_when_the_config_names_no_owner(tmp_path):
    site = tmp_path / "site"
    (site / "_publications").mkdir(parents=True)
    (site / "_config.yml").write_text("title: My Site\n")
    (site / "_publications" / "maps.md").write_text(
        '---\ntitle: "Folding Maps for Imaginary Cities"\n'
        "citation: 'Arno Vesk, <b>Olan Piet</b>. <i>Symposium</i>.'\n---\n"
    )
    record = collect(site)
    [paper] = [p for page in record.pages for p in page.publications]
    assert [a.name for a in paper.authors] == ["Arno Vesk", "Olan Piet"]


@pytest.mark.parametrize(
    ("text", "heading"),
    [
        ("About Me", True),
        ("Home", True),
        ("Bio", True),
        ("Contact", True),
        ("À propos", True),
        ("关于我", True),
        ("Publications", True),
        ("Lena Varkonyi", False),
        ("Ana Home", False),
        ("李明", False),
    ],
)
def test_heading_phrase_is_no_name(text, heading):
    assert heading_phrase(text) is heading


def test_broken_resume_json_names_the_line_it_breaks_at(db):
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_pages",
            str(FIXTURES / "resume_broken"),
            "--lab",
            "tides",
            stdout=out,
            stderr=err,
        )
    lines = (out.getvalue() + err.getvalue()).splitlines()
    errors = [line for line in lines if line.startswith("error:")]
    assert errors == [
        "error: resume_broken/assets/json/resume.json:4: broken JSON: Expecting property name "
        "enclosed in double quotes (line 4, column 3)"
    ]
