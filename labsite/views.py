"""Site-wide views: health check, robots.txt, sitemap, and the 404 and 500 handlers."""

from __future__ import annotations

import logging

from django.contrib.sites.requests import RequestSite
from django.db import connection
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseNotFound,
    HttpResponseServerError,
    JsonResponse,
)
from django.template import TemplateDoesNotExist, loader
from django.template.response import TemplateResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_safe

from labsite.seo import absolute
from labsite.sitemaps import sitemaps_for

logger = logging.getLogger(__name__)


@require_safe
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any database failure means unhealthy
        return JsonResponse({"status": "error", "database": type(exc).__name__}, status=503)
    return JsonResponse({"status": "ok"})


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    """Crawl everything public; keep out of the admin and of search results (one page per
    query typed); name this host's sitemap."""
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /markdownx/",
        "Disallow: /search/",
        "",
        f"Sitemap: {absolute(request, '/sitemap.xml')}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


@require_safe
def sitemap(request: HttpRequest) -> HttpResponse:
    """The request's lab's pages, as absolute URLs on the request's host (and scheme).

    Written instead of ``django.contrib.sitemaps.views.sitemap`` because that view looks the
    ``Site`` up again by host (failing on the default-lab fallback hosts) and has no lab.
    """
    lab = getattr(request, "lab", None)
    urls = []
    if lab is not None:
        site = RequestSite(request)
        for section in sitemaps_for(lab):
            urls.extend(section.get_urls(site=site, protocol=request.scheme))
    return TemplateResponse(
        request, "sitemap.xml", {"urlset": urls}, content_type="application/xml; charset=utf-8"
    )


FALLBACK_404 = "<!doctype html><title>Not found</title><h1>Not found</h1>"
FALLBACK_500 = "<!doctype html><title>Server error</title><h1>Server error</h1>"


@requires_csrf_token
def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """``404.html`` with the request's context (``lab``, from the middleware, already loaded)."""
    try:
        template = loader.get_template("404.html")
    except TemplateDoesNotExist:
        return HttpResponseNotFound(FALLBACK_404)
    context = {"request_path": request.path}
    return HttpResponseNotFound(template.render(context, request))


def server_error(request: HttpRequest) -> HttpResponse:
    """``500.html`` rendered with an empty context and no request.

    Something already went wrong, perhaps the database: this handler touches neither the
    database nor ``request.lab`` (no context processors run without a request), and falls back
    to plain HTML if the template itself fails.
    """
    try:
        html = loader.get_template("500.html").render()
    except Exception:  # a broken error page must not hide the original error
        logger.exception("500.html could not be rendered")
        html = FALLBACK_500
    return HttpResponseServerError(html)
