"""Stored list entries (publications/entries.py): rendered once per change, personalised per
page, and rebuilt by every way an entry's inputs change."""

from __future__ import annotations

import re

import pytest

from people.models import Person
from publications import entries
from publications.models import Authorship, Publication, PublicationLink
from tests import factories as f
from tests.public.conftest import A, B

pytestmark = pytest.mark.django_db


def stored(publication) -> str:
    """The stored entry as a lab page with no owner and no members would print it."""
    publication.refresh_from_db()
    assert entries.is_fresh(publication.entry_parts)
    return entries.render(publication.entry_parts, owner_id=None, member_ids=frozenset())


def entry_on(get, path: str, publication, host: str = A) -> str:
    """The entry of ``publication`` as printed on ``path``."""
    html = get(path, host=host).content.decode()
    [entry] = [
        li
        for li in re.findall(
            r"<li(?: data-abstract)?><a href=\"/publications/\d+/\">.*?</li>", html
        )
        if f'href="/publications/{publication.pk}/"' in li
    ]
    return entry


def test_entry_is_highlighted_and_linked_per_page(get, alice, bob, carol):
    paper = alice.publication
    f.AuthorshipFactory(publication=paper, person=bob.person, name="Bob Brown", position=2)
    f.AuthorshipFactory(publication=paper, person=carol.person, name="Carol Chen", position=3)
    authors = "<p>{}, Outside Author, {}, Carol Chen</p>"
    alice_link = '<a href="/people/alice-anders/">Alice Anders</a>'
    bob_link = '<a href="/people/bob-brown/">Bob Brown</a>'
    assert authors.format("<b>Alice Anders</b>", bob_link) in entry_on(
        get, "/people/alice-anders/publications/", paper
    )
    assert authors.format(alice_link, "<b>Bob Brown</b>") in entry_on(
        get, "/people/bob-brown/publications/", paper
    )
    # The lab's list: nobody highlighted; Carol (lab B) has no page on lab A's host.
    assert authors.format(alice_link, bob_link) in entry_on(get, "/publications/", paper)
    # On lab B's host, only Carol is a member.
    assert (
        "<p>Alice Anders, Outside Author, Bob Brown, "
        '<a href="/people/carol-chen/">Carol Chen</a></p>'
    ) in entry_on(get, "/publications/", paper, host=B)


def test_entry_escapes_names_and_keeps_its_slots_apart(alice):
    paper = alice.publication
    f.AuthorshipFactory(publication=paper, person=None, name="<script>x</script>", position=5)
    html = stored(paper)
    assert "&lt;script&gt;x&lt;/script&gt;" in html
    assert "<script>" not in html


def test_venue_and_status_changes_rebuild_the_entry(alice):
    paper = alice.publication
    paper.venue, paper.short_venue, paper.status = "Journal of Tests", "JoT", "accepted"
    paper.save()
    assert "<b>JoT 2024</b><cite>Journal of Tests</cite>" in stored(paper)
    assert "Accepted" in stored(paper)


def test_author_rows_rebuild_the_entry(alice):
    paper = alice.publication
    outside = paper.authorships.get(person=None)
    outside.name = "Renamed Author"
    outside.equal_contribution = True
    outside.save()
    assert 'Renamed Author<sup class="eq" title="Equal contribution">*</sup>' in stored(paper)
    outside.delete()
    assert "Renamed Author" not in stored(paper)


def test_links_rebuild_the_entry(alice):
    paper = alice.publication
    link = f.PublicationLinkFactory(publication=paper, kind="code", url="https://git.example/a")
    assert '<a href="https://git.example/a">Code</a>' in stored(paper)
    link.url = "https://git.example/b"
    link.save()
    assert '<a href="https://git.example/b">Code</a>' in stored(paper)
    link.delete()
    assert "git.example" not in stored(paper)


def test_person_slug_change_rebuilds_their_entries(get, alice, bob):
    paper = alice.publication
    f.AuthorshipFactory(publication=paper, person=bob.person, name="Bob Brown", position=2)
    bob.person.slug = "robert-brown"
    bob.person.save()
    assert '<a href="/people/robert-brown/">Bob Brown</a>' in entry_on(
        get, "/people/alice-anders/publications/", paper
    )


def test_person_rename_rebuilds_their_entries_and_other_saves_do_not(alice, bob, monkeypatch):
    built = []
    original = entries.refresh_entries
    monkeypatch.setattr(
        entries, "refresh_entries", lambda pks: built.append(set(pks)) or original(pks)
    )
    bob.person.bio = "A new bio: nothing an entry shows."
    bob.person.save()
    assert built == []
    alice.person.name = "Alice A. Anders"
    alice.person.save()
    assert built == [{alice.publication.pk}]


def test_deleted_person_leaves_a_plain_name(get, alice, bob):
    paper = alice.publication
    f.AuthorshipFactory(publication=paper, person=bob.person, name="Bob Brown", position=2)
    bob.person.delete()
    assert "<p>Alice Anders, Outside Author, Bob Brown</p>" in stored(paper)


