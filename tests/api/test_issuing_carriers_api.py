"""API tests of issue 15, items 3, 4 and 10: every issuing carrier is told and can act (A15, A9),
site facts stay current (A15, Q5) and an overdue follow-on is escalated to the lead (A7)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from registry import clock
from tests.api.conftest import Api
from tests.api.helpers import site
from tests.api.test_lifecycle_api import _admitted, _tasks


def _split(api: Api) -> dict[str, Any]:
    """Decided by DRV Nord with a site in Frankfurt (DRV Hessen's follow-on, still open)."""
    return _admitted(
        api, sites=[site("Nord", "23556", "Lübeck"), site("Hessen", "60311", "Frankfurt am Main")]
    )


def _admit_follow_on(api: Api, p: dict[str, Any]) -> dict[str, Any]:
    (fo,) = _tasks(api, "officer.hessen", kind="follow_on", application_id=p["application_id"])
    r = api.post(f"/api/v1/follow-on-admissions/{fo['id']}/admit", as_="officer.hessen")
    assert r.status_code == 200, r.text
    return fo


def test_a15_staff_finding_is_a_task_for_the_follow_on_carrier_too(api: Api) -> None:
    p = _split(api)
    _admit_follow_on(api, p)
    provider_id, user = p["provider_id"], p["user"]
    path = f"/api/v1/providers/{provider_id}/case-managers"
    bernd = next(c for c in api.get(path, as_=user).json() if c["name"] == "Bernd Muster")
    assert api.delete(f"{path}/{bernd['id']}", as_=user).status_code == 204
    for officer in ("officer.nord", "officer.hessen"):
        (task,) = _tasks(api, officer, provider_id=provider_id, kind="staff_finding")
        assert task["rule"] == "Q2" and task["application_id"] == p["application_id"]
    # each carrier closes its own task; the other's stays
    (hessen,) = _tasks(api, "officer.hessen", provider_id=provider_id, kind="staff_finding")
    r = api.post(
        f"/api/v1/tasks/{hessen['id']}/dismiss",
        {"reason": "Mit dem Anbieter geklärt."},
        as_="officer.hessen",
    )
    assert r.status_code == 200, r.text
    assert not _tasks(api, "officer.hessen", provider_id=provider_id, kind="staff_finding")
    assert _tasks(api, "officer.nord", provider_id=provider_id, kind="staff_finding")


def test_a7_overdue_follow_on_is_a_task_for_the_lead(api: Api) -> None:
    p = _split(api)
    assert not _tasks(api, "officer.nord", kind="follow_on_overdue", provider_id=p["provider_id"])
    clock.shift(timedelta(days=api.registry.settings.follow_on_overdue_days + 1))
    (item,) = _tasks(api, "officer.nord", kind="follow_on_overdue", provider_id=p["provider_id"])
    assert item["rule"] == "A7" and item["overdue"] is True
    assert item["site_id"] == p["site_ids"][1]
    assert "DRV Hessen" in item["message"] and "»Hessen«" in item["message"]
    assert not _tasks(api, "officer.hessen", kind="follow_on_overdue")
    _admit_follow_on(api, p)
    assert not _tasks(api, "officer.nord", kind="follow_on_overdue", provider_id=p["provider_id"])


def test_a15_site_facts_change_reruns_q5_and_tells_the_issuing_carriers(api: Api) -> None:
    p = _split(api)
    fo = _admit_follow_on(api, p)
    provider_id, user = p["provider_id"], p["user"]
    frankfurt = fo["site_id"]
    path = f"/api/v1/providers/{provider_id}/sites/{frankfurt}"
    body = {
        "languages": ["de", "tr", "ar"],
        "barrier_free": False,
        "catchment_radius_km": 35,
        "outreach_radius_km": 0,
        "rooms_for_relatives": False,
        "public_transport": True,
    }
    r = api.patch(path, body, as_=user)
    assert r.status_code == 200, r.text
    out = r.json()
    codes = {(f["rule"], f["code"], f["severity"]) for f in out["findings"]}
    assert ("Q5", "rooms-relatives-missing", "blocking") in codes
    assert ("Q5", "site-language-unspoken", "advisory") in codes
    # the index follows at once
    doc = api.registry.search.sites.get(frankfurt)
    assert doc is not None and doc.languages == ("de", "tr", "ar") and doc.barrier_free is False
    # DRV Hessen issued the Frankfurt admission: a notice and a task; DRV Nord did not
    (task,) = _tasks(api, "officer.hessen", kind="site_finding", site_id=frankfurt)
    assert task["rule"] == "Q5"
    assert not _tasks(api, "officer.nord", kind="site_finding")
    notices = api.get("/api/v1/notices", as_="officer.hessen").json()
    assert any("Standortangaben geändert" in n["subject"]["title"] for n in notices)
    # fixed: the task closes
    assert api.patch(path, {"rooms_for_relatives": True}, as_=user).status_code == 200
    assert not _tasks(api, "officer.hessen", kind="site_finding")


def test_a15_site_facts_validation_names_field_and_rule(api: Api) -> None:
    p = _admitted(api)
    path = f"/api/v1/providers/{p['provider_id']}/sites/{p['site_ids'][0]}"
    for body, field, rule in (
        ({"catchment_radius_km": 0}, "catchment_radius_km", "E2"),
        ({"outreach_radius_km": -5}, "outreach_radius_km", "E2"),
        ({"languages": []}, "languages", "E3"),
        ({"languages": ["Türkisch"]}, "languages[0]", "E3"),
        ({"rooms_for_individual_talks": None}, "rooms_for_individual_talks", "Q5"),
    ):
        r = api.patch(path, body, as_=p["user"])
        assert r.status_code == 422, (body, r.text)
        assert [(e["field"], e["rule"]) for e in r.json()["errors"]] == [(field, rule)], r.text
    # another provider's site or an officer: no
    assert api.patch(path, {"barrier_free": True}, as_="officer.nord").status_code == 403


def test_a9_lead_suspension_gives_the_follow_on_carrier_a_notice_and_a_task(api: Api) -> None:
    p = _split(api)
    fo = _admit_follow_on(api, p)
    lubeck, frankfurt = p["site_ids"][0], fo["site_id"]
    assert lubeck != frankfurt
    r = api.post(
        f"/api/v1/admissions/{lubeck}/suspend",
        {"reason": "Beschwerden über die Beratung"},
        as_="officer.nord",
    )
    assert r.status_code == 200, r.text
    (task,) = _tasks(api, "officer.hessen", kind="lead_changed", site_id=frankfurt)
    assert task["rule"] == "A9" and task["application_id"] == p["application_id"]
    notices = api.get("/api/v1/notices", as_="officer.hessen").json()
    assert any(
        n["subject"]["id"] == p["application_id"] and "ausgesetzt" in n["message"] for n in notices
    )
    # nothing automatic: Hessen's admission of Frankfurt is still admitted
    view = api.get(f"/api/v1/applications/{p['application_id']}", as_="officer.hessen").json()
    status = {s["id"]: s["target_group_status"] for s in view["sites"]}
    assert status[frankfurt] == {"addiction": "admitted"}
    # Hessen decides (here: suspends too): its task is done
    r = api.post(
        f"/api/v1/admissions/{frankfurt}/suspend",
        {"reason": "Wie der federführende Träger"},
        as_="officer.hessen",
    )
    assert r.status_code == 200, r.text
    assert not _tasks(api, "officer.hessen", kind="lead_changed")


def test_a15_language_nobody_speaks_after_staff_change_is_an_advisory_notice(api: Api) -> None:
    from tests.api.helpers import case_manager

    p = _admitted(
        api,
        case_managers=[
            case_manager("Anna Beispiel", ["addiction"]),
            case_manager("Bernd Muster", ["addiction"]),
            case_manager("Ayşe Yılmaz", ["addiction"], languages=["de", "tr"]),
        ],
    )
    path = f"/api/v1/providers/{p['provider_id']}/case-managers"
    ayse = next(c for c in api.get(path, as_=p["user"]).json() if c["name"] == "Ayşe Yılmaz")
    assert api.delete(f"{path}/{ayse['id']}", as_=p["user"]).status_code == 204
    notices = api.get("/api/v1/notices", as_="officer.nord").json()
    (notice,) = [
        n
        for n in notices
        if n["subject"]["id"] == p["application_id"]
        and n["subject"]["title"].startswith("Sprachen des Standorts")
    ]
    assert "Türkisch" in notice["message"]  # the language by its name (issue 17)
    # advisory only: no task
    assert not _tasks(api, "officer.nord", provider_id=p["provider_id"], kind="staff_finding")
