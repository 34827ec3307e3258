"""Helpers for the importer's tests: records built by hand, row counts, the shared test data."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.apps import apps

from labsite.importing.records import (
    AuthorRecord,
    CollaboratorRecord,
    FigureRecord,
    HonorRecord,
    LinkRecord,
    NewsRecord,
    PageRecord,
    ProfileRecord,
    ProjectRecord,
    PublicationRecord,
    SectionRecord,
    SiteRecord,
    SourceRef,
)
from labsite.setup import get_or_create_lab

# The repository's parent holds the shared seeds and corpus (same layout in CI).
SHARED = Path(__file__).resolve().parents[3] / "shared"
REPO = Path(__file__).resolve().parents[2]

COUNTED_MODELS = [
    "people.Person",
    "people.Membership",
    "people.ProfileSection",
    "people.NewsItem",
    "people.Honor",
    "people.Talk",
    "people.Teaching",
    "publications.Publication",
    "publications.Authorship",
    "publications.PublicationLink",
    "research.Project",
    "research.Collaborator",
    "research.Figure",
    "labsite.Redirect",
]


def row_counts() -> dict[str, int]:
    """Rows per imported model: equal before and after proves nothing was written."""
    return {label: apps.get_model(label).objects.count() for label in COUNTED_MODELS}


@pytest.fixture
def lab(db):
    lab, _ = get_or_create_lab(slug="vital", name="vITAL", domain="vital.localhost")
    return lab


def pub(
    title: str, *authors: str, owner: str = "", year: int = 2023, **kwargs
) -> PublicationRecord:
    """A publication record; ``owner`` is the highlighted author's name."""
    return PublicationRecord(
        title=title,
        authors=[
            AuthorRecord(
                name=name.rstrip("*"), is_owner=name == owner, equal_contribution=name.endswith("*")
            )
            for name in authors
        ],
        year=year,
        venue=kwargs.pop("venue", "NeurIPS 2023"),
        **kwargs,
    )


def sara_site(root: Path) -> SiteRecord:
    """Sara's homepage, built by hand: what the pure steps would give the loader."""
    about = PageRecord(
        source=SourceRef("_pages/about.md", 1),
        title="Sara Babakniya",
        owner_names=["Sara Babakniya"],
        permalink="/",
        redirect_from=["/about/", "/about.html"],
        sections=[
            SectionRecord(
                "About", body="I am a PhD student.", source=SourceRef("_pages/about.md", 10)
            ),
            SectionRecord(
                "Publications", kind="publications", source=SourceRef("_pages/about.md", 20)
            ),
            SectionRecord("News", kind="news"),
            SectionRecord("Research", kind="projects"),
        ],
        publications=[
            pub(
                "A Data-Free Approach to Mitigate Catastrophic Forgetting",
                "Sara Babakniya",
                "Zalan Fabian",
                "Chaoyang He",
                "Mahdi Soltanolkotab",
                "Salman Avestimehr",
                owner="Sara Babakniya",
                arxiv_id="2311.07784",
                links=[
                    LinkRecord("paper", "https://arxiv.org/abs/2311.07784"),
                    LinkRecord("code", "https://github.com/x/mfcl"),
                ],
                selected=True,
            ),
            pub(
                "Revisiting Sparsity Hunting in Federated Learning",
                "Sara Babakniya*",
                "Souvik Kundu*",
                "Yue Niu",
                "Salman Avestimehr",
                owner="Sara Babakniya",
                arxiv_id="2208.13092",
                links=[LinkRecord("paper", "https://arxiv.org/abs/2208.13092")],
            ),
            pub(
                "Federated Sparse Training: Lottery Aware Model Compression",
                "Sara Babakniya*",
                "Souvik Kundu*",
                "Yue Niu",
                "Salman Avestimehr",
                owner="Sara Babakniya",
                year=2022,
                arxiv_id="2208.13092",
                links=[LinkRecord("paper", "https://arxiv.org/abs/2208.13092")],
            ),
            pub(
                "SLoRA: Federated Parameter Efficient Fine-Tuning of Language Models",
                "Sara Babakniya*",
                "Ahmed Roushdy Elkordy*",
                "Salman Avestimehr",
                owner="Sara Babakniya",
                award="Best Paper Award",
            ),
        ],
        news=[
            NewsRecord(
                datetime.date(2023, 9, 1),
                "Our paper was accepted at **NeurIPS**.",
                precision="month",
            ),
            NewsRecord(datetime.date(2023, 6, 1), "Started an internship.", precision="month"),
        ],
        honors=[HonorRecord("Best Paper Award, FL@FM-NeurIPS", year=2023)],
        projects=[
            ProjectRecord(
                "Federated Continual Learning",
                summary="Learning without forgetting.",
                collaborators=[
                    CollaboratorRecord("Zalan Fabian"),
                    CollaboratorRecord("Salman Avestimehr", url="https://www.avestimehr.com/"),
                ],
                figures=[
                    FigureRecord(
                        "images/mfcl.png", path=root / "images" / "mfcl.png", alt="MFCL overview"
                    ),
                    FigureRecord("images/missing.png", path=None, caption="Gone"),
                ],
                source=SourceRef("_pages/about.md", 40),
            )
        ],
    )
    return SiteRecord(
        root=root,
        profile=ProfileRecord(
            name="Sara Babakniya",
            position="PhD student",
            affiliation="University of Southern California",
            google_scholar="https://scholar.google.com/citations?user=ABC123&hl=en",
            github="https://github.com/SaraBabakN",
        ),
        pages=[about],
    )


@pytest.fixture
def site_root(tmp_path) -> Path:
    from PIL import Image

    root = tmp_path / "sara.github.io"
    (root / "images").mkdir(parents=True)
    Image.new("RGB", (40, 30), "navy").save(root / "images" / "mfcl.png")
    return root
