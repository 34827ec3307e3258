"""BibTeX as real homepages write it: repeated keys and fields, math in titles, odd years."""

from labsite.importing.bibtex import ET_AL, decode_latex, parse_bibtex
from labsite.importing.extract.common import Context

CTX = Context(site_url="https://owner.example")


def _parse(text: str):
    result = parse_bibtex(text, CTX, "_bibliography/papers.bib")
    assert result.errors == []
    return result.publications


def test_two_entries_with_one_key_keep_no_braces():
    first, second = _parse(
        "@article{lee2021, title={Sand Dunes}, url={https://arxiv.org/abs/2101.00001}, year=2021}\n"
        "@article{lee2021, title={Wind Ripples}, url={https://arxiv.org/abs/2102.00002},\n"
        "  abstract={We measure ripples.}, year={2022}}\n"
    )
    assert (first.title, second.title) == ("Sand Dunes", "Wind Ripples")
    assert second.links[0].url == "https://arxiv.org/abs/2102.00002"
    assert second.abstract == "We measure ripples."
    assert second.year == 2022


def test_a_repeated_field_keeps_the_others_intact():
    (record,) = _parse(
        "@article{dune, title={Dune Fields}, journal={Journal of Sand}, journal={J. Sand},\n"
        "  url={https://example.org/dune}, year={2020}, year={2020}}\n"
    )
    assert record.venue == "Journal of Sand"  # the first value, as BibTeX keeps it
    assert record.links[0].url == "https://example.org/dune"
    assert record.year == 2020


def test_grouping_braces_inside_math_are_kept():
    assert decode_latex(r"{C}alcium $Ca^{2+}$ in $x_{12}$ {Sand}") == (
        r"Calcium $Ca^{2+}$ in $x_{12}$ Sand"
    )


def test_a_non_numeric_year_falls_back_to_another_date_field():
    (thesis, other) = _parse(
        "@phdthesis{t, title={Ripples}, school={Dune University}, year={Thesis},\n"
        "  defense_year={2019}}\n"
        "@misc{m, title={Notes on Wind}, date={2021-05-02}}\n"
    )
    assert thesis.year == 2019
    assert other.year == 2021


def test_and_others_is_et_al():
    (record,) = _parse("@misc{m, title={Wind}, author={Lee, Ana and Cho, Bo and others}}\n")
    assert [a.name for a in record.authors] == ["Ana Lee", "Bo Cho", ET_AL]


def test_a_thesis_written_as_article_is_a_thesis():
    records = _parse(
        "@article{a, title={Ripples One}, school={Dune University}, year={2019}}\n"
        "@article{b, title={Ripples Two}, type={Master's thesis}, journal={Dune U.}, year=2018}\n"
        "@article{c, title={Ripples Three}, journal={Journal of Sand}, year={2020}}\n"
    )
    assert [r.kind for r in records] == ["thesis", "thesis", "journal"]


def test_a_workshop_abbr_never_claims_the_main_conference():
    (record,) = _parse(
        "@inproceedings{w, title={Dune Maps}, booktitle={ICML 2024 Workshop on Sand},\n"
        "  abbr={ICML}, year={2024}}\n"
    )
    assert (record.kind, record.short_venue) == ("workshop", "ICML Workshop")


def test_publications_front_matter_type_and_excerpt_authors():
    from labsite.importing.readers.jekyll.collections import collection_publication

    meta = {
        "title": "Ripples in Wind Tunnels",
        "category": "manuscripts",
        "type": "thesis",
        "venue": "Dune University",
        "date": "2019-05-01",
        "excerpt": "<p>Ana Ruiz, <b>Tomas Lind</b>, Kenji Mori</p>",
    }
    record = collection_publication(meta, "", CTX, "_publications/ripples.md", {})
    assert record.kind == "thesis"
    assert [(a.name, a.is_owner) for a in record.authors] == [
        ("Ana Ruiz", False),
        ("Tomas Lind", True),
        ("Kenji Mori", False),
    ]


