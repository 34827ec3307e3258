"""Load with writes: public pages under 64 concurrent users while a member saves admin forms.

Usage: ``make bench-load`` (or ``.venv/bin/python benchmarks/bench_load.py [--users 64]
[--duration 60] [--edits-per-second 5] [--workers 4] [--json PATH]``).

What runs, all on loopback and all removed afterwards (even on failure or Ctrl-C):

- a fresh PostgreSQL database ``labsite_benchload`` on 127.0.0.1:5432 (user postgres, trust),
  migrated and filled with the synthetic lab of ``bench_pages.build_lab`` plus one staff account
  linked to the first member;
- Redis db 9 (``redis://127.0.0.1:6379/9``) as the cache, flushed before and after;
- gunicorn from the virtualenv (sync workers) with production settings: ``DJANGO_DEBUG`` off, a
  random ``DJANGO_SECRET_KEY``, ``DJANGO_ALLOWED_HOSTS`` set, behind a "proxy" (every request says
  ``X-Forwarded-Proto: https``, as the real reverse proxy does, so secure cookies and HTTPS CSRF
  checks are exercised as in production);
- locust, used as a library in a child process (it monkey-patches the standard library with
  gevent, which this parent process keeps out of): ``--users`` anonymous users request the lab
  home, people list, member pages, the publications list, publication pages and news with no
  wait, while one member — signed in once — opens the change form of their newest news item and
  POSTs it back with ``text`` set to a unique marker, ``--edits-per-second`` times a second.
  After each save that got the admin's success redirect, an anonymous poller fetches the
  member's public page (through the page cache, no cookie) until that marker or a later one is
  on it, and records the delay.

It prints and writes as JSON (``benchmarks/results/bench_load.json`` unless ``--json``): the 5xx
count (target 0), lost edits (target 0: the saved text is the last acknowledged marker and the
admin's change log holds exactly one entry per acknowledged save), time for an edit to show on
the public page (p50/p95/max, target ≤ 1 s), and requests/s with p50/p95 latency per page type.
A page still stale 1 s after a save is reported with the gunicorn worker (pid) and cache status
that served it, read from gunicorn's access log. Exit status 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from tests.admin_forms import AdminFormFields as FormFields  # noqa: E402  (the tests' own reader)

DEFAULT_JSON = REPO / "benchmarks" / "results" / "bench_load.json"
DB_NAME = "labsite_benchload"
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
USERNAME = "bench-editor"
#: Zero-padded so that no marker is a prefix of another ("edit 1" of "edit 10").
MARKER = "Bench edit {n:05d} saved"
MARKER_RE = re.compile(r"Bench edit (\d{5}) saved")
#: Targets.
MAX_5XX, MAX_LOST, MAX_SHOW_S = 0, 0, 1.0
#: A poller gives up after this long and the edit counts as never shown.
POLL_GIVE_UP_S = 10.0
POLL_INTERVAL_S = 0.02
#: Sent on every request: the benchmark plays the reverse proxy that production runs behind.
PROXY_HEADERS = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "127.0.0.1"}
ACCESS_LOG_FORMAT = '%(p)s %(s)s %(M)s %({x-bench-poll}i)s %({x-page-cache}o)s "%(U)s"'


# -- pure parts: arguments, percentiles, the summary -------------------------------------------


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=64, help="concurrent anonymous users")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load")
    parser.add_argument("--edits-per-second", type=float, default=5.0)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--members", type=int, default=15, help="members of the synthetic lab")
    parser.add_argument("--papers-per-member", type=int, default=30)
    parser.add_argument("--redis-db", type=int, default=9, help="Redis db number (not 0)")
    parser.add_argument("--time-limit", type=float, default=180.0, help="hard bound, seconds")
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON, help="where the figures go")
    parser.add_argument("--access-log", type=Path, help="keep a copy of gunicorn's access log")
    parser.add_argument(
        "--worker-class", choices=["sync", "gthread"], default="sync", help="gunicorn workers"
    )
    parser.add_argument("--threads", type=int, default=4, help="threads per gthread worker")
    # Internal: the child processes this script starts (Django setup, the locust run).
    parser.add_argument("--phase", choices=["prepare", "load", "verify"], help=argparse.SUPPRESS)
    parser.add_argument("--config", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.users < 1 or args.duration <= 0 or args.edits_per_second <= 0 or args.workers < 1:
        parser.error("--users, --duration, --edits-per-second and --workers must be positive")
    if not 1 <= args.redis_db <= 15:
        parser.error("--redis-db must be 1..15: db 0 is the default one other tools use")
    if args.time_limit < args.duration + 30:
        parser.error("--time-limit must leave at least 30 s beyond --duration for setup")
    return args


def percentile(values: Sequence[float], q: float) -> float | None:
    """Nearest-rank percentile (``q`` in 0..1), ``None`` for no values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


