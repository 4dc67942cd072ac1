"""A registry on fakes for the quality use cases (rule A16): provider P with sites admitted by
DRV Nord and DRV Hessen; DRV Westfalen admitted nothing of it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from registry.auth import Principal, Role
from registry.context import Registry
from registry.quality.repository import InMemoryQualityRepository, QualityRepository
from tests.service.conftest import fake_registry, shared_fakes

PROVIDER = "prov-1"


def officer(carrier: str) -> Principal:
    return Principal(f"u-{carrier}", f"officer.{carrier}", Role.ADMISSIONS_OFFICER, carrier=carrier)


PROVIDER_USER = Principal("u-p", "provider.p", Role.PROVIDER, provider=PROVIDER)
OTHER_PROVIDER_USER = Principal("u-o", "provider.o", Role.PROVIDER, provider="prov-2")


def quality_world(tmp_path: Path, admitted_since: str = "2026-01-15") -> tuple[Registry, Any]:
    fakes = shared_fakes()
    repo = InMemoryQualityRepository()
    repo.providers = {PROVIDER: "Beratung Probe gGmbH", "prov-2": "Andere e.V."}
    repo.admissions = {
        PROVIDER: {"drv-nord": admitted_since, "drv-hessen": admitted_since},
        "prov-2": {"drv-westfalen": admitted_since},
    }
    fakes[QualityRepository] = repo
    return fake_registry(tmp_path, fakes), repo
