"""Step 4, publications: each layout homepages use, on literal strings."""

from __future__ import annotations

from labsite.importing.extract.authors import looks_like_authors, parse_authors, same_person
from labsite.importing.extract.common import Context
from labsite.importing.extract.publications import extract_publications, highlighted_names
from labsite.importing.extract.venues import split_venue


def _lines(text: str) -> list[tuple[int, str]]:
    return list(enumerate(text.split("\n"), start=1))


def _pubs(text: str, ctx: Context | None = None, selected: bool = False):
    return extract_publications(_lines(text), ctx or Context(), "p.md", selected)


def _authors(authors):
    return [(a.name, a.is_owner, a.equal_contribution) for a in authors]


def test_parse_authors_highlight_and_equal_marks():
    text = (
        "<u>Ada Lovelace</u>\\*, Charles Babbage\\*, **Mary Somerville<sup>\\*</sup>**, "
        "Grace Hopper†, <b>Alan Turing</b>, <strong>Kurt Gödel</strong> and Emmy Noether"
    )
    assert _authors(parse_authors(text)) == [
        ("Ada Lovelace", True, True),
        ("Charles Babbage", False, True),
        ("Mary Somerville", True, True),
        ("Grace Hopper", False, True),
        ("Alan Turing", True, False),
        ("Kurt Gödel", True, False),
        ("Emmy Noether", False, False),
    ]


def test_parse_authors_links_ellipsis_and_oxford_and():
    authors = parse_authors("[Ada Lovelace](https://ada.example), B Smith, ..., and C. D. Jones")
    assert [(a.name, a.url) for a in authors] == [
        ("Ada Lovelace", "https://ada.example"),
        ("B Smith", ""),
        ("C. D. Jones", ""),
    ]


def test_parse_authors_last_first_initials():
    assert [a.name for a in parse_authors("Lovelace, A., Babbage, C. and Hopper, G.M.")] == [
        "A. Lovelace",
        "C. Babbage",
        "G.M. Hopper",
    ]


def test_looks_like_authors():
    assert looks_like_authors("<u>Ada Lovelace</u>, Charles Babbage")
    assert looks_like_authors("A. Lovelace, C. Babbage and G. Hopper")
    assert not looks_like_authors("NeurIPS 2023")
    assert not looks_like_authors("**[A Title, With Commas, and More Words](https://x.org)**")
    assert not looks_like_authors("We study how things work, and why.")


def test_same_person_initials():
    assert same_person("J Park", "Jiwoo Park")
    assert same_person("Zoë Müller", "Zoe Muller")
    assert not same_person("J Park", "K Park")


def test_stacked_entries_with_escaped_link_lists():
    pubs = _pubs(
        "- **A Study of Things**  \n"
        "  <u>Ada Lovelace</u>\\*, Bob Smith\\* and Carol Jones  \n"
        "  NeurIPS 2023  \n"
        '  <span style="color:red;">Best Paper Award</span>  \n'
        "  \\[[Paper](https://arxiv.org/abs/2311.01234v2)\\], \\[[Code](https://github.com/a/b)\\]\n"
        "\n"
        "- **Another Study**  \n"
        "  Dan Brown, <u>Ada Lovelace</u>  \n"
        "  ACM Transactions on Things, 2022  \n"
        "  \\[[Paper](https://doi.org/10.1145/3696395)\\]\n"
    )
    assert [
        (p.title, _authors(p.authors), p.venue, p.short_venue, p.year, p.kind, p.award)
        for p in pubs
    ] == [
        (
            "A Study of Things",
            [("Ada Lovelace", True, True), ("Bob Smith", False, True),
             ("Carol Jones", False, False)],
            "NeurIPS", "NeurIPS", 2023, "conference", "Best Paper Award",
        ),
        (
            "Another Study",
            [("Dan Brown", False, False), ("Ada Lovelace", True, False)],
            "ACM Transactions on Things", "", 2022, "journal", "",
        ),
    ]  # fmt: skip
    assert [(link.kind, link.url) for link in pubs[0].links] == [
        ("paper", "https://arxiv.org/abs/2311.01234v2"),
        ("code", "https://github.com/a/b"),
    ]
    assert [(p.arxiv_id, p.doi) for p in pubs] == [("2311.01234", ""), ("", "10.1145/3696395")]
    assert [p.source.line for p in pubs] == [1, 7]
    assert highlighted_names(pubs) == ["Ada Lovelace"]


