"""Versioned schema migrations, one folder per engine.

``<engine>/NNN_<name>.cypher`` holds statements separated by lines that end in ``;``. A line
``//! step: <name>`` is a data step written in Python (``registry.graph.schema.steps``), run as
one unit of work at that point of the migration. The applied version is kept in the graph
(``Meta {key: 'schema_version'}``) and, while a migration runs, the statement it reached
(``Meta {key: 'schema_step'}``), so ``registry init`` creates or upgrades, resumes an upgrade that
was interrupted, and a second run changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_FOLDER = Path(__file__).resolve().parent
_FILE = re.compile(r"^(\d{3})_([a-z0-9_]+)\.cypher$")
_STEP = re.compile(r"^//!\s*step:\s*([a-z0-9_]+)\s*$")
STEP_PREFIX = "//! step: "


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    statements: tuple[str, ...]  # Cypher statements, or ``STEP_PREFIX + name`` for a data step


def parse_migration(text: str) -> tuple[str, ...]:
    """Split a migration file into statements; ``//! step:`` lines become step markers."""
    statements: list[str] = []
    current: list[str] = []
    for line in text.splitlines():
        if step := _STEP.match(line.strip()):
            if "".join(current).strip():
                raise ValueError(f"step {step.group(1)} inside an unfinished statement")
            statements.append(STEP_PREFIX + step.group(1))
            continue
        if line.lstrip().startswith("//"):
            continue
        current.append(line)
        if line.rstrip().endswith(";"):
            statement = "\n".join(current).strip().rstrip(";").strip()
            if statement:
                statements.append(statement)
            current = []
    if "".join(current).strip():
        statements.append("\n".join(current).strip())
    return tuple(statements)


def migrations(engine: str) -> list[Migration]:
    found: list[Migration] = []
    for path in sorted((_FOLDER / engine).glob("*.cypher")):
        match = _FILE.match(path.name)
        if not match:
            continue
        statements = parse_migration(path.read_text(encoding="utf-8"))
        found.append(Migration(int(match.group(1)), match.group(2), statements))
    return found


def latest_version(engine: str) -> int:
    return max((m.version for m in migrations(engine)), default=0)


def apply_migrations(
    engine: str,
    *,
    execute: Callable[[str, dict[str, Any]], list[dict[str, Any]]],
    write: Callable[[Callable[[Any], Any]], Any],
    until: int | None = None,
) -> list[str]:
    """Apply every migration newer than the graph's version (up to ``until``), resuming.

    ``execute`` runs one statement in its own transaction (DDL cannot share one on ladybug);
    ``write`` runs a data step as one unit of work. Both backends call this one runner.
    """
    from registry.graph.schema.steps import STEPS

    # Literal texts, no parameters: ladybug's Python driver prepares a parameterised query once
    # per connection, and a statement prepared before the Meta table existed keeps failing.
    reads = {
        "schema_version": "MATCH (m:Meta {key: 'schema_version'}) RETURN m.value AS v",
        "schema_step": "MATCH (m:Meta {key: 'schema_step'}) RETURN m.value AS v",
    }

    def meta(key: str) -> str:
        try:
            rows = execute(reads[key], {})
        except Exception:  # noqa: BLE001 - no Meta table yet: a new graph
            return ""
        return str(rows[0]["v"]) if rows and rows[0]["v"] is not None else ""

    def set_meta(key: str, value: str) -> None:
        execute("MERGE (m:Meta {key: $k}) SET m.value = $v", {"k": key, "v": value})

    applied: list[str] = []
    current = int(meta("schema_version") or 0)
    for migration in migrations(engine):
        if migration.version <= current or (until is not None and migration.version > until):
            continue
        reached = meta("schema_step")
        start = 0
        if reached.startswith(f"{migration.version}:"):
            start = int(reached.split(":", 1)[1])
        for index, statement in enumerate(migration.statements):
            if index < start:
                continue
            if statement.startswith(STEP_PREFIX):
                step = STEPS[statement[len(STEP_PREFIX) :]]
                write(step)
            else:
                execute(statement, {})
            set_meta("schema_step", f"{migration.version}:{index + 1}")
        set_meta("schema_version", str(migration.version))
        set_meta("schema_step", "")
        current = migration.version
        applied.append(f"{migration.version:03d}_{migration.name}")
    return applied
