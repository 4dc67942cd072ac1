"""Network API: partners (N1), agreements (N2–N5), coverage (N6), unmet need (N7), partner
search (E7). One registry for the module; each test builds what it needs."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from registry import clock
from tests.api.conftest import Api
from tests.api.helpers import application, site

LUEBECK = "01003"
KIEL = "01002"
FRANKFURT = "06412"


def partner_body(name: str, type_: str, postal_code: str, **over: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": name,
        "type": type_,
        "sites": [
            {
                "name": f"{name} Hauptstelle",
                "address": {"street": "Markt 1", "postal_code": postal_code, "place": ""},
                "service_radius_km": 30,
            }
        ],
        "services": ["Beratung", "Vermittlung"],
        "target_groups": ["addiction"],
        "contacts": [
            {
                "name": "Petra Kontakt",
                "role": "Teamleitung",
                "email": "petra@partner.example",
                "phone": "0451 9999",
                "reachability": "Mo–Fr 9–12 Uhr",
            }
        ],
        "carriers": [],
    }
    body.update(over)
    return body


def complete_contents() -> dict[str, Any]:
    return {
        "roles": "Der Partner berät, der Träger steuert das Fallmanagement.",
        "target_groups": ["addiction"],
        "services": ["Schuldnerberatung"],
        "contacts": [{"name": "Max Fest", "role": "Ansprechpartner", "email": "max@x.example"}],
        "reaction_time_days": 5,
        "channels": ["digital", "phone"],
        "common_documents": ["Überleitungsbogen"],
        "documentation": "Verlauf und Ergebnis im gemeinsamen Bogen.",
        "data_protection": "Einwilligung, §35 SGB I, §78 SGB X.",
        "review": {"interval_months": 12},
    }


def agreement_body(partner_id: str, **over: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "cooperation_agreement",
        "purpose": "general",
        "title": "Kooperation Lübeck",
        "carriers": ["drv-nord"],
        "partners": [partner_id],
        "scope": {"level": "districts", "districts": [LUEBECK]},
        "valid_from": clock.today().isoformat(),
        "contents": {"roles": "Nur die Rollen stehen schon fest."},
    }
    body.update(over)
    return body


def new_partner(
    api: Api, name: str, type_: str = "jobcenter", pc: str = "23556", **over: Any
) -> Any:
    r = api.post("/api/v1/partners", partner_body(name, type_, pc, **over), as_="cm.nord")
    assert r.status_code == 201, r.text
    return r.json()


def active_agreement(api: Api, partner_id: str, **over: Any) -> Any:
    body = agreement_body(partner_id, contents=complete_contents(), **over)
    r = api.post("/api/v1/agreements", body, as_="strategist.nord")
    assert r.status_code == 201, r.text
    r = api.post(f"/api/v1/agreements/{r.json()['id']}/activate", as_="strategist.nord")
    assert r.status_code == 200, r.text
    return r.json()


def agreement_notices(api: Api, user: str, agreement_id: str) -> list[Any]:
    r = api.get("/api/v1/notices?acknowledged=false", as_=user)
    assert r.status_code == 200, r.text
    return [n for n in r.json() if n["subject"]["id"] == agreement_id]


# --------------------------------------------------------------------------- partners (N1)


def test_partner_is_created_geocoded_read_and_changed(api: Api) -> None:
    # rule N1: type, sites (address -> district), services, target groups, named contacts
    created = new_partner(api, "Jobcenter Lübeck")
    assert created["type"] == "jobcenter"
    assert created["carriers"] == ["drv-nord"]  # the creator's carrier works with it
    assert created["sites"][0]["district"]["key"] == LUEBECK
    assert created["contacts"][0]["reachability"] == "Mo–Fr 9–12 Uhr"

    # §9: case managers of other carriers and strategists read partners; readers do not
    assert api.get(f"/api/v1/partners/{created['id']}", as_="cm.hessen").status_code == 200
    assert api.get(f"/api/v1/partners/{created['id']}", as_="strategist.bund").status_code == 200
    assert api.get(f"/api/v1/partners/{created['id']}", as_="reader.nord").status_code == 403
    assert api.get(f"/api/v1/partners/{created['id']}", as_="officer.nord").status_code == 403

    # rule N1: only carriers working with the partner change it
    patch = {"contacts": [{"name": "Neu Kontakt", "role": "Leitung", "phone": "0451 1"}]}
    r = api.patch(f"/api/v1/partners/{created['id']}", patch, as_="cm.hessen")
    assert r.status_code == 403
    site_id = created["sites"][0]["id"]
    sites = [
        {**created["sites"][0], "id": site_id},
        {
            "name": "Außenstelle Kiel",
            "address": {"postal_code": "24103", "place": "Kiel"},
            "service_radius_km": 20,
        },
    ]
    sites[0] = {k: sites[0][k] for k in ("id", "name", "address", "service_radius_km")}
    r = api.patch(
        f"/api/v1/partners/{created['id']}", {**patch, "sites": sites}, as_="strategist.nord"
    )
    assert r.status_code == 200, r.text
    changed = r.json()
    assert changed["version"] == 2
    assert changed["contacts"][0]["name"] == "Neu Kontakt"
    assert {s["district"]["key"] for s in changed["sites"]} == {LUEBECK, KIEL}
    assert site_id in {s["id"] for s in changed["sites"]}

    listed = api.get("/api/v1/partners?type=jobcenter&q=kiel", as_="cm.nord").json()
    assert [p["id"] for p in listed["results"]] == [created["id"]]
    assert listed["total"] == 1
    mine = api.get("/api/v1/partners?carrier=drv-hessen", as_="strategist.hessen").json()
    assert created["id"] not in {p["id"] for p in mine["results"]}


def test_invalid_partner_lists_every_problem(api: Api) -> None:
    # rule N1: a partner needs a known type, contacts with role and reachability, a district
    body = partner_body("Ohne alles", "astrology", "99999", contacts=[], target_groups=[])
    r = api.post("/api/v1/partners", body, as_="cm.nord")
    assert r.status_code == 422
    fields = {(e["field"], e.get("rule")) for e in r.json()["errors"]}
    assert ("type", "N1") in fields
    assert ("contacts", "N1") in fields
    assert ("target_groups", "N1") in fields
    assert ("sites[0].address.postal_code", "N1") in fields


# --------------------------------------------------------------------------- partner search (E7)


def test_partner_search_by_distance_and_type(api: Api) -> None:
    # rule E7: partners by type, target group and distance, nearest first, with the total
    debt = new_partner(api, "Schuldnerberatung Hanse", "debt-counselling", "23552")
    far = new_partner(
        api,
        "Schuldnerberatung Förde",
        "debt-counselling",
        "24103",
        sites=[
            {
                "name": "Förde",
                "address": {"postal_code": "24103", "place": "Kiel"},
                "service_radius_km": 120,
            }
        ],
    )
    r = api.get(
        "/api/v1/partners/search?postal_code=23556&type=debt-counselling&target_group=addiction",
        as_="cm.nord",
    )
    assert r.status_code == 200, r.text
    body = r.json()
    ids = [hit["partner"]["id"] for hit in body["results"]]
    assert ids == [debt["id"], far["id"]]  # nearest first (E4 order)
    assert body["total"] == 2
    assert body["results"][0]["distance_km"] < body["results"][1]["distance_km"]
    assert body["results"][0]["site"]["address"]["postal_code"] == "23552"
    assert body["results"][0]["partner"]["contacts"][0]["name"] == "Petra Kontakt"

    near = api.get(
        "/api/v1/partners/search?postal_code=23556&type=debt-counselling&max_distance_km=20",
        as_="cm.nord",
    ).json()
    assert [hit["partner"]["id"] for hit in near["results"]] == [debt["id"]]

    # the Kiel site's 120 km reach Frankfurt? no: outside every service radius
    assert api.get("/api/v1/partners/search?postal_code=60311", as_="cm.nord").json()["total"] == 0
    # §9: directory readers search the provider directory only
    assert (
        api.get("/api/v1/partners/search?postal_code=23556", as_="reader.nord").status_code == 403
    )
    bad = api.get("/api/v1/partners/search?postal_code=23556&type=astrology", as_="cm.nord")
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["rule"] == "E7"


def test_partner_change_reaches_search(api: Api) -> None:
    # rule E7: the search stays current (outbox): a deactivated partner disappears
    partner = new_partner(api, "Selbsthilfe Trave", "self-help-contact-point", "23552")
    query = "/api/v1/partners/search?postal_code=23556&type=self-help-contact-point"
    assert [h["partner"]["id"] for h in api.get(query, as_="cm.nord").json()["results"]] == [
        partner["id"]
    ]
    r = api.patch(f"/api/v1/partners/{partner['id']}", {"active": False}, as_="cm.nord")
    assert r.status_code == 200, r.text
    assert api.get(query, as_="cm.nord").json()["total"] == 0


# --------------------------------------------------------------------------- agreements (N2–N5)


def test_agreement_lifecycle_walkthrough(api: Api) -> None:
    partner = new_partner(api, "Jobcenter Hansestadt")
    # rule N2: a draft with carriers, partners, a scope and a validity
    r = api.post("/api/v1/agreements", agreement_body(partner["id"]), as_="strategist.nord")
    assert r.status_code == 201, r.text
    draft = r.json()
    agreement_id = draft["id"]
    assert draft["status"] == "draft"
    assert draft["partner_details"][0]["name"] == "Jobcenter Hansestadt"
    # rule N4 (API.md): the creating carrier is a party
    assert [(p["carrier"], p["status"]) for p in draft["parties"]] == [("drv-nord", "party")]

    # rule N4: creating notifies the region's carriers and both federal carriers, not the actor
    assert len(agreement_notices(api, "strategist.bund", agreement_id)) == 1
    assert agreement_notices(api, "strategist.nord", agreement_id) == []
    assert agreement_notices(api, "strategist.hessen", agreement_id) == []

    # rule N3: activation is refused with EVERY missing content
    r = api.post(f"/api/v1/agreements/{agreement_id}/activate", as_="strategist.nord")
    assert r.status_code == 422
    errors = r.json()["errors"]
    assert {e["rule"] for e in errors} == {"N3"}
    assert {e["field"] for e in errors} == {
        "contents.target_groups",
        "contents.services",
        "contents.contacts",
        "contents.reaction_time_days",
        "contents.channels",
        "contents.common_documents",
        "contents.documentation",
        "contents.data_protection",
        "contents.review",
    }

    # rule N5: a draft changes in place (no new version)
    r = api.patch(
        f"/api/v1/agreements/{agreement_id}",
        {"contents": complete_contents()},
        as_="strategist.nord",
    )
    assert r.status_code == 200, r.text
    assert r.json()["version"] == 1
    assert r.json()["missing_contents"] == []

    # rule N3: complete -> active, with the next review from the interval
    r = api.post(f"/api/v1/agreements/{agreement_id}/activate", as_="strategist.nord")
    assert r.status_code == 200, r.text
    active = r.json()
    assert active["status"] == "active"
    assert active["override_reason"] is None
    review = clock.today().replace(year=clock.today().year + 1)
    assert active["next_review"] == review.isoformat()

    # rule N4: the federal strategists see the activation notice and acknowledge it
    notices = agreement_notices(api, "strategist.bund", agreement_id)
    assert len(notices) == 2
    assert notices[0]["kind"] == "agreement"
    assert notices[0]["subject"]["title"] == "Kooperation Lübeck"
    for notice in notices:
        r = api.post(f"/api/v1/notices/{notice['id']}/acknowledge", as_="strategist.bund")
        assert r.status_code == 200
    assert agreement_notices(api, "strategist.bund", agreement_id) == []
    # officers acknowledge admission notices, not agreement notices
    assert agreement_notices(api, "officer.bund", agreement_id) == []

    # rule N5: changing an active agreement makes a new version, the old one is kept
    r = api.patch(
        f"/api/v1/agreements/{agreement_id}",
        {"title": "Kooperation Lübeck 2", "contents": {"reaction_time_days": 3}},
        as_="strategist.nord",
    )
    assert r.status_code == 200, r.text
    changed = r.json()
    assert changed["version"] == 2
    assert [v["version"] for v in changed["versions"]] == [1, 2]
    assert changed["versions"][0]["snapshot"]["title"] == "Kooperation Lübeck"
    assert changed["versions"][0]["snapshot"]["contents"]["reaction_time_days"] == 5
    assert changed["contents"]["reaction_time_days"] == 3
    assert len(agreement_notices(api, "strategist.bund", agreement_id)) == 1  # rule N4

    # rule N5: due for review once the next review falls within the window
    due = api.get("/api/v1/agreements/due-for-review?within_days=90", as_="strategist.nord")
    assert agreement_id not in {a["id"] for a in due.json()}
    clock.shift(timedelta(days=300))
    due = api.get("/api/v1/agreements/due-for-review?within_days=90", as_="strategist.nord")
    assert due.status_code == 200, due.text
    item = next(a for a in due.json() if a["id"] == agreement_id)
    assert item["overdue"] is False
    # rule N5: per carrier: DRV Hessen is no party
    due = api.get("/api/v1/agreements/due-for-review?within_days=90", as_="strategist.hessen")
    assert agreement_id not in {a["id"] for a in due.json()}

    # rule N4: suspend and resume with a reason
    for action in ("suspend", "resume"):
        r = api.post(
            f"/api/v1/agreements/{agreement_id}/{action}",
            {"reason": "Personalwechsel beim Partner"},
            as_="strategist.nord",
        )
        assert r.status_code == 200, r.text
    # rule N5: ended agreements stay readable with their versions and history
    r = api.post(
        f"/api/v1/agreements/{agreement_id}/terminate",
        {"reason": "Partner löst die Stelle auf"},
        as_="strategist.nord",
    )
    assert r.status_code == 200, r.text
    ended = api.get(f"/api/v1/agreements/{agreement_id}", as_="strategist.nord").json()
    assert ended["status"] == "terminated"
    assert ended["status_reason"] == "Partner löst die Stelle auf"
    assert [v["version"] for v in ended["versions"]] == [1, 2]
    actions = [e["action"] for e in ended["history"]]
    assert actions == [
        "agreement.created",
        "agreement.edited",
        "agreement.activated",
        "agreement.new_version",
        "agreement.suspended",
        "agreement.resumed",
        "agreement.terminated",
    ]
    listed = api.get("/api/v1/agreements?status=terminated", as_="strategist.nord").json()
    assert agreement_id in {a["id"] for a in listed}
    # a terminated agreement cannot be changed any more
    r = api.patch(f"/api/v1/agreements/{agreement_id}", {"title": "x"}, as_="strategist.nord")
    assert r.status_code == 409


def test_incomplete_agreement_activates_only_with_a_recorded_reason(api: Api) -> None:
    # rule N3: an override reason activates an incomplete agreement and is shown on it
    partner = new_partner(api, "Integrationsfachdienst Nord", "integration-service")
    r = api.post("/api/v1/agreements", agreement_body(partner["id"]), as_="strategist.nord")
    agreement_id = r.json()["id"]
    r = api.post(
        f"/api/v1/agreements/{agreement_id}/activate",
        {"override_reason": "Pilotphase, Inhalte folgen bis Jahresende"},
        as_="strategist.nord",
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "active"
    assert body["override_reason"] == "Pilotphase, Inhalte folgen bis Jahresende"
    assert body["missing_contents"]  # still shown
    messages = [n["message"] for n in agreement_notices(api, "strategist.bund", agreement_id)]
    assert any("Pilotphase" in m for m in messages)  # rule N4: the reason travels with it


def test_agreement_permissions_by_scope(api: Api) -> None:
    partner = new_partner(api, "Krankenkasse Nord", "health-insurer")
    national = agreement_body(partner["id"], scope={"level": "national"}, carriers=["drv-bund"])
    # rule N4: national agreements only by DRV Bund's strategists
    assert api.post("/api/v1/agreements", national, as_="strategist.hessen").status_code == 403
    assert api.post("/api/v1/agreements", national, as_="strategist.nord").status_code == 403
    r = api.post("/api/v1/agreements", national, as_="strategist.bund")
    assert r.status_code == 201, r.text
    # rule N4: a national agreement concerns every carrier
    assert len(agreement_notices(api, "strategist.hessen", r.json()["id"])) == 1

    # rule N4: regional agreements by the region's carriers and the federal ones only
    regional = agreement_body(partner["id"])
    assert api.post("/api/v1/agreements", regional, as_="strategist.hessen").status_code == 403
    r = api.post("/api/v1/agreements", regional, as_="strategist.bund")
    assert r.status_code == 201, r.text
    regional_id = r.json()["id"]
    # out of the caller's region: not found (§9 reveals nothing)
    assert api.get(f"/api/v1/agreements/{regional_id}", as_="strategist.hessen").status_code == 404
    assert api.get(f"/api/v1/agreements/{regional_id}", as_="strategist.nord").status_code == 200
    # §9: agreements are the strategists' business
    assert api.post("/api/v1/agreements", regional, as_="cm.nord").status_code == 403
    assert api.get("/api/v1/agreements", as_="admin").status_code == 403

    # rule N2: procedure agreements only among social-benefit carriers
    debt = new_partner(api, "Schuldnerberatung Mitte", "debt-counselling")
    body = agreement_body(debt["id"], kind="procedure_agreement")
    r = api.post("/api/v1/agreements", body, as_="strategist.nord")
    assert r.status_code == 422
    assert r.json()["errors"][0]["rule"] == "N2"
    # extra fields are refused, not silently dropped
    r = api.post("/api/v1/agreements", {**regional, "secret": 1}, as_="strategist.nord")
    assert r.status_code == 422


def test_n5_due_list_names_an_end_in_the_window_and_n6_keeps_it_on_its_last_day(
    api: Api,
) -> None:
    # rule N5 (issue 15): an agreement ending within the window is due, saying "ends"
    partner = new_partner(api, "Suchtberatung Plön", "addiction-counselling")
    end = (clock.today() + timedelta(days=60)).isoformat()
    active = active_agreement(api, partner["id"], valid_until=end, title="Endet bald")
    due = api.get("/api/v1/agreements/due-for-review?within_days=90", as_="strategist.nord")
    assert due.status_code == 200
    (row,) = [a for a in due.json() if a["id"] == active["id"]]
    assert row["due"] == "ends" and row["due_on"] == end
    shorter = api.get("/api/v1/agreements/due-for-review?within_days=59", as_="strategist.nord")
    assert active["id"] not in [a["id"] for a in shorter.json()]


def test_agreement_past_its_end_expires_and_stays_readable(api: Api) -> None:
    # rule N5: expired agreements stay readable
    partner = new_partner(api, "Reha-Klinik Ostsee", "rehab-facility")
    end = (clock.today() + timedelta(days=30)).isoformat()
    active = active_agreement(api, partner["id"], valid_until=end, title="Befristet")
    clock.shift(timedelta(days=31))
    r = api.get(f"/api/v1/agreements/{active['id']}", as_="strategist.nord")
    assert r.status_code == 200
    assert r.json()["status"] == "expired"
    assert r.json()["history"][-1]["action"] == "agreement.expired"
    r = api.post(
        f"/api/v1/agreements/{active['id']}/suspend", {"reason": "zu spät"}, as_="strategist.nord"
    )
    assert r.status_code == 409


# --------------------------------------------------------------------------- coverage (N6, N7)


def _row(rows: list[Any], key: str) -> Any:
    return next(r for r in rows if r["district"]["key"] == key)


def test_coverage_counts_admitted_sites_partners_and_unmet_need(api: Api) -> None:
    group = "cardiology"
    # rule N6: one row for every district of Germany, whatever the caller's carrier
    before = api.get(f"/api/v1/coverage?target_group={group}", as_="strategist.hessen")
    assert before.status_code == 200, before.text
    rows = before.json()
    assert len(rows) == 400
    assert len({r["district"]["key"] for r in rows}) == 400
    assert _row(rows, LUEBECK)["provider_sites"] == 0
    assert _row(rows, LUEBECK)["gap"] is True

    # an admitted site in Lübeck (A6), submitted and decided through the API
    ref = api.registry.reference
    body = application(
        ref,
        "drv-nord",
        [site("Beratung Lübeck", "23556", "Lübeck", headquarters=True, catchment_radius_km=25)],
        [group],
        provider={
            "name": "Herzberatung Nord gGmbH",
            "legal_form": "gGmbH",
            "email": "info@herz-nord.example",
        },
    )
    r = api.post("/api/v1/applications", body, as_="officer.nord")
    assert r.status_code == 201, r.text
    app = r.json()
    decision = {
        "target_groups": {group: {"admit": True, "reason": "Uns fehlt kardiologische Expertise."}},
        "version": api.get(f"/api/v1/applications/{app['id']}", as_="officer.nord").json()[
            "version"
        ],
    }
    r = api.post(f"/api/v1/applications/{app['id']}/decision", decision, as_="officer.nord")
    assert r.status_code == 200, r.text

    # a partner with an agreement in force for the group, serving Lübeck
    partner = new_partner(
        api, "Herzsportgruppe Lübeck", "self-help-contact-point", target_groups=[group]
    )
    contents = {**complete_contents(), "target_groups": [group]}
    body = agreement_body(partner["id"], contents=contents)
    agreement_id = api.post("/api/v1/agreements", body, as_="strategist.nord").json()["id"]
    assert (
        api.post(f"/api/v1/agreements/{agreement_id}/activate", as_="strategist.nord").status_code
        == 200
    )
    # rule N7: a recorded unmet need is counted
    need = {"postal_code": "24103", "target_groups": [group]}
    assert api.post("/api/v1/unmet-needs", need, as_="cm.nord").status_code == 201

    rows = api.get(f"/api/v1/coverage?target_group={group}", as_="strategist.hessen").json()
    assert len(rows) == 400
    luebeck = _row(rows, LUEBECK)
    assert luebeck["provider_sites"] == 1
    assert luebeck["partners"] == 1  # the agreement's scope is Lübeck only
    assert luebeck["gap"] is False
    assert luebeck["responsible_carrier"] == "drv-nord"
    assert luebeck["state"] == "Schleswig-Holstein"
    assert _row(rows, KIEL)["unmet_needs"] == 1
    assert _row(rows, KIEL)["partners"] == 0
    assert _row(rows, FRANKFURT)["provider_sites"] == 0
    assert _row(rows, FRANKFURT)["gap"] is True

    # rule N6 look-ahead: the agreement's review (12 months) falls in 400 days, the
    # admission's review (36 months) does not; a review is not an end (issue 15): the partner
    # still counts after the look-ahead, shown apart as at risk
    rows = api.get(f"/api/v1/coverage?target_group={group}&lookahead_days=400", as_="admin").json()
    luebeck = _row(rows, LUEBECK)
    assert (luebeck["provider_sites_after"], luebeck["partners_after"]) == (1, 1)
    assert (luebeck["provider_sites_at_risk"], luebeck["partners_at_risk"]) == (0, 1)
    rows = api.get(f"/api/v1/coverage?target_group={group}&lookahead_days=1200", as_="admin").json()
    luebeck = _row(rows, LUEBECK)
    assert luebeck["provider_sites_after"] == 1 and luebeck["provider_sites_at_risk"] == 1

    # §9: coverage is for strategists and admins
    assert api.get(f"/api/v1/coverage?target_group={group}", as_="cm.nord").status_code == 403
    r = api.get("/api/v1/coverage?target_group=astrology", as_="strategist.nord")
    assert r.status_code == 422


def test_n7_unmet_need_records_language_outreach_and_barrier_free(api: Api) -> None:
    # rule N7 (issue 15): the case's non-personal needs are recorded and shown to strategists
    body = {
        "postal_code": "53111",
        "target_groups": ["addiction"],
        "language": "tr",
        "outreach": True,
        "barrier_free": False,
    }
    r = api.post("/api/v1/unmet-needs", body, as_="cm.nord")
    assert r.status_code == 201, r.text
    assert (r.json()["language"], r.json()["outreach"], r.json()["barrier_free"]) == (
        "tr",
        True,
        False,
    )
    counts = api.get("/api/v1/unmet-needs", as_="strategist.nord").json()
    bonn = next(
        c
        for c in counts
        if c["district"]["key"] == r.json()["district"]["key"] and c["target_group"] == "addiction"
    )
    assert {"language": "tr", "outreach": True, "barrier_free": False, "count": 1} in bonn["needs"]
    # still nothing else, refused by name
    r = api.post("/api/v1/unmet-needs", {**body, "person": "Herr K."}, as_="cm.nord")
    assert r.status_code == 422
    assert r.json()["errors"] == [
        {"field": "person", "message": "Feld nicht erlaubt", "rule": "N7"}
    ]
    r = api.post("/api/v1/unmet-needs", {**body, "language": "spricht Türkisch"}, as_="cm.nord")
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "language"


def test_unmet_need_takes_postal_code_and_groups_only(api: Api) -> None:
    # rule N7: carrier, district (from the postal code), groups, date and nothing else
    r = api.post(
        "/api/v1/unmet-needs",
        {"postal_code": "60311", "target_groups": ["oncology", "oncology"]},
        as_="cm.hessen",
    )
    assert r.status_code == 201, r.text
    need = r.json()
    assert need["district"]["key"] == FRANKFURT
    assert need["carrier"] == "drv-hessen"
    assert need["target_groups"] == ["oncology"]
    assert need["on_date"] == clock.today().isoformat()

    r = api.post(
        "/api/v1/unmet-needs",
        {"postal_code": "60311", "target_groups": ["oncology"], "name": "Frau M."},
        as_="cm.hessen",
    )
    assert r.status_code == 422
    assert r.json()["errors"] == [{"field": "name", "message": "Feld nicht erlaubt", "rule": "N7"}]
    r = api.post(
        "/api/v1/unmet-needs", {"postal_code": "6031", "target_groups": []}, as_="cm.hessen"
    )
    assert r.status_code == 422
    assert {e["field"] for e in r.json()["errors"]} == {"postal_code", "target_groups"}
    r = api.post(
        "/api/v1/unmet-needs",
        {"postal_code": "00000", "target_groups": ["oncology"]},
        as_="cm.hessen",
    )
    assert r.status_code == 422
    # §9: only case managers record unmet need
    body = {"postal_code": "60311", "target_groups": ["oncology"]}
    assert api.post("/api/v1/unmet-needs", body, as_="strategist.hessen").status_code == 403
    counts = api.get("/api/v1/unmet-needs", as_="strategist.hessen").json()
    assert {"district": {"key": FRANKFURT, "name": need["district"]["name"]}}.items() <= next(
        c for c in counts if c["district"]["key"] == FRANKFURT and c["target_group"] == "oncology"
    ).items()
