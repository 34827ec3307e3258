"""A member's homepage shows everything they have (issue 7, deliverable 4): stored sections in
their order, default sections after them, accurate publication headings, highlights on the lab
home, and what the look fixes print (former members, role headings, link pills)."""

from __future__ import annotations

import datetime
import html as html_lib
import re

import pytest

from people.models import ProfileSection, SectionKind
from people.views import RECENT_PUBLICATIONS, publications_heading
from publications.models import distinct_links
from tests import factories as f

# Rows are changed with update() here, which a page cache would not see: these are cache misses.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_page_cache")]


def headings(response) -> list[str]:
    """The member page's section headings as printed, in page order."""
    html = response.content.decode()
    main = html[html.index('<div class="member-main">') :]
    return [html_lib.unescape(h) for h in re.findall(r'<h2 id="h-[^"]*">([^<]*)</h2>', main)]


def add_papers(person, n: int, *, start_year: int = 2000) -> list:
    papers = []
    for i in range(n):
        paper = f.PublicationFactory(title=f"Extra paper {i}", year=start_year + i)
        f.AuthorshipFactory(publication=paper, person=person, position=0)
        papers.append(paper)
    return papers


def test_a_member_without_sections_gets_every_kind_in_the_default_order(get, alice):
    alice.section.delete()
    response = get("/people/alice-anders/")
    assert headings(response) == [
        "News",
        "Publications",
        "Research",
        "Talks",
        "Teaching",
        "Honors and awards",
    ]
    assert [s.pk for s in response.context["sections"]] == [None] * 6  # defaults, not stored


def test_stored_sections_keep_their_headings_and_order_and_defaults_follow(get, alice):
    person = alice.person
    alice.section.delete()
    f.ProfileSectionFactory(person=person, kind="prose", title="Bio", body="Hi.", order=1)
    f.ProfileSectionFactory(person=person, kind="talks", title="Invited talks", body="", order=2)
    f.ProfileSectionFactory(person=person, kind="news", title="What's new", body="", order=3)
    response = get("/people/alice-anders/")
    assert headings(response) == [
        "Bio",
        "Invited talks",
        "What's new",
        "Publications",
        "Research",
        "Teaching",
        "Honors and awards",
    ]
    assert [s.order for s in response.context["sections"]] == [1, 2, 3, 4, 5, 6, 7]


def test_a_hidden_stored_section_hides_its_kind(get, alice):
    f.ProfileSectionFactory(person=alice.person, kind="news", title="News", is_visible=False)
    response = get("/people/alice-anders/")
    assert "News" not in headings(response)
    assert b"Alice Anders news" not in response.content


def test_a_new_news_item_shows_without_a_news_section(get, alice):
    f.NewsItemFactory(
        person=alice.person, text="We moved to a new building", date=datetime.date(2031, 1, 1)
    )
    response = get("/people/alice-anders/")
    [news] = [s for s in response.context["sections"] if s.kind == SectionKind.NEWS]
    assert [item.text for item in news.rows] == ["We moved to a new building", "Alice Anders news"]
    assert b"We moved to a new building" in response.content


def test_an_empty_typed_section_prints_no_heading_unless_it_has_text(get, alice):
    alice.news.delete()
    f.ProfileSectionFactory(person=alice.person, kind="news", title="Latest", body="", order=5)
    assert "Latest" not in headings(get("/people/alice-anders/"))
    ProfileSection.objects.filter(title="Latest").update(body_html="<p>Soon.</p>")
    assert "Latest" in headings(get("/people/alice-anders/"))


def test_one_selected_paper_of_seven_is_headed_selected_and_links_to_all(get, alice):
    f.ProfileSectionFactory(person=alice.person, kind="publications", title="Publications")
    papers = add_papers(alice.person, 6)  # seven with alice's own
    response = get("/people/alice-anders/")
    assert "Publications" in headings(response)
    assert len(response.context["selected_publications"]) == 7
    assert b"All publications (7)" not in response.content  # all seven are on the page

    papers[2].authorships.filter(person=alice.person).update(selected=True)
    response = get("/people/alice-anders/")
    assert [p.title for p in response.context["selected_publications"]] == ["Extra paper 2"]
    assert "Selected publications" in headings(response)
    assert "Publications" not in headings(response)
    assert (
        '<p class="more-link"><a href="/people/alice-anders/publications/">'
        "All publications (7) →</a></p>"
    ) in response.content.decode()


