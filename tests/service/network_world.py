"""What the network use-case tests share: a registry on fakes, callers, request bodies."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from registry.audit import AuditRepository, InMemoryAuditRepository
from registry.auth import Principal, Role
from registry.context import Registry
from registry.directory.outbox import InMemoryOutboxRepository, OutboxRepository
from registry.network.in_memory import InMemoryNetworkRepository
from registry.network.repository import NetworkRepository
from registry.notices import InMemoryNoticeRepository, NoticeRepository
from tests.service.conftest import fake_registry, shared_fakes

LUEBECK = "01003"  # Schleswig-Holstein, drv-nord
KIEL = "01002"
FRANKFURT = "06412"  # Hessen, drv-hessen

CM_NORD = Principal("u-cm-nord", "cm.nord", Role.CASE_MANAGER, "drv-nord")
CM_HESSEN = Principal("u-cm-hessen", "cm.hessen", Role.CASE_MANAGER, "drv-hessen")
STRATEGIST_NORD = Principal("u-st-nord", "strategist.nord", Role.NETWORK_STRATEGIST, "drv-nord")
STRATEGIST_HESSEN = Principal(
    "u-st-hessen", "strategist.hessen", Role.NETWORK_STRATEGIST, "drv-hessen"
)
STRATEGIST_BUND = Principal("u-st-bund", "strategist.bund", Role.NETWORK_STRATEGIST, "drv-bund")
ADMIN = Principal("u-admin", "admin", Role.ADMIN)
READER = Principal("u-reader", "reader", Role.DIRECTORY_READER)


@dataclass
class World:
    reg: Registry
    network: InMemoryNetworkRepository
    audit: InMemoryAuditRepository
    notices: InMemoryNoticeRepository
    outbox: InMemoryOutboxRepository

    def actions(self, subject_id: str) -> list[str]:
        return [e["action"] for e in self.audit.events if e["subject_id"] == subject_id]

    def notified(self, subject_id: str) -> list[str]:
        """The carriers told of the subject, in notice order."""
        return [
            n["carrier"] for n in self.notices.notices.values() if n["subject_id"] == subject_id
        ]


def world(tmp_path: Path) -> World:
    fakes = shared_fakes()
    network = InMemoryNetworkRepository()
    fakes[NetworkRepository] = network
    return World(
        reg=fake_registry(tmp_path, fakes),
        network=network,
        audit=fakes[AuditRepository],
        notices=fakes[NoticeRepository],
        outbox=fakes[OutboxRepository],
    )


def partner_body(name: str, postal_code: str = "23556", **over: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": name,
        "type": "jobcenter",
        "sites": [
            {
                "name": f"{name} Hauptstelle",
                "address": {"street": "Markt 1", "postal_code": postal_code, "place": ""},
                "service_radius_km": 30,
            }
        ],
        "services": ["Beratung", "Vermittlung"],
        "target_groups": ["addiction"],
        "contacts": [{"name": "Petra Kontakt", "role": "Teamleitung", "email": "p@x.example"}],
        "carriers": [],
    }
    body.update(over)
    return body


def complete_contents(group: str = "addiction") -> dict[str, Any]:
    return {
        "roles": "Der Partner berät, der Träger steuert das Fallmanagement.",
        "target_groups": [group],
        "services": ["Schuldnerberatung"],
        "contacts": [{"name": "Max Fest", "role": "Ansprechpartner", "email": "max@x.example"}],
        "reaction_time_days": 5,
        "channels": ["digital", "phone"],
        "common_documents": ["Überleitungsbogen"],
        "documentation": "Verlauf und Ergebnis im gemeinsamen Bogen.",
        "data_protection": "Einwilligung, §35 SGB I, §78 SGB X.",
        "review": {"interval_months": 12},
    }


def agreement_body(partner_id: str, valid_from: str, **over: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "cooperation_agreement",
        "purpose": "general",
        "title": "Kooperation Lübeck",
        "carriers": ["drv-nord"],
        "partners": [partner_id],
        "scope": {"level": "districts", "districts": [LUEBECK]},
        "valid_from": valid_from,
        "contents": {"roles": "Nur die Rollen stehen schon fest."},
    }
    body.update(over)
    return body
