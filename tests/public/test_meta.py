"""What machines read: canonical links, OpenGraph/Twitter cards, JSON-LD, citation_* tags."""

from __future__ import annotations

import pytest

from labsite.templatetags.labsite_seo import dumps_for_script, email_link, json_ld
from tests import factories as f
from tests.public.conftest import json_ld as json_ld_blocks
from tests.public.conftest import links, meta_tags

pytestmark = pytest.mark.django_db


@pytest.fixture
def paper(alice, bob):
    publication = f.PublicationFactory(
        title="Learning $f_\\theta$ Fast",
        kind="journal",
        venue="Journal of Machine Learning Research",
        short_venue="JMLR",
        year=2023,
        month=5,
        volume="24",
        number="3",
        pages="101-120",
        doi="10.5555/ABC.1",
        arxiv_id="2305.00001",
        abstract="We learn *fast*.",
    )
    f.AuthorshipFactory(publication=publication, person=bob.person, name="Bob Brown", position=0)
    f.AuthorshipFactory(publication=publication, person=None, name="Zoë Outsider", position=1)
    f.AuthorshipFactory(
        publication=publication, person=alice.person, name="Alice Anders", position=2
    )
    f.PublicationLinkFactory(publication=publication, kind="pdf", url="https://example.org/p.pdf")
    return publication


def test_publication_citation_meta_in_order(get, paper):
    response = get(f"/publications/{paper.pk}/")
    citation = [(n, c) for n, c in meta_tags(response.content) if n.startswith("citation_")]
    assert citation == [
        ("citation_title", "Learning $f_\\theta$ Fast"),
        ("citation_author", "Bob Brown"),
        ("citation_author", "Zoë Outsider"),
        ("citation_author", "Alice Anders"),
        ("citation_publication_date", "2023/05"),
        ("citation_journal_title", "Journal of Machine Learning Research"),
        ("citation_volume", "24"),
        ("citation_issue", "3"),
        ("citation_firstpage", "101"),
        ("citation_lastpage", "120"),
        ("citation_doi", "10.5555/abc.1"),
        ("citation_arxiv_id", "2305.00001"),
        ("citation_pdf_url", "https://example.org/p.pdf"),
        ("citation_abstract_html_url", f"http://lab-a.localhost/publications/{paper.pk}/"),
    ]


def test_conference_paper_uses_conference_title(get, alice):
    response = get(f"/publications/{alice.publication.pk}/")
    tags = dict(meta_tags(response.content))
    assert tags["citation_conference_title"] == "Conference on Things"
    assert "citation_journal_title" not in tags


def test_publication_json_ld_is_a_scholarly_article(get, paper):
    response = get(f"/publications/{paper.pk}/")
    [data] = json_ld_blocks(response.content)
    assert data["@type"] == "ScholarlyArticle"
    assert data["name"] == "Learning $f_\\theta$ Fast"
    assert data["datePublished"] == "2023-05"
    assert data["author"] == [
        {"@type": "Person", "name": "Bob Brown", "url": "http://lab-a.localhost/people/bob-brown/"},
        {"@type": "Person", "name": "Zoë Outsider"},
        {
            "@type": "Person",
            "name": "Alice Anders",
            "url": "http://lab-a.localhost/people/alice-anders/",
        },
    ]
    assert data["isPartOf"] == {
        "@type": "Periodical",
        "name": "Journal of Machine Learning Research",
    }
    assert data["sameAs"] == ["https://doi.org/10.5555/abc.1"]
    assert data["abstract"] == "We learn fast."


def test_publication_head_canonical_and_cards(get, paper):
    response = get(f"/publications/{paper.pk}/?utm_source=x")
    url = f"http://lab-a.localhost/publications/{paper.pk}/"
    assert [link["href"] for link in links(response.content, "canonical")] == [url]
    tags = dict(meta_tags(response.content))
    assert tags["og:url"] == url
    assert tags["og:type"] == "article"
    assert tags["og:title"] == "Learning $f_\\theta$ Fast"
    assert tags["og:description"] == "We learn fast."
    assert tags["og:site_name"] == "Lab A"
    assert tags["twitter:card"] == "summary"


def test_member_page_json_ld_person_without_email(get, alice):
    person = alice.person
    person.email = "alice@uni.example.edu"
    person.position = "PhD student"
    person.github = "https://github.com/alice"
    person.orcid = "https://orcid.org/0000-0001"
    person.bio = "I study </script><script>alert(1)</script> things."
    person.save()
    response = get("/people/alice-anders/")
    assert b"<script>alert(1)</script>" not in response.content
    [data] = json_ld_blocks(response.content)
    assert data == {
        "@context": "https://schema.org",
        "@type": "Person",
        "name": "Alice Anders",
        "url": "http://lab-a.localhost/people/alice-anders/",
        "jobTitle": "PhD student",
        "affiliation": {
            "@type": "ResearchOrganization",
            "name": "Lab A",
            "url": "http://lab-a.localhost/",
        },
        "description": "I study things.",
        "sameAs": ["https://github.com/alice", "https://orcid.org/0000-0001"],
    }
    tags = dict(meta_tags(response.content))
    assert tags["og:type"] == "profile"
    assert tags["og:title"] == "Alice Anders"


def test_lab_home_json_ld_organization(get, alice, lab_a):
    lab_a.tagline = "We study things"
    lab_a.institution = "Example University"
    lab_a.save()
    response = get("/")
    [data] = json_ld_blocks(response.content)
    assert data == {
        "@context": "https://schema.org",
        "@type": "ResearchOrganization",
        "name": "Lab A",
        "url": "http://lab-a.localhost/",
        "description": "We study things",
        "parentOrganization": {"@type": "CollegeOrUniversity", "name": "Example University"},
    }
    assert [link["href"] for link in links(response.content, "canonical")] == [
        "http://lab-a.localhost/"
    ]


@pytest.mark.parametrize(
    "path",
    [
        "/people/",
        "/research/",
        "/publications/?year=2024",
        "/news/",
        "/people/alice-anders/publications/",
    ],
)
def test_list_pages_have_canonical_without_query(get, alice, path):
    response = get(path)
    expected = "http://lab-a.localhost" + path.split("?")[0]
    assert [link["href"] for link in links(response.content, "canonical")] == [expected]
    assert dict(meta_tags(response.content))["og:url"] == expected


def test_json_ld_cannot_close_its_script_element():
    html = json_ld({"name": "</script><script>alert('x')</script> & <!--"})
    assert "</script><script>" not in html
    assert html.count("</script>") == 1
    assert dumps_for_script({"a": "</"}) == '{"a": "\\u003c/"}'


def test_email_link_hides_the_address():
    html = str(email_link("ada@example.org"))
    assert html == (
        '<span class="email" data-email-r="gro.elpmaxe@ada">'
        '<span class="email-text">gro.elpmaxe@ada</span></span>'
    )
    assert str(email_link("")) == ""


def _png(name: str = "a.png"):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def test_images_in_cards_are_absolute(get, alice):
    alice.person.avatar = _png()
    alice.person.save()
    tags = dict(meta_tags(get("/people/alice-anders/").content))
    assert tags["og:image"] == f"http://lab-a.localhost{alice.person.avatar.url}"
    assert tags["twitter:card"] == "summary"

    figure = f.FigureFactory(project=alice.project, image=_png("fig.png"), alt_text="A plot")
    tags = dict(meta_tags(get(f"/research/{alice.project.slug}/").content))
    assert tags["og:image"] == f"http://lab-a.localhost{figure.image.url}"
    assert tags["twitter:card"] == "summary_large_image"
