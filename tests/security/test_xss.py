"""Hostile text in every field a member can type never runs in a visitor's browser.

Every text field of lab A (lab, person, sections, news, honors, talks, teaching, publications,
authors, links, projects, collaborators, figures) holds the payloads below; every public page is
rendered and parsed: no ``<script>`` but the site's own, no ``on*`` attribute, no
``javascript:`` URL, JSON-LD that parses, BibTeX and Atom that are well formed.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import bibtexparser
import pytest
from django.conf import settings

from people.models import Lab, Person, SectionKind
from tests import factories as f
from tests.public.conftest import parse_html

HOST = "lab-a.localhost"

PAYLOADS = [
    '"><script>alert(1)</script>',
    "</script><script>alert(1)</script>",
    "' onmouseover='x",
    "javascript:alert(1)",
    "{{ 7*7 }}",
    r"$\href{javascript:alert(1)}{x}$",
    "<img src=x onerror=alert(1)>",
]
EVIL = " ".join(PAYLOADS)
#: Short fields (slugs, badges) get what fits.
SHORT = "<img src=x onerror=alert(1)>"


def evil(prefix: str) -> str:
    return f"{prefix} {EVIL}"


@pytest.fixture
def hostile(db, settings) -> dict:
    """Lab A and one member whose every text field carries every payload."""
    settings.LABSITE_PAGE_CACHE = False
    lab = f.LabFactory(
        slug="lab-a",
        name=evil("Lab"),
        short_name=SHORT[:20],
        tagline=evil("Tagline")[:300],
        about=evil("About"),
        institution=evil("Uni")[:200],
        address=evil("Street"),
        site__domain=HOST,
        is_default=True,
    )
    person = f.PersonFactory(
        name=evil("Eve")[:200],
        aliases=[EVIL, "' onmouseover='x"],
        position=evil("Pos")[:200],
        affiliation=evil("Aff")[:200],
        location=evil("Loc")[:200],
        bio=evil("Bio x < y & z &lt;b&gt;"),
        email="eve@example.org",
        website="https://example.org/eve",
    )
    f.MembershipFactory(person=person, lab=lab, next_position=evil("Next")[:200])
    for order, kind in enumerate(SectionKind.values):
        f.ProfileSectionFactory(
            person=person, kind=kind, title=evil("Sec")[:200], body=evil("Body"), order=order
        )
    f.NewsItemFactory(person=person, text=evil("News"))
    f.NewsItemFactory(person=None, lab=lab, text=evil("Lab news"))
    f.HonorFactory(person=person, title=evil("Honor"), detail=evil("Detail"))
    f.TalkFactory(
        person=person,
        title=evil("Talk"),
        event=evil("Event"),
        location=evil("Where")[:200],
        description=evil("Desc"),
    )
    f.TeachingFactory(
        person=person,
        course=evil("Course"),
        role=evil("Role")[:100],
        institution=evil("Inst")[:200],
        term=SHORT,
    )
    publication = f.PublicationFactory(
        title=evil("Title"),
        venue=evil("Venue")[:300],
        short_venue=SHORT[:60],
        award=evil("Award")[:200],
        note=evil("Note")[:300],
        abstract=evil("Abstract"),
        publisher=evil("Pub")[:200],
        volume=SHORT[:50],
        pages=SHORT[:50],
        year=2024,
    )
    f.AuthorshipFactory(publication=publication, person=person, name=person.name, position=0)
    f.AuthorshipFactory(publication=publication, person=None, name=evil("Out")[:200], position=1)
    f.PublicationLinkFactory(publication=publication, label=SHORT[:60])
    project = f.ProjectFactory(
        lab=lab,
        owner=person,
        title=evil("Project")[:300],
        summary=evil("Summary"),
        body=evil("Body"),
        is_featured=True,
    )
    project.publications.add(publication)
    f.CollaboratorFactory(project=project, person=person, name=evil("Collab")[:200])
    f.CollaboratorFactory(project=project, person=None, name=evil("Outsider")[:200])
    f.FigureFactory(project=project, alt_text=evil("Alt")[:300], caption=evil("Cap")[:500])
    person.refresh_from_db()
    return {"lab": lab, "person": person, "publication": publication, "project": project}


def html_pages(hostile: dict) -> list[str]:
    person: Person = hostile["person"]
    slug = person.slug
    return [
        "/",
        "/people/",
        f"/people/{slug}/",
        f"/people/{slug}/publications/",
        "/research/",
        hostile["project"].get_absolute_url(),
        "/publications/",
        f"/publications/?year=2024&type=conference&person={slug}&q=script",
        "/publications/?q=%3Cscript%3Ealert(1)%3C/script%3E",
        hostile["publication"].get_absolute_url(),
        "/news/",
    ]


def site_script_ok(attrs: dict[str, str], text: str) -> bool:
    """The site's own scripts: the inline theme switch, ``site.js``, and JSON-LD."""
    if attrs.get("type") == "application/ld+json":
        return set(attrs) == {"type"}
    if "src" in attrs:
        return attrs["src"].startswith(settings.STATIC_URL + "labsite/site.") and not text.strip()
    return text.startswith('try{var t=localStorage.getItem("theme");') and set(attrs) <= {"nonce"}


