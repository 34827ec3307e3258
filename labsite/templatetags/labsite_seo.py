"""Template tags for what machines read (JSON-LD) and what they must not (email addresses).

``{% load labsite_seo %}`` then:

- ``{% json_ld data %}`` → ``<script type="application/ld+json">…</script>``. The JSON comes
  from ``json.dumps`` with ``<``, ``>`` and ``&`` written as ``\\u003c``… so a name such as
  ``</script><script>…`` cannot end the element early.
- ``{% email_link person.email %}`` → an ``<a class="obfuscated-email">`` whose
  ``data-user`` and ``data-domain`` hold the two halves of the address *reversed*, with the
  readable fallback text ``ada [at] example [dot] org``. No ``mailto:`` and no ``@`` reach the
  HTML, so address harvesters find nothing; the front end's script reverses the halves, joins
  them with ``@``, and sets ``href`` to ``mailto:`` + address and the text to the address.
"""

from __future__ import annotations

import json
from typing import Any

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_JSON_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


def dumps_for_script(data: Any) -> str:
    """JSON text that is safe inside a ``<script>`` element (no ``</``, no ``<!--``)."""
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_JSON_ESCAPES)


@register.simple_tag
def json_ld(data: Any) -> SafeString:
    """A JSON-LD ``<script>`` for ``data``; nothing when ``data`` is empty."""
    if not data:
        return mark_safe("")
    return mark_safe(  # noqa: S308 - the JSON is escaped for a script element just above
        f'<script type="application/ld+json">{dumps_for_script(data)}</script>'
    )


def split_email(email: str) -> tuple[str, str] | None:
    email = (email or "").strip()
    user, sep, domain = email.rpartition("@")
    if not sep or not user or not domain:
        return None
    return user, domain


@register.simple_tag
def email_link(email: str, css_class: str = "") -> SafeString:
    """The obfuscated email link described in this module's docstring; nothing for no email."""
    parts = split_email(email)
    if parts is None:
        return mark_safe("")
    user, domain = parts
    readable = f"{user} [at] {domain.replace('.', ' [dot] ')}"
    classes = " ".join(filter(None, ["obfuscated-email", css_class]))
    return format_html(
        '<a class="{}" href="#" data-user="{}" data-domain="{}">{}</a>',
        classes,
        user[::-1],
        domain[::-1],
        readable,
    )
