"""A paper listed twice on one page — a badge line in a "Selected" list above its full citation
— is stored once, from the fuller listing, and keeps the badge listing's selection."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from publications.models import Authorship, Publication

PAGE = """---
title: Publications
---

## Selected Publications

- `JWID'23` [Fast Widgets for Clay](https://example.org/fw), **Ana Ruiz**, Bo Chen **(IF: 9.2)**

## Journal Articles

- **Ana Ruiz**, and Bo Chen. "[Fast Widgets for Clay](https://example.org/fw)." *Journal of
  Widgets*, 2023. **(IF: 9.2)**
- **Ana Ruiz**, Carla Diaz. "Slow Widgets in Sand." *Journal of Widgets*, 2021.
"""


def _import(path) -> str:
    out = StringIO()
    call_command("import_pages", str(path), "--lab", "t", "--person", "Ana Ruiz", stdout=out)
    return out.getvalue()


def test_the_fuller_listing_gives_the_fields_and_the_badge_its_selection(db, tmp_path):
    page = tmp_path / "publications.md"
    page.write_text(PAGE, encoding="utf-8")
    _import(page)
    paper = Publication.objects.get(title="Fast Widgets for Clay")
    assert (paper.venue, paper.kind, paper.year) == ("Journal of Widgets", "journal", 2023)
    rows = Authorship.objects.filter(publication=paper).order_by("position")
    assert [a.name for a in rows] == ["Ana Ruiz", "Bo Chen"]  # no "(IF: 9.2)" on the last name
    assert rows[0].selected  # the "Selected" list's listing
    # the page's order: the paper where it was first listed, before the other one
    titles = list(Publication.objects.order_by("order").values_list("title", flat=True))
    assert titles == ["Fast Widgets for Clay", "Slow Widgets in Sand"]
    again = _import(page)
    assert "Total: 0 created, 0 updated" in again
