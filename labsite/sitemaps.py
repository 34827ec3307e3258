"""The sitemap of one lab: its pages only, as absolute URLs on the request's host.

``django.contrib.sitemaps``' ``Sitemap`` classes, given the lab when the view builds them (the
lab comes from the request; it is never global). The view passes a ``RequestSite`` so the
URLs use the host the crawler asked for, not a ``Site`` row looked up again.
"""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from people.models import Lab, Person, Talk, Teaching
from publications.models import Publication
from research.models import Project


class LabSitemap(Sitemap):
    """A sitemap section of one lab. ``items`` return lists: the paginator then counts with
    ``len`` instead of a ``COUNT`` query, so the sitemap costs one query per section."""

    def __init__(self, lab: Lab):
        self.lab = lab


class SectionSitemap(LabSitemap):
    """The lab's fixed pages: home, people, research, publications, news."""

    names = [
        "people:lab_home",
        "people:list",
        "research:list",
        "publications:list",
        "people:news",
        "people:talk_list",
    ]

    def items(self) -> list[str]:
        return self.names

    def location(self, item: str) -> str:
        return reverse(item)

    def priority(self, item: str) -> float:
        return 1.0 if item == "people:lab_home" else 0.8


class PersonSitemap(LabSitemap):
    """Member homepages. The people are loaded once and shared with PersonPublicationsSitemap."""

    priority = 0.7

    def __init__(self, lab: Lab, people: list[Person] | None = None):
        super().__init__(lab)
        self.people = people

    def items(self):
        if self.people is None:
            self.people = list(Person.objects.for_lab(self.lab).order_by("slug"))
        return self.people

    def lastmod(self, person: Person):
        return person.updated


class PersonPublicationsSitemap(PersonSitemap):
    """Each member's full publication list."""

    priority = 0.5

    def location(self, person: Person) -> str:
        return reverse("people:publications", kwargs={"slug": person.slug})


class PersonPagesSitemap(PersonSitemap):
    """Each member's CV, and their talks and teaching pages when they have any (two queries)."""

    priority = 0.4

    def items(self):
        people = super().items()
        ids = [person.pk for person in people]
        talks = set(Talk.objects.filter(person__in=ids).values_list("person", flat=True))
        teaching = set(Teaching.objects.filter(person__in=ids).values_list("person", flat=True))
        pages = []
        for person in people:
            pages.append((person, "people:cv"))
            if person.pk in talks:
                pages.append((person, "people:talks"))
            if person.pk in teaching:
                pages.append((person, "people:teaching"))
        return pages

    def location(self, item) -> str:
        person, name = item
        return reverse(name, kwargs={"slug": person.slug})

    def lastmod(self, item):
        return item[0].updated


class ProjectSitemap(LabSitemap):
    priority = 0.6

    def items(self):
        return list(Project.objects.for_lab(self.lab).published().order_by("slug"))

    def lastmod(self, project: Project):
        return project.updated


class PublicationSitemap(LabSitemap):
    priority = 0.5

    def items(self):
        return list(Publication.objects.for_lab(self.lab).order_by("pk"))

    def lastmod(self, publication: Publication):
        return publication.updated


def sitemaps_for(lab: Lab) -> list[Sitemap]:
    people = PersonSitemap(lab)
    return [
        SectionSitemap(lab),
        people,
        PersonPublicationsSitemap(lab, people=people.items()),
        PersonPagesSitemap(lab, people=people.items()),
        ProjectSitemap(lab),
        PublicationSitemap(lab),
    ]
