"""A member's CV page and PDF (people/cv.py, people/pages.py), and the talks and teaching
pages: what they show, in which order, what a member leaves out, what the PDF fetches, and a
query count that does not grow with the content."""

from __future__ import annotations

import datetime
import io

import pypdf
import pytest

from people.cv import RefusedURL, local_url_fetcher
from people.models import CVKind
from tests import factories as f
from tests.public.conftest import A, B, cold_count_queries, grow

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def _papers(member, titles_years) -> None:
    for title, year, kind in titles_years:
        paper = f.PublicationFactory(title=title, year=year, kind=kind, venue=f"Venue {year}")
        f.AuthorshipFactory(publication=paper, person=member.person, position=0)
        f.AuthorshipFactory(publication=paper, person=None, name="Grace Hopper", position=1)


PAPERS = [
    ("Compilers for Everyone", 2021, "journal"),
    ("Quiet Machines", 2024, "conference"),
    ("Loud Machines", 2019, "conference"),
    ("A Thesis on Engines", 2018, "thesis"),
]


def test_cv_page_shows_positions_education_papers_by_kind_talks_teaching_honors(get, alice):
    f.CVEntryFactory(
        person=alice.person,
        kind=CVKind.EDUCATION,
        title="PhD in Computer Science",
        organization="University of Examples",
        start_year=2014,
        end_year=2019,
        detail="Advisor: Ada Lovelace",
    )
    f.CVEntryFactory(
        person=alice.person,
        kind=CVKind.EXPERIENCE,
        title="Research intern",
        organization="Example Labs",
        start_year=2017,
        end_year=2017,
    )
    f.CVEntryFactory(
        person=alice.person,
        kind=CVKind.SERVICE,
        title="Reviewer, Journal of Tests",
        start_year=2022,
        end_year=None,
    )
    _papers(alice, PAPERS)
    page = get(f"/people/{alice.person.slug}/cv/")
    assert page.status_code == 200
    whole = page.content.decode()
    html = whole[whole.index('<div class="cv">') :]
    order = [
        "Positions", "Research intern", "Education", "PhD in Computer Science",
        "Advisor: Ada Lovelace", "Publications", "Conference papers", "Quiet Machines",
        "Loud Machines", "Journal articles", "Compilers for Everyone", "Theses",
        "A Thesis on Engines", "Talks", "Teaching", "Honors and awards", "Service",
        "Reviewer, Journal of Tests", "2022–present",
    ]  # fmt: skip
    positions = [html.index(text) for text in order]
    assert positions == sorted(positions), sorted(zip(positions, order, strict=True))
    assert "Lab A" in html  # the lab membership is a position
    assert f"/people/{alice.person.slug}/cv.pdf" in whole


def test_hidden_and_empty_sections_are_left_out(get, alice):
    alice.person.cv_hidden = ["talks", "honors"]
    alice.person.save()
    alice.teaching.delete()
    html = get(f"/people/{alice.person.slug}/cv/").content.decode()
    assert ">Publications</h2>" in html
    assert ">Talks</h2>" not in html and alice.talk.title not in html
    assert ">Honors and awards</h2>" not in html
    assert ">Teaching</h2>" not in html  # nothing to show
    assert ">Service</h2>" not in html


