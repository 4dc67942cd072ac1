"""What the lifecycle use cases share: who may act, the provider and site lookups, names.

The lifecycle's reads of the admission area's data (providers, sites, case managers,
admissions, follow-ons, applications) go through its repositories
(:mod:`registry.admission.repository`) from here.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from registry.admission.model import AdmissionStatus
from registry.admission.provider_repository import (
    CaseManagerRow,
    ProviderDetailRow,
    ProviderRepository,
    SiteRow,
)
from registry.admission.repository import AdmissionRepository, AdmissionRow, DueSiteRow, FollowOnRow
from registry.auth import Principal, Role
from registry.context import Registry
from registry.errors import Forbidden, NotFound
from registry.lifecycle.repository import LifecycleRepository

IN_FORCE = frozenset({AdmissionStatus.ADMITTED.value, AdmissionStatus.SUSPENDED.value})
STAFF_SCOPE = IN_FORCE | {AdmissionStatus.AWAITING_FOLLOW_ON.value}
"""Admissions whose staff is re-checked after a change (A15)."""


def officer_carrier(principal: Principal) -> str:
    """The carrier of an admissions officer; anyone else is refused (403)."""
    if principal.role is not Role.ADMISSIONS_OFFICER or not principal.carrier:
        raise Forbidden("Nur für die Zulassungsstelle eines Trägers.")
    return principal.carrier


def provider_row(reg: Registry, provider_id: str) -> ProviderDetailRow:
    row = reg.repo(ProviderRepository).get(provider_id)
    if row is None:
        raise NotFound("Anbieter nicht gefunden")
    return row


def own_provider(reg: Registry, principal: Principal, provider_id: str) -> ProviderDetailRow:
    """The provider acting on itself; anyone else learns nothing (404)."""
    if principal.role is not Role.PROVIDER or principal.provider != provider_id:
        raise NotFound("Anbieter nicht gefunden")
    return provider_row(reg, provider_id)


def provider_names(reg: Registry, provider_ids: Iterable[str]) -> dict[str, str]:
    ids = sorted(set(provider_ids))
    if not ids:
        return {}
    return {p["id"]: p["name"] for p in reg.repo(ProviderRepository).get_many(ids)}


def site_rows(reg: Registry, site_ids: Iterable[str]) -> list[SiteRow]:
    ids = sorted(set(site_ids))
    return reg.repo(ProviderRepository).sites(ids) if ids else []


def site_names(reg: Registry, site_ids: Iterable[str]) -> dict[str, str]:
    return {s["id"]: s["name"] for s in site_rows(reg, site_ids)}


def case_manager_rows(reg: Registry, provider_id: str) -> list[CaseManagerRow]:
    """The provider's case managers (id, name, data as stored JSON, changed_at)."""
    return reg.repo(ProviderRepository).case_managers(provider_id)


def provider_admissions(reg: Registry, provider_id: str) -> list[AdmissionRow]:
    """Every admission of the provider's sites, whatever its state."""
    return reg.repo(AdmissionRepository).admissions_of_provider(provider_id)


def admissions_due(reg: Registry, carrier: str, until: date) -> list[DueSiteRow]:
    """A14: the sites in the carrier's districts with an admission in force due by ``until``
    (one row per site with its earliest review date)."""
    return reg.repo(AdmissionRepository).admissions_due(carrier, until.isoformat())


def open_follow_ons(reg: Registry, carrier: str) -> list[FollowOnRow]:
    """A7: the carrier's open follow-on tasks, oldest first."""
    return reg.repo(AdmissionRepository).follow_ons(carrier=carrier, status="open")


def led_applications(reg: Registry, carrier: str) -> dict[str, str]:
    """The applications ``carrier`` leads, each with its provider."""
    rows = reg.repo(AdmissionRepository).list_applications(carrier=carrier)
    return {a["id"]: a["provider_id"] for a in rows if a["lead_carrier"] == carrier}


def every_open_follow_on(reg: Registry) -> list[FollowOnRow]:
    """A7: the open follow-on tasks of every carrier, oldest first."""
    return reg.repo(AdmissionRepository).follow_ons(status="open")


def providers_of_applications(reg: Registry, carrier: str, ids: set[str]) -> dict[str, str]:
    """The provider of each of the given applications involving the carrier."""
    if not ids:
        return {}
    rows = reg.repo(AdmissionRepository).list_applications(carrier=carrier)
    return {a["id"]: a["provider_id"] for a in rows if a["id"] in ids}


def involved_carriers(reg: Registry, provider_id: str) -> set[str]:
    """Carriers involved with a provider: receiving or lead of one of its applications,
    responsible for one of its sites, or issuing one of its admissions."""
    carriers: set[str] = set()
    for a in reg.repo(LifecycleRepository).applications_of_provider(provider_id):
        carriers.update((a["receiving_carrier"], a["lead_carrier"]))
    for s in reg.repo(ProviderRepository).sites_of_provider(provider_id):
        carriers.add(s["responsible_carrier"])
    for m in provider_admissions(reg, provider_id):
        if m["issued_by"]:
            carriers.add(m["issued_by"])
    carriers.discard("")
    return carriers