@dataclass
class Edit:
    """One save the member made: ``n`` is its marker number, ``item`` the news item's pk."""

    n: int
    item: int
    status: int
    #: The admin answered with its success redirect (not the form again, not an error).
    acknowledged: bool
    #: Seconds from the save's response until the public page showed this marker (or a later
    #: one: ``superseded``); ``None`` when it never did within ``POLL_GIVE_UP_S``.
    show_delay: float | None = None
    superseded: bool = False
    #: Polls it took, and seconds from the save to *sending* the poll that showed it: how long
    #: the page was stale, without the latency of that last request (queueing under load).
    polls: int = 0
    stale_for: float | None = None


@dataclass
class Verification:
    """What the database holds after the run, per news item pk."""

    stored_text: dict[int, str]
    logged_changes: dict[int, int]


def summarize(
    samples: Iterable[tuple[str, float, int]],
    edits: Sequence[Edit],
    verification: Verification,
    *,
    duration: float,
    stale_pages: Sequence[dict] = (),
    meta: dict | None = None,
) -> dict:
    """The figures of a run, as the JSON file holds them.

    ``samples`` are ``(page type, milliseconds, HTTP status)``, status 0 for a connection error.
    """
    by_page: dict[str, list[float]] = defaultdict(list)
    statuses: Counter[int] = Counter()
    fivexx_by_page: Counter[str] = Counter()
    for page, ms, status in samples:
        by_page[page].append(ms)
        statuses[status] += 1
        if status >= 500:
            fivexx_by_page[page] += 1
    pages = {
        page: {
            "requests": len(times),
            "rps": round(len(times) / duration, 1),
            "p50_ms": round(percentile(times, 0.5), 1),
            "p95_ms": round(percentile(times, 0.95), 1),
        }
        for page, times in sorted(by_page.items())
    }
    acknowledged = [e for e in edits if e.acknowledged]
    # Per news item: its last acknowledged marker is what it holds, and every acknowledged save
    # is one logged change; each one missing is a lost edit. More logged changes than
    # acknowledgements would be a save the member was told had failed (``unexpected_saves``).
    lost, unexpected, not_stored = 0, 0, []
    for item in sorted(verification.stored_text):
        acked = [e for e in acknowledged if e.item == item]
        logged = verification.logged_changes.get(item, 0)
        lost += max(0, len(acked) - logged)
        unexpected += max(0, logged - len(acked))
        if acked and verification.stored_text[item] != MARKER.format(n=acked[-1].n):
            not_stored.append(item)
    lost += len(not_stored)
    delays = [e.show_delay for e in acknowledged if e.show_delay is not None]
    stale = [e.stale_for for e in acknowledged if e.stale_for is not None]
    never_shown = [e.n for e in acknowledged if e.show_delay is None]
    show = {
        "edits_measured": len(delays),
        "p50_s": _round(percentile(delays, 0.5)),
        "p95_s": _round(percentile(delays, 0.95)),
        "max_s": _round(max(delays) if delays else None),
        "over_target": sum(d > MAX_SHOW_S for d in delays),
        "stale_for_p50_s": _round(percentile(stale, 0.5)),
        "stale_for_max_s": _round(max(stale) if stale else None),
        "shown_by_first_poll": sum(e.polls == 1 and e.show_delay is not None for e in acknowledged),
        "never_shown": never_shown,
        "superseded": sum(e.superseded for e in acknowledged),
    }
    fivexx = sum(n for status, n in statuses.items() if status >= 500)
    missed = []
    if fivexx > MAX_5XX:
        missed.append("5xx responses")
    if lost > MAX_LOST:
        missed.append("lost edits")
    if not acknowledged:
        missed.append("no edit was acknowledged")
    if never_shown or (show["max_s"] is not None and show["max_s"] > MAX_SHOW_S):
        missed.append("time to show")
    return {
        **(meta or {}),
        "duration_s": duration,
        "requests": sum(statuses.values()),
        "rps": round(sum(statuses.values()) / duration, 1),
        "status_counts": {str(k): v for k, v in sorted(statuses.items())},
        "5xx": fivexx,
        "5xx_by_page": dict(fivexx_by_page),
        "edits": {
            "attempted": len(edits),
            "acknowledged": len(acknowledged),
            "refused": [asdict(e) for e in edits if not e.acknowledged],
            "per_second": round(len(edits) / duration, 2),
            "logged_changes": sum(verification.logged_changes.values()),
            "items": len(verification.stored_text),
            "last_not_stored": not_stored,
            "last_stored": not not_stored,
            "unexpected_saves": unexpected,
            "lost": lost,
        },
        "time_to_show": show,
        "stale_pages": list(stale_pages),
        "pages": pages,
        "targets": {"5xx": MAX_5XX, "lost": MAX_LOST, "time_to_show_max_s": MAX_SHOW_S},
        "missed": missed,
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def report(summary: dict) -> str:
    """The summary as the table the script prints."""
    edits, show = summary["edits"], summary["time_to_show"]
    lines = [
        f"{'page':<22}{'requests':>9}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}",
        "-" * 57,
    ]
    for page, row in summary["pages"].items():
        lines.append(
            f"{page:<22}{row['requests']:>9}{row['rps']:>8.1f}"
            f"{row['p50_ms']:>9.1f}{row['p95_ms']:>9.1f}"
        )
    lines += [
        "",
        f"all requests: {summary['requests']} in {summary['duration_s']:.0f} s "
        f"({summary['rps']:.1f}/s); statuses {summary['status_counts']}",
        f"page cache answers (gunicorn access log): {summary.get('page_cache_answers')}",
        f"5xx responses: {summary['5xx']} (target {MAX_5XX})",
        f"edits: {edits['attempted']} attempted ({edits['per_second']}/s), "
        f"{edits['acknowledged']} acknowledged, {len(edits['refused'])} refused; "
        f"{edits['logged_changes']} logged changes over {edits['items']} news items; "
        f"each item's last acknowledged text stored: {edits['last_stored']}",
        f"lost edits: {edits['lost']} (target {MAX_LOST})",
        f"time to show on the public page: p50 {_s(show['p50_s'])}, p95 {_s(show['p95_s'])}, "
        f"max {_s(show['max_s'])} over {show['edits_measured']} edits "
        f"(target ≤ {MAX_SHOW_S:.0f} s; {show['over_target']} over, "
        f"{len(show['never_shown'])} never shown, {show['superseded']} superseded by the next)",
        f"  of which stale (save to sending the poll that showed it): p50 "
        f"{_s(show['stale_for_p50_s'])}, max {_s(show['stale_for_max_s'])}; "
        f"{show['shown_by_first_poll']} edits shown by the first poll after the save",
    ]
    for item in summary["stale_pages"]:
        lines.append(f"  STALE: {json.dumps(item)}")
    lines.append("")
    if summary["missed"]:
        lines.append("MISSED: " + ", ".join(summary["missed"]))
    else:
        lines.append("OK: 0 5xx, 0 lost edits, every edit shown within 1 s")
    return "\n".join(lines)


def _s(value: float | None) -> str:
    return "-" if value is None else f"{value * 1000:.0f} ms"


def cache_answers(access_log: Iterable[str]) -> dict[str, int]:
    """How often gunicorn's access log saw each ``X-Page-Cache`` answer (``-``: none sent)."""
    answers: Counter[str] = Counter()
    for line in access_log:
        parts = line.split(" ", 5)
        if len(parts) == 6:
            answers[parts[4]] += 1
    return dict(sorted(answers.items()))


def stale_details(
    access_log: Iterable[str], edits: Sequence[Edit], saved_at: dict[int, float]
) -> list[dict]:
    """For each edit still stale 1 s after its save: which workers served the stale polls, how.

    Poll requests carry ``X-Bench-Poll: <n>.<seconds since the save>``; gunicorn's access log
    (``ACCESS_LOG_FORMAT``) records the worker pid and the ``X-Page-Cache`` answer of each.
    """
    # Stale means a poll *sent* over 1 s after the save still missed the edit: an edit that was
    # only slow to arrive (the answering request queued under load) is not a stale page.
    late = {
        e.n
        for e in edits
        if e.acknowledged and (POLL_GIVE_UP_S if e.stale_for is None else e.stale_for) > MAX_SHOW_S
    }
    found: dict[int, Counter[str]] = defaultdict(Counter)
    for line in access_log:
        parts = line.split(" ", 5)
        if len(parts) < 6 or parts[3] == "-":
            continue
        pid, _status, _ms, poll, cache, path = parts
        n_text, _, since = poll.partition("@")
        if not n_text.isdigit() or int(n_text) not in late:
            continue
        if float(since or 0) > MAX_SHOW_S:
            url = path.strip().strip('"')
            found[int(n_text)][f"pid {pid} cache {cache} {url}"] += 1
    return [
        {"edit": n, "stale_polls_after_1s": dict(found[n]), "saved_at": saved_at.get(n)}
        for n in sorted(late)
    ]


# -- the child processes -------------------------------------------------------------------------


def _django() -> None:
    sys.path[:0] = [str(REPO), str(REPO / "benchmarks")]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "labsite.settings")
    import django

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql" or connection.settings_dict["NAME"] != DB_NAME:
        raise SystemExit(f"refusing to run: not the benchmark's own database {DB_NAME}")


