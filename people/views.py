"""Public pages of a lab and its members.

Every query goes through ``for_lab(self.lab)`` or the lab's relations (LabMixin gives
``self.lab``); a person who is not a member of the request's lab answers 404. Each page runs a
fixed number of queries however much it shows: lists are fetched with select_related or
prefetch_related, never one query per row (tests/public/test_query_counts.py counts them).
"""

from __future__ import annotations

from itertools import groupby

from django.db.models import Exists, F, OuterRef, Prefetch, Q
from django.views.generic import DetailView, ListView, TemplateView

from labsite.lab_home import lab_home_context
from labsite.mixins import LabMixin, PaginatedCacheMixin
from labsite.seo import PageMetaMixin, organization_ld, page_meta, person_ld, plain
from people.models import (
    ROLE_ORDER,
    Membership,
    NewsItem,
    Person,
    Post,
    ProfileSection,
    Role,
    SectionKind,
)
from publications.entries import LIST_FIELDS, attach_entry_html
from publications.models import Authorship, Publication
from research.models import Project
from research.views import PROJECT_ORDER

#: How many recent papers a homepage shows when its owner selected none.
RECENT_PUBLICATIONS = 10
#: Publication headings that only say "papers": the page puts the accurate one in their place
#: ("Selected publications" over a selection, "Recent publications" over the latest few). Any
#: other heading is the member's own words and is kept.
GENERIC_PUBLICATION_HEADINGS = frozenset(
    {"publications", "selected publications", "recent publications"}
)
#: Role headings of the people page when more than one person holds the role.
ROLE_PLURALS = {
    Role.PI: "Principal investigators",
    Role.FACULTY: "Faculty",
    Role.POSTDOC: "Postdocs",
    Role.PHD: "PhD students",
    Role.MASTERS: "Master's students",
    Role.UNDERGRAD: "Undergraduates",
    Role.STAFF: "Staff",
    Role.VISITOR: "Visitors",
}


class LabHomeView(LabMixin, PageMetaMixin, TemplateView):
    """The lab's front page: a lab's page, whatever it has yet (labsite/lab_home.py).

    Context: ``highlights`` (the ``HIGHLIGHTS`` latest news items marked "highlight"), ``news``
    (the 5 latest others, lab's and members'), ``projects`` (featured — or, when the lab featured
    none, its latest — with ``figures`` prefetched), ``people`` (current members, PI first, each
    a Membership with ``person``), ``people_total``, ``posts`` (the latest published posts),
    ``publications`` (8 most recent), ``lab_member_ids`` (LabMixin; pks of the lab's people:
    link those authors), ``meta``, ``json_ld``. Every listed publication carries
    ``entry_html`` (publications/entries.py). A section with nothing to show is left out.
    """

    template_name = "people/lab_home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(lab_home_context(self.lab))
        context["publications"] = attach_entry_html(
            Publication.objects.for_lab(self.lab).only(*LIST_FIELDS).newest_first()[:8],
            member_ids=context["lab_member_ids"],
        )
        return context

    def get_meta(self, context):
        description = self.lab.tagline or plain(self.lab.about_html)
        return page_meta(self.request, title=self.lab.name, description=description)

    def get_json_ld(self, context):
        return organization_ld(self.request, self.lab)


def people_groups(memberships: list[Membership]) -> list[tuple[str, list[Membership]]]:
    """``[(heading, memberships)]``: current members by role (DESIGN order), former members last.

    A person with several roles appears once, under their first (current) one. Role headings are
    plural ("PhD students") unless one person holds the role ("Principal investigator").
    """
    ordered = sorted(
        memberships,
        key=lambda m: (m.is_alumnus, ROLE_ORDER.get(m.role, 99), m.order, m.person.name, m.pk),
    )
    seen: set[int] = set()
    unique = []
    for membership in ordered:
        if membership.person_id not in seen:
            seen.add(membership.person_id)
            unique.append(membership)
    groups: list[tuple[str, list[Membership]]] = []
    for alumni, rows in groupby(unique, key=lambda m: m.is_alumnus):
        rows = list(rows)
        if alumni:
            groups.append(("Former members" if len(rows) > 1 else "Former member", rows))
        else:
            for role, role_rows in groupby(rows, key=lambda m: m.role):
                role_rows = list(role_rows)
                heading = role_rows[0].get_role_display()
                if len(role_rows) > 1:
                    heading = ROLE_PLURALS.get(role, heading)
                groups.append((heading, role_rows))
    return groups


