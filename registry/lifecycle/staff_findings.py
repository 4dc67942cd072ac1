"""A15: the re-check of a provider's staff and the tasks it opens and closes.

Every staff change re-runs Q2–Q4 and Q8 (``criteria.recheck_staff``) for every decided
application of the provider with admissions in force (admitted, suspended or awaiting follow-on),
over the target groups in force, with the lead carrier's severities (Q0). A blocking finding is
*new* unless one with the same identity (rule, check, case manager, target group) was recorded on
any of the provider's applications at submission, i.e. the lead already knew it. Each new finding
is one stored ``Task`` for **every carrier that issued an affected admission** (the lead and each
follow-on carrier of the application, A15), each deciding on its own admissions; its id is
derived from (application, finding identity, carrier), so the same finding never makes two tasks
for one carrier; a task whose finding has disappeared is
closed; a finding that comes back reopens it. An officer may dismiss a task (with a reason); it
stays dismissed while its finding persists. Nothing is ever suspended automatically.

**Training due (Q3).** The Q3 exception (training started within 12 months of joining) turns into
a blocking finding once its completion date passes. Time alone changes it, so the same
reconciliation also runs for the caller's carrier whenever an officer's inbox is computed; the
finding becomes a task of kind ``training_due`` (rule Q3, ``due_on`` the completion date).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from registry import clock
from registry.admission import criteria
from registry.admission.common import (
    case_manager_facts,
    finding_from_dict,
    national_severities,
    periods_of,
)
from registry.admission.model import Finding, NoticeKind, NoticeSpec
from registry.admission.provider_repository import ProviderRepository
from registry.context import Registry
from registry.graph.ports import Tx
from registry.lifecycle import rules
from registry.lifecycle.common import (
    IN_FORCE,
    STAFF_SCOPE,
    case_manager_rows,
    provider_admissions,
)
from registry.lifecycle.repository import LifecycleRepository, NewTask

STAFF_TASK_KINDS = ("staff_finding", "training_due")
TRAINING_MARKER = '"training_started_on": "'
"""How a set training start appears in the stored case-manager JSON (``json.dumps`` default
separators, as written on submission and by the staff changes)."""


@dataclass
class StaffPlan:
    """The reconciliation of stored staff tasks with the current findings (A15)."""

    open_rows: list[NewTask] = field(default_factory=list)
    close_ids: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.open_rows and not self.close_ids


def staff_task_id(application_id: str, finding: Finding, carrier: str = "") -> str:
    """One task per application, finding identity and carrier, whatever the number of
    re-checks. The lead's task keeps the id it had before follow-on carriers were told
    (``carrier`` empty), so a task dismissed then stays dismissed."""
    key = "|".join((application_id, *(part or "" for part in finding.identity)))
    if carrier:
        key += "|" + carrier
    return "tsk-" + hashlib.sha256(key.encode()).hexdigest()[:20]


def plan_staff_tasks(
    reg: Registry,
    provider_id: str,
    staff: Sequence[Mapping[str, Any]],
    *,
    carrier: str = "",
) -> StaffPlan:
    """A15: re-run Q2–Q4 and Q8 for the provider's applications in force (with ``carrier``:
    those it leads or issued an admission of) with ``staff`` (stored case-manager data) and compare with the
    stored tasks: which to open (new, or back again) and which to close (gone)."""
    now = clock.now()
    today = now.date()
    periods = periods_of(reg)
    repo = reg.repo(LifecycleRepository)
    apps = repo.applications_of_provider(provider_id)
    datas = {a["id"]: json.loads(a["data"] or "{}") for a in apps}
    previous = [finding_from_dict(f) for d in datas.values() for f in d.get("findings") or []]
    groups_of: dict[str, set[str]] = {}
    issuers_of: dict[str, set[str]] = {}
    for m in provider_admissions(reg, provider_id):
        if m["status"] in STAFF_SCOPE:
            groups_of.setdefault(m["application_id"], set()).add(m["target_group"])
            issuers_of.setdefault(m["application_id"], set()).add(m["issued_by"])
    facts = [case_manager_facts(d) for d in staff]
    severities = national_severities(reg)  # Q0: the same for every lead carrier
    considered: set[str] = set()
    desired: dict[str, NewTask] = {}
    for app in apps:
        lead = app["lead_carrier"]
        if carrier and carrier != lead and carrier not in issuers_of.get(app["id"], ()):
            continue
        considered.add(app["id"])
        groups = sorted(groups_of.get(app["id"], ()))
        if app["status"] != "decided" or not groups:
            continue
        new = criteria.recheck_staff(facts, groups, previous, today, severities, periods)
        carriers = rules.issuing_carriers(lead, issuers_of.get(app["id"], ()))
        specs = rules.staff_change_tasks(new, carriers, provider_id, app["id"], now)
        pairs = [(f, c) for f in new for c in carriers]
        for (finding, carrier), spec in zip(pairs, specs, strict=True):
            training = finding.code == "cm-training-overdue"
            tid = staff_task_id(app["id"], finding, "" if carrier == lead else carrier)
            desired[tid] = {
                "id": tid,
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
        for t in repo.staff_tasks(provider_id, list(STAFF_TASK_KINDS))
        if t["application_id"] in considered
    }
    live = {"open", "dismissed"}
    plan = StaffPlan()
    plan.open_rows = [row for tid, row in desired.items() if existing.get(tid) not in live]
    plan.close_ids = sorted(t for t, s in existing.items() if s in live and t not in desired)
    return plan


def write_staff_plan(tx: Tx, plan: StaffPlan) -> None:
    """Within a unit of work: open the plan's tasks and close the gone ones."""
    repo = LifecycleRepository.on(tx)
    repo.open_tasks(plan.open_rows)
    repo.set_task_status(plan.close_ids, "done")


