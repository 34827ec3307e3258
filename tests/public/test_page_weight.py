"""Page weight of publication lists (issue 9, item 1) and their uncached cost (item 2).

The lab is benchmarks/weight_lab.py's, written with bulk_create: a member with 200 papers, and
a lab of 10,000. ``make bench``-style numbers (sizes, render times) are benchmarks/bench_weight.py.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from publications.views import PAGE_SIZE
from tests.public.conftest import warm_lab_map

PATH = Path(__file__).resolve().parents[2] / "benchmarks" / "weight_lab.py"
spec = importlib.util.spec_from_file_location("weight_lab", PATH)
weight_lab = importlib.util.module_from_spec(spec)
sys.modules.setdefault("weight_lab", weight_lab)
spec.loader.exec_module(weight_lab)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_page_cache")]
HOST = "weight.localhost"


def fetch(client, path: str):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, HTTP_HOST=HOST)
    assert response.status_code == 200, path
    return response, len(queries)


@pytest.fixture
def star_lab(db):
    return weight_lab.build_lab(host=HOST, papers=260, star_papers=200)


def entries_in(html: str) -> list[str]:
    return re.findall(r'<li(?: data-abstract)?><a href="/publications/(\d+)/">', html)


@pytest.mark.parametrize("suffix", ["", "publications/"])
def test_member_page_of_200_papers_weighs_at_most_1_5_naive_pages(client, star_lab, suffix):
    star = star_lab["star"]
    response, _ = fetch(client, f"{star.get_absolute_url()}{suffix}")
    html = response.content.decode()
    assert len(entries_in(html)) == 200
    naive = weight_lab.naive_page(star, links=True).encode()
    bare = weight_lab.naive_page(star).encode()
    print(
        f"\n{star.get_absolute_url()}{suffix}: {len(response.content):,} bytes; naive with links "
        f"{len(naive):,} (× {len(response.content) / len(naive):.2f}); bare naive "
        f"{len(bare):,} (× {len(response.content) / len(bare):.2f})"
    )
    assert len(response.content) <= 1.5 * len(naive)
    # Abstracts and BibTeX are fetched when opened, never printed in the list.
    assert "minimax rate" not in html
    assert "@inproceedings" not in html and "@article" not in html


def test_member_page_renders_no_template_per_entry(client, star_lab):
    """Entries are stored HTML: the page renders the same templates at 1 paper as at 200, and
    none of them is the entry's."""
    star = star_lab["star"]
    warm_lab_map(HOST)
    response, queries = fetch(client, f"{star.get_absolute_url()}publications/")
    names = [t.name for t in response.templates]
    assert "publications/includes/_entry.html" not in names
    other = star_lab["people"][29]
    warm_lab_map(HOST)  # (and forget what the first page derived for the lab: its members)
    small, small_queries = fetch(client, f"{other.get_absolute_url()}publications/")
    assert len(entries_in(small.content.decode())) < 20
    assert [t.name for t in small.templates] == names
    assert small_queries == queries


def test_lab_of_10000_papers_answers_every_list_page_under_150_kb(client, db):
    weight_lab.build_lab(host=HOST, papers=10_000, star_papers=200, refresh=False)
    # Entries were not built (bulk_create): the first page shown builds its own hundred.
    first, _ = fetch(client, "/publications/")
    first, queries = fetch(client, "/publications/")
    html = first.content.decode()
    assert len(entries_in(html)) == PAGE_SIZE
    pages = int(re.search(r"page 1 of (\d+)", html).group(1))
    assert pages == 10_000 // PAGE_SIZE
    fetch(client, f"/publications/?page={pages}")
    last, last_queries = fetch(client, f"/publications/?page={pages}")
    sizes = {"first": len(first.content), "last": len(last.content)}
    print(f"\n/publications/ of 10,000 papers: {sizes} bytes, {queries} queries")
    assert max(sizes.values()) < 150_000
    assert last_queries == queries


def test_list_pages_keep_the_filters_and_search_in_their_links(client, db):
    weight_lab.build_lab(host=HOST, papers=1500, star_papers=0, refresh=False)
    response, _ = fetch(client, "/publications/?type=conference&q=federated&page=2")
    html = response.content.decode()
    page = response.context["page_obj"]
    assert page.number == 2 and page.paginator.num_pages > 2
    links = set(re.findall(r'href="\?([^"]*page=\d+)"', html))
    assert links
    assert all(link.startswith("type=conference&amp;q=federated&amp;page=") for link in links)
    assert 'href="?type=conference&amp;q=federated&amp;page=1" rel="prev"' in html
    assert 'href="?type=conference&amp;q=federated&amp;page=3" rel="next"' in html
    shown = response.context["publications"]
    assert len(shown) == 100
    assert all(
        p.kind == "conference" and "federated" in p.title.lower()
        for p in type(shown[0]).objects.filter(pk__in=[p.pk for p in shown])
    )


def test_pages_that_exist_are_cached_and_no_others(client, settings, db):
    """The page cache stores ``?page=N`` only for a page that exists, asked by its own number
    (labsite/cache.py, ``accept_query``): entries stay bounded."""
    settings.LABSITE_PAGE_CACHE = True
    weight_lab.build_lab(host=HOST, papers=250, star_papers=0, refresh=False)
    cache.clear()

    def state(path):
        response = client.get(path, HTTP_HOST=HOST)
        return response.status_code, response.get("X-Page-Cache")

    assert state("/publications/?page=2") == (200, "miss")
    assert state("/publications/?page=2") == (200, "hit")
    assert state("/publications/?page=3&year=2020") == (404, None)  # 18 papers: one page
    assert state("/publications/?page=02") == (200, None)  # page 2 again: answered, not stored
    assert state("/publications/?page=02") == (200, None)
    assert state("/publications/?page=4") == (404, None)
    assert state("/publications/?page=last") == (200, None)  # Django's own alias: not stored