def test_linked_titles_with_hard_breaks_trophy_and_html_anchors():
    pubs = _pubs(
        "**[Title One Here](https://arxiv.org/abs/2407.01111)** \\\n"
        "**Ada Lovelace<sup>\\*</sup>**, Bob Smith<sup>\\*</sup> \\\n"
        "_ICML 2022, JMLR 2023_ \\\n"
        "🏆 **ICML Outstanding Paper Award** \\\n"
        "**Spotlight Presentation** \\\n"
        "[[arxiv](https://arxiv.org/pdf/2407.01111.pdf), [code](https://github.com/x/y), "
        '<a href="https://x.org/poster.pdf" target="_blank">poster</a>, '
        "[talk](https://slideslive.com/1), [Supplementary](https://x.org/supp)]\n",
        selected=True,
    )
    (p,) = pubs
    assert (p.title, p.venue, p.year, p.award, p.note, p.selected) == (
        "Title One Here",
        "ICML 2022, JMLR 2023",
        2022,
        "ICML Outstanding Paper Award",
        "Spotlight Presentation",
        True,
    )
    assert [(link.kind, link.url, link.label) for link in p.links] == [
        ("arxiv", "https://arxiv.org/pdf/2407.01111.pdf", ""),
        ("code", "https://github.com/x/y", ""),
        ("poster", "https://x.org/poster.pdf", ""),
        ("talk", "https://slideslive.com/1", ""),
        ("other", "https://x.org/supp", "Supplementary"),
    ]
    assert p.arxiv_id == "2407.01111"


def test_citation_line_layout_with_quoted_title():
    (p,) = _pubs(
        'M. Okonkwo\\*, M. Castell\\*, **A. Vasquez**. "On gaming when optimizing for '
        'ratings." **NeurIPS 2024 (Spotlight)** [(arxiv)](https://arxiv.org/abs/2411.02222)'
    )
    assert (p.title, p.venue, p.year, p.note) == (
        "On gaming when optimizing for ratings",
        "NeurIPS",
        2024,
        "Spotlight",
    )
    assert _authors(p.authors) == [
        ("M. Okonkwo", False, True),
        ("M. Castell", False, True),
        ("A. Vasquez", True, False),
    ]
    assert [(link.kind, link.url) for link in p.links] == [
        ("arxiv", "https://arxiv.org/abs/2411.02222")
    ]


def test_citation_line_layout_with_linked_italic_title_and_status():
    (p,) = _pubs(
        "* **Ada Lovelace**, Bob Smith. [*Fair Things: An Algorithm*](https://arxiv.org/abs/2208.04444),"
        " to appear on AAAI 2023."
    )
    assert (p.title, p.venue, p.year, p.status, p.kind) == (
        "Fair Things: An Algorithm",
        "AAAI",
        2023,
        "accepted",
        "conference",
    )
    assert [a.name for a in p.authors] == ["Ada Lovelace", "Bob Smith"]


def test_status_lines_and_preprints():
    pubs = _pubs(
        "**Under Review Work on Things**\n"
        "**Ada Lovelace**, Bob Smith\n"
        "_Under review, soon on arxiv._\n"
        "\n"
        "- **A Preprint on Stuff** †<br>\n"
        "  **A Lovelace**, B Smith<br>\n"
        "  *arXiv preprint arXiv:2406.03333* | ([link](https://x.org/p))\n"
    )
    assert [(p.title, p.venue, p.year, p.month, p.status, p.kind, p.arxiv_id) for p in pubs] == [
        ("Under Review Work on Things", "", None, None, "under_review", "preprint", ""),
        ("A Preprint on Stuff", "arXiv preprint arXiv:2406.03333", 2024, 6, "preprint", "preprint",
         "2406.03333"),
    ]  # fmt: skip


