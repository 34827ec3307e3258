"""Fixtures for the public site's tests: hosts, a request helper, and content that grows.

Builds on the fixed cast of tests/conftest.py: alice and bob in lab A (host
``lab-a.localhost``), carol in lab B (``lab-b.localhost``). ``grow`` adds n of everything a
page lists, so a test can compare a page's query count at small and large content.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from contextlib import contextmanager
from html.parser import HTMLParser

import markdown
import pytest
from django.core.cache import cache
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from labsite.cache import current_lab, forget_labs
from people.models import Lab, Person, Role
from publications.models import PublicationKind
from tests import factories as f

A = "lab-a.localhost"
B = "lab-b.localhost"


@pytest.fixture
def get(client) -> Callable:
    """``get(path, host=A, **extra)``: a GET on a lab's host."""

    def _get(path: str, host: str = A, **extra):
        return client.get(path, HTTP_HOST=host, **extra)

    return _get


@pytest.fixture
def no_page_cache(settings):
    settings.LABSITE_PAGE_CACHE = False


def count_queries(client, path: str, host: str = A) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path, HTTP_HOST=host)
    assert response.status_code == 200, (path, response.status_code)
    return len(ctx), response


def cold_count_queries(client, path: str, host: str = A) -> tuple[int, object]:
    """``count_queries`` with no page in the cache, as every request after a process's first
    sees it: the host → lab map holds the lab, loaded afresh (the first request of a process
    costs two more queries: the lab and its version again; see ``labsite.cache.current_lab``)."""
    cache.clear()
    warm_lab_map(host)
    return count_queries(client, path, host)


def warm_lab_map(host: str = A) -> None:
    """Forget every host's lab (and what was derived per lab), then load ``host``'s as a
    request would."""
    forget_labs()
    current_lab(RequestFactory().get("/", HTTP_HOST=host))


@contextmanager
def markdown_forbidden():
    """Any markdown rendering inside the block fails the test (DESIGN: a request never does).

    Both the project's renderer (where models imported it too) and the markdown library itself
    are replaced, so no path to a render is missed.
    """
    import labsite.markdown
    import labsite.models
    import publications.models

    def refuse(*args, **kwargs):
        raise AssertionError("markdown was rendered during a request")

    targets = [
        (markdown, "markdown"),
        (markdown.Markdown, "convert"),
        (labsite.markdown, "render_markdown"),
        (labsite.markdown, "render_inline"),
        (labsite.models, "render_markdown"),
        (publications.models, "render_inline"),
    ]
    originals = [(obj, name, getattr(obj, name)) for obj, name in targets]
    for obj, name in targets:
        setattr(obj, name, refuse)
    try:
        yield
    finally:
        for obj, name, original in originals:
            setattr(obj, name, original)


ROLES = [Role.PI, Role.POSTDOC, Role.PHD, Role.MASTERS, Role.UNDERGRAD, Role.STAFF]
KINDS = [PublicationKind.CONFERENCE, PublicationKind.JOURNAL, PublicationKind.PREPRINT]


def grow(lab: Lab, owner: Person, n: int) -> None:
    """Give ``lab`` and its member ``owner`` n more of everything a public page lists.

    Each paper has the owner, another member and an outside author, a link, and sits in a
    project; every other one is selected by the owner. Projects are featured, with a member
    and an outside collaborator and a figure. The owner gets n news, honors, talks, courses,
    and one section of each kind; the lab gets n news of its own and n people (a third
    alumni). Posts: n of the owner's (each a project's write-up), n by the new people, n of
    the lab's and n drafts.
    """
    today = datetime.date(2025, 1, 1)
    start = Person.objects.count()
    for i in range(n):
        person = f.PersonFactory(name=f"Member {start + i} Grown")
        ended = today - datetime.timedelta(days=30) if i % 3 == 0 else None
        f.MembershipFactory(
            person=person, lab=lab, role=ROLES[i % len(ROLES)], end=ended, next_position="Google"
        )
        publication = f.PublicationFactory(
            title=f"Grown paper {start + i} on $x_{i}$",
            year=2010 + i % 15,
            kind=KINDS[i % len(KINDS)],
            abstract="An *abstract*.",
        )
        f.AuthorshipFactory(publication=publication, person=owner, position=0, selected=i % 2 == 0)
        f.AuthorshipFactory(publication=publication, person=person, position=1)
        f.AuthorshipFactory(publication=publication, person=None, name="Outside Author", position=2)
        f.PublicationLinkFactory(publication=publication)
        project = f.ProjectFactory(lab=lab, owner=owner, is_featured=True, body="Long *text*.")
        f.CollaboratorFactory(project=project, person=person)
        f.CollaboratorFactory(project=project, person=None, url="https://example.org/x")
        f.FigureFactory(project=project)
        project.publications.add(publication)
        f.NewsItemFactory(person=owner, date=today - datetime.timedelta(days=i))
        f.NewsItemFactory(person=None, lab=lab, date=today - datetime.timedelta(days=i))
        f.HonorFactory(person=owner)
        f.TalkFactory(person=owner)
        f.TeachingFactory(person=owner)
        # Posts: the owner's (a project's write-up, tagged), a colleague's, the lab's, a draft.
        f.PostFactory(
            person=owner, date=today - datetime.timedelta(days=i), tags=["ml"], project=project
        )
        f.PostFactory(person=person, body="A colleague's *post*.")
        f.PostFactory(person=owner, lab=lab, title=f"Lab post {start + i}")
        f.PostFactory(person=owner, status="draft")
    if n:
        for order, kind in enumerate(["news", "publications", "projects", "talks", "teaching"]):
            f.ProfileSectionFactory(person=owner, kind=kind, title=kind.title(), order=10 + order)


class _TagCollector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.scripts: list[tuple[dict[str, str], str]] = []
        self._script: dict[str, str] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = {k: v or "" for k, v in attrs}
        self.tags.append((tag, attributes))
        if tag == "script":
            self._script, self._text = attributes, []

    def handle_data(self, data):
        if self._script is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            self.scripts.append((self._script, "".join(self._text)))
            self._script = None


def parse_html(html: str | bytes) -> _TagCollector:
    collector = _TagCollector()
    collector.feed(html.decode() if isinstance(html, bytes) else html)
    return collector


def meta_tags(html) -> list[tuple[str, str]]:
    """``(name or property, content)`` of every ``<meta>`` with content, in document order."""
    return [
        (attrs.get("name") or attrs.get("property"), attrs["content"])
        for tag, attrs in parse_html(html).tags
        if tag == "meta" and "content" in attrs and (attrs.get("name") or attrs.get("property"))
    ]


def links(html, rel: str) -> list[dict[str, str]]:
    return [
        attrs for tag, attrs in parse_html(html).tags if tag == "link" and attrs.get("rel") == rel
    ]


def json_ld(html) -> list[dict]:
    return [
        json.loads(text)
        for attrs, text in parse_html(html).scripts
        if attrs.get("type") == "application/ld+json"
    ]
