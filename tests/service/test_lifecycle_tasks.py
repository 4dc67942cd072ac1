"""The one task inbox on the fakes: A5, A7, A13, A14 and A15 items merged, overdue first."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from registry import clock
from registry.errors import Forbidden
from registry.lifecycle.contracts import record_contract
from registry.lifecycle.staff import list_case_managers, remove_case_manager
from registry.lifecycle.tasks import list_tasks
from tests.service.lifecycle_world import (
    CASE_MANAGER,
    OFFICER_HESSEN,
    OFFICER_NORD,
    World,
    site,
    world,
)


def _kinds(items: list[dict[str, object]]) -> list[str]:
    return [str(i["kind"]) for i in items]


def _age_site(w: World, site_id: str, days: int) -> None:
    """The site's data was last confirmed ``days`` ago."""
    w.providers.site_rows[site_id]["confirmed_on"] = (
        clock.today() - timedelta(days=days)
    ).isoformat()


def test_the_officers_inbox_merges_every_kind_of_work(tmp_path: Path) -> None:
    w = world(tmp_path)
    # A13 + A14 + A15: admitted (no contract yet), its review close, Bernd left, data stale
    a = w.admitted()
    for row in w.admissions.admission_rows.values():
        row["review_due"] = (clock.today() + timedelta(days=30)).isoformat()
    bernd = next(
        c["id"]
        for c in list_case_managers(w.reg, a.provider, a.provider_id)
        if c["name"] == "Bernd Muster"
    )
    remove_case_manager(w.reg, a.provider, a.provider_id, bernd)
    _age_site(w, a.site_id, 400)
    # A5: another provider's application waits for DRV Nord's decision
    waiting = w.add_provider("Beratung Wartend")
    pending = w.submit(
        waiting, "drv-nord", [site("Kiel", "24103", headquarters=True)], ["addiction"]
    )
    # A7: an application with a site in Kassel, decided by DRV Nord -> follow-on for Hessen
    both = w.add_provider("Beratung Nord und Hessen")
    app = w.submit(
        both,
        "drv-nord",
        [site("Lübeck", "23556", headquarters=True), site("Kassel", "34117")],
        ["addiction"],
    )
    w.decide(app, OFFICER_NORD, addiction=True)

    nord = list_tasks(w.reg, OFFICER_NORD)
    by_kind = {str(i["kind"]): i for i in nord}
    assert set(by_kind) == {
        "stale_data",
        "decision_pending",
        "contract_pending",
        "staff_finding",
        "review_due",
    }
    # stale data is overdue by definition and comes first; the rest by age
    assert nord[0]["kind"] == "stale_data" and nord[0]["overdue"] is True
    assert all(not i["overdue"] for i in nord[1:])
    assert by_kind["stale_data"]["id"] == f"stale_data:{a.site_id}"
    assert by_kind["decision_pending"]["id"] == f"decision_pending:{pending['id']}"
    assert by_kind["review_due"]["id"] == f"review_due:{a.site_id}"
    assert by_kind["review_due"]["due_on"] == (clock.today() + timedelta(days=30)).isoformat()
    assert by_kind["staff_finding"]["rule"] == "Q2"
    # A13: one contract item per provider admitted by DRV Nord without a contract
    contracts = [i for i in nord if i["kind"] == "contract_pending"]
    assert {i["provider_id"] for i in contracts} == {a.provider_id, both.provider}
    assert {i["rule"] for i in nord} == {"A5", "A13", "A14", "A15", "Q2"}

    # A7: DRV Hessen's inbox holds the follow-on admission of the Kassel site
    (follow_on,) = list_tasks(w.reg, OFFICER_HESSEN)
    assert follow_on["kind"] == "follow_on" and follow_on["rule"] == "A7"
    assert follow_on["provider_id"] == both.provider
    assert "Beratung Nord und Hessen" in str(follow_on["message"])

    # a recorded contract takes its item away
    record_contract(
        w.reg,
        OFFICER_NORD,
        a.provider_id,
        {"signed_on": clock.today(), "model_contract_version": "2024-01"},
    )
    contracts = [i for i in list_tasks(w.reg, OFFICER_NORD) if i["kind"] == "contract_pending"]
    assert {i["provider_id"] for i in contracts} == {both.provider}


def test_overdue_items_come_first(tmp_path: Path) -> None:
    w = world(tmp_path)
    waiting = w.add_provider("Beratung Wartend")
    w.submit(waiting, "drv-nord", [site("Kiel", "24103", headquarters=True)], ["addiction"])
    clock.shift(timedelta(days=w.reg.settings.lead_decision_overdue_days + 1))
    w.admitted("Beratung Neu")  # a fresh contract_pending item, not overdue
    items = list_tasks(w.reg, OFFICER_NORD)
    assert _kinds(items) == ["decision_pending", "contract_pending"]
    assert [i["overdue"] for i in items] == [True, False]


