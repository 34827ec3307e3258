"""The loader on records built by hand: what it writes, and that it writes it once."""

from __future__ import annotations

import datetime
from pathlib import Path
from unittest import mock

from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from labsite.importing.load import load_site, load_sites
from labsite.importing.records import (
    AuthorRecord,
    HonorRecord,
    LinkRecord,
    NewsRecord,
    PageRecord,
    ProfileRecord,
    PublicationRecord,
    SiteRecord,
    SourceRef,
)
from labsite.importing.report import render_report
from labsite.markdown import render_inline, render_markdown
from labsite.models import Redirect
from people.models import Membership, NewsItem, Person, ProfileSection, Role
from publications.models import Authorship, Publication
from research.models import Figure, Project
from tests.importing.conftest import lena_site, pub, row_counts


def _load(site, lab, **kwargs):
    options = {"owner": None, "dry_run": False, "verbosity": 1} | kwargs
    return load_site(site, lab=lab, **options)


def test_load_writes_owner_sections_publications_news_projects(lab, site_root):
    report = _load(lena_site(site_root), lab)

    assert report.errors == []
    lena = Person.objects.get()
    assert (lena.name, lena.slug, lena.github) == (
        "Lena Varkonyi",
        "lena-varkonyi",
        "https://github.com/LenaVarkN",
    )
    assert list(Membership.objects.values_list("person__name", "lab__slug", "role")) == [
        ("Lena Varkonyi", "nexus", Role.PHD)
    ]
    assert list(ProfileSection.objects.order_by("order").values_list("title", "kind")) == [
        ("About", "prose"),
        ("Publications", "publications"),
        ("News", "news"),
        ("Research", "projects"),
    ]
    quadra = Publication.objects.get(title__startswith="QuADRA")
    assert quadra.award == "Best Paper Award"
    assert list(quadra.authorships.values_list("name", "equal_contribution", "person__name")) == [
        ("Lena Varkonyi", True, "Lena Varkonyi"),
        ("Karim Nabil Sherbiny", True, None),
        ("Tobias Ellerbrook", False, None),
    ]
    # Two papers sharing one arXiv link stay two.
    assert Publication.objects.filter(arxiv_id="2208.05678").count() == 2
    first = Publication.objects.get(arxiv_id="2311.01234")
    assert list(first.links.values_list("kind", "url")) == [
        ("paper", "https://arxiv.org/abs/2311.01234"),
        ("code", "https://github.com/x/ldcl"),
    ]
    assert Authorship.objects.get(publication=first, person=lena).selected is True
    assert list(NewsItem.objects.values_list("date", "date_precision")) == [
        (datetime.date(2023, 9, 1), "month"),
        (datetime.date(2023, 6, 1), "month"),
    ]
    project = Project.objects.get()
    assert (project.lab, project.owner, project.slug) == (lab, lena, "federated-continual-learning")
    assert list(project.collaborators.values_list("name", "url")) == [
        ("Tamas Rethy", ""),
        ("Tobias Ellerbrook", "https://www.ellerbrook.org/"),
    ]
    stored, missing = Figure.objects.order_by("order")
    assert (stored.width, stored.height, stored.alt_text, stored.missing_source) == (
        40,
        30,
        "LDCL overview",
        "",
    )
    assert (bool(missing.image), missing.missing_source) == (False, "images/missing.png")
    assert report.pages[1].warnings == [
        "_pages/about.md:40: figure of 'Federated Continual Learning': image 'images/missing.png' "
        "not found in the site folder"
    ]
    # "/" is the lab home: never redirected. The old about paths go to Lena's page.
    assert sorted(Redirect.objects.values_list("old_path", "new_path")) == [
        ("/about.html", "/people/lena-varkonyi/"),
        ("/about/", "/people/lena-varkonyi/"),
    ]
    assert all(
        row.source_file == "lena.github.io/_pages/about.md" for row in Publication.objects.all()
    )


