"""A13: an officer records its carrier's contract with a provider it admitted, and sees its
admissions with "contract pending".

Only a carrier that issued an admission to one of the provider's sites (``issued_by``, whatever
the admission's state now) records a contract with it; any other officer gets 422 naming rule
A13 (the provider itself is no secret to officers, so 404 would hide nothing). A later contract
(new model-contract version) is simply recorded too; the latest counts. "Contract pending" is
shown per admission (``GET /admissions``) and as one inbox item per provider
(:mod:`registry.lifecycle.tasks`); it never hides a site from the directory.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from registry import clock
from registry.admission import status_rules
from registry.admission.model import Admission, AdmissionStatus, Contract
from registry.admission.provider_repository import ProviderRepository
from registry.audit import record_event
from registry.auth import Principal
from registry.context import Registry
from registry.dates import day
from registry.errors import InvalidInput
from registry.graph.ports import Tx
from registry.ids import new_id
from registry.lifecycle import rules
from registry.lifecycle.common import (
    IN_FORCE,
    officer_carrier,
    provider_admissions,
    provider_names,
    provider_row,
    site_names,
)
from registry.lifecycle.repository import CarrierAdmission, LifecycleRepository


def record_contract(
    reg: Registry, principal: Principal, provider_id: str, body: Mapping[str, Any]
) -> dict[str, Any]:
    """A13: an officer records its carrier's contract with a provider it admitted."""
    carrier = officer_carrier(principal)
    provider_row(reg, provider_id)
    signed_on: date | None = body.get("signed_on")
    version = str(body.get("model_contract_version") or "").strip()
    found = rules.validate_contract(signed_on, version, clock.today())
    if found:
        raise InvalidInput(found)
    if not any(a["issued_by"] == carrier for a in provider_admissions(reg, provider_id)):
        raise InvalidInput.one(
            "provider_id",
            "Ihr Träger hat keinen Standort dieses Anbieters zugelassen; einen Vertrag "
            "erfasst der Träger, der die Zulassung erteilt hat.",
            "A13",
        )
    assert signed_on is not None
    contract_id = new_id("ctr")
    now = clock.now_iso()

    def work(tx: Tx) -> None:
        reg.repo(ProviderRepository, tx).create_contract(
            contract_id,
            carrier=carrier,
            provider_id=provider_id,
            signed_on=signed_on.isoformat(),
            model_contract_version=version,
            now=now,
        )
        record_event(
            tx,
            actor=principal,
            subject_type="provider",
            subject_id=provider_id,
            action="contract.recorded",
            data={
                "contract_id": contract_id,
                "signed_on": signed_on.isoformat(),
                "model_contract_version": version,
            },
        )

    reg.unit_of_work(work)
    return {
        "id": contract_id,
        "carrier": carrier,
        "provider_id": provider_id,
        "signed_on": signed_on.isoformat(),
        "model_contract_version": version,
        "recorded_at": now,
    }


def admission_of(row: CarrierAdmission) -> Admission:
    """The pure model of an admission row."""
    return Admission(
        site_id=row["site_id"],
        target_group=row["target_group"],
        status=AdmissionStatus(row["status"]),
        responsible_carrier=row["carrier"],
        issued_by=row["issued_by"] or None,
        decided_on=day(row["decided_at"]),
        review_due=day(row["review_due"]),
    )


def list_carrier_admissions(
    reg: Registry,
    principal: Principal,
    status: str | None = None,
    page: int = 1,
    page_size: int = 20,
) -> dict[str, Any]:
    """The officer's admissions (its region's sites and what it issued), one entry per site,
    each with ``contract_pending`` (A13)."""
    carrier = officer_carrier(principal)
    repo = reg.repo(LifecycleRepository)
    rows = repo.carrier_admissions(carrier)
    contracts = [
        Contract(carrier, r["provider_id"], date.fromisoformat(r["signed_on"][:10]), "")
        for r in repo.carrier_contracts(carrier)
    ]
    by_site: dict[str, list[CarrierAdmission]] = {}
    by_provider: dict[str, list[Admission]] = {}
    for r in rows:
        by_site.setdefault(r["site_id"], []).append(r)
        by_provider.setdefault(r["provider_id"], []).append(admission_of(r))
    pending_by_provider: dict[str, bool] = {}
    entries: list[dict[str, Any]] = []
    for site_id, site_rows in by_site.items():
        provider_id = site_rows[0]["provider_id"]
        admissions = [admission_of(r) for r in site_rows]
        site_status = status_rules.site_status(a.status for a in admissions).value
        if status and site_status != status:
            continue
        if provider_id not in pending_by_provider:
            pending_by_provider[provider_id] = carrier in rules.carriers_with_contract_pending(
                provider_id, by_provider[provider_id], contracts
            )
        issued_here = any(a.issued_by == carrier and a.status.value in IN_FORCE for a in admissions)
        dues = [a.review_due for a in admissions if a.review_due and a.status.value in IN_FORCE]
        entries.append(
            {
                "site_id": site_id,
                "provider_id": provider_id,
                "application_id": site_rows[0]["application_id"],
                "carrier": site_rows[0]["carrier"],
                "issued_by": sorted({a.issued_by for a in admissions if a.issued_by}),
                "admission_status": site_status,
                "target_group_status": {a.target_group: a.status.value for a in admissions},
                "review_due": min(dues).isoformat() if dues else None,
                "contract_pending": issued_here and pending_by_provider[provider_id],
            }
        )
    total = len(entries)
    chosen = entries[(page - 1) * page_size : page * page_size]
    names = provider_names(reg, (e["provider_id"] for e in chosen))
    sites = site_names(reg, (e["site_id"] for e in chosen))
    for e in chosen:
        e["provider_name"] = names.get(e["provider_id"], "")
        e["site_name"] = sites.get(e["site_id"], "")
    return {"total": total, "page": page, "page_size": page_size, "results": chosen}
