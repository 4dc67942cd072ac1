"""The reference data in the graph (``reference.cypher``): the only code naming those queries.

:mod:`registry.reference` loads the reference data from files into memory (what every rule
reads); this repository writes that data into the graph, where relationships need the nodes
(``RESPONSIBLE_FOR``, ``IN_STATE``, ``LOCATED_IN``), and reads back what only the graph holds
(a carrier's stored profile) and the counts ``registry init`` reports.
"""

from __future__ import annotations

import json
from typing import Any, TypedDict, cast

from registry.graph.repository import Repository
from registry.reference import Reference

BATCH = 2000


class CarrierRow(TypedDict):
    id: str
    name: str
    kind: str
    region: str
    profile_json: str  # the carrier's profile (Q0, contacts) as JSON; '{}' until set


class TargetGroupRow(TypedDict):
    code: str
    label: str
    description: str


class CriteriaSeverityRow(TypedDict):
    rule: str
    severity: str  # "blocking" or "advisory"
    changed_at: str


class ReferenceCounts(TypedDict):
    carriers: int
    districts: int
    postal_places: int
    target_groups: int


def _batches(rows: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    return [rows[i : i + BATCH] for i in range(0, len(rows), BATCH)]


class ReferenceRepository(Repository):
    def load(self, ref: Reference) -> None:
        """Upsert every carrier, state, district, postal place and target group of ``ref``;
        draw each district's state and responsible carrier (A2) and each postal place's district,
        removing edges the reference data no longer has. Idempotent; one unit of work."""
        carriers = [
            {"id": c.id, "name": c.name, "kind": c.kind, "region": c.region} for c in ref.carriers
        ]
        districts = [
            {
                "key": d.key,
                "name": d.name,
                "regbez": d.regbez,
                "population": int(d.population),
                "lat": float(d.lat),
                "lon": float(d.lon),
            }
            for d in ref.districts
        ]
        places = [
            {
                "id": f"{p.postal_code}|{p.place}|{p.district_key}",
                "postal_code": p.postal_code,
                "place": p.place,
                "district_key": p.district_key,
                "lat": float(p.lat),
                "lon": float(p.lon),
            }
            for p in ref.postal_places
        ]
        links = [
            {"key": d.key, "state_code": d.state_code, "carrier": d.carrier} for d in ref.districts
        ]
        self._rows("reference.upsert_carriers", rows=carriers)
        self._rows(
            "reference.upsert_states", rows=[{"code": s.code, "name": s.name} for s in ref.states()]
        )
        for batch in _batches(districts):
            self._rows("reference.upsert_districts", rows=batch)
        self._rows("reference.unlink_stale_states", rows=links)
        self._rows("reference.link_states", rows=links)
        self._rows("reference.unlink_stale_responsibility", rows=links)
        self._rows("reference.link_responsibility", rows=links)
        for batch in _batches(places):
            self._rows("reference.upsert_postal_places", rows=batch)
            self._rows(
                "reference.link_postal_places",
                rows=[{"id": p["id"], "district_key": p["district_key"]} for p in batch],
            )
        self._rows(
            "reference.upsert_target_groups",
            rows=[
                {"code": t.code, "label": t.label, "description": t.description}
                for t in ref.target_groups
            ],
        )

    def counts(self) -> ReferenceCounts:
        row = self._one("reference.counts")
        if row is None:  # an empty label makes the chained MATCH return no row
            return {"carriers": 0, "districts": 0, "postal_places": 0, "target_groups": 0}
        return cast(ReferenceCounts, row)

    def carrier(self, carrier_id: str) -> CarrierRow | None:
        return cast(CarrierRow | None, self._one("reference.get_carrier", id=carrier_id))

    def carrier_profile(self, carrier_id: str) -> dict[str, Any] | None:
        """A carrier's stored profile (contacts, criteria settings); ``{}`` if never set,
        None for an unknown carrier."""
        row = self.carrier(carrier_id)
        if row is None:
            return None
        profile: dict[str, Any] = json.loads(row["profile_json"] or "{}")
        return profile

    # --- Q0: the national criteria setting

    def criteria_severities(self) -> list[CriteriaSeverityRow]:
        """Q0: the severities the national admin set, one row per rule (others: defaults)."""
        return cast(list[CriteriaSeverityRow], self._rows("reference.criteria_severities"))

    def set_criteria_severities(self, severities: dict[str, str], changed_at: str) -> None:
        """Q0: store the national severity of each rule given."""
        rows = [{"rule": rule, "severity": sev} for rule, sev in sorted(severities.items())]
        self._rows("reference.set_criteria_severities", rows=rows, changed_at=changed_at)


class InMemoryReferenceRepository(ReferenceRepository):
    """The reference data as dicts. ``profiles`` holds stored profiles by carrier (written by
    the carrier profile use case, which a test may set directly)."""

    def __init__(self) -> None:
        self.carrier_rows: dict[str, CarrierRow] = {}
        self.states: dict[str, str] = {}
        self.districts: dict[str, dict[str, str]] = {}  # key -> name, state, carrier
        self.postal_places: dict[str, str] = {}  # id -> district key
        self.groups: dict[str, TargetGroupRow] = {}
        self.profiles: dict[str, dict[str, Any]] = {}
        self.criteria: dict[str, CriteriaSeverityRow] = {}

    @classmethod
    def of(cls, ref: Reference) -> InMemoryReferenceRepository:
        """A fake holding ``ref`` as ``registry init`` leaves the graph."""
        fake = cls()
        fake.load(ref)
        return fake

    def load(self, ref: Reference) -> None:
        for c in ref.carriers:
            self.carrier_rows[c.id] = {
                "id": c.id,
                "name": c.name,
                "kind": c.kind,
                "region": c.region,
                "profile_json": "{}",
            }
        self.states.update({s.code: s.name for s in ref.states()})
        for d in ref.districts:
            self.districts[d.key] = {"name": d.name, "state": d.state_code, "carrier": d.carrier}
        for p in ref.postal_places:
            self.postal_places[f"{p.postal_code}|{p.place}|{p.district_key}"] = p.district_key
        for t in ref.target_groups:
            self.groups[t.code] = {"code": t.code, "label": t.label, "description": t.description}

    def counts(self) -> ReferenceCounts:
        return {
            "carriers": len(self.carrier_rows),
            "districts": len(self.districts),
            "postal_places": len(self.postal_places),
            "target_groups": len(self.groups),
        }

    def carrier(self, carrier_id: str) -> CarrierRow | None:
        row = self.carrier_rows.get(carrier_id)
        return None if row is None else self._with_profile(row)

    def _with_profile(self, row: CarrierRow) -> CarrierRow:
        profile = self.profiles.get(row["id"])
        text = row["profile_json"] if profile is None else json.dumps(profile, sort_keys=True)
        return {**row, "profile_json": text}

    def criteria_severities(self) -> list[CriteriaSeverityRow]:
        return [self.criteria[rule] for rule in sorted(self.criteria)]

    def set_criteria_severities(self, severities: dict[str, str], changed_at: str) -> None:
        for rule, severity in severities.items():
            self.criteria[rule] = {"rule": rule, "severity": severity, "changed_at": changed_at}
