"""Neo4j checked without a server: every query and Neo4j schema statement linted by Neo4j's tools.

The graph model (labels, relationship types with the label pairs they join, property keys of
nodes and relationships) is declared strictly in the embedded engine's DDL
(``schema/embedded/*.cypher``) and read by its one reader, :mod:`registry.graph.schema.model`
(:func:`~registry.graph.schema.model.ddl_schema`). From that model:

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
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from registry.graph.queries import all_queries
from registry.graph.schema import migrations
from registry.graph.schema.model import Schema, SchemaError, ddl_schema

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


class LinterMissing(RuntimeError):
    """Node or the npm package is not installed (``npm ci --prefix tools/cypher-lint``)."""


# --- the model, as the linter's dbSchema -----------------------------------------------------

_IDENT = r"(?:`[^`]+`|[A-Za-z_][A-Za-z0-9_]*)"  # a Neo4j name, maybe quoted


def _name(ident: str) -> str:
    return ident[1:-1] if ident.startswith("`") else ident


def db_schema(model: Schema) -> dict[str, Any]:
    """The linter's ``DbSchema``: labels, types, property keys and which type joins what."""
    types = model.rel_labels
    return {
        "labels": model.labels,
        "relationshipTypes": list(types),
        "propertyKeys": model.property_keys,
        "graphSchema": [
            {"from": r.source, "to": r.target, "relType": name}
            for name, pairs in types.items()
            for r in pairs
        ],
    }


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


def models_during(statements: Mapping[str, str]) -> dict[int, Schema]:
    """The model while each migration that ``statements`` (named by version) come from runs."""
    versions = {v for source in statements if (v := _version_of(source)) is not None}
    return {version: ddl_schema(version, during=True) for version in sorted(versions)}


def neo4j_schema_findings(
    model: Schema,
    statements: Mapping[str, str],
    during: Mapping[int, Schema] | None = None,
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


def check_neo4j_schema(model: Schema, statements: Mapping[str, str]) -> list[Finding]:
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
        known = (
            {t.label: t.types for t in model.nodes}
            if node
            else {name: pairs[0].types for name, pairs in model.rel_labels.items()}
        )
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
    model: Schema
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
            f"model (embedded DDL): {len(self.model.nodes)} labels, {len(self.model.rel_labels)} "
            f"relationship types, {len(self.model.property_keys)} property keys",
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
    model: Schema | None = None,
    queries: Mapping[str, str] | None = None,
    schema_statements: Mapping[str, str] | None = None,
) -> LintReport:
    """Lint ``queries`` (default: every named query) and the Neo4j schema against ``model``.

    A Neo4j migration of the schema files runs against the model of its time (its data
    statements read what it drops later); what it leaves behind must fit the final ``model``.
    """
    real_schema = schema_statements is None  # the migration files: lint each against its time
    model = model if model is not None else ddl_schema()
    queries = dict(queries if queries is not None else all_queries())
    statements = dict(schema_statements if schema_statements is not None else neo4j_statements())
    texts = {**queries, **statements}
    during = models_during(statements) if real_schema else {}
    findings = neo4j_schema_findings(model, statements, during)
    raw = run_linter(
        texts,
        db_schema(model),
        dbschemas={str(v): db_schema(m) for v, m in during.items()},
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
        model = ddl_schema()
    except SchemaError as exc:
        print(f"embedded DDL unreadable: {exc}", file=sys.stderr)
        return 2
    if args.schema:
        print(json.dumps(db_schema(model), indent=2))
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
