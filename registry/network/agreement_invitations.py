"""Answering an invitation to an agreement (N4): a strategist of an invited carrier accepts
(its carrier becomes a party) or declines (its carrier is no longer named). Only the invited
carrier answers its invitation; the parties and the carriers of the region are told."""

from __future__ import annotations

from typing import Any

from registry.audit import record_event
from registry.auth import Principal
from registry.context import Registry
from registry.errors import Forbidden, NotFound
from registry.graph.ports import Tx
from registry.network import parties
from registry.network.agreement_common import notify, save, standing, visible_agreement
from registry.network.agreement_reading import get_agreement
from registry.network.model import Agreement
from registry.network.shared import carrier_name, require_carrier


def _invited_carrier(reg: Registry, principal: Principal, agreement_id: str) -> str:
    carrier = require_carrier(principal)
    if standing(reg, principal, agreement_id) is not parties.Standing.INVITED:
        raise Forbidden("Ihr Träger ist zu dieser Vereinbarung nicht eingeladen.", rule="N4")
    return carrier


def answer_invitation(
    reg: Registry, principal: Principal, agreement_id: str, *, accept: bool
) -> dict[str, Any]:
    """N4: accept (the carrier becomes a party, PARTY_TO from now) or decline (the invitation
    is removed). 404 if the caller may not read the agreement, 403 if its carrier holds no open
    invitation, 409 if the agreement changed meanwhile."""
    row, current = visible_agreement(reg, principal, agreement_id)
    carrier = _invited_carrier(reg, principal, agreement_id)
    try:
        changed: Agreement = (parties.accept if accept else parties.decline)(current, carrier)
    except parties.NotInvited as exc:  # the stored lists disagree with the relationships
        raise Forbidden(
            "Ihr Träger ist zu dieser Vereinbarung nicht eingeladen.", rule="N4"
        ) from exc
    name = carrier_name(reg, carrier)
    if accept:
        message = f"{name} ist der Vereinbarung „{changed.title}“ als Vertragspartei beigetreten."
    else:
        message = f"{name} hat die Einladung zur Vereinbarung „{changed.title}“ abgelehnt."

    def work(tx: Tx) -> None:
        save(reg, tx, changed, old_rev=row["rev"], status_reason=row["status_reason"], links=True)
        record_event(
            tx,
            actor=principal,
            subject_type="agreement",
            subject_id=agreement_id,
            action="agreement.invitation_accepted" if accept else "agreement.invitation_declined",
            data={"carrier": carrier, "version": changed.version},
        )
        notify(tx, reg, changed, message, carrier)

    reg.unit_of_work(work)
    if not accept and not _still_readable(reg, principal, agreement_id):
        return {"id": agreement_id, "declined": True}
    return get_agreement(reg, principal, agreement_id)


def _still_readable(reg: Registry, principal: Principal, agreement_id: str) -> bool:
    try:
        visible_agreement(reg, principal, agreement_id)
    except NotFound:  # no longer named, and the scope does not touch its region
        return False
    return True


def accept_invitation(reg: Registry, principal: Principal, agreement_id: str) -> dict[str, Any]:
    return answer_invitation(reg, principal, agreement_id, accept=True)


def decline_invitation(reg: Registry, principal: Principal, agreement_id: str) -> dict[str, Any]:
    return answer_invitation(reg, principal, agreement_id, accept=False)
