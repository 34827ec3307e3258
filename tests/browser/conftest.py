"""Chromium (Debian's package) through Playwright, a live server, and a realistic lab to look at.

The data is built with the project's factories: a member page as full as the real homepages the
product was designed from (photo, sections in source order, news, selected publications with
equal-contribution marks, an award, links, an abstract, math in a title), a project with
collaborators and figures, and alumni.
"""

from __future__ import annotations

import datetime
import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from people.models import Role, SectionKind
from tests import factories as f

# Playwright's sync API runs an event loop in this thread; Django refuses ORM calls from a thread
# with a running loop unless told that this is deliberate (the test code is synchronous).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core's source, installed from npm (``npm ci``) on first use in a fresh clone."""
    if not AXE.exists():
        npm = shutil.which("npm")
        if npm is None:
            pytest.fail("axe-core is missing and npm is not installed: run `npm ci` (Node 20+).")
        result = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if result.returncode != 0 or not AXE.exists():
            pytest.fail(
                "`npm ci` could not install axe-core for the browser tests "
                f"(exit {result.returncode}):\n{result.stderr[-2000:]}"
            )
    return AXE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def browser():
    """One Chromium per module: Playwright's sync API allows one running instance per thread,
    and other browser modules start their own."""
    from playwright import sync_api  # a dev dependency: missing is a failure, not a skip

    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        pytest.fail("Debian's chromium is not installed: apt-get install -y chromium")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


