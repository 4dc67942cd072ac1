"""What the admission use-case tests share: a registry on fakes, callers, request bodies."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from registry.admission.decisions import decide_application
from registry.admission.in_memory import (
    InMemoryAdmissionRepository,
    InMemoryProviderRepository,
    admission_fakes,
)
from registry.admission.provider_repository import ProviderRepository
from registry.admission.repository import AdmissionRepository
from registry.admission.submission import submit_application
from registry.api.schemas import ApplicationIn
from registry.audit import AuditRepository, InMemoryAuditRepository
from registry.auth import Principal, Role
from registry.auth.repository import InMemoryUserRepository, UserRepository
from registry.context import Registry
from registry.directory.outbox import InMemoryOutboxRepository, OutboxRepository
from registry.lifecycle.in_memory import InMemoryLifecycleRepository
from registry.lifecycle.repository import LifecycleRepository
from registry.notices import InMemoryNoticeRepository, NoticeRepository
from registry.reference_repository import InMemoryReferenceRepository, ReferenceRepository
from tests.api.helpers import application, site
from tests.service.conftest import fake_registry, shared_fakes

REASON = "Wir benötigen externe Expertise für diese Zielgruppe, die wir selbst nicht vorhalten."

OFFICER_NORD = Principal("u-of-nord", "officer.nord", Role.ADMISSIONS_OFFICER, "drv-nord")
OFFICER_HESSEN = Principal("u-of-hessen", "officer.hessen", Role.ADMISSIONS_OFFICER, "drv-hessen")
OFFICER_BUND = Principal("u-of-bund", "officer.bund", Role.ADMISSIONS_OFFICER, "drv-bund")
OFFICER_BAYERN = Principal(
    "u-of-bayern", "officer.bayern", Role.ADMISSIONS_OFFICER, "drv-bayern-sued"
)
CASE_MANAGER = Principal("u-cm-nord", "cm.nord", Role.CASE_MANAGER, "drv-nord")


@dataclass
class World:
    reg: Registry
    admissions: InMemoryAdmissionRepository
    providers: InMemoryProviderRepository
    audit: InMemoryAuditRepository
    notices: InMemoryNoticeRepository
    outbox: InMemoryOutboxRepository

    def actions(self, application_id: str) -> list[str]:
        return [e["action"] for e in self.audit.events if e["subject_id"] == application_id]

    def notified(self, subject_id: str) -> set[str]:
        """The carriers told of the subject."""
        return {
            n["carrier"] for n in self.notices.notices.values() if n["subject_id"] == subject_id
        }

    def add_provider(self, name: str = "Beratung Nord gGmbH") -> Principal:
        """A registered provider (registration itself needs the user accounts) and its user."""
        provider_id = f"prv-{len(self.providers.providers) + 1}"
        self.providers.create(
            {
                "id": provider_id,
                "name": name,
                "legal_form": "gGmbH",
                "email": "kontakt@beratung.example",
                "phone": "",
                "website": "",
            },
            now="2026-01-05T09:00:00+00:00",
        )
        return Principal(
            f"u-{provider_id}", f"anbieter.{provider_id}", Role.PROVIDER, None, provider_id
        )

    def submit(
        self,
        by: Principal,
        receiving: str,
        sites: list[dict[str, Any]],
        groups: list[str],
        **over: Any,
    ) -> dict[str, Any]:
        """An application as the API would pass it (validated and converted by its model)."""
        if by.provider is not None:
            over.setdefault("provider", {"id": by.provider})
        body = application(self.reg.reference, receiving, sites, groups, **over)
        data = ApplicationIn.model_validate(body).model_dump(mode="python")
        return submit_application(self.reg, by, data)

    def decide(
        self, app: dict[str, Any], by: Principal, version: int | None = None, **groups: bool
    ) -> dict[str, Any]:
        body: dict[str, Any] = {
            "target_groups": {
                g.replace("_", "-"): {
                    "admit": admit,
                    "reason": REASON if admit else "Kein Bedarf in der Region.",
                }
                for g, admit in groups.items()
            },
            "version": app["version"] if version is None else version,
            "overrides": [],
        }
        return decide_application(self.reg, by, app["id"], body)


def world(tmp_path: Path) -> World:
    fakes = shared_fakes()
    admissions, providers = admission_fakes()
    fakes[AdmissionRepository] = admissions
    fakes[ProviderRepository] = providers
    reg = fake_registry(tmp_path, fakes)
    fakes[ReferenceRepository] = InMemoryReferenceRepository.of(reg.reference)
    fakes[UserRepository] = InMemoryUserRepository()
    # A9: a lead's suspension writes tasks for the follow-on carriers (and an action closes them)
    fakes[LifecycleRepository] = InMemoryLifecycleRepository(admissions, fakes[ReferenceRepository])
    return World(
        reg=reg,
        admissions=admissions,
        providers=providers,
        audit=fakes[AuditRepository],
        notices=fakes[NoticeRepository],
        outbox=fakes[OutboxRepository],
    )


__all__ = ["REASON", "World", "site", "world"]