class PeopleListView(LabMixin, PageMetaMixin, TemplateView):
    """People by role, alumni last.

    Context: ``groups`` — ``[(heading, [Membership])]``; each membership has ``person``
    loaded, ``role_label``, ``is_alumnus`` and ``next_position`` (where an alumnus went).
    """

    template_name = "people/person_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        memberships = list(Membership.objects.for_lab(self.lab).select_related("person"))
        context["groups"] = people_groups(memberships)
        return context

    def get_meta(self, context):
        return page_meta(
            self.request,
            title=f"People — {self.lab.name}",
            description=f"Members and alumni of {self.lab.name}.",
        )


class LabPersonMixin(LabMixin):
    """A person page: only members (current or past) of the request's lab exist here."""

    context_object_name = "person"

    def get_queryset(self):
        return Person.objects.for_lab(self.lab)


class PersonDetailView(LabPersonMixin, PageMetaMixin, DetailView):
    """A member's homepage: every kind of content they have, without hand-made sections.

    Context:
    - ``person``; its ``sections``, ``news``, ``honors``, ``talks``, ``teaching`` are prefetched
      (``person.sections.all`` etc. cost no query).
    - ``sections``: ``Person.homepage_sections`` — the visible stored ProfileSections in their
      order, then a default section (unsaved) for each kind with rows but no stored section;
      each has ``.rows`` (news items, publications, projects, talks, teaching, honors; ``[]``
      for prose) and ``.heading`` (its title; for publications the accurate one, see
      ``publications_heading``).
    - ``news``, ``talks``, ``teaching``, ``honors``: the same rows as lists.
    - ``selected_publications``: the papers the member selected, else their
      ``RECENT_PUBLICATIONS`` most recent; ``showing_selected`` says which;
      ``publications_total``: how many papers the member shows in all (not hidden);
      ``publications_more``: whether to end the list with "All publications (N) →".
    - ``projects``: the lab's published projects the member owns or collaborates on.
    - ``memberships``: the member's memberships in this lab (``role_label``, ``is_alumnus``,
      ``next_position``).
    - ``lab_member_ids`` (LabMixin): pks of the lab's people (link those authors); ``meta``;
      ``json_ld``. Every listed publication carries ``entry_html`` (publications/entries.py:
      the member highlighted, the lab's people linked).
    - ``person_feed``: the path of the member's Atom feed; ``person.has_posts``: whether they
      have published blog posts (the page links to ``/people/<slug>/posts/``).
    The email is printed with ``{% email_link person.email %}`` (``labsite_seo``).
    """

    template_name = "people/person_detail.html"

    def get_queryset(self):
        own_posts = Post.objects.published().for_person(OuterRef("pk"))
        return (
            super()
            .get_queryset()
            .annotate(has_posts=Exists(own_posts))  # the "Blog" link; no query of its own
            .prefetch_related(
                "sections",
                "honors",
                "talks",
                "teaching",
                Prefetch("news", queryset=NewsItem.objects.order_by("-date", "order", "-pk")),
                Prefetch(
                    "memberships",
                    queryset=Membership.objects.for_lab(self.lab).order_by(
                        F("start").desc(nulls_last=True), "pk"
                    ),
                    to_attr="lab_memberships",
                ),
            )
        )

    def homepage_publications(self, person: Person) -> tuple[list[Publication], bool, int]:
        """The selected papers, or the most recent ones (one query whatever the case), and how
        many papers the member has in all (one more)."""
        mine = Publication.objects.for_person(person)
        selected = Authorship.objects.filter(
            publication=OuterRef("pk"), person=person, selected=True, hidden=False
        )
        recent = mine.newest_first().values("pk")[:RECENT_PUBLICATIONS]
        rows = list(
            mine.annotate(is_selected=Exists(selected))
            .filter(Q(is_selected=True) | Q(pk__in=recent))
            .only(*LIST_FIELDS)
            .newest_first()
        )
        total = mine.count()
        chosen = [p for p in rows if p.is_selected]
        if chosen:
            return chosen, True, total
        return rows, False, total

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        person = self.object
        publications, showing_selected, total = self.homepage_publications(person)
        attach_entry_html(publications, owner=person, member_ids=context["lab_member_ids"])
        projects = list(
            Project.objects.for_lab(self.lab)
            .published()
            .for_person(person)
            .order_by(*PROJECT_ORDER)
        )
        rows = {
            SectionKind.NEWS: list(person.news.all()),
            SectionKind.PUBLICATIONS: publications,
            SectionKind.PROJECTS: projects,
            SectionKind.TALKS: list(person.talks.all()),
            SectionKind.TEACHING: list(person.teaching.all()),
            SectionKind.HONORS: list(person.honors.all()),
        }
        sections: list[ProfileSection] = person.homepage_sections(rows)
        for section in sections:
            section.heading = section.title
            if section.kind == SectionKind.PUBLICATIONS:
                section.heading = publications_heading(
                    section.title,
                    showing_selected=showing_selected,
                    shown=len(publications),
                    total=total,
                )
        context.update(
            sections=sections,
            news=rows[SectionKind.NEWS],
            selected_publications=publications,
            showing_selected=showing_selected,
            publications_total=total,
            publications_more=showing_selected or total > len(publications),
            projects=projects,
            honors=rows[SectionKind.HONORS],
            talks=rows[SectionKind.TALKS],
            teaching=rows[SectionKind.TEACHING],
            memberships=person.lab_memberships,
            person_feed=person_feed_path(person),
        )
        return context

    def get_meta(self, context):
        person = self.object
        roles = [m.role_label for m in person.lab_memberships if not m.is_alumnus]
        job = person.position or (roles[0] if roles else "")
        where = person.affiliation or self.lab.name
        summary = f"{person.name}, {job} — {where}" if job else f"{person.name} — {where}"
        description = plain(person.bio_html) or summary
        image = person.avatar_display
        return page_meta(
            self.request,
            title=person.name,
            description=description,
            image=image.url if image else None,
            type="profile",
            feeds=[(f"{person.name} — news", person_feed_path(person))],
        )

    def get_json_ld(self, context):
        return person_ld(self.request, self.object, self.lab, self.object.lab_memberships)


