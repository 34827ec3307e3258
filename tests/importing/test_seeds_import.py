"""The three seed pages end to end: files → import_pages → database rows.

Seeds 000 (Sara Babakniya) and 001 (Yue Niu's research page, which names nobody: ``--person``)
are two members of one lab; seed 002 (Sanae Lotfi, an untitled page whose owner is the author
highlighted throughout) belongs to another. The files are read in place from ../shared/seeds.
"""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from labsite.models import Redirect
from people.models import Honor, Membership, NewsItem, Person, ProfileSection
from publications.models import Authorship, Publication
from research.models import Project
from tests.importing.conftest import SHARED, row_counts

SEEDS = sorted((SHARED / "seeds").glob("*.txt"))

pytestmark = pytest.mark.skipif(len(SEEDS) != 3, reason="../shared/seeds is not present")


def _import(*args: str) -> str:
    out = StringIO()
    call_command("import_pages", *args, stdout=out, stderr=StringIO(), verbosity=1)
    return out.getvalue()


@pytest.fixture
def seeded(db):
    _import(str(SEEDS[0]), "--lab", "vital", "--lab-name", "vITAL")
    _import(str(SEEDS[1]), "--lab", "vital", "--person", "Yue Niu")
    _import(str(SEEDS[2]), "--lab", "wilson")


def _authors(title_start: str) -> list[tuple[str, bool, str | None]]:
    rows = Authorship.objects.filter(publication__title__startswith=title_start).order_by(
        "position"
    )
    return [(a.name, a.equal_contribution, a.person.name if a.person else None) for a in rows]


def test_seed_people_and_memberships(seeded):
    assert sorted(Membership.objects.values_list("person__name", "lab__slug")) == [
        ("Sanae Lotfi", "wilson"),  # inferred from the highlighted author: the page has no title
        ("Sara Babakniya", "vital"),
        ("Yue Niu", "vital"),
    ]
    # Collaborators printed with a profile link are people without a membership (seed 001);
    # co-authors printed without one stay printed names: no stray people.
    assert sorted(Person.objects.filter(memberships=None).values_list("name", flat=True)) == [
        "Mahdi Soltanolkotabi",
        "Ramy E. Ali",
        "Salman Avestimehr",
        "Saurav Prakash",
        "Souvik Kundu",
        "Sunwoo Lee",
        "Zalan Fabian",
    ]


def test_seed_publications_with_authors_in_order(seeded):
    assert Publication.objects.filter(source_file__endswith=SEEDS[0].name).count() == 7
    assert _authors("A Data-Free Approach") == [
        ("Sara Babakniya", False, "Sara Babakniya"),
        # Seed 001, imported later, links these collaborators to their profiles: the rows
        # printed here are linked to them then (the misspelt surname, a lab paper's, too).
        ("Zalan Fabian", False, "Zalan Fabian"),
        ("Chaoyang He", False, None),
        ("Mahdi Soltanolkotab", False, "Mahdi Soltanolkotabi"),
        ("Salman Avestimehr", False, "Salman Avestimehr"),
    ]
    # Equal contribution, and the second member (imported later) linked to her co-authored paper.
    assert _authors("Revisiting Sparsity Hunting") == [
        ("Sara Babakniya", True, "Sara Babakniya"),
        ("Souvik Kundu", True, "Souvik Kundu"),
        ("Saurav Prakash", False, "Saurav Prakash"),
        ("Yue Niu", False, "Yue Niu"),
        ("Salman Avestimehr", False, "Salman Avestimehr"),
    ]
    # The two papers that share one arXiv link stay two.
    assert sorted(
        Publication.objects.filter(arxiv_id="2208.13092").values_list("year", flat=True)
    ) == [
        2022,
        2023,
    ]
    slora = Publication.objects.get(title__startswith="SLoRA")
    assert slora.award == "Best Paper Award"
    first = Publication.objects.get(title__startswith="A Data-Free Approach")
    assert list(first.links.values_list("kind", "url")) == [
        ("paper", "https://arxiv.org/abs/2311.07784"),
        ("code", "https://github.com/SaraBabakN/MFCL-NeurIPS23"),
    ]
    # Mojibake repaired: "Donâ€™t" was UTF-8 read as cp1252.
    assert Publication.objects.filter(title__startswith="Don’t Memorize").count() == 1


def test_seed_selected_publications_awards_and_notes(seeded):
    sanae = Person.objects.get(name="Sanae Lotfi")
    selected = Authorship.objects.filter(person=sanae, selected=True)
    assert selected.count() == Publication.objects.filter(authorships__person=sanae).count() == 7
    bayes = Publication.objects.get(title__startswith="Bayesian Model Selection")
    assert bayes.award.startswith("ICML Outstanding Paper Award")
    assert Publication.objects.get(title__startswith="Loss Surface Simplexes").note == (
        "Spotlight Presentation"
    )
    assert _authors("PAC-Bayes Compression Bounds")[:2] == [
        ("Sanae Lotfi", True, "Sanae Lotfi"),
        ("Marc Finzi", True, None),
    ]