def test_a_name_with_its_native_script_alias_keeps_the_latin_name():
    from labsite.importing.extract.authors import parse_authors

    assert [a.name for a in parse_authors("**Tomas Lind(林汤姆)**, Ana Ruiz")] == [
        "Tomas Lind",
        "Ana Ruiz",
    ]


def test_a_thesis_and_its_paper_with_one_title_stay_two_works(db, tmp_path):
    from io import StringIO

    from django.core.management import call_command

    from publications.models import Publication

    bib = tmp_path / "papers.bib"
    bib.write_text(
        "@phdthesis{lind2020, title={Ripples in Wind Tunnels}, author={Lind, Tomas},\n"
        "  school={Dune University}, year={2020}}\n"
        "@article{lind2021, title={Ripples in wind tunnels}, author={Lind, Tomas and Ruiz, Ana},\n"
        "  journal={Journal of Coastal Sand}, year={2021}}\n"
        "@inproceedings{lind2021w, title={Sand Fences}, author={Lind, Tomas},\n"
        "  booktitle={NeurIPS 2021 Workshop on Sand}, year={2021}}\n"
        "@inproceedings{lind2022, title={Sand fences}, author={Lind, Tomas},\n"
        "  booktitle={Conference on Earth Surfaces}, year={2022}}\n"
        "@misc{lind2019, title={Sand Fences}, author={Lind, Tomas}, eprint={1901.00001},\n"
        "  archiveprefix={arXiv}, year={2020}}\n",
        encoding="utf-8",
    )
    call_command("import_pages", str(bib), "--lab", "dunes", stdout=StringIO(), stderr=StringIO())
    kinds = sorted(Publication.objects.values_list("kind", "year"))
    # the preprint is the workshop paper before its venue: one work; the others are four
    assert kinds == [("conference", 2022), ("journal", 2021), ("thesis", 2020), ("workshop", 2021)]


def test_a_thesis_on_one_page_and_its_paper_on_another_stay_two_works(db, tmp_path):
    from io import StringIO

    from django.core.management import call_command

    from publications.models import Publication

    site = tmp_path / "site"
    (site / "_pages").mkdir(parents=True)
    (site / "_config.yml").write_text("title: Tomas Lind\nauthor:\n  name: Tomas Lind\n")
    (site / "_pages" / "cv.md").write_text(
        "---\ntitle: CV\npermalink: /cv/\n---\n\n## Publications\n\n"
        "- **Tomas Lind**. Ripples in Wind Tunnels. PhD thesis, Dune University, 2020.\n",
        encoding="utf-8",
    )
    (site / "_pages" / "publications.md").write_text(
        "---\ntitle: Publications\npermalink: /publications/\n---\n\n## Journal articles\n\n"
        "- **Tomas Lind**, Ana Ruiz. Ripples in wind tunnels. *Journal of Coastal Sand*, 2021.\n"
        "- **Tomas Lind**, Ana Ruiz. Sand fences at night. *Journal of Coastal Sand*, 2022.\n",
        encoding="utf-8",
    )
    (site / "_pages" / "selected.md").write_text(
        "---\ntitle: Selected\npermalink: /selected/\n---\n\n## Selected publications\n\n"
        "- **Tomas Lind**, Ana Ruiz. Sand fences at night. *Journal of Coastal Sand*, 2022.\n",
        encoding="utf-8",
    )
    for _ in range(2):
        call_command(
            "import_pages", str(site), "--lab", "dunes", stdout=StringIO(), stderr=StringIO()
        )
        kinds = sorted(Publication.objects.values_list("kind", "year"))
        # the thesis and the article drawn from it are two works; the paper listed on two
        # pages is one
        assert kinds == [("journal", 2021), ("journal", 2022), ("thesis", 2020)]
