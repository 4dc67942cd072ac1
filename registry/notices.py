"""Notices between carriers (rules A8, A9, N4): one mechanism for admissions and agreements.

A notice belongs to a carrier; its admissions officers acknowledge admission notices, its
strategists agreement notices. Unacknowledged notices show their age.
"""

from __future__ import annotations

from typing import Any

from registry import clock
from registry.audit import record_event
from registry.auth import Principal, Role
from registry.context import Registry
from registry.errors import Conflict, Forbidden, NotFound
from registry.graph.ports import Tx

KINDS_BY_ROLE = {
    Role.ADMISSIONS_OFFICER: ["admission"],
    Role.NETWORK_STRATEGIST: ["agreement"],
}


def _kinds(principal: Principal) -> list[str]:
    kinds = KINDS_BY_ROLE.get(principal.role)
    if not kinds or not principal.carrier:
        raise Forbidden("Hinweise lesen Zulassungsstellen und Netzwerkstrategen eines Trägers.")
    return kinds


def list_notices(
    reg: Registry, principal: Principal, acknowledged: bool | None = None
) -> list[dict[str, Any]]:
    flag = "" if acknowledged is None else ("true" if acknowledged else "false")
    now = clock.now()
    out = []
    for n in reg.graph.read(
        "notices.list", carrier=principal.carrier, kinds=_kinds(principal), acknowledged=flag
    ):
        created = clock.parse(n["created_at"])
        out.append(
            {
                "id": n["id"],
                "kind": n["kind"],
                "subject": {"type": n["subject_type"], "id": n["subject_id"], "title": n["title"]},
                "message": n["message"],
                "created_at": n["created_at"],
                "acknowledged_at": n["acknowledged_at"] or None,
                "age_days": max((now - created).days, 0),
                "overdue": not n["acknowledged_at"]
                and (now - created).days > reg.settings.notice_overdue_days,
            }
        )
    return out


def acknowledge(reg: Registry, principal: Principal, notice_id: str) -> dict[str, Any]:
    rows = reg.graph.read("notices.get", id=notice_id)
    if not rows or rows[0]["carrier"] != principal.carrier:
        raise NotFound("Hinweis nicht gefunden")
    if rows[0]["kind"] not in _kinds(principal):
        raise NotFound("Hinweis nicht gefunden")
    now = clock.now().isoformat()

    def work(tx: Tx) -> None:
        if not tx.run("notices.acknowledge", id=notice_id, now=now, user=principal.user_id):
            raise Conflict("Der Hinweis ist bereits bestätigt.")
        record_event(
            tx,
            actor=principal,
            subject_type="notice",
            subject_id=notice_id,
            action="notice.acknowledged",
        )

    reg.graph.write(work)
    return {"id": notice_id, "acknowledged_at": now}
