"""Upgrading data of the previous release to the graph model of issue 12.

The fixture `tests/fixtures/v1_demo_export.jsonl.gz` is `registry export` of the demo data
(`registry seed demo --providers 20 --seed 7`) written by the release before the graph model
(commit 7b2e72d, schema version 5, backup format 1). Old releases created a new site for every
application, so the fixture gets one such duplicate added, exactly as the old services wrote it:
a second application of one provider naming the same address, admitted for another group.

`registry import` reads the old format by restoring it into a scratch graph of schema version 5
and running the migrations `registry init` runs on an old data directory; so this test covers
both upgrade paths' migration code.
"""

from __future__ import annotations

import gzip
import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient

from registry.backup import export_graph
from registry.backup_restore import import_graph
from registry.check import run_check
from registry.context import Registry, open_registry
from registry.settings import Settings
from tests.api.conftest import PASSWORD, Api

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "v1_demo_export.jsonl.gz"
SEARCH = "/api/v1/directory/search"


def _old_records() -> list[dict[str, Any]]:
    with gzip.open(FIXTURE, "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _nodes(records: list[dict[str, Any]], label: str) -> list[dict[str, Any]]:
    return [r["props"] for r in records if r["type"] == "node" and r["label"] == label]


def _add_old_duplicate(records: list[dict[str, Any]]) -> dict[str, str]:
    """A second application of an admitted provider for the same address, as the old release
    stored it: a new Site node (HAS_SITE, IN_DISTRICT), an Application with site_ids and an
    admitted Admission with its site_id (HAS_ADMISSION)."""
    admissions = _nodes(records, "Admission")
    admitted = [m for m in admissions if m["status"] == "admitted"]
    groups_of: dict[str, set[str]] = {}
    for m in admissions:
        groups_of.setdefault(m["site_id"], set()).add(m["target_group"])
    first = next(m for m in admitted if "outreach" not in groups_of[m["site_id"]])
    site = next(s for s in _nodes(records, "Site") if s["id"] == first["site_id"])
    old_app = next(a for a in _nodes(records, "Application") if a["id"] == first["application_id"])
    dup_id, app_id = "site-0000000000dup001", "app-0000000000dup001"
    records.append(
        {
            "type": "node",
            "label": "Site",
            "props": {
                **site,
                "id": dup_id,
                "street": site["street"].upper(),  # same address, spelt differently
                "created_at": "2026-11-30T10:00:00+00:00",
            },
        }
    )
    records.append(
        {
            "type": "node",
            "label": "Application",
            "props": {
                **old_app,
                "id": app_id,
                "site_ids": [dup_id],
                "target_groups": ["outreach"],
                "submitted_at": "2026-11-30T10:00:00+00:00",
                "decided_at": "2026-12-01T10:00:00+00:00",
                "announcement_id": "",
            },
        }
    )
    records.append(
        {
            "type": "node",
            "label": "Admission",
            "props": {
                **first,
                "id": f"{dup_id}|outreach",
                "site_id": dup_id,
                "application_id": app_id,
                "target_group": "outreach",
                "decided_at": "2026-12-01T10:00:00+00:00",
                "changed_at": "2026-12-01T10:00:00+00:00",
            },
        }
    )
    district = next(
        r["to"]
        for r in records
        if r["type"] == "rel" and r["label"] == "IN_DISTRICT" and r["from"] == site["id"]
    )
    for label, source, target in [
        ("HAS_SITE", site["provider_id"], dup_id),
        ("IN_DISTRICT", dup_id, district),
        ("HAS_ADMISSION", dup_id, f"{dup_id}|outreach"),
    ]:
        records.append({"type": "rel", "label": label, "from": source, "to": target})
    return {
        "survivor": site["id"],
        "duplicate": dup_id,
        "group": first["target_group"],
        "postal_code": site["postal_code"],
        "carrier": first["issued_by"],
    }


@pytest.fixture(scope="module")
def upgraded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Registry, dict[str, Any]]]:
    from registry.bootstrap import initialise

    records = _old_records()
    merged = _add_old_duplicate(records)
    path = tmp_path_factory.mktemp("old") / "v1.jsonl"
    path.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
    )
    settings = Settings(
        data_dir=tmp_path_factory.mktemp("new") / "var",
        graph_buffer_pool_mb=256,
        secret_key="upgrade-test",
    )
    reg = open_registry(settings)
    initialise(reg)
    report = import_graph(reg, path)
    yield reg, {"records": records, "merged": merged, "report": report}
    reg.close()


