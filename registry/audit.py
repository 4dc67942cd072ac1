"""The append-only audit trail (rule A10): who, which carrier, when, what, why."""

from __future__ import annotations

import json
from typing import Any

from registry.auth import Principal
from registry.clock import now_iso
from registry.graph.ports import Tx
from registry.ids import sequential_id


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
    """Append one event inside the caller's unit of work. Events are never changed."""
    event_id = sequential_id("evt")
    tx.run(
        "audit.append",
        id=event_id,
        at=now_iso(),
        actor=actor.user_id if actor else "system",
        carrier=carrier if carrier is not None else (actor.carrier or "" if actor else ""),
        subject_type=subject_type,
        subject_id=subject_id,
        action=action,
        reason=reason,
        data=json.dumps(data or {}, ensure_ascii=False, sort_keys=True),
    )
    return event_id
