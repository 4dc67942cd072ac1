"""An admissions officer suspends, resumes or revokes a site's admission (A9) or reviews it
(A14); the provider's withdrawal (``applications.withdraw_application``) is saved the same way.
Every change is checked against what was read (A11), audited (A10) and notified (A8).

When the lead suspends or revokes target groups (directly or by a review), every carrier that
issued a follow-on admission for the same application and group gets a notice and a stored task
(kind ``lead_changed``, rule A9) to decide on its own admission: nothing changes automatically.
The task is done once that carrier acts on the site (suspend, resume, revoke or review) or is
dismissed by it with a reason."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any

from registry import clock
from registry.admission import change_rules, status_rules
from registry.admission.common import (
    actor_of,
    admission_of,
    admission_rows,
    application_facts,
    application_row,
    periods_of,
    reached_carriers,
    write_events,
    write_notices,
)
from registry.admission.model import (
    AdmissionAction,
    AdmissionStatus,
    ApplicationFacts,
    LifecycleOutcome,
    NoticeKind,
    NoticeSpec,
)
from registry.admission.provider_repository import ProviderRepository, SiteRow
from registry.admission.repository import AdmissionRepository, AdmissionRow, ApplicationRow
from registry.auth import Principal, Role
from registry.context import Registry
from registry.directory.projection import enqueue, try_drain
from registry.errors import Conflict, NotFound
from registry.graph.ports import Tx
from registry.lifecycle import rules as lifecycle_rules
from registry.lifecycle.repository import LifecycleRepository, NewTask


def _site_context(
    reg: Registry, principal: Principal, site_id: str
) -> tuple[SiteRow, ApplicationRow, list[AdmissionRow]]:
    """The site, the application its admissions rest on and its admissions, for an officer of
    its responsible carrier or of a carrier that issued one of them."""
    sites = reg.repo(ProviderRepository).sites([site_id])
    if not sites:
        raise NotFound("Standort nicht gefunden")
    site = sites[0]
    adm_rows = reg.repo(AdmissionRepository).admissions_of_sites([site_id])
    involved = (
        principal.role is Role.ADMISSIONS_OFFICER
        and principal.carrier is not None
        and (
            site["responsible_carrier"] == principal.carrier
            or any(r["issued_by"] == principal.carrier for r in adm_rows)
        )
    )
    if not involved:
        raise NotFound("Standort nicht gefunden")
    if not adm_rows:
        raise Conflict("Für diesen Standort gibt es keine Zulassung.")
    return site, application_row(reg, adm_rows[0]["application_id"]), adm_rows


def change_site_admission(
    reg: Registry,
    principal: Principal,
    site_id: str,
    action: str,
    reason: str,
    target_groups: Sequence[str] | None = None,
    *,
    dry_run: bool = False,
) -> dict[str, Any]:
    """A9: suspend, resume or revoke a site's admission (all or some target groups).
    ``dry_run``: check permission and rules as the change would, save nothing, return the
    site's view unchanged (the portal's confirmation step before a revocation)."""
    _, app, adm_rows = _site_context(reg, principal, site_id)
    facts = application_facts(reg, app)
    outcome = change_rules.change_admissions(
        AdmissionAction(action),
        facts,
        [admission_of(r) for r in adm_rows],
        actor_of(principal),
        reason,
        clock.now(),
        target_groups=target_groups,
        reached_carriers=reached_carriers(reg, [s for s in facts.sites if s.id == site_id]),
        periods=periods_of(reg),
    )
    if dry_run:
        return site_admission_view(reg, site_id)
    return _settle(reg, principal, app, facts, outcome, adm_rows, reason, site_id)


def _settle(
    reg: Registry,
    principal: Principal,
    app: Any,
    facts: Any,
    outcome: Any,
    adm_rows: Any,
    reason: str,
    site_id: str,
) -> dict[str, Any]:
    """What a carrier's action on a site (A9) or its review (A14) leaves behind: the lead's
    follow-ups for follow-on carriers, the saved admissions, the site's view."""
    notices, tasks = lead_change_follow_ups(reg, principal, app, outcome)
    save_admission_changes(
        reg,
        app,
        facts,
        outcome,
        adm_rows,
        reason,
        site_id,
        notices=notices,
        tasks=tasks,
        close_tasks=own_decision_closes(principal, adm_rows),
    )
    return site_admission_view(reg, site_id)


