"""Page-serving benchmark: every public page type of a realistic lab, page cache cold and warm.

Usage: ``make bench-pages`` (or ``.venv/bin/python benchmarks/bench_pages.py [--members N]
[--papers-per-member N] [--cold N] [--warm N]``). Everything happens in a temporary folder: a
fresh SQLite database file and the media folder; the project's own database is never opened.

The lab is built with the project's models (not the test factories), the way the admin and the
importer save rows, so every ``*_html`` field is rendered as in production: 30 members (a third
of them alumni) with avatars, sections, news, honors, talks and teaching; papers co-authored by
three members and an outside author, so each member has about 60 and the lab 600; 12 projects
with collaborators and a figure. Requests go through Django's test ``Client`` — the whole
middleware stack (page cache, sessions, CSRF, tenancy, redirects) but no socket, so the numbers
are the application's own cost. Each page type is measured:

- **cold**: ``LABSITE_PAGE_CACHE`` off, every request builds the page (queries + templates);
  requests rotate through different members / papers / projects;
- **warm**: the page cache on and primed; every request is a cache hit (lab lookup + cache get).

Targets (p95, on the project's 2-core machine, often shared with other jobs — so they leave
about 2× headroom over what an idle run measures; see the table the script prints):

- cold: a page that shows a bounded amount ≤ 150 ms. A member page with 60 papers, their
  BibTeX entries and sections is the heaviest of them; 150 ms keeps it well under the ~200 ms
  server budget a page needs to feel instant with no cache in front of it (after every edit,
  and for every filter combination of ``/publications/``).
- cold, the lab-wide lists that grow with the lab (``/publications/`` shows every paper with
  its authors, links, abstract and BibTeX on one page, by design; ``/publications.bib``; the
  sitemap, which names every paper):
  150 ms plus 1 ms per paper (750 ms for 600 papers). Their cost is linear in the papers shown,
  so the budget is too; they are rarely asked for uncached (one miss per content version).
- warm: ≤ 5 ms for every page: a hit is one lab query and one cache read, and is what nearly
  every anonymous visitor gets.

Exit status 1 when any target is missed.
"""

from __future__ import annotations

import argparse
import datetime
import io
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
HOST = "bench.localhost"

#: Targets in ms (p95). See the module docstring for why.
HTML_COLD, WARM = 150.0, 5.0
#: The lab-wide lists: a base plus a budget per paper they show.
LIST_BASE, LIST_PER_PAPER = 150.0, 1.0

FIRST = ["Ada", "Bruno", "Chiara", "Dmitri", "Elif", "Farid", "Greta", "Hiro", "Ines", "Jonah"]
LAST = ["Abara", "Bergström", "Castellanos", "Dahl", "Eze", "Fontaine", "Gupta", "Halvorsen"]
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
]
VENUES = [
    ("NeurIPS", "Advances in Neural Information Processing Systems", "conference"),
    ("ICML", "International Conference on Machine Learning", "conference"),
    ("JMLR", "Journal of Machine Learning Research", "journal"),
    ("arXiv", "arXiv preprint", "preprint"),
]
ABSTRACT = (
    "We study **{w1}** methods for {w2} $f(x) = \\sum_i w_i x_i$ under distribution shift. "
    "Our analysis shows that *{w3}* estimators reach the minimax rate, and experiments on "
    "[standard benchmarks](https://example.org/bench) confirm it.\n\n"
    "Code is at <https://github.com/example/{w1}>."
)


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
    settings.ALLOWED_HOSTS = [HOST]
    settings.DEBUG = False
    django.setup()
    from django.db import connections

    if connections["default"].settings_dict["NAME"] != str(workdir / "bench.sqlite3"):
        raise SystemExit("refusing to run: the benchmark would not use its own database")


