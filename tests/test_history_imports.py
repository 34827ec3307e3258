"""Writes made outside the change forms are in the admin's history (``labsite.history``).

``import_pages`` and ``import_lab`` write in bulk, which reversion does not hear: each run adds
one revision holding what it created or changed, so an import over a member's work can be
undone from the object's history page like any admin edit.
"""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from reversion.models import Version

from people.models import Person
from publications.models import Publication
from tests.test_history import page_form

pytestmark = pytest.mark.django_db

PAPER = """---
title: "{title}"
collection: publications
date: 2021-05-01
venue: "Journal of Careful Tests"
citation: "Ada Lovelace and Charles Babbage. ({year}). {title}. Journal of Careful Tests."
---
"""


def _site(root: Path, *, title: str) -> Path:
    (root / "_pages").mkdir(parents=True)
    (root / "_publications").mkdir()
    (root / "_config.yml").write_text('author:\n  name: "Ada Lovelace"\n', encoding="utf-8")
    (root / "_pages" / "about.md").write_text(
        "---\ntitle: Ada Lovelace\npermalink: /\n---\n\nI compute engines.\n", encoding="utf-8"
    )
    for year, name in ((2021, title), (2019, "Notes on the Analytical Engine")):
        (root / "_publications" / f"{year}-paper.md").write_text(
            PAPER.format(title=name, year=year), encoding="utf-8"
        )
    return root


def _import(site: Path) -> None:
    call_command("import_pages", str(site), "--lab", "lab-a", stdout=StringIO(), stderr=StringIO())


def _versions(obj) -> list[str]:
    return [v.revision.comment for v in Version.objects.get_for_object(obj)]


def test_an_import_is_recorded_once_and_a_no_change_rerun_adds_nothing(lab_a, tmp_path):
    site = _site(tmp_path / "site", title="Bernoulli Numbers by Engine")
    _import(site)
    ada = Person.objects.get(name="Ada Lovelace")
    paper = Publication.objects.get(title="Bernoulli Numbers by Engine")
    comment = f"Imported by import_pages from {site}"
    assert _versions(ada) == [comment]
    assert _versions(paper) == [comment]
    before = Version.objects.count()
    _import(site)  # nothing changed: no new versions
    assert Version.objects.count() == before


def test_a_reimport_over_an_edit_is_undone_from_the_history_page(lab_a, tmp_path, admin_client):
    site = _site(tmp_path / "site", title="Bernoulli Numbers by Engine")
    _import(site)
    paper = Publication.objects.get(title="Bernoulli Numbers by Engine")
    first = Version.objects.get_for_object(paper).get()
    # The source changes the title; the next import records the new state.
    _site(tmp_path / "site2", title="Bernoulli Numbers, Computed")
    for path in (tmp_path / "site2" / "_publications").iterdir():
        (site / "_publications" / path.name).write_text(path.read_text())
    _import(site)
    paper.refresh_from_db()
    assert paper.title == "Bernoulli Numbers, Computed"
    assert len(_versions(paper)) == 2

    opts = Publication._meta
    history = admin_client.get(
        reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[paper.pk])
    )
    assert history.status_code == 200
    assert "Imported by import_pages" in history.content.decode()
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_revision", args=[paper.pk, first.pk])
    form = admin_client.get(url)
    assert form.status_code == 200
    answer = admin_client.post(url, page_form(form))
    assert answer.status_code == 302
    paper.refresh_from_db()
    assert paper.title == "Bernoulli Numbers by Engine"
    assert [a.name for a in paper.authorships.order_by("position")][:2] == [
        "Ada Lovelace",
        "Charles Babbage",
    ]


def test_a_lab_restored_from_its_backup_has_a_version_of_everything(lab_a, tmp_path):
    from labsite.backup import export_lab

    site = _site(tmp_path / "site", title="Bernoulli Numbers by Engine")
    _import(site)
    backup = tmp_path / "lab.zip"
    export_lab(lab=lab_a, path=backup)
    Version.objects.all().delete()
    call_command("import_lab", str(backup), "--replace", stdout=StringIO())
    paper = Publication.objects.get(title="Bernoulli Numbers by Engine")
    assert _versions(paper) == ["Restored by import_lab from lab.zip"]
    assert _versions(Person.objects.get(name="Ada Lovelace")) == [
        "Restored by import_lab from lab.zip"
    ]
