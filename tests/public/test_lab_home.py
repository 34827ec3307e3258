"""The lab home is the lab's page: about, featured research, people, news, posts, papers — and a
new lab with little of it shows what it has, without headings over nothing."""

from __future__ import annotations

import datetime

import pytest

from tests import factories as f

pytestmark = pytest.mark.django_db


def _headings(html: str) -> list[str]:
    import re

    return re.findall(r'<h2 id="h-[a-z]+"[^>]*>([^<]+)</h2>', html)


def test_a_new_lab_with_one_member_shows_only_what_it_has(get, lab_a):
    person = f.PersonFactory(name="Nia Newcomer")
    f.MembershipFactory(person=person, lab=lab_a, role="pi")
    response = get("/")
    html = response.content.decode()
    assert _headings(html) == ["People"]
    assert 'class="home-grid home-grid--single"' in html  # no empty side column
    assert "No news yet" not in html
    assert [m.person.name for m in response.context["people"]] == ["Nia Newcomer"]


def test_the_lab_home_shows_about_people_by_role_news_posts_and_papers(get, alice, bob, lab_a):
    lab_a.about = "We listen to the *sea*."
    lab_a.save()
    pi = f.PersonFactory(name="Paula Investigator")
    f.MembershipFactory(person=pi, lab=lab_a, role="pi", title="Professor")
    gone = f.PersonFactory(name="Gina Gone")
    f.MembershipFactory(
        person=gone,
        lab=lab_a,
        start=datetime.date(2015, 1, 1),
        end=datetime.date(2020, 1, 1),
    )
    f.PostFactory(person=bob.person, title="Bob's post")
    response = get("/")
    html = response.content.decode()
    assert '<div class="prose"><p>We listen to the <em>sea</em>.</p></div>' in html
    assert [(m.person.name, m.role_label) for m in response.context["people"]] == [
        ("Paula Investigator", "Professor"),
        ("Alice Anders", "PhD student"),
        ("Bob Brown", "PhD student"),
    ]  # current members only, PI first
    assert _headings(html) == [
        "Recent research",
        "People",
        "Recent publications",
        "News",
        "From the blog",
    ]
    assert [p.title for p in response.context["posts"]] == ["Bob's post"]


def test_featured_projects_replace_the_latest(get, alice, bob):
    bob.project.is_featured = True
    bob.project.save()
    response = get("/")
    assert [p.title for p in response.context["projects"]] == ["Bob Brown's project"]
    assert response.context["projects_featured"] is True
    assert _headings(response.content.decode())[0] == "Research"


def test_the_lab_admin_edits_the_about_text_and_featured_projects(client, dana, alice, lab_a):
    client.force_login(dana.user)
    lab_form = client.get(f"/admin/people/lab/{lab_a.pk}/change/", HTTP_HOST="lab-a.localhost")
    assert lab_form.status_code == 200
    assert 'name="about"' in lab_form.content.decode()
    project_form = client.get(
        f"/admin/research/project/{alice.project.pk}/change/", HTTP_HOST="lab-a.localhost"
    )
    assert 'name="is_featured"' in project_form.content.decode()
