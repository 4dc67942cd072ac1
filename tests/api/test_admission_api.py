"""Admission journeys through the HTTP API (rules A1–A12, Q0–Q8 as users meet them)."""

from __future__ import annotations

import threading
from typing import Any

from tests.api.conftest import PASSWORD, Api
from tests.api.helpers import application, case_manager, site

REASON = "Wir benötigen externe Expertise für diese Zielgruppe, die wir selbst nicht vorhalten."


def submit(api: Api, body: dict[str, Any], as_: str = "officer.nord") -> dict[str, Any]:
    r = api.post("/api/v1/applications", body, as_=as_)
    assert r.status_code == 201, r.text
    return r.json()


def decide(api: Api, app: dict[str, Any], as_: str, **groups: bool) -> Any:
    body = {
        "target_groups": {
            g: {"admit": admit, "reason": REASON if admit else "Kein Bedarf in der Region."}
            for g, admit in groups.items()
        },
        "version": app["version"],
    }
    return api.post(f"/api/v1/applications/{app['id']}/decision", body, as_=as_)


def test_whole_journey_forward_decide_follow_on_notices_suspend_resume_revoke(api: Api) -> None:
    ref = api.registry.reference
    # rule A3: DRV Bund has no region and forwards; headquarters site in Lübeck decides the lead
    body = application(
        ref,
        "drv-bund",
        [site("Kassel", "34117"), site("Lübeck", "23556", headquarters=True)],
        ["addiction"],
        provider={"name": "Wegweiser gGmbH", "legal_form": "gGmbH", "email": "a@wegweiser.example"},
    )
    app = submit(api, body, as_="officer.bund")
    assert app["forwarded"] is True and app["lead_carrier"] == "drv-nord"
    assert [e["action"] for e in app["history"]] == [
        "application.submitted",
        "application.forwarded",
    ]

    # rule A3: the receiving carrier does not decide it
    r = decide(api, app, "officer.bund", addiction=True)
    assert r.status_code == 403

    # rule A5/A6/A7: lead decides; Lübeck admitted at once, Kassel awaits DRV Hessen
    r = decide(api, app, "officer.nord", addiction=True)
    assert r.status_code == 200, r.text
    decided = r.json()
    status = {s["name"]: s["admission_status"] for s in decided["sites"]}
    assert status == {"Kassel": "awaiting_follow_on", "Lübeck": "admitted"}
    assert decided["decision"]["target_groups"]["addiction"]["reason"] == REASON

    tasks = api.get("/api/v1/follow-on-admissions?status=open", as_="officer.hessen").json()
    task = next(t for t in tasks if t["application_id"] == app["id"])
    assert task["overdue"] is False and task["age_days"] == 0
    # rule A7: only the task's carrier admits the follow-on
    assert (
        api.post(f"/api/v1/follow-on-admissions/{task['id']}/admit", as_="officer.nord").status_code
        == 404
    )
    r = api.post(f"/api/v1/follow-on-admissions/{task['id']}/admit", as_="officer.hessen")
    assert r.status_code == 200, r.text
    after = api.get(f"/api/v1/applications/{app['id']}", as_="officer.hessen").json()
    assert {s["name"]: s["admission_status"] for s in after["sites"]} == {
        "Kassel": "admitted",
        "Lübeck": "admitted",
    }

    # rule A8: the federal carriers are informed and acknowledge
    notices = api.get("/api/v1/notices?acknowledged=false", as_="officer.bund").json()
    mine = [n for n in notices if n["subject"]["id"] == app["id"]]
    assert len(mine) == 2 and mine[0]["subject"]["title"] == "Wegweiser gGmbH"
    r = api.post(f"/api/v1/notices/{mine[0]['id']}/acknowledge", as_="officer.bund")
    assert r.status_code == 200
    still_open = api.get("/api/v1/notices?acknowledged=false", as_="officer.bund").json()
    assert mine[0]["id"] not in {n["id"] for n in still_open}
    # a carrier's notice is not another carrier's: 404
    assert (
        api.post(f"/api/v1/notices/{mine[1]['id']}/acknowledge", as_="officer.hessen").status_code
        == 404
    )

    # rule A9: only the issuing carrier suspends, resumes, revokes
    kassel = next(s for s in after["sites"] if s["name"] == "Kassel")
    path = f"/api/v1/admissions/{kassel['id']}"
    assert api.post(f"{path}/suspend", {"reason": "Prüfung"}, as_="officer.nord").status_code == 404
    r = api.post(f"{path}/suspend", {"reason": "Beschwerde wird geprüft"}, as_="officer.hessen")
    assert r.status_code == 200 and r.json()["admission_status"] == "suspended"
    r = api.post(f"{path}/resume", {"reason": "Beschwerde unbegründet"}, as_="officer.hessen")
    assert r.status_code == 200 and r.json()["admission_status"] == "admitted"
    r = api.post(f"{path}/revoke", {"reason": "Kein Personal mehr"}, as_="officer.hessen")
    assert r.status_code == 200 and r.json()["admission_status"] == "revoked"
    # rule A9: revoked is final
    r = api.post(f"{path}/resume", {"reason": "doch"}, as_="officer.hessen")
    assert r.status_code == 409
    # rule A10: every step is in the history with who, carrier and why
    history = api.get(f"/api/v1/applications/{app['id']}", as_="officer.nord").json()["history"]
    revoked = [e for e in history if e["action"].endswith("revoked")]
    assert revoked and revoked[-1]["carrier"] == "drv-hessen"
    assert revoked[-1]["reason"] == "Kein Personal mehr"