def language_notices(
    reg: Registry,
    provider_id: str,
    staff_before: Sequence[Mapping[str, Any]],
    staff_after: Sequence[Mapping[str, Any]],
) -> list[NoticeSpec]:
    """A15: a staff change that leaves a language a site lists spoken by none of the provider's
    case managers is an advisory finding (never a refusal, never a task): a notice to every
    carrier that issued one of that site's admissions in force."""
    issuers: dict[str, dict[str, str]] = {}
    for m in provider_admissions(reg, provider_id):
        if m["status"] in IN_FORCE and m["issued_by"]:
            issuers.setdefault(m["site_id"], {})[m["issued_by"]] = m["application_id"]
    if not issuers:
        return []
    before = [d.get("languages") or [] for d in staff_before]
    after = [d.get("languages") or [] for d in staff_after]
    notices: list[NoticeSpec] = []
    for site in reg.repo(ProviderRepository).sites_of_provider(provider_id):
        if site["id"] not in issuers:
            continue
        known = set(rules.unspoken_languages(site["languages"] or [], before))
        new = [
            x for x in rules.unspoken_languages(site["languages"] or [], after) if x not in known
        ]
        finding = rules.language_finding(site["id"], site["name"], new)
        if finding is None:
            continue
        for carrier, application_id in sorted(issuers[site["id"]].items()):
            notices.append(
                NoticeSpec(
                    carrier=carrier,
                    kind=NoticeKind.ADMISSION,
                    message=f"Nach einer Personaländerung: {finding.message}",
                    subject_type="application",
                    subject_id=application_id,
                    title=f"Sprachen des Standorts: {site['name']}",
                )
            )
    return notices


def stored_staff(reg: Registry, provider_id: str) -> list[dict[str, Any]]:
    """The provider's case managers in their stored form (as on submission)."""
    return [json.loads(r["data"] or "{}") for r in case_manager_rows(reg, provider_id)]


def reconcile_staff_tasks(reg: Registry, carrier: str) -> int:
    """A15/Q3: bring the stored staff tasks of the applications ``carrier`` leads or issued an
    admission of up to date
    (time alone turns a Q3 training in progress into an overdue one). Only providers with a
    case manager whose training has a start date can change with time, so only they are
    re-checked. Returns the number of tasks opened or closed."""
    changed = 0
    repo = reg.repo(LifecycleRepository)
    for provider_id in repo.providers_with_trainees(carrier, TRAINING_MARKER):
        plan = plan_staff_tasks(reg, provider_id, stored_staff(reg, provider_id), carrier=carrier)
        if plan.empty:
            continue
        reg.unit_of_work(partial(write_staff_plan, plan=plan))
        changed += len(plan.open_rows) + len(plan.close_ids)
    return changed
