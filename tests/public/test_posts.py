"""Blog posts: the model's rules, their pages, feeds, sitemap, JSON-LD and cache freshness.

alice and bob are lab A's members, carol lab B's; every test has a post that could leak (a
draft, another lab's post, a lab post of the other lab)."""

from __future__ import annotations

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.html import escape

from labsite.cache import content_version
from people.models import Post
from tests import factories as f
from tests.public.conftest import B
from tests.public.conftest import json_ld as json_ld_blocks

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def posts(alice, bob, carol, lab_a, lab_b):
    day = datetime.date(2025, 3, 1)
    return {
        "alice": f.PostFactory(person=alice.person, title="Alice on tides", date=day, tags=["ml"]),
        "alice_old": f.PostFactory(
            person=alice.person, title="Alice older", date=day - datetime.timedelta(days=9)
        ),
        "alice_draft": f.PostFactory(person=alice.person, title="Alice draft", status="draft"),
        "bob": f.PostFactory(person=bob.person, title="Bob writes", date=day),
        "lab": f.PostFactory(
            person=alice.person, lab=lab_a, title="Lab A welcome", date=day, slug="welcome"
        ),
        "carol": f.PostFactory(person=carol.person, title="Carol in B", date=day),
        "lab_b": f.PostFactory(person=None, lab=lab_b, title="Lab B welcome", slug="welcome"),
    }


# -- the model ---------------------------------------------------------------------------------


def test_slug_comes_from_the_title_and_is_unique_per_owner(alice, bob, lab_a):
    first = f.PostFactory(person=alice.person, title="Hello, World!", slug="")
    second = f.PostFactory(person=alice.person, title="Hello world", slug="")
    bobs = f.PostFactory(person=bob.person, title="Hello world", slug="")
    labs = f.PostFactory(person=alice.person, lab=lab_a, title="Hello world", slug="")
    assert [first.slug, second.slug, bobs.slug, labs.slug] == [
        "hello-world",
        "hello-world-2",
        "hello-world",
        "hello-world",
    ]
    duplicate = Post(person=alice.person, title="Again", slug="hello-world")
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert error.value.messages == ["You already have a post with this slug."]


def test_a_post_has_an_owner_and_clean_tags(alice):
    post = f.PostFactory(person=alice.person, tags=[" ML ", "ml", "privacy", ""])
    assert post.tags == ["ML", "privacy"]
    with pytest.raises(ValidationError):
        Post(title="Nobody's", person=None, lab=None).full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        Post.objects.create(title="Nobody's", person=None, lab=None)


def test_body_markdown_is_rendered_and_sanitized_on_save(alice):
    post = f.PostFactory(
        person=alice.person, body="**Bold** ![fig](/media/x.png)<script>alert(1)</script>"
    )
    assert post.body_html == '<p><strong>Bold</strong> <img alt="fig" src="/media/x.png"></p>'


def test_querysets_scope_posts_to_the_lab_and_hide_drafts(posts, lab_a, alice):
    shown = Post.objects.for_lab(lab_a).published().newest_first()
    assert sorted(p.title for p in shown) == [
        "Alice older",
        "Alice on tides",
        "Bob writes",
        "Lab A welcome",
    ]
    assert sorted(p.title for p in Post.objects.published().for_person(alice.person)) == [
        "Alice older",
        "Alice on tides",
    ]


# -- pages -------------------------------------------------------------------------------------


def test_lab_post_list_shows_the_labs_and_members_published_posts(get, posts):
    response = get("/posts/")
    assert [p.title for p in response.context["posts"]] == [
        "Lab A welcome",
        "Bob writes",
        "Alice on tides",
        "Alice older",
    ]
    html = response.content.decode()
    assert "Alice draft" not in html and "Carol in B" not in html


