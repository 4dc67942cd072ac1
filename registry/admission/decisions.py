"""The lead carrier's officer decides an application per target group (A5), admitting the sites
in its own region at once (A6) and leaving a follow-on task for every other responsible carrier
(A7), whose officer lists its tasks and admits the site on the lead's decision. Two officers
deciding at once: one wins (A11)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

from registry import clock
from registry.admission import change_rules, deadlines, decision_rules, status_rules
from registry.admission.applications import get_application
from registry.admission.common import (
    actor_of,
    admission_of,
    admission_rows,
    application_facts,
    application_row,
    finding_from_dict,
    periods_of,
    reached_carriers,
    visible_application,
    write_events,
    write_notices,
)
from registry.admission.model import AdmissionStatus, FollowOnTask, GroupDecision, Override
from registry.admission.repository import AdmissionRepository
from registry.auth import Principal, Role
from registry.context import Registry
from registry.directory.projection import enqueue, try_drain
from registry.errors import Conflict, Forbidden, NotFound
from registry.graph.ports import Tx
from registry.ids import new_id


def decide_application(
    reg: Registry,
    principal: Principal,
    application_id: str,
    body: Mapping[str, Any],
    *,
    dry_run: bool = False,
) -> dict[str, Any]:
    """A5–A8, A11: the lead's decision per target group, with optimistic concurrency.

    ``dry_run``: check everything (permission, version, every rule) and raise as a real
    decision would, but save nothing and return the application unchanged (the portal's
    confirmation step shows only a decision that would be accepted)."""
    app = visible_application(reg, principal, application_id)
    if principal.role is not Role.ADMISSIONS_OFFICER or principal.carrier != app["lead_carrier"]:
        raise Forbidden(
            "Nur die Zulassungsstelle des federführenden Trägers entscheidet.", rule="A5"
        )
    facts = application_facts(reg, app)
    data = json.loads(app["data"])
    findings = [finding_from_dict(f) for f in data.get("findings", [])]
    overrides = [
        Override(rule=o["rule"], reason=o["reason"], target_group=o.get("target_group"))
        for o in body.get("overrides", [])
    ]
    decisions = {
        code: GroupDecision(admit=bool(d["admit"]), reason=d["reason"])
        for code, d in body["target_groups"].items()
    }
    now = clock.now()
    status_rules.ensure_version(int(body["version"]), int(app["version"]))
    outcome = decision_rules.decide(
        facts,
        decisions,
        findings,
        overrides,
        app["lead_carrier"],
        actor_of(principal),
        now,
        reached_carriers=reached_carriers(reg, facts.sites),
        periods=periods_of(reg),
    )
    if dry_run:
        return get_application(reg, principal, application_id)
    data["decision"] = {
        "lead_carrier": app["lead_carrier"],
        "decided_by": principal.user_id,
        "decided_at": now.isoformat(),
        "target_groups": {c: {"admit": g.admit, "reason": g.reason} for c, g in decisions.items()},
        "overrides": [asdict(o) for o in overrides],
    }
    reasons = {
        (a.site_id, a.target_group): decisions[a.target_group].reason for a in outcome.admissions
    }

    def work(tx: Tx) -> None:
        admissions = reg.repo(AdmissionRepository, tx)
        if not admissions.update_application(
            application_id,
            version=int(body["version"]),
            status=outcome.application_status.value,
            decided_at=now.isoformat(),
            data=json.dumps(data, ensure_ascii=False, sort_keys=True),
        ):
            raise Conflict(
                "Der Antrag wurde inzwischen von jemand anderem geändert; bitte neu laden."
            )
        admissions.upsert_admissions(
            admission_rows(
                outcome.admissions,
                provider_id=app["provider_id"],
                application_of={s.id: application_id for s in facts.sites},
                reasons=reasons,
            )
        )
        for task in outcome.follow_on_tasks:
            admissions.create_follow_on(
                new_id("fot"),
                application_id=application_id,
                site_id=task.site_id,
                carrier=task.carrier,
                now=now.isoformat(),
            )
        write_events(tx, outcome.events, application_id)
        write_notices(tx, outcome.notices)
        enqueue(tx, "site", [s.id for s in facts.sites])

    reg.unit_of_work(work)
    try_drain(reg)
    return get_application(reg, principal, application_id)


def list_follow_ons(
    reg: Registry, principal: Principal, status: str | None
) -> list[dict[str, Any]]:
    """A7: the follow-on tasks of the officer's carrier, with their age."""
    if principal.role is not Role.ADMISSIONS_OFFICER or not principal.carrier:
        raise Forbidden()
    now = clock.now()
    periods = periods_of(reg)
    out = []
    tasks = reg.repo(AdmissionRepository).follow_ons(carrier=principal.carrier, status=status or "")
    for t in tasks:
        created = clock.parse(t["created_at"])
        out.append(
            {
                "id": t["id"],
                "application_id": t["application_id"],
                "site_id": t["site_id"],
                "carrier": t["carrier"],
                "status": t["status"],
                "created_at": t["created_at"],
                "age_days": deadlines.age_days(created, now),
                "overdue": t["status"] == "open"
                and deadlines.is_follow_on_overdue(created, now, periods),
            }
        )
    return out


def admit_follow_on(reg: Registry, principal: Principal, task_id: str) -> dict[str, Any]:
    """A7: the site's responsible carrier admits it on the lead's decision (the groups the
    lead admitted, unchanged)."""
    admissions = reg.repo(AdmissionRepository)
    task_row = admissions.get_follow_on(task_id)
    if task_row is None or principal.carrier != task_row["carrier"]:
        raise NotFound("Folgezulassung nicht gefunden")
    if task_row["status"] != "open":
        raise Conflict("Diese Folgezulassung ist bereits erledigt.")
    app = application_row(reg, task_row["application_id"])
    facts = application_facts(reg, app)
    site_adm_rows = admissions.admissions_of_sites([task_row["site_id"]])
    current = [admission_of(r) for r in site_adm_rows]
    groups = tuple(
        a.target_group for a in current if a.status is AdmissionStatus.AWAITING_FOLLOW_ON
    )
    task = FollowOnTask(
        app["id"],
        task_row["site_id"],
        task_row["carrier"],
        groups,
        clock.parse(task_row["created_at"]),
        task_id,
    )
    now = clock.now()
    outcome = change_rules.admit_follow_on(
        task,
        facts,
        current,
        actor_of(principal),
        now,
        reached_carriers=reached_carriers(reg, [s for s in facts.sites if s.id == task.site_id]),
        periods=periods_of(reg),
    )
    previous = {(r["site_id"], r["target_group"]): r for r in site_adm_rows}

    def work(tx: Tx) -> None:
        in_tx = reg.repo(AdmissionRepository, tx)
        if not in_tx.close_follow_on(task_id, status="done", now=now.isoformat()):
            raise Conflict("Diese Folgezulassung ist bereits erledigt.")
        in_tx.upsert_admissions(
            admission_rows(
                outcome.changed,
                provider_id=app["provider_id"],
                application_of={s.id: app["id"] for s in facts.sites},
                previous=previous,
            )
        )
        write_events(tx, outcome.events, app["id"])
        write_notices(tx, outcome.notices)
        enqueue(tx, "site", [task.site_id])

    reg.unit_of_work(work)
    try_drain(reg)
    return {"id": task_id, "status": "done", "application_id": app["id"], "site_id": task.site_id}
