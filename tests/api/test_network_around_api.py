"""`GET /api/v1/network/around` (issue 12): who serves a district for a target group, as a graph
of nodes and edges (API.md "Network"). One registry for the module, built through the API."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import Api
from tests.api.helpers import application, site
from tests.api.test_network_api import agreement_body, complete_contents, new_partner

LUEBECK = "01003"
GROUP = "oncology"
NODE_TYPES = {"carrier", "provider", "site", "partner", "agreement", "district"}


def _admit(api: Api, provider: str, sites: list[dict[str, Any]]) -> dict[str, Any]:
    body = application(
        api.registry.reference,
        "drv-nord",
        sites,
        [GROUP],
        provider={"name": provider, "legal_form": "gGmbH", "email": "info@onko.example"},
    )
    r = api.post("/api/v1/applications", body, as_="officer.nord")
    assert r.status_code == 201, r.text
    app_id = r.json()["id"]
    version = api.get(f"/api/v1/applications/{app_id}", as_="officer.nord").json()["version"]
    decision = {
        "target_groups": {GROUP: {"admit": True, "reason": "Uns fehlt onkologische Expertise."}},
        "version": version,
    }
    r = api.post(f"/api/v1/applications/{app_id}/decision", decision, as_="officer.nord")
    assert r.status_code == 200, r.text
    return r.json()


def _agreement(api: Api, partner_id: str, *, activate: bool = True, **over: Any) -> str:
    contents = {**complete_contents(), "target_groups": [GROUP]}
    r = api.post(
        "/api/v1/agreements",
        agreement_body(partner_id, contents=contents, **over),
        as_="strategist.nord",
    )
    assert r.status_code == 201, r.text
    agreement_id: str = r.json()["id"]
    for carrier in r.json()["invited"]:  # rule N4: the invited carriers accept first
        strategist = "strategist." + carrier.removeprefix("drv-")
        accepted = api.post(f"/api/v1/agreements/{agreement_id}/accept", as_=strategist)
        assert accepted.status_code == 200, accepted.text
    if activate:
        r = api.post(f"/api/v1/agreements/{agreement_id}/activate", as_="strategist.nord")
        assert r.status_code == 200, r.text
    return agreement_id


@pytest.fixture(scope="module")
def world(api: Api) -> dict[str, Any]:
    decided = _admit(
        api,
        "Onkologische Beratung Nord gGmbH",
        [
            site("Beratung Lübeck", "23556", "Lübeck", headquarters=True, catchment_radius_km=25),
            # Kiel lies about 65 km from Lübeck: a 10 km catchment does not reach it (rule A8)
            site("Beratung Kiel", "24103", "Kiel", catchment_radius_km=10),
        ],
    )
    sites = {s["name"]: s["id"] for s in decided["sites"]}
    partner = new_partner(
        api, "Krebsberatung Lübeck", "psychosocial-counselling", "23552", target_groups=[GROUP]
    )
    partner_id = partner["id"]
    ids = {
        "luebeck_site": sites["Beratung Lübeck"],
        "kiel_site": sites["Beratung Kiel"],
        "provider": decided["provider"]["id"],
        "partner": partner_id,
        # parties drv-nord and drv-bund, scope: the district itself
        "district_agreement": _agreement(
            api, partner_id, title="Kooperation Krebsberatung", carriers=["drv-nord", "drv-bund"]
        ),
        # scope: the district's state
        "state_agreement": _agreement(
            api,
            partner_id,
            title="Landesweite Absprache",
            scope={"level": "state", "state": "Schleswig-Holstein"},
        ),
        # a draft is not in force
        "draft": _agreement(api, partner_id, activate=False, title="Nur ein Entwurf"),
    }
    # a partner that does not serve the group, with an agreement in force for the district
    other = new_partner(
        api, "Schuldnerberatung Lübeck", "debt-counselling", "23552", target_groups=["addiction"]
    )
    ids["other_partner"] = other["id"]
    ids["other_agreement"] = _agreement(api, other["id"], title="Schuldnerberatung")
    return ids


def _around(api: Api, as_: str = "strategist.hessen", **params: str) -> Any:
    query = {"district": LUEBECK, "target_group": GROUP, **params}
    return api.client.get("/api/v1/network/around", params=query, headers=api.headers(as_))


def test_around_answers_the_graph_shape(api: Api, world: dict[str, Any]) -> None:
    r = _around(api)
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) == {"nodes", "edges"}
    ids = [n["id"] for n in body["nodes"]]
    assert len(ids) == len(set(ids))  # each node once
    for node in body["nodes"]:
        assert set(node) == {"id", "type", "name"}
        assert node["type"] in NODE_TYPES
        assert node["name"]
    for edge in body["edges"]:
        assert set(edge) == {"from", "to", "type"}
        assert edge["from"] in ids and edge["to"] in ids  # no edge dangles


def test_admitted_site_reaching_the_district_appears_with_provider_and_issuer(
    api: Api, world: dict[str, Any]
) -> None:
    # rule A8: a site whose catchment reaches the district; E1: admitted by its carrier
    body = _around(api).json()
    nodes = {n["id"]: n for n in body["nodes"]}
    edges = {(e["from"], e["type"], e["to"]) for e in body["edges"]}
    site_id, provider_id = world["luebeck_site"], world["provider"]
    assert nodes[LUEBECK] == {"id": LUEBECK, "type": "district", "name": nodes[LUEBECK]["name"]}
    assert nodes[LUEBECK]["name"] == api.registry.reference.district(LUEBECK).name
    assert nodes[site_id] == {"id": site_id, "type": "site", "name": "Beratung Lübeck"}
    assert nodes[provider_id]["name"] == "Onkologische Beratung Nord gGmbH"
    assert nodes["drv-nord"] == {"id": "drv-nord", "type": "carrier", "name": "DRV Nord"}
    assert (provider_id, "OPERATES", site_id) in edges
    assert ("drv-nord", "ADMITTED", site_id) in edges
    assert (site_id, "REACHES", LUEBECK) in edges
    assert ("drv-nord", "RESPONSIBLE_FOR", LUEBECK) in edges
    # the Kiel site's 10 km catchment does not reach Lübeck
    assert world["kiel_site"] not in nodes


def test_agreements_in_force_with_partners_and_parties_appear(
    api: Api, world: dict[str, Any]
) -> None:
    body = _around(api).json()
    nodes = {n["id"]: n for n in body["nodes"]}
    edges = {(e["from"], e["type"], e["to"]) for e in body["edges"]}
    agreement, partner = world["district_agreement"], world["partner"]
    assert nodes[agreement] == {
        "id": agreement,
        "type": "agreement",
        "name": "Kooperation Krebsberatung",
    }
    assert nodes[partner] == {"id": partner, "type": "partner", "name": "Krebsberatung Lübeck"}
    assert (agreement, "WITH_PARTNER", partner) in edges
    assert (agreement, "COVERS", LUEBECK) in edges
    assert (partner, "SERVES", LUEBECK) in edges
    # both parties, each an edge to the agreement
    assert ("drv-nord", "PARTY_TO", agreement) in edges
    assert ("drv-bund", "PARTY_TO", agreement) in edges
    assert nodes["drv-bund"]["name"] == "DRV Bund"
    # an agreement for the district's state covers it too
    assert (world["state_agreement"], "COVERS", LUEBECK) in edges
    # a draft is not in force; a partner not serving the group is not shown
    assert world["draft"] not in nodes
    assert world["other_partner"] not in nodes
    assert world["other_agreement"] not in nodes


def test_another_group_or_district_shows_only_the_district(api: Api, world: dict[str, Any]) -> None:
    body = _around(api, target_group="cardiology").json()
    assert [n["type"] for n in body["nodes"]] == ["district", "carrier"]
    frankfurt = _around(api, district="06412").json()
    types = {n["type"] for n in frankfurt["nodes"]}
    assert types == {"district", "carrier"}  # its responsible carrier, nothing serves it
    assert {(e["from"], e["type"]) for e in frankfurt["edges"]} == {
        ("drv-hessen", "RESPONSIBLE_FOR")
    }


def test_unknown_district_or_group_is_422_naming_the_field(api: Api, world: dict[str, Any]) -> None:
    r = _around(api, district="99999")
    assert r.status_code == 422
    assert [e["field"] for e in r.json()["errors"]] == ["district"]
    r = _around(api, target_group="astrology")
    assert r.status_code == 422
    assert [e["field"] for e in r.json()["errors"]] == ["target_group"]
    r = _around(api, district="x", target_group="y")
    assert r.status_code == 422
    assert [e["field"] for e in r.json()["errors"]] == ["district", "target_group"]
    r = api.client.get(
        "/api/v1/network/around",
        params={"target_group": GROUP},
        headers=api.headers("cm.nord"),
    )
    assert r.status_code == 422
    assert [e["field"] for e in r.json()["errors"]] == ["district"]


def test_case_managers_and_strategists_of_any_carrier_ask_others_are_refused(
    api: Api, world: dict[str, Any]
) -> None:
    # docs/rules.md §9: case managers find partners, strategists read coverage; the answer is the
    # same whatever the caller's carrier (like coverage)
    answers = [_around(api, as_=user) for user in ("cm.nord", "cm.hessen", "strategist.bund")]
    assert [r.status_code for r in answers] == [200, 200, 200]
    assert answers[0].json() == answers[1].json() == answers[2].json()
    for user in ("officer.nord", "reader.nord", "admin", "admin.nord"):
        assert _around(api, as_=user).status_code == 403, user
    r = api.client.get(
        "/api/v1/network/around", params={"district": LUEBECK, "target_group": GROUP}
    )
    assert r.status_code == 401
