"""The admin's start page panel and the Person admin's member buttons (templates/admin/)."""

from __future__ import annotations

from django import template
from django.http import HttpRequest
from django.urls import reverse

from labsite import permissions
from labsite.admin import labs_of, public_url
from labsite.member_admin import invite_action as _invite_action
from labsite.review_admin import review_counts
from people.models import NewsItem, Person, Talk
from publications.models import Publication

register = template.Library()


@register.simple_tag(takes_context=True)
def may_add_member(context) -> bool:
    return permissions.can_invite(context["request"].user)


@register.simple_tag(takes_context=True)
def invite_action(context, person: Person | None) -> dict | None:
    return _invite_action(context["request"], person)


def start_links(request: HttpRequest, person: Person) -> dict:
    """What a member sees first on the admin's start page: their homepage and their things."""
    user = request.user
    links = [
        {
            "label": "View my homepage",
            "url": public_url(request, person.get_absolute_url(), labs_of(person)),
            "kind": "viewlink",
        },
        {
            "label": "Edit my profile",
            "url": reverse("admin:people_person_change", args=[person.pk]),
            "kind": "changelink",
        },
    ]
    for model, label in [
        (Publication, "Add a publication"),
        (NewsItem, "Add news"),
        (Talk, "Add a talk"),
    ]:
        if permissions.can_add(user, model):
            opts = model._meta
            links.append(
                {
                    "label": label,
                    "url": reverse(f"admin:{opts.app_label}_{opts.model_name}_add"),
                    "kind": "addlink",
                }
            )
    if permissions.can_invite(user):
        links.append(
            {
                "label": "Add a member",
                "url": reverse("admin:people_person_add_member"),
                "kind": "addlink",
            }
        )
    papers = Publication.objects.filter(authorships__person=person).distinct().count()
    news = NewsItem.objects.filter(person=person).count()
    review = review_counts(request)
    return {
        "person": person,
        "links": links,
        "papers": papers,
        "news": news,
        "review": review,
        "review_total": sum(item["count"] for item in review),
    }


@register.simple_tag(takes_context=True)
def start_panel(context) -> dict | None:
    """``start_links`` for the signed-in user's Person, or ``None`` (no Person: no panel)."""
    request = context["request"]
    if not request.user.is_authenticated:
        return None
    person = Person.objects.filter(user=request.user).first()
    return start_links(request, person) if person is not None else None
