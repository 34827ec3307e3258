"""Hostile and mutated pages never hang the import, never end in a traceback, never half-write.

Each case puts one bad file beside a good page in a site that was imported once already, then
imports the site again through the command. What must hold, whatever the file:

- the command ends; a bad file is one line ``error: <site>/<file>:<line>: <message>`` naming
  that file, the exit status is non-zero, and the good page is still there;
- nothing of the bad file is written: every row of every imported model is as before;
- one file costs under ``BOUND`` seconds of CPU (``time.process_time``: wall-clock time on a
  machine shared with other jobs measures them, not the importer; both are reported on failure).

The limits that make this hold are settings (``LABSITE_IMPORT_*``, :mod:`labsite.importing.safety`).
"""

from __future__ import annotations

import random
import time
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from labsite.importing.parse import load_yaml, parse_page
from labsite.importing.safety import Refused, YamlRefused, check_text
from tests.importing.conftest import COUNTED_MODELS

BOUND = 5.0  # CPU seconds for one hostile file, with a wide margin (most take well under 1 s)

GOOD = """---
title: "Mira Okafor"
permalink: /
---

About
-----
I study kiln chemistry.

Publications
------------
- Mira Okafor, Teo Brandt. **Glaze Crazing Under Thermal Cycling.** Ceramics Letters 2022.
"""


def _billion_laughs(levels: int = 9) -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, levels):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def _merge_bomb(levels: int = 30) -> str:
    lines = ["l0: &l0 {k0: 0}"]
    for i in range(1, levels):
        lines.append(f"l{i}: &l{i} {{<<: [*l{i - 1}, *l{i - 1}], k{i}: {i}}}")
    return "\n".join(lines) + "\n"


def _page(front: str, body: str = "Hello.\n") -> str:
    return f"---\n{front}---\n\n{body}"


_RNG = random.Random(20240601)

# name: (file under the site, content, whether the file must be an error)
CASES: dict[str, tuple[str, bytes, bool]] = {
    "random-bytes": ("_pages/noise.md", _RNG.randbytes(64 * 1024), True),
    "five-mb-line": ("_pages/long.md", b"x" * (5 * 1024 * 1024), True),
    "long-line-under-size": ("_pages/line.md", b"# T\n\n" + b"word " * 300_000, True),
    "nested-lists-10000": (
        "_pages/nested.md",
        "".join("  " * i + "- item\n" for i in range(10_000)).encode(),
        True,
    ),
    "nested-quotes": ("_pages/quotes.md", (">" * 5_000 + " deep\n").encode(), True),
    "yaml-billion-laughs": ("_pages/bomb.md", _page(_billion_laughs()).encode(), True),
    "yaml-merge-bomb": ("_pages/merge.md", _page(_merge_bomb()).encode(), True),
    "yaml-deep-flow": ("_pages/flow.md", _page("a: " + "[" * 10_000 + "\n").encode(), True),
    "config-bomb": ("_config.yml", _billion_laughs().encode(), True),
    "data-bomb": ("_data/publications.yml", _billion_laughs().encode(), True),
    "bib-20000-entries": (
        "_bibliography/papers.bib",
        "".join(
            f"@article{{k{i}, title={{Paper {i}}}, author={{Okafor, Mira}}, year={{2020}}}}\n"
            for i in range(20_000)
        ).encode(),
        True,
    ),
    "bib-one-10mb-field": (
        "_bibliography/huge.bib",
        b"@article{big, title={Big}, author={Okafor, Mira}, year={2021}, abstract={"
        + b"word " * (2 * 1024 * 1024)
        + b"}}\n",
        False,  # within the limits: imported (or refused) in bounded time, never a hang
    ),
    "bib-over-size": ("_bibliography/over.bib", b"%" * (21 * 1024 * 1024), True),
    "nul-bytes-late": ("_pages/nul.md", b"# Hi\n\n" + b"text\n" * 3000 + b"a\x00b\n", True),
    "nul-bytes-early": ("_pages/nul0.md", b"\x00\x00\x00hello", True),
    "invalid-utf16-bom": ("_pages/bom.md", b"\xff\xfe" + b"a\x00b\x00\x00\xd8", True),
    "utf32-bom-garbage": ("_pages/bom32.md", b"\xff\xfe\x00\x00\xff\xff\xff\xff", True),
    "front-matter-list": ("_pages/list.md", _page("- a\n- b\n").encode(), True),
    "front-matter-scalar": ("_pages/scalar.md", _page("just words\n").encode(), True),
    "broken-yaml": ("_pages/broken.md", _page("title: [unclosed\n").encode(), True),
    "huge-heading": ("_pages/heading.md", ("# " + "H" * 90_000 + "\n\nText.\n").encode(), False),
    "100k-links": (
        "_pages/links.md",
        "".join(f"[l{i}](https://e.example/{i}) " for i in range(60_000)).encode(),
        True,
    ),
    "markdown-over-cap": (
        "_pages/big.md",
        ("## About\n\n" + "Words and words. " * 8_000).encode(),
        True,
    ),
}