def test_import_of_the_previous_format_upgrades_and_merges_the_duplicate_site(
    upgraded: tuple[Registry, dict[str, Any]],
) -> None:
    # rule A9: a site exists once
    _, ctx = upgraded
    report = ctx["report"]
    assert report["upgraded_from"] == 5
    assert report["migrations"][0] == "006_graph_model"  # and any later ones
    assert report["merged_sites"] == 1


def test_nothing_is_lost(upgraded: tuple[Registry, dict[str, Any]], tmp_path: Path) -> None:
    reg, ctx = upgraded
    old = ctx["records"]
    path = tmp_path / "new.jsonl"
    export_graph(reg, path)
    new = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert new[0]["version"] == 2
    old_count = Counter(r["label"] for r in old if r["type"] == "node")
    new_count = Counter(r["label"] for r in new if r.get("type") == "node")
    for label in [
        "Application",
        "Admission",
        "Agreement",
        "AgreementVersion",
        "Announcement",
        "CaseManager",
        "FollowOnTask",
        "Notice",
        "Partner",
        "PartnerSite",
        "Provider",
        "Task",
        "User",
    ]:
        assert new_count[label] == old_count[label], label
    assert new_count["Site"] == old_count["Site"] - 1  # the merged duplicate
    # every event survives; the merge is in the audit trail (later migrations may add theirs)
    old_events = {e["id"] for e in _nodes(old, "Event")}
    new_events = _nodes(new, "Event")
    assert old_events <= {e["id"] for e in new_events}
    assert [e["action"] for e in new_events].count("site_merged") == 1
    # every admission keeps its status; contracts became relationships with their facts
    old_status = {m["id"]: m["status"] for m in _nodes(old, "Admission")}
    new_status = {m["id"]: m["status"] for m in _nodes(new, "Admission")}
    assert new_status == old_status
    old_contracts = {
        (k["carrier"], k["provider_id"], k["signed_on"]) for k in _nodes(old, "Contract")
    }
    new_contracts = {
        (r["from"], r["to"], r["props"]["signed_on"])
        for r in new
        if r.get("type") == "rel" and r["label"] == "CONTRACTED"
    }
    assert new_contracts == old_contracts and old_contracts
    # agreements keep their parties, partners and scope as relationships
    for agreement in _nodes(old, "Agreement"):
        parties = {
            r["from"] for r in new if r.get("label") == "PARTY_TO" and r["to"] == agreement["id"]
        }
        partners = {
            r["to"]
            for r in new
            if r.get("label") == "WITH_PARTNER" and r["from"] == agreement["id"]
        }
        assert parties == set(agreement["carriers"]), agreement["id"]
        assert partners == set(agreement["partners"]), agreement["id"]
    # users keep their carrier or provider
    for user in _nodes(old, "User"):
        member = {r["to"] for r in new if r.get("label") == "MEMBER_OF" and r["from"] == user["id"]}
        acts = {r["to"] for r in new if r.get("label") == "ACTS_FOR" and r["from"] == user["id"]}
        assert member == ({user["carrier"]} if user["carrier"] else set()), user["username"]
        assert acts == ({user["provider"]} if user["provider"] else set()), user["username"]


def test_registry_check_is_clean_after_the_upgrade(
    upgraded: tuple[Registry, dict[str, Any]],
) -> None:
    reg, _ = upgraded
    assert "Invarianten erfüllt" in run_check(reg)


