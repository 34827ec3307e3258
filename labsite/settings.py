"""labsite settings, driven by environment variables (see README and .env.example).

Every variable is optional for a local run. The helpers below fail loudly on a value they cannot
read, so a typo in production stops the process instead of silently running with a default.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

from labsite.s3 import s3_media

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
    "adminsortable2",
    "axes",
    "reversion",
    "labsite",
    "people",
    "publications",
    "research",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # gzip for anonymous responses the page cache does not store (it compresses what it stores
    # once, itself); never the admin, a signed-in member or a response with a cookie (BREACH).
    "labsite.compression.PublicGZipMiddleware",
    # Outside session/CSRF/auth: a hit skips them, a miss sees their Set-Cookie (labsite/cache.py).
    "labsite.cache.PageCacheMiddleware",
    # Inside the page cache: a stored page is stored with its header (labsite/cache.py).
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "labsite.tenancy.LabMiddleware",
    "labsite.redirects.RedirectFallbackMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into the lock-out page.
    "axes.middleware.AxesMiddleware",
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
            # LocMemCache that keeps stored pages unpickled (labsite/cache.py)
            "BACKEND": "labsite.cache.LocalMemoryCache",
            "LOCATION": "labsite",
        }
    }

AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out account and address before any password is checked.
    "labsite.lockout.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]

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
# Media on an S3-compatible bucket when LABSITE_S3_BUCKET is set (labsite/s3.py, README).
_S3_MEDIA = s3_media(os.environ)
if _S3_MEDIA:
    STORAGES["default"] = _S3_MEDIA["storage"]
    MEDIA_URL = _S3_MEDIA["media_url"]

# Uploaded images larger than this are refused before Pillow decodes them.
LABSITE_MAX_IMAGE_BYTES = envint("LABSITE_MAX_IMAGE_BYTES", 10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = LABSITE_MAX_IMAGE_BYTES + 1024 * 1024
# ...and so are images with more pixels than this, read from the header (decoding is what costs
# memory: about 3-4 bytes a pixel). 24 megapixels is a full-frame camera's 6000 × 4000 photo,
# far beyond any figure; Pillow's own guard (Image.MAX_IMAGE_PIXELS) is set to the same value.
LABSITE_MAX_IMAGE_PIXELS = envint("LABSITE_MAX_IMAGE_PIXELS", 24_000_000)

# django-markdownx: the admin preview renders through the same function as the public pages.
MARKDOWNX_MARKDOWNIFY_FUNCTION = "labsite.markdown.render_preview"  # render_markdown + cap message
# Markdown longer than this is refused (form error; preview message): rendering is linear in the
# length, and this bounds how long one save or preview holds a worker.
LABSITE_MARKDOWN_MAX_CHARS = envint("LABSITE_MARKDOWN_MAX_CHARS", 100_000)
# …and more lines than this: thousands of one-line blocks cost Python-Markdown quadratic time.
LABSITE_MARKDOWN_MAX_LINES = envint("LABSITE_MARKDOWN_MAX_LINES", 3_000)
# import_pages: bytes read per page / per .bib, longest line, deepest nesting, YAML aliases.
LABSITE_IMPORT_MAX_PAGE_BYTES = envint("LABSITE_IMPORT_MAX_PAGE_BYTES", 2 * 1024 * 1024)
LABSITE_IMPORT_MAX_BIB_BYTES = envint("LABSITE_IMPORT_MAX_BIB_BYTES", 20 * 1024 * 1024)
LABSITE_IMPORT_MAX_BIB_ENTRIES = envint("LABSITE_IMPORT_MAX_BIB_ENTRIES", 5_000)
LABSITE_IMPORT_MAX_LINE_CHARS = envint("LABSITE_IMPORT_MAX_LINE_CHARS", 100_000)
LABSITE_IMPORT_MAX_DEPTH = envint("LABSITE_IMPORT_MAX_DEPTH", 100)
LABSITE_IMPORT_MAX_YAML_ALIASES = envint("LABSITE_IMPORT_MAX_YAML_ALIASES", 50)
LABSITE_IMPORT_MAX_YAML_VALUES = envint("LABSITE_IMPORT_MAX_YAML_VALUES", 100_000)
# A strftime pattern, filled in at each upload by labsite.images.ImageUploadForm (markdownx itself
# joins it to the file name as a literal).
MARKDOWNX_MEDIA_PATH = "uploads/%Y/%m/"
MARKDOWNX_UPLOAD_MAX_SIZE = LABSITE_MAX_IMAGE_BYTES
MARKDOWNX_UPLOAD_CONTENT_TYPES = ["image/jpeg", "image/png", "image/gif", "image/webp"]
MARKDOWNX_IMAGE_MAX_SIZE = {"size": (1600, 1600), "quality": 85}
MARKDOWNX_SVG_JAVASCRIPT_PROTECTION = True

LOGIN_URL = "admin:login"

# Email: printed to the console unless EMAIL_HOST names an SMTP server; tests use Django's
# in-memory outbox (django.core.mail.outbox) whatever the environment says, so a test never mails.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_USE_SSL = envbool("EMAIL_USE_SSL", False)
# STARTTLS unless implicit TLS is chosen: the mail carries one-time set-password links.
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", not EMAIL_USE_SSL)
if EMAIL_USE_SSL and EMAIL_USE_TLS:
    raise ImproperlyConfigured("Set only one of EMAIL_USE_TLS and EMAIL_USE_SSL.")
EMAIL_PORT = envint("EMAIL_PORT", 465 if EMAIL_USE_SSL else 587 if EMAIL_USE_TLS else 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
# A hung mail server must not hang the admin request that sends an invitation.
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "") or "labsite <webmaster@localhost>"
if TESTING:
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
elif EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# How long an invitation or "forgotten password" link works (Django's password-reset tokens:
# a link also stops working once it has been used, because the password it signs changes).
LABSITE_PASSWORD_LINK_DAYS = envint("LABSITE_PASSWORD_LINK_DAYS", 7)
PASSWORD_RESET_TIMEOUT = LABSITE_PASSWORD_LINK_DAYS * 24 * 60 * 60

# Behind a reverse proxy that sets X-Forwarded-Proto and appends to X-Forwarded-For.
LABSITE_BEHIND_PROXY = envbool("DJANGO_BEHIND_PROXY", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if LABSITE_BEHIND_PROXY else None
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


def inline_hashes(template: Path, tag: str = "style") -> list[str]:
    """CSP sources for the bare inline ``<style>`` (or ``<script>``) blocks of a template.

    Used for blocks with no template tags inside, so the file's text is what the browser hashes:
    the styles of ``500.html`` (rendered without a request), and the theme script of
    ``base.html``, allowed by its hash rather than a per-response nonce so a cached page is the
    same bytes for every visitor (stored compressed once, labsite/cache.py).
    """
    text = template.read_text(encoding="utf-8") if template.is_file() else ""
    blocks = re.findall(rf"<{tag}>(.*?)</{tag}>", text, flags=re.DOTALL)
    digests = (base64.b64encode(hashlib.sha256(b.encode()).digest()).decode() for b in blocks)
    return [f"'sha256-{digest}'" for digest in digests]


# Content-Security-Policy (django-csp). Scripts: this site's files and the one inline script of
# base.html (the theme, applied before the first paint), by its hash.
# Styles: this site's files; style *attributes* stay allowed (style-src-attr) because the
# sanitizer keeps a few harmless properties in members' text (<span style="color:red">, see
# labsite/markdown.py), templates size figures with them, and the admin's and markdownx's
# JavaScript set them — while <style> elements, the way to inject selectors that read a page,
# are refused. Images: this site and any https: host, as the sanitizer keeps https images in
# members' text (and media may live in an S3 bucket); an image runs no code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, *inline_hashes(BASE_DIR / "templates" / "base.html", "script")],
        "style-src": [SELF, *inline_hashes(BASE_DIR / "templates" / "500.html")],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "https:", *(_S3_MEDIA["img_src"] if _S3_MEDIA else [])],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

# Sign-in throttling (django-axes): after LABSITE_LOGIN_FAILURE_LIMIT failed sign-ins for one
# account from one address, that account is refused from that address for the cool-off, even
# with the right password. Per account *and* address: a guesser cannot lock a member out from
# everywhere, and one address (a lab behind NAT) guessing one account leaves the others be.
# A lab admin may unlock a member of their lab sooner (Person admin, "Unlock sign-in").
AXES_FAILURE_LIMIT = envint("LABSITE_LOGIN_FAILURE_LIMIT", 5)
_COOLOFF_MINUTES = envint("LABSITE_LOGIN_COOLOFF_MINUTES", 15)
AXES_COOLOFF_TIME = timedelta(minutes=_COOLOFF_MINUTES)
if AXES_FAILURE_LIMIT < 1 or _COOLOFF_MINUTES < 1:
    # 0 would mean "locked at once" or "never locked"; neither is a setting anyone means.
    raise ImproperlyConfigured(
        "LABSITE_LOGIN_FAILURE_LIMIT and LABSITE_LOGIN_COOLOFF_MINUTES must be at least 1"
    )
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "labsite.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "labsite.lockout.client_ip"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}

# In development and tests whitenoise serves straight from the app folders (no collectstatic).
WHITENOISE_USE_FINDERS = DEBUG or TESTING
WHITENOISE_AUTOREFRESH = DEBUG or TESTING
