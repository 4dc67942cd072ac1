"""Use cases of coverage (N6), unmet need (N7) and who serves a district, on the fakes."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from registry import clock
from registry.errors import Forbidden, InvalidInput
from registry.network.agreement_drafts import create_agreement
from registry.network.agreement_status import activate_agreement
from registry.network.around_report import network_around
from registry.network.coverage_report import coverage
from registry.network.in_memory import FakeAdmission
from registry.network.partners import create_partner
from registry.network.unmet_need import record_unmet_need, unmet_need_counts
from tests.service.network_world import (
    ADMIN,
    CM_NORD,
    FRANKFURT,
    KIEL,
    LUEBECK,
    STRATEGIST_HESSEN,
    STRATEGIST_NORD,
    World,
    agreement_body,
    complete_contents,
    partner_body,
    world,
)

GROUP = "cardiology"


def _row(rows: list[dict[str, Any]], key: str) -> dict[str, Any]:
    return next(r for r in rows if r["district"]["key"] == key)


def _admit_luebeck(w: World, review_due: date) -> None:
    """An admitted site in Lübeck (admissions are another area's: the fake is told)."""
    w.network.admit_site(
        FakeAdmission(
            site_id="site-hl",
            target_group=GROUP,
            lat=53.8655,
            lon=10.6866,
            district_key=LUEBECK,
            catchment_radius_km=5,
            review_due=review_due.isoformat(),
            site_name="Herzberatung Lübeck",
            provider_id="prov-herz",
            provider_name="Herzberatung Nord gGmbH",
            issued_by="drv-nord",
        )
    )


def _partner_in_force(w: World) -> tuple[str, str]:
    partner = create_partner(
        w.reg,
        CM_NORD,
        partner_body(
            "Herzsportgruppe Lübeck", type="self-help-contact-point", target_groups=[GROUP]
        ),
    )
    body = agreement_body(
        partner["id"], clock.today().isoformat(), contents=complete_contents(GROUP)
    )
    agreement = create_agreement(w.reg, STRATEGIST_NORD, body)
    activate_agreement(w.reg, STRATEGIST_NORD, agreement["id"])
    return partner["id"], agreement["id"]


def test_every_district_is_a_gap_without_sites_or_partners(tmp_path: Path) -> None:
    w = world(tmp_path)
    rows = coverage(w.reg, STRATEGIST_HESSEN, GROUP)
    assert len(rows) == len(w.reg.reference.districts) == 400
    assert all(r["gap"] for r in rows)
    assert sum(r["provider_sites"] + r["partners"] + r["unmet_needs"] for r in rows) == 0


def test_coverage_counts_sites_partners_and_unmet_need(tmp_path: Path) -> None:
    w = world(tmp_path)
    _admit_luebeck(w, clock.today() + timedelta(days=3 * 365))
    _partner_in_force(w)
    record_unmet_need(w.reg, CM_NORD, {"postal_code": "24103", "target_groups": [GROUP]})

    rows = coverage(w.reg, STRATEGIST_HESSEN, GROUP)
    luebeck = _row(rows, LUEBECK)
    assert (luebeck["provider_sites"], luebeck["partners"], luebeck["gap"]) == (1, 1, False)
    assert (luebeck["responsible_carrier"], luebeck["state"]) == ("drv-nord", "Schleswig-Holstein")
    kiel = _row(rows, KIEL)
    assert (kiel["unmet_needs"], kiel["partners"]) == (1, 0)  # the scope is Lübeck only
    assert _row(rows, FRANKFURT)["gap"] is True
    # another group is not counted
    assert _row(coverage(w.reg, ADMIN, "addiction"), LUEBECK)["provider_sites"] == 0


def test_n6_the_look_ahead_shows_a_review_as_at_risk_not_lost(tmp_path: Path) -> None:
    # rule N6 (issue 15): a review is not an end
    w = world(tmp_path)
    _admit_luebeck(w, clock.today() + timedelta(days=30))
    rows = coverage(w.reg, ADMIN, GROUP, lookahead_days=60)
    luebeck = _row(rows, LUEBECK)
    assert (luebeck["provider_sites"], luebeck["provider_sites_after"]) == (1, 1)
    assert luebeck["provider_sites_at_risk"] == 1
    assert (luebeck["gap"], luebeck["gap_opens"]) == (False, False)
    rows = coverage(w.reg, ADMIN, GROUP, lookahead_days=29)
    assert _row(rows, LUEBECK)["provider_sites_at_risk"] == 0


def test_coverage_is_for_strategists_and_admins_about_known_groups(tmp_path: Path) -> None:
    w = world(tmp_path)
    with pytest.raises(Forbidden):
        coverage(w.reg, CM_NORD, GROUP)
    with pytest.raises(InvalidInput):
        coverage(w.reg, ADMIN, "astrology")


def test_unmet_need_is_recorded_by_case_managers_and_counted(tmp_path: Path) -> None:
    w = world(tmp_path)
    recorded = record_unmet_need(
        w.reg, CM_NORD, {"postal_code": "23556", "target_groups": [GROUP, GROUP, "addiction"]}
    )
    assert recorded["district"]["key"] == LUEBECK
    assert recorded["target_groups"] == [GROUP, "addiction"]
    assert recorded["carrier"] == "drv-nord"
    # no audit event: the record must not be linkable to a user (docs/rules.md §10)
    assert w.audit.events == []
    with pytest.raises(Forbidden):
        record_unmet_need(w.reg, STRATEGIST_NORD, {"postal_code": "23556", "target_groups": []})
    with pytest.raises(InvalidInput):
        record_unmet_need(w.reg, CM_NORD, {"postal_code": "23556", "target_groups": ["x"]})

    counts = unmet_need_counts(w.reg, STRATEGIST_HESSEN)
    assert [(c["district"]["key"], c["target_group"], c["count"]) for c in counts] == [
        (LUEBECK, "addiction", 1),
        (LUEBECK, GROUP, 1),
    ]
    assert unmet_need_counts(w.reg, ADMIN, since=clock.today() + timedelta(days=1)) == []
    with pytest.raises(Forbidden):
        unmet_need_counts(w.reg, CM_NORD)


def test_who_serves_a_district_walks_sites_and_agreements(tmp_path: Path) -> None:
    w = world(tmp_path)
    _admit_luebeck(w, clock.today() + timedelta(days=365))
    partner_id, agreement_id = _partner_in_force(w)
    graph = network_around(w.reg, CM_NORD, district=LUEBECK, target_group=GROUP)
    ids = {n["id"] for n in graph["nodes"]}
    assert {LUEBECK, "site-hl", "prov-herz", "drv-nord", partner_id, agreement_id} <= ids
    # Frankfurt: not reached by the site, not covered by the agreement
    far = network_around(w.reg, CM_NORD, district=FRANKFURT, target_group=GROUP)
    assert {n["id"] for n in far["nodes"]} <= {FRANKFURT, "drv-hessen"}
