"""/sitemap.xml lists the request's lab's pages only, on the request's host; robots.txt names it."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

pytestmark = pytest.mark.django_db

NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def locations(response) -> list[str]:
    root = ET.fromstring(response.content)
    return [url.findtext(f"{NS}loc") for url in root.findall(f"{NS}url")]


def test_sitemap_lists_this_labs_pages_on_this_host(get, alice, bob, carol):
    response = get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    host = "http://lab-a.localhost"
    assert locations(response) == [
        f"{host}/",
        f"{host}/people/",
        f"{host}/research/",
        f"{host}/publications/",
        f"{host}/news/",
        f"{host}/talks/",
        f"{host}/people/alice-anders/",
        f"{host}/people/bob-brown/",
        f"{host}/people/alice-anders/publications/",
        f"{host}/people/bob-brown/publications/",
        f"{host}/people/alice-anders/cv/",
        f"{host}/people/alice-anders/talks/",
        f"{host}/people/alice-anders/teaching/",
        f"{host}/people/bob-brown/cv/",
        f"{host}/people/bob-brown/talks/",
        f"{host}/people/bob-brown/teaching/",
        f"{host}/research/{alice.project.slug}/",
        f"{host}/research/{bob.project.slug}/",
        f"{host}/publications/{alice.publication.pk}/",
        f"{host}/publications/{bob.publication.pk}/",
    ]


def test_sitemap_of_lab_b_has_nothing_of_lab_a(get, alice, bob, carol):
    urls = locations(get("/sitemap.xml", host="lab-b.localhost"))
    assert urls == [
        "http://lab-b.localhost/",
        "http://lab-b.localhost/people/",
        "http://lab-b.localhost/research/",
        "http://lab-b.localhost/publications/",
        "http://lab-b.localhost/news/",
        "http://lab-b.localhost/talks/",
        "http://lab-b.localhost/people/carol-chen/",
        "http://lab-b.localhost/people/carol-chen/publications/",
        "http://lab-b.localhost/people/carol-chen/cv/",
        "http://lab-b.localhost/people/carol-chen/talks/",
        "http://lab-b.localhost/people/carol-chen/teaching/",
        f"http://lab-b.localhost/research/{carol.project.slug}/",
        f"http://lab-b.localhost/publications/{carol.publication.pk}/",
    ]


def test_sitemap_skips_unpublished_projects_and_has_lastmod(get, alice):
    alice.project.is_published = False
    alice.project.save()
    response = get("/sitemap.xml")
    assert "http://lab-a.localhost/research/alice-anders-s-project/" not in locations(response)
    root = ET.fromstring(response.content)
    person = next(
        u for u in root.findall(f"{NS}url") if u.findtext(f"{NS}loc").endswith("/alice-anders/")
    )
    assert person.findtext(f"{NS}lastmod") == alice.person.updated.strftime("%Y-%m-%d")


def test_sitemap_uses_https_behind_https(client, alice):
    response = client.get("/sitemap.xml", HTTP_HOST="lab-a.localhost", secure=True)
    assert locations(response)[0] == "https://lab-a.localhost/"


def test_robots_names_this_hosts_sitemap(get, alice, carol):
    response = get("/robots.txt", host="lab-b.localhost")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == (
        "User-agent: *\n"
        "Disallow: /admin/\n"
        "Disallow: /markdownx/\n"
        "\n"
        "Sitemap: http://lab-b.localhost/sitemap.xml\n"
    )
