"""The fixed cast (STYLE.md): alice and bob are members of lab A, carol of lab B.

- ``alice`` owns content in lab A; ``bob`` owns other content in lab A; ``carol`` owns content
  in lab B. Every permission test has data that *could* leak: each of them owns one of
  everything.
- ``dana`` is lab A's lab admin; ``root`` is a superuser.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.core.cache import cache

from people.models import Lab, Person
from tests import factories as f


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def lab_a(db) -> Lab:
    return f.LabFactory(slug="lab-a", name="Lab A", site__domain="lab-a.localhost", is_default=True)


@pytest.fixture
def lab_b(db) -> Lab:
    return f.LabFactory(slug="lab-b", name="Lab B", site__domain="lab-b.localhost")


@dataclass
class Member:
    """A member with an account and one of everything a member can own."""

    user: object
    person: Person
    section: object
    news: object
    honor: object
    cv_entry: object
    talk: object
    teaching: object
    publication: object
    project: object

    @property
    def username(self) -> str:
        return self.user.username


def make_member(username: str, name: str, lab: Lab, *, lab_admin: bool = False) -> Member:
    user = f.UserFactory(username=username)
    person = f.PersonFactory(name=name, user=user)
    f.MembershipFactory(person=person, lab=lab, is_lab_admin=lab_admin)
    publication = f.PublicationFactory(title=f"{name}'s paper")
    f.AuthorshipFactory(publication=publication, person=person, position=0)
    f.AuthorshipFactory(publication=publication, person=None, name="Outside Author", position=1)
    project = f.ProjectFactory(lab=lab, title=f"{name}'s project", owner=person)
    return Member(
        user=user,
        person=person,
        section=f.ProfileSectionFactory(person=person, title=f"About {name}"),
        news=f.NewsItemFactory(person=person, text=f"{name} news"),
        honor=f.HonorFactory(person=person, title=f"{name} award"),
        cv_entry=f.CVEntryFactory(person=person, title=f"{name} degree"),
        talk=f.TalkFactory(person=person, title=f"{name} talk"),
        teaching=f.TeachingFactory(person=person, course=f"{name} course"),
        publication=publication,
        project=project,
    )


@pytest.fixture
def alice(lab_a) -> Member:
    return make_member("alice", "Alice Anders", lab_a)


@pytest.fixture
def bob(lab_a) -> Member:
    return make_member("bob", "Bob Brown", lab_a)


@pytest.fixture
def carol(lab_b) -> Member:
    return make_member("carol", "Carol Chen", lab_b)


@pytest.fixture
def dana(lab_a) -> Member:
    """Lab A's lab admin."""
    return make_member("dana", "Dana Diaz", lab_a, lab_admin=True)


@pytest.fixture
def root(db):
    return f.UserFactory(username="root", is_superuser=True)


@pytest.fixture
def cast(alice, bob, carol, dana, root):
    return {"alice": alice, "bob": bob, "carol": carol, "dana": dana, "root": root}