def _site(root: Path) -> Path:
    (root / "_pages").mkdir(parents=True)
    (root / "_data").mkdir()
    (root / "_bibliography").mkdir()
    (root / "_config.yml").write_text('author:\n  name: "Mira Okafor"\n', encoding="utf-8")
    (root / "_pages" / "about.md").write_text(GOOD, encoding="utf-8")
    return root


def _run(root: Path) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("import_pages", str(root), "--lab", "nexus", stdout=out, stderr=err)
    except CommandError as exc:
        return 1, out.getvalue(), err.getvalue() + f"CommandError: {exc}\n"
    return 0, out.getvalue(), err.getvalue()


def _snapshot() -> dict[str, list[dict]]:
    """Every row of every imported model, in primary-key order: equal means nothing changed."""
    return {
        label: list(apps.get_model(label).objects.order_by("pk").values())
        for label in COUNTED_MODELS
    }


@pytest.fixture
def imported(db, tmp_path):
    """A site imported once (the good page); each test then adds one hostile file."""
    root = _site(tmp_path / "mira.github.io")
    status, _, err = _run(root)
    assert status == 0, err
    return root


def _check_hostile(root: Path, name: str, content: bytes, must_fail: bool) -> None:
    before = _snapshot()
    target = root / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(content)
    cpu, wall = time.process_time(), time.perf_counter()
    status, out, err = _run(root)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    assert cpu < BOUND, f"{name}: {cpu:.2f} s CPU ({wall:.2f} s wall)"
    text = out + err
    assert "Traceback" not in text
    errors = [line for line in err.splitlines() if line.startswith("error: ")]
    if must_fail:
        assert status == 1, text
    if status:
        assert [e.split(":", 2)[1] for e in errors] == [f" mira.github.io/{name}"], text
        assert all("\n" not in e and len(e) < 400 for e in errors)
        # Nothing of the bad file was written; the good page is as it was (re-import: unchanged).
        assert _snapshot() == before
    assert "_pages/about.md: 0 created, 0 updated" in out, out


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_file_is_one_clear_error_and_writes_nothing(imported, name):
    path, content, must_fail = CASES[name]
    _check_hostile(imported, path, content, must_fail)


# ---------------------------------------------------------------- mutations

FRAGMENTS = [
    b"\x00", b"\xff\xfe", b"\xef\xbb\xbf", b"---\n", b"&a ", b"*a ", b"<<: *a\n", b"[", b"](",
    b"<a ", b"<!--", b"{%", b"$$", b"\\(", b"- ", b"> ", b"  " * 50, b"\n\n", b"```\n",
    b"\xc3\x28", b"\xed\xa0\x80", b"## Publications\n", b"@article{", b"}", b"title: ",
]  # fmt: skip


