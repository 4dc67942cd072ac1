"""Use cases of an admission's life after the decision (DOMAIN.md A13–A15), the carrier profile
(§3, Q0) and the one task inbox (``GET /tasks``).

Design decisions (documented here, referenced by the API):

* **Contracts (A13).** Only a carrier that issued an admission to one of the provider's sites
  (``issued_by``, whatever the admission's state now) records a contract with it; any other
  officer gets 422 naming rule A13 (the provider itself is no secret to officers, so 404 would
  hide nothing). A later contract (new model-contract version) is simply recorded too; the
  latest counts. "Contract pending" is shown per admission (``GET /admissions``) and as one inbox
  item per provider; it never hides a site from the directory.
* **Staff (A15).** Readable by the provider and by officers of the carriers involved with it
  (receiving, lead, responsible for a site, issuing an admission); any other officer or provider
  gets 404, every other role 403 (the route's guard). Only the provider changes its staff.
  A removed case manager is deleted (DOMAIN.md §10: nothing is kept that admission no longer
  needs); the audit trail names only the id.
* **Staff re-check (A15).** Every change re-runs Q2–Q4 and Q8 (``criteria.recheck_staff``) for
  every decided application of the provider with admissions in force (admitted, suspended or
  awaiting follow-on), over the target groups in force, with the lead carrier's severities (Q0).
  A blocking finding is *new* unless one with the same identity (rule, check, case manager,
  target group) was recorded on any of the provider's applications at submission, i.e. the lead
  already knew it. Each new finding is one stored ``Task`` for the lead carrier whose id is
  derived from (application, finding identity), so the same finding never makes two tasks; a
  task whose finding has disappeared is closed; a finding that comes back reopens it. An officer
  may dismiss a task (with a reason); it stays dismissed while its finding persists. Nothing is
  ever suspended automatically.
* **Training due (Q3).** The Q3 exception (training started within 12 months of joining) turns
  into a blocking finding once its completion date passes. Time alone changes it, so the same
  reconciliation also runs for the caller's carrier whenever an officer's inbox is computed;
  the finding becomes a task of kind ``training_due`` (rule Q3, ``due_on`` the completion date).
* **Inbox.** Stored tasks (``staff_finding``, ``training_due``) plus items derived at read time:
  ``decision_pending`` (A5, overdue after ``lead_decision_overdue_days``), ``follow_on`` (A7,
  overdue after ``follow_on_overdue_days``; its id is the follow-on task's id),
  ``review_due`` (A14, in the inbox from 90 days before the review date, overdue once it has
  passed), ``stale_data`` (A15, for the provider and the site's responsible carrier; overdue by
  definition), ``contract_pending`` (A13, overdue ``lead_decision_overdue_days`` after the first
  admission). Stored staff tasks are overdue after ``lead_decision_overdue_days`` (the lead
  should act as promptly as on a decision); ``training_due`` tasks are overdue at once.
  Derived items have stable ids ``<kind>:<reference>``.
* **Data confirmation (A15).** ``confirm`` and every edit of the site details set
  ``confirmed_on`` to today and re-index the site; unconfirmed data is flagged, never hidden.
* **Carrier profile (Q0).** ``PUT`` replaces contacts and criteria (omitted: defaults) and is
  allowed for an admin of that carrier or an unscoped admin; an admin of another carrier gets
  403 (the profile is readable by everyone, so there is nothing to hide).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import partial
from typing import Any

from registry import clock
from registry.admission import criteria, lifecycle, workflow
from registry.admission.model import AdmissionStatus, Contract, Finding, add_months
from registry.admission.service import (
    _admission,
    carrier_profile,
    case_manager_facts,
    finding_from_dict,
    periods_of,
    rules,
    severities_of,
)
from registry.audit import record_event
from registry.auth import Principal, Role
from registry.context import Registry
from registry.directory.projection import enqueue, try_drain
from registry.errors import Conflict, Forbidden, InvalidInput, NotFound, Problem
from registry.graph.ports import Row, Tx
from registry.ids import new_id

IN_FORCE = frozenset({AdmissionStatus.ADMITTED.value, AdmissionStatus.SUSPENDED.value})
STAFF_SCOPE = IN_FORCE | {AdmissionStatus.AWAITING_FOLLOW_ON.value}
"""Admissions whose staff is re-checked after a change (A15)."""
STAFF_TASK_KINDS = ("staff_finding", "training_due")
TRAINING_MARKER = '"training_started_on": "'
"""How a set training start appears in the stored case-manager JSON (``json.dumps`` default
separators, as written on submission and by the staff changes here)."""
REVIEW_WINDOW_DAYS = 90
"""A14: default window of ``due-for-review`` and how early a review enters the inbox."""
CASE_MANAGER_FIELDS = (
    "name",
    "degree",
    "counselling_years",
    "social_law_units",
    "counselling_units",
    "total_units",
    "certificates",
    "languages",
    "training_started_on",
    "joined_on",
    "target_groups",
    "competence_evidence",
)

# --------------------------------------------------------------------------- helpers


def _officer_carrier(principal: Principal) -> str:
    if principal.role is not Role.ADMISSIONS_OFFICER or not principal.carrier:
        raise Forbidden("Nur für die Zulassungsstelle eines Trägers.")
    return principal.carrier


def _provider_row(reg: Registry, provider_id: str) -> Row:
    rows = reg.graph.read("providers.get", id=provider_id)
    if not rows:
        raise NotFound("Anbieter nicht gefunden")
    return rows[0]


def _own_provider(reg: Registry, principal: Principal, provider_id: str) -> Row:
    """The provider acting on itself; anyone else learns nothing (404)."""
    if principal.role is not Role.PROVIDER or principal.provider != provider_id:
        raise NotFound("Anbieter nicht gefunden")
    return _provider_row(reg, provider_id)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value[:10]) if value else None


def _names(reg: Registry, provider_ids: Iterable[str]) -> dict[str, str]:
    ids = sorted(set(provider_ids))
    if not ids:
        return {}
    return {p["id"]: p["name"] for p in reg.graph.read("providers.get_many", ids=ids)}


def _site_names(reg: Registry, site_ids: Iterable[str]) -> dict[str, str]:
    ids = sorted(set(site_ids))
    if not ids:
        return {}
    return {s["id"]: s["name"] for s in reg.graph.read("providers.sites", ids=ids)}


def involved_carriers(reg: Registry, provider_id: str) -> set[str]:
    """Carriers involved with a provider: receiving or lead of one of its applications,
    responsible for one of its sites, or issuing one of its admissions."""
    carriers: set[str] = set()
    for a in reg.graph.read("lifecycle.applications_of_provider", provider_id=provider_id):
        carriers.update((a["receiving_carrier"], a["lead_carrier"]))
    for s in reg.graph.read("providers.sites_of_provider", provider_id=provider_id):
        carriers.add(s["responsible_carrier"])
    for m in reg.graph.read("admission.admissions_of_provider", provider_id=provider_id):
        if m["issued_by"]:
            carriers.add(m["issued_by"])
    carriers.discard("")
    return carriers


# --------------------------------------------------------------------------- A13 contracts


def record_contract(
    reg: Registry, principal: Principal, provider_id: str, body: Mapping[str, Any]
) -> dict[str, Any]:
    """A13: an officer records its carrier's contract with a provider it admitted."""
    carrier = _officer_carrier(principal)
    _provider_row(reg, provider_id)
    signed_on: date | None = body.get("signed_on")
    version = str(body.get("model_contract_version") or "").strip()
    found = lifecycle.validate_contract(signed_on, version, clock.today())
    if found:
        raise InvalidInput([Problem(p.field, p.message, p.rule) for p in found])
    admissions = reg.graph.read("admission.admissions_of_provider", provider_id=provider_id)
    if not any(a["issued_by"] == carrier for a in admissions):
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
        tx.run(
            "providers.create_contract",
            id=contract_id,
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

    reg.graph.write(work)
    return {
        "id": contract_id,
        "carrier": carrier,
        "provider_id": provider_id,
        "signed_on": signed_on.isoformat(),
        "model_contract_version": version,
        "recorded_at": now,
    }


def _contracts_of(reg: Registry, carrier: str) -> list[Contract]:
    return [
        Contract(carrier, r["provider_id"], date.fromisoformat(r["signed_on"][:10]), "")
        for r in reg.graph.read("lifecycle.carrier_contracts", carrier=carrier)
    ]


def list_carrier_admissions(
    reg: Registry,
    principal: Principal,
    status: str | None = None,
    page: int = 1,
    page_size: int = 20,
) -> dict[str, Any]:
    """The officer's admissions (its region's sites and what it issued), one entry per site,
    each with ``contract_pending`` (A13)."""
    carrier = _officer_carrier(principal)
    rows = reg.graph.read("lifecycle.carrier_admissions", carrier=carrier, status="")
    contracts = _contracts_of(reg, carrier)
    by_site: dict[str, list[Row]] = {}
    for r in rows:
        by_site.setdefault(r["site_id"], []).append(r)
    rows_by_provider: dict[str, list[Row]] = {}
    for r in rows:
        rows_by_provider.setdefault(r["provider_id"], []).append(r)
    pending_by_provider: dict[str, bool] = {}
    entries = []
    for site_id, site_rows in by_site.items():
        provider_id = site_rows[0]["provider_id"]
        admissions = [_admission(r) for r in site_rows]
        site_status = workflow.site_status(a.status for a in admissions).value
        if status and site_status != status:
            continue
        if provider_id not in pending_by_provider:
            provider_adm = [_admission(r) for r in rows_by_provider[provider_id]]
            pending_by_provider[provider_id] = carrier in lifecycle.carriers_with_contract_pending(
                provider_id, provider_adm, contracts
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
    names = _names(reg, (e["provider_id"] for e in chosen))
    sites = _site_names(reg, (e["site_id"] for e in chosen))
    for e in chosen:
        e["provider_name"] = names.get(e["provider_id"], "")
        e["site_name"] = sites.get(e["site_id"], "")
    return {"total": total, "page": page, "page_size": page_size, "results": chosen}


# --------------------------------------------------------------------------- A14 review


def due_for_review(
    reg: Registry, principal: Principal, within_days: int = REVIEW_WINDOW_DAYS
) -> list[dict[str, Any]]:
    """A14: the caller's carrier's sites whose review date lies within the window or has
    passed, earliest first."""
    carrier = _officer_carrier(principal)
    today = clock.today()
    until = (today + timedelta(days=within_days)).isoformat()
    return [
        {
            "site_id": r["site_id"],
            "provider_id": r["provider_id"],
            "carrier": r["carrier"],
            "review_due": r["review_due"],
            "overdue": r["review_due"] < today.isoformat(),
        }
        for r in reg.graph.read("admission.admissions_due", carrier=carrier, until=until)
    ]


# --------------------------------------------------------------------------- A15 staff


def may_read_staff(reg: Registry, principal: Principal, provider_id: str) -> bool:
    """DOMAIN.md §9/§10: the provider itself and officers of the carriers involved with it."""
    if principal.role is Role.PROVIDER:
        return principal.provider == provider_id
    if principal.role is Role.ADMISSIONS_OFFICER and principal.carrier:
        return principal.carrier in involved_carriers(reg, provider_id)
    return False


def _cm_view(row: Row) -> dict[str, Any]:
    data = json.loads(row["data"] or "{}")
    out: dict[str, Any] = {"id": row["id"]}
    out.update({k: data.get(k) for k in CASE_MANAGER_FIELDS})
    out["name"] = row["name"]
    out["changed_at"] = row["changed_at"]
    return out


def list_case_managers(
    reg: Registry, principal: Principal, provider_id: str
) -> list[dict[str, Any]]:
    _provider_row(reg, provider_id)
    if not may_read_staff(reg, principal, provider_id):
        raise NotFound("Anbieter nicht gefunden")
    return [_cm_view(r) for r in reg.graph.read("providers.case_managers", provider_id=provider_id)]


def _cm_data(body: Mapping[str, Any]) -> dict[str, Any]:
    """Stored form of a case manager (as on submission): only what admission needs (§10)."""
    data = {k: body[k] for k in CASE_MANAGER_FIELDS if k in body}
    for key in ("training_started_on", "joined_on"):
        if key in data:
            value = data[key]
            data[key] = value.isoformat() if isinstance(value, date) else (value or None)
    return data


def _check_case_manager(reg: Registry, data: Mapping[str, Any]) -> None:
    known = {t.code for t in reg.reference.target_groups}
    problems = [
        Problem(f"target_groups[{i}]", f"Unbekannte Zielgruppe »{code}«.", "Q8")
        for i, code in enumerate(data.get("target_groups") or [])
        if code not in known
    ]
    if problems:
        raise InvalidInput(problems)


@dataclass
class StaffPlan:
    """The reconciliation of stored staff tasks with the current findings (A15)."""

    open_rows: list[dict[str, Any]] = field(default_factory=list)
    close_ids: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.open_rows and not self.close_ids


def staff_task_id(application_id: str, finding: Finding) -> str:
    """One task per application and finding identity, whatever the number of re-checks."""
    key = "|".join((application_id, *(part or "" for part in finding.identity)))
    return "tsk-" + hashlib.sha256(key.encode()).hexdigest()[:20]


def plan_staff_tasks(
    reg: Registry,
    provider_id: str,
    staff: Sequence[Mapping[str, Any]],
    *,
    lead_carrier: str = "",
) -> StaffPlan:
    """A15: re-run Q2–Q4 and Q8 for the provider's applications in force (those led by
    ``lead_carrier`` if given) with ``staff`` (stored case-manager data) and compare with the
    stored tasks: which to open (new, or back again) and which to close (gone)."""
    now = clock.now()
    today = now.date()
    periods = periods_of(reg)
    apps = reg.graph.read("lifecycle.applications_of_provider", provider_id=provider_id)
    datas = {a["id"]: json.loads(a["data"] or "{}") for a in apps}
    previous = [finding_from_dict(f) for d in datas.values() for f in d.get("findings") or []]
    groups_of: dict[str, set[str]] = {}
    for m in reg.graph.read("admission.admissions_of_provider", provider_id=provider_id):
        if m["status"] in STAFF_SCOPE:
            groups_of.setdefault(m["application_id"], set()).add(m["target_group"])
    facts = [case_manager_facts(d) for d in staff]
    severities: dict[str, Any] = {}
    considered: set[str] = set()
    desired: dict[str, dict[str, Any]] = {}
    for app in apps:
        lead = app["lead_carrier"]
        if lead_carrier and lead != lead_carrier:
            continue
        considered.add(app["id"])
        groups = sorted(groups_of.get(app["id"], ()))
        if app["status"] != "decided" or not groups:
            continue
        if lead not in severities:
            severities[lead] = severities_of(reg, lead)
        new = criteria.recheck_staff(facts, groups, previous, today, severities[lead], periods)
        specs = lifecycle.staff_change_tasks(new, lead, provider_id, app["id"], now)
        for finding, spec in zip(new, specs, strict=True):
            training = finding.code == "cm-training-overdue"
            desired[staff_task_id(app["id"], finding)] = {
                "carrier": spec.carrier,
                "provider_id": provider_id,
                "kind": "training_due" if training else spec.kind,
                "rule": spec.rule,
                "application_id": app["id"],
                "site_id": "",
                "message": f"Weiterbildungsfrist abgelaufen: {finding.message}"
                if training
                else spec.message,
                "created_at": clock.now_iso(),
                "due_on": finding.due_on.isoformat() if finding.due_on else "",
            }
    existing = {
        t["id"]: t["status"]
        for t in reg.graph.read(
            "lifecycle.staff_tasks", provider_id=provider_id, kinds=list(STAFF_TASK_KINDS)
        )
        if t["application_id"] in considered
    }
    live = {"open", "dismissed"}
    plan = StaffPlan()
    for tid, row in desired.items():
        if existing.get(tid) not in live:
            plan.open_rows.append({"id": tid, **row})
    plan.close_ids = sorted(t for t, s in existing.items() if s in live and t not in desired)
    return plan


def write_staff_plan(tx: Tx, plan: StaffPlan) -> None:
    if plan.open_rows:
        tx.run("lifecycle.open_tasks", rows=plan.open_rows)
        tx.run("lifecycle.link_tasks_carrier", rows=plan.open_rows)
        tx.run("lifecycle.link_tasks_provider", rows=plan.open_rows)
        tx.run("lifecycle.link_tasks_application", rows=plan.open_rows)
        tx.run("lifecycle.link_tasks_site", rows=plan.open_rows)
    if plan.close_ids:
        tx.run("lifecycle.set_task_status", ids=plan.close_ids, status="done")


def _staff_rows(reg: Registry, provider_id: str) -> list[Row]:
    return reg.graph.read("providers.case_managers", provider_id=provider_id)


def _change_staff(
    reg: Registry,
    principal: Principal,
    provider_id: str,
    staff_after: Sequence[Mapping[str, Any]],
    action: str,
    cm_id: str,
    change: Callable[[Tx], object],
) -> StaffPlan:
    """One unit of work: the change, the re-check's tasks and the audit event."""
    plan = plan_staff_tasks(reg, provider_id, staff_after)

    def work(tx: Tx) -> None:
        change(tx)
        write_staff_plan(tx, plan)
        record_event(
            tx,
            actor=principal,
            subject_type="provider",
            subject_id=provider_id,
            action=action,
            data={
                "case_manager_id": cm_id,
                "tasks_opened": [r["id"] for r in plan.open_rows],
                "tasks_closed": plan.close_ids,
            },
        )

    reg.graph.write(work)
    return plan


def add_case_manager(
    reg: Registry, principal: Principal, provider_id: str, body: Mapping[str, Any]
) -> dict[str, Any]:
    """A15: the provider reports a case manager who joined."""
    _own_provider(reg, principal, provider_id)
    data = _cm_data(body)
    _check_case_manager(reg, data)
    current = _staff_rows(reg, provider_id)
    if any(r["name"] == data["name"] for r in current):
        raise Conflict("Eine Fallmanager*in mit diesem Namen ist bereits erfasst.")
    cm_id = new_id("cm")
    now = clock.now_iso()
    payload = json.dumps(data, ensure_ascii=False, sort_keys=True)
    staff_after = [json.loads(r["data"] or "{}") for r in current] + [data]
    _change_staff(
        reg,
        principal,
        provider_id,
        staff_after,
        "case_manager.added",
        cm_id,
        lambda tx: tx.run(
            "providers.create_case_manager",
            id=cm_id,
            provider_id=provider_id,
            name=data["name"],
            data=payload,
            now=now,
        ),
    )
    return _cm_view({"id": cm_id, "name": data["name"], "data": payload, "changed_at": now})


def _find_cm(current: Sequence[Row], cm_id: str) -> Row:
    for r in current:
        if r["id"] == cm_id:
            return r
    raise NotFound("Fallmanager*in nicht gefunden")


def update_case_manager(
    reg: Registry,
    principal: Principal,
    provider_id: str,
    cm_id: str,
    patch: Mapping[str, Any],
) -> dict[str, Any]:
    """A15: the provider changes a case manager (e.g. a new qualification)."""
    _own_provider(reg, principal, provider_id)
    current = _staff_rows(reg, provider_id)
    row = _find_cm(current, cm_id)
    nullable = ("training_started_on", "joined_on")
    changes = {k: v for k, v in patch.items() if v is not None or k in nullable}
    data = {**json.loads(row["data"] or "{}"), **_cm_data(changes)}
    data["name"] = data.get("name") or row["name"]
    _check_case_manager(reg, data)
    if any(r["name"] == data["name"] and r["id"] != cm_id for r in current):
        raise Conflict("Eine Fallmanager*in mit diesem Namen ist bereits erfasst.")
    now = clock.now_iso()
    payload = json.dumps(data, ensure_ascii=False, sort_keys=True)
    staff_after = [data if r["id"] == cm_id else json.loads(r["data"] or "{}") for r in current]

    def change(tx: Tx) -> None:
        if not tx.run(
            "providers.update_case_manager",
            id=cm_id,
            provider_id=provider_id,
            name=data["name"],
            data=payload,
            now=now,
        ):
            raise NotFound("Fallmanager*in nicht gefunden")

    _change_staff(reg, principal, provider_id, staff_after, "case_manager.changed", cm_id, change)
    return _cm_view({"id": cm_id, "name": data["name"], "data": payload, "changed_at": now})


def remove_case_manager(reg: Registry, principal: Principal, provider_id: str, cm_id: str) -> None:
    """A15: the provider reports that a case manager left; the record is deleted (§10)."""
    _own_provider(reg, principal, provider_id)
    current = _staff_rows(reg, provider_id)
    _find_cm(current, cm_id)
    staff_after = [json.loads(r["data"] or "{}") for r in current if r["id"] != cm_id]
    _change_staff(
        reg,
        principal,
        provider_id,
        staff_after,
        "case_manager.removed",
        cm_id,
        lambda tx: tx.run("lifecycle.delete_case_manager", id=cm_id, provider_id=provider_id),
    )


def reconcile_staff_tasks(reg: Registry, carrier: str) -> int:
    """A15/Q3: bring the stored staff tasks of the applications ``carrier`` leads up to date
    (time alone turns a Q3 training in progress into an overdue one). Only providers with a
    case manager whose training has a start date can change with time, so only they are
    re-checked. Returns the number of tasks opened or closed."""
    changed = 0
    for row in reg.graph.read(
        "lifecycle.providers_led_with_trainees", carrier=carrier, marker=TRAINING_MARKER
    ):
        provider_id = row["provider_id"]
        staff = [json.loads(r["data"] or "{}") for r in _staff_rows(reg, provider_id)]
        plan = plan_staff_tasks(reg, provider_id, staff, lead_carrier=carrier)
        if plan.empty:
            continue
        reg.graph.write(partial(write_staff_plan, plan=plan))
        changed += len(plan.open_rows) + len(plan.close_ids)
    return changed


def dismiss_task(reg: Registry, principal: Principal, task_id: str, reason: str) -> dict[str, Any]:
    """The lead's officer closes a staff task after looking into it (with a reason). It stays
    dismissed while its finding persists."""
    carrier = _officer_carrier(principal)
    rows = reg.graph.read("lifecycle.get_task", id=task_id)
    if not rows or rows[0]["carrier"] != carrier or rows[0]["kind"] not in STAFF_TASK_KINDS:
        raise NotFound("Aufgabe nicht gefunden")
    if not reason.strip():
        raise InvalidInput.one("reason", "Eine Begründung ist erforderlich.", "A15")

    def work(tx: Tx) -> None:
        if not tx.run("lifecycle.dismiss_task", id=task_id):
            raise Conflict("Die Aufgabe ist bereits erledigt.")
        record_event(
            tx,
            actor=principal,
            subject_type="task",
            subject_id=task_id,
            action="task.dismissed",
            reason=reason.strip(),
            data={"provider_id": rows[0]["provider_id"], "rule": rows[0]["rule"]},
        )

    reg.graph.write(work)
    return {"id": task_id, "status": "dismissed"}


# --------------------------------------------------------------------------- A15 site data


def _own_site(reg: Registry, principal: Principal, provider_id: str, site_id: str) -> Row:
    if principal.role is not Role.PROVIDER or principal.provider != provider_id:
        raise NotFound("Standort nicht gefunden")
    rows = reg.graph.read("providers.sites", ids=[site_id])
    if not rows or rows[0]["provider_id"] != provider_id:
        raise NotFound("Standort nicht gefunden")
    return rows[0]


def _site_view(reg: Registry, site_id: str) -> dict[str, Any]:
    row = reg.graph.read("providers.sites", ids=[site_id])[0]
    confirmed = _day(row["confirmed_on"])
    due = lifecycle.confirmation_due(confirmed, periods_of(reg)) if confirmed else None
    return {
        "id": row["id"],
        "provider_id": row["provider_id"],
        "name": row["name"],
        "confirmed_on": row["confirmed_on"] or None,
        "confirmation_due": due.isoformat() if due else None,
        "details": json.loads(row["details"] or "{}"),
    }


def _save_site(
    reg: Registry,
    principal: Principal,
    provider_id: str,
    site_id: str,
    action: str,
    details: Mapping[str, Any] | None,
) -> dict[str, Any]:
    today = clock.today().isoformat()

    def work(tx: Tx) -> None:
        if details is not None:
            tx.run(
                "providers.update_site_details",
                id=site_id,
                details=json.dumps(details, ensure_ascii=False, sort_keys=True),
            )
        tx.run("providers.confirm_site", id=site_id, confirmed_on=today)
        record_event(
            tx,
            actor=principal,
            subject_type="site",
            subject_id=site_id,
            action=action,
            data={"provider_id": provider_id, "confirmed_on": today},
        )
        enqueue(tx, "site", [site_id])

    reg.graph.write(work)
    try_drain(reg)
    return _site_view(reg, site_id)


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
    """A15: the provider edits what helps insured persons choose; an edit confirms the data."""
    site = _own_site(reg, principal, provider_id, site_id)
    details: dict[str, Any] = json.loads(site["details"] or "{}")
    for key, value in patch.items():
        if isinstance(value, Mapping) and isinstance(details.get(key), Mapping):
            details[key] = {**details[key], **value}
        else:
            details[key] = value
    return _save_site(reg, principal, provider_id, site_id, "site.details_changed", details)


# --------------------------------------------------------------------------- Q0 profile


def _profile_view(carrier_id: str, profile: Mapping[str, Any]) -> dict[str, Any]:
    effective = criteria.effective_severities(profile.get("criteria") or {})
    return {
        "carrier": carrier_id,
        "contacts": list(profile.get("contacts") or []),
        "criteria": {rule: severity.value for rule, severity in effective.items()},
    }


def get_carrier_profile(reg: Registry, principal: Principal, carrier_id: str) -> dict[str, Any]:
    """§3: a carrier's contact persons and criteria settings, readable by everyone."""
    return _profile_view(carrier_id, carrier_profile(reg, carrier_id))


def put_carrier_profile(
    reg: Registry, principal: Principal, carrier_id: str, body: Mapping[str, Any]
) -> dict[str, Any]:
    """§3, Q0: replace the contacts and criteria severities (omitted: defaults)."""
    if principal.role is not Role.ADMIN:
        raise Forbidden("Das Trägerprofil pflegt die Administration.")
    existing = carrier_profile(reg, carrier_id)
    if principal.carrier and principal.carrier != carrier_id:
        raise Forbidden("Sie pflegen nur das Profil Ihres eigenen Trägers.")
    settings: dict[str, str] = dict(body.get("criteria") or {})
    with rules:
        criteria.effective_severities(settings)
    profile = {
        **existing,
        "contacts": [dict(c) for c in body.get("contacts") or []],
        "criteria": settings,
    }

    def work(tx: Tx) -> None:
        tx.run(
            "lifecycle.set_carrier_profile",
            id=carrier_id,
            profile_json=json.dumps(profile, ensure_ascii=False, sort_keys=True),
        )
        record_event(
            tx,
            actor=principal,
            subject_type="carrier",
            subject_id=carrier_id,
            action="carrier.profile_changed",
            carrier=carrier_id,
            data={"criteria": settings, "contacts": len(profile["contacts"])},
        )

    reg.graph.write(work)
    return _profile_view(carrier_id, profile)


# --------------------------------------------------------------------------- inbox


def _item(
    *,
    id: str,  # noqa: A002 - the public field name
    kind: str,
    rule: str,
    provider_id: str,
    message: str,
    created_at: datetime,
    overdue: bool,
    now: datetime,
    application_id: str | None = None,
    site_id: str | None = None,
    due_on: str | None = None,
) -> dict[str, Any]:
    return {
        "id": id,
        "kind": kind,
        "rule": rule,
        "provider_id": provider_id,
        "application_id": application_id or None,
        "site_id": site_id or None,
        "message": message,
        "created_at": created_at.isoformat(),
        "age_days": workflow.age_days(created_at, now),
        "overdue": overdue,
        "due_on": due_on or None,
    }


def _stale_items(
    reg: Registry, *, provider_id: str, carrier: str, now: datetime
) -> list[dict[str, Any]]:
    """A15: sites unconfirmed for longer than the period (flagged, never hidden)."""
    periods = periods_of(reg)
    today = now.date()
    before = add_months(today, -periods.data_confirmation_months) + timedelta(days=3)
    rows = reg.graph.read(
        "lifecycle.stale_sites",
        provider_id=provider_id,
        carrier=carrier,
        before=before.isoformat(),
        in_force=bool(carrier),
    )
    items = []
    for s in rows:
        confirmed = _day(s["confirmed_on"])
        created = _day(s["created_at"]) or today
        if not lifecycle.is_data_stale(confirmed, created, today, periods):
            continue
        since = lifecycle.confirmation_due(confirmed or created, periods) + timedelta(days=1)
        if carrier:
            message = lifecycle.stale_data_task(
                s["provider_id"], s["id"], s["name"], s["responsible_carrier"], confirmed, now
            ).message
        else:
            last = f"zuletzt am {confirmed:%d.%m.%Y}" if confirmed else "noch nie"
            message = (
                f"Bitte bestätigen oder aktualisieren Sie die Angaben des Standorts »{s['name']}« "
                f"({last} bestätigt; mindestens alle {periods.data_confirmation_months} Monate)."
            )
        items.append(
            _item(
                id=f"stale_data:{s['id']}",
                kind="stale_data",
                rule="A15",
                provider_id=s["provider_id"],
                site_id=s["id"],
                message=message,
                created_at=_midnight(since),
                overdue=True,
                now=now,
            )
        )
    return items


def _officer_items(reg: Registry, carrier: str, now: datetime) -> list[dict[str, Any]]:
    periods = periods_of(reg)
    overdue_days = periods.lead_decision_days
    today = now.date()
    items: list[dict[str, Any]] = []
    awaiting = reg.graph.read("lifecycle.awaiting_decision", carrier=carrier)
    follow_ons = reg.graph.read(
        "admission.follow_ons", carrier=carrier, status="open", application_id=""
    )
    stored = [
        t
        for t in reg.graph.read("tasks.open_for", carrier=carrier, provider_id="")
        if t["kind"] in STAFF_TASK_KINDS
    ]
    until = (today + timedelta(days=REVIEW_WINDOW_DAYS)).isoformat()
    reviews = reg.graph.read("admission.admissions_due", carrier=carrier, until=until)
    contracts = reg.graph.read("lifecycle.pending_contracts", carrier=carrier)
    apps_of_follow_on: dict[str, str] = {}
    if follow_ons:
        wanted = {f["application_id"] for f in follow_ons}
        apps_of_follow_on = {
            a["id"]: a["provider_id"]
            for a in reg.graph.read(
                "admission.list_applications", provider_id="", status="", carrier=carrier
            )
            if a["id"] in wanted
        }
    provider_ids = (
        {a["provider_id"] for a in awaiting}
        | {t["provider_id"] for t in stored}
        | {r["provider_id"] for r in reviews}
        | {c["provider_id"] for c in contracts}
        | set(apps_of_follow_on.values())
    )
    names = _names(reg, provider_ids)
    sites = _site_names(reg, [f["site_id"] for f in follow_ons] + [r["site_id"] for r in reviews])

    for a in awaiting:
        submitted = clock.parse(a["submitted_at"])
        how = " (an uns weitergeleitet)" if a["forwarded"] else ""
        items.append(
            _item(
                id=f"decision_pending:{a['id']}",
                kind="decision_pending",
                rule="A5",
                provider_id=a["provider_id"],
                application_id=a["id"],
                message=f"Antrag von »{names.get(a['provider_id'], '')}«{how} wartet auf "
                "Prüfung und Entscheidung des federführenden Trägers.",
                created_at=submitted,
                overdue=workflow.is_decision_overdue(submitted, now, periods),
                now=now,
            )
        )
    for f in follow_ons:
        created = clock.parse(f["created_at"])
        provider_id = apps_of_follow_on.get(f["application_id"], "")
        items.append(
            _item(
                id=f["id"],
                kind="follow_on",
                rule="A7",
                provider_id=provider_id,
                application_id=f["application_id"],
                site_id=f["site_id"],
                message=f"Folgezulassung für den Standort »{sites.get(f['site_id'], '')}« von "
                f"»{names.get(provider_id, '')}« auf Grundlage der Entscheidung des "
                "federführenden Trägers erteilen.",
                created_at=created,
                overdue=workflow.is_follow_on_overdue(created, now, periods),
                now=now,
            )
        )
    for t in stored:
        created = clock.parse(t["created_at"])
        overdue = (
            True if t["kind"] == "training_due" else workflow.age_days(created, now) > overdue_days
        )
        items.append(
            _item(
                id=t["id"],
                kind=t["kind"],
                rule=t["rule"],
                provider_id=t["provider_id"],
                application_id=t["application_id"],
                site_id=t["site_id"],
                message=f"»{names.get(t['provider_id'], '')}«: {t['message']}",
                created_at=created,
                overdue=overdue,
                now=now,
                due_on=t["due_on"],
            )
        )
    for r in reviews:
        due = date.fromisoformat(r["review_due"][:10])
        entered = min(_midnight(due - timedelta(days=REVIEW_WINDOW_DAYS)), now)
        items.append(
            _item(
                id=f"review_due:{r['site_id']}",
                kind="review_due",
                rule="A14",
                provider_id=r["provider_id"],
                site_id=r["site_id"],
                message=f"Die Zulassung des Standorts »{sites.get(r['site_id'], '')}« von "
                f"»{names.get(r['provider_id'], '')}« ist bis {due:%d.%m.%Y} zu überprüfen.",
                created_at=entered,
                overdue=due < today,
                now=now,
                due_on=due.isoformat(),
            )
        )
    for c in contracts:
        since = _midnight(_day(c["since"]) or today)
        items.append(
            _item(
                id=f"contract_pending:{c['provider_id']}",
                kind="contract_pending",
                rule="A13",
                provider_id=c["provider_id"],
                application_id=c["application_id"],
                message=f"Vertrag ausstehend: Für »{names.get(c['provider_id'], '')}« ist noch kein "
                "Vertrag nach Mustervertrag erfasst (Zulassung bleibt im Verzeichnis).",
                created_at=since,
                overdue=workflow.age_days(since, now) > overdue_days,
                now=now,
            )
        )
    items += _stale_items(reg, provider_id="", carrier=carrier, now=now)
    return items


def list_tasks(reg: Registry, principal: Principal) -> list[dict[str, Any]]:
    """One inbox: the caller's carrier's open work, or the provider's own (stale data)."""
    now = clock.now()
    if principal.role is Role.PROVIDER and principal.provider:
        items = _stale_items(reg, provider_id=principal.provider, carrier="", now=now)
    elif principal.role is Role.ADMISSIONS_OFFICER and principal.carrier:
        reconcile_staff_tasks(reg, principal.carrier)
        items = _officer_items(reg, principal.carrier, now)
    else:
        raise Forbidden("Aufgaben haben Zulassungsstellen und Anbieter.")
    items.sort(key=lambda i: (not i["overdue"], i["created_at"], i["id"]))
    return items
