"""Every page of DESIGN.md's URL map answers on a lab's host with that lab's content, and
what belongs to another lab is a 404 there (with data present that could leak)."""

from __future__ import annotations

import datetime

import pytest

from people.models import SectionKind
from tests import factories as f
from tests.public.conftest import B

pytestmark = pytest.mark.django_db


def test_lab_home_lists_the_labs_news_projects_and_papers_only(get, alice, bob, carol):
    alice.project.is_featured = True
    alice.project.save()
    carol.project.is_featured = True
    carol.project.save()
    response = get("/")
    assert response.status_code == 200
    assert response.context["lab"].slug == "lab-a"
    assert sorted(n.text for n in response.context["news"]) == [
        "Alice Anders news",
        "Bob Brown news",
    ]
    assert [p.title for p in response.context["projects"]] == ["Alice Anders's project"]
    assert sorted(p.title for p in response.context["publications"]) == [
        "Alice Anders's paper",
        "Bob Brown's paper",
    ]


def test_people_page_groups_by_role_with_alumni_last(get, alice, bob, carol, lab_a):
    pi = f.PersonFactory(name="Paula Investigator")
    f.MembershipFactory(person=pi, lab=lab_a, role="pi")
    gone = f.PersonFactory(name="Gina Gone")
    f.MembershipFactory(
        person=gone,
        lab=lab_a,
        role="postdoc",
        start=datetime.date(2019, 1, 1),
        end=datetime.date(2021, 1, 1),
        next_position="Professor at Elsewhere",
    )
    response = get("/people/")
    groups = [(label, [m.person.name for m in rows]) for label, rows in response.context["groups"]]
    assert groups == [
        ("Principal investigator", ["Paula Investigator"]),
        ("PhD students", ["Alice Anders", "Bob Brown"]),
        ("Former member", ["Gina Gone"]),
    ]
    assert b"Professor at Elsewhere" in response.content
    assert b"Carol Chen" not in response.content


def test_member_homepage_sections_in_source_order_with_their_rows(get, alice, bob):
    person = alice.person
    f.ProfileSectionFactory(person=person, kind=SectionKind.NEWS, title="News", order=5)
    f.ProfileSectionFactory(person=person, kind=SectionKind.HONORS, title="Awards", order=3)
    f.ProfileSectionFactory(
        person=person, kind=SectionKind.TALKS, title="Talks", order=4, is_visible=False
    )
    response = get("/people/alice-anders/")
    assert response.status_code == 200
    sections = [(s.title, s.kind, [str(r) for r in s.rows]) for s in response.context["sections"]]
    # The stored sections in their order, then the kinds with content and no stored section
    # (talks has one, hidden: the member's choice), in the default order.
    assert sections == [
        ("About Alice Anders", "prose", []),
        ("Awards", "honors", ["Alice Anders award (2023)"]),
        ("News", "news", [str(alice.news)]),
        ("Publications", "publications", ["Alice Anders's paper (2024)"]),
        ("Research", "projects", ["Alice Anders's project"]),
        ("Teaching", "teaching", ["Alice Anders course"]),
    ]
    assert [m.role for m in response.context["memberships"]] == ["phd"]


def test_member_homepage_selected_papers_else_recent_ones(get, alice):
    person = alice.person
    papers = []
    for year in (2019, 2021, 2020):
        paper = f.PublicationFactory(title=f"Paper {year}", year=year)
        f.AuthorshipFactory(publication=paper, person=person, position=0)
        papers.append(paper)
    response = get("/people/alice-anders/")
    assert [p.title for p in response.context["selected_publications"]] == [
        "Alice Anders's paper",
        "Paper 2021",
        "Paper 2020",
        "Paper 2019",
    ]
    assert response.context["showing_selected"] is False

    authorship = papers[0].authorships.get(person=person)
    authorship.selected = True
    authorship.save()
    response = get("/people/alice-anders/")
    assert [p.title for p in response.context["selected_publications"]] == ["Paper 2019"]
    assert response.context["showing_selected"] is True


def test_member_homepage_hides_hidden_papers(get, alice):
    authorship = alice.publication.authorships.get(person=alice.person)
    authorship.hidden = authorship.selected = True
    authorship.save()
    response = get("/people/alice-anders/")
    assert response.context["selected_publications"] == []


def test_member_email_is_not_in_the_html(get, alice):
    alice.person.email = "alice@uni.example.edu"
    alice.person.save()
    response = get("/people/alice-anders/")
    assert b"alice@uni.example.edu" not in response.content
    assert b"mailto:" not in response.content