def test_provider_registers_applies_and_follows_its_application(api: Api) -> None:
    ref = api.registry.reference
    r = api.post(
        "/api/v1/providers",
        {
            "name": "Brücke Hessen e.V.",
            "legal_form": "e.V.",
            "email": "info@bruecke.example",
            "user": {"username": "bruecke", "password": "sicheres-passwort-42"},
        },
    )
    assert r.status_code == 201, r.text
    provider = r.json()
    api_body = application(
        ref,
        "drv-hessen",
        [site("Kassel", "34117", headquarters=True)],
        ["hearing-impairment"],
        provider={"id": provider["id"]},
    )
    r = api.client.post(
        "/api/v1/auth/token", json={"username": "bruecke", "password": "sicheres-passwort-42"}
    )
    token = r.json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    r = api.client.post("/api/v1/applications", json=api_body, headers=headers)
    assert r.status_code == 201, r.text
    app = r.json()
    assert app["lead_carrier"] == "drv-hessen" and app["forwarded"] is False  # rule A4
    assert decide(api, app, "officer.hessen", **{"hearing-impairment": True}).status_code == 200
    # rule A10: the provider sees each decision and reason about its own application
    seen = api.client.get(f"/api/v1/applications/{app['id']}", headers=headers).json()
    assert seen["decision"]["target_groups"]["hearing-impairment"]["reason"] == REASON
    assert any(e["reason"] == REASON for e in seen["history"])
    listed = api.client.get("/api/v1/applications", headers=headers).json()
    assert [a["id"] for a in listed] == [app["id"]]
    # docs/rules.md §9: another provider's application is not found
    other = submit(api, application(ref, "drv-nord", [site("Kiel", "24103")], ["addiction"]))
    assert api.client.get(f"/api/v1/applications/{other['id']}", headers=headers).status_code == 404
    # a provider applies only for itself
    foreign = application(
        ref,
        "drv-nord",
        [site("Kiel", "24103")],
        ["addiction"],
        provider={"id": other["provider"]["id"]},
    )
    r = api.client.post("/api/v1/applications", json=foreign, headers=headers)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "provider.id"


def test_refusing_every_group_refuses_the_application(api: Api) -> None:
    ref = api.registry.reference
    app = submit(
        api, application(ref, "drv-nord", [site("Kiel", "24103")], ["addiction", "oncology"])
    )
    r = decide(api, app, "officer.nord", addiction=False, oncology=False)
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "refused"  # rule A5
    assert body["sites"][0]["target_group_status"] == {
        "addiction": "refused",
        "oncology": "refused",
    }
    assert (
        api.get("/api/v1/follow-on-admissions?status=open", as_="officer.nord").status_code == 200
    )


def test_every_group_must_be_decided_with_a_reason(api: Api) -> None:
    ref = api.registry.reference
    app = submit(
        api, application(ref, "drv-nord", [site("Kiel", "24103")], ["addiction", "oncology"])
    )
    r = decide(api, app, "officer.nord", addiction=True)  # rule A5: oncology undecided
    assert r.status_code == 422
    assert any(e.get("rule") == "A5" for e in r.json()["errors"])
    body = {"target_groups": {"addiction": {"admit": True, "reason": "   "}}, "version": 1}
    r = api.post(f"/api/v1/applications/{app['id']}/decision", body, as_="officer.nord")
    assert r.status_code == 422  # rule A5: reason must be non-empty after trimming


