"""labsite settings, driven by environment variables (see README and .env.example).

Every variable is optional for a local run. The helpers below fail loudly on a value they cannot
read, so a typo in production stops the process instead of silently running with a default.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def envbool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of {sorted(_TRUE | _FALSE)!r}, not {value!r}")


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from exc


def envlist(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def envpath(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value).expanduser().resolve() if value else default


DEBUG = envbool("DJANGO_DEBUG", False)
TESTING = envbool("LABSITE_TESTING", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY and (DEBUG or TESTING):
    SECRET_KEY = "insecure-local-development-key-never-use-in-production-0123456789"
# With debug off and no key, SECRET_KEY stays empty: management commands such as migrate still
# run, Django refuses to sign anything, and the WSGI/ASGI entry points refuse to start
# (labsite.wsgi.require_secret_key).

# *.localhost is loopback, so a multi-lab install works locally (vital.localhost:8000).
ALLOWED_HOSTS = envlist(
    "DJANGO_ALLOWED_HOSTS",
    ["127.0.0.1", "localhost", ".localhost", "[::1]", "testserver"] if (DEBUG or TESTING) else [],
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.sitemaps",
    "django.contrib.syndication",
    "markdownx",
    "labsite",
    "people",
    "publications",
    "research",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside session/CSRF/auth: a hit skips them, a miss sees their Set-Cookie (labsite/cache.py).
    "labsite.cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "labsite.tenancy.LabMiddleware",
    "labsite.redirects.RedirectFallbackMiddleware",
]

# Full-page cache for anonymous GETs (labsite/cache.py); a content version keeps it fresh.
# Off by default under DJANGO_DEBUG, so template edits show without a restart.
LABSITE_PAGE_CACHE = envbool("LABSITE_PAGE_CACHE", not DEBUG)
LABSITE_PAGE_CACHE_SECONDS = envint("LABSITE_PAGE_CACHE_SECONDS", 60 * 60 * 24)
LABSITE_PAGE_CACHE_SKIP = ("/admin/", "/markdownx/", "/healthz", "/static/", "/media/")

ROOT_URLCONF = "labsite.urls"
WSGI_APPLICATION = "labsite.wsgi.application"
ASGI_APPLICATION = "labsite.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "labsite.context_processors.lab",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=envint("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "labsite",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "labsite",
        }
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = envpath("STATIC_ROOT", BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = envpath("MEDIA_ROOT", BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Tests render templates without running collectstatic first; the manifest is for deploys.
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Uploaded images larger than this are refused before Pillow decodes them.
LABSITE_MAX_IMAGE_BYTES = envint("LABSITE_MAX_IMAGE_BYTES", 10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = LABSITE_MAX_IMAGE_BYTES + 1024 * 1024

# django-markdownx: the admin preview renders through the same function as the public pages.
MARKDOWNX_MARKDOWNIFY_FUNCTION = "labsite.markdown.render_preview"  # render_markdown + cap message
# Markdown longer than this is refused (form error; preview message): rendering is linear in the
# length, and this bounds how long one save or preview holds a worker.
LABSITE_MARKDOWN_MAX_CHARS = envint("LABSITE_MARKDOWN_MAX_CHARS", 100_000)
# import_pages: bytes read per page / per .bib, longest line, deepest nesting, YAML aliases.
LABSITE_IMPORT_MAX_PAGE_BYTES = envint("LABSITE_IMPORT_MAX_PAGE_BYTES", 2 * 1024 * 1024)
LABSITE_IMPORT_MAX_BIB_BYTES = envint("LABSITE_IMPORT_MAX_BIB_BYTES", 20 * 1024 * 1024)
LABSITE_IMPORT_MAX_BIB_ENTRIES = envint("LABSITE_IMPORT_MAX_BIB_ENTRIES", 5_000)
LABSITE_IMPORT_MAX_LINE_CHARS = envint("LABSITE_IMPORT_MAX_LINE_CHARS", 100_000)
LABSITE_IMPORT_MAX_DEPTH = envint("LABSITE_IMPORT_MAX_DEPTH", 100)
LABSITE_IMPORT_MAX_YAML_ALIASES = envint("LABSITE_IMPORT_MAX_YAML_ALIASES", 50)
LABSITE_IMPORT_MAX_YAML_VALUES = envint("LABSITE_IMPORT_MAX_YAML_VALUES", 100_000)
MARKDOWNX_MEDIA_PATH = "uploads/%Y/%m/"
MARKDOWNX_UPLOAD_MAX_SIZE = LABSITE_MAX_IMAGE_BYTES
MARKDOWNX_UPLOAD_CONTENT_TYPES = ["image/jpeg", "image/png", "image/gif", "image/webp"]
MARKDOWNX_IMAGE_MAX_SIZE = {"size": (1600, 1600), "quality": 85}
MARKDOWNX_SVG_JAVASCRIPT_PROTECTION = True

LOGIN_URL = "admin:login"

SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if envbool("DJANGO_BEHIND_PROXY", False) else None
)
if not DEBUG and not TESTING:
    SECURE_SSL_REDIRECT = envbool("DJANGO_SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = envint("DJANGO_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = envbool("DJANGO_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_TRUSTED_ORIGINS = envlist("DJANGO_CSRF_TRUSTED_ORIGINS", [])

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}

# In development and tests whitenoise serves straight from the app folders (no collectstatic).
WHITENOISE_USE_FINDERS = DEBUG or TESTING
WHITENOISE_AUTOREFRESH = DEBUG or TESTING
