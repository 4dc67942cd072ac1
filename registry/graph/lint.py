"""Neo4j checked without a server: every query and Neo4j schema statement linted by Neo4j's tools.

The graph model (labels, relationship types with the label pairs they join, property keys of
nodes and relationships) is declared strictly in the embedded engine's DDL
(``schema/embedded/*.cypher``); :func:`model_from_statements` replays it in migration order
(``CREATE NODE TABLE``, ``CREATE REL TABLE [GROUP]``, ``ALTER TABLE … ADD/DROP/RENAME``,
``DROP TABLE``). From that model:

1. every label, relationship type and property named by a Neo4j constraint or index
   (``schema/neo4j/*.cypher``) must exist on that label or type (:func:`check_neo4j_schema`);
2. every named query and every Neo4j schema statement is linted by
   ``tools/cypher-lint/lint.mjs`` (npm ``@neo4j-cypher/language-support`` by Neo4j, Apache-2.0)
   against a ``dbSchema`` made from the model (:func:`lint`).

A finding fails the check when it is an error (syntax, semantics, unknown function or
procedure), an unknown label, relationship type or property, a pattern the model cannot match
(a relationship type that joins no such labels), or a Neo4j schema statement naming something
the model lacks. Warnings (deprecations and the like) are listed and do not fail.

``python -m registry.graph.lint`` prints the summary and exits non-zero on any failing finding.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from registry.graph.queries import all_queries
from registry.graph.schema import migrations

ROOT = Path(__file__).resolve().parents[2]
LINTER_DIR = ROOT / "tools" / "cypher-lint"
LINTER_SCRIPT = LINTER_DIR / "lint.mjs"
LINTER_PACKAGE = LINTER_DIR / "node_modules" / "@neo4j-cypher" / "language-support"

FAILING_KINDS = frozenset(
    {
        "error",
        "unknown-label",
        "unknown-type",
        "unknown-label-or-type",
        "unknown-property",
        "unknown-function",
        "unknown-procedure",
        "impossible-path",
        "schema",
    }
)
"""Kinds of finding that fail the check; every other kind is a warning."""


class SchemaError(ValueError):
    """A DDL statement that cannot be read, or that the engine would reject on the model so far."""


class LinterMissing(RuntimeError):
    """Node or the npm package is not installed (``npm ci --prefix tools/cypher-lint``)."""


# --- the model, replayed from the embedded DDL -----------------------------------------------

_IDENT = r"(?:`[^`]+`|[A-Za-z_][A-Za-z0-9_]*)"
_CREATE_TABLE = re.compile(
    rf"^CREATE\s+(NODE|REL)\s+TABLE\s+(?:(GROUP)\s+)?(IF\s+NOT\s+EXISTS\s+)?({_IDENT})\s*\(",
    re.IGNORECASE,
)
_ALTER_TABLE = re.compile(rf"^ALTER\s+TABLE\s+({_IDENT})\s+(.*)$", re.IGNORECASE | re.DOTALL)
_DROP_TABLE = re.compile(rf"^DROP\s+TABLE\s+(IF\s+EXISTS\s+)?({_IDENT})\s*$", re.IGNORECASE)
_FROM_TO = re.compile(rf"^FROM\s+({_IDENT})\s+TO\s+({_IDENT})$", re.IGNORECASE)
_PRIMARY_KEY = re.compile(r"^PRIMARY\s+KEY\s*\(", re.IGNORECASE)
_MULTIPLICITY = re.compile(r"^(ONE|MANY)_(ONE|MANY)$", re.IGNORECASE)
_COLUMN = re.compile(rf"^({_IDENT})\s+(.+)$", re.DOTALL)
_COLUMN_TAIL = re.compile(r"\s+(DEFAULT|PRIMARY\s+KEY)\b.*$", re.IGNORECASE | re.DOTALL)
_ADD_PAIR = re.compile(
    rf"^ADD\s+(IF\s+NOT\s+EXISTS\s+)?FROM\s+({_IDENT})\s+TO\s+({_IDENT})$", re.IGNORECASE
)
_DROP_PAIR = re.compile(
    rf"^DROP\s+(IF\s+EXISTS\s+)?FROM\s+({_IDENT})\s+TO\s+({_IDENT})$", re.IGNORECASE
)
_ADD_COLUMN = re.compile(r"^ADD\s+(IF\s+NOT\s+EXISTS\s+)?(.+)$", re.IGNORECASE | re.DOTALL)
_DROP_COLUMN = re.compile(rf"^DROP\s+(IF\s+EXISTS\s+)?({_IDENT})$", re.IGNORECASE)
_RENAME_TABLE = re.compile(rf"^RENAME\s+TO\s+({_IDENT})$", re.IGNORECASE)
_RENAME_COLUMN = re.compile(rf"^RENAME\s+({_IDENT})\s+TO\s+({_IDENT})$", re.IGNORECASE)
_COMMENT = re.compile(r"^COMMENT\s+IS\s+", re.IGNORECASE)


def _name(ident: str) -> str:
    return ident[1:-1] if ident.startswith("`") else ident


@dataclass
class RelTable:
    pairs: list[tuple[str, str]] = field(default_factory=list)
    properties: dict[str, str] = field(default_factory=dict)


@dataclass
class GraphModel:
    """Node tables (label → property → type) and relationship tables of the embedded DDL."""

    nodes: dict[str, dict[str, str]] = field(default_factory=dict)
    rels: dict[str, RelTable] = field(default_factory=dict)

    def labels(self) -> list[str]:
        return sorted(self.nodes)

    def relationship_types(self) -> list[str]:
        return sorted(self.rels)

    def property_keys(self) -> list[str]:
        keys = {p for props in self.nodes.values() for p in props}
        keys.update(p for rel in self.rels.values() for p in rel.properties)
        return sorted(keys)

    def properties_of(self, table: str) -> dict[str, str]:
        if table in self.nodes:
            return self.nodes[table]
        return self.rels[table].properties

    def db_schema(self) -> dict[str, Any]:
        """The linter's ``DbSchema``: labels, types, property keys and which type joins what."""
        return {
            "labels": self.labels(),
            "relationshipTypes": self.relationship_types(),
            "propertyKeys": self.property_keys(),
            "graphSchema": [
                {"from": a, "to": b, "relType": name}
                for name in self.relationship_types()
                for a, b in self.rels[name].pairs
            ],
        }