def test_q8_per_group_admits_covered_and_refuses_uncovered(api: Api) -> None:
    ref = api.registry.reference
    cms = [case_manager("Anna", ["addiction"]), case_manager("Bernd", ["addiction"])]
    app = submit(
        api,
        application(
            ref, "drv-nord", [site("Kiel", "24103")], ["addiction", "oncology"], case_managers=cms
        ),
    )
    q8 = [f for f in app["findings"] if f["rule"] == "Q8" and f["severity"] == "blocking"]
    assert [f["target_group"] for f in q8] == ["oncology"]  # rule Q8
    r = decide(api, app, "officer.nord", addiction=True, oncology=True)
    assert r.status_code == 422 and any(e.get("rule") == "Q8" for e in r.json()["errors"])
    r = decide(api, app, "officer.nord", addiction=True, oncology=False)
    assert r.status_code == 200
    assert r.json()["sites"][0]["target_group_status"] == {
        "addiction": "admitted",
        "oncology": "refused",
    }


def test_blocking_finding_needs_an_override_with_reason(api: Api) -> None:
    ref = api.registry.reference
    lonely = [case_manager("Anna", ["addiction"])]
    app = submit(
        api,
        application(ref, "drv-nord", [site("Kiel", "24103")], ["addiction"], case_managers=lonely),
    )
    assert any(f["rule"] == "Q2" and f["severity"] == "blocking" for f in app["findings"])
    assert decide(api, app, "officer.nord", addiction=True).status_code == 422  # rule Q2
    body = {
        "target_groups": {"addiction": {"admit": True, "reason": REASON}},
        "overrides": [{"rule": "Q2", "reason": "Zweite Fachkraft beginnt nächsten Monat."}],
        "version": app["version"],
    }
    r = api.post(f"/api/v1/applications/{app['id']}/decision", body, as_="officer.nord")
    assert r.status_code == 200
    assert r.json()["decision"]["overrides"][0]["reason"].startswith("Zweite")