def test_load_twice_changes_nothing(lab, site_root):
    _load(lena_site(site_root), lab)
    before = row_counts()

    report = _load(lena_site(site_root), lab)

    assert row_counts() == before
    totals = report.totals()
    assert (totals["created"], totals["updated"], totals["conflicts"]) == (0, 0, 0)
    assert totals["unchanged"] > 15


def test_dry_run_writes_nothing_and_reports_the_same(lab, site_root, settings):
    before = row_counts()

    dry = _load(lena_site(site_root), lab, dry_run=True)

    assert row_counts() == before
    assert list(Path(settings.MEDIA_ROOT).rglob("*.png")) == []  # no image stored either
    real = _load(lena_site(site_root), lab)
    assert dry.totals() == real.totals()
    assert render_report([dry])[-1].startswith("Dry run, nothing written.")


def test_admin_edit_is_kept_and_reported_as_conflict(lab, site_root):
    _load(lena_site(site_root), lab)
    quadra = Publication.objects.get(title__startswith="QuADRA")
    quadra.venue = "Edited in the admin"
    quadra.save()
    lena = Person.objects.get()
    lena.affiliation = "Harrowgate Engineering"
    lena.save()

    site = lena_site(site_root)
    site.pages[0].publications[3].venue = "DL@Edge-NeurIPS 2023"  # the source changed too
    report = _load(site, lab)

    quadra.refresh_from_db()
    lena.refresh_from_db()
    assert (quadra.venue, lena.affiliation) == ("Edited in the admin", "Harrowgate Engineering")
    conflicts = [c for page in report.pages for c in page.conflicts]
    assert conflicts == [
        "person 'Lena Varkonyi': affiliation was edited after the last import; kept "
        "'Harrowgate Engineering' (the source now says 'Harrowgate University')",
        "publication 'QuADRA: Decentralized Low-Memory Adaptation of Speech Models': venue "
        "was edited after the last import; kept 'Edited in the admin' (the source now says "
        "'DL@Edge-NeurIPS 2023')",
    ]


def test_source_change_updates_an_unedited_field(lab, site_root):
    _load(lena_site(site_root), lab)
    site = lena_site(site_root)
    site.pages[0].publications[3].venue = "DL@Edge-NeurIPS 2023"

    report = _load(site, lab)

    assert Publication.objects.get(title__startswith="QuADRA").venue == "DL@Edge-NeurIPS 2023"
    assert report.totals()["updated"] == 1


def test_a_failing_page_rolls_back_alone(lab, site_root):
    site = lena_site(site_root)
    bad = PageRecord(
        source=SourceRef("_pages/news.md", 7),
        news=[
            NewsRecord(datetime.date(2024, 1, 1), "Fine."),
            NewsRecord("not a date", "Broken."),  # type: ignore[arg-type]
        ],
    )
    site.pages.insert(0, bad)

    report = _load(site, lab)

    [error] = report.errors
    assert error.startswith("lena.github.io/_pages/news.md:7: ")
    assert "\n" not in error
    assert not NewsItem.objects.filter(text="Fine.").exists()  # rolled back with its page
    assert Publication.objects.count() == 4  # the other page imported


def test_owner_from_person_option_and_highlighted_author(lab, site_root):
    site = lena_site(site_root)
    site.profile = ProfileRecord()
    site.pages[0].owner_names = []
    report = _load(site, lab)
    assert report.owner == "Lena Varkonyi"  # the highlighted author throughout

    other = SiteRecord(root=site_root, pages=[PageRecord(source=SourceRef("x.md"), title="")])
    report = _load(other, lab)
    assert report.errors == [
        f"{site_root / 'x.md'}: cannot tell whose page this is (no title, no _config.yml "
        'author, no highlighted author); name the owner with --person "First Last" or '
        "--person SLUG"
    ]
    report = _load(other, lab, owner="Jin Tao")
    assert (report.owner, Person.objects.filter(name="Jin Tao").count()) == ("Jin Tao", 1)
    assert _load(other, lab, owner="jin-tao").owner == "Jin Tao"
    assert _load(other, lab, owner="nobody-here").errors == [
        f"{site_root / 'x.md'}: no person with the slug 'nobody-here'; give the full name "
        '(--person "First Last") to create them'
    ]