def _split_top_level(body: str) -> list[str]:
    """Split at commas outside parentheses, brackets and quotes."""
    parts: list[str] = []
    depth = 0
    quote = ""
    start = 0
    for i, ch in enumerate(body):
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "'\"`":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(body[start:i].strip())
            start = i + 1
    parts.append(body[start:].strip())
    return [p for p in parts if p]


def _body(statement: str, open_paren: int) -> str:
    """The text inside the parenthesis opened at ``open_paren`` (which must close it)."""
    depth = 0
    quote = ""
    for i in range(open_paren, len(statement)):
        ch = statement[i]
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "'\"`":
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return statement[open_paren + 1 : i]
    raise SchemaError(f"unbalanced parentheses: {statement[:80]}")


def _column(item: str, statement: str) -> tuple[str, str]:
    match = _COLUMN.match(item.strip())
    if not match:
        raise SchemaError(f"cannot read column {item!r} in: {statement[:80]}")
    column_type = _COLUMN_TAIL.sub("", match.group(2)).strip()
    if not column_type or len(_split_top_level(column_type)) != 1:
        raise SchemaError(f"cannot read the type of column {item!r} in: {statement[:80]}")
    return _name(match.group(1)), column_type


def _create_table(
    model: GraphModel, match: re.Match[str], statement: str, union: bool = False
) -> None:
    kind, name, if_not_exists = match.group(1).upper(), _name(match.group(4)), match.group(3)
    exists = name in model.nodes or name in model.rels
    if exists and not union:
        if if_not_exists:
            return
        raise SchemaError(f"table {name} exists already: {statement[:80]}")
    properties: dict[str, str] = {}
    pairs: list[tuple[str, str]] = []
    for item in _split_top_level(_body(statement, match.end() - 1)):
        if _PRIMARY_KEY.match(item) or _MULTIPLICITY.match(item):
            continue
        pair = _FROM_TO.match(item)
        if pair:
            if kind != "REL":
                raise SchemaError(f"FROM … TO in a node table: {statement[:80]}")
            pairs.append((_name(pair.group(1)), _name(pair.group(2))))
            continue
        column, column_type = _column(item, statement)
        if column in properties:
            raise SchemaError(f"column {column} twice in table {name}")
        properties[column] = column_type
    if kind == "NODE":
        model.nodes[name] = {**model.nodes.get(name, {}), **properties}
        return
    if not pairs:
        raise SchemaError(f"relationship table {name} joins no tables: {statement[:80]}")
    for a, b in pairs:
        for end in (a, b):
            if end not in model.nodes:
                raise SchemaError(f"relationship table {name} names unknown node table {end}")
    if exists and name in model.rels:  # union: the table as it was and as it is re-created
        old = model.rels[name]
        pairs = old.pairs + [p for p in pairs if p not in old.pairs]
        properties = {**old.properties, **properties}
    model.rels[name] = RelTable(pairs=pairs, properties=properties)


