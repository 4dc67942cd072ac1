"""Issue 14, findings 1, 2 and 4: authority over agreements and partners follows the
relationships (rule N4), not the region.

A DRV Westfalen agreement about the state of NRW is acted on by DRV Westfalen only; DRV
Rheinland, a carrier of the same region, is informed and reads it but cannot change, suspend,
end or take it over; naming another carrier invites it and binds it only once it accepts; a
partner's carriers change only by each carrier adding or removing itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.api.conftest import PASSWORD, Api
from tests.api.conftest import api as api  # noqa: F401 - the module's registry and client
from tests.security.conftest import agreement_body, partner_body

NRW = {"level": "state", "state": "Nordrhein-Westfalen"}
REASON = {"reason": "Prüfung im Rahmen der Qualitätssicherung."}
STRATEGISTS = {
    "netzwerk.westfalen": "drv-westfalen",
    "netzwerk.rheinland": "drv-rheinland",
    "netzwerk.kbs": "drv-knappschaft-bahn-see",
}


@pytest.fixture(scope="module")
def world(api: Api) -> Iterator[dict[str, Any]]:  # noqa: F811
    from registry.auth.service import add_user

    for username, carrier in STRATEGISTS.items():
        add_user(
            api.registry,
            username=username,
            password=PASSWORD,
            role="network_strategist",
            carrier=carrier,
        )
    r = api.post("/api/v1/partners", partner_body("Jobcenter Dortmund", "44135"), as_="cm.nord")
    assert r.status_code == 201, r.text
    yield {"partner": r.json()["id"]}


def _agreement(api: Api, world: dict[str, Any], as_: str, carriers: list[str]) -> dict[str, Any]:
    body = {**agreement_body(world["partner"]), "carriers": carriers, "scope": NRW}
    r = api.post("/api/v1/agreements", body, as_=as_)
    assert r.status_code == 201, r.text
    created: dict[str, Any] = r.json()
    return created


def _parties(api: Api, agreement_id: str, as_: str) -> set[tuple[str, str]]:
    r = api.get(f"/api/v1/agreements/{agreement_id}", as_=as_)
    assert r.status_code == 200, r.text
    return {(p["carrier"], p["status"]) for p in r.json()["parties"]}


def test_a_carrier_of_the_region_cannot_take_over_another_carriers_agreement(
    api: Api,  # noqa: F811
    world: dict[str, Any],
) -> None:
    # finding 1, rule N4: only parties act; being informed gives no right to act
    agreement = _agreement(api, world, "netzwerk.westfalen", ["drv-westfalen"])
    aid = agreement["id"]
    path = f"/api/v1/agreements/{aid}"
    r = api.post(f"{path}/activate", {"override_reason": "Pilot"}, as_="netzwerk.westfalen")
    assert r.status_code == 200, r.text

    # DRV Rheinland reads it (informed of its region) but may not act
    seen = api.get(path, as_="netzwerk.rheinland").json()
    assert (seen["may_manage"], seen["my_standing"]) == (False, None)
    assert api.patch(path, {"title": "Übernommen"}, as_="netzwerk.rheinland").status_code == 403
    r = api.patch(path, {"carriers": ["drv-rheinland"]}, as_="netzwerk.rheinland")
    assert r.status_code == 403
    for action in ("suspend", "resume", "terminate"):
        assert api.post(f"{path}/{action}", REASON, as_="netzwerk.rheinland").status_code == 403
    # nor may a federal carrier that is no party (Knappschaft-Bahn-See on Westfalen's)
    assert api.post(f"{path}/suspend", REASON, as_="netzwerk.kbs").status_code == 403
    assert api.patch(path, {"title": "Bund"}, as_="strategist.bund").status_code == 403

    # nothing changed: still Westfalen's, active, version 1, readable by its strategist
    mine = api.get(path, as_="netzwerk.westfalen").json()
    assert (mine["status"], mine["version"], mine["title"]) == ("active", 1, agreement["title"])
    assert _parties(api, aid, "netzwerk.westfalen") == {("drv-westfalen", "party")}
    assert not [h for h in mine["history"] if h["carrier"] == "drv-rheinland"]


def test_naming_a_carrier_invites_it_and_binds_it_only_when_it_accepts(
    api: Api,  # noqa: F811
    world: dict[str, Any],
) -> None:
    # finding 2, rule N4: Rheinland names Westfalen: Westfalen is invited, not bound
    agreement = _agreement(api, world, "netzwerk.rheinland", ["drv-westfalen"])
    aid, path = agreement["id"], f"/api/v1/agreements/{agreement['id']}"
    assert _parties(api, aid, "netzwerk.rheinland") == {
        ("drv-rheinland", "party"),
        ("drv-westfalen", "invited"),
    }
    # an open invitation blocks activation, even with an override reason
    r = api.post(f"{path}/activate", {"override_reason": "Sofort"}, as_="netzwerk.rheinland")
    assert r.status_code == 422, r.text
    assert [(e["field"], e["rule"]) for e in r.json()["errors"]] == [("carriers", "N4")]
    # Westfalen is told and may read it, but acts only after accepting
    notices = api.get("/api/v1/notices?acknowledged=false", as_="netzwerk.westfalen").json()
    assert any(n["subject"]["id"] == aid for n in notices)
    invited = api.get(path, as_="netzwerk.westfalen").json()
    assert (invited["my_standing"], invited["may_answer_invitation"]) == ("invited", True)
    assert api.patch(path, {"title": "Vorab"}, as_="netzwerk.westfalen").status_code == 403
    assert api.post(f"{path}/accept", as_="netzwerk.rheinland").status_code == 403  # a party
    assert api.post(f"{path}/accept", as_="netzwerk.kbs").status_code == 403  # not invited
    assert api.post(f"{path}/accept", as_="strategist.hessen").status_code == 404  # stranger
    r = api.post(f"{path}/accept", as_="netzwerk.westfalen")
    assert r.status_code == 200, r.text
    assert r.json()["may_manage"] is True
    assert _parties(api, aid, "netzwerk.westfalen") == {
        ("drv-rheinland", "party"),
        ("drv-westfalen", "party"),
    }
    assert api.post(f"{path}/accept", as_="netzwerk.westfalen").status_code == 403  # once
    # now a party, Westfalen cannot be removed by Rheinland, but may leave itself
    r = api.patch(path, {"carriers": ["drv-rheinland"]}, as_="netzwerk.rheinland")
    assert r.status_code == 422, r.text
    assert r.json()["errors"][0]["field"] == "carriers"
    r = api.post(f"{path}/activate", {"override_reason": "Pilot"}, as_="netzwerk.rheinland")
    assert r.status_code == 200, r.text
    history = [h["action"] for h in r.json()["history"]]
    assert "agreement.invitation_accepted" in history


def test_declining_removes_the_invitation_and_nobody_withdraws_it_for_the_invited(
    api: Api,  # noqa: F811
    world: dict[str, Any],
) -> None:
    # rule N4
    agreement = _agreement(
        api, world, "netzwerk.westfalen", ["drv-westfalen", "drv-knappschaft-bahn-see"]
    )
    aid, path = agreement["id"], f"/api/v1/agreements/{agreement['id']}"
    r = api.patch(path, {"carriers": ["drv-westfalen"]}, as_="netzwerk.westfalen")
    assert r.status_code == 422, r.text  # only the invited carrier answers its invitation
    r = api.patch(
        path,
        {"carriers": ["drv-westfalen", "drv-knappschaft-bahn-see", "drv-rheinland"]},
        as_="netzwerk.westfalen",
    )
    assert r.status_code == 200, r.text  # inviting a further carrier is a party's right
    assert ("drv-rheinland", "invited") in _parties(api, aid, "netzwerk.westfalen")
    r = api.post(f"{path}/decline", as_="netzwerk.kbs")
    assert r.status_code == 200, r.text
    r = api.post(f"{path}/decline", as_="netzwerk.rheinland")
    assert r.status_code == 200, r.text
    assert _parties(api, aid, "netzwerk.westfalen") == {("drv-westfalen", "party")}
    assert api.post(f"{path}/decline", as_="netzwerk.kbs").status_code == 403  # no more
    r = api.post(f"{path}/activate", {"override_reason": "Pilot"}, as_="netzwerk.westfalen")
    assert r.status_code == 200, r.text


def test_a_carrier_adds_or_removes_only_itself_from_a_partner(
    api: Api,  # noqa: F811
    world: dict[str, Any],
) -> None:
    # finding 4, rule N4: a partner's carrier list is not rewritten by another carrier
    r = api.post(
        "/api/v1/partners",
        {**partner_body("Suchtberatung Münster", "48143"), "carriers": ["drv-rheinland"]},
        as_="netzwerk.westfalen",
    )
    assert r.status_code == 422, r.text
    assert [(e["field"], e["rule"]) for e in r.json()["errors"]] == [("carriers", "N4")]
    r = api.post(
        "/api/v1/partners", partner_body("Suchtberatung Münster", "48143"), as_="netzwerk.westfalen"
    )
    assert r.status_code == 201, r.text
    path = f"/api/v1/partners/{r.json()['id']}"
    # Rheinland joins by adding itself, nothing else
    both = ["drv-rheinland", "drv-westfalen"]
    assert api.patch(path, {"carriers": both}, as_="netzwerk.rheinland").status_code == 200
    assert api.patch(path, {"name": "X"}, as_="netzwerk.kbs").status_code == 403
    # it cannot remove Westfalen nor add Hessen
    r = api.patch(path, {"carriers": ["drv-rheinland"]}, as_="netzwerk.rheinland")
    assert r.status_code == 422, r.text
    assert r.json()["errors"][0]["field"] == "carriers"
    r = api.patch(path, {"carriers": [*both, "drv-hessen"]}, as_="netzwerk.rheinland")
    assert r.status_code == 422, r.text
    # it may remove itself again; Westfalen keeps its right to edit throughout
    assert (
        api.patch(path, {"carriers": ["drv-westfalen"]}, as_="netzwerk.rheinland").status_code
        == 200
    )
    r = api.patch(path, {"services": ["Beratung", "Begleitung"]}, as_="netzwerk.westfalen")
    assert r.status_code == 200, r.text
    assert api.get(path, as_="netzwerk.westfalen").json()["carriers"] == ["drv-westfalen"]