def test_member_publications_page_by_year(get, alice):
    old = f.PublicationFactory(title="Old paper", year=2019)
    f.AuthorshipFactory(publication=old, person=alice.person, position=0)
    undated = f.PublicationFactory(title="Undated paper", year=None)
    f.AuthorshipFactory(publication=undated, person=alice.person, position=0)
    response = get("/people/alice-anders/publications/")
    by_year = [(y, [p.title for p in rows]) for y, rows in response.context["publications_by_year"]]
    assert by_year == [
        (2024, ["Alice Anders's paper"]),
        (2019, ["Old paper"]),
        (None, ["Undated paper"]),
    ]


def test_research_pages(get, alice, bob, carol):
    f.CollaboratorFactory(project=alice.project, person=bob.person, name="Bob Brown")
    f.CollaboratorFactory(
        project=alice.project, person=None, name="Olga Outside", url="https://olga.example.org/"
    )
    f.FigureFactory(project=alice.project, alt_text="The pipeline", caption="Figure one")
    alice.project.publications.add(alice.publication)
    response = get("/research/")
    assert sorted(p.title for p in response.context["projects"]) == [
        "Alice Anders's project",
        "Bob Brown's project",
    ]
    response = get(f"/research/{alice.project.slug}/")
    assert response.status_code == 200
    assert [c.name for c in response.context["project"].collaborators.all()] == [
        "Bob Brown",
        "Olga Outside",
    ]
    assert [p.title for p in response.context["publications"]] == ["Alice Anders's paper"]
    assert b"https://olga.example.org/" in response.content


def test_unpublished_project_is_a_404(get, alice):
    alice.project.is_published = False
    alice.project.save()
    assert get(f"/research/{alice.project.slug}/").status_code == 404


def test_news_page_lists_lab_and_member_news_newest_first(get, alice, bob, carol, lab_a):
    f.NewsItemFactory(person=None, lab=lab_a, text="Lab news", date=datetime.date(2030, 1, 1))
    response = get("/news/")
    assert [n.text for n in response.context["news"]][:1] == ["Lab news"]
    assert sorted(n.text for n in response.context["news"]) == [
        "Alice Anders news",
        "Bob Brown news",
        "Lab news",
    ]


@pytest.mark.parametrize(
    "path",
    [
        "/people/carol-chen/",
        "/people/carol-chen/publications/",
        "/people/carol-chen/publications.bib",
        "/people/carol-chen/feed.xml",
        "/people/nobody/",
    ],
)
def test_other_labs_people_are_404(get, alice, carol, path):
    assert get(path).status_code == 404


def test_other_labs_publication_and_project_are_404(get, alice, carol):
    assert get(f"/publications/{carol.publication.pk}/").status_code == 404
    assert get(f"/research/{carol.project.slug}/").status_code == 404
    # …and they are there on their own lab's host.
    assert get(f"/publications/{carol.publication.pk}/", host=B).status_code == 200
    assert get(f"/research/{carol.project.slug}/", host=B).status_code == 200
    assert get("/people/carol-chen/", host=B).status_code == 200


def test_shared_paper_shows_on_both_labs(get, alice, carol):
    f.AuthorshipFactory(publication=alice.publication, person=carol.person, position=5)
    assert get(f"/publications/{alice.publication.pk}/", host=B).status_code == 200


def test_healthz_and_unknown_host_falls_back_to_default_lab(get, alice, bob):
    assert get("/healthz").json() == {"status": "ok"}
    response = get("/people/alice-anders/", host="127.0.0.1")
    assert response.status_code == 200


def test_pages_reject_post(client, alice):
    assert client.post("/people/", HTTP_HOST="lab-a.localhost").status_code == 405


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/", "publications"),
        ("/people/alice-anders/", "selected_publications"),
        ("/people/alice-anders/publications/", "publications"),
        ("/publications/", "publications"),
    ],
)
def test_listed_publications_link_their_page_and_bibtex(get, alice, path, name):
    """A list entry carries no abstract or BibTeX: its title links the paper's page, and its
    BibTeX is the paper's own .bib URL (what the list's "BibTeX" toggle fetches)."""
    [paper] = [p for p in get(path).context[name] if p == alice.publication]
    assert f'<a href="/publications/{paper.pk}/">' in paper.entry_html
    assert "@inproceedings" not in get(path).content.decode()
    response = get(f"/publications/{paper.pk}.bib")
    assert response["Content-Type"] == "text/x-bibtex; charset=utf-8"
    assert response.content.decode().startswith("@inproceedings{anders2024alice,")


def test_project_page_papers_link_their_page(get, alice):
    alice.project.publications.add(alice.publication)
    [paper] = get(f"/research/{alice.project.slug}/").context["publications"]
    assert f'<a href="/publications/{paper.pk}/">' in paper.entry_html


def test_publication_bibtex_of_another_lab_is_404(get, alice, carol):
    assert get(f"/publications/{carol.publication.pk}.bib").status_code == 404
    assert (
        get(f"/publications/{carol.publication.pk}.bib", host="lab-b.localhost").status_code == 200
    )
