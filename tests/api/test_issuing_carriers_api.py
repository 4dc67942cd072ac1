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
