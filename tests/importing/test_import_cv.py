"""CV entries end to end: a site's CV source through ``manage.py import_pages`` to the member's
CV page. The fixtures (tests/importing/fixtures/cv_site, resume_site) were written for these
tests: an academicpages-style ``_pages/cv.md`` (one degree kept from the theme's sample) and an
al-folio-style ``assets/json/resume.json``.
"""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.test import Client

from labsite.importing.readers import best_reader, collect
from people.models import CVEntry, Person, ProfileSection
from tests.importing.test_reimport import assert_idempotent

FIXTURES = Path(__file__).parent / "fixtures"


def run(*args: str) -> str:
    out, err = StringIO(), StringIO()
    call_command("import_pages", *args, stdout=out, stderr=err)
    assert err.getvalue() == ""
    return out.getvalue()


def rows(person: Person) -> list[tuple]:
    return [
        (e.kind, e.title, e.organization, e.location, e.start_year, e.end_year, e.detail)
        for e in person.cv_entries.order_by("order")
    ]


def test_academicpages_cv_page_becomes_cv_entries_in_page_order(db):
    out = run(str(FIXTURES / "cv_site"), "--lab", "estuary", "-v", "2")
    marit = Person.objects.get(name="Marit Oyelaran")
    assert rows(marit) == [
        (
            "education",
            "Ph.D. in Civil Engineering",
            "Delft University of Technology",
            "Delft",
            None,
            2021,
            "Thesis: Tidal straining in narrow estuaries",
        ),
        ("education", "M.Sc. in Applied Mathematics", "University of Lagos", "", None, 2016, ""),
        (
            "experience",
            "Postdoctoral Researcher",
            "Norwegian Institute for Water Research",
            "",
            2021,
            None,
            "Duties: field campaigns in the Oslofjord",
        ),
        (
            "experience",
            "Visiting Researcher",
            "Bedford Institute of Oceanography",
            "",
            2019,
            2019,
            "",
        ),
        ("service", "Reviewer", "Journal of Hydraulic Engineering", "", 2020, 2024, ""),
        ("service", "Organizer", "Estuary Modelling Workshop", "Bergen", 2023, 2023, ""),
    ]
    assert list(marit.cv_entries.values_list("order", flat=True).order_by("order")) == list(
        range(6)
    )
    entry = marit.cv_entries.get(title="Reviewer")
    assert entry.source_file.endswith("cv_site/_pages/cv.md")
    assert entry.imported_values["organization"] == "Journal of Hydraulic Engineering"
    # The theme's sample degree is left out and said so; the owner's degrees in that section stay.
    assert "CV entry 'B.Sc. in Physics' is the theme's sample text" in out
    assert "theme's sample text; not imported" not in out  # no longer the whole section
    assert not marit.cv_entries.filter(organization__icontains="github").exists()
    # The sections read as entries are not prose on the homepage too; Skills is.
    sections = set(ProfileSection.objects.filter(person=marit).values_list("title", flat=True))
    assert "Skills" in sections
    assert not sections & {"Education", "Work experience", "Service"}
    assert "created   cv entry     Reviewer, Journal of Hydraulic Engineering" in out

    page = Client().get(f"/people/{marit.slug}/cv/", HTTP_HOST="estuary.localhost")
    assert page.status_code == 200
    html = page.content.decode()
    positions = [
        html.index(text) for text in ("Ph.D. in Civil Engineering", "M.Sc. in Applied Mathematics")
    ]
    assert positions == sorted(positions)
    for text in ("Norwegian Institute for Water Research", "Estuary Modelling Workshop"):
        assert text in html


def test_cv_reimport_is_idempotent_and_keeps_an_admin_edit(db):
    assert_idempotent(str(FIXTURES / "cv_site"), "--lab", "estuary")
    entry = CVEntry.objects.get(title="Visiting Researcher")
    entry.detail = "Hosted by the ocean physics group"
    entry.save()
    out = run(str(FIXTURES / "cv_site"), "--lab", "estuary")
    entry.refresh_from_db()
    assert entry.detail == "Hosted by the ocean physics group"
    assert "Total: 0 created, 0 updated," in out
    assert CVEntry.objects.count() == 6


def test_al_folio_resume_json_in_a_site_becomes_cv_entries(db):
    out = run(str(FIXTURES / "resume_site"), "--lab", "sparse")
    tomasz = Person.objects.get(name="Tomasz Quillfeldt")
    assert [
        (e.kind, e.title, e.organization, e.start_year, e.end_year)
        for e in tomasz.cv_entries.order_by("order")
    ] == [  # fmt: skip
        ("education", "PhD in Computer Science", "ETH Zurich", 2022, None),
        ("education", "MSc in Computer Science", "Warsaw University of Technology", 2019, 2021),
        ("experience", "Research Assistant", "Sparse Systems Lab", 2022, None),
        ("experience", "Compiler Intern", "Kernelworks GmbH", 2021, 2021),
        ("service", "Member", "PLDI Artifact Evaluation Committee", 2023, 2023),
    ]
    assert "/assets/json/resume.json: 5 created, 0 updated, 0 unchanged" in out
    html = Client().get(f"/people/{tomasz.slug}/cv/", HTTP_HOST="sparse.localhost")
    assert html.status_code == 200
    text = html.content.decode()
    assert text.index("PhD in Computer Science") < text.index("MSc in Computer Science")
    assert "Kernelworks GmbH" in text and "PLDI Artifact Evaluation Committee" in text
    assert_idempotent(str(FIXTURES / "resume_site"), "--lab", "sparse")


