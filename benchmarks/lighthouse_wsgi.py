"""labsite's WSGI application with ``MEDIA_ROOT`` served at ``/media/`` by WhiteNoise, as nginx
(or a bucket) serves media in a deployment: for ``benchmarks/lighthouse.py`` only."""

from __future__ import annotations

from django.conf import settings
from whitenoise import WhiteNoise

from labsite.wsgi import application as labsite_application

# Stored media names are random and never rewritten: cached for a year, like static files.
application = WhiteNoise(labsite_application, max_age=365 * 24 * 3600)
application.add_files(str(settings.MEDIA_ROOT), prefix=settings.MEDIA_URL)