def _png(size: tuple[int, int], seed: int) -> bytes:
    from PIL import Image

    image = Image.new("RGB", size, ((seed * 37) % 256, (seed * 91) % 256, 160))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def build_lab(*, members: int, papers_per_member: int) -> dict:
    """A realistic lab through the models' own ``save`` (markdown rendered, renditions made).

    Returns what the page list needs: member slugs, publication ids, project slugs, years.
    """
    from django.contrib.sites.models import Site
    from django.core.files.base import ContentFile
    from django.db import transaction

    from people.models import (
        Honor,
        Lab,
        Membership,
        NewsItem,
        Person,
        ProfileSection,
        Role,
        SectionKind,
        Talk,
        Teaching,
    )
    from publications.models import Authorship, Publication, PublicationLink
    from research.models import Collaborator, Figure, Project

    rng = random.Random(11)
    today = datetime.date(2025, 6, 1)
    roles = [Role.PI, Role.POSTDOC, Role.PHD, Role.PHD, Role.PHD, Role.MASTERS, Role.UNDERGRAD]
    with transaction.atomic():
        Site.objects.all().delete()
        site = Site.objects.create(domain=HOST, name=HOST)
        lab = Lab.objects.create(
            site=site,
            slug="bench",
            name="Benchmark Learning Lab",
            short_name="BLL",
            tagline="Machine learning that holds up",
            about="We build **reliable** machine learning.\n\n" * 5,
            institution="University of Examples",
            is_default=True,
        )
        people: list = []
        for i in range(members):
            name = f"{FIRST[i % len(FIRST)]} {LAST[(i // len(FIRST) + i) % len(LAST)]} {i}"
            person = Person(
                name=name,
                position="",
                affiliation="University of Examples",
                bio=f"{name} works on *robust* learning. " * 8,
                email=f"member{i}@example.org",
                website=f"https://example.org/~m{i}",
                google_scholar=f"https://scholar.google.com/citations?user=m{i}",
                github=f"https://github.com/m{i}",
            )
            # A named ContentFile, as the importer makes: without a name Django clears width/height.
            avatar = ContentFile(_png((600, 600), i), name=f"m{i}.png")
            person.avatar.save(avatar.name, avatar, save=False)
            person.save()
            alumnus = i % 3 == 2
            Membership.objects.create(
                person=person,
                lab=lab,
                role=roles[i % len(roles)],
                start=today - datetime.timedelta(days=365 * (1 + i % 5)),
                end=today - datetime.timedelta(days=30) if alumnus else None,
                next_position="Research scientist, Example Corp" if alumnus else "",
            )
            for order, (kind, title) in enumerate(
                [
                    (SectionKind.PROSE, "About"),
                    (SectionKind.NEWS, "News"),
                    (SectionKind.PUBLICATIONS, "Selected publications"),
                    (SectionKind.PROJECTS, "Research"),
                    (SectionKind.HONORS, "Honors"),
                    (SectionKind.TALKS, "Talks"),
                    (SectionKind.TEACHING, "Teaching"),
                ]
            ):
                body = "I like *proofs* and **experiments**.\n\n- one\n- two\n" if not order else ""
                ProfileSection.objects.create(
                    person=person, kind=kind, title=title, body=body, order=order
                )
            for n in range(5):
                NewsItem.objects.create(
                    person=person,
                    date=today - datetime.timedelta(days=40 * n + i),
                    text=f"Paper accepted at **{VENUES[n % 4][0]}**! :tada:",
                )
            for n in range(3):
                Honor.objects.create(person=person, title=f"Fellowship {n}", year=2020 + n)
                Talk.objects.create(
                    person=person,
                    title=f"Invited talk {n}",
                    event="Workshop on Examples",
                    date=today - datetime.timedelta(days=100 * n),
                )
                Teaching.objects.create(
                    person=person, course=f"CS {100 + n}", role="TA", year=2020 + n
                )
            people.append(person)
        for n in range(20):
            NewsItem.objects.create(
                lab=lab, person=None, date=today - datetime.timedelta(days=9 * n), text="Lab news"
            )

        papers = members * papers_per_member // 3
        publication_ids = []
        years = set()
        authorships = []
        links = []
        for j in range(papers):
            short, venue, kind = VENUES[j % len(VENUES)]
            words = rng.sample(WORDS, 6)
            year = 2012 + j % 14
            years.add(year)
            publication = Publication.objects.create(
                title=" ".join(words[:5]) + f" ({j})",
                kind=kind,
                venue=venue,
                short_venue=short,
                year=year,
                month=1 + j % 12,
                pages=f"{j}-{j + 10}",
                doi=f"10.5555/bench.{j}",
                arxiv_id=f"2401.{j:05d}",
                abstract=ABSTRACT.format(w1=words[0], w2=words[1], w3=words[2]),
                award="Best Paper Award" if j % 50 == 0 else "",
            )
            publication_ids.append(publication.pk)
            chosen = list(
                dict.fromkeys([j % members, (j * 7 + 3) % members, (j * 13 + 5) % members])
            )
            for position, index in enumerate(chosen):
                authorships.append(
                    Authorship(
                        publication=publication,
                        person=people[index],
                        name=people[index].name,
                        position=position,
                        selected=j % 9 == index % 9,
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
        Authorship.objects.bulk_create(authorships)
        PublicationLink.objects.bulk_create(links)

        project_slugs = []
        for p in range(12):
            project = Project.objects.create(
                lab=lab,
                owner=people[p % members],
                title=f"Project {WORDS[p]} {WORDS[-p - 1]}",
                summary=f"We study *{WORDS[p].lower()}* systems. " * 4,
                body="## Motivation\n\nLong write-up with $x^2$ math.\n\n" * 10,
                start=today - datetime.timedelta(days=200 * p),
                is_featured=p < 4,
                order=p,
            )
            project_slugs.append(project.slug)
            for c in range(4):
                person = people[(p * 3 + c) % members]
                Collaborator.objects.create(project=project, person=person, name=person.name)
            Collaborator.objects.create(project=project, person=None, name="Outside Partner")
            figure = Figure(project=project, alt_text="A diagram", caption="Overview")
            image = ContentFile(_png((1600, 900), p), name=f"fig{p}.png")
            figure.image.save(image.name, image, save=False)
            figure.save()
            project.publications.add(*publication_ids[p * 10 : p * 10 + 10])
    return {
        "members": [p.slug for p in people],
        "publications": publication_ids,
        "projects": project_slugs,
        "years": sorted(years),
    }


def page_types(lab: dict) -> list[tuple[str, Callable[[int], str], float]]:
    """``(name, path for the i-th request, cold p95 target ms)``: requests rotate through rows."""
    members, pubs, projects = lab["members"], lab["publications"], lab["projects"]
    years = lab["years"]
    list_cold = LIST_BASE + LIST_PER_PAPER * len(pubs)
    return [
        ("lab home /", lambda i: "/", HTML_COLD),
        ("people list", lambda i: "/people/", HTML_COLD),
        ("member page", lambda i: f"/people/{members[i % len(members)]}/", HTML_COLD),
        (
            "member publications",
            lambda i: f"/people/{members[i % len(members)]}/publications/",
            HTML_COLD,
        ),
        ("research list", lambda i: "/research/", HTML_COLD),
        ("project page", lambda i: f"/research/{projects[i % len(projects)]}/", HTML_COLD),
        ("publications (all)", lambda i: "/publications/", list_cold),
        (
            "publications ?year=&q=",
            lambda i: f"/publications/?year={years[i % len(years)]}&q=robust",
            HTML_COLD,
        ),
        ("publication page", lambda i: f"/publications/{pubs[i * 37 % len(pubs)]}/", HTML_COLD),
        ("news", lambda i: "/news/", HTML_COLD),
        (
            "member .bib",
            lambda i: f"/people/{members[i % len(members)]}/publications.bib",
            HTML_COLD,
        ),
        ("lab .bib", lambda i: "/publications.bib", list_cold),
        ("news feed", lambda i: "/feeds/news.xml", HTML_COLD),
        ("sitemap.xml", lambda i: "/sitemap.xml", list_cold),
    ]


def measure(client, paths: list[str], *, expect_hit: bool) -> list[float]:
    """Milliseconds per request, in order."""
    timings = []
    for path in paths:
        start = time.perf_counter()
        response = client.get(path, HTTP_HOST=HOST)
        elapsed = (time.perf_counter() - start) * 1000
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")
        if expect_hit and response.get("X-Page-Cache") != "hit":
            raise SystemExit(f"{path} was not served from the page cache")
        timings.append(elapsed)
    return timings


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=30)
    parser.add_argument("--papers-per-member", type=int, default=60)
    parser.add_argument("--cold", type=int, default=40, help="uncached requests per page type")
    parser.add_argument("--warm", type=int, default=300, help="cached requests per page type")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="labsite-bench-pages-") as tmp:
        workdir = Path(tmp)
        _setup_django(workdir)
        from django.conf import settings
        from django.core.cache import cache
        from django.core.management import call_command
        from django.db import connection
        from django.test import Client

        call_command("migrate", verbosity=0)
        start = time.perf_counter()
        lab = build_lab(members=args.members, papers_per_member=args.papers_per_member)
        from publications.models import Authorship, Publication

        print(
            f"lab: {args.members} members, {Publication.objects.count()} publications, "
            f"{Authorship.objects.count()} authorships; built in "
            f"{time.perf_counter() - start:.1f} s; {os.cpu_count()} CPUs\n"
        )
        client = Client()
        header = (
            f"{'page':<24}{'KB':>6}{'queries':>8}{'cold p50':>10}{'cold p95':>10}{'cold r/s':>10}"
            f"{'warm p50':>10}{'warm p95':>10}{'warm r/s':>10}  target p95 cold/warm"
        )
        print(header)
        print("-" * len(header))
        missed = []
        for name, path_for, cold_target in page_types(lab):
            settings.LABSITE_PAGE_CACHE = False
            measure(client, [path_for(i) for i in range(3)], expect_hit=False)  # warm-up
            queries: list[str] = []

            def count(run, sql, *args, queries=queries):
                queries.append(sql)
                return run(sql, *args)

            with connection.execute_wrapper(count):
                size = len(client.get(path_for(0), HTTP_HOST=HOST).content)
            cold = measure(client, [path_for(i) for i in range(args.cold)], expect_hit=False)
            settings.LABSITE_PAGE_CACHE = True
            cache.clear()
            warm_path = path_for(0)
            measure(client, [warm_path], expect_hit=False)  # the miss that stores it
            warm = measure(client, [warm_path] * args.warm, expect_hit=True)
            row = (
                f"{name:<24}{size / 1024:>6.0f}{len(queries):>8}"
                f"{statistics.median(cold):>8.1f}ms{p95(cold):>8.1f}ms"
                f"{1000 * len(cold) / sum(cold):>10.0f}"
                f"{statistics.median(warm):>8.2f}ms{p95(warm):>8.2f}ms"
                f"{1000 * len(warm) / sum(warm):>10.0f}"
                f"  {cold_target:.0f} / {WARM:.0f} ms"
            )
            ok_cold, ok_warm = p95(cold) <= cold_target, p95(warm) <= WARM
            if not (ok_cold and ok_warm):
                missed.append(name)
                row += "  MISSED"
            print(row, flush=True)
        print()
        if missed:
            print("SLOWER THAN TARGET: " + ", ".join(missed))
            return 1
        print("OK: every page type within its targets")
        return 0


if __name__ == "__main__":
    sys.exit(main())
