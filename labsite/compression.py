"""gzip for public responses the page cache does not store (a 404, a filtered list it was not
allowed to keep, a feed the view marked private…), never for what may carry a secret.

The page cache compresses what it stores itself, once (labsite/cache.py); this middleware sits
just outside it and skips any response that already has a ``Content-Encoding``.

BREACH: compressing a response that holds a secret next to text an attacker can make the page
reflect leaks the secret byte by byte through the response's length. So nothing is compressed
for a request with a session cookie (a member's own pages, whatever they show), under the admin
and markdownx, or when the response sets a cookie (a page that holds a CSRF token always sets
its cookie); what is left are anonymous public pages, which hold no secret. Django's own
``GZipMiddleware`` does the compressing, with its random padding ("Heal The Breach") on top.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.middleware.gzip import GZipMiddleware
from django.utils.cache import patch_vary_headers

from labsite.cache import accepts_gzip, compressible, settings_conf

#: Paths never compressed: the signed-in editing side.
PRIVATE_PATHS = ("/admin/", "/markdownx/")


class PublicGZipMiddleware(GZipMiddleware):
    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if response.has_header("Content-Encoding"):
            # A page cache hit, already gzip: GZipMiddleware would pass it too, after the
            # checks below, which every hit would pay for.
            return response
        if (
            settings_conf()["session_cookie"] in request.COOKIES
            or request.path.startswith(PRIVATE_PATHS)
            # A CSRF token used in the page sets (renews) its cookie; any cookie may be a secret.
            or response.cookies
            or not compressible(response.get("Content-Type", ""))
        ):
            return response
        if not accepts_gzip(request):  # Django's own check takes "gzip;q=0" for a yes
            patch_vary_headers(response, ["Accept-Encoding"])
            return response
        return super().process_response(request, response)
