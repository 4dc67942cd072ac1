"""The admission criteria as users meet them through the API (issue 15): one national criteria
setting (rule Q0), grace for new staff (rule Q3), the further concept items and the competence
checklist (rules Q1, Q8)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from registry import clock
from tests.api.conftest import Api
from tests.api.helpers import application, case_manager, site


def submit(api: Api, body: dict[str, Any], as_: str = "officer.nord") -> dict[str, Any]:
    r = api.post("/api/v1/applications", body, as_=as_)
    assert r.status_code == 201, r.text
    return r.json()


def _q3(app: dict[str, Any]) -> list[dict[str, Any]]:
    return [f for f in app["findings"] if f["rule"] == "Q3"]


def test_new_staff_before_training_is_advisory_with_start_date(api: Api) -> None:
    # rule Q3: joined 3 months ago, no training yet, introduction confirmed → advisory
    ref = api.registry.reference
    today = clock.today()
    new = case_manager(
        "Nina Neu",
        ["addiction"],
        certificates=[],
        joined_on=(today - timedelta(days=90)).isoformat(),
        introduction_confirmed=True,
    )
    body = application(
        ref,
        "drv-nord",
        [site("Kiel", "24103")],
        ["addiction"],
        case_managers=[case_manager("Anna", ["addiction"]), new],
    )
    app = submit(api, body)
    (finding,) = _q3(app)
    assert finding["severity"] == "advisory"
    assert finding["due_on"] > today.isoformat()
    assert "intensive Einführung" in finding["message"]
    assert not [f for f in app["findings"] if f["severity"] == "blocking"]


def test_staff_joined_over_a_year_ago_without_training_is_blocking(api: Api) -> None:
    # rule Q3: joined 13 months ago, training not started → blocking
    ref = api.registry.reference
    today = clock.today()
    old = case_manager(
        "Otto Alt",
        ["addiction"],
        certificates=[],
        joined_on=(today - timedelta(days=400)).isoformat(),
        introduction_confirmed=True,
    )
    body = application(
        ref,
        "drv-nord",
        [site("Kiel", "24103")],
        ["addiction"],
        case_managers=[case_manager("Anna", ["addiction"]), old],
    )
    (finding,) = _q3(submit(api, body))
    assert finding["severity"] == "blocking"


def test_criteria_are_one_national_setting_changed_by_the_national_admin(api: Api) -> None:
    # rule Q0: one setting for every carrier; only a national admin changes it
    national = api.get("/api/v1/criteria", as_="officer.nord").json()
    assert national["Q5"] == "blocking" and national["Q4"] == "advisory"
    r = api.put("/api/v1/criteria", {**national, "Q6": "advisory"}, as_="admin.nord")
    assert r.status_code == 403
    r = api.put("/api/v1/criteria", {**national, "Q6": "advisory"}, as_="admin")
    assert r.status_code == 200, r.text
    assert api.get("/api/v1/criteria", as_="cm.nord").json()["Q6"] == ("advisory")
    # every carrier's profile shows the same national setting, read-only
    for carrier in ("drv-nord", "drv-hessen"):
        profile = api.get(f"/api/v1/carriers/{carrier}/profile", as_="officer.nord").json()
        assert profile["criteria"]["Q6"] == "advisory"
    # an application led by any carrier is checked with it, and its findings record it
    ref = api.registry.reference
    body = application(ref, "drv-hessen", [site("Kassel", "34117")], ["addiction"])
    body["organisation"]["complaints_system"] = False
    app = submit(api, body, as_="officer.hessen")
    (q6,) = [f for f in app["findings"] if f["rule"] == "Q6"]
    assert q6["severity"] == "advisory"
    # a rule left out returns to its default; unknown rules and severities name Q0
    assert api.put("/api/v1/criteria", {}, as_="admin").json()["Q6"] == "blocking"
    r = api.put("/api/v1/criteria", {"Q9": "advisory"}, as_="admin")
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "criteria.Q9"
    assert r.json()["errors"][0]["rule"] == "Q0"
    r = api.put("/api/v1/criteria", {"Q5": "lenient"}, as_="admin")
    assert r.status_code == 422 and r.json()["errors"][0]["rule"] == "Q0"


def test_carrier_profile_refuses_its_own_criteria(api: Api) -> None:
    # rule Q0: a carrier admin can no longer make a criterion advisory for its applications
    contacts = [{"name": "Frau Nord", "phone": "0451 1", "email": "fm@nord.example"}]
    r = api.put(
        "/api/v1/carriers/drv-nord/profile",
        {"contacts": contacts, "criteria": {"Q5": "advisory"}},
        as_="admin.nord",
    )
    assert r.status_code == 422, r.text
    (error,) = r.json()["errors"]
    assert error["field"] == "criteria" and error["rule"] == "Q0"
    # sending the national setting back unchanged (a read-modify-write) is fine
    profile = api.get("/api/v1/carriers/drv-nord/profile", as_="admin.nord").json()
    r = api.put(
        "/api/v1/carriers/drv-nord/profile",
        {"contacts": contacts, "criteria": profile["criteria"]},
        as_="admin.nord",
    )
    assert r.status_code == 200, r.text
    assert r.json()["contacts"] == contacts
    ref = api.registry.reference
    body = application(
        ref, "drv-nord", [site("Kiel", "24103", public_transport=True)], ["addiction"]
    )
    body["sites"][0]["rooms_for_relatives"] = False
    app = submit(api, body)
    (q5,) = [f for f in app["findings"] if f["rule"] == "Q5"]
    assert q5["severity"] == "blocking"


def test_advisory_concept_items_and_the_full_competence_checklist(api: Api) -> None:
    # rule Q8: Personenkontinuität, material equipment and no legal advice / no therapy are
    # concept items whose absence is advisory; the §8.3 checklist is listed in full
    ref = api.registry.reference
    sections = {s.code: s for s in ref.concept_sections}
    assert sections["material-equipment"].rule == "Q8"
    listed = {s["code"]: s for s in api.get("/api/v1/concept-sections", as_="officer.nord").json()}
    assert listed["person-continuity"]["rule"] == "Q8" and listed["methods"]["rule"] == "Q1"
    assert "§5.2" in listed["material-equipment"]["source"]
    body = application(ref, "drv-nord", [site("Kiel", "24103")], ["addiction"])
    for code in ("person-continuity", "material-equipment", "no-legal-advice-no-therapy"):
        body["concept"].pop(code)
    app = submit(api, body)
    missing = [f for f in app["findings"] if f["code"] == "concept-item-missing"]
    assert {f["field"] for f in missing} == {
        "concept.person-continuity",
        "concept.material-equipment",
        "concept.no-legal-advice-no-therapy",
    }
    assert {(f["rule"], f["severity"]) for f in missing} == {("Q8", "advisory")}
    assert not [f for f in app["findings"] if f["severity"] == "blocking"]
    (checklist,) = [f for f in app["findings"] if f["code"] == "competence-checklist"]
    assert "Verhandlungsgeschick" in checklist["message"]
    assert "Schwerbehindertenvertretungen" in checklist["message"]
    # stated in the concept, the items raise nothing
    full = application(ref, "drv-nord", [site("Kiel", "24103")], ["addiction"])
    assert "person-continuity" in full["concept"]
    app = submit(api, full)
    assert not [f for f in app["findings"] if f["code"] == "concept-item-missing"]
