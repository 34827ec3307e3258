"""Import benchmark: a synthetic lab of 50 member sites × 100 publications, then a no-change re-run.

Usage: ``make bench-import`` (or ``.venv/bin/python benchmarks/bench_import.py [--sites N]
[--pubs N] [--profile]``). Everything happens in a temporary folder: the sites, a fresh SQLite
database file and the media folder; the project's own database is never opened.

The sites mix the three genres the importer reads — an academicpages page with a publication
list, an academicpages ``_publications/`` collection, and an al-folio ``papers.bib`` — and the
members co-author: every paper is listed on the site of each member among its authors, spelled
the way that member would spell it (initials, no accents), so matching does real work.
Targets on the project's 2-core machine: first import ≤ 20 s, re-import ≤ 5 s.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FIRST = [
    "Ada",
    "Bruno",
    "Chiara",
    "Dmitri",
    "Elif",
    "Farid",
    "Greta",
    "Hiro",
    "Ines",
    "Jonah",
    "Kavya",
    "Luis",
    "Maren",
    "Nikhil",
    "Olga",
    "Pedro",
    "Qing",
    "Rosa",
    "Samir",
    "Tove",
]
LAST = [
    "Abara",
    "Bergström",
    "Castellanos",
    "Dahl",
    "Eze",
    "Fontaine",
    "Gupta",
    "Halvorsen",
    "Ibáñez",
    "Jovanović",
    "Kim",
    "Lindahl",
    "Moreau",
    "Nakamura",
    "Okonkwo",
    "Petrov",
    "Quint",
    "Rahman",
    "Sørensen",
    "Takahashi",
    "Ulloa",
    "Varga",
    "Weiss",
    "Xu",
    "Yilmaz",
]
WORDS = [
    "Calibrated",
    "Federated",
    "Sparse",
    "Robust",
    "Bayesian",
    "Learning",
    "Networks",
    "Adaptive",
    "Efficient",
    "Private",
    "Graph",
    "Transformers",
    "Shift",
    "Uncertainty",
    "Ensembles",
    "Optimization",
    "Vision",
    "Language",
    "Models",
    "Scalable",
    "Theory",
]
VENUES = [
    ("NeurIPS", "Advances in Neural Information Processing Systems"),
    ("ICML", "ICML"),
    ("ICLR", "ICLR"),
    ("AISTATS", "AISTATS"),
    ("JMLR", "Journal of Machine Learning Research"),
]


def _members(count: int) -> list[str]:
    names = [f"{f} {last}" for last in LAST for f in FIRST]
    random.Random(7).shuffle(names)
    return names[:count]


def _spelling(name: str, rng: random.Random) -> str:
    """How another member might print ``name``: as is, with an initial, or without accents."""
    import unicodedata

    first, last = name.split(" ", 1)
    roll = rng.random()
    if roll < 0.2:
        return f"{first[0]}. {last}"
    if roll < 0.35:
        return "".join(
            c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c)
        )
    return name


def generate(root: Path, *, sites: int, pubs: int) -> list[Path]:
    """Write ``sites`` member sites of ``pubs`` listings each under ``root``; return the folders."""
    rng = random.Random(42)
    members = _members(sites)
    remaining = dict.fromkeys(members, pubs)
    papers: list[dict] = []
    n = 0
    while any(remaining.values()):
        open_members = [m for m, left in remaining.items() if left]
        k = min(len(open_members), rng.choice([1, 2, 2, 3]))
        authors_in = rng.sample(open_members, k)
        for m in authors_in:
            remaining[m] -= 1
        outsiders = [
            f"{rng.choice(FIRST)} Outsider{rng.randrange(400)}" for _ in range(rng.randint(1, 4))
        ]
        order = authors_in + outsiders
        rng.shuffle(order)
        short, venue = rng.choice(VENUES)
        n += 1
        title = " ".join(rng.sample(WORDS, 5)) + f" {n}"
        papers.append(
            {
                "title": title,
                "authors": order,
                "members": authors_in,
                "short": short,
                "venue": venue,
                "year": 2015 + n % 10,
                "arxiv": f"{2000 + n % 900}.{n:05d}",
                "eq": rng.random() < 0.2,
            }
        )
    by_member: dict[str, list[dict]] = {m: [] for m in members}
    for paper in papers:
        for m in paper["members"]:
            by_member[m].append(paper)

    folders = []
    for i, member in enumerate(members):
        slug = member.lower().replace(" ", "-")
        folder = root / f"{i:02d}-{slug}"
        genre = ("page", "page", "collection", "bib")[i % 4]
        _write_site(folder, member, by_member[member], genre, rng)
        folders.append(folder)
    return folders


def _author_line(paper: dict, owner: str, rng: random.Random) -> str:
    names = []
    for j, name in enumerate(paper["authors"]):
        printed = name if name == owner else _spelling(name, rng)
        if name == owner:
            printed = f"<u>{printed}</u>"
        if paper["eq"] and j < 2:
            printed += "\\*"
        names.append(printed)
    return ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]


def _write_site(
    folder: Path, owner: str, papers: list[dict], genre: str, rng: random.Random
) -> None:
    (folder / "_pages").mkdir(parents=True)
    (folder / "_config.yml").write_text(
        f'title: "{owner}"\nauthor:\n  name: "{owner}"\n  bio: "PhD student"\n'
        f'  github: "{owner.lower().replace(" ", "")}-gh"\n',
        encoding="utf-8",
    )
    news = "\n".join(
        f"- **{m} 20{20 + k % 5}:** News item {k} about a paper."
        for k, m in enumerate(["January", "March", "May", "July", "September"] * 2)
    )
    body = [
        "---",
        "permalink: /",
        f'title: "{owner}"',
        "redirect_from:",
        "  - /about/",
        "---",
        "",
        "About",
        "-----",
        f"I am {owner}, a member of the benchmark lab.",
        "",
        "News",
        "-----",
        news,
        "",
    ]
    if genre == "page":
        body += ["Publications", "-----"]
        for paper in papers:
            body += [
                f"- **{paper['title']}**  ",
                f"  {_author_line(paper, owner, rng)}  ",
                f"  {paper['short']} {paper['year']}  ",
                f"  \\[[Paper](https://arxiv.org/abs/{paper['arxiv']})\\], "
                f"\\[[Code](https://github.com/bench/{paper['arxiv']})\\]",
                "",
            ]
    (folder / "_pages" / "about.md").write_text("\n".join(body) + "\n", encoding="utf-8")
    if genre == "collection":
        (folder / "_publications").mkdir()
        for k, paper in enumerate(papers):
            authors = ", ".join(_spelling(a, rng) if a != owner else a for a in paper["authors"])
            (folder / "_publications" / f"{paper['year']}-paper-{k:03d}.md").write_text(
                "---\n"
                f'title: "{paper["title"]}"\ncollection: publications\n'
                f"date: {paper['year']}-06-01\nvenue: '{paper['venue']}'\n"
                f"paperurl: 'https://arxiv.org/abs/{paper['arxiv']}'\n"
                f"citation: '{authors}. ({paper['year']}). &quot;{paper['title']}.&quot; "
                f"<i>{paper['short']}</i>.'\n---\n",
                encoding="utf-8",
            )
    if genre == "bib":
        (folder / "_bibliography").mkdir()
        entries = []
        for k, paper in enumerate(papers):
            authors = " and ".join(
                f"{a.split(' ', 1)[1]}, {a.split(' ', 1)[0]}" for a in paper["authors"]
            )
            entries.append(
                f"@inproceedings{{p{k},\n  title = {{{paper['title']}}},\n"
                f"  author = {{{authors}}},\n"
                f"  booktitle = {{{paper['venue']}}},\n  year = {{{paper['year']}}},\n"
                f"  arxiv = {{{paper['arxiv']}}},\n  abbr = {{{paper['short']}}},\n}}\n"
            )
        (folder / "_bibliography" / "papers.bib").write_text("\n".join(entries), encoding="utf-8")


def _setup_django(workdir: Path) -> None:
    sys.path.insert(0, str(REPO))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "labsite.settings")
    os.environ.setdefault("LABSITE_TESTING", "1")  # a throwaway secret key is fine here
    import django
    from django.conf import settings

    # A fresh database file in the temporary folder, set before Django opens any connection:
    # never the project's db.sqlite3.
    settings.DATABASES["default"] = {
        **settings.DATABASES["default"],
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(workdir / "bench.sqlite3"),
    }
    settings.MEDIA_ROOT = str(workdir / "media")
    django.setup()
    from django.db import connections

    if connections["default"].settings_dict["NAME"] != str(workdir / "bench.sqlite3"):
        raise SystemExit("refusing to run: the benchmark would not use its own database")


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _run(paths: list[Path], profile: bool) -> tuple[float, float, float, str]:
    """``(wall s, main CPU s, reader workers' CPU s, the report's total line)`` of one run.

    CPU time is reported beside wall time because the 2-core machine is often shared: wall
    time then includes waiting for a core, CPU time is what the import itself cost.
    """
    from django.core.management import call_command
    from django.db import connections

    connections.close_all()  # as in a fresh ``manage.py import_pages`` process
    out = io.StringIO()
    profiler = cProfile.Profile() if profile else None
    start, cpu, children = time.perf_counter(), time.process_time(), _children_cpu()
    if profiler:
        profiler.enable()
    try:
        call_command("import_pages", *map(str, paths), "--lab", "bench", verbosity=0, stdout=out)
    finally:
        if profiler:
            profiler.disable()
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    children = _children_cpu() - children
    if profiler:
        stats = io.StringIO()
        pstats.Stats(profiler, stream=stats).sort_stats(
            os.environ.get("BENCH_SORT", "cumulative")
        ).print_stats(45)
        print(stats.getvalue())
    return elapsed, cpu, children, out.getvalue().strip().splitlines()[-1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=50)
    parser.add_argument("--pubs", type=int, default=100)
    parser.add_argument("--profile", action="store_true", help="print a cProfile of each run")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="labsite-bench-") as tmp:
        workdir = Path(tmp)
        _setup_django(workdir)
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        paths = generate(workdir / "sites", sites=args.sites, pubs=args.pubs)
        from people.models import Person
        from publications.models import Authorship, Publication

        first, first_cpu, first_workers, summary1 = _run(paths, args.profile)
        counts = (Publication.objects.count(), Authorship.objects.count(), Person.objects.count())
        second, second_cpu, second_workers, summary2 = _run(paths, args.profile)
        unchanged = summary2.startswith("Total: 0 created, 0 updated,")
        load = os.getloadavg()[0]
        print(f"sites={args.sites} pubs/site={args.pubs} cpus={os.cpu_count()} load={load:.1f}")
        print(f"publications={counts[0]} authorships={counts[1]} people={counts[2]}")
        for label, wall, cpu, workers, target, summary in (
            ("first import", first, first_cpu, first_workers, 20, summary1),
            ("re-import   ", second, second_cpu, second_workers, 5, summary2),
        ):
            print(
                f"{label}: {wall:.2f} s wall (target {target} s); CPU {cpu:.2f} s main + "
                f"{workers:.2f} s reader workers — {summary}"
            )
        ok = first <= 20 and second <= 5 and unchanged
        if not unchanged:
            print("the re-import changed something: it must not")
        print("OK" if ok else "SLOWER THAN TARGET" if unchanged else "FAILED")
        return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
