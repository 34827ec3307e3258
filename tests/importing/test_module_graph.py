"""The importer's modules: no import cycle among them, and no private name used across modules.

Both are read from the source (``ast``), so the test is instant: every import statement counts,
also one inside a function (a cycle hidden in a function is still a cycle), except those under
``if TYPE_CHECKING:``.
"""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PACKAGES = ("labsite", "people", "publications", "research")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _sources() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (REPO / package).rglob("*.py"):
            if "migrations" not in path.parts:
                found[_module_name(path)] = path
    return found


def _imports(path: Path, module: str) -> list[tuple[str, list[str]]]:
    """(imported module, names imported from it) for each import statement outside
    ``if TYPE_CHECKING:`` blocks."""
    tree = ast.parse(path.read_text())
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped.update(id(n) for child in node.body for n in ast.walk(child))
    out = []
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            out.extend((alias.name, []) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            out.append((base, [alias.name for alias in node.names]))
    return out


def test_no_import_cycle_in_the_importer():
    sources = _sources()
    importer = {m: p for m, p in sources.items() if m.startswith("labsite.importing")}
    graph: dict[str, set[str]] = {}
    for module, path in importer.items():
        edges = set()
        for target, names in _imports(path, module):
            for candidate in [target, *(f"{target}.{n}" for n in names)]:
                if candidate in importer and candidate != module:
                    edges.add(candidate)
            # importing a submodule runs its package's __init__ first
            parts = target.split(".")
            for i in range(2, len(parts)):
                parent = ".".join(parts[:i])
                if parent in importer and parent != module and not module.startswith(parent):
                    edges.add(parent)
        graph[module] = edges

    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycle = stack[stack.index(nxt) :] + [nxt]
                raise AssertionError("import cycle: " + " → ".join(cycle))
            if nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module)
    assert len(graph) > 20  # the importer's modules were all found


def test_no_private_name_imported_from_another_module():
    sources = _sources()
    offenders = []
    for module, path in sources.items():
        for target, names in _imports(path, module):
            if target.split(".")[0] not in PACKAGES:
                continue
            offenders.extend(
                f"{module} imports {target}.{name}"
                for name in names
                if name.startswith("_") and not name.startswith("__")
            )
    assert offenders == []