@st.composite
def mutated_pages(draw) -> bytes:
    """The good page, cut, spliced with hostile fragments and with slices repeated many times."""
    data = bytearray(GOOD.encode())
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(data)))
        op = draw(st.sampled_from(["insert", "repeat", "delete", "flip"]))
        if op == "insert":
            data[at:at] = draw(st.sampled_from(FRAGMENTS)) * draw(st.integers(1, 300))
        elif op == "repeat":
            end = min(len(data), at + draw(st.integers(1, 40)))
            data[at:at] = bytes(data[at:end]) * draw(st.integers(1, 2_000))
        elif op == "delete":
            del data[at : at + draw(st.integers(1, 200))]
        elif data:
            data[min(at, len(data) - 1)] ^= draw(st.integers(1, 255))
    return bytes(data)


@pytest.mark.filterwarnings("ignore:Generating overly large repr")
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(content=mutated_pages())
def test_mutated_pages_never_traceback_or_half_write(imported, content):
    """Whatever the mutation: one line per bad file, nothing of it written if it fails."""
    target = imported / "_pages" / "mutant.md"
    before = _snapshot()
    target.write_bytes(content)
    cpu = time.process_time()
    status, out, err = _run(imported)
    assert time.process_time() - cpu < BOUND
    assert "Traceback" not in out + err
    errors = [line for line in err.splitlines() if line.startswith("error: ")]
    if status:
        assert errors and all("mira.github.io/_pages/mutant.md" in e for e in errors), err
        assert _snapshot() == before
    target.unlink()
    # The next run must not depend on this one: remove what a good mutant added.
    call_command("import_pages", str(imported), "--lab", "nexus", stdout=StringIO())


# ---------------------------------------------------------------- the limits themselves


def test_yaml_aliases_over_the_limit_are_refused_before_parsing():
    with pytest.raises(YamlRefused) as exc:
        load_yaml(_billion_laughs())
    assert exc.value.problem == "refused: more than 50 aliases (*name)"


def test_yaml_aliases_expanding_too_far_are_refused(settings):
    settings.LABSITE_IMPORT_MAX_YAML_ALIASES = 1000
    settings.LABSITE_IMPORT_MAX_YAML_VALUES = 10_000
    with pytest.raises(YamlRefused) as exc:
        load_yaml(_billion_laughs(6))
    assert exc.value.problem == "refused: aliases expand to more than 10000 values"


def test_a_few_aliases_still_load():
    assert load_yaml("base: &b {x: 1}\ncopy: *b\n") == {"base": {"x": 1}, "copy": {"x": 1}}


def test_refused_front_matter_is_a_page_error():
    page = parse_page(_page(_billion_laughs()))
    assert page.meta == {}
    assert page.errors == [(1, "broken YAML front matter: refused: more than 50 aliases (*name)")]


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ("ok\n" + "x" * 100_001, "line 2 is longer than 100000 characters; not imported", 2),
        ("".join("  " * i + "- a\n" for i in range(200)), "nested deeper than 100 levels", 101),
        ("a\n" + "> " * 101 + "q\n", "nested deeper than 100 levels", 2),
    ],
)
def test_check_text_refuses_long_lines_and_deep_nesting(text, message, line):
    with pytest.raises(Refused) as exc:
        check_text(text)
    assert (exc.value.message.split(";")[0], exc.value.line) == (message.split(";")[0], line)


def test_check_text_accepts_ordinary_pages():
    text = GOOD + "\n" + " " * 500 + "\n" + "    indented code\n" + "- a\n  - b\n    - c\n"
    assert check_text(text) is None


def test_limits_are_settings(settings, tmp_path):
    from labsite.importing.read import ReadError, read_text

    settings.LABSITE_IMPORT_MAX_PAGE_BYTES = 10
    path = tmp_path / "a.md"
    path.write_text("twelve bytes", encoding="utf-8")
    with pytest.raises(ReadError) as exc:
        read_text(path)
    assert exc.value.message == "file is larger than 10 bytes (12 bytes)"