def assert_harmless_html(html: str) -> None:
    parsed = parse_html(html)
    for attrs, text in parsed.scripts:
        assert site_script_ok(attrs, text), (attrs, text[:200])
        if attrs.get("type") == "application/ld+json":
            json.loads(text)
            assert "</" not in text and "<!--" not in text
    for tag, attrs in parsed.tags:
        assert tag not in {"iframe", "object", "embed", "base", "style"}, tag
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name, value)
            if name in {"href", "src", "action", "formaction", "xlink:href"}:
                compact = re.sub(r"[\s\x00-\x1f]", "", value).lower()
                assert not compact.startswith(("javascript:", "data:", "vbscript:")), (tag, value)
        # (Markdown may keep ``<img src="x">``: an image is allowed, its ``onerror`` is not.)
        if tag == "meta" and attrs.get("http-equiv"):
            pytest.fail(f"user text produced a meta http-equiv: {attrs}")
    # The raw text never holds an executable opening tag.
    assert "<script>alert" not in html
    assert "<img src=x" not in html


@pytest.mark.parametrize("cached", [False, True])
def test_every_html_page_escapes_every_field(client, hostile, settings, cached):
    settings.LABSITE_PAGE_CACHE = cached
    for path in html_pages(hostile):
        for _ in range(2 if cached else 1):  # a miss, then a hit
            response = client.get(path, HTTP_HOST=HOST)
            assert response.status_code == 200, path
            html = response.content.decode()
            assert_harmless_html(html)


def test_member_page_prints_payloads_as_text(client, hostile):
    """The payloads are shown as typed (escaped), not dropped and not evaluated."""
    html = client.get(f"/people/{hostile['person'].slug}/", HTTP_HOST=HOST).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "{{ 7*7 }}" in html
    assert r"$\href{javascript:alert(1)}{x}$" in html  # left for KaTeX, which is told not to trust


def test_json_ld_round_trips_the_hostile_names(client, hostile):
    from tests.public.conftest import json_ld

    person = hostile["person"]
    html = client.get(f"/people/{person.slug}/", HTTP_HOST=HOST).content.decode()
    [data] = json_ld(html)
    assert data["name"] == person.name
    html = client.get(hostile["publication"].get_absolute_url(), HTTP_HOST=HOST).content.decode()
    [data] = json_ld(html)
    assert data["name"] == hostile["publication"].title
    assert [a["name"] for a in data["author"]] == [person.name, evil("Out")[:200]]