def test_selected_marker_from_a_legend():
    pubs = _pubs(
        "🔹 Selected papers\n\n"
        "- 🔹**Chosen Work Here** <br>\n  **A Lovelace**, B Smith  \n  *Nature 2024*\n\n"
        "- **Other Work Here** <br>\n  **A Lovelace**, B Smith  \n  *Science 2023*\n"
    )
    assert [(p.title, p.selected, p.kind) for p in pubs] == [
        ("Chosen Work Here", True, "journal"),
        ("Other Work Here", False, "journal"),
    ]


def test_relative_links_are_absolutised_with_the_site_url():
    ctx = Context(site_url="https://me.example/lab")
    (p,) = _pubs(
        "**A Paper Title Here**\n**Me Myself**, You\nICLR 2020\n[[PDF](/files/a.pdf)]", ctx
    )
    assert [(link.kind, link.url) for link in p.links] == [
        ("pdf", "https://me.example/lab/files/a.pdf")
    ]


def test_lines_that_are_not_publications_are_skipped():
    assert _pubs("You can find my papers on [Google Scholar Page](https://scholar.example).") == []
    assert _pubs("(\\*) Equal contribution\n\n**\n. **\n") == []


def test_split_venue_shapes():
    def v(text):
        r = split_venue(text)
        return (r.venue, r.year, r.month, r.short, r.kind, r.status, r.note)

    assert v("NeurIPS 2023") == ("NeurIPS", 2023, None, "NeurIPS", "conference", "", "")
    assert v("Transactions on Machine Learning Research 2023") == (
        "Transactions on Machine Learning Research", 2023, None, "TMLR", "journal", "", ""
    )  # fmt: skip
    assert v("_Master's Thesis, Polytechnique Eastvale 2020_") == (
        "Master's Thesis, Polytechnique Eastvale", 2020, None, "", "thesis", "", ""
    )  # fmt: skip
    assert v("Published in *Advances in Neural Information Processing Systems*, 2023") == (
        "Advances in Neural Information Processing Systems", 2023, None, "NeurIPS", "conference",
        "", "",
    )  # fmt: skip
    uai = "38th Conference on Uncertainty in Artificial Intelligence (UAI 2022)"
    assert v(f"{uai}, August, 2022") == (
        uai, 2022, 8, "UAI",
        "conference", "", "",
    )  # fmt: skip
    assert v("ICML Workshop on Foundations, 2024") == (
        "ICML Workshop on Foundations", 2024, None, "ICML Workshop", "workshop", "", ""
    )  # fmt: skip
    assert v("Preprint, 2026") == ("Preprint", 2026, None, "Preprint", "preprint", "preprint", "")


def test_numbered_citation_entries():
    (p,) = _pubs('[1] A. Lovelace, **B. Babbage**, "A Title About Engines," in Proc. ICML, 2020.')
    assert (p.title, [a.name for a in p.authors], p.venue, p.year, p.short_venue) == (
        "A Title About Engines",
        ["A. Lovelace", "B. Babbage"],
        "Proc. ICML",
        2020,
        "ICML",
    )


def test_corresponding_mark_from_a_legend():
    (p,) = _pubs(
        "†  (Co-)Corresponding Author\n\n"
        "- **A Paper I Led** †<br>\n  B Smith, **A Lovelace**<br>\n  *Nature Physics (2026)*\n"
    )
    assert [(a.name, a.corresponding, a.equal_contribution) for a in p.authors] == [
        ("B Smith", False, False),
        ("A Lovelace", True, False),
    ]
    assert (p.title, p.year, p.venue) == ("A Paper I Led", 2026, "Nature Physics")


def test_split_venue_does_not_eat_article_numbers():
    assert (split_venue("Science Advances 12, eabc1234 (2026)").venue, split_venue("x").year) == (
        "Science Advances 12, eabc1234",
        None,
    )
    r = split_venue("Phys. Rev. A 112, 012345 (2025)")
    assert (r.venue, r.year, r.kind) == ("Phys. Rev. A 112, 012345", 2025, "journal")
    r = split_venue("NeurIPS, Dec 10, 2020")
    assert (r.venue, r.year, r.month) == ("NeurIPS", 2020, 12)


