"""Imported pages are written by anyone: no link they carry may run script on labsite's pages."""

from __future__ import annotations

from pathlib import Path

import pytest

from labsite.importing.rows import web_url
from people.models import Person
from publications.models import PublicationLink
from research.models import Collaborator
from tests.importing.test_command import run

SLIDES = "data:text/html;base64,PHNjcmlwdD4="
PAGE = f"""---
title: "Eve Mallory"
---

Publications
-----
- **A Paper on Engines**
  <u>Eve Mallory</u>, Bob Smith
  NeurIPS 2023
  \\[[Paper](javascript:alert(1))\\], \\[[Code](https://ex.org/c)\\], \\[[Slides]({SLIDES})\\]

Research
-----
### Engines
Collaborated with [Mal Lory](javascript:alert(2)), [Ada Lovelace](https://example.org/ada)

We build engines.
"""


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        ("https://example.org/x", "https://example.org/x"),
        ("http://example.org", "http://example.org"),
        ("javascript:alert(1)", ""),
        (" JavaScript:alert(1)", ""),
        ("data:text/html,<script>", ""),
        ("vbscript:msgbox", ""),
        ("//evil.example.org/x", ""),
        ("ftp://example.org/f", ""),
        ("", ""),
    ],
)
def test_web_url_keeps_only_http_addresses(url, kept):
    assert web_url(url) == kept


def test_import_drops_script_links_and_keeps_the_rest(db, tmp_path: Path):
    (tmp_path / "about.md").write_text(PAGE, encoding="utf-8")
    (tmp_path / "_config.yml").write_text(
        'author:\n  name: "Eve Mallory"\n  github: "javascript:alert(3)"\n  website: "data:x"\n',
        encoding="utf-8",
    )
    status, _out, err = run(str(tmp_path), "--lab", "engines")
    assert (status, err) == (0, "")
    assert list(PublicationLink.objects.values_list("kind", "url")) == [
        ("code", "https://ex.org/c")
    ]
    assert sorted(Collaborator.objects.values_list("name", "url")) == [
        ("Ada Lovelace", "https://example.org/ada"),
        ("Mal Lory", ""),
    ]
    person = Person.objects.get(name="Eve Mallory")
    urls = [url for _kind, _label, url in person.profile_links()]
    assert urls and all(url.startswith(("http://", "https://")) for url in urls)
