"""A15 site facts on the fakes: the provider keeps languages, barrier-free access, radii, rooms
and public transport current; a change touching a criterion re-runs Q5 and is shown to every
carrier that issued one of the site's admissions (notice; task for a new blocking finding)."""

from __future__ import annotations

from pathlib import Path

import pytest

from registry.admission.decisions import admit_follow_on, list_follow_ons
from registry.errors import InvalidInput
from registry.lifecycle.sites import update_site_details
from registry.lifecycle.tasks import dismiss_task, list_tasks
from tests.service.lifecycle_world import OFFICER_HESSEN, OFFICER_NORD, World, site, world


def _notices(w: World, carrier: str) -> list[dict[str, str]]:
    return [n for n in w.notices.notices.values() if n["carrier"] == carrier]


def _site_tasks(w: World, officer: object) -> list[dict[str, object]]:
    return [i for i in list_tasks(w.reg, officer) if i["kind"] == "site_finding"]  # type: ignore[arg-type]


def test_a15_facts_change_is_saved_and_indexed(tmp_path: Path) -> None:
    w = world(tmp_path)
    a = w.admitted()
    out = update_site_details(
        w.reg,
        a.provider,
        a.provider_id,
        a.site_id,
        {"languages": ["de", "en"], "barrier_free": True, "catchment_radius_km": 40},
    )
    row = w.providers.site_rows[a.site_id]
    assert row["languages"] == ["de", "en"] and row["barrier_free"] is True
    assert row["catchment_radius_km"] == 40.0
    assert out["confirmed_on"]  # saving confirms
    # the search index follows: the site was enqueued
    assert any(r["ref_id"] == a.site_id for r in w.outbox.rows.values())
    # a criterion is touched (languages, radius): the issuing carrier is told
    assert [n for n in _notices(w, "drv-nord") if "Standortangaben" in n["title"]]


def test_a15_barrier_free_touches_no_criterion(tmp_path: Path) -> None:
    w = world(tmp_path)
    a = w.admitted()
    update_site_details(w.reg, a.provider, a.provider_id, a.site_id, {"barrier_free": False})
    assert w.providers.site_rows[a.site_id]["barrier_free"] is False
    assert not [n for n in _notices(w, "drv-nord") if "Standortangaben" in n["title"]]


def test_a15_q5_new_blocking_finding_is_a_task_for_every_issuing_carrier(tmp_path: Path) -> None:
    w = world(tmp_path)
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
    kassel = next(s["id"] for s in decided["sites"] if s["id"] == follow_on["site_id"])
    pid = provider.provider or ""

    out = update_site_details(w.reg, provider, pid, kassel, {"rooms_for_relatives": False})
    # Q5 re-run: rooms for relatives missing is blocking, in the answer ...
    blocking = [(f["rule"], f["code"]) for f in out["findings"] if f["severity"] == "blocking"]
    assert blocking == [("Q5", "rooms-relatives-missing")]
    # ... a task and a notice for DRV Hessen, which issued the Kassel admission; not for Nord
    (task,) = _site_tasks(w, OFFICER_HESSEN)
    assert task["rule"] == "Q5" and task["site_id"] == kassel
    assert not _site_tasks(w, OFFICER_NORD)
    (notice,) = [n for n in _notices(w, "drv-hessen") if "Standortangaben" in n["title"]]
    assert "Angehörigen" in notice["message"]
    # never a suspension
    assert {m["status"] for m in w.admissions.admissions_of_provider(pid)} == {"admitted"}

    # fixed again: the task closes
    update_site_details(w.reg, provider, pid, kassel, {"rooms_for_relatives": True})
    assert not _site_tasks(w, OFFICER_HESSEN)
    # broken again and dismissed by its carrier with a reason
    update_site_details(w.reg, provider, pid, kassel, {"rooms_for_relatives": False})
    (task,) = _site_tasks(w, OFFICER_HESSEN)
    dismiss_task(w.reg, OFFICER_HESSEN, str(task["id"]), "Räume beim Besuch gesehen.")
    assert not _site_tasks(w, OFFICER_HESSEN)


def test_a15_a_language_no_case_manager_speaks_is_advisory(tmp_path: Path) -> None:
    w = world(tmp_path)
    a = w.admitted()
    out = update_site_details(
        w.reg, a.provider, a.provider_id, a.site_id, {"languages": ["de", "ar"]}
    )
    (finding,) = [f for f in out["findings"] if f["code"] == "site-language-unspoken"]
    assert finding["severity"] == "advisory" and "Arabisch" in finding["message"]
    # shown to the issuing carrier as a notice, never a task or a refusal
    assert [n for n in _notices(w, "drv-nord") if "Standortangaben" in n["title"]]
    assert not _site_tasks(w, OFFICER_NORD)
    assert w.providers.site_rows[a.site_id]["languages"] == ["de", "ar"]


@pytest.mark.parametrize(
    ("patch", "field", "rule"),
    [
        ({"catchment_radius_km": 0}, "catchment_radius_km", "E2"),
        ({"catchment_radius_km": None}, "catchment_radius_km", "E2"),
        ({"outreach_radius_km": -1}, "outreach_radius_km", "E2"),
        ({"languages": []}, "languages", "E3"),
        ({"languages": ["Deutsch"]}, "languages[0]", "E3"),
        ({"rooms_for_individual_talks": None}, "rooms_for_individual_talks", "Q5"),
    ],
)
def test_a15_invalid_facts_name_field_and_rule(
    tmp_path: Path, patch: dict[str, object], field: str, rule: str
) -> None:
    w = world(tmp_path)
    a = w.admitted()
    with pytest.raises(InvalidInput) as err:
        update_site_details(w.reg, a.provider, a.provider_id, a.site_id, patch)
    assert [(p.field, p.rule) for p in err.value.problems] == [(field, rule)]
