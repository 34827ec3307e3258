"""Golden files for the publication entry shapes: ``shapes/<shape>/<case>.md`` → ``<case>.json``.

Each ``.md`` is the body of a publications section; its entries are cut and read as the
importer does, and what came out (the shape that won, and the record) must equal the
``.json`` beside it. A folder named after a shape holds entries that shape must win; ``prose``
holds entries no shape may read; the other folders (tables, boxes, HTML items) are entry
sources whose entries any shape may read.

To regenerate after a deliberate change: ``LABSITE_REGENERATE_GOLDENS=1 pytest
tests/importing/test_shapes_golden.py`` and read the diff. CI never sets it.
"""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path

import pytest

from labsite.importing.extract.common import Context
from labsite.importing.extract.publications import entry_items
from labsite.importing.shapes import SHAPES, read_entry

ROOT = Path(__file__).parent / "shapes"
CASES = sorted(ROOT.glob("*/*.md"))
SHAPE_NAMES = {shape.name for shape in SHAPES}
REGENERATE = os.environ.get("LABSITE_REGENERATE_GOLDENS") == "1"


def _read(path: Path) -> list[dict]:
    lines = list(enumerate(path.read_text(encoding="utf-8").split("\n"), start=1))
    # the owner, as a site's _config.yml names them: every case is on Tomas Lind's page
    ctx = Context(site_url="https://owner.example", owner_names=["Tomas Lind"])
    out = []
    for item in entry_items(lines):
        shape, _score, record = read_entry(item, ctx, path.name)
        if record is None:
            out.append({"line": item.line, "shape": None})
            continue
        data = dataclasses.asdict(record)
        data.pop("source")
        data = {k: v for k, v in data.items() if v not in ("", [], None, False)}
        out.append({"line": item.line, "shape": shape, **data})
    return out


def test_there_are_golden_cases_for_every_shape():
    folders = {path.parent.name for path in CASES}
    assert SHAPE_NAMES | {"prose"} <= folders


@pytest.mark.parametrize("path", CASES, ids=[f"{p.parent.name}/{p.stem}" for p in CASES])
def test_shape_golden(path):
    got = _read(path)
    golden = path.with_suffix(".json")
    if REGENERATE:
        golden.write_text(json.dumps(got, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    assert golden.exists(), f"{golden} missing: run with LABSITE_REGENERATE_GOLDENS=1"
    assert got == json.loads(golden.read_text(encoding="utf-8"))
    folder = path.parent.name
    if folder in SHAPE_NAMES:
        assert {entry["shape"] for entry in got} == {folder}
    elif folder == "prose":
        assert {entry["shape"] for entry in got} == {None}
