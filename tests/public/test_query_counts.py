"""Each public page runs the same number of queries at 2 and at 30 of everything it lists,
and never renders markdown (DESIGN.md, "Rendering and speed").

The page cache is off here (``no_page_cache``): these are the costs of a cache miss. The counts
include the one query LabMiddleware spends finding the lab for the host.
"""

from __future__ import annotations

import pytest

from people.models import Post
from publications.models import Publication
from research.models import Project
from tests import factories as f
from tests.public.conftest import cold_count_queries, grow, markdown_forbidden

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_page_cache")]

# path -> queries on a cache miss (documented in the issue note). The lab home's highlights are
# one query of their own; a member page counts all of the member's papers for "All publications
# (N)" in one more. Publication lists read each paper's stored entry (publications/entries.py):
# no authorship or link queries; the lab's list counts its matches for its pages.
EXPECTED = {
    "/": 9,
    "/people/": 2,
    "/people/alice-anders/": 12,
    "/people/alice-anders/publications/": 4,
    "/people/alice-anders/publications.bib": 4,
    "/people/alice-anders/feed.xml": 3,
    "/research/": 4,
    "/research/{project}/": 7,
    "/publications/": 7,
    "/publications/{publication}/": 6,
    "/publications.bib": 3,
    "/news/": 3,
    "/feeds/news.xml": 2,
    "/sitemap.xml": 7,
    "/people/alice-anders/cv/": 10,
    "/people/alice-anders/cv.pdf": 10,
    "/people/alice-anders/talks/": 3,
    "/people/alice-anders/teaching/": 3,
    "/talks/": 3,
    "/robots.txt": 1,
    "/posts/": 4,
    "/posts/{lab_post}/": 3,
    "/posts/feed.xml": 2,
    "/people/alice-anders/posts/": 4,
    "/people/alice-anders/posts/{post}/": 3,
    "/people/alice-anders/posts/feed.xml": 3,
    "/search/?q=Grown": 6,
}


def grow_one(project: Project, publication: Publication, n: int) -> None:
    """More collaborators, figures and papers on one project; more authors and links on one
    paper (the detail pages list those)."""
    for i in range(n):
        f.CollaboratorFactory(project=project)
        f.FigureFactory(project=project)
        paper = f.PublicationFactory(title=f"Extra paper {i}")
        f.AuthorshipFactory(publication=paper, person=project.owner, position=0)
        project.publications.add(paper)
        f.AuthorshipFactory(
            publication=publication, person=None, name=f"Coauthor {i}", position=10 + i
        )
        f.PublicationLinkFactory(publication=publication, kind="code")


def cold_count(client, url: str) -> int:
    """Queries of one request on a cold process, rendering no markdown."""
    with markdown_forbidden():
        count, _ = cold_count_queries(client, url)
    return count


def test_page_query_counts_are_fixed_as_content_grows(client, alice, bob, carol):
    # Every page measured at 2 of everything, then all again at 30: one build of the content for
    # the 27 pages (a build per page was a minute and a half of the suite).
    lab = alice.person.memberships.get().lab
    grow(lab, alice.person, 2)
    project = (
        Project.objects.filter(owner=alice.person, publications__isnull=False)
        .order_by("pk")
        .first()
    )
    publication = project.publications.order_by("pk").first()
    post = Post.objects.published().for_person(alice.person).order_by("pk").first()
    lab_post = Post.objects.published().filter(lab__isnull=False).order_by("pk").first()
    urls = {
        path: path.format(
            project=project.slug, publication=publication.pk, post=post.slug, lab_post=lab_post.slug
        )
        for path in EXPECTED
    }
    small = {path: cold_count(client, url) for path, url in urls.items()}
    grow(lab, alice.person, 28)
    grow_one(project, publication, 28)
    grown = {path: cold_count(client, url) for path, url in urls.items()}
    assert small == EXPECTED
    assert {path: n for path, n in grown.items() if n != small[path]} == {}


def test_markdown_guard_catches_a_render(db):
    """The guard above is not vacuous: saving a row (which renders markdown) trips it."""
    with markdown_forbidden(), pytest.raises(AssertionError, match="markdown was rendered"):
        f.PublicationFactory(title="Any *title*")
