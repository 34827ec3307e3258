"""Adding papers in the admin: numbered author rows, names linked to members, BibTeX, DOI.

Every test goes through the admin over HTTP with the POST format the admin's own forms send
(``form_data`` reads the rendered form); the DOI/arXiv services answer from recorded responses
on an ``httpx.MockTransport`` (tests/test_lookup.py has the formats).
"""

from __future__ import annotations

import json
import re

import httpx
import pytest
from django.contrib.messages import get_messages

from people.models import Person
from publications import lookup
from publications.models import Authorship, Publication
from tests import factories as f
from tests.test_admin_permissions import admin_url, form_data

pytestmark = pytest.mark.django_db


def authors(paper: Publication) -> list[tuple[str, str | None]]:
    return [
        (a.name, a.person.name if a.person else None)
        for a in paper.authorships.select_related("person").order_by("position")
    ]


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def new_rows(data: dict, names: list[str], start: int = 0) -> None:
    """Author rows as "Add another author" sends them: the hidden position left at 0."""
    for i, name in enumerate(names, start=start):
        data[f"authorships-{i}-name"] = name
        data[f"authorships-{i}-position"] = "0"
    data["authorships-TOTAL_FORMS"] = str(start + len(names))


# --- ordered inlines --------------------------------------------------------------------------


def test_new_paper_with_three_new_authors_saves_first_time_in_order(client, alice):
    client.force_login(alice.user)
    url = admin_url(Publication, "add")
    data = form_data(client, url, Publication, title="Three Rows at Once")
    new_rows(data, ["Quentin Outsider", "Alice Anders", "Rhea Outsider"])
    response = client.post(url, data)
    assert response.status_code == 302
    paper = Publication.objects.get(title="Three Rows at Once")
    assert authors(paper) == [
        ("Quentin Outsider", None),
        ("Alice Anders", "Alice Anders"),
        ("Rhea Outsider", None),
    ]
    assert list(paper.authorships.values_list("position", flat=True)) == [1, 2, 3]


def test_position_field_is_hidden_and_rows_are_draggable(client, alice):
    client.force_login(alice.user)
    response = client.get(admin_url(Publication, "change", alice.publication))
    html = response.content.decode()
    # The position is a hidden input sortable2 fills, on each row and on the "Add another" row.
    assert re.findall(r'<input type="hidden" name="(authorships-[^"]+-position)"', html) == [
        "authorships-0-position",
        "authorships-1-position",
        "authorships-__prefix__-position",
    ]
    assert "adminsortable2/js/adminsortable2" in html


def test_reorder_insert_and_delete_in_one_save_without_javascript(client, alice):
    paper = alice.publication  # Alice Anders (0), Outside Author (1)
    f.AuthorshipFactory(publication=paper, person=None, name="Third Author", position=2)
    url = admin_url(Publication, "change", paper)
    client.force_login(alice.user)
    data = form_data(client, url, Publication)
    # Swap the first two as sortable2 numbers dragged rows (1-based), drop the third, add one.
    data["authorships-0-position"], data["authorships-1-position"] = "2", "1"
    data["authorships-2-DELETE"] = "on"
    new_rows(data, ["Newest Author"], start=3)
    assert client.post(url, data).status_code == 302
    assert authors(paper) == [
        ("Outside Author", None),
        ("Alice Anders", "Alice Anders"),
        ("Newest Author", None),
    ]


def test_new_rows_after_an_imported_zero_based_list_go_last(client, alice):
    paper = alice.publication  # positions 0 and 1, as the importer writes them
    url = admin_url(Publication, "change", paper)
    client.force_login(alice.user)
    data = form_data(client, url, Publication)
    new_rows(data, ["Late Author One", "Late Author Two"], start=2)
    assert client.post(url, data).status_code == 302
    assert list(paper.authorships.values_list("position", "name")) == [
        (0, "Alice Anders"),
        (1, "Outside Author"),
        (2, "Late Author One"),
        (3, "Late Author Two"),
    ]


