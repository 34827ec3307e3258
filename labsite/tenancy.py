"""The current lab, resolved once per request from the host (DESIGN.md: Tenancy).

``SITE_ID`` is unset, so the host picks the ``Site`` and through it the ``Lab``. A host that
matches no site falls back to the default lab, so ``http://127.0.0.1:8000/`` works for a
single-lab install. The lab is kept on the request, never in a global.
"""

from __future__ import annotations

from django.http import HttpRequest

from people.models import Lab


def split_domain_port(host: str) -> str:
    host = host.lower().strip()
    if host.startswith("["):
        return host.split("]", 1)[0] + "]"
    return host.rsplit(":", 1)[0] if ":" in host else host


def lab_for_host(host: str) -> Lab | None:
    """The lab served on ``host`` (with or without its port), else the default lab, else None."""
    host = host.lower().strip()
    bare = split_domain_port(host)
    candidates = {host, bare}
    labs = {
        lab.site.domain.lower(): lab
        for lab in Lab.objects.select_related("site").filter(site__domain__in=candidates)
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
    if not hasattr(request, "_lab_cache"):
        request._lab_cache = lab_for_host(request.get_host())
    return request._lab_cache


class LabMiddleware:
    """Sets ``request.lab`` (a ``Lab`` or ``None`` when no lab exists yet)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        request.lab = lab_for_request(request)
        return self.get_response(request)