def _alter_table(model: GraphModel, table: str, action: str, statement: str) -> None:
    if table not in model.nodes and table not in model.rels:
        raise SchemaError(f"ALTER TABLE on unknown table {table}: {statement[:80]}")
    properties = model.properties_of(table)
    if match := _ADD_PAIR.match(action):
        pair = (_name(match.group(2)), _name(match.group(3)))
        rel = model.rels.get(table)
        if rel is None:
            raise SchemaError(f"ADD FROM … TO on node table {table}")
        if pair in rel.pairs:
            if not match.group(1):
                raise SchemaError(f"{table} joins {pair[0]} to {pair[1]} already")
            return
        rel.pairs.append(pair)
    elif match := _DROP_PAIR.match(action):
        pair = (_name(match.group(2)), _name(match.group(3)))
        rel = model.rels.get(table)
        if rel is None or pair not in rel.pairs:
            if match.group(1) and rel is not None:
                return
            raise SchemaError(f"{table} does not join {pair[0]} to {pair[1]}")
        rel.pairs.remove(pair)
    elif match := _DROP_COLUMN.match(action):
        column = _name(match.group(2))
        if column not in properties:
            if match.group(1):
                return
            raise SchemaError(f"{table} has no property {column} to drop")
        del properties[column]
    elif match := _ADD_COLUMN.match(action):
        column, column_type = _column(match.group(2), statement)
        if column in properties:
            if match.group(1):
                return
            raise SchemaError(f"{table} has property {column} already")
        properties[column] = column_type
    elif match := _RENAME_TABLE.match(action):
        new = _name(match.group(1))
        if table in model.nodes:
            model.nodes[new] = model.nodes.pop(table)
            for rel in model.rels.values():
                rel.pairs = [
                    (new if a == table else a, new if b == table else b) for a, b in rel.pairs
                ]
        else:
            model.rels[new] = model.rels.pop(table)
    elif match := _RENAME_COLUMN.match(action):
        old, new = _name(match.group(1)), _name(match.group(2))
        if old not in properties or new in properties:
            raise SchemaError(f"cannot rename property {old} of {table} to {new}")
        renamed = {new if k == old else k: v for k, v in properties.items()}
        properties.clear()
        properties.update(renamed)
    elif not _COMMENT.match(action):
        raise SchemaError(f"cannot read ALTER TABLE statement: {statement[:80]}")


def _drop_table(model: GraphModel, table: str, if_exists: bool, statement: str) -> None:
    if table in model.nodes:
        users = [name for name, rel in model.rels.items() for pair in rel.pairs if table in pair]
        if users:
            raise SchemaError(f"node table {table} is still joined by {', '.join(users)}")
        del model.nodes[table]
    elif table in model.rels:
        del model.rels[table]
    elif not if_exists:
        raise SchemaError(f"DROP TABLE of unknown table {table}: {statement[:80]}")


