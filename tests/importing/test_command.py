"""``import_pages`` through its command line: arguments, bad inputs, exit status, output."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from labsite.importing import writers
from people.models import Lab, Person, ProfileSection
from tests.importing.conftest import row_counts

ABOUT = """---
title: "Ada Lovelace"
permalink: /
redirect_from: [/about/]
---

About
-----
I compute.

News
-----
- [May 2024] The engine runs.
"""


def _site(root: Path, **files: str | bytes) -> Path:
    """A small Jekyll site: ``_config.yml``, a good about page, and ``files`` under _pages/."""
    (root / "_pages").mkdir(parents=True)
    (root / "_config.yml").write_text('author:\n  name: "Ada Lovelace"\n', encoding="utf-8")
    (root / "_pages" / "about.md").write_text(ABOUT, encoding="utf-8")
    for name, content in files.items():
        path = root / "_pages" / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def run(*args: str) -> tuple[int, str, str]:
    """``(exit status, stdout, stderr)`` as the shell would see them."""
    out, err = StringIO(), StringIO()
    try:
        call_command("import_pages", *args, stdout=out, stderr=err)
    except CommandError as exc:
        return 1, out.getvalue(), err.getvalue() + f"CommandError: {exc}\n"
    return 0, out.getvalue(), err.getvalue()


def _errors(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("error: ")]


def test_command_imports_a_site_and_creates_the_lab(db, tmp_path):
    site = _site(tmp_path / "ada.github.io")

    status, out, err = run(str(site), "--lab", "engine", "--lab-name", "Engine Lab")

    assert (status, err) == (0, "")
    lab = Lab.objects.get(slug="engine")
    assert (lab.name, lab.site.domain) == ("Engine Lab", "engine.localhost")
    assert out.splitlines()[0] == "Created the lab 'Engine Lab' on engine.localhost."
    assert out.splitlines()[-1] == (
        "Total: 6 created, 0 updated, 0 unchanged, 0 conflicts, 0 warnings, 0 errors"
    )
    assert list(ProfileSection.objects.values_list("person__name", "title")) == [
        ("Ada Lovelace", "About"),
        ("Ada Lovelace", "News"),
    ]


def test_command_domain_option(db, tmp_path):
    site = _site(tmp_path / "ada")
    assert run(str(site), "--lab", "engine", "--domain", "Engine.Example.org")[0] == 0
    assert Lab.objects.get(slug="engine").site.domain == "engine.example.org"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("broken.md", "---\ntitle: [broken\n  yaml: : :\n---\nBody\n", "broken.md:3: broken YAML"),
        ("binary.md", bytes(range(256)) * 20, "binary.md:1: binary file, not text"),
        ("empty.md", "", "empty.md:1: empty file"),
        ("huge.md", "---\ntitle: Huge\n---\n" + "word " * 2_100_000, "huge.md:1: file is larger"),
        (
            "japanese.md",
            ("研究室のページです。" * 50).encode("shift_jis"),
            "japanese.md:1: unknown text encoding",
        ),
    ],
)
def test_command_bad_file_is_one_line_and_loses_nothing(db, tmp_path, name, content, message):
    site = _site(tmp_path / "ada", **{name: content})

    status, out, err = run(str(site), "--lab", "engine")

    assert status == 1
    [error] = _errors(err)
    assert error.startswith(f"error: ada/_pages/{message}")
    assert "Traceback" not in err + out
    # The good page of the same site was imported all the same.
    assert ProfileSection.objects.filter(person__name="Ada Lovelace").count() == 2


def test_command_missing_path_and_folder_without_pages(db, tmp_path):
    good = _site(tmp_path / "ada")
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "todo.bak").write_text("nothing here", encoding="utf-8")

    status, _out, err = run(
        str(tmp_path / "missing"), str(tmp_path / "notes"), str(good), "--lab", "x"
    )

    assert status == 1
    assert _errors(err) == [
        f"error: {tmp_path / 'missing'}: no such file or folder",
        f"error: {tmp_path / 'notes'}: no pages found (expected markdown pages, a _pages/ "
        "folder or a Jekyll site)",
    ]
    assert Person.objects.get().name == "Ada Lovelace"


def test_command_only_bad_inputs_write_nothing(db, tmp_path):
    before = row_counts()
    status, _out, err = run(str(tmp_path / "missing"), "--lab", "ghost")
    assert status == 1
    assert row_counts() == before
    assert not Lab.objects.filter(slug="ghost").exists()


def test_command_owner_cannot_be_told(db, tmp_path):
    page = tmp_path / "page.md"
    page.write_text("Some prose about research, but nobody's name.\n", encoding="utf-8")

    status, _out, err = run(str(page), "--lab", "x")

    assert status == 1
    assert _errors(err) == [
        f"error: {page}: cannot tell whose page this is (no title, no _config.yml author, no "
        'highlighted author); name the owner with --person "First Last" or --person SLUG'
    ]
    assert run(str(page), "--lab", "x", "--person", "Grace Hopper")[0] == 0
    assert Person.objects.get().name == "Grace Hopper"


def test_command_dry_run_writes_nothing_not_even_the_lab(db, tmp_path):
    site = _site(tmp_path / "ada")
    before = row_counts()

    status, out, _err = run(str(site), "--lab", "engine", "--dry-run")

    assert status == 0
    assert row_counts() == before
    assert not Lab.objects.filter(slug="engine").exists()
    assert out.splitlines()[0] == "Would create the lab 'Engine' on engine.localhost."
    assert out.splitlines()[-1] == (
        "Dry run, nothing written. Would have: 6 created, 0 updated, 0 unchanged, 0 conflicts, "
        "0 warnings, 0 errors"
    )


def test_command_rerun_is_unchanged_and_verbose_lists_records(db, tmp_path):
    site = _site(tmp_path / "ada")
    run(str(site), "--lab", "engine")
    before = row_counts()

    status, out, _err = run(str(site), "--lab", "engine", "-v", "2")

    assert status == 0
    assert row_counts() == before
    assert "    unchanged news         2024-05-01: The engine runs." in out.splitlines()
    assert out.splitlines()[-1].startswith("Total: 0 created, 0 updated, 5 unchanged")


def test_command_failing_page_rolls_back_alone_exit_nonzero(db, tmp_path, monkeypatch):
    site = _site(tmp_path / "ada", **{"honors.md": "Honors\n-----\n- Best Paper Award, 2023\n"})
    real = writers.SiteWriter._honors

    def failing(self, page, source_file):
        real(self, page, source_file)  # the rows are written…
        if page.honors:
            raise ValueError("boom: the database refused")  # …and rolled back with the page

    monkeypatch.setattr(writers.SiteWriter, "_honors", failing)
    status, _out, err = run(str(site), "--lab", "engine")

    assert status == 1
    assert _errors(err) == ["error: ada/_pages/honors.md:1: boom: the database refused"]
    assert ProfileSection.objects.filter(title="About").count() == 1
    assert ProfileSection.objects.filter(title="Honors").count() == 0
    from people.models import Honor

    assert Honor.objects.count() == 0


class _Terminal(StringIO):
    def isatty(self) -> bool:
        return True


def test_command_progress_only_on_a_terminal(db, tmp_path):
    site = _site(tmp_path / "ada")
    piped = StringIO()
    call_command("import_pages", str(site), "--lab", "engine", stdout=piped)
    assert "\r[" not in piped.getvalue()

    terminal = _Terminal()
    call_command("import_pages", str(site), "--lab", "engine", stdout=terminal)
    assert "\r[##############################] 1/1 " in terminal.getvalue()
