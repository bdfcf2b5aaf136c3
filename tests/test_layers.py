"""The package's layers: lower layers never import upper ones, and no module imports itself
back through others (no import circles). Every import counts, also those inside functions
and under ``TYPE_CHECKING``: a deferred import is still a dependency."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "thesis_analysis"

# Rank of each subpackage or top-level module. A module may import modules of its own
# subpackage and of lower ranks only. Two rooms of one rank may not import each other.
BASE = frozenset({"errors", "paths", "writers", "yaml_lines", "user_files", "project_file"})
LAYERS: dict[str, int] = {
    "base": 0,
    "nlp": 1,
    "corpus": 2,
    "codebook": 2,
    "coding": 3,
    "privacy": 3,
    "autocode": 4,
    "reliability": 4,
    "project": 5,
    "analysis": 6,
    "refi": 6,
    "notebook_report": 7,
    "scaffold": 7,
    "learning": 7,
    "workflow": 8,
    "cli": 9,
    "__main__": 10,
}


def list_modules() -> dict[str, Path]:
    """Every module of the package by dotted name (``__init__`` files as their package)."""
    modules = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        modules[name] = path
    return modules


def find_imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The package modules ``name`` imports (absolute or relative, at any depth)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            targets = [base] + [f"{base}.{alias.name}" for alias in node.names]
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name and target.startswith("thesis_analysis."):
                found.add(target)
    return found


def find_room(module: str) -> str:
    """The subpackage or top-level module that ``module`` belongs to (``base`` for the
    modules every layer may use)."""
    room = module.split(".")[1]
    return "base" if room in BASE else room


MODULES = list_modules()
GRAPH = {name: find_imports(name, path, set(MODULES)) for name, path in MODULES.items()}


def test_every_room_has_a_layer() -> None:
    rooms = {find_room(m) for m in MODULES if m != "thesis_analysis"}
    assert sorted(rooms - set(LAYERS)) == []


@pytest.mark.parametrize("module", sorted(m for m in MODULES if m != "thesis_analysis"))
def test_imports_go_down_only(module: str) -> None:
    room = find_room(module)
    upward = []
    for target in sorted(GRAPH[module]):
        other = find_room(target)
        if other == room:
            continue
        if LAYERS[other] >= LAYERS[room]:
            upward.append(f"{target} (layer {LAYERS[other]} ≥ {LAYERS[room]})")
    assert upward == [], f"{module} (layer {LAYERS[room]}) imports upward: {upward}"


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import circle of ``graph`` as a list of modules, or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt) :] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def test_no_import_circles() -> None:
    graph = {m: {t for t in targets if t != "thesis_analysis"} for m, targets in GRAPH.items()}
    assert find_cycle(graph) is None


@pytest.mark.parametrize(
    ("graph", "circle"),
    [
        ({"a": {"b"}, "b": {"c"}, "c": set()}, False),
        ({"a": {"b"}, "b": {"a"}}, True),
        ({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}, True),
    ],
)
def test_the_circle_finder_finds_circles(graph: dict[str, set[str]], circle: bool) -> None:
    assert (find_cycle(graph) is not None) == circle


def test_the_import_finder_sees_deferred_and_relative_imports(tmp_path: Path) -> None:
    path = tmp_path / "mod.py"
    path.write_text(
        "from . import sibling\ndef f():\n    from thesis_analysis.corpus.records import Turn\n",
        encoding="utf-8",
    )
    known = {"thesis_analysis.nlp.sibling", "thesis_analysis.corpus.records", "thesis_analysis"}
    assert find_imports("thesis_analysis.nlp.mod", path, known) == {
        "thesis_analysis.nlp.sibling",
        "thesis_analysis.corpus.records",
    }
