from __future__ import annotations

from django.http import HttpRequest


def lab(request: HttpRequest) -> dict:
    return {"lab": getattr(request, "lab", None)}