# --- printed names linked to lab members ------------------------------------------------------


def test_printed_names_are_linked_to_lab_members_and_the_form_says_so(client, alice, bob, carol):
    f.PersonFactory(name="Yue Niu", aliases=["Y. Niu"])  # not in any lab: never linked by name
    niu = f.PersonFactory(name="Yuè  Niú")
    f.MembershipFactory(person=niu, lab=alice.person.memberships.get().lab)
    client.force_login(alice.user)
    url = admin_url(Publication, "add")
    data = form_data(client, url, Publication, title="Linked by Name")
    new_rows(data, ["Anders, Alice", "yue niu", "Brown,  Bob", "Carol Chen"])
    response = client.post(url, data)
    assert response.status_code == 302
    paper = Publication.objects.get(title="Linked by Name")
    assert authors(paper) == [
        ("Anders, Alice", "Alice Anders"),
        ("yue niu", "Yuè  Niú"),
        ("Brown,  Bob", "Bob Brown"),
        ("Carol Chen", None),  # another lab's member: not the editor's to link by name
    ]
    assert messages_of(response)[:3] == [
        "Linked Anders, Alice to the lab member Alice Anders",
        "Linked yue niu to the lab member Yuè  Niú",
        "Linked Brown,  Bob to the lab member Bob Brown",
    ]


def test_initials_link_only_when_one_lab_member_fits(client, alice):
    lab = alice.person.memberships.get().lab
    for name in ("Yue Niu", "Yan Niu"):
        f.MembershipFactory(person=f.PersonFactory(name=name), lab=lab)
    f.MembershipFactory(person=f.PersonFactory(name="Zora Quist"), lab=lab)
    client.force_login(alice.user)
    url = admin_url(Publication, "add")
    data = form_data(client, url, Publication, title="Initials")
    new_rows(data, ["A. Anders", "Y. Niu", "Z. Quist"])
    assert client.post(url, data).status_code == 302
    assert authors(Publication.objects.get(title="Initials")) == [
        ("A. Anders", "Alice Anders"),
        ("Y. Niu", None),  # Yue or Yan: not guessed
        ("Z. Quist", "Zora Quist"),
    ]


def test_member_left_out_is_refused_unless_a_printed_name_is_theirs(client, alice, bob):
    client.force_login(alice.user)
    url = admin_url(Publication, "add")
    data = form_data(client, url, Publication, title="Without Me")
    new_rows(data, ["Bob Brown"])
    response = client.post(url, data)
    assert response.context["inline_admin_formsets"][0].formset.non_form_errors() == [
        "You are not among the authors: add yourself (or ask a lab admin to add this paper)"
    ]
    assert list(Publication.objects.filter(title="Without Me")) == []
    new_rows(data, ["Bob Brown", "ALICE ANDERS"])
    assert client.post(url, data).status_code == 302
    assert authors(Publication.objects.get(title="Without Me")) == [
        ("Bob Brown", "Bob Brown"),
        ("ALICE ANDERS", "Alice Anders"),
    ]


def test_lab_admin_adds_a_paper_for_a_member_without_being_on_it(client, alice, dana):
    client.force_login(dana.user)
    url = admin_url(Publication, "add")
    data = form_data(client, url, Publication, title="For Alice")
    new_rows(data, ["Alice Anders", "Outside Person"])
    assert client.post(url, data).status_code == 302
    assert authors(Publication.objects.get(title="For Alice")) == [
        ("Alice Anders", "Alice Anders"),
        ("Outside Person", None),
    ]


# --- Add from BibTeX --------------------------------------------------------------------------