def phase_prepare(config: dict) -> dict:
    """Migrate, collect static files, build the lab, make the member a staff account."""
    _django()
    from bench_pages import build_lab
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from people.models import NewsItem, Person

    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)
    lab = build_lab(members=config["members"], papers_per_member=config["papers_per_member"])
    user = get_user_model().objects.create_user(
        USERNAME, password=config["password"], is_staff=True
    )
    person = Person.objects.get(slug=lab["members"][0])
    person.user = user
    person.save()
    news = NewsItem.objects.filter(person=person).order_by("-date", "-pk")
    return {**lab, "member": person.slug, "news_ids": [item.pk for item in news]}


def phase_verify(config: dict) -> dict:
    _django()
    from django.contrib.admin.models import CHANGE, LogEntry
    from django.contrib.contenttypes.models import ContentType

    from people.models import NewsItem

    stored, logged = {}, {}
    for news in NewsItem.objects.filter(pk__in=config["news_ids"]):
        stored[news.pk] = news.text
        logged[news.pk] = LogEntry.objects.filter(
            user__username=USERNAME,
            content_type=ContentType.objects.get_for_model(NewsItem),
            object_id=str(news.pk),
            action_flag=CHANGE,
        ).count()
    return {"stored_text": stored, "logged_changes": logged}


