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
