"""``registry init``: create or upgrade the schema and load the reference data (idempotent)."""

from __future__ import annotations

import time

from registry.context import Registry
from registry.graph.ports import Tx
from registry.reference_repository import ReferenceRepository


def initialise(reg: Registry) -> str:
    started = time.perf_counter()
    applied = reg.graph.apply_schema()  # the embedded engine checkpoints after migrations

    def work(tx: Tx) -> None:
        reg.repo(ReferenceRepository, tx).load(reg.reference)

    reg.unit_of_work(work)
    checkpoint = getattr(reg.graph, "checkpoint", None)
    if checkpoint is not None:
        # the reference load is one large unit of work; its pages stay pinned in the buffer
        # pool until a checkpoint writes them out
        checkpoint()
    counts = reg.repo(ReferenceRepository).counts()
    rebuilt = ""
    if applied and reg.search is not None:
        # the index is a projection of the graph: after an upgrade it is rebuilt from the
        # graph as it is now (documents of merged sites go, new fields are filled)
        from registry.directory.projection import reindex

        rebuilt = f" Suchindex neu aufgebaut: {reindex(reg)} Dokumente."
    seconds = time.perf_counter() - started
    schema = ", ".join(applied) if applied else "aktuell"
    return (
        f"Schema: {schema}. Referenzdaten: {counts['carriers']} Träger, "
        f"{counts['districts']} Kreise, {counts['postal_places']} PLZ-Orte, "
        f"{counts['target_groups']} Zielgruppen ({seconds:.1f} s).{rebuilt}"
    )
