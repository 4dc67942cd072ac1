"""API tests of the admission lifecycle: contracts (A13), reviews (A14), staff changes and data
confirmation (A15), the carrier profile (Q0) and the task inbox."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from registry import clock
from registry.dates import add_months
from tests.api.conftest import Api
from tests.api.helpers import application, case_manager, site

GROUPS = ["addiction"]
NEED = "Wir benötigen externe Expertise in der Suchtberatung, die wir selbst nicht vorhalten."
_counter = iter(range(1, 10_000))


def _admitted(
    api: Api,
    *,
    receiving: str = "drv-nord",
    officer: str = "officer.nord",
    sites: list[dict[str, Any]] | None = None,
    decide: bool = True,
    **over: Any,
) -> dict[str, Any]:
    """A provider (with its own user) whose application the lead decided; returns ids."""
    n = next(_counter)
    provider = {
        "name": f"Lebenszyklus Beratung {n} gGmbH",
        "legal_form": "gGmbH",
        "email": f"kontakt{n}@lebenszyklus.example",
    }
    body = application(
        api.registry.reference,
        receiving,
        sites or [site(f"Standort {n}", "23556", "Lübeck")],
        GROUPS,
        provider=provider,
        **over,
    )
    r = api.post("/api/v1/applications", body, as_=officer)
    assert r.status_code == 201, r.text
    app = r.json()
    username = f"provider.lc{n}"
    full = api.get(f"/api/v1/applications/{app['id']}", as_=officer).json()
    provider_id = full["provider"]["id"]
    api.add_provider_user(username, provider_id)
    if decide:
        d = api.post(
            f"/api/v1/applications/{app['id']}/decision",
            {
                "target_groups": {g: {"admit": True, "reason": NEED} for g in GROUPS},
                "version": full["version"],
            },
            as_=full["lead_carrier"].replace("drv-", "officer."),
        )
        assert d.status_code == 200, d.text
    return {
        "application_id": app["id"],
        "provider_id": provider_id,
        "site_ids": [s["id"] for s in full["sites"]],
        "user": username,
    }


def _tasks(api: Api, user: str, **match: Any) -> list[dict[str, Any]]:
    r = api.get("/api/v1/tasks", as_=user)
    assert r.status_code == 200, r.text
    return [t for t in r.json() if all(t.get(k) == v for k, v in match.items())]


def _in_directory(api: Api, site_id: str) -> bool:
    from registry.directory.projection import drain

    drain(api.registry)
    return api.registry.search.sites.get(site_id) is not None


def test_walk_admit_contract_staff_change_review_suspend(api: Api) -> None:
    # rule A13, A15, A14: the whole life of an admission through the API
    p = _admitted(api)
    site_id, provider_id = p["site_ids"][0], p["provider_id"]
    assert _in_directory(api, site_id)

    # rule A13: contract pending for the issuing carrier, shown per admission and in the inbox
    adm = api.get("/api/v1/admissions", as_="officer.nord", params={"page_size": 100}).json()
    assert adm["total"] >= 1
    mine = [a for a in adm["results"] if a["site_id"] == site_id]
    if not mine:  # a later page: look it up with a status filter
        adm = api.get(
            "/api/v1/admissions",
            as_="officer.nord",
            params={"status": "admitted", "page_size": 100},
        ).json()
        mine = [a for a in adm["results"] if a["site_id"] == site_id]
    assert mine and mine[0]["contract_pending"] is True
    assert _tasks(api, "officer.nord", kind="contract_pending", provider_id=provider_id)
    # rule A13: a carrier that admitted nothing of this provider records no contract
    r = api.post(
        f"/api/v1/providers/{provider_id}/contracts",
        {"signed_on": date.today().isoformat(), "model_contract_version": "2024-1"},
        as_="officer.hessen",
    )
    assert r.status_code == 422 and r.json()["errors"][0]["rule"] == "A13"
    r = api.post(
        f"/api/v1/providers/{provider_id}/contracts",
        {
            "signed_on": (date.today() + timedelta(days=3)).isoformat(),
            "model_contract_version": "2024-1",
        },
        as_="officer.nord",
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "signed_on"
    r = api.post(
        f"/api/v1/providers/{provider_id}/contracts",
        {"signed_on": date.today().isoformat(), "model_contract_version": "2024-1"},
        as_="officer.nord",
    )
    assert r.status_code == 201, r.text
    assert r.json()["carrier"] == "drv-nord"
    adm = api.get(
        "/api/v1/admissions", as_="officer.nord", params={"status": "admitted", "page_size": 100}
    ).json()
    assert [a["contract_pending"] for a in adm["results"] if a["site_id"] == site_id] == [False]
    assert not _tasks(api, "officer.nord", kind="contract_pending", provider_id=provider_id)

    # rule A15: the provider reports that a case manager left -> Q2 task for the lead
    staff = api.get(f"/api/v1/providers/{provider_id}/case-managers", as_=p["user"]).json()
    assert sorted(c["name"] for c in staff) == ["Anna Beispiel", "Bernd Muster"]
    bernd = next(c for c in staff if c["name"] == "Bernd Muster")
    r = api.delete(f"/api/v1/providers/{provider_id}/case-managers/{bernd['id']}", as_=p["user"])
    assert r.status_code == 204, r.text
    q2 = _tasks(api, "officer.nord", kind="staff_finding", provider_id=provider_id)
    assert [t["rule"] for t in q2] == ["Q2"]
    assert q2[0]["application_id"] == p["application_id"] and q2[0]["overdue"] is False
    assert not _tasks(api, "officer.hessen", provider_id=provider_id)
    # rule A15: never an automatic suspension
    view = api.get(f"/api/v1/applications/{p['application_id']}", as_="officer.nord").json()
    assert view["sites"][0]["admission_status"] == "admitted"
    assert _in_directory(api, site_id)

    # rule A14: the review suspends; the site leaves the directory
    r = api.post(
        f"/api/v1/admissions/{site_id}/review",
        {"outcome": "suspended", "reason": "Nur noch eine qualifizierte Fachkraft."},
        as_="officer.nord",
    )
    assert r.status_code == 200, r.text
    assert r.json()["admission_status"] == "suspended"
    assert not _in_directory(api, site_id)
    # rule A15: the Q2 task stays until the finding disappears or the lead dismisses it
    assert _tasks(api, "officer.nord", kind="staff_finding", provider_id=provider_id)


def test_staff_finding_closes_when_fixed_and_is_not_duplicated(api: Api) -> None:
    # rule A15: a finding that disappears closes its task; the same finding makes one task
    p = _admitted(api)
    provider_id, user = p["provider_id"], p["user"]
    staff = api.get(f"/api/v1/providers/{provider_id}/case-managers", as_=user).json()
    anna = next(c for c in staff if c["name"] == "Anna Beispiel")
    # a new qualification that is not enough: counselling experience below 2 years (Q3)
    r = api.patch(
        f"/api/v1/providers/{provider_id}/case-managers/{anna['id']}",
        {"counselling_years": 1},
        as_=user,
    )
    assert r.status_code == 200, r.text
    assert r.json()["counselling_years"] == 1 and r.json()["joined_on"] == "2023-01-01"
    rules = sorted(
        t["rule"]
        for t in _tasks(api, "officer.nord", provider_id=provider_id, kind="staff_finding")
    )
    assert rules == ["Q2", "Q3"]
    # adding a further qualified case manager fixes Q2 but not Anna's Q3
    r = api.post(
        f"/api/v1/providers/{provider_id}/case-managers",
        case_manager("Clara Neu", GROUPS),
        as_=user,
    )
    assert r.status_code == 201, r.text
    rules = sorted(
        t["rule"]
        for t in _tasks(api, "officer.nord", provider_id=provider_id, kind="staff_finding")
    )
    assert rules == ["Q3"]
    r = api.patch(
        f"/api/v1/providers/{provider_id}/case-managers/{anna['id']}",
        {"counselling_years": 3},
        as_=user,
    )
    assert r.status_code == 200
    assert not _tasks(api, "officer.nord", provider_id=provider_id, kind="staff_finding")
    # rule Q8: removing everyone covering the target group is a Q8 task (and Q2)
    path = f"/api/v1/providers/{provider_id}/case-managers"
    for c in api.get(path, as_=user).json():
        assert api.delete(f"{path}/{c['id']}", as_=user).status_code == 204
    rules = sorted(
        t["rule"]
        for t in _tasks(api, "officer.nord", provider_id=provider_id, kind="staff_finding")
    )
    assert rules == ["Q2", "Q8"]
    # the lead dismisses one with a reason; it does not come back while the finding persists
    q8 = _tasks(api, "officer.nord", provider_id=provider_id, rule="Q8")[0]
    r = api.post(
        f"/api/v1/tasks/{q8['id']}/dismiss",
        {"reason": "Geprüft, Nachweis folgt."},
        as_="officer.nord",
    )
    assert r.status_code == 200, r.text
    assert not _tasks(api, "officer.nord", provider_id=provider_id, rule="Q8")
    other_carrier = api.post(
        f"/api/v1/tasks/{q8['id']}/dismiss", {"reason": "x"}, as_="officer.hessen"
    )
    assert other_carrier.status_code == 404
    # a stored staff task is overdue when the lead has not acted within the period
    clock.shift(timedelta(days=api.registry.settings.lead_decision_overdue_days + 1))
    q2 = _tasks(api, "officer.nord", provider_id=provider_id, rule="Q2")
    assert len(q2) == 1 and q2[0]["overdue"] is True and q2[0]["age_days"] == 31


def test_staff_change_input_and_rights(api: Api) -> None:
    # rule A15: only the provider changes its staff; unknown codes are rejected
    p = _admitted(api, decide=False)
    provider_id = p["provider_id"]
    path = f"/api/v1/providers/{provider_id}/case-managers"
    assert api.post(path, case_manager("X Y", GROUPS), as_="officer.nord").status_code == 403
    other = _admitted(api, decide=False)
    assert api.post(path, case_manager("X Y", GROUPS), as_=other["user"]).status_code == 404
    r = api.post(path, case_manager("X Y", ["no-such-group"]), as_=p["user"])
    assert r.status_code == 422 and r.json()["errors"][0]["rule"] == "Q8"
    r = api.post(path, case_manager("Anna Beispiel", GROUPS), as_=p["user"])
    assert r.status_code == 409
    r = api.patch(f"{path}/cm-unknown", {"counselling_years": 3}, as_=p["user"])
    assert r.status_code == 404
    r = api.patch(f"{path}/cm-unknown", {"unknown_field": 3}, as_=p["user"])
    assert r.status_code == 422
    anna = next(c for c in api.get(path, as_=p["user"]).json() if c["name"] == "Anna Beispiel")
    r = api.patch(f"{path}/{anna['id']}", {"degree": None, "joined_on": None}, as_=p["user"])
    assert r.status_code == 200, r.text
    assert r.json()["degree"] == "social-work" and r.json()["joined_on"] is None
    # rule A15: no decision yet -> nothing to re-check, no task
    assert api.post(path, case_manager("Dora Weber", GROUPS), as_=p["user"]).status_code == 201
    assert not _tasks(api, "officer.nord", kind="staff_finding", provider_id=provider_id)


def test_staff_is_readable_only_by_provider_and_involved_carriers(api: Api) -> None:
    # rule A15 (docs/rules.md §9, §10): staff data is visible only where admission needs it
    p = _admitted(
        api, sites=[site("Nord", "23556", "Lübeck"), site("Hessen", "60311", "Frankfurt am Main")]
    )
    path = f"/api/v1/providers/{p['provider_id']}/case-managers"
    assert api.get(path, as_=p["user"]).status_code == 200
    assert api.get(path, as_="officer.nord").status_code == 200  # receiving and lead
    assert api.get(path, as_="officer.hessen").status_code == 200  # responsible for a site
    for outsider in ("officer.bayern", "officer.westfalen"):
        assert api.get(path, as_=outsider).status_code == 404
    other = _admitted(api, decide=False)
    assert api.get(path, as_=other["user"]).status_code == 404
    for role_without_access in ("cm.nord", "reader.nord", "strategist.nord", "admin"):
        assert api.get(path, as_=role_without_access).status_code == 403
    assert (
        api.get("/api/v1/providers/prv-unknown/case-managers", as_="officer.nord").status_code
        == 404
    )


def test_review_confirms_with_new_date_and_due_list(api: Api) -> None:
    # rule A14: every admission has a review date; due ones are listed per carrier
    p = _admitted(api)
    site_id = p["site_ids"][0]
    months = api.registry.settings.review_period_months
    due = add_months(clock.today(), months).isoformat()
    view = api.get(f"/api/v1/applications/{p['application_id']}", as_="officer.nord").json()
    assert view["sites"][0]["admission_status"] == "admitted"
    listed = api.get("/api/v1/admissions/due-for-review", as_="officer.nord").json()
    assert site_id not in {r["site_id"] for r in listed}
    within = (date.fromisoformat(due) - clock.today()).days
    listed = api.get(
        "/api/v1/admissions/due-for-review", as_="officer.nord", params={"within_days": within}
    ).json()
    row = next(r for r in listed if r["site_id"] == site_id)
    assert row == {
        "site_id": site_id,
        "provider_id": p["provider_id"],
        "carrier": "drv-nord",
        "review_due": due,
        "overdue": False,
    }
    assert (
        api.get(
            "/api/v1/admissions/due-for-review", as_="officer.nord", params={"within_days": -1}
        ).status_code
        == 422
    )
    assert api.get("/api/v1/admissions/due-for-review", as_="cm.nord").status_code == 403

    # two months before the date it is due within the default window and in the inbox
    clock.shift(timedelta(days=within - 60))
    listed = api.get("/api/v1/admissions/due-for-review", as_="officer.nord").json()
    assert site_id in {r["site_id"] for r in listed}
    item = _tasks(api, "officer.nord", kind="review_due", site_id=site_id)[0]
    assert item["rule"] == "A14" and item["overdue"] is False and item["due_on"] == due
    # the review confirms: a new review date, months after today
    r = api.post(
        f"/api/v1/admissions/{site_id}/review",
        {"outcome": "confirmed", "reason": "Qualitätsdaten und Besuch in Ordnung."},
        as_="officer.nord",
    )
    assert r.status_code == 200, r.text
    new_due = add_months(clock.today(), months).isoformat()
    assert {a["review_due"] for a in r.json()["admissions"]} == {new_due}
    assert r.json()["admission_status"] == "admitted"
    assert not _tasks(api, "officer.nord", kind="review_due", site_id=site_id)
    assert _in_directory(api, site_id)
    # only the issuing carrier reviews
    r = api.post(
        f"/api/v1/admissions/{site_id}/review",
        {"outcome": "revoked", "reason": "x"},
        as_="officer.hessen",
    )
    assert r.status_code == 404
    r = api.post(
        f"/api/v1/admissions/{site_id}/review",
        {"outcome": "revoked", "reason": "Nicht mehr tätig."},
        as_="officer.nord",
    )
    assert r.status_code == 200 and r.json()["admission_status"] == "revoked"
    assert not _in_directory(api, site_id)


def test_review_overdue_with_shifted_clock(api: Api) -> None:
    # rule A14: a review date that has passed is overdue
    p = _admitted(api)
    site_id = p["site_ids"][0]
    clock.shift(timedelta(days=365 * 3 + 40))
    row = next(
        r
        for r in api.get("/api/v1/admissions/due-for-review", as_="officer.nord").json()
        if r["site_id"] == site_id
    )
    assert row["overdue"] is True
    assert _tasks(api, "officer.nord", kind="review_due", site_id=site_id)[0]["overdue"] is True


def test_site_confirmation_and_stale_data(api: Api) -> None:
    # rule A15: unconfirmed for more than 12 months -> flagged to provider and carrier, not hidden
    p = _admitted(api)
    site_id, provider_id, user = p["site_ids"][0], p["provider_id"], p["user"]
    assert not _tasks(api, user)
    clock.shift(timedelta(days=400))
    mine = _tasks(api, user, kind="stale_data", site_id=site_id)
    assert len(mine) == 1 and mine[0]["rule"] == "A15" and mine[0]["overdue"] is True
    carrier = _tasks(api, "officer.nord", kind="stale_data", site_id=site_id)
    assert len(carrier) == 1 and carrier[0]["provider_id"] == provider_id
    assert not _tasks(api, "officer.hessen", kind="stale_data", site_id=site_id)
    assert _in_directory(api, site_id)
    # only the provider confirms its own site
    path = f"/api/v1/providers/{provider_id}/sites/{site_id}/confirm"
    assert api.post(path, as_="officer.nord").status_code == 403
    other = _admitted(api, decide=False)
    assert api.post(path, as_=other["user"]).status_code == 404
    r = api.post(path, as_=user)
    assert r.status_code == 200, r.text
    assert r.json()["confirmed_on"] == clock.today().isoformat()
    assert not _tasks(api, user, kind="stale_data")
    assert not _tasks(api, "officer.nord", kind="stale_data", site_id=site_id)
    doc = api.registry.search.sites.get(site_id)
    assert doc is not None and doc.confirmed_on == clock.today()


def test_site_details_edit_counts_as_confirmation(api: Api) -> None:
    # rule A15: editing the site details confirms them; the directory shows them at once
    p = _admitted(api)
    site_id, provider_id, user = p["site_ids"][0], p["provider_id"], p["user"]
    clock.shift(timedelta(days=400))
    assert _tasks(api, user, kind="stale_data")
    path = f"/api/v1/providers/{provider_id}/sites/{site_id}"
    body = {
        "opening_hours": "Mo–Fr 9–16 Uhr",
        "waiting_time_weeks": 3,
        "counselling_modes": {"video": True},
    }
    r = api.patch(path, body, as_=user)
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["confirmed_on"] == clock.today().isoformat()
    assert out["details"]["opening_hours"] == "Mo–Fr 9–16 Uhr"
    assert out["details"]["counselling_modes"]["video"] is True
    assert out["details"]["counselling_modes"]["in_person"] is True  # kept
    assert not _tasks(api, user, kind="stale_data")
    doc = api.registry.search.sites.get(site_id)
    assert doc is not None and doc.opening_hours == "Mo–Fr 9–16 Uhr"
    assert api.patch(path, {"waiting_time_weeks": 500}, as_=user).status_code == 422
    assert api.patch(path, {"opening_hours": "x"}, as_="officer.nord").status_code == 403


def test_carrier_profile_read_write_and_severity_on_new_application(api: Api) -> None:
    # rule Q0: a carrier's admin keeps its contacts; the national admin sets the severities,
    # the same for every carrier, and the severity that applied is recorded
    r = api.get("/api/v1/carriers/drv-nord/profile", as_="cm.nord")
    assert r.status_code == 200 and r.json()["criteria"]["Q5"] == "blocking"
    assert api.get("/api/v1/carriers/drv-unknown/profile", as_="cm.nord").status_code == 404
    body = {
        "contacts": [
            {"name": "Frau Fallmanagement", "phone": "0451 1", "email": "fm@drv-nord.example"}
        ]
    }
    assert api.put("/api/v1/carriers/drv-nord/profile", body, as_="admin.nord").status_code == 200
    assert api.put("/api/v1/carriers/drv-hessen/profile", body, as_="admin.nord").status_code == 403
    assert api.put("/api/v1/carriers/drv-nord/profile", body, as_="officer.nord").status_code == 403
    r = api.put(
        "/api/v1/carriers/drv-nord/profile", {"criteria": {"Q5": "advisory"}}, as_="admin.nord"
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "criteria"
    assert r.json()["errors"][0]["rule"] == "Q0"
    other = _admitted(api, decide=False)
    seen = api.get("/api/v1/carriers/drv-nord/profile", as_=other["user"]).json()
    assert seen["contacts"][0]["name"] == "Frau Fallmanagement"
    assert api.put("/api/v1/criteria", {"Q5": "advisory"}, as_="admin").status_code == 200
    try:
        seen = api.get("/api/v1/carriers/drv-nord/profile", as_=other["user"]).json()
        assert seen["criteria"]["Q5"] == "advisory" and seen["criteria"]["Q2"] == "blocking"
        no_rooms = site("Ohne Raum", "23556", "Lübeck", rooms_for_relatives=False)
        nord = _admitted(api, sites=[no_rooms], decide=False)
        found = api.get(
            f"/api/v1/applications/{nord['application_id']}", as_="officer.nord"
        ).json()["findings"]
        assert {f["severity"] for f in found if f["rule"] == "Q5"} == {"advisory"}
        hessen = _admitted(
            api,
            receiving="drv-hessen",
            officer="officer.hessen",
            decide=False,
            sites=[site("Ohne Raum", "60311", "Frankfurt am Main", rooms_for_relatives=False)],
        )
        found = api.get(
            f"/api/v1/applications/{hessen['application_id']}", as_="officer.hessen"
        ).json()["findings"]
        assert {f["severity"] for f in found if f["rule"] == "Q5"} == {"advisory"}
    finally:
        # an omitted rule takes its default again
        r = api.put("/api/v1/criteria", {}, as_="admin")
        assert r.status_code == 200 and r.json()["Q5"] == "blocking"
        r = api.put("/api/v1/carriers/drv-nord/profile", {}, as_="admin")
        assert r.status_code == 200
        assert r.json() == {"carrier": "drv-nord", "contacts": [], "criteria": r.json()["criteria"]}


def test_inbox_overdue_decisions_and_follow_ons(api: Api) -> None:
    # rule A5, A7: awaiting items show their age and become overdue after the configured days
    waiting = _admitted(api, decide=False)
    split = _admitted(
        api, sites=[site("Nord", "23556", "Lübeck"), site("Hessen", "60311", "Frankfurt am Main")]
    )
    item = _tasks(
        api, "officer.nord", kind="decision_pending", application_id=waiting["application_id"]
    )[0]
    assert item["rule"] == "A5" and item["overdue"] is False and item["age_days"] == 0
    fo = _tasks(api, "officer.hessen", kind="follow_on", application_id=split["application_id"])[0]
    assert fo["rule"] == "A7" and fo["overdue"] is False
    assert fo["provider_id"] == split["provider_id"]
    # the provider sees none of the carriers' work
    assert not _tasks(api, waiting["user"], application_id=waiting["application_id"])
    clock.shift(timedelta(days=api.registry.settings.follow_on_overdue_days + 1))
    fo = _tasks(api, "officer.hessen", kind="follow_on", application_id=split["application_id"])[0]
    assert fo["overdue"] is True and fo["age_days"] == 15
    item = _tasks(
        api, "officer.nord", kind="decision_pending", application_id=waiting["application_id"]
    )[0]
    assert item["overdue"] is False
    clock.shift(timedelta(days=api.registry.settings.lead_decision_overdue_days))
    item = _tasks(
        api, "officer.nord", kind="decision_pending", application_id=waiting["application_id"]
    )[0]
    assert item["overdue"] is True
    # rule A13: the follow-on carrier has its own contract pending once it admitted the site
    assert (
        api.post(f"/api/v1/follow-on-admissions/{fo['id']}/admit", as_="officer.hessen").status_code
        == 200
    )
    assert _tasks(api, "officer.hessen", kind="contract_pending", provider_id=split["provider_id"])
    assert api.get("/api/v1/tasks", as_="cm.nord").status_code == 403


def test_training_due_becomes_a_task_when_completion_date_passes(api: Api) -> None:
    # rule A15, Q3: training started within 12 months of joining, completion date passes
    today = clock.today()
    trainee = case_manager(
        "Tina Lernt",
        GROUPS,
        certificates=[],
        joined_on=(today - timedelta(days=30)).isoformat(),
        training_started_on=(today - timedelta(days=10)).isoformat(),
    )
    p = _admitted(api)
    r = api.post(f"/api/v1/providers/{p['provider_id']}/case-managers", trainee, as_=p["user"])
    assert r.status_code == 201, r.text
    assert not _tasks(api, "officer.nord", provider_id=p["provider_id"], kind="training_due")
    months = api.registry.settings.training_completion_months
    clock.shift(timedelta(days=31 * months))
    due = _tasks(api, "officer.nord", provider_id=p["provider_id"], kind="training_due")
    assert len(due) == 1 and due[0]["rule"] == "Q3" and due[0]["overdue"] is True
    assert due[0]["due_on"] == add_months(today - timedelta(days=10), months).isoformat()
    # computing the inbox again makes no second task
    assert len(_tasks(api, "officer.nord", provider_id=p["provider_id"], kind="training_due")) == 1
