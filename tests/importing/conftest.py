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
    "people.CVEntry",
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
    lab, _ = get_or_create_lab(slug="nexus", name="nEXUS", domain="nexus.localhost")
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


def lena_site(root: Path) -> SiteRecord:
    """Lena's homepage, built by hand: what the pure steps would give the loader."""
    about = PageRecord(
        source=SourceRef("_pages/about.md", 1),
        title="Lena Varkonyi",
        owner_names=["Lena Varkonyi"],
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
                "A Label-Free Method to Curb Drift",
                "Lena Varkonyi",
                "Tamas Rethy",
                "Wenlan He",
                "Kaveh Karimzadeh",
                "Tobias Ellerbrook",
                owner="Lena Varkonyi",
                arxiv_id="2311.01234",
                links=[
                    LinkRecord("paper", "https://arxiv.org/abs/2311.01234"),
                    LinkRecord("code", "https://github.com/x/ldcl"),
                ],
                selected=True,
            ),
            pub(
                "Rethinking Pruning Schedules in Split Learning",
                "Lena Varkonyi*",
                "Ritam Basuray*",
                "Jin Tao",
                "Tobias Ellerbrook",
                owner="Lena Varkonyi",
                arxiv_id="2208.05678",
                links=[LinkRecord("paper", "https://arxiv.org/abs/2208.05678")],
            ),
            pub(
                "Split Sparse Training: Ticket-Aware Model Pruning",
                "Lena Varkonyi*",
                "Ritam Basuray*",
                "Jin Tao",
                "Tobias Ellerbrook",
                owner="Lena Varkonyi",
                year=2022,
                arxiv_id="2208.05678",
                links=[LinkRecord("paper", "https://arxiv.org/abs/2208.05678")],
            ),
            pub(
                "QuADRA: Decentralized Low-Memory Adaptation of Speech Models",
                "Lena Varkonyi*",
                "Karim Nabil Sherbiny*",
                "Tobias Ellerbrook",
                owner="Lena Varkonyi",
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
        honors=[HonorRecord("Best Paper Award, DL@Edge-NeurIPS", year=2023)],
        projects=[
            ProjectRecord(
                "Federated Continual Learning",
                summary="Learning without forgetting.",
                collaborators=[
                    CollaboratorRecord("Tamas Rethy"),
                    CollaboratorRecord("Tobias Ellerbrook", url="https://www.ellerbrook.org/"),
                ],
                figures=[
                    FigureRecord(
                        "images/ldcl.png", path=root / "images" / "ldcl.png", alt="LDCL overview"
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
            name="Lena Varkonyi",
            position="PhD student",
            affiliation="Harrowgate University",
            google_scholar="https://scholar.google.com/citations?user=ABC123&hl=en",
            github="https://github.com/LenaVarkN",
        ),
        pages=[about],
    )


@pytest.fixture
def site_root(tmp_path) -> Path:
    from PIL import Image

    root = tmp_path / "lena.github.io"
    (root / "images").mkdir(parents=True)
    Image.new("RGB", (40, 30), "navy").save(root / "images" / "ldcl.png")
    return root
