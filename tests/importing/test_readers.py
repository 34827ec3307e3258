"""Each source reader end to end: its own fixture site through ``manage.py import_pages``.

The fixtures (tests/importing/fixtures/) were written for these tests from the formats'
documentation: a Hugo Academic site, an ORCID record and a bulk works export (API v3.0 JSON),
and a CSL-JSON library as Zotero and Manubot write it. Each test checks what the pages show:
titles, authors in order, venue, year, type and links.
"""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from labsite.importing.readers import READERS, best_reader, collect
from people.models import NewsItem, Person, ProfileSection, Talk
from publications.models import Publication
from research.models import Project

FIXTURES = Path(__file__).parent / "fixtures"


def run(*args: str) -> str:
    out, err = StringIO(), StringIO()
    call_command("import_pages", *args, stdout=out, stderr=err)
    assert err.getvalue() == ""
    return out.getvalue()


def authors(pub: Publication) -> list[str]:
    return [a.name for a in pub.authorships.order_by("position")]


def links(pub: Publication) -> dict[str, str]:
    return {link.kind: link.url for link in pub.links.all()}


@pytest.mark.parametrize(
    ("path", "reader"),
    [
        ("hugo_site", "Hugo Academic site"),
        ("orcid/record.json", "ORCID record"),
        ("orcid/works.json", "ORCID record"),
        ("csl/library.json", "CSL-JSON file"),
    ],
)
def test_registry_picks_the_reader_for_each_kind_of_source(path, reader, tmp_path):
    assert best_reader(FIXTURES / path).name == reader
    (tmp_path / "_config.yml").write_text("title: x\n")
    (tmp_path / "refs.bib").write_text("@article{a, title={A}, year={2020}}\n")
    (tmp_path / "page.md").write_text("# Hi\n")
    assert best_reader(tmp_path).name == "Jekyll site"
    assert best_reader(tmp_path / "refs.bib").name == "BibTeX file"
    assert best_reader(tmp_path / "page.md").name == "markdown pages"
    (tmp_path / "notes.txt").write_text("Hello\n")
    assert best_reader(tmp_path / "notes.txt").name == "markdown pages"
    (tmp_path / "package.json").write_text(json.dumps({"name": "not a bibliography"}))
    assert best_reader(tmp_path / "package.json").name == "CSL-JSON file"  # and is refused:
    assert collect(tmp_path / "package.json").errors == [
        "package.json:1: not a CSL-JSON list of items, nor an ORCID record"
    ]
    assert all(reader.detect(tmp_path / "missing") == 0 for reader in READERS)


def test_hugo_academic_site(db):
    out = run(str(FIXTURES / "hugo_site"), "--lab", "river")

    assert "Total: " in out.splitlines()[-1]
    owner = Person.objects.get(slug="amara-okafor")
    assert owner.position == "Assistant Professor of Environmental Computing"
    assert owner.google_scholar.endswith("user=Xq3OkaforAAAAJ")
    assert owner.orcid == "https://orcid.org/0000-0002-1825-0097"
    assert Publication.objects.count() == 7
    pubs = {p.title: p for p in Publication.objects.all()}

    sparse = pubs["Sparse Attention on a Microcontroller: Flood Forecasting at the Sensor"]
    assert authors(sparse) == ["Amara Okafor", "Tomás Lindqvist", "Wen-Hsuan Ku"]
    assert [a.equal_contribution for a in sparse.authorships.order_by("position")] == [
        True,
        True,
        False,
    ]
    assert sparse.authorships.get(position=0).person == owner
    assert (sparse.venue, sparse.short_venue, sparse.year, sparse.month, sparse.kind) == (
        "Proceedings of the 40th International Conference on Machine Learning",
        "ICML 2023",
        2023,
        7,
        "conference",
    )
    assert sparse.doi == "10.5555/3618408.3619012"
    assert links(sparse) == {
        "pdf": "https://amara-okafor.example.org/publication/sparse-attention-2023/sparse-attention.pdf",
        "code": "https://github.com/aokafor-lab/sparse-flood",
        "slides": "https://amara-okafor.example.org/uploads/icml23-slides.pdf",
    }

    riverbed = pubs["Riverbed Roughness from Low-Cost Ultrasonic Arrays"]
    assert authors(riverbed) == ["Priya Raman", "Amara Okafor", "K. Mensah", "Jorge Alvarado-Ruiz"]
    assert (riverbed.venue, riverbed.year, riverbed.kind) == (
        "Water Resources Research",
        2022,
        "journal",
    )
    # what the front matter left out comes from cite.bib beside it
    assert (riverbed.volume, riverbed.pages, riverbed.doi) == (
        "58",
        "e2021WR031002",
        "10.1029/2021wr031002",
    )
    assert "@article{raman2022riverbed" in riverbed.bibtex
    assert links(riverbed)["data"] == "https://zenodo.org/records/7712001"

    preprint = pubs["Tidal Drift Correction Without Ground Truth"]
    assert (preprint.kind, preprint.status, preprint.arxiv_id) == (
        "preprint",
        "preprint",
        "2402.01777",
    )
    assert authors(preprint) == ["Tomás Lindqvist", "Amara Okafor"]
    thesis = pubs["Learning to Listen to Rivers"]
    assert (thesis.kind, thesis.year, thesis.month) == (
        "thesis",
        2019,
        None,
    )  # 1 Jan: the year only
    chapter = pubs["Graph Models of River Networks"]
    assert (chapter.kind, chapter.doi) == ("chapter", "10.1007/978-3-030-77777-1_4")
    workshop = pubs["Count Sketches for Rain Gauges"]
    assert workshop.kind == "workshop"
    assert authors(workshop) == ["Tomás Lindqvist", "Priya Raman", "Amara Okafor"]
    assert set(links(workshop)) == {"poster", "video"}
    toml = pubs["Acoustic Counting of Fish Passages"]  # TOML front matter, numbered type
    assert (toml.kind, toml.venue, toml.short_venue, toml.year) == (
        "conference",
        "Proceedings of the IEEE Sensors Conference",
        "IEEE Sensors",
        2018,
    )
    assert authors(toml) == ["Amara Okafor", "Ruth Abernathy"]

    talk = Talk.objects.get()
    assert (talk.title, talk.event, talk.location, str(talk.date), talk.kind) == (
        "Forecasting Floods on Tiny Devices",
        "ICML 2023 Tutorial Track",
        "Honolulu, Hawaii",
        "2023-07-23",
        "tutorial",
    )
    assert talk.slides_url.endswith("icml23-tutorial.pdf")
    project = Project.objects.get()
    assert project.title == "River Sensing at the Edge"
    assert project.figures.count() == 1
    assert NewsItem.objects.get().text.startswith("**The River Sensing Group has a new home**")
    assert set(ProfileSection.objects.values_list("title", flat=True)) >= {"About", "Education"}