THREE = """
@inproceedings{anders2025lanterns,
  title = {Paper Lanterns for Sparse Attention},
  author = {Anders, Alice and Brown, Bob and Ostrova, Mila},
  booktitle = {Proceedings of the Conference on Imaginary Systems},
  year = {2025},
  doi = {10.5555/lanterns.2025.1}
}
@article{anders2024kites,
  title = {Kites That Learn the Wind},
  author = {Ostrova, Mila and Anders, Alice},
  journal = {Journal of Invented Results},
  year = {2024},
  volume = {12},
  pages = {1--9}
}
@misc{anders2023teapots,
  title = {Teapots Are All You Need},
  author = {Alice Anders and Pell Quorn},
  year = {2023},
  eprint = {2301.04567},
  archivePrefix = {arXiv}
}
"""


def post_bibtex(client, text: str):
    return client.post(admin_url(Publication, "bibtex"), {"bibtex": text})


def test_changelist_offers_add_from_bibtex_and_by_doi(client, alice):
    client.force_login(alice.user)
    html = client.get(admin_url(Publication, "changelist")).content.decode()
    assert f'href="{admin_url(Publication, "bibtex")}"' in html
    assert f'href="{admin_url(Publication, "lookup")}"' in html


def test_three_entries_are_created_in_order_with_linked_authors(client, alice, bob):
    client.force_login(alice.user)
    response = post_bibtex(client, THREE)
    assert response.status_code == 200
    report = response.context["report"]
    assert [(i.action, i.title) for i in report.items] == [
        ("created", "Paper Lanterns for Sparse Attention"),
        ("created", "Kites That Learn the Wind"),
        ("created", "Teapots Are All You Need"),
    ]
    lanterns = Publication.objects.get(title="Paper Lanterns for Sparse Attention")
    assert authors(lanterns) == [
        ("Alice Anders", "Alice Anders"),
        ("Bob Brown", "Bob Brown"),
        ("Mila Ostrova", None),
    ]
    assert (lanterns.doi, lanterns.year, lanterns.kind) == (
        "10.5555/lanterns.2025.1",
        2025,
        "conference",
    )
    teapots = Publication.objects.get(title="Teapots Are All You Need")
    assert (teapots.arxiv_id, teapots.kind) == ("2301.04567", "preprint")
    html = response.content.decode()
    assert "Created 3, merged 0, skipped 0." in html
    assert f'href="{admin_url(Publication, "change", lanterns)}"' in html


def test_malformed_bibtex_writes_nothing(client, alice):
    client.force_login(alice.user)
    before = list(Publication.objects.values_list("pk", flat=True))
    broken = THREE + "\n@article{broken, title = {Never Closed, author = {Anders, Alice}\n"
    response = post_bibtex(client, broken)
    assert response.status_code == 200
    [error] = response.context["form"].errors["bibtex"]
    assert error.startswith("This BibTeX could not be read (line ")
    assert error.endswith("Nothing was added.")
    assert list(Publication.objects.values_list("pk", flat=True)) == before
    response = post_bibtex(client, "just some words, no entry")
    assert response.context["form"].errors["bibtex"] == [
        "No BibTeX entry with a title was found: an entry looks like @article{key, title={…}, "
        "author={…}, year={…}}. Nothing was added."
    ]
    assert list(Publication.objects.values_list("pk", flat=True)) == before


def test_entry_merges_by_doi_and_fills_only_blanks(client, alice):
    paper = alice.publication
    Publication.objects.filter(pk=paper.pk).update(doi="10.5555/lanterns.2025.1", venue="")
    client.force_login(alice.user)
    before = Publication.objects.count()
    response = post_bibtex(client, THREE.split("@article")[0])
    [item] = response.context["report"].items
    assert (item.action, item.publication.pk, item.detail) == (
        "merged",
        paper.pk,
        "matched by DOI; filled in venue, bibtex",
    )
    paper.refresh_from_db()
    assert (paper.title, paper.venue, paper.year) == (
        "Alice Anders's paper",  # kept: what someone wrote is not overwritten
        "Proceedings of the Conference on Imaginary Systems",
        2024,
    )
    assert Publication.objects.count() == before
    assert "Created 0, merged 1, skipped 0." in response.content.decode()


