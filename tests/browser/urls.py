"""The project's URLs plus uploaded media, which the live server must serve for the photos and
figures to load (``labsite.urls`` serves media only with DEBUG on, and tests run with it off)."""

from __future__ import annotations

from django.conf import settings
from django.urls import include, path, re_path
from django.views.static import serve


def media(request, path):
    return serve(request, path, document_root=settings.MEDIA_ROOT)


urlpatterns = [
    re_path(r"^media/(?P<path>.*)$", media),
    path("", include("labsite.urls")),
]
