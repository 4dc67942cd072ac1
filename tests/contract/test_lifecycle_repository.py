"""Contract of the lifecycle repository: the graph's queries and the in-memory fake answer alike.

The use-case tests (``tests/service/test_lifecycle_*``) trust the fake; this keeps it honest. The
world is written through the admission area's repositories on each backend (the fake reads
their fakes' dicts). The embedded graph always runs; Neo4j when REGISTRY_TEST_NEO4J_URL is set.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from registry.admission.in_memory import admission_fakes
from registry.admission.provider_repository import NewSite, ProviderRepository
from registry.admission.repository import AdmissionRepository, AdmissionRow, in_listed_order
from registry.bootstrap import initialise
from registry.context import Registry
from registry.geo import make_geocoder
from registry.graph.ports import GraphStore
from registry.lifecycle.in_memory import InMemoryLifecycleRepository
from registry.lifecycle.repository import LifecycleRepository, NewTask
from registry.lifecycle.staff_findings import STAFF_TASK_KINDS, TRAINING_MARKER
from registry.reference import load_reference
from registry.reference_repository import InMemoryReferenceRepository, ReferenceRepository
from registry.settings import Settings
from tests.contract.test_graph_contract import NEO4J_URL

NOW = "2026-03-02T10:00:00+00:00"
LUEBECK, KIEL, KASSEL = "01003", "01002", "06611"


@dataclass
class Repos:
    lifecycle: LifecycleRepository
    admissions: AdmissionRepository
    providers: ProviderRepository
    reference: ReferenceRepository


class Store:
    """One backend: a unit of work (``write``) and reads (``read``) on the repositories."""

    def __init__(self, reg: Registry | None, fake: Repos | None) -> None:
        self.reg, self.fake = reg, fake

    def write(self, work: Callable[[Repos], Any]) -> Any:
        if self.fake is not None:
            return work(self.fake)
        assert self.reg is not None
        return self.reg.graph.write(
            lambda tx: work(
                Repos(
                    LifecycleRepository(tx),
                    AdmissionRepository(tx),
                    ProviderRepository(tx),
                    ReferenceRepository(tx),
                )
            )
        )

    def read(self) -> Repos:
        if self.fake is not None:
            return self.fake
        assert self.reg is not None
        g = self.reg.graph
        return Repos(
            LifecycleRepository(g),
            AdmissionRepository(g),
            ProviderRepository(g),
            ReferenceRepository(g),
        )


def _backends() -> list[object]:
    return [
        "embedded",
        "fake",
        pytest.param(
            "neo4j",
            marks=pytest.mark.skipif(not NEO4J_URL, reason="REGISTRY_TEST_NEO4J_URL not set"),
        ),
    ]


@pytest.fixture(params=_backends())
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "fake":
        admissions, providers = admission_fakes()
        reference = InMemoryReferenceRepository.of(load_reference())
        lifecycle = InMemoryLifecycleRepository(admissions, reference)
        yield Store(None, Repos(lifecycle, admissions, providers, reference))
        return
    graph: GraphStore
    if request.param == "embedded":
        from registry.graph.embedded import EmbeddedGraph

        graph = EmbeddedGraph(tmp_path / "graph", buffer_pool_mb=64)
    else:
        from registry.graph.neo4j import Neo4jGraph

        graph = Neo4jGraph(
            NEO4J_URL,
            os.environ.get("REGISTRY_TEST_NEO4J_USER", "neo4j"),
            os.environ.get("REGISTRY_TEST_NEO4J_PASSWORD", ""),
            os.environ.get("REGISTRY_TEST_NEO4J_DATABASE", "neo4j"),
        )
    reference = load_reference()
    reg = Registry(
        settings=Settings(data_dir=tmp_path),
        graph=graph,
        reference=reference,
        geocoder=make_geocoder("gazetteer", reference),
    )
    initialise(reg)
    yield Store(reg, None)
    graph.close()


def _site(site_id: str, provider_id: str, district_key: str, confirmed_on: str) -> NewSite:
    return {
        "id": site_id,
        "provider_id": provider_id,
        "name": f"Standort {site_id}",
        "headquarters": False,
        "street": "Hauptstraße 1",
        "postal_code": "23552",
        "place": "Ort",
        "district_key": district_key,
        "lat": 53.87,
        "lon": 10.69,
        "catchment_radius_km": 30.0,
        "outreach_radius_km": None,
        "public_transport": True,
        "barrier_free": True,
        "rooms_individual": True,
        "rooms_relatives": True,
        "languages": ["de"],
        "details": "{}",
        "confirmed_on": confirmed_on,
    }


def _admission(mid: str, site_id: str, status: str, issued_by: str) -> AdmissionRow:
    decided = "2026-01-15T09:00:00+00:00" if issued_by else ""
    return {
        "id": mid,
        "site_id": site_id,
        "provider_id": "prv-1",
        "application_id": "app-1",
        "target_group": "addiction",
        "carrier": "",
        "issued_by": issued_by,
        "status": status,
        "decided_at": decided,
        "changed_at": decided,
        "review_due": "2029-01-15" if issued_by else "",
        "reason": "",
    }


def _world(r: Repos) -> None:
    """prv-1 with a site in Lübeck (admitted by DRV Nord) and one in Kassel (awaiting
    follow-on), its decided application led by DRV Nord and two case managers, one in
    training; prv-2's application, forwarded by DRV Bund to DRV Nord, awaits the decision."""
    for pid, name in (("prv-1", "Beratung Eins"), ("prv-2", "Beratung Zwei")):
        r.providers.create(
            {"id": pid, "name": name, "legal_form": "", "email": "", "phone": "", "website": ""},
            now=NOW,
        )
    r.providers.create_site(_site("ste-1", "prv-1", LUEBECK, "2025-01-10"), now=NOW)
    r.providers.create_site(_site("ste-2", "prv-1", KASSEL, ""), now=NOW)
    r.providers.create_site(_site("ste-3", "prv-2", KIEL, "2026-02-01"), now=NOW)
    for aid, pid, receiving, status, sites in (
        ("app-1", "prv-1", "drv-nord", "decided", ["ste-1", "ste-2"]),
        ("app-2", "prv-2", "drv-bund", "submitted", ["ste-3"]),
    ):
        r.admissions.create_application(
            {
                "id": aid,
                "provider_id": pid,
                "status": status,
                "receiving_carrier": receiving,
                "lead_carrier": "drv-nord",
                "forwarded": receiving != "drv-nord",
                "target_groups": ["addiction"],
                "site_ids": sites,
                "announcement_id": "",
                "data": json.dumps({"findings": []}),
                "now": NOW,
            }
        )
    rows = [
        _admission("adm-1", "ste-1", "admitted", "drv-nord"),
        _admission("adm-2", "ste-2", "awaiting_follow_on", ""),
    ]
    r.admissions.upsert_admissions(rows)
    r.admissions.link_admissions(rows)
    trainee = json.dumps({"name": "Anna", "training_started_on": "2025-06-01"})
    r.providers.create_case_manager("cm-1", provider_id="prv-1", name="Anna", data=trainee, now=NOW)
    plain = json.dumps({"name": "Bernd"}, separators=(",", ":"))
    r.providers.create_case_manager("cm-2", provider_id="prv-1", name="Bernd", data=plain, now=NOW)