def test_entry_merges_by_arxiv_id_with_title_and_by_title(client, alice):
    teapots = f.PublicationFactory(title="Teapots are all you need!", arxiv_id="2301.04567")
    f.AuthorshipFactory(publication=teapots, person=alice.person, position=0)
    kites = f.PublicationFactory(title="KITES that learn the wind", year=2024, venue="")
    f.AuthorshipFactory(publication=kites, person=alice.person, position=0)
    client.force_login(alice.user)
    before = Publication.objects.count()
    response = post_bibtex(client, "@article" + THREE.split("@article")[1])
    assert [(i.action, i.publication.pk, i.detail) for i in response.context["report"].items] == [
        ("merged", kites.pk, "matched by title; filled in venue, volume, pages, bibtex"),
        ("merged", teapots.pk, "matched by arXiv id and title; filled in bibtex"),
    ]
    assert Publication.objects.count() == before
    kites.refresh_from_db()
    assert (kites.venue, kites.pages) == ("Journal of Invented Results", "1–9")
    # The same arXiv id under another title is another paper (a workshop and its journal version).
    other = (
        "@misc{x, title={A Different Teapot}, author={Anders, Alice}, eprint={2301.04567}, "
        "archivePrefix={arXiv}}"
    )
    [item] = post_bibtex(client, other).context["report"].items
    assert (item.action, item.title) == ("created", "A Different Teapot")


def test_match_on_a_paper_the_member_may_not_edit_is_reported_not_touched(client, alice, carol):
    carols = carol.publication
    Publication.objects.filter(pk=carols.pk).update(doi="10.5555/carol.1", venue="")
    client.force_login(alice.user)
    entry = (
        "@article{c, title={Carol's Version}, author={Anders, Alice and Chen, Carol}, "
        "journal={J}, doi={10.5555/carol.1}}"
    )
    response = post_bibtex(client, entry)
    [item] = response.context["report"].items
    assert (item.action, item.publication) == ("skipped", None)
    assert item.detail == (
        "matches a stored paper (by DOI) that you may not edit; left as it is — ask one of its "
        "authors or a lab admin"
    )
    carols.refresh_from_db()
    assert (carols.venue, authors(carols)) == (
        "",
        [("Carol Chen", "Carol Chen"), ("Outside Author", None)],
    )


def test_bibtex_entry_without_the_member_is_skipped(client, alice, bob):
    client.force_login(alice.user)
    entry = (
        "@article{b, title={Only Bob Wrote This}, author={Brown, Bob}, journal={J}, year={2024}}"
    )
    response = post_bibtex(client, entry + THREE.split("@article")[0])
    assert [(i.action, i.title, i.detail) for i in response.context["report"].items][0] == (
        "skipped",
        "Only Bob Wrote This",
        "You are not among the authors: add yourself (or ask a lab admin to add this paper)",
    )
    assert list(Publication.objects.filter(title="Only Bob Wrote This")) == []
    assert Person.objects.filter(name="Bob Brown").count() == 1


# --- Add by DOI or arXiv id -------------------------------------------------------------------


CROSSREF_JOURNAL = {
    "status": "ok",
    "message-type": "work",
    "message": {
        "DOI": "10.5555/JIR.2024.77",
        "type": "journal-article",
        "title": ["Origami Gradients in Folded Networks"],
        "author": [
            {"given": "Alice", "family": "Anders", "sequence": "first"},
            {"given": "Pell", "family": "Quorn", "sequence": "additional"},
        ],
        "container-title": ["Journal of Invented Results"],
        "issued": {"date-parts": [[2024, 3]]},
        "volume": "12",
        "issue": "4",
        "page": "101-119",
        "publisher": "Imaginary Press",
        "abstract": "<jats:p>We fold $e^{i\\pi}$ networks.</jats:p>",
    },
}