def _tamas_site(root) -> SiteRecord:
    page = PageRecord(
        source=SourceRef("_pages/about.md"),
        owner_names=["Tamas Rethy"],
        permalink="/about/",
        publications=[
            pub(
                "A label-free method to curb drift",
                "L. Varkonyi",
                "Tamás Réthy",
                "Wenlan He",
                "Kaveh Karimzadehi",
                "Tobias Ellerbrook",
                owner="Tamás Réthy",
                doi="10.5555/ldcl.2023",
                links=[LinkRecordFactory("pdf", "https://example.org/ldcl.pdf")],
            ),
        ],
    )
    return SiteRecord(
        root=root, profile=ProfileRecord(name="Tamas Rethy", position="Postdoc"), pages=[page]
    )


def LinkRecordFactory(kind, url):  # noqa: N802 - reads like the record it builds
    from labsite.importing.records import LinkRecord

    return LinkRecord(kind, url)


def test_two_members_share_one_paper_and_one_person_each(lab, site_root, tmp_path):
    zroot = tmp_path / "tamas"
    zroot.mkdir()
    reports = load_sites(
        [lena_site(site_root), _tamas_site(zroot)], lab=lab, owner=None, dry_run=False, verbosity=1
    )

    paper = Publication.objects.get(title__startswith="A Label-Free")  # one row, Lena's spelling
    assert paper.doi == "10.5555/ldcl.2023"  # filled in from Tamas's page
    assert list(paper.authorships.values_list("name", "person__name")) == [
        ("Lena Varkonyi", "Lena Varkonyi"),
        ("Tamas Rethy", "Tamas Rethy"),
        ("Wenlan He", None),
        ("Kaveh Karimzadeh", None),
        ("Tobias Ellerbrook", None),
    ]
    assert sorted(paper.links.values_list("kind", flat=True)) == ["code", "paper", "pdf"]
    # Lena's project collaborator "Tamas Rethy" is linked once his own page arrives.
    assert Project.objects.get().collaborators.filter(person__name="Tamas Rethy").count() == 1
    assert Membership.objects.get(person__name="Tamas Rethy").role == Role.POSTDOC
    assert reports[1].pages[1].warnings == [
        "_pages/about.md:1: /about/ already redirects to /people/lena-varkonyi/; not changed"
    ]
    before = row_counts()
    again = load_sites(
        [lena_site(site_root), _tamas_site(zroot)], lab=lab, owner=None, dry_run=False, verbosity=1
    )
    assert row_counts() == before
    assert sum(r.totals()["created"] + r.totals()["updated"] for r in again) == 0


def test_uncertain_coauthor_match_is_linked_with_a_warning(lab, site_root):
    kaveh = Person.objects.create(name="Kaveh Karimzadehi")
    Membership.objects.create(person=kaveh, lab=lab, role=Role.PI)

    report = _load(lena_site(site_root), lab)

    row = Authorship.objects.get(name="Kaveh Karimzadeh")
    assert row.person.name == "Kaveh Karimzadehi"
    assert report.pages[1].warnings[0] == (
        "_pages/about.md:1: 'Kaveh Karimzadeh' linked to 'Kaveh Karimzadehi' "
        "(surname spelled 'karimzadeh' here, 'karimzadehi' there); check it"
    )


def test_weak_match_outside_the_lab_is_not_linked(lab, site_root):
    """A spelling or an initial is not enough to tie a co-author to another lab's person."""
    Person.objects.create(name="Kaveh Karimzadehi")  # nobody's member here
    Person.objects.create(name="Wenlan Heath")

    _load(lena_site(site_root), lab)

    assert Authorship.objects.get(name="Kaveh Karimzadeh").person is None