def test_meta_descriptions_are_single_escaped(client, hostile):
    """Descriptions come from stored HTML: entities are decoded once, then escaped once."""
    from tests.public.conftest import meta_tags

    html = client.get(f"/people/{hostile['person'].slug}/", HTTP_HOST=HOST).content.decode()
    description = dict(meta_tags(html))["description"]
    assert description.startswith("Bio x < y & z <b> ")
    assert "<script>alert(1)</script>" not in description  # nh3 dropped the element itself


def test_404_escapes_the_requested_path(client, hostile):
    response = client.get('/"><script>alert(1)</script>/', HTTP_HOST=HOST)
    assert response.status_code == 404
    assert_harmless_html(response.content.decode())


@pytest.mark.parametrize("kind", ["lab", "person"])
def test_bibtex_exports_are_well_formed(client, hostile, kind):
    path = (
        "/publications.bib"
        if kind == "lab"
        else f"/people/{hostile['person'].slug}/publications.bib"
    )
    response = client.get(path, HTTP_HOST=HOST)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/x-bibtex")
    assert response["X-Content-Type-Options"] == "nosniff"
    library = bibtexparser.parse_string(response.content.decode())
    assert library.failed_blocks == []
    assert len(library.entries) == 1
    # Braces in the payloads are escaped, so the title field holds the whole title.
    assert "7*7" in library.entries[0]["title"]


@pytest.mark.parametrize("kind", ["lab", "person"])
def test_atom_feeds_are_well_formed(client, hostile, kind):
    path = "/feeds/news.xml" if kind == "lab" else f"/people/{hostile['person'].slug}/feed.xml"
    response = client.get(path, HTTP_HOST=HOST)
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    assert root.find("a:title", ns).text.startswith(("Lab ", "Eve "))
    for entry in root.findall("a:entry", ns):
        # Entry content is the sanitized HTML, escaped once into the XML text.
        content = entry.find("a:summary", ns)
        if content is None:
            content = entry.find("a:content", ns)
        assert content is not None
        assert_harmless_html(content.text or "")


def test_sitemap_is_well_formed(client, hostile):
    response = client.get("/sitemap.xml", HTTP_HOST=HOST)
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    locs = [el.text for el in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert f"http://{HOST}/people/{hostile['person'].slug}/" in locs
    assert all(loc.startswith(f"http://{HOST}/") for loc in locs)


def test_person_slug_from_hostile_name_is_plain(hostile):
    assert re.fullmatch(r"[a-z0-9-]+", hostile["person"].slug)


def test_katex_is_told_not_to_trust_input():
    """``\\href{javascript:…}`` and friends stay inert: KaTeX runs with ``trust: false``."""
    js = (Path(settings.BASE_DIR) / "static" / "labsite" / "site.js").read_text()
    calls = re.findall(r"katex\.render\([^)]*\)", js)
    assert calls, "site.js no longer calls katex.render"
    for call in calls:
        assert "trust: false" in call, call
    assert "trust: true" not in js
    assert "renderMathInElement" not in js  # auto-render would need its own options


def test_lab_model_unchanged_by_hostile_name(hostile):
    assert Lab.objects.get().name.startswith("Lab ")


@pytest.mark.parametrize(
    ("model", "field"),
    [
        ("people.Person", "website"),
        ("people.Person", "google_scholar"),
        ("people.Person", "cv"),
        ("people.Lab", "website"),
        ("people.Honor", "url"),
        ("people.Talk", "slides_url"),
        ("people.Teaching", "url"),
        ("publications.PublicationLink", "url"),
        ("research.Collaborator", "url"),
    ],
)
@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,<script>x</script>"])
def test_url_fields_refuse_script_urls(model, field, url):
    """Templates print these into ``href``: the form field (what the admin runs) must refuse
    any scheme but http(s)/ftp, so a member cannot type a ``javascript:`` link."""
    from django.apps import apps
    from django.core.exceptions import ValidationError

    form_field = apps.get_model(model)._meta.get_field(field).formfield(assume_scheme="https")
    with pytest.raises(ValidationError):
        form_field.clean(url)