def apply_ddl(model: GraphModel, statement: str, *, keep_dropped: bool = False) -> None:
    """Apply one statement to ``model``; statements that are not table DDL change nothing.

    With ``keep_dropped`` nothing is dropped or renamed and a table created again keeps what it
    had: the model *during* a migration, whose data statements still read what it drops later.
    """
    text = " ".join(statement.split())
    if match := _CREATE_TABLE.match(text):
        _create_table(model, match, text, union=keep_dropped)
    elif match := _ALTER_TABLE.match(text):
        action = match.group(2).strip()
        if keep_dropped and re.match(r"^(DROP|RENAME)\b", action, re.IGNORECASE):
            return
        _alter_table(model, _name(match.group(1)), action, text)
    elif keep_dropped and _DROP_TABLE.match(text):
        return
    elif match := _DROP_TABLE.match(text):
        _drop_table(model, _name(match.group(2)), bool(match.group(1)), text)
    elif re.match(r"^(CREATE\s+(NODE|REL)\b|ALTER\s+TABLE\b|DROP\s+TABLE\b)", text, re.I):
        raise SchemaError(f"cannot read DDL statement: {text[:80]}")


def model_from_statements(statements: Iterable[str]) -> GraphModel:
    model = GraphModel()
    for statement in statements:
        apply_ddl(model, statement)
    return model


def embedded_model() -> GraphModel:
    """The model after every embedded migration, in order."""
    return model_from_statements(s for m in migrations("embedded") for s in m.statements)


def model_during(version: int) -> GraphModel:
    """The model while migration ``version`` runs: all before it, plus what it adds (not drops)."""
    model = GraphModel()
    for migration in migrations("embedded"):
        if migration.version > version:
            break
        for statement in migration.statements:
            apply_ddl(model, statement, keep_dropped=migration.version == version)
    return model


# --- Neo4j constraints and indexes against the model ------------------------------------------

_SCHEMA_COMMAND = re.compile(
    r"^CREATE\s+(?:OR\s+REPLACE\s+)?(?:\w+\s+)?(CONSTRAINT|INDEX)\b", re.IGNORECASE
)
_FOR_NODE = re.compile(rf"\bFOR\s*\(\s*({_IDENT})\s*:\s*({_IDENT}(?:\s*\|\s*{_IDENT})*)\s*\)", re.I)
_FOR_REL = re.compile(
    rf"\bFOR\s*\(\s*\)\s*<?-\s*\[\s*({_IDENT})\s*:\s*({_IDENT}(?:\s*\|\s*{_IDENT})*)\s*\]\s*->?\s*\(\s*\)",
    re.IGNORECASE,
)
_FOR_UNLABELLED = re.compile(r"\bFOR\s*(\(\s*\w+\s*\)|\(\s*\)\s*<?-\s*\[\s*\w+\s*\])", re.I)


@dataclass(frozen=True)
class Finding:
    source: str
    kind: str
    message: str
    line: int = 0
    column: int = 0
    text: str = ""

    @property
    def failing(self) -> bool:
        return self.kind in FAILING_KINDS

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}:{self.column}" if self.line else self.source
        return f"{self.kind:<22} {where}  {self.message}"


def neo4j_statements() -> dict[str, str]:
    """Every statement of the Neo4j migrations, named ``schema.neo4j.<file>[<n>]`` (1-based)."""
    return {
        f"schema.neo4j.{m.version:03d}_{m.name}[{i}]": statement
        for m in migrations("neo4j")
        for i, statement in enumerate(m.statements, start=1)
        if not statement.startswith("//")  # a data step written in Python, not Cypher
    }


_SCHEMA_NAME = re.compile(
    rf"^(CREATE|DROP)\s+(?:OR\s+REPLACE\s+)?(?:\w+\s+)?(?:CONSTRAINT|INDEX)\s+({_IDENT})", re.I
)


def _version_of(source: str) -> int | None:
    match = re.match(r"^schema\.neo4j\.(\d{3})_", source)
    return int(match.group(1)) if match else None


def surviving_schema(statements: Mapping[str, str]) -> dict[str, str]:
    """The constraints and indexes still defined after all statements (by name, in order)."""
    alive: dict[str, str] = {}
    for source, statement in statements.items():
        match = _SCHEMA_NAME.match(" ".join(statement.split()))
        if not match or match.group(2).upper() in {"IF", "FOR"}:
            continue
        if match.group(1).upper() == "CREATE":
            alive[_name(match.group(2))] = source
        else:
            alive.pop(_name(match.group(2)), None)
    return {source: statements[source] for source in alive.values()}


