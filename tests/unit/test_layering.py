"""Issue 13: outside ``registry/graph/`` and the repositories nothing names a query or touches a
transaction. Use cases open a unit of work with ``reg.unit_of_work(work)`` and reach the graph
only through ``reg.repo(Kind, tx)``; the portal, the API and the demo generator call use cases.

The scan reads the source (``ast``), runs nothing, and names every offending ``file:line``.
Allowed: everything under ``registry/graph/``, ``Registry.unit_of_work`` itself
(``registry/context.py``), the repository modules (``repository.py``, ``*_repository.py``,
``in_memory.py``) and the body of any class derived from a ``…Repository`` class (a few small
repositories live beside their use cases: audit, notices, outbox). A query name is a string that
is one of the named queries (``registry/graph/queries/*.cypher``), or an f-string that begins one
(``f"backup.count_{…}"``); an event type such as ``"admission.follow_on_admitted"`` is not.
"""

from __future__ import annotations

import ast
from pathlib import Path

from registry.graph.queries import all_queries

ROOT = Path(__file__).resolve().parents[2]
SCANNED = ("registry", "portal", "seed")
QUERY_NAMES = frozenset(all_queries())
#: the graph port's and a unit of work's methods
GRAPH_METHODS = frozenset({"read", "write", "run", "run_text"})
#: names a graph store or a unit of work goes by
GRAPH_NAMES = frozenset({"graph", "tx"})


def _allowed_module(rel: Path) -> bool:
    name = rel.name
    return (
        rel.parts[:2] == ("registry", "graph")
        or rel == Path("registry/context.py")
        or name in {"repository.py", "in_memory.py"}
        or name.endswith("_repository.py")
    )


def _base_name(base: ast.expr) -> str:
    if isinstance(base, ast.Name):
        return base.id
    if isinstance(base, ast.Attribute):
        return base.attr
    return ""


def _repository_lines(tree: ast.AST) -> set[int]:
    """The lines of classes derived from a repository (their queries are theirs to name)."""
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and any(
            _base_name(b).endswith("Repository") for b in node.bases
        ):
            lines.update(range(node.lineno, (node.end_lineno or node.lineno) + 1))
    return lines


def _receiver_is_graph(func: ast.Attribute) -> bool:
    value = func.value
    if isinstance(value, ast.Name):
        return value.id in GRAPH_NAMES
    if isinstance(value, ast.Attribute):
        return value.attr == "graph"
    return False


def _query_name(arg: ast.expr) -> str | None:
    """The query a literal names: the whole string, or an f-string's text before its first
    placeholder when it starts a query's name beyond the area (``backup.count_``)."""
    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
        return arg.value if arg.value in QUERY_NAMES else None
    if isinstance(arg, ast.JoinedStr) and arg.values:
        first = arg.values[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            head = first.value
            if not head.endswith(".") and any(q.startswith(head) for q in QUERY_NAMES):
                return head
    return None


def violations_in(source: str, rel: str) -> list[str]:
    """``file:line what`` for every graph call and query name in one module's source."""
    tree = ast.parse(source)
    allowed = _repository_lines(tree)
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or node.lineno in allowed:
            continue
        func = node.func
        if (
            isinstance(func, ast.Attribute)
            and func.attr in GRAPH_METHODS
            and _receiver_is_graph(func)
        ):
            found.append((node.lineno, f"calls {ast.unparse(func)}() on the graph"))
        for arg in node.args[:1]:
            name = _query_name(arg)
            if name is not None:
                found.append((node.lineno, f"names the query {name!r}"))
    return [f"{rel}:{line} {what}" for line, what in sorted(found)]


def test_only_the_graph_package_and_the_repositories_touch_the_graph() -> None:
    found: list[str] = []
    for top in SCANNED:
        for path in sorted((ROOT / top).rglob("*.py")):
            rel = path.relative_to(ROOT)
            if _allowed_module(rel):
                continue
            found += violations_in(path.read_text(encoding="utf-8"), str(rel))
    assert not found, "use reg.unit_of_work and a repository instead:\n" + "\n".join(found)


def test_the_scan_finds_a_transaction_and_a_query_name() -> None:
    source = (
        "def work(reg):\n"
        "    reg.graph.write(lambda tx: tx.run('admission.get_application', id='a'))\n"
        "    return reg.graph.read(f'backup.count_{1}')\n"
    )
    assert violations_in(source, "x.py") == [
        "x.py:2 calls reg.graph.write() on the graph",
        "x.py:2 calls tx.run() on the graph",
        "x.py:2 names the query 'admission.get_application'",
        "x.py:3 calls reg.graph.read() on the graph",
        "x.py:3 names the query 'backup.count_'",
    ]


def test_the_scan_allows_a_repository_class_and_the_unit_of_work() -> None:
    source = (
        "class NoticeRepository(Repository):\n"
        "    def get(self, i):\n"
        "        return self._one('notices.get', id=i)\n"
        "def use(reg):\n"
        "    reg.unit_of_work(lambda tx: reg.repo(NoticeRepository, tx).get('n'))\n"
        "    log = logging.getLogger('registry.backup')\n"
        "    ev('admission.follow_on_admitted', f'admission.{kind}')\n"
    )
    assert violations_in(source, "x.py") == []
