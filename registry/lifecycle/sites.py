"""A15: the provider keeps its sites' directory facts current and confirms them.

``confirm`` and every edit of the site details set ``confirmed_on`` to today and re-index the
site (enqueued in the same unit of work, drained at once); unconfirmed data is flagged in the
task inbox (:mod:`registry.lifecycle.tasks`), never hidden. The directory shows "confirmed on".

**Site facts** (languages, barrier-free access, catchment and outreach radii, rooms, public
transport; ``rules.SITE_FACT_FIELDS``) are changed with the same edit, each problem 422 naming its
field and rule. A change of a fact a criterion looks at (``rules.CRITERION_FIELDS``) re-runs Q5
for the site (with the national severities, Q0) and the A15 language advisory (a language no
case manager of the provider speaks), and is shown to every carrier that issued one of the
site's admissions in force: a notice each (A8 kind ``admission``), and for each **new blocking**
finding a stored task of kind ``site_finding`` per carrier (id from site, finding identity and
carrier; closed when a later change makes the finding go, never a suspension). The answer
lists the site's current findings.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from registry import clock
from registry.admission import criteria_catalogue, organisation_criteria
from registry.admission.common import (
    finding_dict,
    national_severities,
    periods_of,
    site_facts,
    write_notices,
)
from registry.admission.model import Finding, NoticeKind, NoticeSpec, Severity, SiteFacts
from registry.admission.provider_repository import ProviderRepository, SiteFactsUpdate, SiteRow
from registry.admission.repository import AdmissionRepository
from registry.audit import record_event
from registry.auth import Principal, Role
from registry.context import Registry
from registry.dates import day
from registry.directory.projection import enqueue, try_drain
from registry.errors import InvalidInput, NotFound
from registry.graph.ports import Tx
from registry.lifecycle import rules
from registry.lifecycle.common import IN_FORCE, case_manager_rows, site_rows
from registry.lifecycle.repository import LifecycleRepository, NewTask


def _own_site(reg: Registry, principal: Principal, provider_id: str, site_id: str) -> SiteRow:
    if principal.role is not Role.PROVIDER or principal.provider != provider_id:
        raise NotFound("Standort nicht gefunden")
    rows = site_rows(reg, [site_id])
    if not rows or rows[0]["provider_id"] != provider_id:
        raise NotFound("Standort nicht gefunden")
    return rows[0]


def _site_view(reg: Registry, site_id: str) -> dict[str, Any]:
    row = site_rows(reg, [site_id])[0]
    confirmed = day(row["confirmed_on"])
    due = rules.confirmation_due(confirmed, periods_of(reg)) if confirmed else None
    return {
        "id": row["id"],
        "provider_id": row["provider_id"],
        "name": row["name"],
        "confirmed_on": row["confirmed_on"] or None,
        "confirmation_due": due.isoformat() if due else None,
        "details": json.loads(row["details"] or "{}"),
        "languages": list(row["languages"] or []),
        "barrier_free": bool(row["barrier_free"]),
        "public_transport": bool(row["public_transport"]),
        "catchment_radius_km": row["catchment_radius_km"],
        "outreach_radius_km": row["outreach_radius_km"],
        "rooms_for_individual_talks": bool(row["rooms_individual"]),
        "rooms_for_relatives": bool(row["rooms_relatives"]),
    }


def get_site(reg: Registry, principal: Principal, provider_id: str, site_id: str) -> dict[str, Any]:
    """A15: the provider's own site as it keeps it current (details and directory facts)."""
    _own_site(reg, principal, provider_id, site_id)
    return _site_view(reg, site_id)


@dataclass
class FactsChange:
    """A15: what a change of a site's facts writes besides the facts themselves."""

    facts: SiteFactsUpdate
    changed: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    notices: list[NoticeSpec] = field(default_factory=list)
    open_rows: list[NewTask] = field(default_factory=list)
    close_ids: list[str] = field(default_factory=list)


def _save_site(
    reg: Registry,
    principal: Principal,
    provider_id: str,
    site_id: str,
    action: str,
    details: Mapping[str, Any] | None,
    facts: FactsChange | None = None,
) -> dict[str, Any]:
    today = clock.today().isoformat()

    def work(tx: Tx) -> None:
        providers = reg.repo(ProviderRepository, tx)
        if details is not None:
            providers.update_site_details(
                site_id, json.dumps(details, ensure_ascii=False, sort_keys=True)
            )
        data: dict[str, Any] = {"provider_id": provider_id, "confirmed_on": today}
        if facts is not None and facts.changed:
            providers.update_site_facts(site_id, facts.facts)
            lifecycle = LifecycleRepository.on(tx)
            lifecycle.open_tasks(facts.open_rows)
            lifecycle.set_task_status(facts.close_ids, "done")
            write_notices(tx, facts.notices)
            data |= {
                "changed": facts.changed,
                "tasks_opened": [r["id"] for r in facts.open_rows],
                "tasks_closed": facts.close_ids,
            }
        providers.confirm_site(site_id, today)
        record_event(
            tx,
            actor=principal,
            subject_type="site",
            subject_id=site_id,
            action=action,
            data=data,
        )
        enqueue(tx, "site", [site_id])

    reg.unit_of_work(work)
    try_drain(reg)
    view = _site_view(reg, site_id)
    if facts is not None:
        view["findings"] = [finding_dict(f) for f in facts.findings]
    return view


def confirm_site(
    reg: Registry, principal: Principal, provider_id: str, site_id: str
) -> dict[str, Any]:
    """A15: the provider confirms its site data as current (the directory shows the date)."""
    _own_site(reg, principal, provider_id, site_id)
    return _save_site(reg, principal, provider_id, site_id, "site.confirmed", None)