def models_during(statements: Mapping[str, str]) -> dict[int, GraphModel]:
    """The model of each migration version that ``statements`` (named by version) come from."""
    versions = {v for source in statements if (v := _version_of(source)) is not None}
    return {version: model_during(version) for version in sorted(versions)}


def neo4j_schema_findings(
    model: GraphModel,
    statements: Mapping[str, str],
    during: Mapping[int, GraphModel] | None = None,
) -> list[Finding]:
    """Constraints and indexes against the model of their migration's time (``during``, by
    version; else ``model``); those still defined after the last migration against ``model``."""
    during = during or {}
    findings: list[Finding] = []
    for source, statement in statements.items():
        version = _version_of(source)
        at = during.get(version, model) if version is not None else model
        findings += check_neo4j_schema(at, {source: statement})
    for finding in check_neo4j_schema(model, surviving_schema(statements)):
        message = f"{finding.message} (still defined after the last migration)"
        findings.append(Finding(finding.source, finding.kind, message))
    return findings


def check_neo4j_schema(model: GraphModel, statements: Mapping[str, str]) -> list[Finding]:
    """Each label/type and property a constraint or index names must exist on it in the model."""
    findings: list[Finding] = []
    for source, statement in statements.items():
        text = " ".join(statement.split())
        if not _SCHEMA_COMMAND.match(text):
            continue
        node, rel = _FOR_NODE.search(text), _FOR_REL.search(text)
        target = node or rel
        if target is None:
            if not _FOR_UNLABELLED.search(text):  # e.g. a token lookup index names no label
                findings.append(Finding(source, "schema", f"cannot read the pattern: {text}"))
            continue
        variable = _name(target.group(1))
        tables = [_name(t.strip()) for t in target.group(2).split("|")]
        known = model.nodes if node else {n: r.properties for n, r in model.rels.items()}
        what = "label" if node else "relationship type"
        tail = text[target.end() :]
        properties = [
            _name(p) for p in re.findall(rf"\b{re.escape(variable)}\s*\.\s*({_IDENT})", tail)
        ]
        for table in tables:
            if table not in known:
                findings.append(Finding(source, "schema", f"{what} {table} is not in the model"))
                continue
            for prop in properties:
                if prop not in known[table]:
                    findings.append(
                        Finding(source, "schema", f"property {prop} is not on {what} {table}")
                    )
    return findings


# --- the linter -------------------------------------------------------------------------------


def linter_missing() -> str:
    """Why the Node linter cannot run here, or '' when it can."""
    if shutil.which("node") is None:
        return "node is not installed"
    if not (LINTER_PACKAGE / "package.json").is_file():
        return f"npm package missing: npm ci --prefix {LINTER_DIR.relative_to(ROOT)}"
    return ""


