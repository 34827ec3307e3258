"""factory_boy factories: the project's own test data."""

from __future__ import annotations

import factory
from django.contrib.auth import get_user_model
from django.contrib.sites.models import Site

from people.models import (
    CVEntry,
    Honor,
    Lab,
    Membership,
    NewsItem,
    Person,
    ProfileSection,
    Role,
    Talk,
    Teaching,
)
from publications.models import Authorship, Publication, PublicationLink
from research.models import Collaborator, Figure, Project


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    is_staff = True
    password = factory.django.Password("pw")


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site
        django_get_or_create = ("domain",)

    domain = factory.Sequence(lambda n: f"lab{n}.localhost")
    name = factory.LazyAttribute(lambda s: s.domain)


class LabFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lab

    slug = factory.Sequence(lambda n: f"lab-{n}")
    name = factory.Sequence(lambda n: f"Laboratory {n}")
    site = factory.SubFactory(
        SiteFactory, domain=factory.LazyAttribute(lambda s: f"{s.factory_parent.slug}.localhost")
    )


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"Person Number{n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    person = factory.SubFactory(PersonFactory)
    lab = factory.SubFactory(LabFactory)
    role = Role.PHD


class ProfileSectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProfileSection

    person = factory.SubFactory(PersonFactory)
    title = "About"
    body = "Some *prose*."


class NewsItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NewsItem

    person = factory.SubFactory(PersonFactory)
    text = factory.Sequence(lambda n: f"News number {n}")


class HonorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Honor

    person = factory.SubFactory(PersonFactory)
    title = factory.Sequence(lambda n: f"Award {n}")
    year = 2023


class CVEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CVEntry

    person = factory.SubFactory(PersonFactory)
    title = factory.Sequence(lambda n: f"Degree {n}")
    organization = "University of Examples"
    start_year = 2015
    end_year = 2019


class TalkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Talk

    person = factory.SubFactory(PersonFactory)
    title = factory.Sequence(lambda n: f"Talk {n}")
    event = "Workshop"


class TeachingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Teaching

    person = factory.SubFactory(PersonFactory)
    course = factory.Sequence(lambda n: f"Course {n}")
    role = "Teaching assistant"


class PublicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Publication

    title = factory.Sequence(lambda n: f"A Study of Things, Part {n}")
    venue = "Conference on Things"
    short_venue = "CoT"
    year = 2024


class AuthorshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Authorship

    publication = factory.SubFactory(PublicationFactory)
    person = factory.SubFactory(PersonFactory)
    name = factory.LazyAttribute(lambda a: a.person.name if a.person else "Outside Author")
    position = factory.Sequence(lambda n: n)


class PublicationLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PublicationLink

    publication = factory.SubFactory(PublicationFactory)
    kind = "paper"
    url = factory.Sequence(lambda n: f"https://example.org/paper/{n}")


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    lab = factory.SubFactory(LabFactory)
    title = factory.Sequence(lambda n: f"Project {n}")
    summary = "What we do."


class CollaboratorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Collaborator

    project = factory.SubFactory(ProjectFactory)
    person = factory.SubFactory(PersonFactory)
    name = factory.LazyAttribute(lambda c: c.person.name if c.person else "Outside Collaborator")


class FigureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Figure

    project = factory.SubFactory(ProjectFactory)
    alt_text = "A diagram"