def update_site_details(
    reg: Registry,
    principal: Principal,
    provider_id: str,
    site_id: str,
    patch: Mapping[str, Any],
) -> dict[str, Any]:
    """A15: the provider edits what helps insured persons choose and the site's directory
    facts; an edit confirms the data."""
    site = _own_site(reg, principal, provider_id, site_id)
    fact_patch = {k: v for k, v in patch.items() if k in rules.SITE_FACT_FIELDS}
    problems = rules.validate_site_facts(fact_patch)
    if problems:
        raise InvalidInput(problems)
    details: dict[str, Any] = json.loads(site["details"] or "{}")
    detail_patch = {k: v for k, v in patch.items() if k not in rules.SITE_FACT_FIELDS}
    for key, value in detail_patch.items():
        if isinstance(value, Mapping) and isinstance(details.get(key), Mapping):
            details[key] = {**details[key], **value}
        else:
            details[key] = value
    facts = _facts_change(reg, provider_id, site, fact_patch) if fact_patch else None
    return _save_site(
        reg,
        principal,
        provider_id,
        site_id,
        "site.details_changed",
        details if detail_patch or not fact_patch else None,
        facts,
    )


_ROW_KEYS = {
    "rooms_for_individual_talks": "rooms_individual",
    "rooms_for_relatives": "rooms_relatives",
}


def site_task_id(site_id: str, finding: Finding, carrier: str) -> str:
    """One task per site, finding identity and carrier."""
    key = "|".join((site_id, *(part or "" for part in finding.identity), carrier))
    return "tsk-" + hashlib.sha256(key.encode()).hexdigest()[:20]


def _site_findings(reg: Registry, provider_id: str, facts: SiteFacts) -> list[Finding]:
    """Q5 for one site (national severities, Q0) and the A15 language advisory."""
    found = organisation_criteria.check_sites(
        [facts], criteria_catalogue.FindingMaker(national_severities(reg))
    )
    staff = [
        json.loads(r["data"] or "{}").get("languages") or []
        for r in case_manager_rows(reg, provider_id)
    ]
    missing = rules.unspoken_languages(facts.languages, staff)
    language = rules.language_finding(facts.id, facts.name, missing)
    return found + ([language] if language else [])


def _facts_change(
    reg: Registry, provider_id: str, site: SiteRow, patch: Mapping[str, Any]
) -> FactsChange:
    """A15: the new facts, what changed and, if a criterion is touched, the re-run of Q5 with
    its notices and tasks for the carriers that issued the site's admissions in force."""
    before = site_facts(site)
    values = {k: patch.get(k, getattr(before, k)) for k in rules.SITE_FACT_FIELDS}
    values["languages"] = tuple(dict.fromkeys(values["languages"]))
    if values["outreach_radius_km"] is not None:
        values["outreach_radius_km"] = float(values["outreach_radius_km"])
    values["catchment_radius_km"] = float(values["catchment_radius_km"])
    after = replace(before, **values)
    change = FactsChange(
        facts={
            "languages": list(after.languages),
            "barrier_free": after.barrier_free,
            "public_transport": after.public_transport,
            "catchment_radius_km": after.catchment_radius_km,
            "outreach_radius_km": after.outreach_radius_km,
            "rooms_individual": after.rooms_for_individual_talks,
            "rooms_relatives": after.rooms_for_relatives,
        },
        changed=[k for k in rules.SITE_FACT_FIELDS if getattr(before, k) != getattr(after, k)],
    )
    old = _site_findings(reg, provider_id, before)
    change.findings = _site_findings(reg, provider_id, after)
    if not set(change.changed) & rules.CRITERION_FIELDS:
        return change
    issued = {
        m["issued_by"]: m["application_id"]
        for m in reg.repo(AdmissionRepository).admissions_of_sites([site["id"]])
        if m["status"] in IN_FORCE and m["issued_by"]
    }
    new, gone = rules.site_change_findings(old, change.findings)
    now = clock.now_iso()
    labels = ", ".join(_LABELS[k] for k in change.changed if k in rules.CRITERION_FIELDS)
    for carrier, application_id in sorted(issued.items()):
        lines = [
            f"Der Anbieter hat die Angaben des Standorts »{site['name']}« geändert ({labels})."
        ]
        lines += [f"Neu: {f.message}" for f in new]
        lines += [f"Behoben: {f.message}" for f in gone if f.severity is Severity.BLOCKING]
        change.notices.append(
            NoticeSpec(
                carrier=carrier,
                kind=NoticeKind.ADMISSION,
                message=" ".join(lines),
                subject_type="application",
                subject_id=application_id,
                title=f"Standortangaben geändert: {site['name']}",
            )
        )
        for f in new:
            if f.severity is not Severity.BLOCKING:
                continue
            change.open_rows.append(
                {
                    "id": site_task_id(site["id"], f, carrier),
                    "carrier": carrier,
                    "provider_id": provider_id,
                    "kind": SITE_TASK_KIND,
                    "rule": f.rule,
                    "application_id": application_id,
                    "site_id": site["id"],
                    "message": f"Nach einer Änderung der Standortangaben: {f.message}",
                    "created_at": now,
                    "due_on": "",
                }
            )
        change.close_ids += [site_task_id(site["id"], f, carrier) for f in gone]
    return change


SITE_TASK_KIND = "site_finding"

_LABELS = {
    "languages": "Sprachen",
    "barrier_free": "Barrierefreiheit",
    "public_transport": "ÖPNV-Anbindung",
    "catchment_radius_km": "Einzugsgebiet",
    "outreach_radius_km": "aufsuchende Arbeit",
    "rooms_for_individual_talks": "Räume für Einzelgespräche",
    "rooms_for_relatives": "Räume für Angehörigengespräche",
}
