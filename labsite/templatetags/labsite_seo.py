"""Template tags for what machines read (JSON-LD) and what they must not (email addresses).

``{% load labsite_seo %}`` then:

- ``{% json_ld data %}`` → ``<script type="application/ld+json">…</script>``. The JSON comes
  from ``json.dumps`` with ``<``, ``>`` and ``&`` written as ``\\u003c``… so a name such as
  ``</script><script>…`` cannot end the element early.
- ``{% email_link person.email %}`` → the same markup as the front end's
  ``labsite/includes/_email.html``: the address only *reversed*, in ``data-email-r`` and in the
  text (CSS shows it right to left; ``static/labsite/site.js`` turns it into a ``mailto:``
  link). No readable address reaches the HTML, so harvesters find nothing.
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


@register.simple_tag
def email_link(email: str, css_class: str = "") -> SafeString:
    """The obfuscated email described in this module's docstring; nothing for no email."""
    email = (email or "").strip()
    if "@" not in email:
        return mark_safe("")
    reversed_email = email[::-1]
    classes = " ".join(filter(None, ["email", css_class]))
    return format_html(
        '<span class="{}" data-email-r="{}"><span class="email-text">{}</span></span>',
        classes,
        reversed_email,
        reversed_email,
    )
