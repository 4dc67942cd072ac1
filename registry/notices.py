"""Notices between carriers (rules A8, A9, N4): one mechanism for admissions and agreements.

A notice belongs to a carrier; its admissions officers acknowledge admission notices, its
strategists agreement notices. Unacknowledged notices show their age.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypedDict, cast

from registry import clock
from registry.audit import record_event
from registry.auth import Principal, Role
from registry.context import Registry
from registry.errors import Conflict, Forbidden, InvalidInput, NotFound
from registry.graph.ports import Tx
from registry.graph.repository import Repository


class NewNotice(TypedDict):
    id: str
    carrier: str
    kind: str
    subject_type: str
    subject_id: str
    title: str
    message: str
    created_at: str


class NoticeRow(TypedDict):
    id: str
    kind: str
    subject_type: str
    subject_id: str
    title: str
    message: str
    created_at: str
    acknowledged_at: str


class NoticeOwner(TypedDict):
    id: str
    carrier: str
    kind: str
    acknowledged_at: str


class NoticeRepository(Repository):
    """Notices' queries (``notices.cypher``); a notice is ``ASSIGNED_TO`` its carrier."""

    def create_many(self, rows: list[NewNotice]) -> None:
        if rows:
            self._rows("notices.create_many", rows=rows)

    def of_carrier(
        self, carrier: str, kinds: list[str], acknowledged: bool | None
    ) -> list[NoticeRow]:
        flag = "" if acknowledged is None else ("true" if acknowledged else "false")
        rows = self._rows("notices.list", carrier=carrier, kinds=kinds, acknowledged=flag)
        return cast(list[NoticeRow], rows)

    def get(self, notice_id: str) -> NoticeOwner | None:
        return cast(NoticeOwner | None, self._one("notices.get", id=notice_id))

    def acknowledge(self, notice_id: str, now: str, user_id: str) -> bool:
        """Acknowledge an open notice; False if it was acknowledged already."""
        return bool(self._rows("notices.acknowledge", id=notice_id, now=now, user=user_id))


class InMemoryNoticeRepository(NoticeRepository):
    def __init__(self) -> None:
        self.notices: dict[str, dict[str, str]] = {}

    def create_many(self, rows: list[NewNotice]) -> None:
        for row in rows:
            stored = {k: str(v) for k, v in row.items()}
            self.notices[row["id"]] = {**stored, "acknowledged_at": "", "acknowledged_by": ""}

    def of_carrier(
        self, carrier: str, kinds: list[str], acknowledged: bool | None
    ) -> list[NoticeRow]:
        found = [
            n
            for n in self.notices.values()
            if n["carrier"] == carrier
            and n["kind"] in kinds
            and (acknowledged is None or bool(n["acknowledged_at"]) == acknowledged)
        ]
        found.sort(key=lambda n: n["id"])
        found.sort(key=lambda n: n["created_at"], reverse=True)
        keys = NoticeRow.__annotations__
        return [cast(NoticeRow, {k: n[k] for k in keys}) for n in found]

    def get(self, notice_id: str) -> NoticeOwner | None:
        n = self.notices.get(notice_id)
        if n is None:
            return None
        return {
            "id": n["id"],
            "carrier": n["carrier"],
            "kind": n["kind"],
            "acknowledged_at": n["acknowledged_at"],
        }

    def acknowledge(self, notice_id: str, now: str, user_id: str) -> bool:
        n = self.notices.get(notice_id)
        if n is None or n["acknowledged_at"]:
            return False
        n["acknowledged_at"], n["acknowledged_by"] = now, user_id
        return True


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
    now = clock.now()
    out = []
    for n in reg.repo(NoticeRepository).of_carrier(
        principal.carrier or "", _kinds(principal), acknowledged
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
    notice = reg.repo(NoticeRepository).get(notice_id)
    if notice is None or notice["carrier"] != principal.carrier:
        raise NotFound("Hinweis nicht gefunden")
    if notice["kind"] not in _kinds(principal):
        raise NotFound("Hinweis nicht gefunden")
    now = clock.now().isoformat()

    def work(tx: Tx) -> None:
        if not reg.repo(NoticeRepository, tx).acknowledge(notice_id, now, principal.user_id):
            raise Conflict("Der Hinweis ist bereits bestätigt.")
        record_event(
            tx,
            actor=principal,
            subject_type="notice",
            subject_id=notice_id,
            action="notice.acknowledged",
        )

    reg.unit_of_work(work)
    return {"id": notice_id, "acknowledged_at": now}


def acknowledge_many(
    reg: Registry, principal: Principal, notice_ids: Sequence[str]
) -> dict[str, Any]:
    """Acknowledge several notices at once (one unit of work). Every id must be a notice of the
    caller's carrier and kind (else ``NotFound``, nothing changes); one already acknowledged
    (by a colleague meanwhile) is skipped and counted, not an error."""
    kinds = _kinds(principal)
    ids = list(dict.fromkeys(i for i in notice_ids if i))
    if not ids:
        raise InvalidInput.one("notices", "Bitte mindestens einen Hinweis auswählen.")
    repo = reg.repo(NoticeRepository)
    for notice_id in ids:
        notice = repo.get(notice_id)
        if notice is None or notice["carrier"] != principal.carrier or notice["kind"] not in kinds:
            raise NotFound("Hinweis nicht gefunden")
    now = clock.now().isoformat()
    done: list[str] = []

    def work(tx: Tx) -> None:
        done.clear()
        in_tx = reg.repo(NoticeRepository, tx)
        for notice_id in ids:
            if in_tx.acknowledge(notice_id, now, principal.user_id):
                done.append(notice_id)
                record_event(
                    tx,
                    actor=principal,
                    subject_type="notice",
                    subject_id=notice_id,
                    action="notice.acknowledged",
                )

    reg.unit_of_work(work)
    return {"acknowledged": done, "already": len(ids) - len(done), "acknowledged_at": now}