def test_owner_is_linked_even_when_printed_with_initials(lab, site_root):
    site = lena_site(site_root)
    site.pages[0].publications[1].authors[0] = AuthorRecord("L. Varkonyi")
    _load(site, lab)
    row = Authorship.objects.get(publication__title__startswith="Rethinking", position=0)
    assert (row.name, row.person.name) == ("L. Varkonyi", "Lena Varkonyi")


def _slow_markdown(text: str) -> str:
    """What the renderer itself gives, without the plain-text shortcut."""
    with mock.patch("labsite.markdown.is_plain", return_value=False):
        return render_markdown(text)


def _slow_inline(text: str) -> str:
    with mock.patch("labsite.markdown.is_plain", return_value=False):
        return render_inline(text)


@given(st.from_regex(r"[A-Za-z0-9][A-Za-z0-9 ,.:;!?()/+=%-]{0,60}", fullmatch=True))
@hypothesis_settings(max_examples=300, deadline=None)
def test_plain_text_fast_path_renders_like_markdown(text):
    assert render_markdown(text) == _slow_markdown(text)
    assert render_inline(text) == _slow_inline(text)


def test_fast_path_examples():
    for text in ["Calibrated Aggregation: A Study (Part 2)", "1. Not a list?", "A -- B", "Wait..."]:
        assert render_markdown(text) == _slow_markdown(text)
        assert render_inline(text) == _slow_inline(text)


_text = st.text(min_size=0, max_size=300)


@given(
    title=st.text(min_size=1, max_size=700),
    names=st.lists(st.text(min_size=1, max_size=250), max_size=6),
    venue=_text,
    news=_text,
    honor=st.text(min_size=1, max_size=600),
    year=st.one_of(st.none(), st.integers(min_value=-5, max_value=99999)),
)
@hypothesis_settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_arbitrary_text_loads_without_error(lab, tmp_path, title, names, venue, news, honor, year):
    """Whatever text the pure steps hand over (too long, NULs, odd years), no page fails."""
    page = PageRecord(
        source=SourceRef("_pages/about.md"),
        owner_names=["Ada Lovelace"],
        publications=[
            PublicationRecord(
                title=title,
                authors=[AuthorRecord(name) for name in names] + [AuthorRecord("Ada Lovelace")],
                venue=venue,
                year=year,
                links=[LinkRecord("paper", "https://example.org/" + venue[:40])],
            )
        ],
        news=[NewsRecord(datetime.date(2024, 1, 1), news)],
        honors=[HonorRecord(honor, year=year)],
        permalink=venue[:100],
    )
    site = SiteRecord(root=tmp_path, pages=[page])

    report = _load(site, lab)

    assert report.errors == []


def test_edited_author_list_is_kept_and_reported(lab, site_root):
    _load(lena_site(site_root), lab)
    row = Authorship.objects.get(name="Ritam Basuray", publication__title__startswith="Rethinking")
    row.name = "Ritam Basuray (Northwind)"
    row.save()
    site = lena_site(site_root)
    site.pages[0].publications[1].authors.append(AuthorRecord("New Author"))

    report = _load(site, lab)

    names = Authorship.objects.filter(publication__title__startswith="Rethinking")
    assert "Ritam Basuray (Northwind)" in names.values_list("name", flat=True)
    assert report.pages[1].conflicts == [
        "publication 'Rethinking Pruning Schedules in Split Learning': the author list was "
        "edited after the last import; kept"
    ]


def test_figure_found_later_is_attached(lab, site_root):
    _load(lena_site(site_root), lab)
    from PIL import Image

    Image.new("RGB", (20, 10), "red").save(site_root / "images" / "missing.png")
    site = lena_site(site_root)
    site.pages[0].projects[0].figures[1].path = site_root / "images" / "missing.png"

    report = _load(site, lab)

    figure = Figure.objects.get(source_key="images/missing.png")
    assert (figure.missing_source, figure.width, figure.height) == ("", 20, 10)
    assert report.totals()["updated"] == 2  # the figure, and its project
