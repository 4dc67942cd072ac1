"""The append-only audit trail (rule A10): who, which carrier, when, what, why.

Events of an application, agreement, provider or partner are also linked to that node
(``LOGGED``), so its history is read by walking from it rather than scanning every event.
"""

from __future__ import annotations

import json
from typing import Any, TypedDict, cast

from registry.auth import Principal
from registry.clock import now
from registry.graph.ports import Tx
from registry.graph.repository import Repository
from registry.ids import sequential_id


class EventRow(TypedDict):
    id: str
    at: str
    actor: str
    carrier: str
    action: str
    reason: str
    data: str


_LINKS = {
    "application": "audit.link_application",
    "agreement": "audit.link_agreement",
    "provider": "audit.link_provider",
    "partner": "audit.link_partner",
}
_HISTORIES = {"application": "audit.for_application", "agreement": "audit.for_agreement"}


class AuditRepository(Repository):
    """The audit trail's queries (``audit.cypher``): append, link, read a history."""

    def append(self, event: dict[str, str]) -> None:
        """Append one event (keys of :class:`EventRow` plus subject_type and subject_id) and
        link it from its subject where the subject keeps a history (``LOGGED``)."""
        self._rows("audit.append", **event)
        link = _LINKS.get(event["subject_type"])
        if link:
            self._rows(link, subject_id=event["subject_id"], id=event["id"])

    def history(self, subject_type: str, subject_id: str) -> list[EventRow]:
        """The events of an application or agreement, oldest first."""
        return cast(list[EventRow], self._rows(_HISTORIES[subject_type], subject_id=subject_id))


class InMemoryAuditRepository(AuditRepository):
    def __init__(self) -> None:
        self.events: list[dict[str, str]] = []

    def append(self, event: dict[str, str]) -> None:
        self.events.append(dict(event))

    def history(self, subject_type: str, subject_id: str) -> list[EventRow]:
        found = [
            e
            for e in self.events
            if e["subject_type"] == subject_type and e["subject_id"] == subject_id
        ]
        keys = EventRow.__annotations__
        return [
            cast(EventRow, {k: e[k] for k in keys})
            for e in sorted(found, key=lambda e: (e["at"], e["id"]))
        ]


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
    AuditRepository.on(tx).append(
        {
            "id": id,
            "at": at,
            "actor": actor,
            "carrier": carrier,
            "subject_type": subject_type,
            "subject_id": subject_id,
            "action": action,
            "reason": reason,
            "data": data,
        }
    )


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