@pytest.fixture
def services(monkeypatch):
    """Crossref and arXiv answering from ``services.routes`` ({url: httpx.Response})."""

    class Services:
        routes: dict[str, httpx.Response] = {}
        seen: list[str] = []

        def handler(self, request: httpx.Request) -> httpx.Response:
            self.seen.append(str(request.url))
            answer = self.routes.get(str(request.url))
            if isinstance(answer, Exception):
                raise answer
            return answer or httpx.Response(404, text="Resource not found.")

    services = Services()
    monkeypatch.setattr(
        lookup, "make_client", lambda: httpx.Client(transport=httpx.MockTransport(services.handler))
    )
    return services


def test_doi_is_fetched_shown_for_confirmation_then_saved(client, alice, services):
    services.routes = {
        "https://api.crossref.org/works/10.5555/jir.2024.77": httpx.Response(
            200, content=json.dumps(CROSSREF_JOURNAL)
        )
    }
    client.force_login(alice.user)
    url = admin_url(Publication, "lookup")
    before = Publication.objects.count()
    response = client.post(url, {"identifier": "https://doi.org/10.5555/JIR.2024.77"})
    assert Publication.objects.count() == before  # shown, not saved
    confirm = response.context["confirm"]
    assert confirm.initial["title"] == "Origami Gradients in Folded Networks"
    assert confirm.initial["authors"] == "Alice Anders\nPell Quorn"
    data = {name: "" if value is None else value for name, value in confirm.initial.items()}
    data["confirm"] = "1"
    data["title"] = "Origami Gradients in Folded Networks (corrected)"
    response = client.post(url, data)
    [item] = response.context["report"].items
    assert item.action == "created"
    paper = item.publication
    assert (paper.title, paper.doi, paper.kind, paper.year, paper.month, paper.pages) == (
        "Origami Gradients in Folded Networks (corrected)",
        "10.5555/jir.2024.77",
        "journal",
        2024,
        3,
        "101–119",
    )
    assert authors(paper) == [("Alice Anders", "Alice Anders"), ("Pell Quorn", None)]


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (
            httpx.Response(404, text="Resource not found."),
            "Crossref does not know the DOI 10.5555/nope. Check it for typos.",
        ),
        (
            httpx.ConnectTimeout("timed out"),
            "Crossref did not answer within 8 seconds; try again later, or paste the paper's "
            "BibTeX instead. Nothing was added.",
        ),
        (
            httpx.ConnectError("Name or service not known"),
            "Crossref could not be reached (ConnectError): is this server offline? Paste the "
            "paper's BibTeX instead. Nothing was added.",
        ),
        (
            httpx.Response(200, text="<html>not json</html>"),
            "Crossref sent an answer that could not be read; try again later, or paste the "
            "paper's BibTeX instead. Nothing was added.",
        ),
    ],
)
def test_failed_lookup_says_so_and_writes_nothing(client, alice, services, answer, message):
    services.routes = {"https://api.crossref.org/works/10.5555/nope": answer}
    client.force_login(alice.user)
    before = list(Publication.objects.values_list("pk", flat=True))
    response = client.post(admin_url(Publication, "lookup"), {"identifier": "10.5555/nope"})
    assert response.context["form"].errors["identifier"] == [message]
    assert list(Publication.objects.values_list("pk", flat=True)) == before
    assert Authorship.objects.count() == 2


def test_not_an_identifier_is_refused_without_asking_anyone(client, alice, services):
    client.force_login(alice.user)
    response = client.post(admin_url(Publication, "lookup"), {"identifier": "my cool paper"})
    assert response.context["form"].errors["identifier"] == [
        "'my cool paper' is neither a DOI (10.1234/…, or a https://doi.org/… link) nor an arXiv "
        "id (2401.01234, or an arxiv.org link)."
    ]
    assert services.seen == []
