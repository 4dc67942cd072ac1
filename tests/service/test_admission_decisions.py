"""Use cases of the lead's decision and follow-on admissions, on the fakes: no database."""

from __future__ import annotations

from pathlib import Path

import pytest

from registry.admission.applications import get_application
from registry.admission.decisions import admit_follow_on, decide_application, list_follow_ons
from registry.errors import Conflict, Forbidden, InvalidInput, NotFound
from tests.service.admission_world import (
    OFFICER_BUND,
    OFFICER_HESSEN,
    OFFICER_NORD,
    REASON,
    site,
    world,
)


def test_a_dry_run_checks_the_decision_and_saves_nothing(tmp_path: Path) -> None:
    # the portal's confirmation step (issue 17, item 7): rules checked, nothing written
    w = world(tmp_path)
    provider = w.add_provider()
    app = w.submit(provider, "drv-nord", [site("Lübeck", "23556")], ["addiction"])
    body = {
        "target_groups": {"addiction": {"admit": True, "reason": REASON}},
        "overrides": [],
        "version": app["version"],
    }
    with pytest.raises(NotFound):  # another carrier, not involved: no such application
        decide_application(w.reg, OFFICER_HESSEN, app["id"], body, dry_run=True)
    missing = {**body, "target_groups": {"addiction": {"admit": True, "reason": " "}}}
    with pytest.raises(InvalidInput):
        decide_application(w.reg, OFFICER_NORD, app["id"], missing, dry_run=True)
    checked = decide_application(w.reg, OFFICER_NORD, app["id"], body, dry_run=True)
    assert checked["status"] == "submitted" and checked["version"] == app["version"]
    assert "application.decided" not in w.actions(app["id"])
    assert w.notified(app["id"]) == set()


def test_the_lead_decides_per_group_and_another_region_gets_a_follow_on_task(
    tmp_path: Path,
) -> None:
    w = world(tmp_path)
    provider = w.add_provider()
    app = w.submit(
        provider,
        "drv-nord",
        [site("Lübeck", "23556", headquarters=True), site("Kassel", "34117")],
        ["addiction", "mental-health"],
    )

    # rule A5: only the lead carrier's officer decides
    with pytest.raises(Forbidden):
        w.decide(app, OFFICER_HESSEN, addiction=True, mental_health=False)
    # rule A5: every requested group is decided, each with a reason
    with pytest.raises(InvalidInput):
        w.decide(app, OFFICER_NORD, addiction=True)

    decided = w.decide(app, OFFICER_NORD, addiction=True, mental_health=False)
    assert decided["status"] == "decided" and decided["version"] == 2
    groups = decided["decision"]["target_groups"]
    assert groups["addiction"] == {"admit": True, "reason": REASON}
    assert groups["mental-health"]["admit"] is False
    by_name = {s["name"]: s["target_group_status"] for s in decided["sites"]}
    # rule A6: the lead's own region is admitted at once, the refused group refused everywhere
    assert by_name["Lübeck"] == {"addiction": "admitted", "mental-health": "refused"}
    # rule A7: Kassel (Hessen) awaits its responsible carrier
    assert by_name["Kassel"] == {"addiction": "awaiting_follow_on", "mental-health": "refused"}
    kassel = next(s["id"] for s in decided["sites"] if s["name"] == "Kassel")
    (task,) = list_follow_ons(w.reg, OFFICER_HESSEN, "open")
    assert (task["site_id"], task["carrier"]) == (kassel, "drv-hessen")
    assert task["age_days"] == 0 and task["overdue"] is False
    assert list_follow_ons(w.reg, OFFICER_NORD, "open") == []

    # rule A8: the federal carriers are told of the admission; the site's carrier decided
    # itself, so its own action is no notice to it (issue 17, item 7)
    notified = w.notified(app["id"])
    assert {"drv-bund", "drv-knappschaft-bahn-see"} <= notified
    assert "drv-nord" not in notified
    # rule A10: the decision is audited; the directory is told of both sites
    assert "application.decided" in w.actions(app["id"])
    assert {r["ref_id"] for r in w.outbox.rows.values()} == {s["id"] for s in decided["sites"]}

    # rule A7: only the task's carrier admits the site, on the lead's decision
    with pytest.raises(NotFound):
        admit_follow_on(w.reg, OFFICER_NORD, task["id"])
    done = admit_follow_on(w.reg, OFFICER_HESSEN, task["id"])
    assert done == {
        "id": task["id"],
        "status": "done",
        "application_id": app["id"],
        "site_id": kassel,
    }
    after = get_application(w.reg, OFFICER_HESSEN, app["id"])
    assert {s["name"]: s["target_group_status"]["addiction"] for s in after["sites"]} == {
        "Lübeck": "admitted",
        "Kassel": "admitted",
    }
    admission = w.admissions.admissions_of_sites([kassel])[0]
    assert admission["issued_by"] == "drv-hessen" and admission["carrier"] == "drv-hessen"
    # rule A7: a task is done once
    with pytest.raises(Conflict):
        admit_follow_on(w.reg, OFFICER_HESSEN, task["id"])


def test_the_forwarding_carrier_does_not_decide(tmp_path: Path) -> None:
    w = world(tmp_path)
    app = w.submit(
        OFFICER_BUND, "drv-bund", [site("Lübeck", "23556", headquarters=True)], ["addiction"]
    )
    # rule A3: the receiving carrier forwarded it; the lead decides
    with pytest.raises(Forbidden):
        w.decide(app, OFFICER_BUND, addiction=True)
    assert w.decide(app, OFFICER_NORD, addiction=True)["status"] == "decided"


def test_refusing_every_group_refuses_the_application(tmp_path: Path) -> None:
    w = world(tmp_path)
    provider = w.add_provider()
    app = w.submit(
        provider, "drv-nord", [site("Kassel", "34117"), site("Kiel", "24103")], ["addiction"]
    )
    # rule A4: DRV Nord is responsible for Kiel, so it leads
    assert app["lead_carrier"] == "drv-nord"
    refused = w.decide(app, OFFICER_NORD, addiction=False)
    # rule A5: refusing every group refuses the application; no follow-on task (A7)
    assert refused["status"] == "refused"
    assert {s["admission_status"] for s in refused["sites"]} == {"refused"}
    assert w.admissions.follow_ons() == []


def test_a_stale_decision_gets_a_conflict_and_writes_nothing(tmp_path: Path) -> None:
    w = world(tmp_path)
    provider = w.add_provider()
    app = w.submit(provider, "drv-nord", [site("Lübeck", "23556")], ["addiction"])
    w.decide(app, OFFICER_NORD, addiction=True)
    events = len(w.audit.events)
    # rule A11: a second officer deciding on the version read before gets a conflict
    with pytest.raises(Conflict):
        w.decide(app, OFFICER_NORD, version=1, addiction=False)
    assert len(w.audit.events) == events
    assert w.admissions.get_application(app["id"])["status"] == "decided"  # type: ignore[index]