def test_the_directory_lists_every_admitted_site_and_the_merged_one_once_with_both_groups(
    upgraded: tuple[Registry, dict[str, Any]],
) -> None:
    from registry.app import create_app
    from registry.auth.service import add_user

    reg, ctx = upgraded
    merged = ctx["merged"]
    add_user(reg, username="cm.upgrade", password=PASSWORD, role="case_manager", carrier="drv-nord")
    with TestClient(app=create_app(reg.settings, registry=reg)) as client:
        api = Api(client, reg)
        r = api.get(
            f"{SEARCH}?postal_code={merged['postal_code']}&target_group={merged['group']}"
            "&target_group=outreach",
            as_="cm.upgrade",
        )
        assert r.status_code == 200, r.text
        ids = [x["site"]["id"] for x in r.json()["results"]]
        assert ids.count(merged["survivor"]) == 1
        assert merged["duplicate"] not in ids
    # every site admitted before the upgrade is in the index (the duplicate as the survivor)
    admitted = {
        m["site_id"] for m in _nodes(ctx["records"], "Admission") if m["status"] == "admitted"
    }
    admitted = {merged["survivor"] if s == merged["duplicate"] else s for s in admitted}
    indexed = {s for s in admitted if reg.search.sites.get(s) is not None}
    assert indexed == admitted
    assert reg.search.sites.get(merged["duplicate"]) is None


def test_registry_init_upgrades_a_data_directory_of_the_previous_release(tmp_path: Path) -> None:
    """The other path: a data directory at schema version 5 (the fixture restored into it with
    the old release's tables) is upgraded in place by `registry init`."""
    from registry.backup import render_queries
    from registry.backup_restore import _restore, parse_backup
    from registry.bootstrap import initialise
    from registry.graph.queries import parse_named_blocks
    from registry.graph.schema.model import ddl_schema

    records = _old_records()
    merged = _add_old_duplicate(records)
    old_schema = ddl_schema(until=5)
    snapshot = parse_backup(
        (json.dumps(r, ensure_ascii=False) for r in records), old_schema, version=1
    )
    old_queries = parse_named_blocks(render_queries(old_schema))
    settings = Settings(data_dir=tmp_path / "var", graph_buffer_pool_mb=256, secret_key="up")
    reg = open_registry(settings)
    try:
        reg.graph.apply_schema(until=5)
        reg.graph.write(
            lambda tx: _restore(
                tx, old_schema, snapshot, lambda t, n, **p: t.run_text(old_queries[n], p)
            )
        )
    finally:
        reg.close()
    reg = open_registry(settings)
    try:
        message = initialise(reg)
        assert "006_graph_model" in message and "Suchindex neu aufgebaut" in message
        assert "Invarianten erfüllt" in run_check(reg)
        assert reg.search.sites.get(merged["duplicate"]) is None  # rule A9
        assert reg.search.sites.get(merged["survivor"]) is not None
        assert initialise(reg).startswith("Schema: aktuell")  # a second run changes nothing
    finally:
        reg.close()


def test_the_upgrade_drops_per_carrier_criteria_and_notes_it(
    upgraded: tuple[Registry, dict[str, Any]],
) -> None:
    # rule Q0 (migration 009): DRV Nord's own Q4 setting of the old release is gone, the carrier
    # keeps its contacts, and its audit trail says what was dropped
    from registry.reference_repository import ReferenceRepository

    reg, _ = upgraded
    refs = ReferenceRepository(reg.graph)
    for carrier in reg.reference.carriers:
        profile = refs.carrier_profile(carrier.id) or {}
        assert "criteria" not in profile, carrier.id
    assert (refs.carrier_profile("drv-nord") or {}).get("contacts")
    events = [row["props"] for row in reg.graph.read("backup.nodes_event")]
    dropped = [e for e in events if e["action"] == "carrier.criteria_dropped"]
    assert [(e["subject_id"], json.loads(e["data"])) for e in dropped] == [
        ("drv-nord", {"criteria": {"Q4": "blocking"}})
    ]