def test_applications_admissions_and_contracts(store: Store) -> None:
    store.write(_world)
    reads = store.read().lifecycle

    (app,) = reads.applications_of_provider("prv-1")
    assert (app["id"], app["status"], app["receiving_carrier"], app["lead_carrier"]) == (
        "app-1",
        "decided",
        "drv-nord",
        "drv-nord",
    )
    assert in_listed_order(app["site_ids"], app["site_positions"]) == ["ste-1", "ste-2"]
    assert json.loads(app["data"]) == {"findings": []} and app["submitted_at"] == NOW

    (waiting,) = reads.awaiting_decision("drv-nord")
    assert (waiting["id"], waiting["provider_id"], waiting["forwarded"]) == ("app-2", "prv-2", True)
    assert reads.awaiting_decision("drv-bund") == []

    (nord,) = reads.carrier_admissions("drv-nord")
    assert (nord["site_id"], nord["carrier"], nord["issued_by"], nord["status"]) == (
        "ste-1",
        "drv-nord",
        "drv-nord",
        "admitted",
    )
    assert (nord["application_id"], nord["review_due"]) == ("app-1", "2029-01-15")
    (hessen,) = reads.carrier_admissions("drv-hessen")
    assert (hessen["site_id"], hessen["issued_by"], hessen["status"]) == (
        "ste-2",
        "",
        "awaiting_follow_on",
    )
    assert reads.carrier_admissions("drv-nord", "suspended") == []

    (pending,) = reads.pending_contracts("drv-nord")
    assert pending == {
        "provider_id": "prv-1",
        "since": "2026-01-15T09:00:00+00:00",
        "application_id": "app-1",
        "admissions": 1,
    }
    assert reads.carrier_contracts("drv-nord") == []

    def contract(signed_on: str) -> Callable[[Repos], None]:
        return lambda r: r.providers.create_contract(
            f"ctr-{signed_on}",
            carrier="drv-nord",
            provider_id="prv-1",
            signed_on=signed_on,
            model_contract_version="2024-01",
            now=NOW,
        )

    store.write(contract("2026-02-20"))
    store.write(contract("2026-02-01"))  # the latest counts, not the last recorded
    reads = store.read().lifecycle
    assert reads.pending_contracts("drv-nord") == []
    assert reads.carrier_contracts("drv-nord") == [
        {"provider_id": "prv-1", "signed_on": "2026-02-20"}
    ]