def publications_heading(title: str, *, showing_selected: bool, shown: int, total: int) -> str:
    """The heading over a homepage's papers: the member's own, unless it is a generic one.

    A generic heading ("Publications", or a default section's) says what is really listed:
    "Selected publications" over a selection — ticking "Selected" on one paper of seven must not
    leave one paper under "Publications" —, "Recent publications" over the latest few, and
    "Publications" when that is all of them.
    """
    if " ".join(title.split()).casefold() not in GENERIC_PUBLICATION_HEADINGS:
        return title
    if showing_selected:
        return "Selected publications"
    return "Publications" if shown >= total else "Recent publications"


def person_feed_path(person: Person) -> str:
    return f"{person.get_absolute_url()}feed.xml"


class PersonPublicationsView(LabPersonMixin, PageMetaMixin, DetailView):
    """All of a member's publications (not the ones they hid), newest first.

    Context: ``person``, ``publications`` (each with ``entry_html``, publications/entries.py),
    ``publications_by_year`` — ``[(year or None, [Publication])]`` in page order —,
    ``lab_member_ids`` (LabMixin), ``meta``.
    """

    template_name = "people/person_publications.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        publications = attach_entry_html(
            Publication.objects.for_person(self.object).only(*LIST_FIELDS).newest_first(),
            owner=self.object,
            member_ids=context["lab_member_ids"],
        )
        context["publications"] = publications
        context["publications_by_year"] = [
            (year, list(rows)) for year, rows in groupby(publications, key=lambda p: p.year)
        ]
        return context

    def get_meta(self, context):
        person = self.object
        return page_meta(
            self.request,
            title=f"Publications — {person.name}",
            description=f"All publications of {person.name}, by year.",
        )


class NewsListView(LabMixin, PageMetaMixin, PaginatedCacheMixin, ListView):
    """The lab's news and its members', newest first, 50 a page.

    Context: ``news`` (each with ``person`` loaded), the paginator's ``page_obj``, ``meta``.
    """

    template_name = "people/newsitem_list.html"
    context_object_name = "news"
    paginate_by = 50

    def get_queryset(self):
        return (
            NewsItem.objects.for_lab(self.lab)
            .select_related("person")
            .order_by("-date", "order", "-pk")
        )

    def get_meta(self, context):
        return page_meta(
            self.request,
            title=f"News — {self.lab.name}",
            description=f"News from {self.lab.name}.",
        )
