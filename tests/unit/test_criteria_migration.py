"""Rule Q0, migration 009: per-carrier criteria settings are dropped and the audit trail says so."""

from __future__ import annotations

import json
from typing import Any

from registry.graph.schema import migrations
from registry.graph.schema.steps import STEPS, drop_carrier_criteria


class _Tx:
    def __init__(self, profiles: dict[str, dict[str, Any]]) -> None:
        self.profiles = {k: json.dumps(v) for k, v in profiles.items()}
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def run(self, name: str, **params: Any) -> list[dict[str, Any]]:
        self.calls.append((name, params))
        if name == "migration.carrier_profiles":
            return [{"id": k, "profile_json": v} for k, v in sorted(self.profiles.items())]
        if name == "migration.set_carrier_profile_json":
            self.profiles[params["id"]] = params["profile_json"]
        return []


def test_migration_drops_carrier_criteria_and_notes_it_in_the_audit_trail() -> None:
    # rule Q0: the carrier profile keeps its contacts only
    contacts = [{"name": "Frau Nord", "phone": "1", "email": "a@b.example"}]
    tx = _Tx(
        {
            "drv-nord": {"contacts": contacts, "criteria": {"Q5": "advisory"}},
            "drv-hessen": {"contacts": [], "criteria": {}},
            "drv-bund": {},
        }
    )
    assert drop_carrier_criteria(tx) == {"dropped_carrier_criteria": 1}
    assert json.loads(tx.profiles["drv-nord"]) == {"contacts": contacts}
    assert json.loads(tx.profiles["drv-hessen"]) == {"contacts": []}
    assert json.loads(tx.profiles["drv-bund"]) == {}
    events = [p for name, p in tx.calls if name.startswith("audit.")]
    assert len(events) == 1
    (event,) = events
    assert event["subject_id"] == "drv-nord" and event["action"] == "carrier.criteria_dropped"
    assert json.loads(event["data"]) == {"criteria": {"Q5": "advisory"}}
    assert "Q0" in event["reason"]
    # idempotent: a second run finds nothing to drop
    assert drop_carrier_criteria(tx) == {"dropped_carrier_criteria": 0}


def test_migration_009_runs_the_step_on_both_engines() -> None:
    # rule Q0
    for engine in ("embedded", "neo4j"):
        (m,) = [m for m in migrations(engine) if m.version == 9]
        assert m.name == "national_criteria"
        assert "//! step: drop_carrier_criteria" in m.statements
    assert "drop_carrier_criteria" in STEPS
