"""The production settings plus one URL for bench_http's B (``benchmarks/bench_urls.py``).

Static files keep the manifest (templates name hashed files) but skip WhiteNoise's gzip and
Brotli copies of every file, which take most of a minute on two cores: the benchmark serves one
static file, A, and writes its gzip copy itself.
"""

from labsite.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.bench_urls"
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}