def phase_load(config: dict) -> dict:
    """The locust run (gevent from here on: this runs only in its own child process)."""
    from gevent import monkey

    # What locust does on import, done first: ssl (requests) must be loaded after the patch.
    monkey.patch_all()
    import gevent
    import requests
    from locust import FastHttpUser, HttpUser, constant, task
    from locust.env import Environment

    base = config["base_url"]
    pages: list[tuple[str, str]] = config["pages"]
    member_path = f"/people/{config['member']}/"
    items: list[int] = config["news_ids"]
    #: Marker number -> the news item it was written to.
    item_of: dict[int, int] = {}
    # The origin the "proxy" serves: Django's HTTPS CSRF check wants a same-origin Referer.
    origin = "https://" + base.removeprefix("http://")
    samples: list[tuple[str, float, int]] = []
    edits: list[Edit] = []
    saved_at: dict[int, float] = {}
    start = time.monotonic()

    def on_request(name, response_time, response, exception, **_kw) -> None:
        status = getattr(response, "status_code", 0) or 0
        samples.append((name, response_time, int(status)))

    def poll(edit: Edit, saved: float) -> None:
        session = requests.Session()
        while (waited := time.monotonic() - saved) < POLL_GIVE_UP_S:
            t0 = time.monotonic()
            edit.polls += 1
            try:
                r = session.get(
                    base + member_path,
                    headers={**PROXY_HEADERS, "X-Bench-Poll": f"{edit.n}@{waited:.3f}"},
                    timeout=POLL_GIVE_UP_S,
                    allow_redirects=False,
                )
                status, text = r.status_code, r.text
            except requests.RequestException:
                status, text = 0, ""
            samples.append(("poll member page", (time.monotonic() - t0) * 1000, status))
            shown = [int(n) for n in MARKER_RE.findall(text)]
            # This marker, or a later one on the same news item (the next save overtook it).
            same_item = [m for m in shown if item_of.get(m) == edit.item and m >= edit.n]
            if same_item:
                edit.show_delay = time.monotonic() - saved
                edit.stale_for = t0 - saved
                edit.superseded = edit.n not in same_item
                return
            gevent.sleep(POLL_INTERVAL_S)

    class Visitor(FastHttpUser):
        host = base
        wait_time = constant(0)
        weight = 64

        def on_start(self) -> None:
            self.i = secrets.randbelow(10_000)

        @task
        def page(self) -> None:
            self.i += 1
            name, path = pages[self.i % len(pages)]
            path = path.format(i=self.i)
            self.client.get(path, name=name, headers=PROXY_HEADERS, allow_redirects=False)

    state = {"n": 0, "stop": False}
    loops: list = []

    class Member(HttpUser):
        """One member, signed in once, editing each of their news items in turn.

        One loop per news item, each paced at ``edits_per_second / items``: the edit rate holds
        while a save takes longer than 1/rate under load, and no two saves of one item overlap
        (an overlap would make "the last acknowledged text is stored" ambiguous).
        """

        host = base
        fixed_count = 1
        wait_time = constant(1)

        # Django sets its cookies Secure (the site is HTTPS behind the proxy) and requests will
        # not send a Secure cookie over plain http, so the member's cookies are kept by hand.
        def _headers(self, referer: str) -> dict:
            cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            return {**PROXY_HEADERS, "Cookie": cookie, "Referer": origin + referer}

        def _keep(self, response) -> None:
            self.cookies.update({c.name: c.value for c in response.cookies})

        def on_start(self) -> None:
            self.cookies: dict[str, str] = {}
            login = "/admin/login/?next=/admin/"
            r = self.client.get(login, name="admin login", headers=self._headers(login))
            self._keep(r)
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', r.text)
            r = self.client.post(
                login,
                name="admin login",
                data={
                    "csrfmiddlewaretoken": token.group(1) if token else "",
                    "username": USERNAME,
                    "password": config["password"],
                    "next": "/admin/",
                },
                headers=self._headers(login),
                allow_redirects=False,
            )
            self._keep(r)
            if r.status_code != 302:
                raise SystemExit(f"the member could not sign in: {r.status_code}")
            loops.extend(gevent.spawn(self._loop, item) for item in items)

        @task
        def idle(self) -> None:
            pass  # the edits run in the loops on_start spawned

        def _loop(self, item: int) -> None:
            period = len(items) / config["edits_per_second"]
            next_at = time.monotonic()
            while not state["stop"]:
                try:
                    self._edit(item)
                except Exception as error:  # noqa: BLE001 - recorded, the loop goes on
                    edits.append(Edit(n=-1, item=item, status=0, acknowledged=False))
                    print(f"edit of {item} failed: {error!r}", file=sys.stderr)
                next_at += period
                gevent.sleep(max(0.0, next_at - time.monotonic()))

        def _edit(self, item: int) -> None:
            state["n"] += 1
            n = state["n"]
            item_of[n] = item
            change_url = f"/admin/people/newsitem/{item}/change/"
            r = self.client.get(change_url, name="admin change form", headers=self._headers("/"))
            self._keep(r)
            parser = FormFields("newsitem_form")
            parser.feed(r.text)
            data = {**parser.data, "text": [MARKER.format(n=n)], "_save": ["Save"]}
            r = self.client.post(
                change_url,
                name="admin save",
                data=data,
                headers=self._headers(change_url),
                allow_redirects=False,
            )
            self._keep(r)
            saved = time.monotonic()
            location = r.headers.get("Location", "")
            ok = r.status_code == 302 and "/change/" not in location and "login" not in location
            edit = Edit(n=n, item=item, status=r.status_code, acknowledged=ok)
            edits.append(edit)
            if ok:
                saved_at[n] = round(saved - start, 3)
                gevent.spawn(poll, edit, saved)

    env = Environment(user_classes=[Visitor, Member])
    env.events.request.add_listener(on_request)
    runner = env.create_local_runner()
    runner.start(config["users"] + 1, spawn_rate=config["users"] + 1)
    gevent.sleep(config["duration"])
    state["stop"] = True
    # Each loop finishes the save in flight, so every save the server made has its answer here.
    gevent.joinall(loops, timeout=30)
    runner.quit()
    gevent.sleep(0.5)
    # Pollers of the last saves keep going (bounded by POLL_GIVE_UP_S) without the load.
    deadline = time.monotonic() + POLL_GIVE_UP_S
    while time.monotonic() < deadline and any(
        e.acknowledged and e.show_delay is None for e in edits[-2 * len(items) :]
    ):
        gevent.sleep(0.05)
    return {
        "samples": samples,
        "edits": [asdict(e) for e in edits],
        "saved_at": saved_at,
        "duration": config["duration"],
    }


