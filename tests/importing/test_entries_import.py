"""import_pages writes papers, authorships and links in bulk (no signals): the stored list
entries (publications/entries.py) must still match what it wrote, on a first import and on a
re-import that changes them."""

from __future__ import annotations

from labsite.importing.load import load_site
from labsite.importing.records import LinkRecord
from publications import entries
from publications.models import Publication
from tests.importing.conftest import lena_site


def _load(site, lab):
    return load_site(site, lab=lab, owner=None, dry_run=False, verbosity=1)


def shown(title_start: str) -> str:
    paper = Publication.objects.get(title__startswith=title_start)
    assert entries.is_fresh(paper.entry_parts)
    return entries.render(paper.entry_parts, owner_id=None, member_ids=frozenset())


def test_imported_papers_have_fresh_entries(lab, site_root):
    report = _load(lena_site(site_root), lab)
    assert report.errors == []
    assert Publication.objects.count() >= 3
    for paper in Publication.objects.all():
        assert entries.is_fresh(paper.entry_parts), paper.title
    html = shown("A Label-Free Method")
    assert (
        "<p>Lena Varkonyi, Tamas Rethy, Wenlan He, Kaveh Karimzadeh, Tobias Ellerbrook</p>" in html
    )
    assert '<a href="https://github.com/x/ldcl">Code</a>' in html
    # The owner is a person: a slot, filled per page.
    paper = Publication.objects.get(title__startswith="A Label-Free Method")
    slots = [p[1:] for p in paper.entry_parts["parts"] if isinstance(p, list)]
    assert ["/people/lena-varkonyi/", "Lena Varkonyi"] in slots


def test_reimport_with_new_authors_and_links_rebuilds_entries(lab, site_root):
    _load(lena_site(site_root), lab)
    site = lena_site(site_root)
    [record] = [p for p in site.pages[0].publications if p.title.startswith("A Label-Free")]
    record.links.append(LinkRecord("slides", "https://example.org/ldcl-slides.pdf"))
    record.authors[2].name = "Wenlan H. He"
    report = _load(site, lab)
    assert report.errors == []
    html = shown("A Label-Free Method")
    assert '<a href="https://example.org/ldcl-slides.pdf">Slides</a>' in html
    assert "Wenlan H. He" in html
