"""The production settings plus one URL for bench_http's B (``benchmarks/bench_urls.py``)."""

from labsite.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.bench_urls"
