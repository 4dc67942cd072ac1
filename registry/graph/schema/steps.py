"""Data steps of schema migrations, written in Python where Cypher alone cannot say it.

A step takes the unit of work of the migration (``tx.run`` of named queries in
``queries/migration.cypher``) and must be idempotent: an interrupted upgrade runs it again.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from itertools import groupby
from typing import Any

from registry.admission.site_identity import address_key
from registry.audit import record_event
from registry.directory.projection import enqueue


def merge_duplicate_sites(tx: Any) -> dict[str, int]:
    """Rule A9: a site is one place of one provider and exists once.

    Sites of one provider with the same normalised address are merged into the oldest one: its
    admissions, the applications naming it and the tasks concerning it move over, the newest
    data confirmation is kept, the duplicate is deleted and leaves the search index, and the
    provider's audit trail records the merge.
    """
    rows = tx.run("migration.provider_sites")
    merged = moved_admissions = 0
    for provider, sites in groupby(rows, key=lambda r: r["provider"]):
        by_address: dict[str, list[dict[str, Any]]] = {}
        for site in sites:
            key = address_key(site["street"] or "", site["postal_code"] or "", site["place"] or "")
            by_address.setdefault(key, []).append(site)
        for group in by_address.values():
            survivor, duplicates = group[0], group[1:]
            for duplicate in duplicates:
                ids = {"survivor": survivor["id"], "duplicate": duplicate["id"]}
                moved_admissions += tx.run("migration.move_admissions", **ids)[0]["moved"]
                tx.run("migration.move_application_names", **ids)
                tx.run("migration.move_follow_on_tasks", **ids)
                tx.run("migration.move_tasks", **ids)
                confirmed = max(
                    (s["confirmed_on"] or "" for s in (survivor, duplicate)), default=""
                )
                tx.run(
                    "migration.keep_newest_confirmation",
                    survivor=survivor["id"],
                    confirmed_on=confirmed,
                )
                tx.run("migration.delete_site", duplicate=duplicate["id"])
                record_event(
                    tx,
                    actor=None,
                    subject_type="provider",
                    subject_id=provider,
                    action="site_merged",
                    reason="Regel A9: ein Standort existiert einmal (gleiche Anschrift)",
                    data=ids,
                )
                enqueue(tx, "site", [survivor["id"], duplicate["id"]])
                merged += 1
    return {"merged_sites": merged, "moved_admissions": moved_admissions}


def drop_carrier_criteria(tx: Any) -> dict[str, int]:
    """Rule Q0 (migration 009): the criteria are one national setting, the same for every
    carrier. A carrier profile keeps its contacts; any per-carrier criteria setting it held is
    removed, and the carrier's audit trail records what was dropped."""
    dropped = 0
    for row in tx.run("migration.carrier_profiles"):
        profile = json.loads(row["profile_json"] or "{}")
        if "criteria" not in profile:
            continue
        settings = profile.pop("criteria") or {}
        tx.run(
            "migration.set_carrier_profile_json",
            id=row["id"],
            profile_json=json.dumps(profile, ensure_ascii=False, sort_keys=True),
        )
        if settings:
            record_event(
                tx,
                actor=None,
                subject_type="carrier",
                subject_id=row["id"],
                action="carrier.criteria_dropped",
                carrier=row["id"],
                reason="Regel Q0: die Kriterien gelten bundesweit einheitlich; eigene "
                "Schweregrade eines Trägers entfallen",
                data={"criteria": settings},
            )
            dropped += 1
    return {"dropped_carrier_criteria": dropped}


STEPS: dict[str, Callable[[Any], Any]] = {
    "merge_duplicate_sites": merge_duplicate_sites,
    "drop_carrier_criteria": drop_carrier_criteria,
}