def test_orcid_works_export_with_contributors(db):
    run(str(FIXTURES / "orcid" / "works.json"), "--lab", "ice")

    owner = Person.objects.get(slug="ingrid-halvorsen")
    pubs = {p.title: p for p in Publication.objects.all()}
    assert len(pubs) == 9
    glacier = pubs["Glacier Melt Pulses Seen by Seismic Noise"]
    assert authors(glacier) == ["Ingrid Halvorsen", "Mateo Quispe", "Sun-Hee Park"]
    assert glacier.authorships.get(position=0).person == owner
    assert (glacier.venue, glacier.year, glacier.month, glacier.kind, glacier.doi) == (
        "Geophysical Research Letters",
        2023,
        11,
        "journal",
        "10.1029/2023gl104455",
    )
    ice = pubs["Learning Ice Fracture Precursors: A Contrastive Approach"]
    assert authors(ice) == ["Mateo Quispe", "Ingrid Halvorsen"]
    assert (ice.kind, ice.arxiv_id, ice.doi, ice.short_venue) == (
        "conference",
        "2310.05531",
        "",
        "ICLR",
    )
    assert links(ice) == {
        "paper": "https://openreview.net/forum?id=exampleIce1",
        "arxiv": "https://arxiv.org/abs/2310.05531",
    }
    posts = pubs["Seismic Listening Posts for Small Glaciers"]
    assert (posts.kind, posts.arxiv_id) == ("preprint", "2408.10102")  # "arXiv:2408.10102v2"
    chapter = pubs["Cryoseismology: An Introduction"]
    assert authors(chapter) == ["Ingrid Halvorsen"]  # the book's editor is no author
    assert (chapter.kind, chapter.year, chapter.month) == ("chapter", 2021, None)
    thesis = pubs["Listening to Glaciers"]
    assert (thesis.kind, thesis.doi) == ("thesis", "")
    assert links(thesis) == {"paper": "https://hdl.handle.net/11250/2671234"}
    assert authors(pubs["Icequake Catalogues from Distributed Acoustic Sensing"]) == [
        "Sun-Hee Park",
        "Ingrid Halvorsen",
        "Ravi Teja Kommineni",
        "Fenna de Boer",
    ]
    assert pubs["Open Seismic Data for Polar Science"].kind == "report"


def test_orcid_record_export_names_the_owner(db):
    out = run(str(FIXTURES / "orcid" / "record.json"), "--lab", "ice")

    owner = Person.objects.get()
    assert owner.name == "Ingrid Halvorsen"
    assert owner.orcid == "https://orcid.org/0000-0003-4417-2281"
    assert Publication.objects.count() == 9
    assert "9 work(s) name no contributors" in out
    tremor = Publication.objects.get(title="Tremor Sources Under Thin Ice")
    assert (tremor.venue, tremor.year, tremor.doi, tremor.arxiv_id) == (
        "The Cryosphere",
        2025,
        "10.5194/tc-19-201-2025",
        "2406.01234",
    )
    assert authors(tremor) == ["Ingrid Halvorsen"]
    # the record then the bulk works: the same works, their co-authors filled in
    run(str(FIXTURES / "orcid" / "works.json"), "--lab", "ice")
    assert Publication.objects.count() == 9


