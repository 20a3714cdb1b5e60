"""The import graph of ``src/accord``, from the code's own imports (top-level and lazy alike):
no cycles between modules, and no import from a lower layer into a higher one.

The layers, lowest first, are those of ``docs/architecture.md``; a module may import its own
layer and the layers below it. The root helpers (``threads``, ``safeio``, ``htmlrepr``,
``version``) sit with ``spec`` at the bottom; the root ``accord`` (the public API's lazy
verbs) sits above the workflows it names and below the faces that call it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "accord"

LAYERS: tuple[tuple[str, ...], ...] = (
    ("spec", "threads", "safeio", "htmlrepr", "version"),
    ("data", "scenarios"),
    ("models",),
    ("fits",),
    ("store",),
    ("experiments",),
    ("scenario",),
    ("simulation",),
    ("analysis",),
    ("report",),
    ("workflows",),
    ("<api>",),
    ("dashboard",),
    ("cli",),
    ("__main__",),
)
RANK = {part: rank for rank, parts in enumerate(LAYERS) for part in parts}


def _modules() -> dict[str, Path]:
    modules = {}
    for path in SRC.rglob("*.py"):
        parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path
    return modules


def import_graph() -> dict[str, set[str]]:
    """module -> the accord modules it imports (``from p import m`` counts as m when m is a
    module; the parent packages Python loads on the way are not edges). Imports under
    ``TYPE_CHECKING`` count: a cycle for the type checker is a cycle of the design."""
    modules = _modules()
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join(anchor + ([node.module] if node.module else []))
                targets = []
                for alias in node.names:
                    child = f"{base}.{alias.name}"
                    targets.append(child if child in modules else base)
            else:
                continue
            graph[name].update(t for t in targets if t in modules and t != name)
    return graph


def layer(module: str) -> int:
    parts = module.split(".")
    return RANK[parts[1]] if len(parts) > 1 else RANK["<api>"]


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_every_package_has_a_layer():
    unknown = {m.split(".")[1] for m in _modules() if "." in m} - set(RANK)
    assert not unknown, f"packages without a layer in LAYERS: {sorted(unknown)}"


def test_no_import_cycles():
    assert cycles(import_graph()) == []


def test_no_upward_imports():
    graph = import_graph()
    upward = sorted(
        f"{a} -> {b}" for a, targets in graph.items() for b in targets if layer(b) > layer(a)
    )
    assert upward == []


def test_few_modules_at_the_root():
    root = sorted(p.name for p in SRC.glob("*.py"))
    assert len(root) <= 6, root


@pytest.mark.parametrize(
    ("graph", "expected"),
    [
        ({"a": {"b"}, "b": {"a"}}, [["a", "b"]]),
        ({"a": {"b"}, "b": {"c"}, "c": set()}, []),
        ({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}, [["a", "b", "c"]]),
    ],
)
def test_the_cycle_finder_finds_cycles(graph, expected):
    assert cycles(graph) == expected
