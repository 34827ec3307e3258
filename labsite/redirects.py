"""Old addresses answer with a permanent redirect (DESIGN.md: imported permalinks and
``redirect_from`` entries).

Only when the page would otherwise be a 404, so a ``Redirect`` row can never shadow a real
page, and only the request's lab's rows: one lab's old paths never move another lab's visitors.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect

from labsite.models import Redirect


def candidate_paths(request: HttpRequest) -> list[str]:
    """The request's path as a ``Redirect.old_path`` may have stored it: with its query string,
    without, and with or without a trailing slash."""
    path = request.path
    paths = [request.get_full_path(), path]
    paths.append(path[:-1] if path.endswith("/") and len(path) > 1 else path + "/")
    return list(dict.fromkeys(paths))


class RedirectFallbackMiddleware:
    """Turns a 404 into a 301 when the request's lab has a ``Redirect`` for the path."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        lab = getattr(request, "lab", None)
        if response.status_code != 404 or lab is None:
            return response
        # A NUL cannot be in a stored path, and PostgreSQL refuses one in a query (a 500 for
        # ``/x%00/``): such paths stay the 404 they are.
        paths = [path for path in candidate_paths(request) if "\x00" not in path]
        if not paths:
            return response
        found = {
            r.old_path: r.new_path
            for r in Redirect.objects.filter(lab=lab, old_path__in=paths).only(
                "old_path", "new_path"
            )
        }
        for path in paths:  # most specific first
            new_path = found.get(path)
            if new_path and new_path != request.get_full_path():
                return HttpResponsePermanentRedirect(new_path)
        return response
