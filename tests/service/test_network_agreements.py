"""Use cases of agreements (N2–N5), on the fakes: no database."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from registry import clock
from registry.errors import Conflict, Forbidden, InvalidInput, NotFound
from registry.network.agreement_drafts import create_agreement, update_agreement
from registry.network.agreement_expiry import expire_agreements
from registry.network.agreement_reading import (
    agreements_due_for_review,
    get_agreement,
    list_agreements,
)
from registry.network.agreement_status import activate_agreement, change_agreement_status
from registry.network.partners import create_partner
from tests.service.network_world import (
    CM_NORD,
    FRANKFURT,
    STRATEGIST_BUND,
    STRATEGIST_HESSEN,
    STRATEGIST_NORD,
    World,
    agreement_body,
    complete_contents,
    partner_body,
    world,
)

# rule N4: the carriers of the region (drv-nord for Lübeck) and both federal carriers are told;
# the acting carrier is left out
TOLD_OF_LUEBECK = ["drv-bund", "drv-knappschaft-bahn-see"]


def _draft(w: World, **over: object) -> str:
    partner = create_partner(w.reg, CM_NORD, partner_body("Schuldnerberatung Lübeck"))
    body = agreement_body(partner["id"], clock.today().isoformat(), **over)
    return str(create_agreement(w.reg, STRATEGIST_NORD, body)["id"])


def test_a_new_agreement_is_a_draft_and_the_region_is_told(tmp_path: Path) -> None:
    w = world(tmp_path)
    agreement_id = _draft(w)
    agreement = get_agreement(w.reg, STRATEGIST_NORD, agreement_id)
    assert (agreement["status"], agreement["version"]) == ("draft", 1)
    assert agreement["created_by_carrier"] == "drv-nord"
    assert agreement["may_manage"] is True
    # rule N4: the creating carrier is a party
    assert [(c["carrier"], c["status"]) for c in agreement["parties"]] == [("drv-nord", "party")]
    assert agreement["partner_details"][0]["name"] == "Schuldnerberatung Lübeck"
    assert w.notified(agreement_id) == TOLD_OF_LUEBECK
    assert [h["action"] for h in agreement["history"]] == ["agreement.created"]


def test_activation_without_contents_is_refused_listing_every_missing_one(
    tmp_path: Path,
) -> None:
    w = world(tmp_path)
    agreement_id = _draft(w)
    with pytest.raises(InvalidInput) as refused:
        activate_agreement(w.reg, STRATEGIST_NORD, agreement_id)
    problems = refused.value.problems
    assert len(problems) > 1 and {p.rule for p in problems} == {"N3"}
    missing = {
        m["field"] for m in get_agreement(w.reg, STRATEGIST_NORD, agreement_id)["missing_contents"]
    }
    assert {p.field for p in problems} == missing
    assert w.network.agreements[agreement_id]["status"] == "draft"


def test_activation_with_an_override_reason_records_it(tmp_path: Path) -> None:
    w = world(tmp_path)
    agreement_id = _draft(w)
    active = activate_agreement(w.reg, STRATEGIST_NORD, agreement_id, override_reason="Pilot")
    assert active["status"] == "active"
    assert active["override_reason"] == "Pilot"
    assert active["activated_on"] == clock.today().isoformat()
    activated = [e for e in w.audit.events if e["action"] == "agreement.activated"]
    assert [e["reason"] for e in activated] == ["Pilot"]
    notices = [n for n in w.notices.notices.values() if n["subject_id"] == agreement_id]
    assert "Begründung: Pilot" in notices[-1]["message"]


def test_a_complete_agreement_activates_without_a_reason(tmp_path: Path) -> None:
    w = world(tmp_path)
    agreement_id = _draft(w, contents=complete_contents())
    active = activate_agreement(w.reg, STRATEGIST_NORD, agreement_id)
    assert (active["status"], active["override_reason"]) == ("active", None)
    assert active["missing_contents"] == []


def test_suspend_and_resume_with_reasons(tmp_path: Path) -> None:
    w = world(tmp_path)
    agreement_id = _draft(w, contents=complete_contents())
    activate_agreement(w.reg, STRATEGIST_NORD, agreement_id)
    with pytest.raises(InvalidInput):
        change_agreement_status(w.reg, STRATEGIST_NORD, agreement_id, "suspend", " ")
    suspended = change_agreement_status(
        w.reg, STRATEGIST_NORD, agreement_id, "suspend", "Partner im Umbau"
    )
    assert (suspended["status"], suspended["status_reason"]) == ("suspended", "Partner im Umbau")
    with pytest.raises(Conflict):  # only an active agreement is suspended
        change_agreement_status(w.reg, STRATEGIST_NORD, agreement_id, "suspend", "Nochmal")
    resumed = change_agreement_status(w.reg, STRATEGIST_NORD, agreement_id, "resume", "Fertig")
    assert (resumed["status"], resumed["status_reason"]) == ("active", None)
    assert [h["action"] for h in resumed["history"]] == [
        "agreement.created",
        "agreement.activated",
        "agreement.suspended",
        "agreement.resumed",
    ]
    # every step told the region again
    assert w.notified(agreement_id) == TOLD_OF_LUEBECK * 4


def test_changing_an_agreement_in_force_keeps_the_previous_version(tmp_path: Path) -> None:
    w = world(tmp_path)
    agreement_id = _draft(w, contents=complete_contents())
    activate_agreement(w.reg, STRATEGIST_NORD, agreement_id)
    changed = update_agreement(w.reg, STRATEGIST_NORD, agreement_id, {"title": "Neu"})
    assert changed["version"] == 2
    versions = changed["versions"]
    assert [(v["version"], v["current"]) for v in versions] == [(1, False), (2, True)]
    assert versions[0]["superseded_by"] == STRATEGIST_NORD.user_id
    assert versions[0]["snapshot"]["title"] == "Kooperation Lübeck"


def test_who_reads_and_who_manages(tmp_path: Path) -> None:
    w = world(tmp_path)
    agreement_id = _draft(w)
    # N4: a carrier outside the region and not a party does not see it; a federal one does,
    # informed but not acting (only parties act)
    with pytest.raises(NotFound):
        get_agreement(w.reg, STRATEGIST_HESSEN, agreement_id)
    assert [a["id"] for a in list_agreements(w.reg, STRATEGIST_HESSEN)] == []
    assert get_agreement(w.reg, STRATEGIST_BUND, agreement_id)["may_manage"] is False
    with pytest.raises(Forbidden):
        update_agreement(w.reg, STRATEGIST_BUND, agreement_id, {"title": "Übernommen"})
    with pytest.raises(Forbidden):
        list_agreements(w.reg, CM_NORD)
    # regional agreements elsewhere are not drv-nord's to make
    partner_id = w.network.agreements[agreement_id]["partners"][0]
    elsewhere = agreement_body(
        partner_id,
        clock.today().isoformat(),
        scope={"level": "districts", "districts": [FRANKFURT]},
    )
    with pytest.raises(Forbidden):
        create_agreement(w.reg, STRATEGIST_NORD, elsewhere)


def test_due_for_review_lists_the_carriers_agreements_whose_review_comes(
    tmp_path: Path,
) -> None:
    w = world(tmp_path)
    agreement_id = _draft(w, contents=complete_contents())  # review every 12 months
    activate_agreement(w.reg, STRATEGIST_NORD, agreement_id)
    assert agreements_due_for_review(w.reg, STRATEGIST_NORD, 90) == []
    clock.shift(timedelta(days=300))
    (due,) = agreements_due_for_review(w.reg, STRATEGIST_NORD, 90)
    assert (due["id"], due["overdue"]) == (agreement_id, False)
    clock.shift(timedelta(days=100))
    (due,) = agreements_due_for_review(w.reg, STRATEGIST_NORD, 0)
    assert due["overdue"] is True
    # not a party: nothing is due for drv-hessen
    assert agreements_due_for_review(w.reg, STRATEGIST_HESSEN, 400) == []


def test_an_agreement_past_its_end_expires_on_the_next_read(tmp_path: Path) -> None:
    w = world(tmp_path)
    until = (clock.today() + timedelta(days=10)).isoformat()
    agreement_id = _draft(w, contents=complete_contents(), valid_until=until)
    activate_agreement(w.reg, STRATEGIST_NORD, agreement_id)
    assert expire_agreements(w.reg) == 0
    clock.shift(timedelta(days=11))
    (listed,) = list_agreements(w.reg, STRATEGIST_NORD)
    assert listed["status"] == "expired"
    expired = [e for e in w.audit.events if e["action"] == "agreement.expired"]
    assert [e["actor"] for e in expired] == ["system"]
    # the system acts for no carrier: the parties are told too
    assert "drv-nord" in w.notified(agreement_id)
    assert expire_agreements(w.reg) == 0
