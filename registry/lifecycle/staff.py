"""A15: the provider reports changes of its case managers (joined, left, new qualification).

Readable by the provider and by officers of the carriers involved with it (receiving, lead,
responsible for a site, issuing an admission); any other officer or provider gets 404, every
other role 403 (the route's guard). Only the provider changes its staff. A removed case manager
is deleted (docs/rules.md §10: nothing is kept that admission no longer needs); the audit trail names
only the id. Every change re-checks the staff in the same unit of work
(:mod:`registry.lifecycle.staff_findings`): new blocking findings are tasks for every carrier that
issued an affected admission; a site language that no case manager speaks any more is an advisory
notice to the site's issuing carriers.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any

from registry import clock
from registry.admission.common import write_notices
from registry.admission.provider_repository import CaseManagerRow, ProviderRepository
from registry.audit import record_event
from registry.auth import Principal, Role
from registry.context import Registry
from registry.errors import Conflict, InvalidInput, NotFound, Problem
from registry.graph.ports import Tx
from registry.ids import new_id
from registry.lifecycle.common import (
    case_manager_rows,
    involved_carriers,
    own_provider,
    provider_row,
)
from registry.lifecycle.repository import LifecycleRepository
from registry.lifecycle.staff_findings import (
    StaffPlan,
    language_notices,
    plan_staff_tasks,
    stored_staff,
    write_staff_plan,
)

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
    "introduction_confirmed",
    "target_groups",
    "competence_evidence",
)


def may_read_staff(reg: Registry, principal: Principal, provider_id: str) -> bool:
    """docs/rules.md §9/§10: the provider itself and officers of the carriers involved with it."""
    if principal.role is Role.PROVIDER:
        return principal.provider == provider_id
    if principal.role is Role.ADMISSIONS_OFFICER and principal.carrier:
        return principal.carrier in involved_carriers(reg, provider_id)
    return False


def _cm_view(row: CaseManagerRow) -> dict[str, Any]:
    data = json.loads(row["data"] or "{}")
    out: dict[str, Any] = {"id": row["id"]}
    out.update({k: data.get(k) for k in CASE_MANAGER_FIELDS})
    out["name"] = row["name"]
    out["changed_at"] = row["changed_at"]
    return out


def list_case_managers(
    reg: Registry, principal: Principal, provider_id: str
) -> list[dict[str, Any]]:
    provider_row(reg, provider_id)
    if not may_read_staff(reg, principal, provider_id):
        raise NotFound("Anbieter nicht gefunden")
    return [_cm_view(r) for r in case_manager_rows(reg, provider_id)]


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
    notices = language_notices(reg, provider_id, stored_staff(reg, provider_id), staff_after)

    def work(tx: Tx) -> None:
        change(tx)
        write_staff_plan(tx, plan)
        write_notices(tx, notices)
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

    reg.unit_of_work(work)
    return plan


def add_case_manager(
    reg: Registry, principal: Principal, provider_id: str, body: Mapping[str, Any]
) -> dict[str, Any]:
    """A15: the provider reports a case manager who joined."""
    own_provider(reg, principal, provider_id)
    data = _cm_data(body)
    _check_case_manager(reg, data)
    current = case_manager_rows(reg, provider_id)
    if any(r["name"] == data["name"] for r in current):
        raise Conflict("Eine Fallmanager*in mit diesem Namen ist bereits erfasst.")
    cm_id = new_id("cm")
    now = clock.now_iso()
    payload = json.dumps(data, ensure_ascii=False, sort_keys=True)
    staff_after = [json.loads(r["data"] or "{}") for r in current] + [data]

    def change(tx: Tx) -> None:
        reg.repo(ProviderRepository, tx).create_case_manager(
            cm_id,
            provider_id=provider_id,
            name=data["name"],
            data=payload,
            now=now,
        )

    _change_staff(reg, principal, provider_id, staff_after, "case_manager.added", cm_id, change)
    return _cm_view({"id": cm_id, "name": data["name"], "data": payload, "changed_at": now})


def _find_cm(current: Sequence[CaseManagerRow], cm_id: str) -> CaseManagerRow:
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
    own_provider(reg, principal, provider_id)
    current = case_manager_rows(reg, provider_id)
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
        if not reg.repo(ProviderRepository, tx).update_case_manager(
            cm_id,
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
    own_provider(reg, principal, provider_id)
    current = case_manager_rows(reg, provider_id)
    _find_cm(current, cm_id)
    staff_after = [json.loads(r["data"] or "{}") for r in current if r["id"] != cm_id]

    def change(tx: Tx) -> None:
        reg.repo(LifecycleRepository, tx).delete_case_manager(provider_id, cm_id)

    _change_staff(reg, principal, provider_id, staff_after, "case_manager.removed", cm_id, change)