def png(
    width: int, height: int, colour: tuple[int, int, int], *, label: str = ""
) -> SimpleUploadedFile:
    """A small real PNG (a gradient with a few shapes) made with Pillow."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (width, height), colour)
    draw = ImageDraw.Draw(image)
    for i in range(0, width, max(1, width // 12)):
        shade = tuple(min(255, c + i * 60 // width) for c in colour)
        draw.rectangle([i, 0, i + width // 12, height], fill=shade)
    draw.ellipse([width // 4, height // 5, width * 3 // 4, height * 4 // 5], fill=(245, 245, 245))
    draw.rectangle([width // 3, height // 2, width * 2 // 3, height * 7 // 10], fill=colour)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return SimpleUploadedFile(
        f"{label or 'image'}.png", buffer.getvalue(), content_type="image/png"
    )


def build_lab() -> dict:
    """A lab with a full member page, co-authors, alumni, projects and news. Returns the URLs.

    Written in one transaction with one rebuild of the stored entries, as an import writes:
    the browser tests build it per test, in autocommit, where each row would bump the page
    cache and rebuild its papers' entries on its own.
    """
    from django.db import transaction

    from publications import entries

    with transaction.atomic(), entries.batch():
        return _build_lab()


def _build_lab() -> dict:
    lab = f.LabFactory(
        slug="nexus",
        name="Networked Learning and Inference Lab",
        short_name="nEXUS",
        tagline="Trustworthy, private and efficient machine learning at the network edge.",
        institution="Harrowgate University",
        about=(
            "We study **federated learning**, privacy and the theory of generalization. "
            "Our work ranges from bounds such as $\\mathcal{O}(1/\\sqrt{n})$ to systems "
            "that train on phones."
        ),
        email="nexus-lab@example.edu",
        address="12 Quarry Lane\nPort Ellis, CA 95555",
        site__domain="localhost",
        is_default=True,
    )
    pi = f.PersonFactory(
        name="Tobias Ellerbrook",
        position="Professor",
        affiliation="Harrowgate University",
        website="https://example.org/tobias",
    )
    f.MembershipFactory(person=pi, lab=lab, role=Role.PI, title="Chair Professor of EE")
    lena = f.PersonFactory(
        name="Lena Varkonyi",
        position="PhD student",
        affiliation="Harrowgate University",
        location="Port Ellis, CA",
        avatar=png(480, 480, (40, 90, 140), label="lena"),
        bio=(
            "I am a fourth-year doctoral student in Computer Science at "
            "[Harrowgate University](https://cs.harrowgate.example/). I work on robust and "
            "frugal machine learning, split learning and model compression."
        ),
        email="varkony@example.edu",
        website="https://example.org/lena",
        google_scholar="https://scholar.google.com/citations?user=abc",
        github="https://github.com/example",
        orcid="https://orcid.org/0000-0002-1825-0097",
        linkedin="https://www.linkedin.com/in/example",
        twitter="https://x.com/example",
        cv="https://example.org/lena/cv.pdf",
    )
    f.MembershipFactory(person=lena, lab=lab, role=Role.PHD, start=datetime.date(2019, 8, 1))
    jin = f.PersonFactory(name="Jin Tao", position="PhD student")
    f.MembershipFactory(person=jin, lab=lab, role=Role.PHD, order=1)
    postdoc = f.PersonFactory(
        name="Nikhil Varadan", avatar=png(300, 360, (120, 60, 40), label="nv")
    )
    f.MembershipFactory(person=postdoc, lab=lab, role=Role.POSTDOC)
    alumna = f.PersonFactory(name="Wenlan He")
    f.MembershipFactory(
        person=alumna,
        lab=lab,
        role=Role.PHD,
        start=datetime.date(2017, 8, 1),
        end=datetime.date(2022, 6, 30),
        next_position="Co-founder and CTO, Fedwise",
    )
    alumnus = f.PersonFactory(
        name="Samir F. Haddad", avatar=png(200, 200, (60, 120, 80), label="sh")
    )
    f.MembershipFactory(
        person=alumnus,
        lab=lab,
        role=Role.POSTDOC,
        start=datetime.date(2020, 1, 1),
        end=datetime.date(2023, 1, 31),
        next_position="Research scientist, Northwind",
    )
    outsider = f.PersonFactory(name="Ritam Basuray")  # a Person with no membership here

    # Homepage sections in the source page's order.
    sections = [
        (SectionKind.NEWS, "Recent news", ""),
        (SectionKind.PUBLICATIONS, "Selected publications", ""),
        (SectionKind.PROJECTS, "Research", ""),
        (SectionKind.TALKS, "Talks", ""),
        (SectionKind.TEACHING, "Teaching", ""),
        (SectionKind.HONORS, "Honors and awards", ""),
        (SectionKind.PROSE, "Experience", "Research Assistant (Sep 2019 – present)"),
        (
            SectionKind.PROSE,
            "Contact",
            "Harrowgate University  \nDepartment of Computer Science  \nPort Ellis, CA 95555-0100",
        ),
    ]
    for order, (kind, title, body) in enumerate(sections):
        f.ProfileSectionFactory(person=lena, kind=kind, title=title, body=body, order=order)
    news = [
        (datetime.date(2024, 8, 1), "month", "Named a **Future Leader in Computing**."),
        (datetime.date(2024, 7, 20), "day", "Our paper won the **Best Paper Award** at DL@Edge."),
        (datetime.date(2024, 6, 3), "month", "Started an internship at Northwind Research."),
    ]
    for date, precision, text in news:
        f.NewsItemFactory(
            person=lena, date=date, date_precision=precision, text=text, is_highlight=True
        )
    f.NewsItemFactory(
        person=None,
        lab=lab,
        date=datetime.date(2024, 9, 2),
        text="Welcome to our new students! Posters cost $5 and $10 to print.",
    )
    f.HonorFactory(
        person=lena, title="Best Paper Award", detail="DL@Edge-NeurIPS Workshop", year=2023
    )
    f.HonorFactory(person=lena, title="WiST Northwind Top-Up Fellowship", year=2021, order=1)
    f.TalkFactory(
        person=lena,
        title="Continual learning without stored samples",
        event="Learning Theory Circle",
        location="Online",
        date=datetime.date(2024, 6, 12),
        kind="invited",
        slides_url="https://example.org/slides.pdf",
    )
    f.TeachingFactory(
        person=lena, course="CS 410: Machine Learning", institution="HGU", term="Fall 2022"
    )
    f.CVEntryFactory(
        person=lena,
        kind="education",
        title="MSc in Electrical Engineering",
        organization="Harrowgate University",
        location="Port Ellis, CA",
        start_year=2017,
        end_year=2019,
        detail="Thesis: Frugal inference on microcontrollers",
    )
    f.CVEntryFactory(
        person=lena,
        kind="experience",
        title="Research intern",
        organization="Northwind Research",
        start_year=2024,
        end_year=2024,
    )
    f.CVEntryFactory(
        person=lena,
        kind="service",
        title="Reviewer, NeurIPS",
        organization="",
        start_year=2022,
        end_year=None,
    )

    papers = []
    specs = [
        {
            "title": "A Label-Free Method to Curb Drift in Decentralized Continual "
            "Learning for Audio Tasks",
            "venue": "Advances in Neural Information Processing Systems",
            "short_venue": "NeurIPS",
            "year": 2023,
            "arxiv_id": "2311.01234",
            "abstract": (
                "Neural models tend to lose earlier skills when they are fitted to fresh "
                "samples. We propose a scheme in which the coordinator fits a synthetic data "
                "generator with a loss of $\\mathcal{L}_{KD}$..."
            ),
        },
        {
            "title": "QuADRA: Decentralized Low-Memory Adaptation of Speech Models",
            "venue": "DL@Edge-NeurIPS Workshop",
            "short_venue": "DL@Edge",
            "year": 2023,
            "kind": "workshop",
            "award": "Best Paper Award",
        },
        {
            "title": "Rethinking Pruning Schedules in Decentralized Learning: an $\\ell_1$ View",
            "venue": "Transactions on Machine Learning Research",
            "short_venue": "TMLR",
            "year": 2023,
            "kind": "journal",
            "doi": "10.48550/arXiv.2208.05678",
        },
        {
            "title": "Fast-n-Frugal: A Modular and Extensible Search Toolkit",
            "venue": "Northbridge Journal of Computing",
            "short_venue": "",
            "year": 2021,
            "kind": "journal",
            "note": "Extended version of a workshop paper",
        },
        {
            "title": "Ticket-Aware Pruning Schedules at the Edge",
            "venue": "arXiv",
            "short_venue": "",
            "year": 2024,
            "kind": "preprint",
            "status": "under_review",
        },
    ]
    authors = [
        [(lena, True), (outsider, True), ("Nikhil Varadan", False), (jin, False), (pi, False)],
        [(lena, True), ("Karim Nabil Sherbiny", True), ("Tariq M Elshazly", False), (pi, False)],
        [(lena, False), ("Tamas Rethy", False), (alumna, False), (pi, False)],
        [("Anirban Roy", False), (lena, False), ("Douglas P. Tarrant", False)],
        [(jin, False), (postdoc, False), (pi, False)],
    ]
    for index, (spec, names) in enumerate(zip(specs, authors, strict=True)):
        paper = f.PublicationFactory(**spec)
        for position, (who, equal) in enumerate(names):
            if isinstance(who, str):
                f.AuthorshipFactory(
                    publication=paper,
                    person=None,
                    name=who,
                    position=position,
                    equal_contribution=equal,
                )
            else:
                f.AuthorshipFactory(
                    publication=paper,
                    person=who,
                    name=who.name,
                    position=position,
                    equal_contribution=equal,
                    selected=(who == lena and index < 3),
                    corresponding=(who == pi and index == 0),
                )
        f.PublicationLinkFactory(
            publication=paper, kind="paper", url=f"https://arxiv.org/abs/23{index}"
        )
        if index < 2:
            f.PublicationLinkFactory(
                publication=paper, kind="code", url=f"https://github.com/x/{index}"
            )
        if index == 0:
            f.PublicationLinkFactory(
                publication=paper, kind="poster", url="https://example.org/p.pdf"
            )
            f.PublicationLinkFactory(
                publication=paper, kind="slides", url="https://example.org/s.pdf"
            )
        papers.append(paper)

    project = f.ProjectFactory(
        lab=lab,
        title="Split Learning on Battery-Limited Devices",
        owner=jin,
        summary=(
            "Training big networks on small devices runs out of battery and memory. "
            "**Sub-model** training gives each device a slice of the network and still "
            "yields the whole model."
        ),
        body=(
            "## Approach\n\nEach device trains a slice of the network, which brings the cost "
            "per round from $O(d)$ down to $O(k)$ with no loss of accuracy.\n\n"
            "- Sparse updates\n- Low-rank data\n"
        ),
        is_featured=True,
        start=datetime.date(2021, 1, 1),
    )
    project.publications.add(papers[2])
    f.CollaboratorFactory(project=project, person=lena, name="Lena Varkonyi", order=0)
    f.CollaboratorFactory(
        project=project, person=None, name="Jiho Baek", url="https://example.org/jiho", order=1
    )
    f.CollaboratorFactory(project=project, person=outsider, name="Ritam Basuray", order=2)
    f.CollaboratorFactory(project=project, person=pi, name="Tobias Ellerbrook", order=3)
    f.FigureFactory(
        project=project,
        image=png(1400, 700, (30, 70, 110), label="overview"),
        alt_text="Diagram: the server sends each device a sub-model and merges their updates",
        caption="Figure 1. Sub-model training: each device trains only a slice of the network.",
        display_width=700,
    )
    f.FigureFactory(
        project=project,
        image=png(800, 500, (110, 60, 30), label="results"),
        alt_text="Plot of accuracy against communication rounds",
        caption="Figure 2. Accuracy per round.",
        order=1,
    )
    second = f.ProjectFactory(
        lab=lab,
        title="Language Model Repair by Weight Editing",
        summary="We repair language models by editing the weights behind unwanted outputs.",
        is_featured=True,
        order=1,
    )
    f.CollaboratorFactory(project=second, person=jin, name="Jin Tao")
    f.ProjectFactory(
        lab=lab,
        title="Second-Order Methods for Wide Networks",
        summary="A damped curvature method for noisy optimization.",
        status="completed",
        order=2,
    )
    return {
        "lab_home": "/",
        "people": "/people/",
        "person": lena.get_absolute_url(),
        "person_publications": f"{lena.get_absolute_url()}publications/",
        "person_cv": f"{lena.get_absolute_url()}cv/",
        "person_talks": f"{lena.get_absolute_url()}talks/",
        "person_teaching": f"{lena.get_absolute_url()}teaching/",
        "talks": "/talks/",
        "news": "/news/",
        "research": "/research/",
        "project": project.get_absolute_url(),
        "publications": "/publications/",
        "publication": papers[0].get_absolute_url(),
        "publication_math": papers[2].get_absolute_url(),
        "not_found": "/no-such-page/",
    }