def test_member_post_list_and_page(get, posts):
    response = get("/people/alice-anders/posts/")
    assert [p.title for p in response.context["posts"]] == ["Alice on tides", "Alice older"]
    page = get(posts["alice"].get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert "<h1>Alice on tides</h1>" in html
    assert '<ul class="tags" aria-label="Tags">' in html


@pytest.mark.parametrize(
    "path",
    [
        "/people/alice-anders/posts/{draft}/",  # a draft
        "/people/carol-chen/posts/",  # another lab's member
        "/people/carol-chen/posts/{carol}/",
        "/posts/{alice}/",  # a member's post is not a lab post
        "/people/alice-anders/posts/welcome/",  # and a lab post is not hers
    ],
)
def test_what_is_not_this_labs_to_show_is_a_404(get, posts, path):
    url = path.format(draft=posts["alice_draft"].slug, carol=posts["carol"].slug, alice="x")
    assert get(url).status_code == 404


def test_the_same_lab_post_slug_answers_each_lab_with_its_own(get, posts):
    assert get("/posts/welcome/").context["post"].title == "Lab A welcome"
    assert get("/posts/welcome/", host=B).context["post"].title == "Lab B welcome"


def test_post_page_json_ld_is_a_blog_posting(get, posts):
    [data] = json_ld_blocks(get(posts["alice"].get_absolute_url()).content)
    assert data == {
        "@context": "https://schema.org",
        "@type": "BlogPosting",
        "headline": "Alice on tides",
        "name": "Alice on tides",
        "url": "http://lab-a.localhost/people/alice-anders/posts/alice-on-tides/",
        "mainEntityOfPage": "http://lab-a.localhost/people/alice-anders/posts/alice-on-tides/",
        "datePublished": "2025-03-01",
        "dateModified": posts["alice"].updated.date().isoformat(),
        "publisher": {
            "@type": "ResearchOrganization",
            "name": "Lab A",
            "url": "http://lab-a.localhost/",
        },
        "author": {
            "@type": "Person",
            "name": "Alice Anders",
            "url": "http://lab-a.localhost/people/alice-anders/",
        },
        "description": "Some words about the work.",
        "keywords": "ml",
    }


def test_feeds_list_published_posts_only(get, posts):
    lab_feed = ET.fromstring(get("/posts/feed.xml").content)
    titles = [e.findtext(f"{ATOM}title") for e in lab_feed.iter(f"{ATOM}entry")]
    assert titles == ["Lab A welcome", "Bob writes", "Alice on tides", "Alice older"]
    mine = ET.fromstring(get("/people/alice-anders/posts/feed.xml").content)
    entries = list(mine.iter(f"{ATOM}entry"))
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["Alice on tides", "Alice older"]
    assert entries[0].find(f"{ATOM}link").get("href") == (
        "http://lab-a.localhost/people/alice-anders/posts/alice-on-tides/"
    )
    assert get("/people/carol-chen/posts/feed.xml").status_code == 404


def test_sitemap_lists_published_posts_of_the_lab(get, posts):
    body = get("/sitemap.xml").content.decode()
    assert "http://lab-a.localhost/people/alice-anders/posts/alice-on-tides/" in body
    assert "http://lab-a.localhost/posts/welcome/" in body
    assert posts["alice_draft"].slug not in body
    assert "carol-chen" not in body


def test_saving_a_post_makes_its_labs_cached_pages_stale(posts, lab_a, lab_b):
    lab_a.refresh_from_db()
    lab_b.refresh_from_db()
    before_a, before_b = content_version(lab_a), content_version(lab_b)
    posts["alice"].title = "Alice on tides, revised"
    posts["alice"].save()
    lab_a.refresh_from_db()
    lab_b.refresh_from_db()
    assert content_version(lab_a) != before_a
    assert content_version(lab_b) == before_b


def test_a_project_links_to_its_published_write_up(get, posts, alice):
    post = posts["alice"]
    post.project = alice.project
    post.save()
    draft = posts["alice_draft"]
    draft.project = alice.project
    draft.save()
    html = get(alice.project.get_absolute_url()).content.decode()
    assert f'href="{post.get_absolute_url()}">Read more: Alice on tides →</a>' in html
    assert "Alice draft" not in html
    post_html = get(post.get_absolute_url()).content.decode()
    title = escape(alice.project.title)
    assert f'<a href="{alice.project.get_absolute_url()}">{title}</a>' in post_html


def test_member_page_links_to_the_blog_only_with_published_posts(get, posts, lab_a):
    link = '<a href="/people/alice-anders/posts/">'
    assert link in get("/people/alice-anders/").content.decode()
    dana = f.PersonFactory(name="Dee Draftsman")
    f.MembershipFactory(person=dana, lab=lab_a)
    f.PostFactory(person=dana, status="draft")
    assert "/people/dee-draftsman/posts/" not in get("/people/dee-draftsman/").content.decode()


def test_admin_offers_view_on_site_for_a_published_post_only(client, posts, alice):
    client.force_login(alice.user)
    published = client.get(f"/admin/people/post/{posts['alice'].pk}/change/").content.decode()
    draft = client.get(f"/admin/people/post/{posts['alice_draft'].pk}/change/").content.decode()
    assert ('class="viewsitelink"' in published, 'class="viewsitelink"' in draft) == (True, False)
