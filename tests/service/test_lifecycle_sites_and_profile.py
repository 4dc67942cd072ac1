"""A15 site data and the Q0 carrier profile on the fakes."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from registry import clock
from registry.admission.national_criteria import put_criteria
from registry.auth import Principal, Role
from registry.errors import Forbidden, InvalidInput, NotFound
from registry.lifecycle.carrier_profile import get_carrier_profile, put_carrier_profile
from registry.lifecycle.sites import confirm_site, update_site_details
from registry.lifecycle.staff import list_case_managers, remove_case_manager
from registry.lifecycle.tasks import list_tasks
from tests.service.lifecycle_world import (
    ADMIN_HESSEN,
    ADMIN_NORD,
    OFFICER_NORD,
    world,
)

ADMIN_NATIONAL = Principal("u-admin", "admin", Role.ADMIN)


def test_the_provider_confirms_its_site_data_and_the_flag_goes(tmp_path: Path) -> None:
    w = world(tmp_path)
    a = w.admitted()
    w.providers.site_rows[a.site_id]["confirmed_on"] = "2020-01-01"
    assert [i["kind"] for i in list_tasks(w.reg, a.provider)] == ["stale_data"]
    w.outbox.rows.clear()

    view = confirm_site(w.reg, a.provider, a.provider_id, a.site_id)
    today = clock.today()
    assert view["confirmed_on"] == today.isoformat()
    assert view["confirmation_due"][:4] == str(today.year + 1)
    assert w.providers.site_rows[a.site_id]["confirmed_on"] == today.isoformat()
    # re-indexed for the directory ("confirmed on"), audited on the site
    assert [r["ref_id"] for r in w.outbox.rows.values()] == [a.site_id]
    assert [e["action"] for e in w.events(a.site_id)] == ["site.confirmed"]
    assert list_tasks(w.reg, a.provider) == []
    assert [i for i in list_tasks(w.reg, OFFICER_NORD) if i["kind"] == "stale_data"] == []


def test_an_edit_merges_the_details_and_counts_as_confirmation(tmp_path: Path) -> None:
    w = world(tmp_path)
    a = w.admitted()
    before = json.loads(w.providers.site_rows[a.site_id]["details"] or "{}")
    clock.shift(timedelta(days=10))
    view = update_site_details(
        w.reg, a.provider, a.provider_id, a.site_id, {"opening_hours": "Mo-Fr 9-17"}
    )
    assert view["details"] == {**before, "opening_hours": "Mo-Fr 9-17"}
    assert view["confirmed_on"] == clock.today().isoformat()
    assert [e["action"] for e in w.events(a.site_id)] == ["site.details_changed"]


def test_only_the_provider_keeps_its_own_sites(tmp_path: Path) -> None:
    w = world(tmp_path)
    a = w.admitted()
    other = w.admitted("Beratung Zwei")
    for caller, provider_id in (
        (other.provider, a.provider_id),
        (other.provider, other.provider_id),  # not its site
        (OFFICER_NORD, a.provider_id),
    ):
        with pytest.raises(NotFound):
            confirm_site(w.reg, caller, provider_id, a.site_id)
    assert w.events(a.site_id) == []


def test_a_carriers_admin_keeps_its_profile_read_by_everyone(tmp_path: Path) -> None:
    # rule Q0: the profile holds contacts; the criteria it shows are the national setting
    w = world(tmp_path)
    contact = {"name": "Petra Kontakt", "role": "Fallmanagement", "email": "p@drv.example"}
    saved = put_carrier_profile(w.reg, ADMIN_NORD, "drv-nord", {"contacts": [contact]})
    assert saved["contacts"] == [contact] and saved["criteria"]["Q5"] == "blocking"
    # written by the lifecycle repository, read back through the reference repository
    assert w.lifecycle.reference.profiles["drv-nord"] == {"contacts": [contact]}
    seen = get_carrier_profile(w.reg, OFFICER_NORD, "drv-nord")
    assert seen == saved and seen["criteria"]["Q2"] == "blocking"
    assert [e["action"] for e in w.events("drv-nord")] == ["carrier.profile_changed"]

    with pytest.raises(Forbidden):  # another carrier's admin
        put_carrier_profile(w.reg, ADMIN_HESSEN, "drv-nord", {})
    with pytest.raises(Forbidden):  # not an admin
        put_carrier_profile(w.reg, OFFICER_NORD, "drv-nord", {})
    with pytest.raises(InvalidInput) as refused:  # rule Q0: no criteria of its own
        put_carrier_profile(w.reg, ADMIN_NORD, "drv-nord", {"criteria": {"Q5": "advisory"}})
    assert [(p.field, p.rule) for p in refused.value.problems] == [("criteria", "Q0")]
    # the national setting sent back unchanged is accepted
    put_carrier_profile(w.reg, ADMIN_NORD, "drv-nord", {"criteria": seen["criteria"]})
    with pytest.raises(NotFound):
        get_carrier_profile(w.reg, OFFICER_NORD, "drv-nirgendwo")


def test_the_national_severities_decide_whether_a_staff_change_is_a_task(tmp_path: Path) -> None:
    w = world(tmp_path)
    a = w.admitted()
    # Q0: the national admin treats Q2 as advisory -> a change leaving one case manager opens
    # no task; a carrier's admin cannot change it
    with pytest.raises(Forbidden):
        put_criteria(w.reg, ADMIN_NORD, {"Q2": "advisory"})
    put_criteria(w.reg, ADMIN_NATIONAL, {"Q2": "advisory"})
    assert [e["action"] for e in w.events("national")] == ["criteria.changed"]
    staff = {c["name"]: c["id"] for c in list_case_managers(w.reg, a.provider, a.provider_id)}
    remove_case_manager(w.reg, a.provider, a.provider_id, staff["Bernd Muster"])
    assert w.staff_tasks(a.provider_id) == []
