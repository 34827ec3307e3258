"""Reading many sites at once: the pure steps (read → extract) in worker processes.

Reading and understanding pages is pure Python and CPU-bound, and a lab import is many
independent sites: on the 2-core machines labsite runs on, two workers read a 50-site lab in
about half the time. No worker may inherit an open database connection (closing an inherited
PostgreSQL socket in a child would break the parent's): with one open, workers are *spawned*
and import nothing but the pure modules. A handful of paths is read in-process: starting a worker
costs more than it saves. When no connection is open yet (a plain ``manage.py import_pages``
run) the workers are forked instead, which starts them at once.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from labsite.importing.records import SiteRecord

#: From how many paths on reading happens in worker processes.
PARALLEL_FROM = 6


def collect_one(path: str) -> tuple[str, SiteRecord | None, str]:
    """``(path, site, "")``, or ``(path, None, "one-line error")`` when it cannot be read."""
    from labsite.importing.readers import ImportInputError, collect

    try:
        return path, collect(Path(path)), ""
    except ImportInputError as exc:
        text = str(exc).strip()
        return path, None, text.splitlines()[0] if text else f"{path}: cannot be imported"
    except Exception as exc:  # noqa: BLE001 - a bad input is one line, never a traceback
        return path, None, f"{path}: could not be read ({type(exc).__name__}: {exc})"[:300]


def _context() -> multiprocessing.context.BaseContext:
    """Fork when no database connection is open (cheap: the workers start with the pure modules
    already imported); spawn otherwise, so no worker ever holds a copy of a live connection."""
    from django.db import connections

    if "fork" in multiprocessing.get_all_start_methods() and not any(
        connection.connection is not None for connection in connections.all(initialized_only=True)
    ):
        import labsite.importing.readers  # noqa: F401 - imported once, inherited by the workers

        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def collect_all(
    paths: list[str], *, workers: int | None = None
) -> Iterator[tuple[str, SiteRecord | None, str]]:
    """:func:`collect_one` for every path, in order; in worker processes for many paths."""
    cores = os.cpu_count() or 1
    workers = workers if workers is not None else min(cores, 4, len(paths))
    if len(paths) < PARALLEL_FROM or workers < 2:
        yield from map(collect_one, paths)
        return
    with ProcessPoolExecutor(max_workers=workers, mp_context=_context()) as pool:
        yield from pool.map(collect_one, paths, chunksize=1)
