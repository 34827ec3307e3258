"""History and undo over HTTP (django-reversion behind ``labsite.permissions``).

Every request goes through the admin as a browser would send it (the POST data is read from
the rendered form); the database is checked after each answer.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from reversion.models import Version

from publications.models import Authorship, Publication, PublicationLink
from tests import factories as f
from tests.test_admin_permissions import _FormFields, admin_url, form_data

pytestmark = pytest.mark.django_db


def client_for(member) -> Client:
    client = Client()
    client.force_login(member.user)
    return client


def page_form(response, model=Publication) -> dict:
    """The POST a browser sends from the admin form in ``response`` (a rendered page)."""
    parser = _FormFields(f"{model._meta.model_name}_form")
    parser.feed(response.content.decode())
    data: dict = dict(parser.data)
    data["_save"] = "Save"
    return data


def authors(publication) -> list[tuple[str, int | None]]:
    rows = Authorship.objects.filter(publication=publication).order_by("position")
    return list(rows.values_list("name", "person_id"))


def row_prefix(data: dict, name: str) -> str:
    """``authorships-N`` of the author row named ``name`` in the form data."""
    for key, value in data.items():
        if key.startswith("authorships-") and key.endswith("-name") and value == [name]:
            return key.removesuffix("-name")
    raise AssertionError(f"no author row {name!r} in {sorted(data)}")


def revision_url(publication, version) -> str:
    return reverse("admin:publications_publication_revision", args=[publication.pk, version.pk])


def recover_url(version) -> str:
    return reverse("admin:publications_publication_recover", args=[version.pk])


def save(client, publication, **overrides):
    url = admin_url(Publication, "change", publication)
    response = client.post(url, form_data(client, url, Publication, **overrides))
    assert response.status_code == 302, response.content.decode()[:2000]
    return response


def test_edit_twice_history_lists_both_and_restore_brings_back_title_and_authors(alice):
    paper = alice.publication
    client = client_for(alice)
    save(client, paper, title="First title")
    url = admin_url(Publication, "change", paper)
    data = form_data(client, url, Publication, title="Second title")
    data[f"{row_prefix(data, 'Outside Author')}-DELETE"] = "on"
    assert client.post(url, data).status_code == 302
    assert authors(paper) == [("Alice Anders", alice.person.pk)]

    versions = list(Version.objects.get_for_object(paper).order_by("pk"))
    assert [(v.field_dict["title"], v.revision.user) for v in versions] == [
        ("First title", alice.user),
        ("Second title", alice.user),
    ]
    history = client.get(admin_url(Publication, "history", paper))
    assert history.status_code == 200
    page = history.content.decode()
    assert [revision_url(paper, v) in page for v in versions] == [True, True]
    assert page.count("alice") >= 2

    first = revision_url(paper, versions[0])
    shown = client.get(first)
    assert shown.status_code == 200
    # Showing a version changes nothing (the revert is rolled back).
    assert Publication.objects.get(pk=paper.pk).title == "Second title"
    assert client.post(first, page_form(shown)).status_code == 302

    paper.refresh_from_db()
    assert paper.title == "First title"
    assert authors(paper) == [("Alice Anders", alice.person.pk), ("Outside Author", None)]
    assert Version.objects.get_for_object(paper).count() == 3  # the restore is a version too


def test_deleted_paper_is_recovered_with_authors_in_order_and_links(alice):
    paper = alice.publication
    f.PublicationLinkFactory(publication=paper, kind="code", url="https://example.org/code/7")
    client = client_for(alice)
    save(client, paper, title="To be deleted")
    pk = paper.pk
    deleted = client.post(admin_url(Publication, "delete", paper), {"post": "yes"})
    assert deleted.status_code == 302
    assert Publication.objects.filter(pk=pk).exists() is False

    listing = client.get(reverse("admin:publications_publication_recoverlist"))
    assert listing.status_code == 200
    version = Version.objects.get_deleted(Publication).get(object_id=str(pk))
    assert recover_url(version) in listing.content.decode()
    assert "To be deleted" in listing.content.decode()
    changelist = client.get(admin_url(Publication, "changelist"))
    assert reverse("admin:publications_publication_recoverlist") in changelist.content.decode()

    shown = client.get(recover_url(version))
    assert shown.status_code == 200
    assert Publication.objects.filter(pk=pk).exists() is False
    assert client.post(recover_url(version), page_form(shown)).status_code == 302

    paper = Publication.objects.get(pk=pk)
    assert paper.title == "To be deleted"
    assert authors(paper) == [("Alice Anders", alice.person.pk), ("Outside Author", None)]
    assert list(PublicationLink.objects.filter(publication=paper).values_list("kind", "url")) == [
        ("code", "https://example.org/code/7")
    ]


def test_another_lab_and_a_colleague_see_neither_history_nor_deleted_paper(alice, bob, carol, dana):
    paper = alice.publication
    owner = client_for(alice)
    save(owner, paper, title="Kept title")
    version = Version.objects.get_for_object(paper).get()
    for intruder in (carol, bob):
        client = client_for(intruder)
        assert client.get(admin_url(Publication, "history", paper)).status_code == 404
        assert client.get(revision_url(paper, version)).status_code == 404
        data = {"title": "Hijacked", "_save": "Save"}
        assert client.post(revision_url(paper, version), data).status_code == 404
    assert Publication.objects.get(pk=paper.pk).title == "Kept title"

    save(owner, paper, title="Deleted title")
    assert owner.post(admin_url(Publication, "delete", paper), {"post": "yes"}).status_code == 302
    deleted = Version.objects.get_deleted(Publication).get(object_id=str(paper.pk))
    listing_url = reverse("admin:publications_publication_recoverlist")
    for intruder in (carol, bob):
        client = client_for(intruder)
        listing = client.get(listing_url)
        assert listing.status_code == 200
        assert ("Deleted title" in listing.content.decode()) is False
        assert (recover_url(deleted) in listing.content.decode()) is False
        assert client.get(recover_url(deleted)).status_code == 404
        assert client.post(recover_url(deleted), {"_save": "Save"}).status_code == 404
    assert Publication.objects.filter(pk=paper.pk).exists() is False
    # Lab A's lab admin could edit it (an author is in their lab): they see it.
    assert "Deleted title" in client_for(dana).get(listing_url).content.decode()


def test_restore_cannot_take_a_colleague_off_the_author_list(alice, bob):
    paper = alice.publication
    client = client_for(alice)
    save(client, paper, title="Before Bob")
    version = Version.objects.get_for_object(paper).get()
    # Bob joined the paper since (his lab admin's doing); the old version would drop him.
    f.AuthorshipFactory(publication=paper, person=bob.person, position=2)
    assert client.get(revision_url(paper, version)).status_code == 404
    assert client.post(revision_url(paper, version), {"_save": "Save"}).status_code == 404
    assert [p for _, p in authors(paper)] == [alice.person.pk, None, bob.person.pk]
    # The history page lists the version without a link, and says why there is none.
    opts = Publication._meta
    page = client.get(
        reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[paper.pk])
    ).content.decode()
    assert revision_url(paper, version) not in page
    assert "(cannot be restored)" in page
    save(client, paper, title="After Bob")  # a version that keeps Bob: restorable
    newest = Version.objects.get_for_object(paper).first()
    page = client.get(
        reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[paper.pk])
    ).content.decode()
    assert revision_url(paper, newest) in page


def test_a_paper_never_saved_in_the_admin_is_recoverable_after_deletion(alice):
    paper = alice.publication  # made by the factory, as the importer would: no version yet
    assert Version.objects.get_for_object(paper).count() == 0
    client = client_for(alice)
    assert client.post(admin_url(Publication, "delete", paper), {"post": "yes"}).status_code == 302
    version = Version.objects.get_deleted(Publication).get(object_id=str(paper.pk))
    assert (version.revision.user, version.revision.get_comment()) == (alice.user, "Deleted.")
    shown = client.get(recover_url(version))
    assert client.post(recover_url(version), page_form(shown)).status_code == 302
    assert authors(paper) == [("Alice Anders", alice.person.pk), ("Outside Author", None)]


def test_person_changelist_keeps_its_own_tools_and_gains_recover(dana):
    page = client_for(dana).get(reverse("admin:people_person_changelist")).content.decode()
    assert [
        reverse("admin:people_person_add_member") in page,
        reverse("admin:people_person_recoverlist") in page,
    ] == [True, True]
