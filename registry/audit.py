"""The append-only audit trail (rule A10): who, which carrier, when, what, why.

Events of an application, agreement, provider or partner are also linked to that node
(``LOGGED``), so its history is read by walking from it rather than scanning every event.
"""

from __future__ import annotations

import json
from typing import Any

from registry.auth import Principal
from registry.clock import now
from registry.graph.ports import Tx
from registry.ids import sequential_id

_LINKS = {
    "application": "audit.link_application",
    "agreement": "audit.link_agreement",
    "provider": "audit.link_provider",
    "partner": "audit.link_partner",
}


def append_event(
    tx: Tx,
    *,
    id: str,  # noqa: A002 - the stored field's name
    at: str,
    actor: str,
    carrier: str,
    subject_type: str,
    subject_id: str,
    action: str,
    reason: str,
    data: str,
) -> None:
    """Append one event inside the caller's unit of work. Events are never changed."""
    tx.run(
        "audit.append",
        id=id,
        at=at,
        actor=actor,
        carrier=carrier,
        subject_type=subject_type,
        subject_id=subject_id,
        action=action,
        reason=reason,
        data=data,
    )
    link = _LINKS.get(subject_type)
    if link:
        tx.run(link, subject_id=subject_id, id=id)


def record_event(
    tx: Tx,
    *,
    actor: Principal | None,
    subject_type: str,
    subject_id: str,
    action: str,
    reason: str = "",
    data: dict[str, Any] | None = None,
    carrier: str | None = None,
) -> str:
    """Append one event for the acting user (``None``: the system)."""
    event_id = sequential_id("evt")
    append_event(
        tx,
        id=event_id,
        at=now().isoformat(),
        actor=actor.user_id if actor else "system",
        carrier=carrier if carrier is not None else (actor.carrier or "" if actor else ""),
        subject_type=subject_type,
        subject_id=subject_id,
        action=action,
        reason=reason,
        data=json.dumps(data or {}, ensure_ascii=False, sort_keys=True),
    )
    return event_id
