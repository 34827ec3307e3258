"""The example labs in examples/: they import cleanly, and ``setup_demo`` does it once."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from labsite.management.commands.setup_demo import import_examples
from labsite.setup import ensure_default_lab
from people.models import Lab, Membership, NewsItem, Person, Role
from publications.models import Authorship, Publication
from research.models import Figure, Project
from tests.importing.conftest import REPO, row_counts


def test_examples_import_the_lab_roster_and_shared_papers(db):
    lab, _ = ensure_default_lab()

    lines = import_examples(lab)

    assert lines[0].startswith("Imported the example lab 'Lumen Lab' from lumen-lab/ (7 member")
    assert not [line for line in lines if "problem" in line]
    lab.refresh_from_db()
    assert (lab.name, lab.site.domain) == ("Lumen Lab", "127.0.0.1")
    roles = sorted(Membership.objects.filter(lab=lab).values_list("person__slug", "role"))
    assert roles == [
        ("ana-kowalski", Role.PHD),
        ("diego-alvarez", Role.PHD),  # his page has no title: the highlighted author tells
        ("helena-marsh", Role.PI),
        ("jonas-lindqvist", Role.PHD),
        ("mei-chen", Role.PHD),
        ("priya-raman", Role.PHD),
        ("tomas-okafor", Role.POSTDOC),
    ]
    assert [m.person.slug for m in Membership.objects.filter(lab=lab).alumni()] == ["ana-kowalski"]
    # One paper, listed on four members' sites in three genres, is one row with four members.
    paper = Publication.objects.get(title__startswith="Calibrated Aggregation")
    assert list(paper.authorships.values_list("person__slug", flat=True)) == [
        "priya-raman",
        "jonas-lindqvist",
        "tomas-okafor",
        "helena-marsh",
    ]
    assert Authorship.objects.get(publication=paper, person__slug="tomas-okafor").selected
    helena = Person.objects.get(slug="helena-marsh")
    assert (helena.avatar_width, helena.avatar_height) == (160, 160)  # stored with its size
    # "Tomas Okafor" (no accent) on Ana's page is the same person as "Tomás Okafor".
    assert Person.objects.filter(name__startswith="Tom").count() == 1


def test_examples_projects_have_collaborators_and_stored_figures(db):
    lab, _ = ensure_default_lab()
    import_examples(lab)

    projects = {p.title: p for p in Project.objects.for_lab(lab)}
    assert sorted(projects) == [
        "Calibrated Federated Learning",
        "Robust Perception Under Shift",
        "Shift Detection for Medical Imaging",
    ]
    calibrated = projects["Calibrated Federated Learning"]
    assert [c.person.slug for c in calibrated.collaborators.all()] == [
        "jonas-lindqvist",
        "tomas-okafor",
        "helena-marsh",
    ]
    assert "## Our approach" in calibrated.body  # the "Read More" post is the write-up
    figure = calibrated.figures.get()
    assert (figure.width, figure.height, figure.display_width) == (640, 300, 500)
    # One figure file is missing on purpose: recorded, with a warning, never a crash.
    assert list(
        Figure.objects.exclude(missing_source="").values_list("missing_source", flat=True)
    ) == ["assets/fig/shift-detection.png"]


def test_examples_second_lab_shares_a_paper(db):
    lab, _ = ensure_default_lab()
    import_examples(lab)

    harbor = Lab.objects.get(slug="harbor")
    assert harbor.site.domain == "harbor.localhost"
    assert sorted(harbor.memberships.values_list("person__slug", "role")) == [
        ("lina-haddad", Role.PHD),
        ("rafael-duarte", Role.PI),
    ]
    shared = Publication.objects.get(title__startswith="Noisy Labels from Drifting")
    assert set(Publication.objects.for_lab(harbor)) >= {shared}
    assert shared in Publication.objects.for_lab(lab)  # Priya is a co-author
    assert NewsItem.objects.for_lab(harbor).count() == 3


def test_setup_demo_imports_examples_on_first_run_only(db):
    out = StringIO()
    call_command("setup_demo", stdout=out)
    assert "Imported the example lab 'Lumen Lab'" in out.getvalue()
    assert "Login: admin / " in out.getvalue()
    before = row_counts()

    again = StringIO()
    call_command("setup_demo", stdout=again)

    assert "Imported the example" not in again.getvalue()
    assert row_counts() == before


def test_example_figures_are_small_and_made_by_the_script():
    pngs = sorted((REPO / "examples").rglob("*.png"))
    assert len(pngs) == 7
    assert all(png.stat().st_size < 20_000 for png in pngs)
    script = (REPO / "examples" / "make_figures.py").read_text(encoding="utf-8")
    assert all(str(png.relative_to(REPO / "examples")) in script for png in pngs)


def test_import_pages_reads_many_sites_in_worker_processes(db):
    """Seven member folders: read by worker processes (spawned: the test holds a connection)."""
    folders = sorted(p for p in (REPO / "examples" / "lumen-lab").iterdir() if p.is_dir())
    assert len(folders) >= 6  # enough for labsite.importing.pool to use workers
    out = StringIO()

    call_command(
        "import_pages", *map(str, folders), "--lab", "lumen", stdout=out, stderr=StringIO()
    )

    assert Membership.objects.filter(lab__slug="lumen").count() == 7
    assert out.getvalue().splitlines()[-1].endswith(", 0 errors")


def test_example_pages_render(db, client):
    """The imported example lab is served: member page, project with a missing figure, lists."""
    lab, _ = ensure_default_lab()
    import_examples(lab)
    pages = {
        "/": "Lumen Lab",
        "/people/": "Helena Marsh",
        "/people/priya-raman/": "Calibrated Federated Learning",
        "/research/shift-detection-for-medical-imaging/": "Shift Detection for Medical Imaging",
        "/publications/": "Calibrated Aggregation for Federated Learning under Label Shift",
    }
    for path, text in pages.items():
        response = client.get(path, HTTP_HOST="127.0.0.1")
        assert (path, response.status_code) == (path, 200)
        assert text in response.content.decode()
    harbor = client.get("/people/rafael-duarte/", HTTP_HOST="harbor.localhost")
    assert "Learning from Drifting Sensors" in harbor.content.decode()
