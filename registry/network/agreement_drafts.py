"""Drafting and revising an agreement (N2–N5): a strategist creates a draft, changes it in
place, or revises an agreement in force into a new version (the previous one kept)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from typing import Any

from registry import clock
from registry.audit import record_event
from registry.auth import Principal
from registry.context import Registry
from registry.errors import InvalidInput
from registry.graph.ports import Tx
from registry.ids import new_id
from registry.network import agreements as rules
from registry.network.agreement_common import (
    agreement_values,
    check_may_manage,
    frame_problems,
    notify,
    save,
    visible_agreement,
)
from registry.network.agreement_reading import get_agreement
from registry.network.model import Agreement, AgreementKind, Purpose, Scope
from registry.network.repository import NetworkRepository
from registry.network.shared import carrier_name, pure_rules, target_group_codes


def _as_date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _agreement_from_body(agreement_id: str, body: Mapping[str, Any]) -> Agreement:
    scope = body["scope"]
    valid_from = _as_date(body["valid_from"])
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
        valid_until=_as_date(body.get("valid_until")),
        contents=dict(body.get("contents") or {}),
    )


def create_agreement(
    reg: Registry, principal: Principal, body: Mapping[str, Any]
) -> dict[str, Any]:
    """N2, N4: a new agreement, always a draft; the carriers of its region are told."""
    agreement_id = new_id("agr")
    try:
        agreement = _agreement_from_body(agreement_id, body)
    except ValueError as exc:
        raise InvalidInput.one("scope.level", "Unbekannte Ebene", "N2") from exc
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

    reg.graph.write(work)
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
    an override reason is given or was recorded."""
    row, current = visible_agreement(reg, principal, agreement_id)
    check_may_manage(reg, principal, current.scope)
    with pure_rules():
        revision = rules.apply_changes(
            current,
            changes,
            today=clock.today(),
            override_reason=override_reason,
            known_target_groups=target_group_codes(reg),
        )
    updated = revision.agreement
    problems = frame_problems(reg, updated)
    if problems:
        raise InvalidInput(problems)
    carrier = check_may_manage(reg, principal, current.scope, updated.scope)
    scope_changed = updated.scope != current.scope
    if revision.new_version:
        message = (
            f"{carrier_name(reg, carrier)} hat die Vereinbarung „{updated.title}“ geändert "
            f"(neue Version {updated.version})."
        )
    else:
        message = ""  # design decision: editing a draft tells nobody

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

    reg.graph.write(work)
    return get_agreement(reg, principal, agreement_id)