def test_seed_honors_and_news(seeded):
    sara = Person.objects.get(name="Sara Babakniya")
    assert list(Honor.objects.filter(person=sara).values_list("title", "year"))[:2] == [
        ("Best Paper Award", 2023),
        ("Outstanding Poster Presentation", 2023),
    ]
    assert Honor.objects.filter(person=sara).count() == 7
    news = NewsItem.objects.filter(person__name="Sanae Lotfi").order_by("-date", "pk")
    assert news.count() == 8
    first = news.first()
    assert (first.date, first.date_precision) == (datetime.date(2024, 8, 1), "month")
    assert first.text.startswith("⭐")  # "‚≠ê" was UTF-8 read as MacRoman


def test_seed_projects_with_collaborators_and_figures(seeded):
    projects = Project.objects.filter(owner__name="Yue Niu").order_by("pk")
    assert [p.title for p in projects] == [
        "LLM Alignment with Model Editing",
        "Asymmetric Learning for Privacy-Preserving ML",
        "Federated Learning at the Resource-Constrained Edge",
        "High-Order Optimization on Large-Scale NN Training",
    ]
    asym = projects[1]
    assert list(asym.collaborators.values_list("name", "url")) == [
        ("Ramy E. Ali", "https://scholar.google.com/citations?user=FLJ86DwAAAAJ&hl=en"),
        ("Saurav Prakash", "https://sauravpr.com"),
        ("Salman Avestimehr", "https://scholar.google.com/citations?user=Qhe5ua0AAAAJ&hl=en"),
    ]
    # The seed folder holds no images: each figure is recorded with its missing source.
    figure = asym.figures.get()
    assert (figure.missing_source, figure.display_width, bool(figure.image)) == (
        "assets/fig/asymml/overview.png",
        700,
        False,
    )
    assert all(p.lab.slug == "vital" for p in projects)


def test_seed_sections_and_redirects(seeded):
    sara = Person.objects.get(name="Sara Babakniya")
    assert list(ProfileSection.objects.filter(person=sara).values_list("title", "kind")) == [
        ("About", "prose"),
        ("Experience", "prose"),
        ("Publications", "publications"),
        ("Honors and Awards", "honors"),
        ("Contact", "prose"),
    ]
    assert sorted(Redirect.objects.values_list("lab__slug", "old_path", "new_path")) == [
        ("vital", "/about.html", "/people/sara-babakniya/"),
        ("vital", "/about/", "/people/sara-babakniya/"),
        ("wilson", "/about.html", "/people/sanae-lotfi/"),
        ("wilson", "/about/", "/people/sanae-lotfi/"),
    ]


def test_seed_lists_keep_the_page_order(seeded):
    """Rows are created in page order (pk); the pages sort by year or date, then that order."""
    papers = Publication.objects.filter(source_file__endswith=SEEDS[0].name)
    in_page_order = sorted(papers.order_by("pk"), key=lambda p: -(p.year or 0))  # stable sort
    assert list(papers.newest_first()) == in_page_order
    assert len({p.year for p in in_page_order}) < len(in_page_order)  # some years hold several
    news = NewsItem.objects.filter(person__name="Sanae Lotfi")
    assert list(news) == sorted(news.order_by("pk"), key=lambda n: n.date, reverse=True)
    projects = Project.objects.filter(owner__name="Yue Niu")
    assert list(projects) == list(projects.order_by("pk"))
    assert [p.order for p in projects] == [0, 1, 2, 3]


def test_seed_indented_one_liner_is_text_not_code(seeded):
    """Seed 000 ends with a line pushed right with spaces: a paragraph, not a wide <pre>."""
    contact = ProfileSection.objects.get(person__name="Sara Babakniya", title="Contact")
    last = contact.body.splitlines()[-1]
    assert (last == last.strip(), "<pre>" in contact.body_html) == (True, False)
    assert contact.body_html.endswith(f"<p>{last}</p>")


def test_seed_reimport_changes_nothing(seeded):
    before = row_counts()
    out = _import(str(SEEDS[0]), "--lab", "vital")
    out += _import(str(SEEDS[1]), "--lab", "vital", "--person", "yue-niu")
    out += _import(str(SEEDS[2]), "--lab", "wilson")
    assert row_counts() == before
    totals = [line for line in out.splitlines() if line.startswith("Total:")]
    assert all(line.startswith("Total: 0 created, 0 updated,") for line in totals)


def test_seed_without_owner_needs_person(db):
    err = StringIO()
    with pytest.raises(CommandError) as excinfo:
        call_command("import_pages", str(SEEDS[1]), "--lab", "vital", stdout=StringIO(), stderr=err)
    assert "1 error" in str(excinfo.value)
    assert err.getvalue() == (
        f"error: {SEEDS[1]}: cannot tell whose page this is (no title, no _config.yml author, "
        'no highlighted author); name the owner with --person "First Last" or --person SLUG\n'
    )
    assert row_counts()["people.Person"] == 0


def test_seed_folder_gives_each_page_its_own_owner(db):
    """The seeds folder as one PATH: two pages name their owners, the third names nobody."""
    err = StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_pages", str(SEEDS[0].parent), "--lab", "vital", stdout=StringIO(), stderr=err
        )
    assert sorted(Person.objects.values_list("name", flat=True)) == [
        "Sanae Lotfi",
        "Sara Babakniya",
    ]
    assert err.getvalue().splitlines() == [
        f"error: {SEEDS[1]}: cannot tell whose page this is (no title, no _config.yml author, "
        'no highlighted author); name the owner with --person "First Last" or --person SLUG'
    ]
    assert Publication.objects.filter(authorships__person__name="Sanae Lotfi").count() == 7
