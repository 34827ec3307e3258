"""Host → lab (DESIGN.md: Tenancy): exact host, host with port, the default-lab fallback, and
nothing of one lab reachable on another lab's host."""

from __future__ import annotations

import re

import pytest
from django.contrib.sites.models import Site
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext

from labsite.cache import forget_labs
from labsite.mixins import member_ids
from labsite.tenancy import LabMiddleware, lab_for_host, lab_version
from people.models import Lab
from tests import factories as f

pytestmark = pytest.mark.django_db

A = "lab-a.localhost"
B = "lab-b.localhost"


def linked_people(response) -> set[str]:
    return set(re.findall(r'href="/people/([\w-]+)/"', response.content.decode()))


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("lab-a.localhost", "lab-a"),
        ("lab-b.localhost", "lab-b"),
        ("lab-b.localhost:8000", "lab-b"),
        ("LAB-B.localhost:8000", "lab-b"),
        ("elsewhere.example.org", "lab-a"),  # unknown host: the default lab
        ("127.0.0.1:8000", "lab-a"),
        ("[::1]:8000", "lab-a"),
    ],
)
def test_lab_for_host(lab_a, lab_b, host, expected):
    assert lab_for_host(host).slug == expected


def test_a_site_domain_typed_with_capitals_still_matches(lab_a, lab_b):
    Site.objects.filter(pk=lab_b.site_id).update(domain="Lab-B.Example.org")
    assert lab_for_host("lab-b.example.org:443") == lab_b


def test_unknown_host_falls_back_to_the_first_lab_when_none_is_default(lab_a, lab_b):
    Lab.objects.filter(pk=lab_a.pk).update(is_default=False)
    assert lab_for_host("elsewhere.example.org") == lab_a


def test_no_lab_at_all(client, django_user_model):
    assert lab_for_host("127.0.0.1") is None
    for url in ["/", "/people/", "/research/", "/publications/"]:
        assert client.get(url).status_code == 404, url
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/admin/login/").status_code == 200


def test_healthz_does_not_look_up_a_lab(client, lab_a):
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/healthz", HTTP_HOST=A).status_code == 200
    assert [q["sql"] for q in queries.captured_queries] == ["SELECT 1"]


def test_each_request_gets_its_own_lab(cast):
    on_a, on_b = Client(HTTP_HOST=A), Client(HTTP_HOST=B)
    seen = []
    for client in [on_a, on_b, on_a, on_b]:
        response = client.get("/people/")
        assert response.status_code == 200
        seen.append(frozenset(linked_people(response)))
    lab_a_people = frozenset({"alice-anders", "bob-brown", "dana-diaz"})
    lab_b_people = frozenset({"carol-chen"})
    assert seen == [lab_a_people, lab_b_people, lab_a_people, lab_b_people]


def test_the_middleware_sets_the_lab_on_each_request(rf, lab_a, lab_b):
    seen = []
    middleware = LabMiddleware(lambda request: seen.append(request.lab.slug) or HttpResponse())
    for host in [A, f"{B}:8000", A, "127.0.0.1"]:
        middleware(rf.get("/", HTTP_HOST=host))
    assert seen == ["lab-a", "lab-b", "lab-a", "lab-a"]


@pytest.mark.parametrize("host", [A, "127.0.0.1:8000"])
def test_a_request_the_page_cache_does_not_answer_reuses_the_lab_until_it_changes(
    rf, lab_a, lab_b, host
):
    """A member's admin request or an export rendering passes by the page cache: its lab comes
    from the host → lab map, at one version read (it was the lab and its site again — two
    queries on a fallback host), and an edit of the lab is seen on the next request."""
    forget_labs()
    name, seen = lab_a.name, []
    middleware = LabMiddleware(lambda request: seen.append(request.lab.name) or HttpResponse())
    middleware(rf.get("/admin/", HTTP_HOST=host))
    with CaptureQueriesContext(connection) as queries:
        middleware(rf.get("/admin/", HTTP_HOST=host))
    assert len(queries) == 1 and "content_version" in queries.captured_queries[0]["sql"]
    lab_a.name = "Renamed Lab"
    lab_a.save()
    middleware(rf.get("/admin/", HTTP_HOST=host))
    assert seen == [name, name, "Renamed Lab"]


@pytest.mark.parametrize(("host", "site"), [(A, A), ("127.0.0.1:8000", A), (f"{B}:8000", B)])
def test_django_current_site_agrees_with_the_lab(client, lab_a, lab_b, host, site):
    response = client.get("/admin/login/", HTTP_HOST=host)
    assert response.status_code == 200
    assert response.context["site"].domain == site


def test_a_person_of_lab_b_is_not_found_on_lab_a(client, cast):
    assert client.get("/people/carol-chen/", HTTP_HOST=A).status_code == 404
    assert client.get("/people/carol-chen/publications/", HTTP_HOST=A).status_code == 404
    response = client.get("/people/carol-chen/", HTTP_HOST=B)
    assert (response.status_code, response.context["person"]) == (200, cast["carol"].person)


def test_a_project_of_lab_b_is_not_reachable_by_slug_on_lab_a(client, cast):
    slug = cast["carol"].project.slug
    assert client.get(f"/research/{slug}/", HTTP_HOST=A).status_code == 404
    response = client.get(f"/research/{slug}/", HTTP_HOST=B)
    assert (response.status_code, response.context["project"]) == (200, cast["carol"].project)


def test_a_publication_of_lab_b_is_not_found_on_lab_a(client, cast):
    pk = cast["carol"].publication.pk
    assert client.get(f"/publications/{pk}/", HTTP_HOST=A).status_code == 404
    assert client.get(f"/publications/{pk}/", HTTP_HOST=B).status_code == 200


def test_a_project_slug_may_repeat_in_another_lab(client, cast, lab_b):
    from tests.factories import ProjectFactory

    slug = cast["alice"].project.slug
    twin = ProjectFactory(lab=lab_b, title="Twin", slug=slug)
    assert client.get(f"/research/{slug}/", HTTP_HOST=A).context["project"] == cast["alice"].project
    assert client.get(f"/research/{slug}/", HTTP_HOST=B).context["project"] == twin


def test_the_lab_members_are_read_once_per_content_version(rf, cast):
    """Every page links the lab's members: their pks are read once while the lab's content
    version holds, and read again after a membership changes it."""
    forget_labs()
    seen = []
    middleware = LabMiddleware(
        lambda request: seen.append(member_ids(request.lab, lab_version(request))) or HttpResponse()
    )
    middleware(rf.get("/", HTTP_HOST=A))
    with CaptureQueriesContext(connection) as queries:
        middleware(rf.get("/", HTTP_HOST=A))
    assert len(queries) == 1  # the version; no members query
    newcomer = f.MembershipFactory(lab=Lab.objects.get(slug="lab-a")).person
    middleware(rf.get("/", HTTP_HOST=A))
    assert seen[0] == seen[1] and newcomer.pk not in seen[1] and newcomer.pk in seen[2]
