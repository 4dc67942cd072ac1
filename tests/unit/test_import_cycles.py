"""No import cycles in the project's packages (issue 13): read from the source with ``ast``.

Every import counts, at module level and inside functions; an import under ``if TYPE_CHECKING:``
(for a type hint only) does not. ``from pkg import name`` is an edge to ``pkg.name`` when that is a
module, else to ``pkg`` itself. A failure names the cycle, module by module.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

#: The packages held free of cycles (``seed``: the demo package imports one way only).
CHECKED_PACKAGES = ["registry", "portal", "seed"]

#: Every package of the project whose modules make up the graph (edges between them count).
ALL_PACKAGES = ["registry", "portal", "seed"]


def module_files(root: Path, packages: list[str]) -> dict[str, Path]:
    """Module name -> file, for every ``.py`` file of the packages under ``root``."""
    out: dict[str, Path] = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            out[".".join(parts)] = path
    return out


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import statement, skipping the body of ``if TYPE_CHECKING:`` (not its ``else``)."""
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            stack.extend(node.orelse)
            continue
        stack.extend(ast.iter_child_nodes(node))


def _base_of(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    parts = module.split(".")
    if not is_package:
        parts = parts[:-1]
    parts = parts[: len(parts) - (node.level - 1)] if node.level > 1 else parts
    return ".".join([*parts, node.module] if node.module else parts)


def import_graph(root: Path, packages: list[str]) -> dict[str, set[str]]:
    """Module -> the project modules it imports (anywhere in its source but TYPE_CHECKING)."""
    files = module_files(root, packages)
    graph: dict[str, set[str]] = {name: set() for name in files}
    for name, path in files.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        is_package = path.name == "__init__.py"
        for node in _imports(tree):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                base = _base_of(name, is_package, node)
                for alias in node.names:
                    sub = f"{base}.{alias.name}"
                    targets.append(sub if sub in files else base)
            for target in targets:
                # ``import a.b.c`` names a.b.c; fall back to the nearest project module above it
                while target and target not in files:
                    target = target.rpartition(".")[0]
                if target and target != name:
                    graph[name].add(target)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle (as a closed path of modules) per strongly connected group of modules."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    groups: list[set[str]] = []
    counter = 0

    def connect(start: str) -> None:  # Tarjan, iterative (deep graphs, no recursion limit)
        nonlocal counter
        work: list[tuple[str, Iterator[str]]] = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group: set[str] = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.add(member)
                    if member == node:
                        break
                if len(group) > 1:
                    groups.append(group)

    for name in sorted(graph):
        if name not in index:
            connect(name)
    return [_path_through(graph, group) for group in groups]


def _path_through(graph: dict[str, set[str]], group: set[str]) -> list[str]:
    """A shortest closed path inside ``group`` from its first module back to it."""
    start = min(group)
    previous: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following: list[str] = []
        for node in frontier:
            for child in sorted(graph[node] & group):
                if child == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(previous[path[-1]])
                    return [start, *reversed(path[:-1]), start]
                if child not in previous:
                    previous[child] = node
                    following.append(child)
        frontier = following
    return sorted(group)  # pragma: no cover - a strongly connected group always closes


@pytest.fixture(scope="module")
def project_graph() -> dict[str, set[str]]:
    return import_graph(ROOT, ALL_PACKAGES)


@pytest.mark.parametrize("package", CHECKED_PACKAGES)
def test_package_has_no_import_cycle(project_graph: dict[str, set[str]], package: str) -> None:
    found = [
        cycle
        for cycle in cycles(project_graph)
        if any(m == package or m.startswith(package + ".") for m in cycle)
    ]
    assert not found, "import cycles:\n" + "\n".join(" -> ".join(c) for c in found)


def test_the_check_sees_cycles_through_function_imports_and_ignores_type_checking(
    tmp_path: Path,
) -> None:
    pkg = tmp_path / "demo"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from demo import b\n")
    (pkg / "b.py").write_text("def late():\n    from demo.c import x\n    return x\n")
    (pkg / "c.py").write_text("from . import a\nx = 1\n")
    (pkg / "d.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from demo import e\n"
    )
    (pkg / "e.py").write_text("import demo.d\n")
    graph = import_graph(tmp_path, ["demo"])
    assert graph["demo.c"] == {"demo.a"}
    assert graph["demo.d"] == set()
    assert cycles(graph) == [["demo.a", "demo.b", "demo.c", "demo.a"]]
