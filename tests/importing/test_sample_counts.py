"""A file the import leaves out as the theme's sample text counts nothing as created: its old
address served the theme's placeholder, so no redirect is made for it (readers/samples.py)."""

from __future__ import annotations

from labsite.models import Redirect
from tests.importing.test_reimport import _write, assert_idempotent


def _line(out: str, page: str) -> str:
    return next(line.strip() for line in out.splitlines() if line.strip().startswith(page))


def test_sample_counts_no_redirect_for_a_sample_file(db, tmp_path):
    site = _write(
        tmp_path / "verne",
        {
            "_config.yml": "author:\n  name: Tomas Verne\n",
            "_publications/2009-10-01-paper-title-number-1.md": (
                '---\ntitle: "Paper Title Number 1"\ncollection: publications\n'
                "permalink: /publication/2009-10-01-paper-title-number-1\n"
                "date: 2009-10-01\nvenue: 'Journal 1'\n---\nThis paper is about the number 1.\n"
            ),
            "_publications/2023-02-01-sand-ripples.md": (
                '---\ntitle: "Sand Ripples in Invented Dunes"\ncollection: publications\n'
                "permalink: /publication/2023-02-01-sand-ripples\n"
                "date: 2023-02-01\nvenue: 'Journal of Made-up Sand'\n"
                "citation: 'Verne, T. (2023). Sand Ripples in Invented Dunes.'\n---\n"
            ),
        },
    )
    out = assert_idempotent(str(site), "--lab", "samples")
    sample = "verne/_publications/2009-10-01-paper-title-number-1.md:"
    assert (
        _line(out, sample) == f"{sample} 0 created, 0 updated, 0 unchanged, 0 conflicts, 1 warnings"
    )
    assert sorted(Redirect.objects.values_list("old_path", flat=True)) == [
        "/publication/2023-02-01-sand-ripples"  # the owner's own paper keeps its address
    ]