def test_csl_json_library(db):
    run(str(FIXTURES / "csl" / "library.json"), "--lab", "birds")

    owner = Person.objects.get()
    assert owner.name == "Siobhán Fitzgerald"  # on every item: the library's owner
    pubs = {p.title: p for p in Publication.objects.all()}
    assert len(pubs) == 9
    icml = pubs["Contrastive Pretraining for Bird Song Retrieval"]
    assert authors(icml) == ["Haruto Nakamura", "Siobhán Fitzgerald", "Tobi Oyelaran"]
    assert (icml.venue, icml.short_venue, icml.year, icml.month, icml.kind) == (
        "Proceedings of the 41st International Conference on Machine Learning",
        "ICML",
        2024,
        7,
        "conference",
    )
    assert (icml.volume, icml.pages) == ("235", "10211-10225")
    assert links(icml) == {"paper": "https://proceedings.mlr.press/v235/example24a.html"}
    dawn = pubs["Dawn Chorus Density Across an Urban Gradient"]
    assert authors(dawn) == ["Siobhán Fitzgerald", "Lotte de Boer", "Pim Achterberg"]
    assert (dawn.venue, dawn.year, dawn.month, dawn.kind, dawn.doi, dawn.number) == (
        "Journal of Animal Ecology",
        2023,
        4,
        "journal",
        "10.1111/1365-2656.13890",
        "4",
    )
    few = pubs["Few-Shot Species Detection in Passive Acoustic Monitoring"]
    assert (few.kind, few.status, few.arxiv_id) == ("preprint", "preprint", "2405.11120")
    assert links(few) == {"arxiv": "http://arxiv.org/abs/2405.11120"}
    thesis = pubs["Acoustic Indices for Woodland Birds"]
    assert (thesis.kind, thesis.venue, thesis.year) == ("thesis", "University of Galway", 2019)
    chapter = pubs["Listening to Wetlands"]
    assert authors(chapter) == ["Siobhán Fitzgerald", "The Wetland Sound Consortium"]
    assert (chapter.kind, chapter.year, chapter.month) == ("chapter", 2022, 11)
    assert pubs["Sparse Spectrogram Transformers"].kind == "workshop"
    assert pubs["Galway Dawn Chorus Recordings 2020-2022"].kind == "other"
    assert pubs["When Do Birds Stop Singing? Phenology of Song Under Warming"].doi == (
        "10.1111/ele.14410"
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[{", "export.json:1: broken JSON: Expecting property name enclosed in double quotes"),
        ('[{"title": "A", "type": "book"}, 3]', "export.json: item 2 has no title"),
        ('{"orcid-identifier": {"path": "0000-0001-0000-0000"}}', "no works in this ORCID record"),
    ],
)
def test_bad_json_sources_are_one_line_and_lose_nothing(db, tmp_path, content, message):
    path = tmp_path / "export.json"
    path.write_text(content)
    site = collect(path)
    lines = site.errors + [w for page in site.pages for w in page.warnings]
    assert any(line.startswith(message) or message in line for line in lines), lines
    if content.startswith('[{"title'):
        assert [p.title for p in site.pages[0].publications] == ["A"]


def test_a_folder_of_members_sites_holds_hugo_sites_too(tmp_path):
    import shutil

    from labsite.importing.readers import site_paths

    shutil.copytree(FIXTURES / "hugo_site", tmp_path / "amara")
    (tmp_path / "ben").mkdir()
    (tmp_path / "ben" / "_config.yml").write_text("author:\n  name: Ben Ode\n")
    (tmp_path / "notes").mkdir()
    assert site_paths(tmp_path) == [tmp_path / "amara", tmp_path / "ben"]


def test_hugo_bad_files_are_one_line_each_and_the_rest_imports(tmp_path):
    root = tmp_path / "site"
    files = {
        "config/_default/hugo.yaml": "title: [unclosed\n",
        "content/authors/admin/_index.md": "---\ntitle: {name: not text}\nsuperuser: yes\n---\n",
        "content/publication/good/index.md": "---\ntitle: Good Paper\nauthors: [admin, Kim Lee]\n"
        "date: 2020\npublication_types: {bad: type}\n---\n",
        "content/publication/broken/index.md": "---\ntitle: [unclosed\n---\n",
        "content/publication/toml/index.md": "+++\ntitle = \n+++\n",
        "content/publication/none/index.md": "---\nauthors: {a: b}\n---\n",
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)

    site = collect(root)

    assert [e.split(":")[0] for e in site.errors] == [
        "config/_default/hugo.yaml",
        "content/publication/broken/index.md",
        "content/publication/toml/index.md",
    ]
    pubs = [p for page in site.pages for p in page.publications]
    assert [(p.title, [a.name for a in p.authors], p.year) for p in pubs] == [
        ("Good Paper", ["admin", "Kim Lee"], 2020)  # no author page names "admin" here
    ]
    assert any("nothing to import" in w for page in site.pages for w in page.warnings)
