"""``registry init`` and ``registry check`` on the fakes (no database): init loads the reference
data through ReferenceRepository and reports its counts; check judges the facts
CheckRepository gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from registry.bootstrap import initialise
from registry.check import InvariantsViolated, run_check
from registry.check_repository import CheckRepository, InMemoryCheckRepository
from registry.reference_repository import InMemoryReferenceRepository, ReferenceRepository
from tests.service.conftest import fake_registry


def test_init_loads_the_reference_data_and_reports_it(tmp_path: Path) -> None:
    fake = InMemoryReferenceRepository()
    reg = fake_registry(tmp_path, {ReferenceRepository: fake})
    ref = reg.reference
    message = initialise(reg)
    assert f"{len(ref.carriers)} Träger" in message
    assert f"{len(ref.districts)} Kreise" in message
    assert f"{len(ref.target_groups)} Zielgruppen" in message
    assert set(fake.carrier_rows) == {c.id for c in ref.carriers}
    assert initialise(reg).split(" (")[0] == message.split(" (")[0]  # idempotent


def _site(site_id: str, provider_id: str) -> dict[str, str]:
    return {
        "id": site_id,
        "provider_id": provider_id,
        "district_key": "01003",
        "responsible_carrier": "drv-nord",
        "street": f"Hafenstraße {site_id}",
        "postal_code": "23552",
        "place": "Lübeck",
    }


def _facts(*, with_provider: bool) -> dict[str, list[dict[str, object]]]:
    return {
        "carriers": [{"id": "drv-nord", "kind": "regional"}],
        "districts": [{"key": "01003", "carrier": "drv-nord"}],
        "providers": [{"id": "p1"}] if with_provider else [],
        "sites": [_site("s1", "p1" if with_provider else "")],
        "site_districts": [{"site_id": "s1", "district_key": "01003"}],
        "provider_sites": [{"provider_id": "p1", "site_id": "s1"}] if with_provider else [],
    }


def test_check_reports_a_consistent_graph(tmp_path: Path) -> None:
    reg = fake_registry(
        tmp_path, {CheckRepository: InMemoryCheckRepository(_facts(with_provider=True))}
    )
    assert run_check(reg).startswith("Invarianten erfüllt: 1 Standorte")


def test_check_names_each_violation(tmp_path: Path) -> None:
    reg = fake_registry(
        tmp_path, {CheckRepository: InMemoryCheckRepository(_facts(with_provider=False))}
    )
    with pytest.raises(InvariantsViolated) as err:
        run_check(reg)
    assert [(v.rule, v.subject) for v in err.value.violations] == [("A1", "Standort s1")]
