"""Use cases of suspending, resuming and revoking a site's admission, and of announcements,
on the fakes: no database."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from registry.admission.announcements import (
    confirm_announcement,
    create_announcement,
    list_announcements,
)
from registry.admission.site_admissions import change_site_admission
from registry.auth import Principal, Role
from registry.errors import Conflict, Forbidden, InvalidInput, NotFound
from tests.service.admission_world import OFFICER_HESSEN, OFFICER_NORD, site, world


def test_only_the_issuing_carrier_suspends_resumes_and_revokes(tmp_path: Path) -> None:
    w = world(tmp_path)
    provider = w.add_provider()
    app = w.submit(provider, "drv-nord", [site("Lübeck", "23556")], ["addiction"])
    decided = w.decide(app, OFFICER_NORD, addiction=True)
    site_id = decided["sites"][0]["id"]

    # rule A9: a carrier that neither is responsible nor issued it sees no such site
    with pytest.raises(NotFound):
        change_site_admission(w.reg, OFFICER_HESSEN, site_id, "suspend", "Prüfung")
    view = change_site_admission(w.reg, OFFICER_NORD, site_id, "suspend", "Beschwerde")
    assert view["admission_status"] == "suspended"
    assert view["admissions"][0]["reason"] == "Beschwerde"
    view = change_site_admission(w.reg, OFFICER_NORD, site_id, "resume", "unbegründet")
    assert view["admission_status"] == "admitted"
    # a dry run (the portal's confirmation step) checks and saves nothing
    view = change_site_admission(w.reg, OFFICER_NORD, site_id, "revoke", "Prüfung", dry_run=True)
    assert view["admission_status"] == "admitted"
    with pytest.raises(InvalidInput):
        change_site_admission(w.reg, OFFICER_NORD, site_id, "revoke", " ", dry_run=True)
    view = change_site_admission(w.reg, OFFICER_NORD, site_id, "revoke", "Kein Personal mehr")
    assert view["admission_status"] == "revoked"
    # rule A9: revoked is final
    with pytest.raises(Conflict):
        change_site_admission(w.reg, OFFICER_NORD, site_id, "resume", "doch")
    # rule A10: each step audited with its carrier and reason
    revoked = next(e for e in w.audit.events if e["action"] == "admission.revoked")
    assert (revoked["carrier"], revoked["reason"]) == ("drv-nord", "Kein Personal mehr")
    # rule A9 notifies like A8
    assert {"drv-bund", "drv-knappschaft-bahn-see"} <= w.notified(app["id"])


def test_announcements_are_published_and_listed_while_open(tmp_path: Path) -> None:
    w = world(tmp_path)
    strategist = Principal("u-st", "strategist.nord", Role.NETWORK_STRATEGIST, "drv-nord")
    body = {
        "carriers": ["drv-nord", "drv-bund"],
        "target_groups": ["addiction"],
        "text": "Gesucht: Fallmanagement Sucht in Lübeck",
        "open_until": date(2099, 12, 31),
        "districts": ["01003"],
    }
    # rule A12: carriers publish; providers see the open ones
    created = create_announcement(w.reg, strategist, body)
    assert created["carriers"] == ["drv-bund", "drv-nord"] and created["open"] is True
    # rule N4: DRV Bund is named, and confirms before the announcement is published
    assert (created["published"], created["pending"]) == (False, ["drv-bund"])
    assert list_announcements(w.reg, open_only=True) == []
    bund = Principal("u-st-bund", "strategist.bund", Role.NETWORK_STRATEGIST, "drv-bund")
    assert confirm_announcement(w.reg, bund, created["id"])["published"] is True
    assert [a["id"] for a in list_announcements(w.reg, open_only=True)] == [created["id"]]
    # an application may name it (A12); an unknown one is refused
    provider = w.add_provider()
    app = w.submit(
        provider,
        "drv-nord",
        [site("Lübeck", "23556")],
        ["addiction"],
        announcement_id=created["id"],
    )
    assert app["announcement_id"] == created["id"]
    with pytest.raises(InvalidInput) as bad:
        w.submit(
            provider, "drv-nord", [site("Kiel", "24103")], ["addiction"], announcement_id="ann-x"
        )
    assert bad.value.problems[0].rule == "A12"
    # only officers and strategists of a carrier publish
    with pytest.raises(Forbidden):
        create_announcement(w.reg, Principal("u-a", "admin", Role.ADMIN), body)