# -- the parent: set up, run, verify, clean up ---------------------------------------------------


def _child(phase: str, config: dict, env: dict, timeout: float) -> dict:
    """Run one phase of this script in a child process; its JSON answer."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(config, handle)
    try:
        done = subprocess.run(
            [sys.executable, __file__, "--phase", phase, "--config", handle.name],
            env=env,
            cwd=REPO,
            timeout=max(1.0, timeout),
            stdout=subprocess.PIPE,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"the {phase} phase failed (exit {done.returncode})")
        return json.loads(done.stdout.decode().strip().splitlines()[-1])
    finally:
        os.unlink(handle.name)


def _admin_sql(sql: str) -> None:
    """Run ``sql`` on the server's ``postgres`` database (CREATE/DROP DATABASE need autocommit)."""
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True, connect_timeout=10) as conn:
        conn.execute(sql)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_ready(url: str, process: subprocess.Popen, deadline: float) -> None:
    # Imported here: urllib.request imports ssl, which must not be loaded in the load phase's
    # process before gevent patches it (locust does on import).
    import urllib.request

    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}")
        try:
            # With the proxy's header: a bare http request is redirected to https.
            request = urllib.request.Request(url, headers=PROXY_HEADERS)
            with urllib.request.urlopen(request, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer in time")


def run(args: argparse.Namespace) -> int:
    import redis

    started = time.monotonic()
    deadline = started + args.time_limit
    workdir = Path(tempfile.mkdtemp(prefix="labsite-bench-load-"))
    redis_url = f"redis://127.0.0.1:6379/{args.redis_db}"
    cache = redis.Redis.from_url(redis_url, socket_timeout=5)
    port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if k != "LABSITE_TESTING"},
        "DJANGO_SETTINGS_MODULE": "labsite.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_BEHIND_PROXY": "1",
        "DATABASE_URL": f"{PG_SERVER}/{DB_NAME}",
        "REDIS_URL": redis_url,
        "MEDIA_ROOT": str(workdir / "media"),
        "STATIC_ROOT": str(workdir / "static"),
    }
    password = secrets.token_urlsafe(16)
    access_log = workdir / "access.log"
    gunicorn: subprocess.Popen | None = None
    load_average = os.getloadavg()
    try:
        _admin_sql(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        _admin_sql(f"CREATE DATABASE {DB_NAME}")
        cache.flushdb()
        t0 = time.monotonic()
        lab = _child(
            "prepare",
            {
                "members": args.members,
                "papers_per_member": args.papers_per_member,
                "password": password,
            },
            env,
            deadline - time.monotonic() - args.duration - 20,
        )
        print(f"lab built and migrated in {time.monotonic() - t0:.1f} s", flush=True)
        gunicorn = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "labsite.wsgi:application",
                f"--bind=127.0.0.1:{port}",
                f"--workers={args.workers}",
                f"--worker-class={args.worker_class}",
                f"--threads={args.threads if args.worker_class == 'gthread' else 1}",
                "--timeout=30",
                f"--access-logfile={access_log}",
                f"--access-logformat={ACCESS_LOG_FORMAT}",
                "--log-level=warning",
            ],
            env=env,
            cwd=REPO,
        )
        base = f"http://127.0.0.1:{port}"
        _wait_ready(base + "/healthz", gunicorn, min(deadline, time.monotonic() + 30))
        members, pubs = lab["members"], lab["publications"]
        # Paths with ``{i}`` rotate; expanded here into fixed lists the visitors cycle through.
        pages = [("lab home", "/"), ("people", "/people/")]
        pages += [("member page", f"/people/{slug}/") for slug in members[:10]]
        pages += [("publications list", "/publications/")]
        pages += [("publication page", f"/publications/{pk}/") for pk in pubs[:10]]
        pages += [("news", "/news/")]
        load_average = os.getloadavg()
        print(
            f"load: {args.users} users for {args.duration:.0f} s, {args.edits_per_second}/s "
            f"edits, gunicorn {args.workers} {args.worker_class} workers; load average before "
            f"{load_average[0]:.2f} {load_average[1]:.2f} {load_average[2]:.2f} "
            f"on {os.cpu_count()} CPUs",
            flush=True,
        )
        raw = _child(
            "load",
            {
                "base_url": base,
                "pages": pages,
                "member": lab["member"],
                "news_ids": lab["news_ids"],
                "password": password,
                "users": args.users,
                "duration": args.duration,
                "edits_per_second": args.edits_per_second,
            },
            env,
            deadline - time.monotonic() - 10,
        )
        load_after = os.getloadavg()
        verification = Verification(
            **_child("verify", {"news_ids": lab["news_ids"]}, env, deadline - time.monotonic())
        )
        edits = [Edit(**e) for e in raw["edits"]]
        verification = Verification(
            stored_text={int(k): v for k, v in verification.stored_text.items()},
            logged_changes={int(k): v for k, v in verification.logged_changes.items()},
        )
        saved_at = {int(k): v for k, v in raw["saved_at"].items()}
        with access_log.open() as log:
            stale = stale_details(log, edits, saved_at)
        with access_log.open() as log:
            page_cache = cache_answers(log)
        if args.access_log:
            shutil.copyfile(access_log, args.access_log)
        summary = summarize(
            [tuple(s) for s in raw["samples"]],
            edits,
            verification,
            duration=raw["duration"],
            stale_pages=stale,
            meta={
                "users": args.users,
                "edits_per_second_asked": args.edits_per_second,
                "gunicorn_workers": args.workers,
                "gunicorn_worker_class": args.worker_class,
                "lab": {"members": len(members), "publications": len(pubs)},
                "page_cache_answers": page_cache,
                "cpus": os.cpu_count(),
                "load_average_before": [round(x, 2) for x in load_average],
                "load_average_after": [round(x, 2) for x in load_after],
            },
        )
        print(report(summary))
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(summary, indent=2) + "\n")
        print(f"\nfigures written to {args.json}")
        return 1 if summary["missed"] else 0
    finally:
        if gunicorn is not None and gunicorn.poll() is None:
            gunicorn.terminate()
            try:
                gunicorn.wait(timeout=15)
            except subprocess.TimeoutExpired:
                gunicorn.kill()
                gunicorn.wait()
        try:
            _admin_sql(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        finally:
            try:
                cache.flushdb()
            finally:
                shutil.rmtree(workdir, ignore_errors=True)
        print(f"cleaned up in {time.monotonic() - started:.0f} s total", flush=True)


def _on_alarm(signum: int, _frame: object) -> None:
    raise TimeoutError("bench_load ran over its time limit")


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.phase:
        config = json.loads(args.config.read_text())
        answer = {"prepare": phase_prepare, "load": phase_load, "verify": phase_verify}[args.phase](
            config
        )
        print(json.dumps(answer))
        return 0
    # The hard bound: SIGALRM raises inside whatever the parent is waiting on, and run()'s
    # finally stops gunicorn, drops the database and flushes Redis. SIGTERM cleans up too.
    signal.signal(signal.SIGALRM, _on_alarm)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    signal.alarm(int(args.time_limit))
    try:
        return run(args)
    finally:
        signal.alarm(0)


if __name__ == "__main__":
    sys.exit(main())
