"""The venue line: a year the venue already names is not printed again."""

from django.template.loader import render_to_string

from publications.models import Publication


def _line(**fields) -> str:
    return render_to_string(
        "publications/includes/_venue.html", {"publication": Publication(**fields)}
    )


def test_two_venues_with_their_years_do_not_repeat_the_year():
    html = _line(venue="ICML 2022, JMLR 2023", short_venue="ICML", year=2022)
    assert "<cite>ICML 2022, JMLR 2023</cite>" in html


def test_a_venue_without_its_year_gets_it():
    html = _line(venue="Journal of Coastal Sand", year=2021)
    assert "<cite>Journal of Coastal Sand, 2021</cite>" in html
