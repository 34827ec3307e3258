"""Sign-in throttling with django-axes: the pieces its settings point at (labsite/settings.py).

axes counts failed sign-ins per account *and* address and, past ``AXES_FAILURE_LIMIT``, refuses
that pair for ``AXES_COOLOFF_TIME`` even with the right password. This module gives it the
client's address (behind the proxy, the one the proxy saw), the page a locked-out person sees
(the sign-in page they used, with one clear message), and a backend for the sign-ins that come
with no request at all.
"""

from __future__ import annotations

import ipaddress
import math
from collections.abc import Mapping
from typing import Any

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_cool_off
from django.conf import settings
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse


class LockoutBackend(AxesStandaloneBackend):
    """axes' check, for every sign-in that comes with a request — each form on the web does
    (Django's login views and the admin's pass it on).

    ``authenticate()`` without a request is a call from code: Django's test client's ``login()``,
    a shell. It is no guess over the network and has no address to count it against; axes' own
    backend raises there, which would break ``client.login`` in every test. The next backend
    checks the password as usual.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)


def client_ip(request: HttpRequest) -> str | None:
    """The address a sign-in comes from (``AXES_CLIENT_IP_CALLABLE``).

    Behind the reverse proxy (``DJANGO_BEHIND_PROXY``) every request arrives from the proxy, so
    the address is the *last* X-Forwarded-For entry: the one the proxy appended. Entries before it
    are whatever the client sent and would let a guesser pick a new address for every try.
    """
    if getattr(settings, "LABSITE_BEHIND_PROXY", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        last = forwarded.rsplit(",", 1)[-1].strip()
        try:
            return str(ipaddress.ip_address(last))
        except ValueError:
            pass  # no header (a request from the proxy's own host): the socket's address
    return request.META.get("REMOTE_ADDR")


def lockout_message(request: HttpRequest | None = None) -> str:
    cool_off = get_cool_off(request)
    minutes = max(1, math.ceil(cool_off.total_seconds() / 60)) if cool_off else 0
    wait = f"try again in {minutes} minute{'s' if minutes != 1 else ''} or " if minutes else ""
    return (
        "Too many failed sign-ins for this account from this address; "
        f"{wait}ask your lab admin to unlock it."
    )


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: Mapping[str, Any] | None = None,
) -> HttpResponse:
    """The sign-in page that was just submitted, with the lock-out as its one error (status 429).

    axes hands over the login view's own response; its form is shown again with the lock-out
    message in place of "wrong password", so the person reads it where they typed. A view that
    kept no form (not a TemplateResponse) gets the message as plain text.
    """
    message = lockout_message(request)
    cool_off = get_cool_off(request)
    context = getattr(original_response, "context_data", None) or {}
    form = context.get("form")
    if isinstance(original_response, TemplateResponse) and isinstance(form, Form):
        form.errors.clear()
        form.add_error(None, ValidationError(message, code="locked_out"))
        response = TemplateResponse(
            request, original_response.template_name, context, status=429
        ).render()
    else:
        response = HttpResponse(message, status=429, content_type="text/plain; charset=utf-8")
    if cool_off:
        response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response
