"""HTTP benchmark (issue 9, item 4): pages through gunicorn and wrk, side by side, in one run.

Usage: ``make bench-http`` (``make bench`` runs it first), or ``.venv/bin/python
benchmarks/bench_http.py [--workers 5] [--connections 16] [--duration 5] [--database-url URL]``.

What runs: gunicorn from the virtualenv, ``--workers`` sync workers (5 by default), with the
production settings — ``DJANGO_DEBUG`` unset, ``collectstatic`` with WhiteNoise's compressed
manifest storage, the default local-memory cache (``--redis-url`` for Redis) — and one extra
URL for B (``benchmarks/bench_urls.py``). The database is a fresh SQLite file in a temporary
folder (``--database-url`` for PostgreSQL; that database is dropped and made again). The load
generator is Debian's ``wrk`` (``apt-get install -y wrk``), ``--connections`` connections,
``--duration`` seconds per page in ``--rounds`` round-robin slices (so a load that changes during
the run weighs on every page alike; the pages that render, B and the uncached member page, in
rounds of their own with one connection per worker), every request with ``Accept-Encoding:
gzip`` as a browser sends.

The lab: 30 members, about 3,000 publications (each with three members and an outside author,
two links and an abstract), one member (the first) with 200, all selected so their page lists
all 200; built with bulk inserts and one content-version bump, so setup takes seconds.

Measured:

- **A**: the member page's own bytes as a static file through WhiteNoise (gzip variant beside
  it, as ``collectstatic`` makes for every static file);
- the member page from the page cache; the member page uncached (``?uncached=1``: a query
  parameter no view reads, which the page cache never stores, so every request renders);
- **B**: a naive Django view rendering the same 200 rows through a template;
- the lab's publication list (cached; uncached it is timed one request at a time, as it
  takes seconds), a publication page (cached).

Targets: every cached page ≥ 0.9 × A; the uncached member page ≥ 3 × B. The script prints each
rate with p50/p99 and the ratios, the machine (CPUs, load average) and writes JSON to
``benchmarks/results/``. Exit status 1 when a target is missed, 2 when wrk is missing.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import datetime
import gzip
import json
import os
import random
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
HOST = "bench.localhost"
RESULTS = REPO / "benchmarks" / "results"
STATIC_COPY = "bench/member-page.html"
#: Targets: a cached page against A, the uncached member page against B.
CACHED_VS_A, UNCACHED_VS_B = 0.9, 3.0


# -- the lab, built in bulk ----------------------------------------------------------------------


def build_lab(*, members: int = 30, papers: int = 3000, star_papers: int = 200) -> dict:
    """The synthetic lab: ``members`` people, ``papers`` papers, the first member on
    ``star_papers`` of them (all selected). Bulk inserts, markdown rendered as ``save`` would."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    from bench_pages import ABSTRACT, FIRST, LAST, VENUES, WORDS
    from django.contrib.sites.models import Site
    from django.db import transaction

    from labsite.cache import bump_content_version
    from people.models import Lab, Membership, Person, ProfileSection, Role, SectionKind
    from publications.models import Authorship, Publication, PublicationLink

    rng = random.Random(9)
    today = datetime.date(2025, 6, 1)
    with transaction.atomic():
        Site.objects.all().delete()
        site = Site.objects.create(domain=HOST, name=HOST)
        lab = Lab.objects.create(
            site=site,
            slug="bench",
            name="Benchmark Learning Lab",
            short_name="BLL",
            tagline="Machine learning that holds up",
            about="We build **reliable** machine learning.\n\n" * 3,
            institution="University of Examples",
            is_default=True,
        )
        people = []
        for i in range(members):
            name = f"{FIRST[i % len(FIRST)]} {LAST[(i // len(FIRST) + i) % len(LAST)]} {i}"
            person = Person(
                name=name,
                affiliation="University of Examples",
                bio=f"{name} works on *robust* learning. " * 4,
                email=f"member{i}@example.org",
                website=f"https://example.org/~m{i}",
            )
            person.save()
            people.append(person)
        roles = [Role.PI, Role.POSTDOC, Role.PHD, Role.PHD, Role.MASTERS]
        Membership.objects.bulk_create(
            Membership(
                person=p,
                lab=lab,
                role=roles[i % len(roles)],
                start=today - datetime.timedelta(days=365 * (1 + i % 5)),
            )
            for i, p in enumerate(people)
        )
        sections = []
        for person in people:
            for order, (kind, title) in enumerate(
                [(SectionKind.PROSE, "About"), (SectionKind.PUBLICATIONS, "Publications")]
            ):
                section = ProfileSection(
                    person=person,
                    kind=kind,
                    title=title,
                    body="I like *proofs*." if kind == SectionKind.PROSE else "",
                    order=order,
                )
                section.render_markdown_fields()
                sections.append(section)
        ProfileSection.objects.bulk_create(sections)

        rendered: dict[tuple, tuple[str, str]] = {}
        choices = [rng.sample(WORDS, 6) for _ in range(60)]
        rows = []
        for j in range(papers):
            short, venue, kind = VENUES[j % len(VENUES)]
            words = choices[j % len(choices)]
            abstract = ABSTRACT.format(w1=words[0], w2=words[1], w3=words[2])
            publication = Publication(
                title=" ".join(words[:5]) + f" ({j})",
                kind=kind,
                venue=venue,
                short_venue=short,
                year=2012 + j % 14,
                month=1 + j % 12,
                pages=f"{j}-{j + 10}",
                doi=f"10.5555/bench.{j}",
                arxiv_id=f"2401.{j:05d}",
                abstract=abstract,
                award="Best Paper Award" if j % 50 == 0 else "",
            )
            # As ``save`` renders them, memoized over the 60 word choices: a title is its
            # words' HTML plus a number.
            key = tuple(words)
            if key not in rendered:
                probe = Publication(title=" ".join(words[:5]), abstract=abstract)
                probe.render_markdown_fields()
                rendered[key] = (probe.title_html, probe.abstract_html)
            publication.title_html = f"{rendered[key][0]} ({j})"
            publication.abstract_html = rendered[key][1]
            rows.append(publication)
        publications = Publication.objects.bulk_create(rows, batch_size=500)
        authorships, links = [], []
        others = list(range(1, members))
        for j, publication in enumerate(publications):
            chosen = [0] if j < star_papers else []
            chosen += [others[(j * k + k) % len(others)] for k in (1, 7, 13)]
            chosen = list(dict.fromkeys(chosen))[:3]
            for position, index in enumerate(chosen):
                authorships.append(
                    Authorship(
                        publication=publication,
                        person=people[index],
                        name=people[index].name,
                        position=position,
                        selected=index == 0,
                    )
                )
            authorships.append(
                Authorship(
                    publication=publication,
                    person=None,
                    name=f"Outside Author {j % 40}",
                    position=len(chosen),
                )
            )
            links += [
                PublicationLink(publication=publication, kind="pdf", url=f"https://e.org/{j}.pdf"),
                PublicationLink(publication=publication, kind="code", url=f"https://e.org/c{j}"),
            ]
        Authorship.objects.bulk_create(authorships, batch_size=1000)
        PublicationLink.objects.bulk_create(links, batch_size=1000)
        # Bulk inserts send no signals: one bump for the lab, as every bulk path does.
        bump_content_version([lab.pk])
    return {
        "star": people[0].slug,
        "publication": publications[len(publications) // 2].pk,
        "papers": len(publications),
        "members": members,
    }


def prepare(workdir: Path) -> dict:
    """Child process: migrate, build the lab, collectstatic, write A's file. Prints JSON."""
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    lab = build_lab()
    lab["build_seconds"] = round(time.perf_counter() - started, 1)
    call_command("collectstatic", verbosity=0, interactive=False)
    # A: the member page's bytes, rendered once here, as a static file with its gzip variant.
    client = Client(HTTP_HOST=HOST, headers={"X-Forwarded-Proto": "https"})
    response = client.get(f"/people/{lab['star']}/?uncached=1", secure=True)
    if response.status_code != 200:
        raise SystemExit(f"the member page answered {response.status_code}")
    page = response.content
    if response.get("Content-Encoding") == "gzip":
        page = gzip.decompress(page)
    target = Path(settings.STATIC_ROOT) / STATIC_COPY
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(page)
    target.with_name(target.name + ".gz").write_bytes(gzip.compress(page, 6, mtime=0))
    lab["member_page_bytes"] = len(page)
    return lab


# -- running wrk ---------------------------------------------------------------------------------

_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([0-9.]+)([a-z]+)", text).groups()
    return float(number) * _UNITS[unit]


def parse_wrk(output: str) -> dict:
    """Rate, p50/p99 (ms) and errors from ``wrk --latency`` output."""
    rate = re.search(r"Requests/sec:\s+([0-9.]+)", output)
    result = {"rps": float(rate.group(1)) if rate else 0.0}
    for q in ("50", "99"):
        match = re.search(rf"^\s+{q}%\s+([0-9.]+[a-z]+)", output, re.M)
        result[f"p{q}_ms"] = round(_ms(match.group(1)), 2) if match else None
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    sockets = re.search(r"Socket errors: .*timeout (\d+)", output)
    result["non_2xx"] = int(non2xx.group(1)) if non2xx else 0
    result["timeouts"] = int(sockets.group(1)) if sockets else 0
    requests = re.search(r"(\d+) requests in", output)
    result["requests"] = int(requests.group(1)) if requests else 0
    return result


def fetch(url: str) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers={"Host": HOST, "Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request, timeout=120) as response:
        return response.status, dict(response.headers), response.read()


def warm(url: str, workers: int, limit: float = 300.0) -> tuple[int, dict, bytes]:
    """Requests ``workers * 2`` at a time until every worker has answered ``url`` from its own
    cache (each worker's local-memory cache renders the page once)."""
    deadline = time.monotonic() + limit
    hits: set[str] = set()
    with concurrent.futures.ThreadPoolExecutor(workers * 2) as pool:
        while len(hits) < workers:
            if time.monotonic() > deadline:
                raise SystemExit(f"{url}: only {len(hits)} of {workers} workers warmed")
            answers = list(pool.map(lambda _: fetch(url), range(workers * 2)))
            hits |= {h.get("X-Worker-Pid") for _, h, _ in answers if h.get("X-Page-Cache") == "hit"}
    return answers[-1]


def run_wrk(url: str, *, connections: int, duration: float, timeout: float) -> dict:
    command = [
        "wrk",
        f"--threads={min(2, connections)}",
        f"--connections={connections}",
        f"--duration={max(1, round(duration))}s",  # wrk takes whole seconds
        f"--timeout={timeout:g}s",
        "--latency",
        "-H",
        f"Host: {HOST}",
        "-H",
        "Accept-Encoding: gzip",
        url,
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=duration + 60)
    if done.returncode != 0:
        raise SystemExit(f"wrk failed: {done.stderr or done.stdout}")
    return parse_wrk(done.stdout)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=5, help="gunicorn sync workers")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections")
    parser.add_argument("--duration", type=float, default=6.0, help="seconds per page in all")
    parser.add_argument("--rounds", type=int, default=3, help="round-robin slices per page")
    parser.add_argument("--database-url", default="", help="PostgreSQL instead of SQLite")
    parser.add_argument("--redis-url", default="", help="Redis cache instead of local memory")
    parser.add_argument("--prepare", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.prepare:
        print("BENCH-JSON " + json.dumps(prepare(args.prepare)), flush=True)
        return 0
    if shutil.which("wrk") is None:
        print(
            "bench_http needs the load generator wrk: install it with `apt-get install -y wrk` "
            "(Debian's package), then run `make bench-http` again.",
            file=sys.stderr,
        )
        return 2
    workdir = Path(tempfile.mkdtemp(prefix="labsite-bench-http-"))
    database_url = args.database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    env = {
        **{
            k: v
            for k, v in os.environ.items()
            if k not in {"LABSITE_TESTING", "DJANGO_DEBUG", "REDIS_URL", "LABSITE_PAGE_CACHE"}
        },
        "DJANGO_SETTINGS_MODULE": "benchmarks.bench_settings",
        "PYTHONPATH": str(REPO),
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": f"{HOST},127.0.0.1,testserver",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(workdir / "media"),
        "STATIC_ROOT": str(workdir / "static"),
    }
    if args.redis_url:
        env["REDIS_URL"] = args.redis_url
    gunicorn = None
    try:
        if args.database_url:
            _recreate_database(args.database_url)
        started = time.monotonic()
        done = subprocess.run(
            [sys.executable, __file__, "--prepare", str(workdir)],
            env=env,
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=600,
        )
        line = next((x for x in done.stdout.splitlines() if x.startswith("BENCH-JSON ")), None)
        if done.returncode != 0 or line is None:
            raise SystemExit(f"preparing the lab failed:\n{done.stdout}\n{done.stderr}")
        lab = json.loads(line.removeprefix("BENCH-JSON "))
        print(
            f"lab: {lab['members']} members, {lab['papers']} publications, the first member on "
            f"200 (built in {lab['build_seconds']} s; migrate + build + collectstatic "
            f"{time.monotonic() - started:.1f} s)",
            flush=True,
        )
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        gunicorn = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "labsite.wsgi:application",
                f"--bind=127.0.0.1:{port}",
                f"--workers={args.workers}",
                "--worker-class=sync",
                "--timeout=60",
                "--log-level=warning",
            ],
            env=env,
            cwd=REPO,
        )
        deadline = time.monotonic() + 60
        while True:
            if gunicorn.poll() is not None:
                raise SystemExit("gunicorn exited")
            try:
                fetch(base + "/healthz")
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise SystemExit("gunicorn did not answer") from None
                time.sleep(0.2)
        star, pub = lab["star"], lab["publication"]
        cases = [
            # (key, label, path, expect a cache hit, duration factor)
            ("A", "A: member page as a static file (WhiteNoise)", f"/static/{STATIC_COPY}", None),
            ("member_cached", "member page, cached", f"/people/{star}/", True),
            ("publication_cached", "publication page, cached", f"/publications/{pub}/", True),
            ("list_cached", "lab publication list, cached", "/publications/", True),
            ("B", "B: naive Django view, 200 rows", f"/_bench/naive/{star}/?uncached=1", False),
            ("member_uncached", "member page, uncached", f"/people/{star}/?uncached=1", False),
        ]
        load_before = os.getloadavg()
        bodies = {}
        for key, _label, path, cached in cases:
            url = base + path
            status, headers, body = fetch(url)
            if cached:
                status, headers, body = warm(url, args.workers)
            if status != 200:
                raise SystemExit(f"{path} answered {status}")
            how = headers.get("X-Page-Cache")
            if cached is True and how != "hit":
                raise SystemExit(f"{path} was not a cache hit ({how!r})")
            if cached is False and how is not None:
                raise SystemExit(f"{path} came through the page cache ({how!r})")
            bodies[key] = (body, headers.get("Content-Encoding", "identity"))
        # Round robin: every page gets a slice of each round, so a load that changes during the
        # run (the machine is shared) weighs on every page alike, and the ratios hold.
        # The pages that render (B, uncached) go in rounds of their own, after the others, with
        # one connection per worker: requests still queued when wrk stops would otherwise hold
        # every worker into the next page's slice. After each slice the workers finish what
        # they were given before the next one starts.
        rounds: dict[str, list[dict]] = {key: [] for key, *_ in cases}
        for group in ([c for c in cases if c[3] is not False], [c for c in cases if c[3] is False]):
            slow = group[0][3] is False
            for _ in range(args.rounds):
                for key, _label, path, _cached in group:
                    measured = run_wrk(
                        base + path,
                        connections=min(args.connections, args.workers)
                        if slow
                        else args.connections,
                        duration=args.duration / args.rounds,
                        timeout=30.0,
                    )
                    rounds[key].append(measured)
                    if slow:
                        time.sleep(min(30.0, (measured["p99_ms"] or 2000) / 1000))
        results = {}
        for key, label, path, _cached in cases:
            runs = rounds[key]
            body, encoding = bodies[key]
            p50s = sorted(r["p50_ms"] for r in runs if r["p50_ms"] is not None)
            p99s = [r["p99_ms"] for r in runs if r["p99_ms"] is not None]
            measured = {
                "rps": round(sum(r["rps"] for r in runs) / len(runs), 1),
                "p50_ms": p50s[len(p50s) // 2] if p50s else None,
                "p99_ms": max(p99s) if p99s else None,
                "requests": sum(r["requests"] for r in runs),
                "non_2xx": sum(r["non_2xx"] for r in runs),
                "timeouts": sum(r["timeouts"] for r in runs),
                "rounds_rps": [r["rps"] for r in runs],
                "path": path,
                "label": label,
                "wire_bytes": len(body),
                "encoding": encoding,
            }
            results[key] = measured
            print(
                f"  {label:<46}{measured['rps']:>9.1f} req/s  p50 {_fmt(measured['p50_ms'])}"
                f"  p99 {_fmt(measured['p99_ms'])}  {len(body) / 1024:>7.1f} KB {encoding}"
                + (
                    f"  ({measured['non_2xx']} non-2xx, {measured['timeouts']} timeouts)"
                    if measured["non_2xx"] or measured["timeouts"]
                    else ""
                ),
                flush=True,
            )
        # The lab's whole list uncached takes seconds (item 1 pages it): timed, not loaded.
        url = base + "/publications/?uncached=1"
        timings = []
        for _ in range(2):
            t0 = time.perf_counter()
            status, headers, body = fetch(url)
            timings.append(round((time.perf_counter() - t0) * 1000, 1))
        results["list_uncached"] = {
            "path": "/publications/?uncached=1",
            "label": "lab publication list, uncached (one request at a time)",
            "sequential_ms": timings,
            "wire_bytes": len(body),
            "encoding": headers.get("Content-Encoding", "identity"),
        }
        print(
            f"  {'lab publication list, uncached: one request':<46}"
            f"{min(timings) / 1000:>9.2f} s    {len(body) / 1024:>7.1f} KB "
            f"{results['list_uncached']['encoding']}",
            flush=True,
        )
        load_after = os.getloadavg()
        return report(args, lab, results, load_before, load_after)
    finally:
        if gunicorn is not None and gunicorn.poll() is None:
            gunicorn.terminate()
            try:
                gunicorn.wait(timeout=20)
            except subprocess.TimeoutExpired:
                gunicorn.kill()
        shutil.rmtree(workdir, ignore_errors=True)


def _fmt(ms: float | None) -> str:
    return f"{ms:>8.2f} ms" if ms is not None else "       - ms"


def report(args, lab: dict, results: dict, load_before, load_after) -> int:
    a, b = results["A"]["rps"] or 1e-9, results["B"]["rps"] or 1e-9
    ratios = {
        "member_cached/A": results["member_cached"]["rps"] / a,
        "publication_cached/A": results["publication_cached"]["rps"] / a,
        "list_cached/A": results["list_cached"]["rps"] / a,
        "member_uncached/B": results["member_uncached"]["rps"] / b,
    }
    targets = {
        "member_cached/A": CACHED_VS_A,
        "publication_cached/A": CACHED_VS_A,
        "list_cached/A": CACHED_VS_A,
        "member_uncached/B": UNCACHED_VS_B,
    }
    missed = [name for name, value in ratios.items() if value < targets[name]]
    print()
    for name, value in ratios.items():
        mark = "ok" if value >= targets[name] else "MISSED"
        print(f"  {name:<24}{value:>7.2f}  (target ≥ {targets[name]:g})  {mark}")
    machine = {
        "cpus": os.cpu_count(),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in load_after],
        "platform": sys.platform,
        "python": sys.version.split()[0],
    }
    print(
        f"\nmachine: {machine['cpus']} CPUs, load average {_load(load_before)} before, "
        f"{_load(load_after)} after; gunicorn {args.workers} sync workers, wrk "
        f"{args.connections} connections, {args.duration:g} s per page in {args.rounds} rounds, "
        f"{'Redis' if args.redis_url else 'local-memory'} cache, "
        f"{'PostgreSQL' if args.database_url else 'SQLite'}"
    )
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    out = RESULTS / f"bench_http-{stamp}.json"
    out.write_text(
        json.dumps(
            {
                "when": stamp,
                "machine": machine,
                "config": {
                    "workers": args.workers,
                    "connections": args.connections,
                    "duration_s": args.duration,
                    "rounds": args.rounds,
                    "cache": "redis" if args.redis_url else "local-memory",
                    "database": "postgresql" if args.database_url else "sqlite",
                },
                "lab": lab,
                "results": results,
                "ratios": {k: round(v, 3) for k, v in ratios.items()},
                "targets": targets,
                "missed": missed,
            },
            indent=2,
        )
    )
    print(f"written: {out.relative_to(REPO)}")
    if missed:
        print("MISSED: " + ", ".join(missed))
        return 1
    print("OK: every target met")
    return 0


def _load(values) -> str:
    return " ".join(f"{v:.2f}" for v in values)


def _recreate_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    if not re.fullmatch(r"[a-z0-9_]+", name):
        raise SystemExit(f"refusing to recreate database {name!r}")
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")


if __name__ == "__main__":
    sys.exit(main())
