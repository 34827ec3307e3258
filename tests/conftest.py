"""The fixed cast (STYLE.md): alice and bob are members of lab A, carol of lab B.

- ``alice`` owns content in lab A; ``bob`` owns other content in lab A; ``carol`` owns content
  in lab B. Every permission test has data that *could* leak: each of them owns one of
  everything.
- ``dana`` is lab A's lab admin; ``root`` is a superuser.
"""

from __future__ import annotations

import copy
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from labsite.cache import forget_labs
from people.models import Lab, Person
from tests import factories as f


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test databases, and a clean hand-over when they are dropped.

    On PostgreSQL ``DROP DATABASE`` refuses while any other session is connected (CI saw one
    straggler on a worker's database at the end of a run, after every test had passed). A
    session fixture can outlive the databases — the live server, when a browser test was this
    worker's first database test, keeps a connection per request thread. Every test is over by
    then: this process's connections are closed and any other session on its test databases is
    ended, so the drop cannot fail on a straggler.
    """
    yield
    with django_db_blocker.unblock():
        for conn in connections.all():
            if conn.vendor != "postgresql":
                continue
            with conn.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
        connections.close_all()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _clear_cache():
    # The process's host -> lab map too: the database is rolled back after each test, so a
    # later test's lab can have an earlier one's pk and version and be served the old object.
    cache.clear()
    forget_labs()
    yield
    cache.clear()
    forget_labs()


def make_lab_a() -> Lab:
    return f.LabFactory(slug="lab-a", name="Lab A", site__domain="lab-a.localhost", is_default=True)


def make_lab_b() -> Lab:
    return f.LabFactory(slug="lab-b", name="Lab B", site__domain="lab-b.localhost")


@pytest.fixture
def lab_a(db) -> Lab:
    return make_lab_a()


@pytest.fixture
def lab_b(db) -> Lab:
    return make_lab_b()


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


#: The cast's members: username -> (name, their lab, lab admin?). Fixtures and ``make_cast``.
MEMBERS = {
    "alice": ("Alice Anders", "lab_a", False),
    "bob": ("Bob Brown", "lab_a", False),
    "carol": ("Carol Chen", "lab_b", False),
    "dana": ("Dana Diaz", "lab_a", True),  # lab A's lab admin
}


def make_cast_member(username: str, lab: Lab) -> Member:
    name, _lab, lab_admin = MEMBERS[username]
    return make_member(username, name, lab, lab_admin=lab_admin)


def make_root():
    return f.UserFactory(username="root", is_superuser=True)


@pytest.fixture
def alice(lab_a) -> Member:
    return make_cast_member("alice", lab_a)


@pytest.fixture
def bob(lab_a) -> Member:
    return make_cast_member("bob", lab_a)


@pytest.fixture
def carol(lab_b) -> Member:
    return make_cast_member("carol", lab_b)


@pytest.fixture
def dana(lab_a) -> Member:
    """Lab A's lab admin."""
    return make_cast_member("dana", lab_a)


@pytest.fixture
def root(db):
    return make_root()


@pytest.fixture
def cast(alice, bob, carol, dana, root):
    return {"alice": alice, "bob": bob, "carol": carol, "dana": dana, "root": root}


def make_cast(lab_a: Lab, lab_b: Lab) -> dict:
    """The cast of the fixtures above, in the same order, for a module's shared rows."""
    labs = {"lab_a": lab_a, "lab_b": lab_b}
    members = {name: make_cast_member(name, labs[MEMBERS[name][1]]) for name in MEMBERS}
    return {**members, "root": make_root()}


@contextmanager
def rows_for_the_module(django_db_blocker):
    """Rows written once for a whole test module, as Django's ``TestCase.setUpTestData`` does.

    The rows are written inside a transaction that stays open while the module's tests run;
    each test's own transaction (pytest-django's ``db``) is then a savepoint inside it, rolled
    back after the test, so every test starts from exactly these rows. The transaction is rolled
    back when the module is done. Only for modules whose tests are all non-transactional
    (``django_db`` without ``transaction=True``); tests get deep copies of the Python objects
    (``shared_copy``) so that one test's changes to an instance never reach the next.
    """
    with django_db_blocker.unblock():
        cache.clear()
        forget_labs()
        try:
            with transaction.atomic(using=DEFAULT_DB_ALIAS):
                yield
                transaction.set_rollback(True, using=DEFAULT_DB_ALIAS)
        finally:
            cache.clear()
            forget_labs()


def shared_copy(rows):
    """A test's own copy of a module's shared Python objects (the rows are the same)."""
    return copy.deepcopy(rows)
