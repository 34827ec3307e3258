"""bench_http's B: a naive Django view listing a member's papers through a template, beside
every URL of the site (``labsite.urls``)."""

import os

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template import engines
from django.urls import path

from labsite import urls as site_urls
from people.models import Person
from publications.models import Publication

NAIVE = engines["django"].from_string(
    """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{{ person.name }}: publications</title></head><body><h1>{{ person.name }}</h1><ol>
{% for p in publications %}<li><strong>{{ p.title }}</strong><br>
{% for a in p.authorships.all %}{{ a.name }}{% if not forloop.last %}, {% endif %}{% endfor %}<br>
<em>{{ p.venue }}</em> ({{ p.short_venue }}), {{ p.year }}, pp. {{ p.pages }}.
{% for link in p.links.all %}<a href="{{ link.url }}">{{ link.kind }}</a> {% endfor %}
<a href="https://doi.org/{{ p.doi }}">doi:{{ p.doi }}</a></li>
{% endfor %}</ol></body></html>"""
)


def worker_pid(get_response):
    """Middleware: which gunicorn worker answered."""
    pid = str(os.getpid())

    def middleware(request):
        response = get_response(request)
        response["X-Worker-Pid"] = pid
        return response

    return middleware


def naive(request, slug):
    person = get_object_or_404(Person, slug=slug)
    publications = (
        Publication.objects.filter(authorships__person=person)
        .prefetch_related("authorships", "links")
        .order_by("-year", "pk")
    )
    return HttpResponse(NAIVE.render({"person": person, "publications": publications}))


urlpatterns = [path("_bench/naive/<slug:slug>/", naive), *site_urls.urlpatterns]
handler404 = site_urls.handler404
handler500 = site_urls.handler500
