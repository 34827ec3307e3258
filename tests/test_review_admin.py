"""Uncertain entries go to their owner: import → flag → admin count, filter, banner → confirm.

The site is built by hand (what the pure steps would give the loader) for Alice, a member of
lab A: one paper without a year and one news item dated by its year only are the import's
guesses; the rest it is sure of.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse

from labsite.importing import review
from labsite.importing.confidence import assess
from labsite.importing.load import load_site
from labsite.importing.records import (
    HonorRecord,
    NewsRecord,
    PageRecord,
    ProfileRecord,
    PublicationRecord,
    SectionRecord,
    SiteRecord,
    SourceRef,
    confidence_level,
    doubt,
    is_unsure,
    review_reason,
    shape_score,
)
from labsite.importing.report import render_report
from people.models import Honor, NewsItem, ProfileSection
from publications.models import Publication
from tests.admin_forms import change_form_data
from tests.importing.conftest import pub

UNSURE_TITLE = "Tidal Drift in Cheap Sensor Arrays"


def _site(root, *, venue: str = "") -> SiteRecord:
    page = PageRecord(
        source=SourceRef("about.md"),
        publications=[
            pub("Kelp Canopy Sonar Mapping", "Alice Anders", owner="Alice Anders"),
            pub(UNSURE_TITLE, "Alice Anders", owner="Alice Anders", year=None, venue=venue),
        ],
        news=[
            NewsRecord(datetime.date(2024, 3, 1), "Joined the lab.", precision="month"),
            NewsRecord(datetime.date(2023, 1, 1), "Gave a talk somewhere.", precision="year"),
        ],
        honors=[HonorRecord("Blue Grant", year=2022)],
    )
    return SiteRecord(root=root, profile=ProfileRecord(name="Alice Anders"), pages=[page])


def _load(lab, root, **kwargs):
    return load_site(
        _site(root, **kwargs), lab=lab, owner="alice-anders", dry_run=False, verbosity=1
    )


def _flags(model) -> list[tuple[str, bool, str]]:
    label = "title" if model is not NewsItem else "text"
    return list(model.objects.order_by(label).values_list(label, "needs_review", "review_reason"))


def _review_total(client) -> int:
    html = client.get(reverse("admin:index")).content.decode()
    found = re.search(r'<span class="review-total">(\d+)</span>', html)
    return int(found.group(1)) if found else 0


def test_the_import_flags_what_it_guessed_and_lists_it_per_page(lab_a, alice, tmp_path):
    report = _load(lab_a, tmp_path)

    assert [row for row in _flags(Publication) if row[0] != "Alice Anders's paper"] == [
        ("Kelp Canopy Sonar Mapping", False, ""),
        (UNSURE_TITLE, True, "no year found; no venue found"),
    ]
    assert [row for row in _flags(NewsItem) if row[0] != "Alice Anders news"] == [
        ("Gave a talk somewhere.", True, "dated by its year only"),
        ("Joined the lab.", False, ""),
    ]
    assert Honor.objects.get(title="Blue Grant").needs_review is False
    lines = render_report([report])
    assert [line for line in lines if "needs review" in line.lower()] == [
        f"    needs review: publication {UNSURE_TITLE!r}: no year found; no venue found",
        "    needs review: news '2023-01-01: Gave a talk somewhere.': dated by its year only",
        'Needs review: 2 entries the import was unsure of (the admin\'s "Needs review" filter '
        "lists them)",
    ]


def test_member_sees_the_count_filters_opens_saves_and_the_count_drops(
    client, lab_a, alice, bob, tmp_path
):
    _load(lab_a, tmp_path)
    # Bob's entry is flagged too: Alice must not see or count it.
    NewsItem.objects.filter(pk=bob.news.pk).update(needs_review=True, review_reason="x")
    client.force_login(alice.user)

    assert _review_total(client) == 2
    listed = client.get(reverse("admin:publications_publication_changelist") + "?needs_review=yes")
    assert [p.title for p in listed.context["cl"].result_list] == [UNSURE_TITLE]

    paper = Publication.objects.get(title=UNSURE_TITLE)
    url = reverse("admin:publications_publication_change", args=[paper.pk])
    page = client.get(url)
    html = page.content.decode()
    assert 'id="review-banner"' in html
    assert '<span class="review-reason">no year found; no venue found</span>' in html
    saved = client.post(url, {**change_form_data(page), "year": "2021", "_save": "Save"})

    assert saved.status_code == 302
    paper.refresh_from_db()
    assert (paper.year, paper.needs_review, paper.review_reason) == (2021, False, "")
    assert _review_total(client) == 1
    assert 'id="review-banner"' not in client.get(url).content.decode()

    news = NewsItem.objects.get(text="Gave a talk somewhere.")
    client.post(reverse("admin:people_newsitem_reviewed", args=[news.pk]))
    assert _review_total(client) == 0
    assert NewsItem.objects.get(pk=bob.news.pk).needs_review is True


def test_a_reimport_keeps_a_confirmation_unless_the_source_changed(lab_a, alice, tmp_path):
    _load(lab_a, tmp_path)
    Publication.objects.filter(title=UNSURE_TITLE).update(needs_review=False, review_reason="")
    news = NewsItem.objects.get(text="Gave a talk somewhere.")
    NewsItem.objects.filter(pk=news.pk).update(needs_review=False, review_reason="")

    again = _load(lab_a, tmp_path)

    totals = again.totals()
    assert (totals["created"], totals["updated"]) == (0, 0)
    assert Publication.objects.get(title=UNSURE_TITLE).needs_review is False
    assert NewsItem.objects.get(pk=news.pk).needs_review is False
    # The report still names them: the same report every run.
    assert sum(len(page.unsure) for page in again.pages) == 2

    # The page now gives the paper a venue, still no year: a new source, judged again.
    _load(lab_a, tmp_path, venue="Coastal ML Workshop")
    paper = Publication.objects.get(title=UNSURE_TITLE)
    assert (paper.needs_review, paper.review_reason) == (True, "no year found")
    assert NewsItem.objects.get(pk=news.pk).needs_review is False


@pytest.mark.parametrize(
    ("last", "flagged", "reason", "digest", "expected"),
    [
        (None, False, "no year found", "a", (True, "no year found")),  # first judged
        (["no year found", "a"], False, "no year found", "a", (False, "")),  # confirmed: kept
        (
            ["no year found", "a"],
            False,
            "no year found",
            "b",
            (True, "no year found"),
        ),  # new source
        (["no year found", "a"], True, "", "a", (False, "")),  # a doubt that went away
        (["", "a"], False, "no venue found", "a", (True, "no venue found")),  # a new doubt
        (["no year found", "a"], False, "no venue found", "a", (False, "")),  # cleared stays
        (["", "a"], False, "", "b", (False, "")),  # sure, changed: still sure
    ],
)
def test_the_verdict_rules(last, flagged, reason, digest, expected):
    row = NewsItem(needs_review=flagged, review_reason="old" if flagged else "")
    row.imported_values = {} if last is None else {review.REVIEW_KEY: last}

    review.apply_reason(row, reason, digest)

    assert (row.needs_review, row.review_reason) == expected
    assert row.imported_values[review.REVIEW_KEY] == [reason, digest]


def test_confidence_of_a_record_from_the_rules_and_a_shape_score():
    sure = assess(pub("Kelp Canopy Sonar Mapping", "Alice Anders", venue="Coastal ML 2023"))
    assert (sure.confidence, review_reason(sure)) == (1.0, "")
    record = assess(PublicationRecord("Kelp"))
    assert is_unsure(record)
    assert confidence_level(record.confidence) == "low"
    assert review_reason(record) == (
        "no authors found; only a title was found; no year found; no venue found; "
        "a very short title"
    )
    # An entry shape that scored its match low says so; a reason is kept once.
    shaped = PublicationRecord("Kelp Canopy Sonar Mapping", venue="X", year=2023)
    doubt(shaped, "read as an APA citation (score 0.62)", 0.62)
    doubt(shaped, "read as an APA citation (score 0.62)", 0.7)
    assert (shaped.confidence, shaped.doubts) == (0.62, ["read as an APA citation (score 0.62)"])
    assert confidence_level(0.62) == "medium"
    # A shape's own score: a sure one changes nothing, a weak one is the record's confidence.
    strong = PublicationRecord("Kelp Canopy Sonar Mapping")
    shape_score(strong, "stacked lines", 0.93)
    shape_score(shaped, "APA citation", 0.41)
    assert (strong.confidence, strong.doubts) == (1.0, [])
    assert shaped.confidence == 0.41
    assert shaped.doubts[-1] == "read as APA citation with a weak match (0.41)"


def test_a_section_kept_as_prose_with_a_doubt_is_flagged(lab_a, alice, tmp_path):
    site = _site(tmp_path)
    section = SectionRecord("Publications", body="Some lines no shape understood.")
    doubt(section, "3 entries kept as prose: no entry shape fit them", 0.4)
    site.pages[0].sections = [section]

    load_site(site, lab=lab_a, owner="alice-anders", dry_run=False, verbosity=1)

    stored = ProfileSection.objects.get(person=alice.person, title="Publications")
    assert (stored.needs_review, stored.review_reason) == (
        True,
        "3 entries kept as prose: no entry shape fit them",
    )


def test_marking_reviewed_in_another_tab_does_not_make_the_open_form_stale(
    client, lab_a, alice, tmp_path
):
    _load(lab_a, tmp_path)
    client.force_login(alice.user)
    paper = Publication.objects.get(title=UNSURE_TITLE)
    url = reverse("admin:publications_publication_change", args=[paper.pk])
    page = client.get(url)
    client.post(reverse("admin:publications_publication_reviewed", args=[paper.pk]))

    saved = client.post(url, {**change_form_data(page), "year": "2020", "_save": "Save"})

    assert saved.status_code == 302
    paper.refresh_from_db()
    assert (paper.year, paper.needs_review) == (2020, False)
