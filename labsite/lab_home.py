"""What the lab's front page shows besides its papers: a fixed handful of queries.

A lab's home is the lab's page: its about text, featured projects with their figures, its
people with their photos and roles, recent news and posts (and, in the view, recent papers).
The lab admin chooses what is featured (``Project.is_featured``) and writes the about text
(``Lab.about``) in the admin. A lab that featured no project shows its latest ones, so a new
lab's home is not a list of headings over nothing; every section with nothing in it is left
out, and the template's layout closes up around what remains.
"""

from __future__ import annotations

from typing import Any

from people.models import ROLE_ORDER, Lab, Membership, NewsItem, Post
from research.models import Project

#: How many highlighted news items the home page shows in its "Highlights" place.
HIGHLIGHTS = 3
#: News lines in the side column.
NEWS = 5
#: Project cards: featured ones (at most this many), else the latest few.
FEATURED = 6
LATEST_PROJECTS = 3
#: Faces in the "People" strip; the people page has everyone.
PEOPLE = 12
#: Posts in the side column.
POSTS = 3


def _project_order() -> tuple:
    from research.views import PROJECT_ORDER

    return PROJECT_ORDER


def lab_home_context(lab: Lab) -> dict[str, Any]:
    """``highlights``, ``news``, ``projects``, ``projects_featured``, ``people``,
    ``people_total``, ``posts`` and ``has_aside`` for ``lab``'s home page (6 queries, whatever
    their size)."""
    news = NewsItem.objects.for_lab(lab).select_related("person")
    highlights = list(news.filter(is_highlight=True)[:HIGHLIGHTS])
    others = list(news.exclude(pk__in=[item.pk for item in highlights])[:NEWS])
    # Featured first, in the lab's order: one query answers both "featured" and "else latest".
    candidates = list(
        Project.objects.for_lab(lab)
        .published()
        .prefetch_related("figures")
        .order_by("-is_featured", *_project_order())[:FEATURED]
    )
    featured = [project for project in candidates if project.is_featured]
    projects = featured or candidates[:LATEST_PROJECTS]
    current = sorted(
        Membership.objects.for_lab(lab).current().select_related("person"),
        key=lambda m: (ROLE_ORDER.get(m.role, 99), m.order, m.person.name, m.pk),
    )
    seen: set[int] = set()
    people = []
    for membership in current:
        if membership.person_id not in seen:
            seen.add(membership.person_id)
            people.append(membership)
    posts = list(
        Post.objects.for_lab(lab).published().select_related("person", "lab").newest_first()[:POSTS]
    )
    return {
        "highlights": highlights,
        "news": others,
        "projects": projects,
        "projects_featured": bool(featured),
        "people": people[:PEOPLE],
        "people_total": len(people),
        "posts": posts,
        # The side column (news, posts); without it the page is one column, not a gap.
        "has_aside": bool(others or posts),
    }