def test_a_json_resume_given_alone_is_read_not_refused(db):
    path = FIXTURES / "resume_site" / "assets" / "json" / "resume.json"
    assert best_reader(path).name == "JSON Resume file"
    run(str(path), "--lab", "sparse")
    tomasz = Person.objects.get(name="Tomasz Quillfeldt")
    assert tomasz.email == "tomasz@example.org"
    assert tomasz.cv_entries.count() == 5
    assert_idempotent(str(path), "--lab", "sparse")


def test_someone_elses_resume_and_a_second_cv_source_are_reported_not_imported(db, tmp_path):
    site = tmp_path / "ines"
    (site / "assets/json").mkdir(parents=True)
    (site / "_data").mkdir()
    (site / "_config.yml").write_text("author:\n  name: Ines Halvorsen\n")
    (site / "_pages").mkdir()
    (site / "_pages/about.md").write_text("---\npermalink: /\ntitle: About\n---\n\nHello.\n")
    resume = {"basics": {"name": "Someone Famous"}, "work": [{"name": "Patent Office"}]}
    (site / "assets/json/resume.json").write_text(json.dumps(resume))
    (site / "_data/cv.yml").write_text(
        "- title: Education\n  type: time_table\n  contents:\n"
        "    - title: PhD in Geology\n      institution: University of Tromsø\n"
        "      year: 2015 - 2019\n"
    )
    (site / "_data/resume.json").write_text(
        json.dumps({"basics": {"name": "Ines Halvorsen"}, "education": [{"institution": "UiT"}]})
    )
    out = run(str(site), "--lab", "geo")
    ines = Person.objects.get(name="Ines Halvorsen")
    # _data/resume.json is preferred to _data/cv.yml; the famous resume is not hers.
    assert [e.title for e in ines.cv_entries.all()] == ["UiT"]
    assert "the resume of 'Someone Famous'" in out
    assert "_data/cv.yml: 1 CV entries not imported; the CV is read from _data/resume.json" in out


def test_an_untouched_sample_cv_section_is_one_warning_and_no_entries(tmp_path):
    site = tmp_path / "kit"
    (site / "_pages").mkdir(parents=True)
    (site / "_config.yml").write_text("author:\n  name: Kit Aranda\n")
    (site / "_pages/cv.md").write_text(
        "---\ntitle: CV\npermalink: /cv/\n---\n\nEducation\n======\n"
        "* Ph.D in Version Control Theory, GitHub University, 2018\n"
        "* B.S. in GitHub, GitHub University, 2012\n\n"
        "Experience\n======\n* 2020–2022: Lecturer\n  * Universidad de Chile\n"
    )
    page = next(p for p in collect(site).pages if p.source.path == "_pages/cv.md")
    assert [(e.kind, e.title, e.organization) for e in page.cv_entries] == [
        ("experience", "Lecturer", "Universidad de Chile")
    ]
    assert page.warnings == [
        "_pages/cv.md:6: section 'Education' is the theme's sample text; not imported"
    ]
    assert page.sections == []


def test_a_resume_json_symlinked_out_of_the_site_is_refused_unread(tmp_path):
    outside = tmp_path / "secret.json"
    outside.write_text(json.dumps({"basics": {"name": "Kit Aranda"}, "work": [{"name": "X"}]}))
    site = tmp_path / "kit"
    (site / "assets/json").mkdir(parents=True)
    (site / "_config.yml").write_text("author:\n  name: Kit Aranda\n")
    (site / "index.md").write_text("---\ntitle: Kit Aranda\n---\n\nHello.\n")
    (site / "assets/json/resume.json").symlink_to(outside)
    record = collect(site)
    assert not any(page.cv_entries for page in record.pages)
    warnings = [w for page in record.pages for w in page.warnings]
    assert any(w.startswith("assets/json/resume.json: refused: a symlink") for w in warnings)
    assert not any("secret" in w for w in [*warnings, *record.errors])


def test_broken_cv_data_files_are_one_error_line_each_and_the_rest_is_read(tmp_path):
    site = tmp_path / "kit"
    (site / "assets/json").mkdir(parents=True)
    (site / "_data").mkdir()
    (site / "_config.yml").write_text("author:\n  name: Kit Aranda\n")
    (site / "index.md").write_text("---\ntitle: Kit Aranda\n---\n\nHello.\n")
    (site / "assets/json/resume.json").write_text('{"basics": {"name": "Kit Aranda"},')
    (site / "_data/cv.yml").write_text("- title: Education\n  contents: [\n")
    record = collect(site)
    assert [e.split(":")[0] for e in record.errors] == ["assets/json/resume.json", "_data/cv.yml"]
    assert "broken JSON" in record.errors[0] and "broken YAML" in record.errors[1]
    assert [page.source.path for page in record.pages] == ["index.md"]


def test_a_dry_run_reports_the_cv_entries_and_writes_none(db):
    out = run(str(FIXTURES / "cv_site"), "--lab", "estuary", "--dry-run", "-v", "2")
    assert out.count("created   cv entry") == 6
    assert not CVEntry.objects.exists()


def test_a_loose_cv_page_given_alone_is_read_the_same_way(db):
    run(
        str(FIXTURES / "cv_site" / "_pages" / "cv.md"),
        "--lab",
        "estuary",
        "--person",
        "Marit Oyelaran",
    )
    marit = Person.objects.get(name="Marit Oyelaran")
    assert [e.title for e in marit.cv_entries.all()][:2] == [
        "Ph.D. in Civil Engineering",
        "M.Sc. in Applied Mathematics",
    ]
    assert marit.cv_entries.count() == 6
