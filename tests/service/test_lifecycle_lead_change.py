"""A9 on the fakes: the lead's suspension or revocation of a target group gives every carrier
that issued a follow-on admission for the same application and group a notice and a task to
decide on its own admission; nothing of theirs changes automatically."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from registry.admission.decisions import admit_follow_on, list_follow_ons
from registry.admission.site_admissions import change_site_admission
from registry.lifecycle.tasks import dismiss_task, list_tasks
from tests.service.lifecycle_world import OFFICER_HESSEN, OFFICER_NORD, World, site, world


def _split(w: World) -> tuple[str, str, str]:
    """Lübeck admitted by DRV Nord (lead), Kassel by DRV Hessen (follow-on); their site ids."""
    provider = w.add_provider("Beratung Nord und Hessen")
    app = w.submit(
        provider,
        "drv-nord",
        [site("Lübeck", "23556", headquarters=True), site("Kassel", "34117")],
        ["addiction"],
    )
    decided = w.decide(app, OFFICER_NORD, addiction=True)
    (follow_on,) = list_follow_ons(w.reg, OFFICER_HESSEN, "open")
    admit_follow_on(w.reg, OFFICER_HESSEN, follow_on["id"])
    kassel = follow_on["site_id"]
    (lubeck,) = [s["id"] for s in decided["sites"] if s["id"] != kassel]
    return app["id"], lubeck, kassel


def _lead_tasks(w: World, officer: Any) -> list[dict[str, Any]]:
    return [i for i in list_tasks(w.reg, officer) if i["kind"] == "lead_changed"]


def test_a9_lead_suspension_tasks_the_follow_on_carrier(tmp_path: Path) -> None:
    w = world(tmp_path)
    app_id, lubeck, kassel = _split(w)

    change_site_admission(w.reg, OFFICER_NORD, lubeck, "suspend", "Beschwerden über Beratung")

    (task,) = _lead_tasks(w, OFFICER_HESSEN)
    assert task["rule"] == "A9" and task["site_id"] == kassel
    assert task["application_id"] == app_id
    assert "ausgesetzt" in task["message"] and "Kassel" in task["message"]
    notices = [
        n
        for n in w.notices.notices.values()
        if n["carrier"] == "drv-hessen" and "Federführender Träger" in n["title"]
    ]
    assert len(notices) == 1 and notices[0]["subject_id"] == app_id
    # never automatic: Hessen's admission stays admitted
    kassel_row = w.admissions.admissions_of_sites([kassel])[0]
    assert kassel_row["status"] == "admitted"
    # the lead has no such task of its own
    assert not _lead_tasks(w, OFFICER_NORD)

    # Hessen decides on its own admission: the task is done
    change_site_admission(w.reg, OFFICER_HESSEN, kassel, "suspend", "Wie der federführende Träger")
    assert not _lead_tasks(w, OFFICER_HESSEN)


def test_a9_lead_revocation_task_can_be_dismissed_with_a_reason(tmp_path: Path) -> None:
    w = world(tmp_path)
    _, lubeck, _ = _split(w)
    change_site_admission(w.reg, OFFICER_NORD, lubeck, "revoke", "Standort aufgegeben")
    (task,) = _lead_tasks(w, OFFICER_HESSEN)
    assert "widerrufen" in task["message"]
    dismiss_task(w.reg, OFFICER_HESSEN, str(task["id"]), "Kassel arbeitet unverändert gut.")
    assert not _lead_tasks(w, OFFICER_HESSEN)


def test_a9_resume_by_the_lead_tasks_nobody(tmp_path: Path) -> None:
    w = world(tmp_path)
    _, lubeck, _ = _split(w)
    change_site_admission(w.reg, OFFICER_NORD, lubeck, "suspend", "Prüfung")
    (task,) = _lead_tasks(w, OFFICER_HESSEN)
    dismiss_task(w.reg, OFFICER_HESSEN, str(task["id"]), "Abwarten.")
    change_site_admission(w.reg, OFFICER_NORD, lubeck, "resume", "Geklärt")
    assert not _lead_tasks(w, OFFICER_HESSEN)


def test_a9_a_review_that_revokes_tasks_the_follow_on_carrier_too(tmp_path: Path) -> None:
    from registry.admission.site_admissions import review_site_admission

    w = world(tmp_path)
    _, lubeck, kassel = _split(w)
    review_site_admission(w.reg, OFFICER_NORD, lubeck, "revoked", "Qualität nicht gesichert")
    (task,) = _lead_tasks(w, OFFICER_HESSEN)
    assert task["site_id"] == kassel and "widerrufen" in task["message"]
    # Hessen's own review settles it
    review_site_admission(w.reg, OFFICER_HESSEN, kassel, "confirmed", "Kassel arbeitet gut")
    assert not _lead_tasks(w, OFFICER_HESSEN)
