"""Media on an S3-compatible bucket (AWS S3, MinIO, Ceph, Garage, R2…) through django-storages.

Read by ``labsite/settings.py``: with ``LABSITE_S3_BUCKET`` set, the default storage — avatars,
figures, their renditions, markdownx uploads, imported write-up images, restored backups — is
``storages.backends.s3.S3Storage``, configured from these variables (see README, Deployment):

- ``LABSITE_S3_BUCKET``: the bucket (required to turn this on);
- ``AWS_S3_ENDPOINT_URL``: the server, for anything but AWS (``https://minio.example.org``);
- ``AWS_ACCESS_KEY_ID`` / ``AWS_SECRET_ACCESS_KEY``: the credentials (else boto3's own chain:
  instance role, ``~/.aws``…);
- ``AWS_S3_REGION_NAME``; ``AWS_S3_CUSTOM_DOMAIN``: the host the public URLs use (a CDN or the
  bucket's website host), ``AWS_S3_URL_PROTOCOL`` (``https:``) for it;
- ``LABSITE_S3_PREFIX``: a folder inside the bucket (``media``; empty for the bucket's root);
- ``AWS_S3_ADDRESSING_STYLE``: ``path`` or ``virtual`` (botocore's choice when unset);
- ``AWS_QUERYSTRING_AUTH``: signed, expiring URLs. Off by default: pages are cached for hours and
  public pages show public images, so the bucket (or the prefix) must be publicly readable;
- ``AWS_DEFAULT_ACL``: e.g. ``public-read`` for servers that use ACLs rather than a bucket policy.

Stored names are random (``avatars/2026/<random>.jpg``) and never rewritten, so objects are sent
with a year-long ``Cache-Control``.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

_TRUE = {"1", "true", "yes", "on"}


def s3_media(environ: Mapping[str, str]) -> dict | None:
    """``{"storage": STORAGES["default"], "media_url": …, "img_src": [...]}``, or ``None`` when
    ``LABSITE_S3_BUCKET`` is not set (media stay in ``MEDIA_ROOT``)."""
    bucket = environ.get("LABSITE_S3_BUCKET", "").strip()
    if not bucket:
        return None
    endpoint = environ.get("AWS_S3_ENDPOINT_URL", "").strip().rstrip("/") or None
    domain = environ.get("AWS_S3_CUSTOM_DOMAIN", "").strip().strip("/") or None
    protocol = environ.get("AWS_S3_URL_PROTOCOL", "https:").strip() or "https:"
    region = environ.get("AWS_S3_REGION_NAME", "").strip() or None
    prefix = environ.get("LABSITE_S3_PREFIX", "media").strip().strip("/")
    style = environ.get("AWS_S3_ADDRESSING_STYLE", "").strip() or None
    options = {
        "bucket_name": bucket,
        "endpoint_url": endpoint,
        "region_name": region,
        "custom_domain": domain,
        "url_protocol": protocol,
        "location": prefix,
        "addressing_style": style,
        "querystring_auth": environ.get("AWS_QUERYSTRING_AUTH", "").lower() in _TRUE,
        "default_acl": environ.get("AWS_DEFAULT_ACL", "").strip() or None,
        "file_overwrite": False,  # a name taken gets a new one, as on disk
        "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
    }
    for name, option in (
        ("AWS_ACCESS_KEY_ID", "access_key"),
        ("AWS_SECRET_ACCESS_KEY", "secret_key"),
    ):
        if environ.get(name):
            options[option] = environ[name]
    folder = f"{prefix}/" if prefix else ""
    if domain:
        media_url = f"{protocol}//{domain}/{folder}"
    elif endpoint and style != "virtual":
        media_url = f"{endpoint}/{bucket}/{folder}"
    elif endpoint:
        parts = urlsplit(endpoint)
        media_url = f"{parts.scheme}://{bucket}.{parts.netloc}/{folder}"
    else:
        media_url = f"https://s3.amazonaws.com/{bucket}/{folder}"  # as botocore writes it
    # The CSP allows any https: image already; a plain-http server (a local MinIO) is named.
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(media_url))
    return {
        "storage": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options},
        "media_url": media_url,
        "img_src": [] if origin.startswith("https://") else [origin],
    }
