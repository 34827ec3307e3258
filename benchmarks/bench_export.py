"""Static export benchmark: ``manage.py export_site`` over a synthetic 50-member lab.

Usage: ``make bench-export`` (or ``.venv/bin/python benchmarks/bench_export.py [--members N]
[--papers-per-member N] [--jobs N]``). Everything happens in a temporary folder — a fresh SQLite
database, the media folder and the export folder; the project's own database is never opened.

The lab is bench_pages.py's (the same builder: members with avatars, sections, news, honors,
talks and teaching; papers by three members and an outside author; projects with figures),
here with 50 members and 30 papers on each member's page (each paper has three member
authors: about 500 papers, so about 640 pages, 100 feeds and BibTeX files, 830 files in all).
Three runs of the command, timed (wall and CPU seconds, the workers' included):

1. **first export** into an empty folder, page cache cold: every page rendered and written;
2. **second run, nothing changed**, page cache cleared (as in a new process): every page
   rendered again, no file written, no modification time changed;
3. **after an edit** (one member's bio): only the files whose bytes changed are written.

Target: the first export of the 50-member lab in ≤ 10 s. Exit status 1 when it is missed.
The machine's CPU count and load average are printed with the numbers: the export renders pages
in one process per CPU, so on a shared machine the time follows the load.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_pages  # noqa: E402  (the lab builder, beside this file)

TARGET_SECONDS = 10.0


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the export's workers)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def run(directory: Path, jobs: int | None) -> tuple[float, float, str]:
    """Wall and CPU seconds of one ``export_site``, and what it printed."""
    from django.core.management import call_command

    out = io.StringIO()
    args = ["export_site", "--lab", "bench", str(directory)]
    if jobs:
        args += ["--jobs", str(jobs)]
    start, cpu = time.perf_counter(), cpu_seconds()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return time.perf_counter() - start, cpu_seconds() - cpu, out.getvalue()


def mtimes(directory: Path) -> dict[str, int]:
    return {str(p): p.stat().st_mtime_ns for p in directory.rglob("*") if p.is_file()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=50)
    parser.add_argument("--papers-per-member", type=int, default=30)
    parser.add_argument("--jobs", type=int, default=None, help="default: one per CPU")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="labsite-bench-export-") as tmp:
        workdir = Path(tmp)
        bench_pages._setup_django(workdir)
        from django.core.cache import cache
        from django.core.management import call_command

        from people.models import Person
        from publications.models import Publication

        call_command("migrate", verbosity=0)
        start = time.perf_counter()
        bench_pages.build_lab(members=args.members, papers_per_member=args.papers_per_member)
        print(
            f"lab: {args.members} members, {Publication.objects.count()} publications; built in "
            f"{time.perf_counter() - start:.1f} s; {os.cpu_count()} CPUs, load average "
            f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}\n"
        )
        site = workdir / "site"
        cache.clear()
        first, first_cpu, report = run(site, args.jobs)
        print(f"first export     {first:6.1f} s wall {first_cpu:6.1f} s CPU   {report.strip()}\n")
        before = mtimes(site)
        cache.clear()
        second, second_cpu, report = run(site, args.jobs)
        touched = sum(1 for path, mtime in mtimes(site).items() if before.get(path) != mtime)
        print(
            f"second, no edit  {second:6.1f} s wall {second_cpu:6.1f} s CPU   {report.strip()}"
            f"  files touched: {touched}\n"
        )
        person = Person.objects.order_by("pk").first()
        person.bio += " Now also on sabbatical."
        person.save()
        cache.clear()
        third, third_cpu, report = run(site, args.jobs)
        written = re.search(r"(\d+) written", report).group(1)
        print(f"after one edit   {third:6.1f} s wall {third_cpu:6.1f} s CPU   {report.strip()}\n")
        files = sum(1 for _ in site.rglob("*") if _.is_file())
        size = sum(p.stat().st_size for p in site.rglob("*") if p.is_file()) / 1e6
        print(f"export: {files} files, {size:.1f} MB; one bio edit rewrote {written} files")
        print(
            f"load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}; "
            f"target: first export <= {TARGET_SECONDS:.0f} s"
        )
        jobs = args.jobs or len(os.sched_getaffinity(0))
        print(
            f"first export's CPU time / {jobs} rendering processes = {first_cpu / jobs:.1f} s: "
            "the wall time on an otherwise idle machine of this size"
        )
        if first > TARGET_SECONDS:
            print(f"MISSED: first export took {first:.1f} s")
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