def lead_change_task_id(site_id: str, target_group: str, carrier: str) -> str:
    """A9: one task per follow-on admission (site, group) and its issuing carrier."""
    key = "|".join(("lead_changed", site_id, target_group, carrier))
    return "tsk-" + hashlib.sha256(key.encode()).hexdigest()[:20]


def own_decision_closes(principal: Principal, adm_rows: Sequence[AdmissionRow]) -> list[str]:
    """A9: a carrier acting on a site has decided on its own admissions there: its
    ``lead_changed`` tasks for them are done."""
    return [
        lead_change_task_id(r["site_id"], r["target_group"], r["issued_by"])
        for r in adm_rows
        if r["issued_by"] and r["issued_by"] == principal.carrier
    ]


def lead_change_follow_ups(
    reg: Registry, principal: Principal, app: ApplicationRow, outcome: LifecycleOutcome
) -> tuple[list[NoticeSpec], list[NewTask]]:
    """A9: when the lead suspends or revokes target groups, every carrier that issued a
    follow-on admission for the same application and group gets a notice and a task to decide
    on its own admission (never automatic)."""
    lead = app["lead_carrier"]
    if not lead or principal.carrier != lead:
        return [], []
    stopped = {AdmissionStatus.SUSPENDED, AdmissionStatus.REVOKED}
    changed = [(a.site_id, a.target_group) for a in outcome.changed if a.status in stopped]
    if not changed:
        return [], []
    rows = reg.repo(AdmissionRepository).admissions_of_provider(app["provider_id"])
    told = lifecycle_rules.follow_on_carriers_to_tell(
        changed,
        app["id"],
        lead,
        [
            lifecycle_rules.IssuedAdmission(
                r["site_id"], r["target_group"], r["application_id"], r["issued_by"], r["status"]
            )
            for r in rows
        ],
    )
    if not told:
        return [], []
    statuses = {(a.site_id, a.target_group): a.status for a in outcome.changed}
    what = {
        group: "widerrufen" if status is AdmissionStatus.REVOKED else "ausgesetzt"
        for (_, group), status in statuses.items()
    }
    lead_name = _carrier_name(reg, lead)
    site_names = {
        s["id"]: s["name"]
        for s in reg.repo(ProviderRepository).sites(sorted({m.site_id for m in told}))
    }
    now = clock.now_iso()
    notices: list[NoticeSpec] = []
    tasks: list[NewTask] = []
    by_carrier: dict[str, list[lifecycle_rules.IssuedAdmission]] = {}
    for m in told:
        by_carrier.setdefault(m.issued_by, []).append(m)
    for carrier, mine in by_carrier.items():
        listed = "; ".join(
            f"»{site_names.get(m.site_id, '')}« ({_group_label(reg, m.target_group)})" for m in mine
        )
        groups = ", ".join(
            f"{_group_label(reg, g)} {what.get(g, 'ausgesetzt')}"
            for g in sorted({m.target_group for m in mine})
        )
        notices.append(
            NoticeSpec(
                carrier=carrier,
                kind=NoticeKind.ADMISSION,
                message=f"Der federführende Träger {lead_name} hat für diesen Antrag {groups}. "
                f"Ihre Folgezulassungen: {listed}. Bitte entscheiden Sie über Ihre eigene "
                "Zulassung (keine automatische Änderung).",
                subject_type="application",
                subject_id=app["id"],
                title="Federführender Träger hat Zulassung geändert",
            )
        )
        for m in mine:
            tasks.append(
                {
                    "id": lead_change_task_id(m.site_id, m.target_group, carrier),
                    "carrier": carrier,
                    "provider_id": app["provider_id"],
                    "kind": lifecycle_rules.LEAD_CHANGE_TASK_KIND,
                    "rule": "A9",
                    "application_id": app["id"],
                    "site_id": m.site_id,
                    "message": f"{lead_name} hat die Zielgruppe "
                    f"»{_group_label(reg, m.target_group)}« {what.get(m.target_group, 'ausgesetzt')}: "
                    f"Über Ihre Folgezulassung des Standorts »{site_names.get(m.site_id, '')}« "
                    "entscheiden (aussetzen, widerrufen oder bestätigen).",
                    "created_at": now,
                    "due_on": "",
                }
            )
    return notices, tasks


def _carrier_name(reg: Registry, carrier_id: str) -> str:
    found = reg.reference.carriers_by_id.get(carrier_id)
    return found.name if found else carrier_id