def test_stale_sites_staff_and_trainees(store: Store) -> None:
    store.write(_world)
    reads = store.read().lifecycle

    own = reads.stale_sites(provider_id="prv-1", carrier="", before="2026-01-01", in_force=False)
    assert [(s["id"], s["confirmed_on"], s["responsible_carrier"]) for s in own] == [
        ("ste-1", "2025-01-10", "drv-nord")
    ]
    later = reads.stale_sites(provider_id="prv-1", carrier="", before="2026-12-31", in_force=False)
    assert [s["id"] for s in later] == ["ste-2", "ste-1"]  # never confirmed first
    regional = reads.stale_sites(
        provider_id="", carrier="drv-hessen", before="2026-12-31", in_force=True
    )
    assert [(s["id"], s["provider_id"], s["created_at"]) for s in regional] == [
        ("ste-2", "prv-1", NOW)
    ]
    # Kiel's site holds no admission in force: not flagged to the carrier
    assert [
        s["id"]
        for s in reads.stale_sites(
            provider_id="", carrier="drv-nord", before="2026-12-31", in_force=True
        )
    ] == ["ste-1"]

    assert reads.providers_with_trainees("drv-nord", TRAINING_MARKER) == ["prv-1"]
    assert reads.providers_with_trainees("drv-hessen", TRAINING_MARKER) == []

    store.write(lambda r: r.lifecycle.delete_case_manager("prv-2", "cm-1"))  # not prv-2's
    store.write(lambda r: r.lifecycle.delete_case_manager("prv-1", "cm-2"))
    assert [c["id"] for c in store.read().providers.case_managers("prv-1")] == ["cm-1"]


def _task(tid: str, **over: str) -> NewTask:
    task: NewTask = {
        "id": tid,
        "carrier": "drv-nord",
        "provider_id": "prv-1",
        "kind": "staff_finding",
        "rule": "Q2",
        "application_id": "app-1",
        "site_id": "",
        "message": "Nach einer Personaländerung: zu wenige Fallmanager*innen.",
        "created_at": NOW,
        "due_on": "",
    }
    task.update(over)  # type: ignore[typeddict-item]
    return task


def test_stored_tasks(store: Store) -> None:
    store.write(_world)
    kinds = list(STAFF_TASK_KINDS)
    store.write(lambda r: r.lifecycle.open_tasks([_task("tsk-1"), _task("tsk-3", carrier="")]))
    reads = store.read().lifecycle
    assert reads.staff_tasks("prv-1", kinds) == [
        {"id": "tsk-1", "status": "open", "application_id": "app-1", "carrier": "drv-nord"},
        {"id": "tsk-3", "status": "open", "application_id": "app-1", "carrier": ""},
    ]
    assert reads.get_task("tsk-1") == {
        "id": "tsk-1",
        "carrier": "drv-nord",
        "provider_id": "prv-1",
        "kind": "staff_finding",
        "rule": "Q2",
        "application_id": "app-1",
        "status": "open",
    }
    assert reads.get_task("tsk-none") is None
    (listed,) = reads.open_for("drv-nord")
    assert listed == {**_task("tsk-1")}
    # the provider's own: open tasks about it that no carrier owns
    assert [t["id"] for t in reads.open_for("", provider_id="prv-1")] == ["tsk-3"]

    assert store.write(lambda r: r.lifecycle.dismiss_task("tsk-1")) is True
    assert store.write(lambda r: r.lifecycle.dismiss_task("tsk-1")) is False
    assert store.read().lifecycle.open_for("drv-nord") == []
    store.write(lambda r: r.lifecycle.set_task_status(["tsk-1", "tsk-3"], "done"))
    assert [t["status"] for t in store.read().lifecycle.staff_tasks("prv-1", kinds)] == [
        "done",
        "done",
    ]
    store.write(lambda r: r.lifecycle.open_tasks([_task("tsk-1", message="wieder da")]))
    (again,) = store.read().lifecycle.open_for("drv-nord")
    assert (again["id"], again["message"]) == ("tsk-1", "wieder da")


def test_the_carrier_profile_written_here_is_read_as_reference(store: Store) -> None:
    profile = {"contacts": [], "criteria": {"Q5": "advisory"}}
    text = json.dumps(profile, sort_keys=True)
    assert store.write(lambda r: r.lifecycle.set_carrier_profile("drv-nord", text)) is True
    assert store.write(lambda r: r.lifecycle.set_carrier_profile("drv-none", text)) is False
    assert store.read().reference.carrier_profile("drv-nord") == profile
