"""A folder of members' sites, side by side, imports as those sites, each with its own owner."""

from __future__ import annotations

from pathlib import Path

from labsite.importing.readers import site_paths
from people.models import Person
from research.models import Figure
from tests.importing.test_command import run


def _member_site(root: Path, name: str, *, figure: bool = False) -> Path:
    (root / "_pages").mkdir(parents=True)
    (root / "_config.yml").write_text(f'author:\n  name: "{name}"\n', encoding="utf-8")
    body = f'---\ntitle: "{name}"\n---\n\nAbout\n-----\nI am {name}.\n'
    if figure:
        from PIL import Image

        (root / "images").mkdir()
        Image.new("RGB", (40, 20), "white").save(root / "images" / "diagram.png")
        body += (
            "\nResearch\n--------\n\n### Engines\nCollaborated with Ada Lovelace\n\n"
            '<img src="images/diagram.png" alt="The engine" width="300"/>\n\n'
            "We build engines that compute.\n"
        )
    (root / "_pages" / "about.md").write_text(body, encoding="utf-8")
    return root


def test_site_paths_expands_a_folder_of_sites_only(tmp_path):
    lab = tmp_path / "lab"
    ada = _member_site(lab / "ada", "Ada Lovelace")
    ben = _member_site(lab / "ben", "Ben Byron")
    (lab / ".git").mkdir()
    (lab / "notes").mkdir()  # not a site
    loose = tmp_path / "loose"
    loose.mkdir()
    (loose / "page.md").write_text("# Hi\n", encoding="utf-8")
    assert site_paths(lab) == [ada, ben]
    assert site_paths(ada) == [ada]
    assert site_paths(loose) == [loose]
    assert site_paths(ada / "_pages" / "about.md") == [ada / "_pages" / "about.md"]


def test_command_on_a_folder_of_sites_gives_each_its_owner_and_figures(db, tmp_path):
    lab = tmp_path / "lab"
    _member_site(lab / "ada", "Ada Lovelace")
    _member_site(lab / "ben", "Ben Byron", figure=True)
    status, out, err = run(str(lab), "--lab", "engines")
    assert (status, err) == (0, "")
    assert sorted(Person.objects.values_list("name", flat=True)) == ["Ada Lovelace", "Ben Byron"]
    figure = Figure.objects.get()
    assert (figure.width, figure.height, figure.missing_source) == (40, 20, "")
