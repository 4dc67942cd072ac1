"""Drafting and revising an agreement (N2–N5): a strategist creates a draft, changes it in
place, or revises an agreement in force into a new version (the previous one kept)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from registry import clock
from registry.audit import record_event
from registry.auth import Principal
from registry.context import Registry
from registry.dates import day
from registry.errors import InvalidInput
from registry.graph.ports import Tx
from registry.ids import new_id
from registry.network import parties, version_rules
from registry.network.agreement_common import (
    agreement_values,
    check_may_manage,
    check_party,
    frame_problems,
    notify,
    notify_carriers,
    save,
    visible_agreement,
)
from registry.network.agreement_reading import get_agreement
from registry.network.model import Agreement, AgreementKind, Purpose, Scope
from registry.network.repository import NetworkRepository
from registry.network.shared import carrier_name, target_group_codes


def _agreement_from_body(agreement_id: str, body: Mapping[str, Any]) -> Agreement:
    scope = body["scope"]
    valid_from = day(body["valid_from"])
    assert valid_from is not None
    return Agreement(
        id=agreement_id,
        kind=AgreementKind(body["kind"]),
        purpose=Purpose(body.get("purpose") or "general"),
        title=str(body["title"]),
        carriers=tuple(body.get("carriers") or ()),
        partners=tuple(body.get("partners") or ()),
        scope=Scope.from_dict(scope),
        valid_from=valid_from,
        valid_until=day(body.get("valid_until")),
        contents=dict(body.get("contents") or {}),
    )


def create_agreement(
    reg: Registry, principal: Principal, body: Mapping[str, Any]
) -> dict[str, Any]:
    """N2, N4: a new agreement, always a draft; the carriers of its region are told. The
    creating carrier is a party; every other carrier named is invited (it accepts or declines,
    `agreement_invitations`)."""
    agreement_id = new_id("agr")
    try:
        agreement = _agreement_from_body(agreement_id, body)
    except ValueError as exc:
        raise InvalidInput.one("scope.level", "Unbekannte Ebene", "N2") from exc
    if principal.carrier:
        carriers, invited = parties.at_creation(principal.carrier, agreement.carriers)
        agreement = replace(agreement, carriers=carriers, invited=invited)
    problems = frame_problems(reg, agreement)
    if problems:
        raise InvalidInput(problems)
    carrier = check_may_manage(reg, principal, agreement.scope)
    params = agreement_values(agreement)
    now = clock.now_iso()
    message = (
        f"{carrier_name(reg, carrier)} hat die Vereinbarung „{agreement.title}“ als Entwurf "
        "angelegt."
    )
    if agreement.invited:
        message += (
            " Eingeladen: "
            + ", ".join(carrier_name(reg, c) for c in agreement.invited)
            + " (Zusage oder Absage auf der Seite der Vereinbarung)."
        )

    def work(tx: Tx) -> None:
        reg.repo(NetworkRepository, tx).create_agreement(
            params, created_by_carrier=carrier, rev=new_id("rev"), now=now
        )
        record_event(
            tx,
            actor=principal,
            subject_type="agreement",
            subject_id=agreement_id,
            action="agreement.created",
            data={"version": agreement.version, "status": agreement.status.value},
        )
        notify(tx, reg, agreement, message, carrier)

    reg.unit_of_work(work)
    return get_agreement(reg, principal, agreement_id)


def update_agreement(
    reg: Registry,
    principal: Principal,
    agreement_id: str,
    changes: Mapping[str, Any],
    override_reason: str | None = None,
) -> dict[str, Any]:
    """N2–N5: a draft changes in place; an active or suspended agreement gets a new version
    (the previous one is kept as an `AgreementVersion` snapshot) that must still meet N3 unless
    an override reason is given or was recorded. N4: only a party changes it; ``carriers`` may
    invite further carriers and let the caller's own carrier leave, never remove another; a new
    scope must be one the caller's carrier may make agreements for."""
    row, current = visible_agreement(reg, principal, agreement_id)
    carrier = check_party(reg, principal, agreement_id)
    effective = dict(changes)
    invited = current.invited
    if isinstance(changes.get("carriers"), list | tuple):
        named, invited = parties.change_carriers(current, changes["carriers"], carrier)
        effective["carriers"] = list(named)
    revision = version_rules.apply_changes(
        current,
        effective,
        today=clock.today(),
        override_reason=override_reason,
        known_target_groups=target_group_codes(reg),
    )
    updated = replace(revision.agreement, invited=invited)
    problems = frame_problems(reg, updated)
    if problems:
        raise InvalidInput(problems)
    scope_changed = updated.scope != current.scope
    if scope_changed:
        check_may_manage(reg, principal, updated.scope)
    if revision.new_version:
        message = (
            f"{carrier_name(reg, carrier)} hat die Vereinbarung „{updated.title}“ geändert "
            f"(neue Version {updated.version})."
        )
    else:
        message = ""  # design decision: editing a draft tells nobody (but the newly invited)
    newly_invited = sorted(set(updated.invited) - set(current.invited))
    invitation = (
        f"{carrier_name(reg, carrier)} lädt Ihren Träger zur Vereinbarung „{updated.title}“ "
        "ein (Zusage oder Absage auf der Seite der Vereinbarung)."
    )
    if message and newly_invited:
        message += " Neu eingeladen: " + ", ".join(carrier_name(reg, c) for c in newly_invited)

    def work(tx: Tx) -> None:
        save(reg, tx, updated, old_rev=row["rev"], status_reason=row["status_reason"], links=True)
        if revision.new_version and revision.snapshot is not None:
            reg.repo(NetworkRepository, tx).add_agreement_version(
                id=f"{agreement_id}|v{current.version}",
                agreement_id=agreement_id,
                version=current.version,
                snapshot=json.dumps(revision.snapshot, ensure_ascii=False, sort_keys=True),
                at=clock.now_iso(),
                author=principal.user_id or "",
            )
        record_event(
            tx,
            actor=principal,
            subject_type="agreement",
            subject_id=agreement_id,
            action="agreement.new_version" if revision.new_version else "agreement.edited",
            reason=(updated.override_reason or "") if override_reason else "",
            data={
                "version": updated.version,
                "fields": sorted(changes),
                "scope_changed": scope_changed,
            },
        )
        if message:
            notify(
                tx,
                reg,
                updated,
                message,
                carrier,
                extra_scopes=[current.scope] if scope_changed else [],
            )
        if newly_invited and not message:  # a draft: only the newly invited are told
            notify_carriers(tx, reg, updated, invitation, newly_invited)

    reg.unit_of_work(work)
    return get_agreement(reg, principal, agreement_id)
