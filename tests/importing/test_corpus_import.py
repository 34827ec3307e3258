"""Every real site of ../shared/corpus imports with exit status 0, and the database holds what
the pure steps found: the rows counted here are compared with ``collect()``'s records.

Publications are compared after the same identity rules the loader uses (a site often lists a
paper twice: on its about page and in ``_publications/``), everything else one row per record.
A second import of the same site changes nothing and repeats the first one's warnings.
"""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from labsite.importing.identity import PublicationIndex
from labsite.importing.readers import collect
from labsite.importing.works import distinct_from_stored, distinct_kinds
from people.models import Honor, NewsItem, Person, ProfileSection, Talk, Teaching
from publications.models import Publication
from research.models import Project
from tests.importing.conftest import SHARED, row_counts

CORPUS = sorted(p for p in (SHARED / "corpus").glob("*") if p.is_dir())


def expected_counts(path) -> dict[str, int]:
    site = collect(path)
    index = PublicationIndex()
    distinct = 0
    first: dict[int, tuple[object, object]] = {}  # paper → (page, its first record)
    for page in site.pages:
        for n, record in enumerate(page.publications):
            if not record.title.strip():
                continue
            facts = {"doi": record.doi, "arxiv_id": record.arxiv_id, "title": record.title}
            hit = index.find(**facts, year=record.year)
            if hit is not None and hit[1] == "title":
                # the loader's rules: one page's thesis and paper are two works, and so are
                # a thesis and a paper of one title on two pages (an unknown kind is stored
                # as the model's default, a conference paper)
                seen_page, seen = first[hit[0]]
                two = (
                    distinct_kinds(seen.kind, record.kind)
                    if seen_page is page
                    else distinct_from_stored(record.kind, seen.kind or "conference")
                )
                hit = None if two else hit
            if hit is None:
                distinct += 1
                index.add(distinct, **facts, year=record.year, source_key=f"{page.source}#{n}")
                first[distinct] = (page, record)

    def total(name: str) -> int:
        return sum(len(getattr(page, name)) for page in site.pages)

    return {
        "publications": distinct,
        "news": total("news"),
        "projects": total("projects"),
        "sections": total("sections"),
        "honors": total("honors"),
        "talks": total("talks"),
        "teaching": total("teaching"),
        "people": 1,
    }


def database_counts() -> dict[str, int]:
    return {
        "publications": Publication.objects.count(),
        "news": NewsItem.objects.count(),
        "projects": Project.objects.count(),
        "sections": ProfileSection.objects.count(),
        "honors": Honor.objects.count(),
        "talks": Talk.objects.count(),
        "teaching": Teaching.objects.count(),
        "people": Person.objects.count(),
    }


@pytest.mark.skipif(not CORPUS, reason="../shared/corpus is not present")
@pytest.mark.parametrize("path", CORPUS, ids=[p.name.split("__")[0] for p in CORPUS])
def test_corpus_site_imports_everything_collect_found(db, path):
    out, err = StringIO(), StringIO()

    call_command("import_pages", str(path), "--lab", "corpus", stdout=out, stderr=err)

    assert err.getvalue() == ""
    assert database_counts() == expected_counts(path)
    assert database_counts()["publications"] > 0 or database_counts()["sections"] > 0

    # Idempotent: the second import writes nothing and says the same warnings again.
    before = row_counts()
    again = StringIO()
    call_command("import_pages", str(path), "--lab", "corpus", stdout=again, stderr=err)
    assert row_counts() == before
    assert again.getvalue().splitlines()[-1].startswith("Total: 0 created, 0 updated,")
    assert warnings(again.getvalue()) == warnings(out.getvalue())


def warnings(report: str) -> list[str]:
    """The report's warning and conflict lines, each under the page it belongs to."""
    lines, page = [], ""
    for line in report.splitlines():
        if line.startswith("  ") and not line.startswith("    "):
            page = line.split(":")[0].strip()
        elif line.strip().startswith(("warning:", "conflict:")):
            lines.append(f"{page}: {line.strip()}")
    return lines
