"""The production settings plus one URL for bench_http's B (``benchmarks/bench_urls.py``).

Static files keep the manifest (templates name hashed files) but skip WhiteNoise's gzip and
Brotli copies of every file, which take most of a minute on two cores: the benchmark serves one
static file, A, and writes its gzip copy itself.
"""

from labsite.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.bench_urls"
# X-Worker-Pid on every response, so the warm-up knows every worker has stored each page.
MIDDLEWARE = ["benchmarks.bench_urls.worker_pid", *MIDDLEWARE]  # noqa: F405
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}
