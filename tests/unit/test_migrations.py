"""The migration runner (registry/graph/schema): statements, Python steps, resuming."""

from __future__ import annotations

import re
from typing import Any

import pytest

from registry.graph import schema
from registry.graph.schema import STEP_PREFIX, Migration, apply_migrations, parse_migration


def test_a_migration_file_splits_into_statements_and_steps() -> None:
    text = """// comment
CREATE NODE TABLE A(id STRING,
  PRIMARY KEY(id));
MATCH (a:A) SET a.x = 1;
//! step: merge_duplicate_sites
DROP TABLE IF EXISTS B;
"""
    assert parse_migration(text) == (
        "CREATE NODE TABLE A(id STRING,\n  PRIMARY KEY(id))",
        "MATCH (a:A) SET a.x = 1",
        STEP_PREFIX + "merge_duplicate_sites",
        "DROP TABLE IF EXISTS B",
    )


def test_every_committed_migration_parses_and_names_known_steps() -> None:
    from registry.graph.schema.steps import STEPS

    for engine in ("embedded", "neo4j"):
        found = schema.migrations(engine)
        assert [m.version for m in found] == list(range(1, len(found) + 1))
        for m in found:
            for statement in m.statements:
                if statement.startswith(STEP_PREFIX):
                    assert statement[len(STEP_PREFIX) :] in STEPS
    assert schema.latest_version("embedded") == schema.latest_version("neo4j")


class _FakeGraph:
    """Statements are recorded; Meta lives in a dict; one statement can be made to fail."""

    def __init__(self, fail_on: str = "") -> None:
        self.meta: dict[str, str] = {}
        self.ran: list[str] = []
        self.fail_on = fail_on

    def execute(self, text: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        if text.startswith("MATCH (m:Meta"):
            value = self.meta.get(text.split("'")[1])
            return [{"v": value}] if value is not None else []
        if text.startswith("MERGE (m:Meta"):
            self.meta[params["k"]] = params["v"]
            return []
        if self.fail_on and text == self.fail_on:
            self.fail_on = ""
            raise RuntimeError("killed")
        self.ran.append(text)
        return []

    def write(self, work: Any) -> Any:
        self.ran.append("step")
        return None


def test_an_interrupted_upgrade_resumes_at_the_statement_it_reached(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    plan = [
        Migration(1, "init", ("S1", "S2")),
        Migration(2, "model", ("T1", STEP_PREFIX + "merge_duplicate_sites", "T2", "T3")),
    ]
    monkeypatch.setattr(schema, "migrations", lambda engine: plan)
    graph = _FakeGraph(fail_on="T2")
    with pytest.raises(RuntimeError):
        apply_migrations("embedded", execute=graph.execute, write=graph.write)
    assert graph.ran == ["S1", "S2", "T1", "step"]
    assert graph.meta == {"schema_version": "1", "schema_step": "2:2"}
    applied = apply_migrations("embedded", execute=graph.execute, write=graph.write)
    assert applied == ["002_model"]
    assert graph.ran == ["S1", "S2", "T1", "step", "T2", "T3"]  # nothing ran twice
    assert graph.meta == {"schema_version": "2", "schema_step": ""}
    assert apply_migrations("embedded", execute=graph.execute, write=graph.write) == []


def test_until_stops_at_a_version() -> None:
    graph = _FakeGraph()
    applied = apply_migrations("embedded", execute=graph.execute, write=graph.write, until=5)
    assert applied[-1] == "005_links" and graph.meta["schema_version"] == "5"
    assert not any(re.search(r"\bOPERATES\b", s) for s in graph.ran)
