"""What the lifecycle use-case tests share: the admission world plus the lifecycle fake.

Admissions come about as in the application: a provider's application is submitted and decided
through the admission use cases, on the same fakes; the lifecycle fake reads their dicts.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from registry.auth import Principal, Role
from registry.lifecycle.in_memory import InMemoryLifecycleRepository
from registry.lifecycle.repository import LifecycleRepository
from registry.quality.repository import InMemoryQualityRepository, QualityRepository
from registry.reference_repository import ReferenceRepository
from tests.api.helpers import case_manager, site
from tests.service import admission_world
from tests.service.admission_world import OFFICER_BUND, OFFICER_HESSEN, OFFICER_NORD

ADMIN_NORD = Principal("u-ad-nord", "admin.nord", Role.ADMIN, "drv-nord")
ADMIN_HESSEN = Principal("u-ad-hessen", "admin.hessen", Role.ADMIN, "drv-hessen")
CASE_MANAGER = admission_world.CASE_MANAGER


@dataclass
class Admitted:
    """A provider admitted for addiction at one site in Lübeck (DRV Nord leads and issues)."""

    provider: Principal
    provider_id: str
    application: dict[str, Any]
    site_id: str


@dataclass
class World(admission_world.World):
    lifecycle: InMemoryLifecycleRepository

    def admitted(
        self,
        name: str = "Beratung Nord gGmbH",
        case_managers: list[dict[str, Any]] | None = None,
    ) -> Admitted:
        provider = self.add_provider(name)
        over: dict[str, Any] = {}
        if case_managers is not None:
            over["case_managers"] = case_managers
        app = self.submit(
            provider,
            "drv-nord",
            [site(f"{name} Lübeck", "23556", headquarters=True)],
            ["addiction"],
            **over,
        )
        decided = self.decide(app, OFFICER_NORD, addiction=True)
        (lubeck,) = decided["sites"]
        assert lubeck["target_group_status"] == {"addiction": "admitted"}
        return Admitted(provider, provider.provider or "", decided, lubeck["id"])

    def staff_tasks(self, provider_id: str) -> list[dict[str, str]]:
        return sorted(
            (t for t in self.lifecycle.tasks.values() if t["provider_id"] == provider_id),
            key=lambda t: (t["rule"], t["id"]),
        )

    def events(self, subject_id: str) -> list[dict[str, Any]]:
        return [e for e in self.audit.events if e["subject_id"] == subject_id]


def world(tmp_path: Path) -> World:
    base = admission_world.world(tmp_path)
    reference = base.reg.fakes[ReferenceRepository]
    lifecycle = InMemoryLifecycleRepository(base.admissions, reference)
    base.reg.fakes[LifecycleRepository] = lifecycle
    # the inbox also lists A16 items (visits, yearly reports): none here, the quality tests'
    base.reg.fakes[QualityRepository] = InMemoryQualityRepository()
    return World(**vars(base), lifecycle=lifecycle)


__all__ = [
    "ADMIN_HESSEN",
    "ADMIN_NORD",
    "CASE_MANAGER",
    "OFFICER_BUND",
    "OFFICER_HESSEN",
    "OFFICER_NORD",
    "World",
    "case_manager",
    "site",
    "world",
]