def _group_label(reg: Registry, code: str) -> str:
    try:
        return reg.reference.target_group(code).label
    except Exception:  # an unknown code is shown as written
        return code


def review_site_admission(
    reg: Registry, principal: Principal, site_id: str, outcome_name: str, reason: str
) -> dict[str, Any]:
    """A14: the periodic review confirms, suspends or revokes."""
    _, app, adm_rows = _site_context(reg, principal, site_id)
    facts = application_facts(reg, app)
    outcome = change_rules.review_admissions(
        outcome_name,
        facts,
        [admission_of(r) for r in adm_rows],
        actor_of(principal),
        reason,
        clock.now(),
        reached_carriers=reached_carriers(reg, [s for s in facts.sites if s.id == site_id]),
        periods=periods_of(reg),
    )
    return _settle(reg, principal, app, facts, outcome, adm_rows, reason, site_id)


def save_admission_changes(
    reg: Registry,
    app: ApplicationRow,
    facts: ApplicationFacts,
    outcome: LifecycleOutcome,
    adm_rows: list[AdmissionRow],
    reason: str,
    *site_ids: str,
    cancel_follow_ons: Sequence[str] = (),
    notices: Sequence[NoticeSpec] = (),
    tasks: Sequence[NewTask] = (),
    close_tasks: Sequence[str] = (),
) -> None:
    """Save what the rules decided from ``adm_rows``, in one unit of work, unless another
    change committed since they were read (A11); with the follow-on carriers' ``notices`` and
    ``tasks`` (A9) and the stored tasks ``close_tasks`` this decision settles."""
    previous = {(r["site_id"], r["target_group"]): r for r in adm_rows}
    reasons = {(a.site_id, a.target_group): reason for a in outcome.changed}
    data = json.dumps(json.loads(app["data"]), ensure_ascii=False, sort_keys=True)

    def work(tx: Tx) -> None:
        admissions = reg.repo(AdmissionRepository, tx)
        # A11 for admissions: the outcome was computed from `adm_rows`, read before this unit
        # of work; if another change committed since, writing it would overwrite that change
        # (e.g. a stale "suspended" over a committed "revoked"). Writes are serialised, so
        # reading here sees every committed change.
        read_sites = sorted({r["site_id"] for r in adm_rows})
        current = {
            (r["site_id"], r["target_group"]): r["status"]
            for r in admissions.admissions_of_sites(read_sites)
        }
        if any(current.get(key) != row["status"] for key, row in previous.items()):
            raise Conflict("Die Zulassung wurde inzwischen geändert; bitte neu laden (A11).")
        if outcome.changed:
            admissions.upsert_admissions(
                admission_rows(
                    outcome.changed,
                    provider_id=app["provider_id"],
                    application_of={s.id: app["id"] for s in facts.sites},
                    reasons=reasons,
                    previous=previous,
                )
            )
        status = outcome.application_status
        if (
            status is not None
            and status.value != app["status"]
            and not admissions.update_application(
                app["id"],
                version=app["version"],
                status=status.value,
                decided_at=app["decided_at"],
                data=data,
            )
        ):
            raise Conflict("Der Antrag wurde inzwischen geändert; bitte neu laden (A11).")
        for task_id in cancel_follow_ons:  # in the same unit of work: never half-withdrawn
            admissions.close_follow_on(task_id, status="cancelled", now=clock.now().isoformat())
        write_events(tx, outcome.events, app["id"])
        write_notices(tx, [*outcome.notices, *notices])
        if close_tasks or tasks:
            lifecycle = LifecycleRepository.on(tx)
            lifecycle.set_task_status(list(close_tasks), "done")
            lifecycle.open_tasks(list(tasks))
        enqueue(tx, "site", site_ids or [s.id for s in facts.sites])

    reg.unit_of_work(work)
    try_drain(reg)


def site_admission_view(reg: Registry, site_id: str) -> dict[str, Any]:
    rows = reg.repo(AdmissionRepository).admissions_of_sites([site_id])
    statuses = {r["target_group"]: r["status"] for r in rows}
    return {
        "site_id": site_id,
        "admission_status": status_rules.site_status(
            AdmissionStatus(s) for s in statuses.values()
        ).value,
        "target_group_status": statuses,
        "admissions": [
            {
                "target_group": r["target_group"],
                "status": r["status"],
                "issued_by": r["issued_by"] or None,
                "decided_at": r["decided_at"] or None,
                "review_due": r["review_due"] or None,
                "reason": r["reason"],
            }
            for r in rows
        ],
    }
