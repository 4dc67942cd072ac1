"""A15 on the fakes: staff changes re-run Q2–Q4/Q8 and open or close tasks for the lead."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from registry.errors import Conflict, InvalidInput, NotFound
from registry.lifecycle.staff import (
    add_case_manager,
    list_case_managers,
    remove_case_manager,
    update_case_manager,
)
from registry.lifecycle.tasks import dismiss_task, list_tasks
from tests.service.lifecycle_world import (
    OFFICER_HESSEN,
    OFFICER_NORD,
    Admitted,
    World,
    case_manager,
    world,
)


def _staff(w: World, a: Admitted) -> dict[str, str]:
    return {c["name"]: c["id"] for c in list_case_managers(w.reg, a.provider, a.provider_id)}


def _event_data(w: World, a: Admitted, action: str) -> dict[str, object]:
    (event,) = [e for e in w.events(a.provider_id) if e["action"] == action]
    data: dict[str, object] = json.loads(event["data"])
    return data


def test_removing_a_case_manager_opens_a_q2_task_for_the_lead_closed_when_fixed(
    tmp_path: Path,
) -> None:
    w = world(tmp_path)
    a = w.admitted()
    staff = _staff(w, a)
    assert set(staff) == {"Anna Beispiel", "Bernd Muster"}
    assert w.staff_tasks(a.provider_id) == []

    # A15: Bernd left; Q2 (two qualified case managers) now fails -> one task for DRV Nord
    remove_case_manager(w.reg, a.provider, a.provider_id, staff["Bernd Muster"])
    assert set(_staff(w, a)) == {"Anna Beispiel"}
    assert staff["Bernd Muster"] not in w.providers.case_manager_rows  # deleted, §10
    (task,) = w.staff_tasks(a.provider_id)
    assert (task["rule"], task["kind"], task["status"]) == ("Q2", "staff_finding", "open")
    assert task["carrier"] == "drv-nord" and task["application_id"] == a.application["id"]
    assert _event_data(w, a, "case_manager.removed")["tasks_opened"] == [task["id"]]
    # the admission stays valid: suspension is the carrier's decision, never automatic
    (admission,) = w.admissions.admissions_of_provider(a.provider_id)
    assert admission["status"] == "admitted"
    # the lead's inbox shows it, naming the provider
    (item,) = [i for i in list_tasks(w.reg, OFFICER_NORD) if i["kind"] == "staff_finding"]
    assert item["id"] == task["id"] and item["rule"] == "Q2"
    assert item["message"].startswith("»Beratung Nord gGmbH«: Nach einer Personaländerung")

    # the provider reports a new qualified case manager: the finding is gone, the task closed
    add_case_manager(w.reg, a.provider, a.provider_id, case_manager("Clara Neu", ["addiction"]))
    (closed,) = w.staff_tasks(a.provider_id)
    assert closed["id"] == task["id"] and closed["status"] == "done"
    assert _event_data(w, a, "case_manager.added")["tasks_closed"] == [task["id"]]
    assert [i for i in list_tasks(w.reg, OFFICER_NORD) if i["kind"] == "staff_finding"] == []


def test_the_same_finding_makes_one_task_and_a_returning_one_reopens_it(
    tmp_path: Path,
) -> None:
    w = world(tmp_path)
    a = w.admitted()
    staff = _staff(w, a)
    remove_case_manager(w.reg, a.provider, a.provider_id, staff["Bernd Muster"])
    (task,) = w.staff_tasks(a.provider_id)
    # a further change that leaves Q2 failing makes no second task
    update_case_manager(
        w.reg, a.provider, a.provider_id, staff["Anna Beispiel"], {"languages": ["de", "en"]}
    )
    assert [t["id"] for t in w.staff_tasks(a.provider_id)] == [task["id"]]
    added = add_case_manager(
        w.reg, a.provider, a.provider_id, case_manager("Clara Neu", ["addiction"])
    )
    remove_case_manager(w.reg, a.provider, a.provider_id, added["id"])
    (again,) = w.staff_tasks(a.provider_id)
    assert again["id"] == task["id"] and again["status"] == "open"


def test_the_lead_dismisses_a_task_with_a_reason_and_it_stays_dismissed(tmp_path: Path) -> None:
    w = world(tmp_path)
    a = w.admitted()
    staff = _staff(w, a)
    remove_case_manager(w.reg, a.provider, a.provider_id, staff["Bernd Muster"])
    (task,) = w.staff_tasks(a.provider_id)

    with pytest.raises(NotFound):  # not DRV Hessen's task
        dismiss_task(w.reg, OFFICER_HESSEN, task["id"], "Geprüft.")
    with pytest.raises(InvalidInput):
        dismiss_task(w.reg, OFFICER_NORD, task["id"], "  ")
    assert dismiss_task(w.reg, OFFICER_NORD, task["id"], "Vertretung ist geregelt.") == {
        "id": task["id"],
        "status": "dismissed",
    }
    with pytest.raises(Conflict):
        dismiss_task(w.reg, OFFICER_NORD, task["id"], "Noch einmal.")
    # another change with the finding still there does not reopen it
    update_case_manager(
        w.reg, a.provider, a.provider_id, staff["Anna Beispiel"], {"languages": ["de", "en"]}
    )
    (still,) = w.staff_tasks(a.provider_id)
    assert still["status"] == "dismissed"
    assert [e["action"] for e in w.events(task["id"])] == ["task.dismissed"]


def test_staff_is_read_by_the_provider_and_involved_carriers_only(tmp_path: Path) -> None:
    w = world(tmp_path)
    a = w.admitted()
    other = w.admitted("Beratung Zwei")
    assert len(list_case_managers(w.reg, OFFICER_NORD, a.provider_id)) == 2
    for caller in (OFFICER_HESSEN, other.provider):
        with pytest.raises(NotFound):
            list_case_managers(w.reg, caller, a.provider_id)
    # only the provider itself changes its staff
    with pytest.raises(NotFound):
        add_case_manager(w.reg, OFFICER_NORD, a.provider_id, case_manager("X Y", ["addiction"]))


def test_a_staff_change_names_known_groups_and_no_duplicate(tmp_path: Path) -> None:
    w = world(tmp_path)
    a = w.admitted()
    with pytest.raises(Conflict):
        add_case_manager(
            w.reg, a.provider, a.provider_id, case_manager("Anna Beispiel", ["addiction"])
        )
    with pytest.raises(InvalidInput) as refused:
        add_case_manager(w.reg, a.provider, a.provider_id, case_manager("Clara Neu", ["zzz"]))
    assert [(p.field, p.rule) for p in refused.value.problems] == [("target_groups[0]", "Q8")]
    assert len(_staff(w, a)) == 2 and w.staff_tasks(a.provider_id) == []


def test_a15_a_staff_finding_is_a_task_for_every_issuing_carrier(tmp_path: Path) -> None:
    from registry.admission.decisions import admit_follow_on, list_follow_ons
    from tests.service.lifecycle_world import site

    w = world(tmp_path)
    provider = w.add_provider("Beratung Nord und Hessen")
    app = w.submit(
        provider,
        "drv-nord",
        [site("Lübeck", "23556", headquarters=True), site("Kassel", "34117")],
        ["addiction"],
    )
    w.decide(app, OFFICER_NORD, addiction=True)
    (follow_on,) = list_follow_ons(w.reg, OFFICER_HESSEN, "open")
    admit_follow_on(w.reg, OFFICER_HESSEN, follow_on["id"])
    pid = provider.provider or ""
    bernd = next(
        c["id"] for c in list_case_managers(w.reg, provider, pid) if c["name"] == "Bernd Muster"
    )

    remove_case_manager(w.reg, provider, pid, bernd)

    # the lead and the follow-on carrier each get the Q2 finding as a task of their own
    tasks = w.staff_tasks(pid)
    assert sorted((t["carrier"], t["rule"]) for t in tasks) == [
        ("drv-hessen", "Q2"),
        ("drv-nord", "Q2"),
    ]
    (hessen_item,) = [i for i in list_tasks(w.reg, OFFICER_HESSEN) if i["kind"] == "staff_finding"]
    assert hessen_item["rule"] == "Q2" and hessen_item["provider_id"] == pid
    # each decides on its own: Hessen dismissing its task leaves the lead's open
    dismiss_task(w.reg, OFFICER_HESSEN, str(hessen_item["id"]), "Mit dem Anbieter geklärt.")
    assert [i["kind"] for i in list_tasks(w.reg, OFFICER_NORD) if i["kind"] == "staff_finding"]
    # no admission was suspended automatically
    assert {m["status"] for m in w.admissions.admissions_of_provider(pid)} == {"admitted"}


def test_a15_a_site_language_nobody_speaks_after_a_staff_change_is_a_notice(
    tmp_path: Path,
) -> None:
    from tests.api.helpers import case_manager as cm

    w = world(tmp_path)
    # the Lübeck site offers de and tr; Ayşe is the only Turkish-speaking case manager
    a = w.admitted(
        case_managers=[
            cm("Anna Beispiel", ["addiction"]),
            cm("Bernd Muster", ["addiction"]),
            cm("Ayşe Yılmaz", ["addiction"], languages=["de", "tr"]),
        ]
    )
    remove_case_manager(w.reg, a.provider, a.provider_id, _staff(w, a)["Ayşe Yılmaz"])
    (notice,) = [
        n for n in w.notices.notices.values() if n["title"].startswith("Sprachen des Standorts")
    ]
    assert notice["carrier"] == "drv-nord" and "Türkisch" in notice["message"]
    assert "kein Ablehnungsgrund" in notice["message"]
    # advisory: no task, the admission stays
    assert w.staff_tasks(a.provider_id) == []
    (admission,) = w.admissions.admissions_of_provider(a.provider_id)
    assert admission["status"] == "admitted"
    # a further change that leaves it as it was tells nobody again
    add_case_manager(w.reg, a.provider, a.provider_id, case_manager("Clara Neu", ["addiction"]))
    assert len([n for n in w.notices.notices.values() if "Sprachen" in n["title"]]) == 1