def test_without_a_selection_the_recent_papers_link_to_all_when_there_are_more(get, alice):
    add_papers(alice.person, RECENT_PUBLICATIONS + 2)
    response = get("/people/alice-anders/")
    shown = [p.title for p in response.context["selected_publications"]]
    assert len(shown) == RECENT_PUBLICATIONS
    assert shown[0] == "Alice Anders's paper"  # 2024, the newest
    assert "Recent publications" in headings(response)
    assert b"All publications (13) \xe2\x86\x92" in response.content


def test_a_members_own_publications_heading_is_kept(get, alice):
    f.ProfileSectionFactory(person=alice.person, kind="publications", title="Refereed papers")
    alice.publication.authorships.filter(person=alice.person).update(selected=True)
    assert "Refereed papers" in headings(get("/people/alice-anders/"))


@pytest.mark.parametrize(
    ("title", "selected", "shown", "total", "expected"),
    [
        ("Publications", True, 1, 7, "Selected publications"),
        ("  publications ", True, 1, 7, "Selected publications"),
        ("Publications", False, 7, 7, "Publications"),
        ("Selected publications", False, 7, 7, "Publications"),
        ("Publications", False, 10, 30, "Recent publications"),
        ("Journal articles", True, 1, 7, "Journal articles"),
        ("Journal articles", False, 10, 30, "Journal articles"),
    ],
)
def test_publications_heading(title, selected, shown, total, expected):
    assert publications_heading(title, showing_selected=selected, shown=shown, total=total) == (
        expected
    )


def test_news_and_talks_keep_their_explicit_order_within_a_date(get, alice):
    day = datetime.date(2030, 5, 1)
    for order, text in [(2, "Zeta second"), (1, "Alpha first"), (3, "Mid third")]:
        f.NewsItemFactory(person=alice.person, text=text, date=day, order=order)
    for order, title in [(1, "Zebra talk"), (0, "Yak talk")]:
        f.TalkFactory(person=alice.person, title=title, date=day, order=order)
    sections = {s.kind: s for s in get("/people/alice-anders/").context["sections"]}
    assert [n.text for n in sections["news"].rows][:3] == [
        "Alpha first",
        "Zeta second",
        "Mid third",
    ]
    assert [t.title for t in sections["talks"].rows][:2] == ["Yak talk", "Zebra talk"]


def test_lab_home_puts_highlighted_news_in_its_own_place(get, alice, bob, carol):
    alice.news.is_highlight = True
    alice.news.save()
    carol.news.is_highlight = True  # another lab's highlight: never on lab A's page
    carol.news.save()
    response = get("/")
    assert [n.text for n in response.context["highlights"]] == ["Alice Anders news"]
    assert [n.text for n in response.context["news"]] == ["Bob Brown news"]  # not twice
    html = response.content.decode()
    assert html.index('<h2 id="h-highlights"') < html.index('<h2 id="h-news"')
    assert f'<li class="highlight" id="highlight-{alice.news.pk}">' in html
    assert "Carol Chen news" not in html


def test_former_member_line_is_gender_neutral_and_not_repeated(get, alice, lab_a):
    person = alice.person
    person.position = "Research scientist, Northwind"
    person.save()
    membership = person.memberships.get()
    membership.start = datetime.date(2017, 8, 1)
    membership.end = datetime.date(2022, 6, 30)
    membership.next_position = "Research scientist, Northwind"
    membership.save()
    html = get("/people/alice-anders/").content.decode()
    assert '<span class="former">Former member of Lab A (PhD student, 2017–2022)</span>' in html
    assert "Alumnus" not in html
    profile = html[html.index('<p class="profile-meta">') :].split("</p>")[0]
    assert profile.count("Research scientist, Northwind") == 1  # her own line, not repeated

    membership.next_position = "Professor at Elsewhere"
    membership.save()
    html = get("/people/alice-anders/").content.decode()
    assert (
        '<span class="former">Former member of Lab A (PhD student, 2017–2022); '
        "now Professor at Elsewhere</span>"
    ) in html


