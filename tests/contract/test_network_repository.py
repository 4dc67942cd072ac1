"""Contract of the network repository: the graph's queries and the in-memory fake answer alike.

The use-case tests (``tests/service/test_network_*``) trust the fake; this keeps it honest. The
embedded graph always runs; Neo4j when REGISTRY_TEST_NEO4J_URL is set (see
``test_graph_contract.py``).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from registry.bootstrap import initialise
from registry.context import Registry
from registry.geo import make_geocoder
from registry.network.in_memory import InMemoryNetworkRepository
from registry.network.repository import (
    AgreementValues,
    NetworkRepository,
    PartnerSiteRow,
    PartnerValues,
)
from registry.reference import load_reference
from registry.settings import Settings
from tests.contract.test_graph_contract import NEO4J_URL

NOW = "2026-03-02T10:00:00+00:00"
LUEBECK, KIEL = "01003", "01002"


def _backends() -> list[object]:
    return [
        "embedded",
        "fake",
        pytest.param(
            "neo4j",
            marks=pytest.mark.skipif(not NEO4J_URL, reason="REGISTRY_TEST_NEO4J_URL not set"),
        ),
    ]


class Store:
    """One backend: a unit of work (``write``) and reads (``read``) on the repository."""

    def __init__(self, reg: Registry | None, fake: InMemoryNetworkRepository | None) -> None:
        self.reg, self.fake = reg, fake

    def write(self, work: object) -> object:
        if self.fake is not None:
            return work(self.fake)  # type: ignore[operator]
        assert self.reg is not None
        return self.reg.graph.write(lambda tx: work(NetworkRepository(tx)))  # type: ignore[operator]

    def read(self) -> NetworkRepository:
        if self.fake is not None:
            return self.fake
        assert self.reg is not None
        return NetworkRepository(self.reg.graph)


@pytest.fixture(params=_backends())
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "fake":
        yield Store(None, InMemoryNetworkRepository())
        return
    if request.param == "embedded":
        from registry.graph.embedded import EmbeddedGraph

        graph = EmbeddedGraph(tmp_path / "graph", buffer_pool_mb=64)
    else:
        import os

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


def _partner(**over: object) -> PartnerValues:
    values: PartnerValues = {
        "id": "ptn-1",
        "name": "Jobcenter Lübeck",
        "type": "jobcenter",
        "services": ["Beratung"],
        "target_groups": ["addiction"],
        "carriers": ["drv-nord", "drv-hessen"],
        "contacts": "[]",
        "active": True,
    }
    values.update(over)  # type: ignore[typeddict-item]
    return values


def _site(site_id: str, district_key: str, name: str = "Hauptstelle") -> PartnerSiteRow:
    return {
        "id": site_id,
        "partner_id": "ptn-1",
        "name": name,
        "street": "Markt 1",
        "postal_code": "23552",
        "place": "Lübeck",
        "district_key": district_key,
        "lat": 53.866,
        "lon": 10.687,
        "service_radius_km": 30.0,
    }


def _agreement(**over: object) -> AgreementValues:
    values: AgreementValues = {
        "id": "agr-1",
        "kind": "cooperation_agreement",
        "purpose": "general",
        "title": "Kooperation Lübeck",
        "carriers": ["drv-nord"],
        "invited": [],
        "partners": ["ptn-1"],
        "scope_level": "districts",
        "scope_districts": [LUEBECK],
        "scope_state": "",
        "valid_from": "2026-01-01",
        "valid_until": "2026-02-28",
        "contents": "{}",
        "status": "active",
        "version": 1,
        "override_reason": "",
        "next_review": "",
        "activated_on": "2026-01-01",
    }
    values.update(over)  # type: ignore[typeddict-item]
    return values


def test_partners_with_carriers_groups_and_sites(store: Store) -> None:
    store.write(lambda r: r.create_partner(_partner(), sites=[_site("ps-1", LUEBECK)], now=NOW))
    got = store.read().get_partner("ptn-1")
    assert got is not None
    assert (sorted(got["carriers"]), got["target_groups"], got["version"]) == (
        ["drv-hessen", "drv-nord"],
        ["addiction"],
        1,
    )
    assert store.read().get_partner("ptn-none") is None

    changed = _partner(carriers=["drv-nord"], target_groups=["addiction", "cardiology"])
    saved = store.write(
        lambda r: r.update_partner(
            changed,
            version=1,
            now=NOW,
            removed_site_ids=[],
            kept_sites=[_site("ps-1", KIEL, "Umgezogen")],
            new_sites=[_site("ps-2", LUEBECK, "Zweite")],
        )
    )
    assert saved is True
    stale = store.write(
        lambda r: r.update_partner(
            changed, version=1, now=NOW, removed_site_ids=[], kept_sites=[], new_sites=[]
        )
    )
    assert stale is False

    reads = store.read()
    got = reads.get_partner("ptn-1")
    assert got is not None
    assert (got["carriers"], sorted(got["target_groups"]), got["version"]) == (
        ["drv-nord"],
        ["addiction", "cardiology"],
        2,
    )
    sites = reads.sites_of_partners(["ptn-1"])
    assert [(s["id"], s["name"], s["district_key"]) for s in sites] == [
        ("ps-1", "Umgezogen", KIEL),
        ("ps-2", "Zweite", LUEBECK),
    ]
    assert [p["id"] for p in reads.list_partners(type="jobcenter")] == ["ptn-1"]
    assert reads.list_partners(carrier="drv-hessen") == []
    assert [p["id"] for p in reads.partners_by_ids(["ptn-1", "ptn-none"])] == ["ptn-1"]
    assert sorted(reads.partner_site_ids()) == ["ps-1", "ps-2"]
    (doc,) = reads.partner_site_documents(["ps-2"])
    assert (doc["partner_id"], doc["site_name"], doc["active"]) == ("ptn-1", "Zweite", True)

    store.write(
        lambda r: r.update_partner(
            changed, version=2, now=NOW, removed_site_ids=["ps-1"], kept_sites=[], new_sites=[]
        )
    )
    assert [s["id"] for s in store.read().sites_of_partners(["ptn-1"])] == ["ps-2"]


def test_agreements_with_parties_scope_and_versions(store: Store) -> None:
    store.write(lambda r: r.create_partner(_partner(), sites=[_site("ps-1", LUEBECK)], now=NOW))
    store.write(
        lambda r: r.create_agreement(_agreement(), created_by_carrier="drv-nord", rev="r1", now=NOW)
    )
    got = store.read().get_agreement("agr-1")
    assert got is not None
    assert (got["created_by_carrier"], got["rev"], got["scope_state"]) == ("drv-nord", "r1", "")
    assert (got["carriers"], got["partners"], got["scope_districts"]) == (
        ["drv-nord"],
        ["ptn-1"],
        [LUEBECK],
    )

    by_state = _agreement(scope_level="state", scope_districts=[], scope_state="Schleswig-Holstein")
    args = {"rev": "r2", "now": NOW, "status_reason": "", "links": True}
    assert store.write(lambda r: r.save_agreement(by_state, old_rev="r0", **args)) is False
    assert store.write(lambda r: r.save_agreement(by_state, old_rev="r1", **args)) is True
    store.write(
        lambda r: r.add_agreement_version(
            id="agr-1|v1", agreement_id="agr-1", version=1, snapshot="{}", at=NOW, author=""
        )
    )

    reads = store.read()
    got = reads.get_agreement("agr-1")
    assert got is not None
    assert (got["scope_state"], got["scope_districts"], got["rev"]) == (
        "Schleswig-Holstein",
        [],
        "r2",
    )
    assert [v["version"] for v in reads.agreement_versions("agr-1")] == [1]
    assert [a["id"] for a in reads.list_agreements(status="active")] == ["agr-1"]
    assert reads.list_agreements(status="draft") == []
    assert [a["id"] for a in reads.agreements_of_carrier(carrier="drv-nord", statuses=["active"])]
    assert reads.agreements_of_carrier(carrier="drv-hessen", statuses=["active"]) == []
    assert [a["id"] for a in reads.agreements_in_status(["active"])] == ["agr-1"]
    assert [a["id"] for a in reads.agreements_past_end(today="2026-03-01")] == ["agr-1"]
    assert reads.agreements_past_end(today="2026-02-28") == []
    # the state scope covers Kiel; the partner serves addiction
    (around,) = reads.around_agreements(district=KIEL, target_group="addiction")
    assert (around["id"], around["partner_id"], around["carriers"]) == (
        "agr-1",
        "ptn-1",
        ["drv-nord"],
    )
    assert reads.around_agreements(district="06412", target_group="addiction") == []
    assert reads.around_agreements(district=KIEL, target_group="oncology") == []


def test_invitations_and_the_standing_of_a_carrier(store: Store) -> None:
    # rule N4: named carriers are parties (PARTY_TO) or invited (INVITED_TO); accepting moves
    # a carrier from one to the other, declining removes the invitation; a carrier's standing
    # is read from its own relationships
    store.write(lambda r: r.create_partner(_partner(), sites=[_site("ps-1", LUEBECK)], now=NOW))
    draft = _agreement(status="draft", invited=["drv-bund", "drv-hessen"])
    store.write(
        lambda r: r.create_agreement(draft, created_by_carrier="drv-nord", rev="r1", now=NOW)
    )
    reads = store.read()
    got = reads.get_agreement("agr-1")
    assert got is not None
    assert (got["carriers"], sorted(got["invited"])) == (["drv-nord"], ["drv-bund", "drv-hessen"])
    assert reads.carrier_standing(agreement_id="agr-1", carrier="drv-nord") == {
        "party_to": "agr-1",
        "invited_to": "",
    }
    assert reads.carrier_standing(agreement_id="agr-1", carrier="drv-bund") == {
        "party_to": "",
        "invited_to": "agr-1",
    }
    nobody = {"party_to": "", "invited_to": ""}
    assert reads.carrier_standing(agreement_id="agr-1", carrier="drv-westfalen") == nobody
    assert reads.carrier_standing(agreement_id="agr-2", carrier="drv-nord") == nobody
    assert [(p["carrier"], p["status"], p["since"]) for p in reads.agreement_parties("agr-1")] == [
        ("drv-bund", "invited", NOW),
        ("drv-hessen", "invited", NOW),
        ("drv-nord", "party", NOW),
    ]
    # drv-bund accepts, drv-hessen declines; a status save without links keeps them all
    later = "2026-03-03T10:00:00+00:00"
    answered = _agreement(status="draft", carriers=["drv-nord", "drv-bund"], invited=[])
    args = {"rev": "r2", "now": later, "status_reason": ""}
    assert store.write(lambda r: r.save_agreement(answered, old_rev="r1", links=True, **args))
    store.write(
        lambda r: r.save_agreement(
            _agreement(status="draft", carriers=[], invited=[]),
            old_rev="r2",
            rev="r3",
            now=later,
            status_reason="",
        )
    )
    reads = store.read()
    got = reads.get_agreement("agr-1")
    assert got is not None
    assert (sorted(got["carriers"]), got["invited"]) == (["drv-bund", "drv-nord"], [])
    assert reads.carrier_standing(agreement_id="agr-1", carrier="drv-bund")["party_to"] == "agr-1"
    assert reads.carrier_standing(agreement_id="agr-1", carrier="drv-hessen") == nobody
    assert [(p["carrier"], p["status"], p["since"]) for p in reads.agreement_parties("agr-1")] == [
        ("drv-bund", "party", later),
        ("drv-nord", "party", NOW),
    ]
    # the parties' due-for-review list and the walk of GET /network/around see parties only
    assert [
        a["id"] for a in reads.agreements_of_carrier(carrier="drv-bund", statuses=["draft"])
    ] == ["agr-1"]


def test_unmet_need_and_admitted_sites(store: Store) -> None:
    store.write(
        lambda r: r.record_unmet_need(
            id="need-1",
            carrier="drv-nord",
            district_key=LUEBECK,
            on_date="2026-03-01",
            target_groups=["addiction", "cardiology"],
        )
    )
    reads = store.read()
    assert reads.unmet_need_counts("addiction") == {LUEBECK: 1}
    assert reads.unmet_need_counts("oncology") == {}
    (need,) = reads.unmet_needs(since="2026-03-01")
    assert (need["carrier"], need["district_key"], sorted(need["target_groups"])) == (
        "drv-nord",
        LUEBECK,
        ["addiction", "cardiology"],
    )
    assert reads.unmet_needs(since="2026-03-02") == []
    # admissions are the admission area's: none here, on either side
    assert reads.admitted_sites_for_group("addiction") == []
    assert reads.around_sites(site_ids=["nope"], target_group="addiction") == []
