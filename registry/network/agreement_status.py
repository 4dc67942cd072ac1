"""Putting an agreement in force and changing its status (N3, N4): activate (with a reason
when contents are missing; never while an invitation is open), suspend, resume, terminate; only
its parties do so, and the region's carriers are told."""

from __future__ import annotations

from typing import Any

from registry import clock
from registry.audit import record_event
from registry.auth import Principal
from registry.context import Registry
from registry.dates import iso
from registry.errors import InvalidInput
from registry.graph.ports import Tx
from registry.network import lifecycle_rules, parties
from registry.network.agreement_common import (
    check_party,
    frame_problems,
    notify,
    save,
    visible_agreement,
)
from registry.network.agreement_reading import get_agreement
from registry.network.shared import carrier_name, target_group_codes


def activate_agreement(
    reg: Registry, principal: Principal, agreement_id: str, override_reason: str | None = None
) -> dict[str, Any]:
    """N3: a complete draft becomes active; an incomplete one only with a recorded reason.
    Without one the 422 lists every missing content (field, message, rule N3). N4: only a party
    activates, and not while a named carrier has yet to accept or decline (422)."""
    row, current = visible_agreement(reg, principal, agreement_id)
    carrier = check_party(reg, principal, agreement_id)
    problems = frame_problems(reg, current) + list(parties.open_invitations(current))
    if problems:
        raise InvalidInput(problems)
    active = lifecycle_rules.activate(
        current,
        today=clock.today(),
        override_reason=override_reason,
        known_target_groups=target_group_codes(reg),
    )
    message = (
        f"{carrier_name(reg, carrier)} hat die Vereinbarung „{active.title}“ in Kraft gesetzt."
    )
    if active.override_reason:
        message += f" Unvollständig aktiviert, Begründung: {active.override_reason}"

    def work(tx: Tx) -> None:
        save(reg, tx, active, old_rev=row["rev"], status_reason="")
        record_event(
            tx,
            actor=principal,
            subject_type="agreement",
            subject_id=agreement_id,
            action="agreement.activated",
            reason=active.override_reason or "",
            data={
                "version": active.version,
                "override": bool(active.override_reason),
                "next_review": iso(active.next_review),
            },
        )
        notify(tx, reg, active, message, carrier)

    reg.unit_of_work(work)
    return get_agreement(reg, principal, agreement_id)


_STATUS_ACTIONS = {
    "suspend": ("agreement.suspended", "ausgesetzt"),
    "resume": ("agreement.resumed", "wieder in Kraft gesetzt"),
    "terminate": ("agreement.terminated", "beendet"),
}


def change_agreement_status(
    reg: Registry, principal: Principal, agreement_id: str, action: str, reason: str
) -> dict[str, Any]:
    """N4: suspend, resume or terminate (each with a reason); the region's carriers are told.
    A terminated agreement stays readable with its versions (N5)."""
    if action not in _STATUS_ACTIONS:
        raise ValueError(action)
    row, current = visible_agreement(reg, principal, agreement_id)
    carrier = check_party(reg, principal, agreement_id)
    if action == "suspend":
        changed = lifecycle_rules.suspend(current, reason=reason)
    elif action == "resume":
        changed = lifecycle_rules.resume(current, reason=reason, today=clock.today())
    else:
        changed = lifecycle_rules.terminate(current, reason=reason)
    event, verb = _STATUS_ACTIONS[action]
    reason = reason.strip()
    message = (
        f"{carrier_name(reg, carrier)} hat die Vereinbarung „{changed.title}“ {verb}. "
        f"Begründung: {reason}"
    )

    def work(tx: Tx) -> None:
        save(
            reg,
            tx,
            changed,
            old_rev=row["rev"],
            status_reason="" if action == "resume" else reason,
        )
        record_event(
            tx,
            actor=principal,
            subject_type="agreement",
            subject_id=agreement_id,
            action=event,
            reason=reason,
            data={"version": changed.version, "status": changed.status.value},
        )
        notify(tx, reg, changed, message, carrier)

    reg.unit_of_work(work)
    return get_agreement(reg, principal, agreement_id)