def test_batch_rebuilds_once_at_the_end(alice, monkeypatch):
    built = []
    original = entries.refresh_entries
    monkeypatch.setattr(
        entries, "refresh_entries", lambda pks: built.append(set(pks)) or original(pks)
    )
    paper = alice.publication
    with entries.batch():
        for i in range(5):
            f.PublicationLinkFactory(publication=paper, url=f"https://e.example/{i}")
        paper.venue = "Batched Venue"
        paper.save()
        assert built == []
    assert built == [{paper.pk}]
    assert "Batched Venue" in stored(paper)


def test_batch_that_fails_rebuilds_nothing(alice, monkeypatch):
    built = []
    monkeypatch.setattr(entries, "refresh_entries", lambda pks: built.append(set(pks)))
    with pytest.raises(RuntimeError), entries.batch():
        f.PublicationLinkFactory(publication=alice.publication)
        raise RuntimeError
    assert built == []


def test_bulk_writes_are_rebuilt_by_rows_written(alice):
    paper = alice.publication
    links = PublicationLink.objects.bulk_create(
        [PublicationLink(publication=paper, kind="slides", url="https://s.example/x")]
    )
    assert "s.example" not in stored(paper)  # bulk_create sends no signal...
    entries.rows_written(links)  # ...so bulk writers say what they wrote
    assert '<a href="https://s.example/x">Slides</a>' in stored(paper)


def test_missing_or_outdated_entries_are_built_when_a_page_needs_them(get, alice, bob):
    """Rows from before this column, or from another release of the template, are rebuilt on
    the first page that shows them (all in one round of queries) and stored again."""
    Publication.objects.filter(pk=alice.publication.pk).update(entry_parts={})
    Publication.objects.filter(pk=bob.publication.pk).update(
        entry_parts={"v": "old-release", "parts": ["<li>stale</li>"]}
    )
    html = get("/publications/").content.decode()
    assert "stale" not in html
    assert f'<li><a href="/publications/{alice.publication.pk}/">' in html
    for paper in (alice.publication, bob.publication):
        paper.refresh_from_db()
        assert entries.is_fresh(paper.entry_parts)


def test_intake_bulk_paths_build_entries(alice):
    """The "add papers" intake writes authorships with bulk_create: its entries are built."""
    from labsite.importing.records import AuthorRecord, LinkRecord, PublicationRecord
    from publications.intake import add_records

    record = PublicationRecord(
        title="Bulk Written Paper",
        authors=[AuthorRecord(name="Alice Anders"), AuthorRecord(name="Zed Outsider")],
        year=2025,
        venue="Intake Conference",
        links=[LinkRecord("code", "https://github.com/a/bulk")],
    )
    add_records([record], user=alice.user)
    paper = Publication.objects.get(title="Bulk Written Paper")
    html = stored(paper)
    assert "<p>Alice Anders, Zed Outsider</p>" in html
    assert '<a href="https://github.com/a/bulk">Code</a>' in html
    assert list(Authorship.objects.filter(publication=paper).values_list("person", flat=True)) == [
        alice.person.pk,
        None,
    ]


def test_person_lookup_uses_pk_not_name(alice):
    """Two people of the same name: each slot names its own person."""
    twin = Person.objects.create(name="Alice Anders")
    f.AuthorshipFactory(publication=alice.publication, person=twin, name="Alice Anders", position=4)
    alice.publication.refresh_from_db()
    slots = [p for p in alice.publication.entry_parts["parts"] if isinstance(p, list)]
    assert [slot[0] for slot in slots] == [alice.person.pk, twin.pk]
    assert [slot[1] for slot in slots] == ["/people/alice-anders/", f"/people/{twin.slug}/"]


@pytest.mark.django_db(transaction=True)
def test_an_edit_outside_a_transaction_bumps_the_page_cache_after_the_rebuild(monkeypatch):
    """A shell's ``save()`` runs in autocommit: the page cache's own receiver bumps the version
    before the entry is rebuilt, so a page cached in between would keep the old entry. The
    labs showing the paper are bumped once more, after the rebuild."""
    import labsite.cache

    lab = f.LabFactory(slug="solo", site__domain="solo.localhost")
    person = f.PersonFactory(name="Solo Author")
    f.MembershipFactory(person=person, lab=lab)
    paper = f.PublicationFactory(title="Solo paper")
    f.AuthorshipFactory(publication=paper, person=person, name="Solo Author", position=0)
    calls = []
    refresh, bump = entries.refresh_entries, labsite.cache.bump_content_version
    monkeypatch.setattr(
        entries, "refresh_entries", lambda pks: calls.append("rebuild") or refresh(pks)
    )
    monkeypatch.setattr(
        labsite.cache,
        "bump_content_version",
        lambda labs=None: calls.append(("bump", labs and set(labs))) or bump(labs),
    )
    f.PublicationLinkFactory(publication=paper, url="https://solo.example/pdf")
    assert calls[-2:] == ["rebuild", ("bump", {lab.pk})]
    assert "solo.example" in stored(paper)
