"""A13 on the fakes: contracts recorded by the issuing carrier, "contract pending" per admission."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from registry import clock
from registry.errors import Forbidden, InvalidInput
from registry.lifecycle.contracts import list_carrier_admissions, record_contract
from tests.service.lifecycle_world import CASE_MANAGER, OFFICER_HESSEN, OFFICER_NORD, world


def _contract(signed_on: date | None = None, version: str = "2024-01") -> dict[str, object]:
    return {
        "signed_on": signed_on or clock.today() - timedelta(days=3),
        "model_contract_version": version,
    }


def test_the_issuing_carrier_records_its_contract_and_the_pending_flag_goes(
    tmp_path: Path,
) -> None:
    w = world(tmp_path)
    a = w.admitted()

    # A13: admitted by DRV Nord, no contract yet -> "contract pending" for DRV Nord's officers
    (before,) = list_carrier_admissions(w.reg, OFFICER_NORD)["results"]
    assert before["site_id"] == a.site_id and before["issued_by"] == ["drv-nord"]
    assert before["contract_pending"] is True
    assert before["provider_name"] == "Beratung Nord gGmbH"

    recorded = record_contract(w.reg, OFFICER_NORD, a.provider_id, _contract())
    assert recorded["carrier"] == "drv-nord" and recorded["model_contract_version"] == "2024-01"
    # stored through the provider repository, audited on the provider
    ((provider_id, stored),) = w.providers.contract_rows
    assert provider_id == a.provider_id and stored["id"] == recorded["id"]
    (event,) = [e for e in w.events(a.provider_id) if e["action"] == "contract.recorded"]
    assert json.loads(event["data"])["contract_id"] == recorded["id"]

    (after,) = list_carrier_admissions(w.reg, OFFICER_NORD)["results"]
    assert after["contract_pending"] is False


def test_a_carrier_that_issued_nothing_is_refused_naming_a13(tmp_path: Path) -> None:
    w = world(tmp_path)
    a = w.admitted()

    with pytest.raises(InvalidInput) as refused:
        record_contract(w.reg, OFFICER_HESSEN, a.provider_id, _contract())
    assert [(p.field, p.rule) for p in refused.value.problems] == [("provider_id", "A13")]
    assert w.providers.contract_rows == []
    # DRV Hessen has no site of the provider in its region and issued nothing: nothing listed
    assert list_carrier_admissions(w.reg, OFFICER_HESSEN)["results"] == []


def test_a_contract_needs_a_past_signing_date_and_a_version(tmp_path: Path) -> None:
    w = world(tmp_path)
    a = w.admitted()
    future = clock.today() + timedelta(days=1)
    with pytest.raises(InvalidInput) as refused:
        record_contract(w.reg, OFFICER_NORD, a.provider_id, _contract(future, version=" "))
    fields = {p.field for p in refused.value.problems}
    assert fields == {"signed_on", "model_contract_version"}
    assert {p.rule for p in refused.value.problems} == {"A13"}
    assert w.providers.contract_rows == []


def test_only_an_admissions_officer_records_a_contract(tmp_path: Path) -> None:
    w = world(tmp_path)
    a = w.admitted()
    for caller in (CASE_MANAGER, a.provider):
        with pytest.raises(Forbidden):
            record_contract(w.reg, caller, a.provider_id, _contract())
    assert w.providers.contract_rows == []
