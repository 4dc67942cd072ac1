"""``registry init``: create or upgrade the schema and load the reference data (idempotent)."""

from __future__ import annotations

import time

from registry.context import Registry
from registry.graph.ports import Tx

BATCH = 2000


def _batches(rows: list[dict[str, object]]) -> list[list[dict[str, object]]]:
    return [rows[i : i + BATCH] for i in range(0, len(rows), BATCH)]


def initialise(reg: Registry) -> str:
    started = time.perf_counter()
    applied = reg.graph.apply_schema()  # the embedded engine checkpoints after migrations
    ref = reg.reference
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
    states = [{"code": s.code, "name": s.name} for s in ref.states()]
    district_links = [
        {"key": d.key, "state_code": d.state_code, "carrier": d.carrier} for d in ref.districts
    ]
    groups = [
        {"code": t.code, "label": t.label, "description": t.description} for t in ref.target_groups
    ]

    def work(tx: Tx) -> None:
        tx.run("reference.upsert_carriers", rows=carriers)
        tx.run("reference.upsert_states", rows=states)
        for batch in _batches(districts):
            tx.run("reference.upsert_districts", rows=batch)
        tx.run("reference.unlink_stale_states", rows=district_links)
        tx.run("reference.link_states", rows=district_links)
        tx.run("reference.unlink_stale_responsibility", rows=district_links)
        tx.run("reference.link_responsibility", rows=district_links)
        for batch in _batches(places):
            tx.run("reference.upsert_postal_places", rows=batch)
            tx.run(
                "reference.link_postal_places",
                rows=[{"id": p["id"], "district_key": p["district_key"]} for p in batch],
            )
        tx.run("reference.upsert_target_groups", rows=groups)

    reg.graph.write(work)
    checkpoint = getattr(reg.graph, "checkpoint", None)
    if checkpoint is not None:
        # the reference load is one large unit of work; its pages stay pinned in the buffer
        # pool until a checkpoint writes them out
        checkpoint()
    counts = reg.graph.read("reference.counts")[0]
    seconds = time.perf_counter() - started
    schema = ", ".join(applied) if applied else "aktuell"
    return (
        f"Schema: {schema}. Referenzdaten: {counts['carriers']} Träger, "
        f"{counts['districts']} Kreise, {counts['postal_places']} PLZ-Orte, "
        f"{counts['target_groups']} Zielgruppen ({seconds:.1f} s)."
    )