def test_two_officers_deciding_at_once_one_wins_the_other_gets_409(api: Api) -> None:
    ref = api.registry.reference
    app = submit(api, application(ref, "drv-nord", [site("Kiel", "24103")], ["addiction"]))
    api.token("officer.nord")
    results: list[int] = []
    barrier = threading.Barrier(2)

    def run(admit: bool) -> None:
        barrier.wait()
        results.append(decide(api, app, "officer.nord", addiction=admit).status_code)

    threads = [threading.Thread(target=run, args=(flag,)) for flag in (True, False)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [200, 409]  # rule A11
    final = api.get(f"/api/v1/applications/{app['id']}", as_="officer.nord").json()
    assert final["version"] == 2
    decisions = [e for e in final["history"] if e["action"].startswith("target_group.")]
    assert len(decisions) == 1  # nothing overwritten


def test_bad_input_gets_422_with_field_and_rule(api: Api) -> None:
    ref = api.registry.reference
    good = application(ref, "drv-nord", [site("Kiel", "24103")], ["addiction"])
    cases = [
        ({**good, "receiving_carrier": "drv-atlantis"}, "receiving_carrier", "A1"),
        ({**good, "target_groups": ["flying"]}, "target_groups[0]", "A1"),
        ({**good, "sites": [site("Nirgendwo", "00000")]}, "sites[0].address.postal_code", "A1"),
        ({**good, "concept": {"no-such-section": "x"}}, "concept.no-such-section", "Q1"),
    ]
    for body, field, rule in cases:
        r = api.post("/api/v1/applications", body, as_="officer.nord")
        assert r.status_code == 422, (field, r.text)
        errors = r.json()["errors"]
        assert any(e["field"] == field and e.get("rule") == rule for e in errors), errors
    r = api.post("/api/v1/applications", {**good, "sites": "Kiel"}, as_="officer.nord")
    assert r.status_code == 422 and r.json()["errors"]
    r = api.post("/api/v1/applications", {**good, "sites": []}, as_="officer.nord")
    assert r.status_code == 422
    before = len(api.get("/api/v1/applications", as_="officer.nord").json())
    r = api.post("/api/v1/applications", {**good, "unexpected": 1}, as_="officer.nord")
    assert r.status_code == 422
    assert len(api.get("/api/v1/applications", as_="officer.nord").json()) == before


def test_missing_concept_sections_are_blocking_findings(api: Api) -> None:
    ref = api.registry.reference
    body = application(ref, "drv-nord", [site("Kiel", "24103")], ["addiction"])
    body["concept"].pop("crisis-intervention")
    app = submit(api, body)
    q1 = [f for f in app["findings"] if f["rule"] == "Q1"]
    assert q1 and all(f["severity"] == "blocking" for f in q1)  # rule Q1
    assert any("crisis-intervention" in f["field"] for f in q1)


def test_officer_of_an_uninvolved_carrier_sees_nothing(api: Api) -> None:
    ref = api.registry.reference
    app = submit(api, application(ref, "drv-nord", [site("Kiel", "24103")], ["addiction"]))
    assert api.get(f"/api/v1/applications/{app['id']}", as_="officer.hessen").status_code == 404
    assert api.get(f"/api/v1/applications/{app['id']}", as_="cm.nord").status_code == 403
    assert app["id"] not in {
        a["id"] for a in api.get("/api/v1/applications", as_="officer.hessen").json()
    }


def test_withdrawal_by_the_provider(api: Api) -> None:
    ref = api.registry.reference
    app = submit(api, application(ref, "drv-nord", [site("Kiel", "24103")], ["addiction"]))
    api.add_provider_user("anbieter.kiel", app["provider"]["id"])
    r = api.post(
        f"/api/v1/applications/{app['id']}/withdraw",
        {"reason": "Kein Bedarf mehr"},
        as_="anbieter.kiel",
    )
    assert r.status_code == 200 and r.json()["status"] == "withdrawn"  # rule A9
    assert decide(api, app, "officer.nord", addiction=True).status_code == 409


def test_later_application_adds_only_new_sites_or_groups(api: Api) -> None:
    ref = api.registry.reference
    app = submit(api, application(ref, "drv-nord", [site("Kiel", "24103")], ["addiction"]))
    assert decide(api, app, "officer.nord", addiction=True).status_code == 200
    more = application(
        ref,
        "drv-nord",
        [site("Rostock", "18055")],
        ["addiction"],
        provider={"id": app["provider"]["id"]},
    )
    second = submit(api, more)  # rule A9: a new site by a new application
    assert second["provider"]["id"] == app["provider"]["id"]
    assert [s["name"] for s in second["sites"]] == ["Rostock"]


def test_announcements_are_published_and_listed_for_providers(api: Api) -> None:
    body = {
        "carriers": ["drv-nord", "drv-bund"],
        "target_groups": ["hearing-impairment"],
        "state": "Mecklenburg-Vorpommern",
        "text": "Gesucht: Fallmanagement mit Gebärdensprache in Mecklenburg-Vorpommern.",
        "open_until": "2027-03-31",
    }
    r = api.post("/api/v1/announcements", body, as_="officer.nord")
    assert r.status_code == 201, r.text  # rule A12
    confirmed = api.post(f"/api/v1/announcements/{r.json()['id']}/confirm", as_="officer.bund")
    assert confirmed.status_code == 200, confirmed.text  # rules A12, N4: each named carrier
    listed = api.get("/api/v1/announcements?open=true", as_="cm.nord").json()
    assert any(a["id"] == r.json()["id"] for a in listed)
    bad = {**body, "carriers": ["drv-hessen"]}  # the author's carrier must take part
    r = api.post("/api/v1/announcements", bad, as_="officer.nord")
    assert r.status_code == 422 and r.json()["errors"][0]["rule"] == "A12"


def test_session_cookie_does_not_authorise_api_writes(api: Api) -> None:
    api.client.cookies.clear()
    api.client.get("/login")
    r = api.client.post(  # a portal session: the cookie the portal issues at login
        "/login",
        data={
            "username": "officer.nord",
            "password": PASSWORD,
            "_csrf_token": api.client.cookies.get("registry_csrf", ""),
        },
        follow_redirects=False,
    )
    assert r.status_code == 303
    try:
        assert api.client.get("/api/v1/applications").status_code == 200
        r = api.client.post("/api/v1/announcements", json={})
        assert r.status_code == 401  # a cross-site form could send the cookie, never a token
        api.client.cookies.set("registry_session", api.token("officer.nord"))
        # a bearer token put into the cookie is no portal session (issue 14: bound to its CSRF)
        assert api.client.get("/api/v1/applications").status_code == 401
    finally:
        api.client.cookies.clear()


def test_admins_manage_users_in_their_scope(api: Api) -> None:
    body = {
        "username": "neu.nord",
        "password": "ein-gutes-passwort-1",
        "role": "case_manager",
        "carrier": "drv-nord",
    }
    r = api.post("/api/v1/users", body, as_="admin.nord")
    assert r.status_code == 201 and r.json()["carrier"] == "drv-nord"
    r = api.post(
        "/api/v1/users",
        {**body, "username": "neu.hessen", "carrier": "drv-hessen"},
        as_="admin.nord",
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "carrier"
    listed = api.get("/api/v1/users", as_="admin.nord").json()
    assert {u["carrier"] for u in listed} == {"drv-nord"}
    assert len(api.get("/api/v1/users", as_="admin").json()) > len(listed)
    assert api.get("/api/v1/users", as_="officer.nord").status_code == 403
    weak = {**body, "username": "schwach", "password": "kurz"}
    r = api.post("/api/v1/users", weak, as_="admin")
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "password"


def test_site_identity_admissions_accumulate_on_one_site(api: Api) -> None:
    """Rule A9: a site is one place of one provider and exists once. A provider admitted for one
    group that applies for another at the same address (spelt differently) names that site;
    the site holds both admissions and a search asking for both groups finds it once."""
    ref = api.registry.reference
    provider = {"name": "Identität Beratung gGmbH", "legal_form": "gGmbH", "email": "a9@x.example"}
    first_site = site(
        "Wismar Mitte",
        "23966",
        "Wismar",
        address={"street": "Lübsche Straße 12", "postal_code": "23966", "place": "Wismar"},
    )
    first = submit(
        api, application(ref, "drv-nord", [first_site], ["addiction"], provider=provider)
    )
    assert decide(api, first, "officer.nord", addiction=True).status_code == 200
    site_id = first["sites"][0]["id"]
    provider_id = first["provider"]["id"]

    again_site = site(
        "Wismar (neu benannt)",
        "23966",
        "WISMAR",
        address={"street": "luebsche str. 12", "postal_code": "23966", "place": "WISMAR"},
    )
    more = application(
        ref, "drv-nord", [again_site], ["mental-health"], provider={"id": provider_id}
    )
    second = submit(api, more)
    assert [s["id"] for s in second["sites"]] == [site_id]  # the existing site, not a new one
    assert decide(api, second, "officer.nord", **{"mental-health": True}).status_code == 200

    # The same group again at that site is no addition (A9) ...
    dup = application(ref, "drv-nord", [first_site], ["addiction"], provider={"id": provider_id})
    r = api.post("/api/v1/applications", dup, as_="officer.nord")
    assert r.status_code == 422 and r.json()["errors"][0]["rule"] == "A9"
    # ... and a site named by id must be one of the provider's own.
    by_id = application(
        ref,
        "drv-nord",
        [{**first_site, "id": "site-unknown"}],
        ["oncology"],
        provider={"id": provider_id},
    )
    r = api.post("/api/v1/applications", by_id, as_="officer.nord")
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "sites[0].id"

    profile = api.get(f"/api/v1/providers/{provider_id}", as_="officer.nord").json()
    assert [s["id"] for s in profile["sites"]] == [site_id]
    assert profile["sites"][0]["target_group_status"] == {
        "addiction": "admitted",
        "mental-health": "admitted",
    }
    # Each application keeps what it asked for.
    assert api.get(f"/api/v1/applications/{first['id']}", as_="officer.nord").json()["sites"][0][
        "target_group_status"
    ] == {"addiction": "admitted"}

    r = api.get(
        "/api/v1/directory/search?postal_code=23966&target_group=addiction"
        "&target_group=mental-health",
        as_="cm.nord",
    )
    assert r.status_code == 200, r.text
    found = [x for x in r.json()["results"] if x["provider"]["id"] == provider_id]
    assert [x["site"]["id"] for x in found] == [site_id]  # listed once, fitting both groups
