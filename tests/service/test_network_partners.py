"""Use cases of partners (N1) and the partner list, on the fakes: no database."""

from __future__ import annotations

from pathlib import Path

import pytest

from registry.errors import Conflict, Forbidden, InvalidInput, NotFound
from registry.network.partners import create_partner, get_partner, list_partners, update_partner
from registry.network.repository import PartnerRow
from tests.service.network_world import (
    ADMIN,
    CM_HESSEN,
    CM_NORD,
    LUEBECK,
    READER,
    STRATEGIST_NORD,
    partner_body,
    world,
)


def test_a_case_manager_creates_a_partner_geocoded_with_its_own_carrier(tmp_path: Path) -> None:
    w = world(tmp_path)
    partner = create_partner(w.reg, CM_NORD, partner_body("Jobcenter Lübeck"))

    # N1: the creator's carrier is added, so its staff may keep the partner current
    assert partner["carriers"] == ["drv-nord"]
    assert partner["version"] == 1
    (site,) = partner["sites"]
    assert site["district"]["key"] == LUEBECK
    assert site["address"]["place"] == "Lübeck"
    assert site["service_radius_km"] == 30
    # stored through the repository, audited, and queued for the partner search (E7)
    assert set(w.network.partners) == {partner["id"]}
    assert w.actions(partner["id"]) == ["partner.created"]
    assert [r["ref_id"] for r in w.outbox.rows.values()] == [site["id"]]


def test_the_creators_carrier_joins_others_only_by_themselves_and_an_admin_adds_none(
    tmp_path: Path,
) -> None:
    w = world(tmp_path)
    # rule N4: a carrier adds only itself (issue 14: no carrier binds another)
    with pytest.raises(InvalidInput) as refused:
        create_partner(w.reg, CM_NORD, partner_body("Suchthilfe Lübeck", carriers=["drv-hessen"]))
    assert [(p.field, p.rule) for p in refused.value.problems] == [("carriers", "N4")]
    listed = create_partner(
        w.reg, CM_NORD, partner_body("Suchthilfe Lübeck", carriers=["drv-nord"])
    )
    assert listed["carriers"] == ["drv-nord"]
    # an admin acting for no carrier is no carrier giving consent: it sets the list
    by_admin = create_partner(w.reg, ADMIN, partner_body("Jobcenter Kiel", carriers=["drv-bund"]))
    assert by_admin["carriers"] == ["drv-bund"]


def test_partners_are_kept_by_case_managers_strategists_and_admins_only(tmp_path: Path) -> None:
    w = world(tmp_path)
    with pytest.raises(Forbidden):
        create_partner(w.reg, READER, partner_body("Jobcenter Lübeck"))
    assert w.network.partners == {}


def test_an_unknown_target_group_or_postal_code_is_refused_naming_the_field(
    tmp_path: Path,
) -> None:
    w = world(tmp_path)
    with pytest.raises(InvalidInput) as bad_group:
        create_partner(w.reg, CM_NORD, partner_body("X", target_groups=["astrology"]))
    assert any(p.field.startswith("target_groups") for p in bad_group.value.problems)
    with pytest.raises(InvalidInput) as bad_place:
        create_partner(w.reg, CM_NORD, partner_body("X", postal_code="00000"))
    assert [p.field for p in bad_place.value.problems] == ["sites[0].address.postal_code"]
    assert w.network.partners == {} and w.audit.events == []


def test_only_carriers_working_with_a_partner_change_it(tmp_path: Path) -> None:
    w = world(tmp_path)
    partner = create_partner(w.reg, CM_NORD, partner_body("Jobcenter Lübeck"))
    with pytest.raises(Forbidden):
        update_partner(w.reg, CM_HESSEN, partner["id"], {"name": "Fremd"})
    assert get_partner(w.reg, CM_HESSEN, partner["id"])["may_edit"] is False

    changed = update_partner(w.reg, STRATEGIST_NORD, partner["id"], {"name": "Jobcenter HL"})
    assert (changed["name"], changed["version"]) == ("Jobcenter HL", 2)
    assert changed["sites"] == partner["sites"]  # sites not given: kept
    assert w.actions(partner["id"]) == ["partner.created", "partner.changed"]


def test_a_new_site_list_adds_and_removes_sites(tmp_path: Path) -> None:
    w = world(tmp_path)
    partner = create_partner(w.reg, CM_NORD, partner_body("Jobcenter Lübeck"))
    old_site = partner["sites"][0]["id"]
    new_list = [
        {
            "name": "Außenstelle Kiel",
            "address": {"street": "Holstenstraße 1", "postal_code": "24103", "place": ""},
            "service_radius_km": 10,
        }
    ]
    changed = update_partner(w.reg, CM_NORD, partner["id"], {"sites": new_list})
    assert [s["name"] for s in changed["sites"]] == ["Außenstelle Kiel"]
    assert old_site not in w.network.sites
    # both the removed and the new site's search documents are refreshed
    assert {r["ref_id"] for r in w.outbox.rows.values()} == {old_site, changed["sites"][0]["id"]}


def test_a_partner_changed_since_it_was_read_is_a_conflict(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = world(tmp_path)
    partner = create_partner(w.reg, CM_NORD, partner_body("Jobcenter Lübeck"))
    read = w.network.get_partner

    def read_before_somebody_saved(partner_id: str) -> PartnerRow | None:
        row = read(partner_id)
        assert row is not None
        return {**row, "version": row["version"] - 1}

    monkeypatch.setattr(w.network, "get_partner", read_before_somebody_saved)
    with pytest.raises(Conflict):
        update_partner(w.reg, CM_NORD, partner["id"], {"name": "Zu spät"})
    assert w.network.partners[partner["id"]]["name"] == "Jobcenter Lübeck"
    assert w.actions(partner["id"]) == ["partner.created"]


def test_the_list_filters_by_type_carrier_and_words(tmp_path: Path) -> None:
    w = world(tmp_path)
    create_partner(w.reg, CM_NORD, partner_body("Jobcenter Lübeck"))
    create_partner(
        w.reg,
        CM_HESSEN,
        partner_body("Suchtberatung Frankfurt", "60311", type="addiction-counselling"),
    )
    everyone = list_partners(w.reg, STRATEGIST_NORD)
    assert [p["name"] for p in everyone["results"]] == [
        "Jobcenter Lübeck",
        "Suchtberatung Frankfurt",
    ]
    assert list_partners(w.reg, CM_NORD, carrier="drv-hessen")["total"] == 1
    assert list_partners(w.reg, CM_NORD, q="frankfurt")["results"][0]["name"].startswith("Sucht")
    assert list_partners(w.reg, CM_NORD, type="jobcenter")["total"] == 1
    with pytest.raises(Forbidden):
        list_partners(w.reg, READER)
    with pytest.raises(NotFound):
        get_partner(w.reg, READER, everyone["results"][0]["id"])
