"""Journey (c): a member pastes three BibTeX entries, reorders one paper's authors by drag and
drop, selects it, and their homepage shows it under "Selected publications" in the new order.

Chromium (Debian's package) through Playwright against the live server, at 1280 and 375 px;
screenshots of the BibTeX form, the report and the author rows while and after dragging go to
artifacts/screenshots/. The entries are fictional.
"""

from __future__ import annotations

import pytest

from people.models import Role
from publications.models import Publication
from tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ENTRIES = """@inproceedings{ostrova2025lanterns,
  title = {Paper Lanterns for Sparse Attention},
  author = {Ostrova, Mila and Quorn, Pell and Vantongeren, Ilse},
  booktitle = {Proceedings of the Conference on Imaginary Systems},
  year = {2025}
}

@article{ostrova2024kites,
  title = {Kites That Learn the Wind},
  author = {Brandvold, Sune and Ostrova, Mila},
  journal = {Journal of Invented Results},
  year = {2024},
  volume = {12},
  pages = {1--9}
}

@misc{ostrova2023teapots,
  title = {Teapots Are All You Need},
  author = {Mila Ostrova and Pell Quorn},
  year = {2023},
  eprint = {2301.04567},
  archivePrefix = {arXiv}
}
"""


@pytest.fixture
def member(db):
    lab = f.LabFactory(
        slug="orchard", name="Orchard Lab", site__domain="localhost", is_default=True
    )
    user = f.UserFactory(username="mila")
    person = f.PersonFactory(name="Mila Ostrova", user=user)
    f.MembershipFactory(person=person, lab=lab, role=Role.PHD)
    return person


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.js_errors = errors
    yield page
    context.close()


def author_names(page) -> list[str]:
    return page.locator("#authorships-group tr.has_original input[name$='-name']").evaluate_all(
        "inputs => inputs.map(i => i.value)"
    )


@pytest.mark.parametrize("width", [1280, 375])
def test_member_pastes_bibtex_reorders_authors_and_selects_a_paper(
    page, live_server, member, screenshots, width
):
    page.set_viewport_size({"width": width, "height": 900})
    clicks = 0

    # Log in (1 click) and open the publications list.
    page.goto(f"{live_server.url}/admin/login/?next=/admin/publications/publication/")
    page.fill("#id_username", "mila")
    page.fill("#id_password", "pw")
    page.click("input[type=submit]")
    clicks += 1
    page.wait_for_url(f"{live_server.url}/admin/publications/publication/")

    # "Add from BibTeX" (1), paste, submit (1).
    page.get_by_role("link", name="Add from BibTeX").click()
    clicks += 1
    page.locator("textarea#id_bibtex").fill(ENTRIES)
    page.screenshot(path=str(screenshots / f"add-bibtex-form-{width}.png"), full_page=True)
    page.get_by_role("button", name="Add these papers").click()
    clicks += 1
    summary = page.locator(".intake-summary")
    assert summary.inner_text() == "Created 3, merged 0, skipped 0."
    assert page.locator(".intake-created a").all_inner_texts() == [
        "Paper Lanterns for Sparse Attention",
        "Kites That Learn the Wind",
        "Teapots Are All You Need",
    ]
    assert page.locator("ul.messagelist li").all_inner_texts() == [
        "Linked Mila Ostrova to the lab member Mila Ostrova (on 3 papers)"
    ]
    page.screenshot(path=str(screenshots / f"add-bibtex-report-{width}.png"), full_page=True)
    # No horizontal scroll on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    # Open the first paper (1) and drag its last author to the top.
    page.get_by_role("link", name="Paper Lanterns for Sparse Attention").click()
    clicks += 1
    page.locator("#authorships-group").scroll_into_view_if_needed()
    assert author_names(page) == ["Mila Ostrova", "Pell Quorn", "Ilse Vantongeren"]
    rows = page.locator("#authorships-group tr.has_original")
    handle = rows.nth(2).locator("td.original p")
    target = rows.nth(0).locator("td.original p")
    # Held mid-drag for the screenshot, then dropped on the first row (Sortable.js's handle).
    box, goal = handle.bounding_box(), target.bounding_box()
    page.mouse.move(box["x"] + 10, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + 12, box["y"] - 10, steps=5)
    page.mouse.move(goal["x"] + 12, goal["y"] + 2, steps=10)
    page.screenshot(path=str(screenshots / f"authors-dragging-{width}.png"))
    page.mouse.up()
    assert author_names(page) == ["Ilse Vantongeren", "Mila Ostrova", "Pell Quorn"]
    clicks += 1  # one drag
    page.locator("#authorships-group").screenshot(
        path=str(screenshots / f"authors-after-drag-{width}.png")
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Save and continue editing").click()
    clicks += 1
    assert author_names(page) == ["Ilse Vantongeren", "Mila Ostrova", "Pell Quorn"]

    # Tick "Selected" on her own row (1), save (1): on screen without scrolling sideways.
    own = page.locator("#authorships-group tr.has_original").nth(1)
    tick = own.locator("input[name$='-selected']").bounding_box()
    assert tick["x"] + tick["width"] <= width
    own.locator("input[name$='-selected']").check()
    clicks += 1
    with page.expect_navigation():
        page.get_by_role("button", name="Save and continue editing").click()
    clicks += 1
    paper = Publication.objects.get(title="Paper Lanterns for Sparse Attention")
    assert list(paper.authorships.values_list("name", "person__name", "selected")) == [
        ("Ilse Vantongeren", None, False),
        ("Mila Ostrova", "Mila Ostrova", True),
        ("Pell Quorn", None, False),
    ]

    # Her public homepage: the selected paper under "Selected publications", authors reordered.
    page.goto(f"{live_server.url}/people/{member.slug}/")
    section = page.locator("section", has=page.get_by_role("heading", name="Selected publications"))
    # Depends on the homepage's "Selected publications" heading (issue 7, deliverable 4).
    assert section.get_by_role("heading").first.inner_text() == "Selected publications"
    assert section.locator(".pubs > li > a").all_inner_texts() == [
        "Paper Lanterns for Sparse Attention"
    ]
    assert (
        section.locator(".pubs > li > p:first-of-type")
        .inner_text()
        .replace("\n", " ")
        .startswith("Ilse Vantongeren, Mila Ostrova")
    )
    more = section.get_by_role("link", name="All publications")
    assert more.get_attribute("href") == f"/people/{member.slug}/publications/"
    page.screenshot(path=str(screenshots / f"homepage-selected-{width}.png"), full_page=True)
    assert page.js_errors == []
    assert clicks == 8
