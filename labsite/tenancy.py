"""The current lab, resolved once per request from the host (DESIGN.md: Tenancy).

``SITE_ID`` is unset, so the host picks the ``Site`` and through it the ``Lab``. A host that
matches no site falls back to the default lab, so ``http://127.0.0.1:8000/`` works for a
single-lab install. The lab is kept on the request, never in a global.
"""

from __future__ import annotations

from django.contrib.sites import models as sites_models
from django.contrib.sites.requests import RequestSite
from django.db.models import Q
from django.http import HttpRequest

from people.models import Lab


def split_domain_port(host: str) -> str:
    host = host.lower().strip()
    if host.startswith("["):
        return host.split("]", 1)[0] + "]"
    host = host.rsplit(":", 1)[0] if ":" in host else host
    # "lab.example.org." is the fully qualified spelling of the same name (Django's
    # ALLOWED_HOSTS check accepts it): serve that lab, not the default one.
    return host.removesuffix(".")


def lab_for_host(host: str) -> Lab | None:
    """The lab served on ``host`` (with or without its port), else the default lab, else None."""
    host = host.lower().strip()
    bare = split_domain_port(host)
    candidates = {host, bare}
    # A Site's domain is typed by hand in the admin: compare without case.
    matching = Q()
    for candidate in candidates:
        matching |= Q(site__domain__iexact=candidate)
    labs = {
        lab.site.domain.lower(): lab for lab in Lab.objects.select_related("site").filter(matching)
    }
    lab = labs.get(host) or labs.get(bare)
    if lab is not None:
        return lab
    return default_lab()


def default_lab() -> Lab | None:
    return (
        Lab.objects.select_related("site").filter(is_default=True).first()
        or Lab.objects.select_related("site").order_by("pk").first()
    )


def lab_for_request(request: HttpRequest) -> Lab | None:
    """The request's lab: kept per host by the page cache's map while the lab's content version
    is unchanged (one cheap lookup; see labsite/cache.py), so a request the page cache does not
    answer — a member's admin page, a rendering for the static export — does not load the lab
    and its site again (two queries on a fallback host)."""
    if not hasattr(request, "_lab_cache"):
        from labsite.cache import current_lab

        request._lab_cache, request._lab_version, _ = current_lab(request)
    return request._lab_cache


def lab_version(request: HttpRequest):
    """The content version the request's lab was seen at (``None``: not known): what derived
    per-lab data may be kept under, as the page cache keeps pages (labsite/cache.py)."""
    return getattr(request, "_lab_version", None)


class LabMiddleware:
    """Sets ``request.lab`` (a ``Lab`` or ``None`` when no lab exists yet)."""

    def __init__(self, get_response):
        self.get_response = get_response

    #: Paths that need no lab and must not touch the database before their view runs: the
    #: health check answers 503 itself when the database is down, instead of erroring here.
    no_lab_paths = frozenset({"/healthz"})

    def __call__(self, request: HttpRequest):
        if request.path_info in self.no_lab_paths:
            request.lab = None
        else:
            request.lab = lab_for_request(request)
            agree_with_sites_framework(request, request.lab)
        return self.get_response(request)


#: Most hosts kept in Django's ``SITE_CACHE`` (see ``agree_with_sites_framework``).
SITE_CACHE_LIMIT = 1000


def agree_with_sites_framework(request: HttpRequest, lab: Lab | None) -> None:
    """Make Django's own ``get_current_site(request)`` answer what this request resolved to.

    With ``SITE_ID`` unset, Django's login view, feeds and contenttypes' "view on site" look a
    ``Site`` up by host and raise ``Site.DoesNotExist`` on a host no Site has — the fallback hosts
    (``127.0.0.1:8000`` for a lab on ``vital.localhost``), where the admin login page then
    crashed. Django caches that lookup per host in ``SITE_CACHE``; writing this request's answer
    there (the lab's Site, or a ``RequestSite`` when there is no lab yet) before the view runs
    makes both agree. It is rewritten on every request, so it is never staler than ``request.lab``.
    """
    host = request.get_host()
    if host not in sites_models.SITE_CACHE and len(sites_models.SITE_CACHE) >= SITE_CACHE_LIMIT:
        # Hosts come from visitors: with a wildcard in ALLOWED_HOSTS (".lab.example.org") each
        # made-up subdomain would add an entry to this process-wide dict forever.
        sites_models.SITE_CACHE.clear()
    sites_models.SITE_CACHE[host] = lab.site if lab is not None else RequestSite(request)