def run_linter(
    queries: Mapping[str, str],
    db_schema: Mapping[str, Any],
    *,
    dbschemas: Mapping[str, Any] | None = None,
    dbschema_of: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Raw output of ``lint.mjs`` for ``queries`` against ``db_schema``.

    ``dbschema_of`` maps a query name to a key of ``dbschemas`` to lint it against that instead.
    """
    reason = linter_missing()
    if reason:
        raise LinterMissing(reason)
    node = shutil.which("node") or "node"
    payload = json.dumps(
        {
            "dbSchema": dict(db_schema),
            "queries": dict(queries),
            "dbSchemas": dict(dbschemas or {}),
            "dbSchemaOf": dict(dbschema_of or {}),
        }
    )
    done = subprocess.run(  # noqa: S603 - fixed script, input on stdin
        [node, str(LINTER_SCRIPT)],
        input=payload,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"cypher-lint failed ({done.returncode}): {done.stderr.strip()}")
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def _kind(diagnostic: Mapping[str, Any]) -> str:
    kind = str(diagnostic["kind"])
    if diagnostic["severity"] == "error" and kind not in FAILING_KINDS:
        return "error"
    return kind


def _short(message: str) -> str:
    return message.split(" Make sure you didn't misspell it", 1)[0]


def findings_of(queries: Mapping[str, str], raw: Mapping[str, Any]) -> list[Finding]:
    findings: list[Finding] = []
    for source, result in raw["results"].items():
        text = queries[source]
        for d in result["diagnostics"]:
            start, end = d["offsets"]["start"], d["offsets"]["end"]
            findings.append(
                Finding(
                    source,
                    _kind(d),
                    _short(d["message"]),
                    d["line"],
                    d["column"],
                    text[start:end][:60],
                )
            )
    return findings


@dataclass
class LintReport:
    package: str
    model: GraphModel
    queries: int
    schema_statements: int
    findings: list[Finding]
    ignored: Counter[str] = field(default_factory=Counter)

    @property
    def failures(self) -> list[Finding]:
        return [f for f in self.findings if f.failing]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if not f.failing]

    def counts(self) -> Counter[str]:
        return Counter(f.kind for f in self.findings)

    def summary(self) -> str:
        counts = self.counts()
        errors = sum(counts[k] for k in ("error", "unknown-function", "unknown-procedure"))
        lines = [
            f"cypher-lint (@neo4j-cypher/language-support {self.package}, CYPHER 5): "
            f"{self.queries} named queries and {self.schema_statements} Neo4j schema "
            "statements linted",
            f"model (embedded DDL): {len(self.model.nodes)} labels, {len(self.model.rels)} "
            f"relationship types, {len(self.model.property_keys())} property keys",
            f"errors: {errors}",
            f"unknown labels: {counts['unknown-label']}, relationship types: "
            f"{counts['unknown-type'] + counts['unknown-label-or-type']}, properties: "
            f"{counts['unknown-property']}",
            f"impossible paths: {counts['impossible-path']}",
            f"Neo4j schema vs model: {counts['schema']}",
            f"warnings: {len(self.warnings)}",
            "not problems, dropped: "
            + (", ".join(f"{n} {k}" for k, n in sorted(self.ignored.items())) or "none"),
        ]
        for title, items in (("failures", self.failures), ("warnings", self.warnings)):
            if items:
                lines.append(f"--- {title}")
                lines.extend(
                    f"{f}" + (f"  [{f.text}]" if f.text and f.text not in f.message else "")
                    for f in items
                )
        lines.append("OK" if not self.failures else f"FAILED: {len(self.failures)} problems")
        return "\n".join(lines)


def lint(
    model: GraphModel | None = None,
    queries: Mapping[str, str] | None = None,
    schema_statements: Mapping[str, str] | None = None,
) -> LintReport:
    """Lint ``queries`` (default: every named query) and the Neo4j schema against ``model``.

    A Neo4j migration of the schema files runs against the model of its time (its data
    statements read what it drops later); what it leaves behind must fit the final ``model``.
    """
    real_schema = schema_statements is None  # the migration files: lint each against its time
    model = model if model is not None else embedded_model()
    queries = dict(queries if queries is not None else all_queries())
    statements = dict(schema_statements if schema_statements is not None else neo4j_statements())
    texts = {**queries, **statements}
    during = models_during(statements) if real_schema else {}
    findings = neo4j_schema_findings(model, statements, during)
    raw = run_linter(
        texts,
        model.db_schema(),
        dbschemas={str(v): m.db_schema() for v, m in during.items()},
        dbschema_of={s: str(v) for s in statements if (v := _version_of(s)) in during},
    )
    findings += findings_of(texts, raw)
    findings = list(dict.fromkeys(findings))
    ignored: Counter[str] = Counter()
    for result in raw["results"].values():
        ignored.update(result.get("ignored", {}))
    return LintReport(raw["package"], model, len(queries), len(statements), findings, ignored)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m registry.graph.lint",
        description="Lint every named query and Neo4j schema statement with Neo4j's tooling.",
    )
    parser.add_argument("--json", action="store_true", help="print the findings as JSON")
    parser.add_argument("--schema", action="store_true", help="print the generated dbSchema")
    args = parser.parse_args(argv)
    try:
        model = embedded_model()
    except SchemaError as exc:
        print(f"embedded DDL unreadable: {exc}", file=sys.stderr)
        return 2
    if args.schema:
        print(json.dumps(model.db_schema(), indent=2))
        return 0
    try:
        report = lint(model)
    except LinterMissing as exc:
        print(f"cypher-lint cannot run: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps([f.__dict__ for f in report.findings], indent=2, ensure_ascii=False))
    else:
        print(report.summary())
    return 1 if report.failures else 0


if __name__ == "__main__":
    sys.exit(main())