def test_cv_pdf_holds_the_members_papers_in_order(get, alice):
    _papers(alice, PAPERS)
    response = get(f"/people/{alice.person.slug}/cv.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = " ".join(pdf_text(response.content).split())
    assert alice.person.name in text
    expected = ["Quiet Machines", "Loud Machines", "Compilers for Everyone", "A Thesis on Engines"]
    found = [text.index(title) for title in expected]
    assert found == sorted(found), text
    assert "Grace Hopper" in text


def test_the_pdf_fetches_only_this_sites_files(alice, settings, tmp_path):
    for url in (
        "http://169.254.169.254/latest/meta-data/",
        "file:///etc/passwd",
        "https://example.org/a.png",
        "/static/../../etc/passwd",
        "/media/../settings.py",
        "data:text/plain,hi",
    ):
        with pytest.raises(RefusedURL):
            local_url_fetcher(url)
    css = local_url_fetcher("http://lab-a.localhost/static/labsite/site.css")
    assert css["string"].startswith(b"/*") or b"{" in css["string"]


def test_a_bio_image_on_another_server_is_not_fetched_for_the_pdf(get, alice, monkeypatch):
    import people.cv

    asked: list[str] = []
    real = people.cv.local_url_fetcher

    def spy(url, *args, **kwargs):
        asked.append(url)
        return real(url, *args, **kwargs)

    monkeypatch.setattr(people.cv, "local_url_fetcher", spy)
    alice.cv_entry.detail = "x"
    alice.cv_entry.save()
    f.CVEntryFactory(person=alice.person, title='<img src="http://10.0.0.1/x.png">')
    response = get(f"/people/{alice.person.slug}/cv.pdf")
    assert response.status_code == 200
    assert not any("10.0.0.1" in url for url in asked)  # escaped text, never an image


def test_another_labs_member_has_no_cv_here(get, alice, carol):
    assert get(f"/people/{carol.person.slug}/cv/").status_code == 404
    assert get(f"/people/{carol.person.slug}/cv/", host=B).status_code == 200
    assert get(f"/people/{carol.person.slug}/talks/").status_code == 404
    assert get(f"/people/{carol.person.slug}/teaching/").status_code == 404


def test_talks_page_by_year_with_slides_and_video(get, alice):
    f.TalkFactory(
        person=alice.person, title="Engines at Scale", date=datetime.date(2024, 3, 1),
        event="Symposium on Tests", slides_url="https://example.org/slides.pdf",
        video_url="https://example.org/video",
    )  # fmt: skip
    f.TalkFactory(person=alice.person, title="Early Engines", date=datetime.date(2020, 6, 1))
    html = get(f"/people/{alice.person.slug}/talks/").content.decode()
    assert html.index(">2024</h2>") < html.index("Engines at Scale") < html.index(">2020</h2>")
    assert html.index(">2020</h2>") < html.index("Early Engines")
    assert 'href="https://example.org/slides.pdf">Slides</a>' in html
    assert 'href="https://example.org/video">Video</a>' in html


def test_teaching_page_and_lab_talks(get, alice, bob, carol):
    html = get(f"/people/{alice.person.slug}/teaching/").content.decode()
    assert alice.teaching.course in html
    talks = get("/talks/").content.decode()
    assert alice.talk.title in talks and bob.talk.title in talks
    assert carol.talk.title not in talks  # another lab's
    assert f'href="{alice.person.get_absolute_url()}"' in talks


@pytest.mark.parametrize(
    "path",
    [
        "/people/alice-anders/cv/",
        "/people/alice-anders/talks/",
        "/people/alice-anders/teaching/",
        "/talks/",
    ],
)
def test_query_counts_do_not_grow_with_content(client, alice, lab_a, no_page_cache, path):
    assert alice.person.slug == "alice-anders"
    f.CVEntryFactory(person=alice.person, kind=CVKind.EXPERIENCE)
    small, _ = cold_count_queries(client, path, A)
    grow(lab_a, alice.person, 6)
    for _ in range(6):
        f.CVEntryFactory(person=alice.person, kind=CVKind.EXPERIENCE)
        f.CVEntryFactory(person=alice.person, kind=CVKind.SERVICE)
    large, response = cold_count_queries(client, path, A)
    assert large == small, (path, small, large)


def test_the_pdf_is_made_once_per_content_and_the_old_one_goes(get, alice, monkeypatch):
    from django.core.files.storage import default_storage

    import people.cv

    made = []
    real = people.cv.render_pdf
    monkeypatch.setattr(people.cv, "render_pdf", lambda *a, **k: made.append(1) or real(*a, **k))
    url = f"/people/{alice.person.slug}/cv.pdf"
    first = get(url).content
    from django.core.cache import cache

    cache.clear()  # past the page cache: the stored PDF answers
    assert get(url).content == first and len(made) == 1
    alice.honor.title = "A renamed award"
    alice.honor.save()
    cache.clear()
    assert "A renamed award" in pdf_text(get(url).content)
    assert len(made) == 2
    _, files = default_storage.listdir(people.cv.PDF_FOLDER)
    assert len([name for name in files if name.startswith(alice.person.slug + "-")]) == 1
