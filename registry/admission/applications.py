"""Reading applications (the provider its own, an officer what involves its carrier; with
their age, A5, and history, A10) and the provider withdrawing one (A9). Submitting is
:mod:`registry.admission.submission`, deciding :mod:`registry.admission.decisions`."""

from __future__ import annotations

import json
from typing import Any

from registry import clock
from registry.admission import change_rules, deadlines, status_rules
from registry.admission.common import (
    actor_of,
    admission_of,
    application_facts,
    application_row,
    may_see_application,
    periods_of,
    reached_carriers,
    site_rows,
    visible_application,
)
from registry.admission.model import AdmissionStatus, ApplicationStatus
from registry.admission.provider_repository import ProviderRepository
from registry.admission.repository import AdmissionRepository, ApplicationSummaryRow
from registry.admission.site_admissions import save_admission_changes
from registry.audit import AuditRepository
from registry.auth import Principal, Role
from registry.context import Registry
from registry.errors import Forbidden, NotFound


def _history(reg: Registry, application_id: str) -> list[dict[str, Any]]:
    out = []
    for e in reg.repo(AuditRepository).history("application", application_id):
        data = json.loads(e["data"] or "{}")
        out.append(
            {
                "at": e["at"],
                "actor": e["actor"],
                "carrier": e["carrier"] or None,
                "action": e["action"],
                "what": data.get("what", ""),
                "reason": e["reason"] or None,
                "site_id": data.get("site_id"),
                "target_groups": data.get("target_groups", []),
            }
        )
    return out


def _age(reg: Registry, app: ApplicationSummaryRow) -> tuple[int, bool]:
    """A5: the application's age in days, and whether the lead's decision is overdue."""
    submitted = clock.parse(app["submitted_at"])
    now = clock.now()
    age = deadlines.age_days(submitted, now)
    overdue = app["status"] == ApplicationStatus.SUBMITTED.value and deadlines.is_decision_overdue(
        submitted, now, periods_of(reg)
    )
    return age, overdue


def get_application(
    reg: Registry, principal: Principal, application_id: str, *, _skip_scope: bool = False
) -> dict[str, Any]:
    app = application_row(reg, application_id)
    sites = site_rows(reg, app["site_ids"])
    if not _skip_scope and not may_see_application(principal, app, sites):
        raise NotFound("Antrag nicht gefunden")
    data = json.loads(app["data"])
    by_site: dict[str, dict[str, str]] = {}
    for a in reg.repo(AdmissionRepository).admissions_of_sites(app["site_ids"]):
        if a["application_id"] == application_id:
            by_site.setdefault(a["site_id"], {})[a["target_group"]] = a["status"]
    age, overdue = _age(reg, app)
    return {
        "id": app["id"],
        "version": app["version"],
        "status": app["status"],
        "provider": {"id": app["provider_id"], **data["provider"]},
        "receiving_carrier": app["receiving_carrier"],
        "lead_carrier": app["lead_carrier"],
        "forwarded": app["forwarded"],
        "target_groups": app["target_groups"],
        "announcement_id": app["announcement_id"] or None,
        "submitted_at": app["submitted_at"],
        "decided_at": app["decided_at"] or None,
        "age_days": age,
        "overdue": overdue,
        "sites": [
            {
                "id": s["id"],
                "name": s["name"],
                "headquarters": s["headquarters"],
                "address": {
                    "street": s["street"],
                    "postal_code": s["postal_code"],
                    "place": s["place"],
                },
                "district_key": s["district_key"],
                "responsible_carrier": s["responsible_carrier"],
                "catchment_radius_km": s["catchment_radius_km"],
                "outreach_radius_km": s["outreach_radius_km"],
                "admission_status": status_rules.site_status(
                    AdmissionStatus(v) for v in by_site.get(s["id"], {}).values()
                ).value,
                "target_group_status": by_site.get(s["id"], {}),
            }
            for s in sites
        ],
        "case_managers": data.get("case_managers", []),
        "concept": data.get("concept", {}),
        "organisation": data.get("organisation", {}),
        "findings": data.get("findings", []),
        "decision": data.get("decision"),
        "history": _history(reg, application_id),
    }


def list_applications(
    reg: Registry, principal: Principal, status: str | None = None
) -> list[dict[str, Any]]:
    admissions = reg.repo(AdmissionRepository)
    if principal.role is Role.PROVIDER:
        rows = admissions.list_applications(
            provider_id=principal.provider or "-", status=status or ""
        )
    elif principal.role is Role.ADMISSIONS_OFFICER and principal.carrier:
        rows = admissions.list_applications(carrier=principal.carrier, status=status or "")
    else:
        raise Forbidden()
    providers = {
        p["id"]: p["name"]
        for p in reg.repo(ProviderRepository).get_many(sorted({r["provider_id"] for r in rows}))
    }
    out = []
    c = principal.carrier
    for r in rows:
        age, overdue = _age(reg, r)
        out.append(
            {
                "id": r["id"],
                "status": r["status"],
                "version": r["version"],
                "provider": {"id": r["provider_id"], "name": providers.get(r["provider_id"], "")},
                "receiving_carrier": r["receiving_carrier"],
                "lead_carrier": r["lead_carrier"],
                "forwarded": r["forwarded"],
                "target_groups": r["target_groups"],
                "submitted_at": r["submitted_at"],
                "age_days": age,
                "overdue": overdue,
                "we_lead": bool(c) and r["lead_carrier"] == c,
                "forwarded_to_us": bool(c) and r["forwarded"] and r["lead_carrier"] == c,
                "received_by_us": bool(c) and r["receiving_carrier"] == c,
            }
        )
    return out


def withdraw_application(
    reg: Registry, principal: Principal, application_id: str, reason: str
) -> dict[str, Any]:
    """A9: the provider withdraws its application (and the admissions it led to); its open
    follow-on tasks (A7) are cancelled in the same unit of work."""
    app = visible_application(reg, principal, application_id)
    if principal.role is not Role.PROVIDER:
        raise Forbidden("Nur der Anbieter kann seinen Antrag zurückziehen.", rule="A9")
    facts = application_facts(reg, app)
    admissions = reg.repo(AdmissionRepository)
    adm_rows = [
        r
        for r in admissions.admissions_of_sites(app["site_ids"])
        if r["application_id"] == application_id
    ]
    outcome = change_rules.withdraw_application(
        facts,
        [admission_of(r) for r in adm_rows],
        actor_of(principal),
        reason,
        clock.now(),
        reached_carriers=reached_carriers(reg, facts.sites),
    )
    open_tasks = admissions.follow_ons(status="open", application_id=application_id)
    save_admission_changes(
        reg,
        app,
        facts,
        outcome,
        adm_rows,
        reason,
        cancel_follow_ons=[t["id"] for t in open_tasks],
    )
    return get_application(reg, principal, application_id)