def test_people_page_role_headings_are_plural_for_several(get, alice, bob, lab_a):
    for name in ("Pia One", "Pat Two"):
        f.MembershipFactory(person=f.PersonFactory(name=name), lab=lab_a, role="pi")
    f.MembershipFactory(person=f.PersonFactory(name="Paul Doc"), lab=lab_a, role="postdoc")
    labels = [label for label, _ in get("/people/").context["groups"]]
    assert labels == ["Principal investigators", "Postdoc", "PhD students"]


def test_only_the_page_owner_is_emphasised_in_author_lists(get, alice, bob):
    f.AuthorshipFactory(
        publication=alice.publication, person=bob.person, name="Bob Brown", position=2
    )
    html = get("/people/alice-anders/").content.decode()
    [authors] = re.findall(r"<p><b>Alice Anders</b>.*?</p>", html)
    assert authors == (
        '<p><b>Alice Anders</b>, Outside Author, <a href="/people/bob-brown/">Bob Brown</a></p>'
    )
    # On Bob's page, the same stored entry highlights Bob and links Alice.
    html = get("/people/bob-brown/").content.decode()
    assert (
        '<p><a href="/people/alice-anders/">Alice Anders</a>, Outside Author, <b>Bob Brown</b></p>'
        in html
    )


@pytest.mark.parametrize(
    ("links", "doi", "expected"),
    [
        # Two "Paper" links on two hosts: told apart by host; the DOI pill stays (no link is it).
        (
            [("Paper", "https://dl.acm.org/doi/x"), ("Paper", "https://arxiv.org/abs/1")],
            "10.1/x",
            [
                ("Paper (dl.acm.org)", "https://dl.acm.org/doi/x"),
                ("Paper (arxiv.org)", "https://arxiv.org/abs/1"),
                ("DOI", "https://doi.org/10.1/x"),
            ],
        ),
        # A Paper link that is the DOI: no DOI pill; the same URL twice: once.
        (
            [("Paper", "https://doi.org/10.1/X"), ("PDF", "https://doi.org/10.1/X/")],
            "10.1/x",
            [("Paper", "https://doi.org/10.1/X")],
        ),
        # Same label, same host: numbered.
        (
            [
                ("Slides", "https://ex.org/a"),
                ("Slides", "https://ex.org/b"),
                ("Code", "https://g.h/"),
            ],
            "",
            [
                ("Slides 1", "https://ex.org/a"),
                ("Slides 2", "https://ex.org/b"),
                ("Code", "https://g.h/"),
            ],
        ),
        # "Paper, Paper, DOI" as the issue saw it: a paper link per host and the DOI.
        (
            [("Paper", "https://arxiv.org/abs/2"), ("Paper", "https://doi.org/10.9/q")],
            "10.9/q",
            [
                ("Paper (arxiv.org)", "https://arxiv.org/abs/2"),
                ("Paper (doi.org)", "https://doi.org/10.9/q"),
            ],
        ),
    ],
)
def test_link_pills_never_repeat_a_label(links, doi, expected):
    assert distinct_links(links, doi=doi) == expected


def test_link_pills_on_the_page(get, alice):
    paper = alice.publication
    paper.doi = "10.5/abc"
    paper.save()
    f.PublicationLinkFactory(publication=paper, kind="paper", url="https://doi.org/10.5/abc")
    f.PublicationLinkFactory(publication=paper, kind="code", url="https://github.com/a/b")
    html = get(f"/publications/{paper.pk}/").content.decode()
    pills = re.findall(r'<a class="btn" href="([^"]+)">([^<]+)</a>', html)
    assert pills == [("https://doi.org/10.5/abc", "Paper"), ("https://github.com/a/b", "Code")]