def test_the_providers_inbox_flags_its_own_stale_sites(tmp_path: Path) -> None:
    w = world(tmp_path)
    a = w.admitted()
    other = w.admitted("Beratung Zwei")
    assert list_tasks(w.reg, a.provider) == []
    _age_site(w, a.site_id, 400)
    _age_site(w, other.site_id, 400)
    (item,) = list_tasks(w.reg, a.provider)
    assert item["id"] == f"stale_data:{a.site_id}" and item["overdue"] is True
    assert "Bitte bestätigen oder aktualisieren" in str(item["message"])


def test_only_officers_and_providers_have_an_inbox(tmp_path: Path) -> None:
    w = world(tmp_path)
    with pytest.raises(Forbidden):
        list_tasks(w.reg, CASE_MANAGER)


def test_a7_an_overdue_follow_on_is_escalated_to_the_lead(tmp_path: Path) -> None:
    from registry.admission.decisions import admit_follow_on, list_follow_ons

    w = world(tmp_path)
    both = w.add_provider("Beratung Nord und Hessen")
    app = w.submit(
        both,
        "drv-nord",
        [site("Lübeck", "23556", headquarters=True), site("Kassel", "34117")],
        ["addiction"],
    )
    w.decide(app, OFFICER_NORD, addiction=True)
    assert "follow_on_overdue" not in _kinds(list_tasks(w.reg, OFFICER_NORD))

    # rule A7: past the overdue date the lead has a task naming the carrier and the site
    clock.shift(timedelta(days=w.reg.settings.follow_on_overdue_days + 1))
    (item,) = [i for i in list_tasks(w.reg, OFFICER_NORD) if i["kind"] == "follow_on_overdue"]
    (follow_on,) = list_follow_ons(w.reg, OFFICER_HESSEN, "open")
    assert item["id"] == f"follow_on_overdue:{follow_on['id']}"
    assert item["rule"] == "A7" and item["overdue"] is True
    assert item["site_id"] == follow_on["site_id"] and item["application_id"] == app["id"]
    assert "DRV Hessen" in str(item["message"]) and "Kassel" in str(item["message"])
    # the follow-on carrier does not get the lead's copy
    assert "follow_on_overdue" not in _kinds(list_tasks(w.reg, OFFICER_HESSEN))

    # once Hessen admits the site the escalation is gone
    admit_follow_on(w.reg, OFFICER_HESSEN, follow_on["id"])
    assert "follow_on_overdue" not in _kinds(list_tasks(w.reg, OFFICER_NORD))


def test_a15_training_due_reaches_the_follow_on_carrier_on_its_own_inbox(tmp_path: Path) -> None:
    # rule A15/Q3: time alone turns a training in progress overdue; the follow-on carrier's
    # inbox finds it without the lead's inbox being opened first
    from registry.admission.decisions import admit_follow_on, list_follow_ons
    from registry.lifecycle.staff import add_case_manager
    from tests.service.lifecycle_world import case_manager

    w = world(tmp_path)
    both = w.add_provider("Beratung Nord und Hessen")
    app = w.submit(
        both,
        "drv-nord",
        [site("Lübeck", "23556", headquarters=True), site("Kassel", "34117")],
        ["addiction"],
    )
    w.decide(app, OFFICER_NORD, addiction=True)
    (follow_on,) = list_follow_ons(w.reg, OFFICER_HESSEN, "open")
    admit_follow_on(w.reg, OFFICER_HESSEN, follow_on["id"])
    today = clock.today()
    trainee = case_manager(
        "Tina Lernt",
        ["addiction"],
        certificates=[],
        joined_on=(today - timedelta(days=30)).isoformat(),
        training_started_on=(today - timedelta(days=10)).isoformat(),
    )
    add_case_manager(w.reg, both, both.provider or "", trainee)
    assert "training_due" not in _kinds(list_tasks(w.reg, OFFICER_HESSEN))
    clock.shift(timedelta(days=31 * w.reg.settings.training_completion_months))
    (due,) = [i for i in list_tasks(w.reg, OFFICER_HESSEN) if i["kind"] == "training_due"]
    assert due["rule"] == "Q3" and due["provider_id"] == both.provider
    # the lead has its own
    assert "training_due" in _kinds(list_tasks(w.reg, OFFICER_NORD))
