"""Reading agreements (N4, N5): the list a strategist's carrier is concerned by, one agreement
with its parties, versions, history and missing contents, and those due for review."""

from __future__ import annotations

import json
from typing import Any

from registry import clock
from registry.audit import AuditRepository
from registry.auth import Principal, Role
from registry.context import Registry
from registry.dates import iso
from registry.errors import Forbidden
from registry.network import content_rules, parties, version_rules
from registry.network.agreement_common import (
    agreement_of,
    may_read_agreement,
    standing,
    visible_agreement,
)
from registry.network.agreement_expiry import expire_agreements
from registry.network.model import Agreement, AgreementStatus
from registry.network.repository import AgreementRow, NetworkRepository
from registry.network.shared import carrier_name, require_carrier, target_group_codes


def _agreement_summary(reg: Registry, row: AgreementRow, a: Agreement) -> dict[str, Any]:
    today = clock.today()
    review = content_rules.effective_next_review(a)
    return {
        "id": a.id,
        "kind": a.kind.value,
        "purpose": a.purpose.value,
        "title": a.title,
        "status": a.status.value,
        "version": a.version,
        "carriers": list(a.carriers),
        "invited": list(a.invited),
        "partners": list(a.partners),
        "scope": a.scope.as_dict(),
        "valid_from": iso(a.valid_from),
        "valid_until": iso(a.valid_until) or None,
        "next_review": iso(review) or None,
        "review_overdue": review is not None
        and review < today
        and a.status in (AgreementStatus.ACTIVE, AgreementStatus.SUSPENDED),
        "override_reason": a.override_reason,
        "status_reason": row["status_reason"] or None,
        "activated_on": iso(a.activated_on) or None,
        "created_at": row["created_at"],
        "created_by_carrier": row["created_by_carrier"],
        "changed_at": row["changed_at"] or None,
    }


def list_agreements(
    reg: Registry, principal: Principal, status: str | None = None
) -> list[dict[str, Any]]:
    """The agreements the caller's carrier is concerned by (N4), newest first."""
    if principal.role is not Role.NETWORK_STRATEGIST:
        raise Forbidden()
    expire_agreements(reg)
    out = []
    for row in reg.repo(NetworkRepository).list_agreements(status=status or ""):
        a = agreement_of(row)
        if may_read_agreement(reg, principal, a):
            out.append(_agreement_summary(reg, row, a))
    return out


def get_agreement(reg: Registry, principal: Principal, agreement_id: str) -> dict[str, Any]:
    """One agreement with its parties, its versions (N5), its history and what N3 still
    misses."""
    expire_agreements(reg)
    row, a = visible_agreement(reg, principal, agreement_id)
    out = _agreement_summary(reg, row, a)
    out["contents"] = json.loads(row["contents"] or "{}")
    out["missing_contents"] = [
        {"field": m.field, "message": m.message, "rule": m.rule}
        for m in content_rules.missing_contents(
            a.purpose, a.contents, known_target_groups=target_group_codes(reg)
        )
    ]
    repo = reg.repo(NetworkRepository)
    partners = {r["id"]: r for r in repo.partners_by_ids(list(a.partners))}
    since = {(r["carrier"], r["status"]): r["since"] for r in repo.agreement_parties(a.id)}
    # rule N4: every named carrier, a party or invited (API.md: "parties")
    out["parties"] = [
        {
            "carrier": c,
            "name": carrier_name(reg, c),
            "status": "invited" if c in a.invited else "party",
            "since": since.get((c, "invited" if c in a.invited else "party")) or None,
        }
        for c in a.carriers
    ]
    out["partner_details"] = [
        {
            "id": p,
            "name": partners[p]["name"] if p in partners else "",
            "type": partners[p]["type"] if p in partners else "",
        }
        for p in a.partners
    ]
    mine = standing(reg, principal, agreement_id)
    out["my_standing"] = mine.value or None
    out["may_manage"] = parties.may_act(mine)  # rule N4: parties act, the informed read
    out["may_answer_invitation"] = mine is parties.Standing.INVITED
    versions = []
    for v in repo.agreement_versions(agreement_id):
        snap = json.loads(v["snapshot"])
        versions.append(
            {
                "version": v["version"],
                "current": False,
                "effective_from": snap.get("activated_on"),
                "superseded_at": v["at"],
                "superseded_by": v["actor"],
                "snapshot": snap,
            }
        )
    versions.append(
        {
            "version": a.version,
            "current": True,
            "effective_from": iso(a.activated_on) or None,
            "superseded_at": None,
            "superseded_by": None,
            "snapshot": version_rules.snapshot(a),
        }
    )
    out["versions"] = versions
    out["history"] = [
        {
            "at": e["at"],
            "actor": e["actor"],
            "carrier": e["carrier"] or None,
            "action": e["action"],
            "reason": e["reason"] or None,
            "data": json.loads(e["data"] or "{}"),
        }
        for e in reg.repo(AuditRepository).history("agreement", agreement_id)
    ]
    return out


def agreements_due_for_review(
    reg: Registry, principal: Principal, within_days: int = 90
) -> list[dict[str, Any]]:
    """N5: the caller's carrier's active or suspended agreements whose next review lies within
    the window or is past, or whose validity ends within it, earliest first, each with
    ``"due": "review"|"ends"``."""
    carrier = require_carrier(principal)
    if principal.role is not Role.NETWORK_STRATEGIST:
        raise Forbidden()
    expire_agreements(reg)
    rows = {
        r["id"]: r
        for r in reg.repo(NetworkRepository).agreements_of_carrier(
            carrier=carrier, statuses=["active", "suspended"]
        )
    }
    due = content_rules.due_for_review(
        (agreement_of(r) for r in rows.values()), carrier, clock.today(), within_days
    )
    out = []
    for item in due:
        summary = _agreement_summary(reg, rows[item.agreement.id], item.agreement)
        summary["next_review"] = iso(item.next_review) or None
        summary["overdue"] = item.overdue
        summary["due"] = item.due
        summary["due_on"] = iso(item.on) or None
        out.append(summary)
    return out
