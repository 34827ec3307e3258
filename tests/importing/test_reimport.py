"""Idempotent always: a second import of the same files creates and updates nothing, and says
the same warnings as the first (a warning is about the data, so it does not go away because
the data was imported once). The corpus sites are checked in test_corpus_import.py on the runs
that test makes already; here the seeds, each reader's fixture, and the shapes that once broke
it: a paper listed twice on one page, a paper with no author list, and links to people that
rest on a near spelling.
"""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.importing.conftest import SHARED, row_counts
from tests.importing.test_corpus_import import warnings

SEEDS = sorted((SHARED / "seeds").glob("*.txt"))
FIXTURES = Path(__file__).parent / "fixtures"


def _import(*args: str) -> str:
    out = StringIO()
    call_command("import_pages", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def assert_idempotent(*args: str) -> str:
    first = _import(*args)
    before = row_counts()
    second = _import(*args)
    assert row_counts() == before
    assert second.splitlines()[-1].startswith("Total: 0 created, 0 updated,"), second
    assert warnings(second) == warnings(first)
    return first


SEED_ARGS = [
    (0, ("--lab", "vital")),
    (1, ("--lab", "vital", "--person", "Yue Niu")),
    (2, ("--lab", "wilson")),
]


@pytest.mark.skipif(len(SEEDS) != 3, reason="../shared/seeds is not present")
@pytest.mark.parametrize(("index", "args"), SEED_ARGS, ids=["seed000", "seed001", "seed002"])
def test_seed_reimport_changes_nothing_and_repeats_its_warnings(db, index, args):
    for earlier, earlier_args in SEED_ARGS[:index]:  # the seeds as a lab imports them, in turn
        _import(str(SEEDS[earlier]), *earlier_args)
    assert_idempotent(str(SEEDS[index]), *args)


@pytest.mark.parametrize("path", ["hugo_site", "orcid/record.json", "csl/library.json"])
def test_reader_fixture_reimport_changes_nothing(db, path):
    assert_idempotent(str(FIXTURES / path), "--lab", "readers")


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def test_reimport_of_a_paper_listed_twice_and_doubtful_links(db, tmp_path):
    stone = _write(
        tmp_path / "stone",
        {
            "_config.yml": "author:\n  name: Bob Stone\n",
            "_publications/tidal.md": '---\ntitle: "Tidal Things"\n'
            'authors: "Bob Stone, Lena Varkony"\nvenue: ICLR\ndate: 2022-05-01\n---\n',
        },
    )
    lena = _write(
        tmp_path / "lena",
        {
            "_config.yml": "author:\n  name: Lena Varkonyi\n",
            # the selected list gives no month, the full list does: one paper, written once
            "about.md": "---\ntitle: About\n---\n## Selected Publications\n"
            "- **Deep Rivers of Thought.** Lena Varkonyi, Bob Stone. NeurIPS 2021.\n\n"
            "## Publications\n"
            "- **Deep Rivers of Thought.** Lena Varkonyi, Bob Stone. NeurIPS, December 2021.\n",
            "_publications/lone.md": '---\ntitle: "A Paper Without Authors"\n'
            "venue: Journal of Things\ndate: 2019-05-01\n---\n",
            "_publications/deep.md": '---\ntitle: "Deep Lakes"\n'
            'authors: "Lena Varkony, Carla Mendes"\nvenue: ICML\ndate: 2020-05-01\n---\n',
        },
    )
    _import(str(stone), "--lab", "t")

    first = assert_idempotent(str(lena), "--lab", "t")

    said = "\n".join(warnings(first))
    assert "'A Paper Without Authors' has no author list" in said
    assert "author 'Lena Varkony' taken to be the owner 'Lena Varkonyi'" in said
    assert "author 'Lena Varkony' linked to 'Lena Varkonyi'" in said  # Bob's paper, linked back
    # and Bob's site, imported again, still doubts the link his co-author's import made
    assert "'Lena Varkony' linked to 'Lena Varkonyi'" in "\n".join(
        warnings(assert_idempotent(str(stone), "--lab", "t"))
    )
