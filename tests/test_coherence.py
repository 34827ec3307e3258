"""Issue 9, item 3: an edit made in another process is seen by every server process at once.

A real gunicorn with three sync workers serves a copy of the test database (a SQLite file, or
the PostgreSQL test database when ``DATABASE_URL`` picks PostgreSQL), with the default
local-memory cache and with Redis. Every worker's page cache is warmed (each has served the
member page from its cache), the page is edited from a ``manage.py shell`` — another process,
with its own cache — and then every worker must serve the edited page on every request.
"""

from __future__ import annotations

import concurrent.futures
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

REPO = Path(__file__).resolve().parents[1]
WORKERS = 3
HOST = "lab-a.localhost"
PAGE = "/people/alice-anders/"
#: Redis database of this test (flushed before and after).
REDIS_DB = 12
LOG_FORMAT = '%(p)s %(s)s %({x-page-cache}o)s "%(U)s"'


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _database_url(tmp_path: Path) -> str:
    """A URL other processes can open that holds what this test committed."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        # The test database lives in this process's memory: copy it to a file.
        copy = tmp_path / "db.sqlite3"
        with connection.cursor() as cursor:
            cursor.execute("VACUUM INTO %s", [str(copy)])
        return f"sqlite:///{copy}"
    assert connection.vendor == "postgresql", connection.vendor
    user, host, port = settings["USER"], settings["HOST"] or "127.0.0.1", settings["PORT"] or 5432
    return f"postgres://{user}@{host}:{port}/{settings['NAME']}"


def _get(base: str) -> tuple[int, bytes]:
    request = urllib.request.Request(base + PAGE, headers={"Host": HOST})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, response.read()


def _answers(log: Path) -> list[tuple[str, str, str]]:
    """``(worker pid, status, X-Page-Cache)`` of each request for the page, in order."""
    rows = []
    for line in log.read_text().splitlines():
        pid, status, how, path = line.split(" ", 3)
        if path.strip('"') == PAGE:
            rows.append((pid.strip("<>"), status, how))
    return rows


def _burst(base: str, count: int) -> list[bytes]:
    """``count`` requests, six at a time, so every worker gets some."""
    with concurrent.futures.ThreadPoolExecutor(6) as pool:
        results = list(pool.map(lambda _: _get(base), range(count)))
    assert {status for status, _ in results} == {200}
    return [body for _, body in results]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("backend", ["local-memory", "redis"])
def test_an_edit_in_another_process_is_seen_by_every_worker_at_once(backend, tmp_path, alice):
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DJANGO_DEBUG"}} | {
        "LABSITE_TESTING": "1",  # simple static storage: no collectstatic needed
        "LABSITE_PAGE_CACHE": "1",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": _database_url(tmp_path),
        "MEDIA_ROOT": str(tmp_path / "media"),
    }
    if backend == "redis":
        import redis

        env["REDIS_URL"] = f"redis://127.0.0.1:6379/{REDIS_DB}"
        redis.Redis.from_url(env["REDIS_URL"]).flushdb()
    log = tmp_path / "access.log"
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    gunicorn = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "labsite.wsgi:application",
            f"--bind=127.0.0.1:{port}",
            f"--workers={WORKERS}",
            f"--access-logfile={log}",
            f"--access-logformat={LOG_FORMAT}",
            "--log-level=warning",
        ],
        env=env,
        cwd=REPO,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            assert gunicorn.poll() is None, "gunicorn exited"
            try:
                _get(base)
                break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not answer"
                time.sleep(0.1)

        # Warm every worker: each has answered the page from its own cache.
        while len({pid for pid, _, how in _answers(log) if how == "hit"}) < WORKERS:
            assert time.monotonic() < deadline, f"not every worker got a hit: {_answers(log)}"
            bodies = _burst(base, 12)
        assert all(b"Edited in a shell" not in body for body in bodies)

        # The edit, from another process with its own (empty, or shared) cache.
        subprocess.run(
            [
                sys.executable,
                "manage.py",
                "shell",
                "-c",
                "from people.models import Person\n"
                "p = Person.objects.get(slug='alice-anders')\n"
                "p.position = 'Edited in a shell'\n"
                "p.save()\n",
            ],
            env=env,
            cwd=REPO,
            check=True,
            timeout=60,
        )
        seen = len(_answers(log))
        while True:
            bodies = _burst(base, 12)
            after = _answers(log)[seen:]
            stale = sum(b"Edited in a shell" not in body for body in bodies)
            assert stale == 0, f"{stale} of {len(bodies)} answers were stale: {after}"
            if len({pid for pid, _, _ in after}) == WORKERS:
                break
            assert time.monotonic() < deadline + 30, f"not every worker answered: {after}"
        # Each worker rendered the edit once, then served it from its cache again.
        assert {how for _, _, how in after} <= {"hit", "miss"}
    finally:
        gunicorn.terminate()
        gunicorn.wait(timeout=20)
        if backend == "redis":
            import redis

            redis.Redis.from_url(env["REDIS_URL"]).flushdb()
