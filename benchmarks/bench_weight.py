"""Page weight and uncached render time of the publication lists (issue 9, items 1 and 2).

Usage: ``.venv/bin/python benchmarks/bench_weight.py [--papers N] [--repo PATH] [--runs N]``.
Everything happens in a temporary folder (a fresh SQLite file); the project's database is never
opened. ``--repo`` points at another checkout (say, main before this change) so the same numbers
can be taken of both: the script only uses models, the test client and ``weight_lab.py``.

The lab (``benchmarks/weight_lab.py``): 30 members, ``--papers`` publications (3,000 by default)
of three to eight authors, links and abstracts; one member, the "star", has 200 and selected them
all, so their homepage lists 200. Rows are written with ``bulk_create`` (fast), then, where the
code has them, the stored list entries are built the way the importer's bulk paths build them.

It prints, uncached (page cache off):
- bytes of the star's homepage and publications page and of two naive 200-row pages
  (``weight_lab.naive_page``): the bare one (title, authors, venue, year) and the one that also
  prints the badge and the links an entry carries; the ratios to each (target ≤ 1.5);
- bytes of the lab's ``/publications/`` (first and last page when paged; target < 150 KB);
- queries and median render time (in-process, test client, no socket) of each.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
HOST = "weight.localhost"
STAR_PAPERS = 200


def setup_django(repo: Path, workdir: Path) -> None:
    sys.path.insert(0, str(repo))
    sys.path.insert(1, str(HERE))
    os.chdir(repo)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "labsite.settings")
    os.environ.setdefault("LABSITE_TESTING", "1")
    import django
    from django.conf import settings

    settings.DATABASES["default"] = {
        **settings.DATABASES["default"],
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(workdir / "weight.sqlite3"),
    }
    settings.MEDIA_ROOT = str(workdir / "media")
    settings.ALLOWED_HOSTS = [HOST]
    settings.DEBUG = False
    settings.LABSITE_PAGE_CACHE = False
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def measure(client, path: str, runs: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(path, HTTP_HOST=HOST)
            times.append(time.perf_counter() - start)
    assert response.status_code == 200, (path, response.status_code)
    return {
        "bytes": len(response.content),
        "queries": len(queries.captured_queries),
        "ms": statistics.median(times) * 1000,
        "content": response.content,
    }


def measure_naive(person, runs: int, *, links: bool = False) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from weight_lab import naive_page

    times = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            html = naive_page(person, links=links)
            times.append(time.perf_counter() - start)
    return {
        "bytes": len(html.encode()),
        "queries": len(queries.captured_queries),
        "ms": statistics.median(times) * 1000,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=3000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--repo", type=Path, default=HERE.parent)
    parser.add_argument("--save", type=Path, help="write the measured pages' HTML here")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-weight-") as tmp:
        setup_django(args.repo.resolve(), Path(tmp))
        start = time.perf_counter()
        from weight_lab import build_lab

        built = build_lab(host=HOST, papers=args.papers, star_papers=STAR_PAPERS)
        print(f"built a lab of {args.papers} papers in {time.perf_counter() - start:.1f} s")
        from django.test import Client

        client = Client()
        star = built["star"]
        naive = measure_naive(star, args.runs)
        naive_links = measure_naive(star, args.runs, links=True)
        rows = [
            ("naive 200 rows: title, authors, venue, year", naive),
            ("naive 200 rows + badge and links", naive_links),
        ]
        home = measure(client, star.get_absolute_url(), args.runs)
        rows.append((f"member homepage, {STAR_PAPERS} selected", home))
        mine = measure(client, f"{star.get_absolute_url()}publications/", args.runs)
        rows.append((f"member publications page ({STAR_PAPERS})", mine))
        first = measure(client, "/publications/", args.runs)
        rows.append((f"/publications/ (lab of {args.papers})", first))
        if b"page=" in first["content"]:
            import re

            numbers = [int(n) for n in re.findall(rb"[?&]page=(\d+)", first["content"])]
            last = max(numbers)
            rows.append(
                (f"/publications/?page={last}", measure(client, f"/publications/?page={last}", 1))
            )
        if args.save:
            args.save.mkdir(parents=True, exist_ok=True)
            for name, row in (("home", home), ("publications", mine), ("lab-list", first)):
                (args.save / f"{name}.html").write_bytes(row["content"])
            from weight_lab import naive_page

            (args.save / "naive.html").write_text(naive_page(star))
            (args.save / "naive-links.html").write_text(naive_page(star, links=True))
        head = f"{'page':<46}{'bytes':>10}{'× naive':>9}{'× +links':>9}{'queries':>9}{'ms':>8}"
        print(head + "  (× naive: of the bare naive page; × +links: of the one with links)")
        for label, row in rows:
            ratio, ratio_links = row["bytes"] / naive["bytes"], row["bytes"] / naive_links["bytes"]
            print(
                f"{label:<46}{row['bytes']:>10,}{ratio:>9.2f}{ratio_links:>9.2f}"
                f"{row['queries']:>9}{row['ms']:>8.1f}"
            )
        targets = [
            ("member homepage ≤ 1.5 × naive", home["bytes"] <= 1.5 * naive["bytes"]),
            ("member publications page ≤ 1.5 × naive", mine["bytes"] <= 1.5 * naive["bytes"]),
            (
                "member homepage ≤ 1.5 × naive with links",
                home["bytes"] <= 1.5 * naive_links["bytes"],
            ),
            (
                "every /publications/ page < 150 KB",
                all(
                    r["bytes"] < 150_000 for label, r in rows if label.startswith("/publications/")
                ),
            ),
        ]
        for label, ok in targets:
            print(f"{'met' if ok else 'MISSED':>6}  {label}")
        return 0 if all(ok for _, ok in targets) else 1


if __name__ == "__main__":
    raise SystemExit(main())