def test_html_table_and_list_entries():
    pubs = _pubs(
        '<table>\n<tr>\n  <td><img src="t.png" width="160"></td>\n  <td>\n'
        '    <a href="https://arxiv.org/abs/2001.00001"><papertitle>Neural Things for Fun'
        "</papertitle></a>\n    <br>\n    <strong>Ada Lovelace</strong>, Bob Smith\n    <br>\n"
        '    <em>CVPR</em>, 2020\n    <br>\n    <a href="https://github.com/x">code</a>\n'
        "  </td>\n</tr>\n"
        "<tr><td><b>Second Paper Title Here</b><br>Ann Lee, <b>Ada Lovelace</b><br>"
        "<i>ICML 2019</i></td></tr>\n</table>\n"
    )
    assert [
        (p.title, _authors(p.authors), p.venue, p.year, sorted(lk.kind for lk in p.links))
        for p in pubs
    ] == [
        (
            "Neural Things for Fun",
            [("Ada Lovelace", True, False), ("Bob Smith", False, False)],
            "CVPR",
            2020,
            ["arxiv", "code"],
        ),
        (
            "Second Paper Title Here",
            [("Ann Lee", False, False), ("Ada Lovelace", True, False)],
            "ICML",
            2019,
            [],
        ),
    ]
    assert [p.source.line for p in pubs] == [2, 14]


def test_authors_and_venue_on_one_line():
    (p,) = _pubs("- **A Title of Some Length**\n  A. Lovelace, **B. Smith**. *NeurIPS 2023*\n")
    assert (_authors(p.authors), p.venue, p.year) == (
        [("A. Lovelace", False, False), ("B. Smith", True, False)],
        "NeurIPS",
        2023,
    )


def test_plain_text_citations_without_markup():
    pubs = _pubs(
        "- Y. Ouazzani, D. Sorokovin. Bayesian model choice and generalization. ICML, 2022.\n"
        "- A. Lovelace, B. Smith. Can engines think? Proc. Royal Society, 2021.\n"
        "- We thank A. Lovelace, B. Smith. And nobody else today.\n"
    )
    assert [(p.title, [a.name for a in p.authors], p.venue, p.year) for p in pubs] == [
        ("Bayesian model choice and generalization", ["Y. Ouazzani", "D. Sorokovin"], "ICML", 2022),
        ("Can engines think?", ["A. Lovelace", "B. Smith"], "Proc. Royal Society", 2021),
    ]


def test_parse_authors_escaped_hash_mark_and_inverted_names_of_any_shape():
    # markdown's escaped "\#" is the mark, never part of the name
    assert _authors(parse_authors(r"Ana Ruiz, <b>Tomas Lind</b>\#, Kenji Mori\#.")) == [
        ("Ana Ruiz", False, False),
        ("Tomas Lind", True, True),
        ("Kenji Mori", False, True),
    ]
    # surnames of two words or with a particle, hyphenated initials, a missing comma: still
    # pairs of surname and initials, not one name per comma
    names = parse_authors("Sen Gupta, H., van Dorn, A., Chang, R. Y-W., Weng K., & Mori, K.")
    assert [a.name for a in names] == [
        "H. Sen Gupta",
        "A. van Dorn",
        "R. Y-W. Chang",
        "K. Weng",
        "K. Mori",
    ]


def test_split_venue_presentation_and_author_order_remarks():
    venue = split_venue("12th Conference on Aeolian Processes (CAP 2024) [Oral].")
    assert (venue.venue, venue.short, venue.year, venue.note) == (
        "12th Conference on Aeolian Processes",
        "CAP",
        2024,
        "Oral",
    )
    venue = split_venue(
        "International Conference on Sand Transport (ICST), 2019(equal contribution)"
    )
    assert (venue.venue, venue.year, venue.note) == (
        "International Conference on Sand Transport (ICST)",
        2019,
        "",
    )
    venue = split_venue("ICST 2022 Spotlight")
    assert (venue.venue, venue.year, venue.note) == ("ICST", 2022, "Spotlight")
