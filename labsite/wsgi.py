import os

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "labsite.settings")


def require_secret_key() -> None:
    from django.conf import settings

    if not settings.SECRET_KEY:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off (generate one with: "
            "python -c 'import secrets; print(secrets.token_urlsafe(50))')"
        )


application = get_wsgi_application()
require_secret_key()
