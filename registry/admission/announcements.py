"""Carriers publish a joint announcement of the target groups and regions for which they seek
providers (A12); providers see the open ones and may name one in an application.

Rule N4 (issue 14): naming a carrier does not bind it. The author's carrier has confirmed; each
other named carrier confirms (an officer or strategist of it, ``confirm_announcement``), and the
announcement is published, seen by providers and answerable, once all have. Until then only the
named carriers' staff see it."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from registry import clock
from registry.admission import announcement_rules
from registry.admission.model import Announcement, DistrictRef
from registry.admission.repository import AdmissionRepository
from registry.audit import append_event
from registry.auth import Principal, Role
from registry.context import Registry
from registry.errors import Forbidden, InvalidInput, NotFound
from registry.graph.ports import Tx
from registry.ids import new_id, sequential_id


def create_announcement(
    reg: Registry, principal: Principal, body: Mapping[str, Any]
) -> dict[str, Any]:
    if (
        principal.role not in (Role.ADMISSIONS_OFFICER, Role.NETWORK_STRATEGIST)
        or not principal.carrier
    ):
        raise Forbidden("Bekanntmachungen veröffentlichen Zulassungsstellen und Netzwerkstrategen.")
    ref = reg.reference
    ann = Announcement(
        carriers=tuple(body["carriers"]),
        target_groups=tuple(body["target_groups"]),
        text=body["text"],
        open_until=body["open_until"],
        districts=tuple(body.get("districts") or ()),
        state=body.get("state") or None,
    )
    problems = announcement_rules.validate_announcement(
        ann,
        author_carrier=principal.carrier,
        known_carriers=set(ref.carriers_by_id),
        known_target_groups={t.code for t in ref.target_groups},
        districts={d.key: DistrictRef(d.key, d.state, d.carrier) for d in ref.districts},
        today=clock.today(),
    )
    if problems:
        raise InvalidInput(problems)
    ann_id = new_id("ann")

    def work(tx: Tx) -> None:
        reg.repo(AdmissionRepository, tx).create_announcement(
            {
                "id": ann_id,
                "carriers": list(ann.carriers),
                "target_groups": list(ann.target_groups),
                "districts": list(ann.districts),
                "state": ann.state or "",
                "text": ann.text,
                "open_until": ann.open_until.isoformat(),
                "now": clock.now_iso(),
                "created_by": principal.user_id,
                "confirmed_carrier": principal.carrier or "",
            }
        )
        pending = sorted(set(ann.carriers) - {principal.carrier})
        _event(
            tx,
            principal,
            ann_id,
            "announcement.awaiting_confirmation" if pending else "announcement.published",
            {"text": ann.text, "pending": pending},
        )

    reg.unit_of_work(work)
    carrier = principal.carrier
    return next(
        a for a in list_announcements(reg, open_only=False, carrier=carrier) if a["id"] == ann_id
    )


def _event(tx: Tx, principal: Principal, ann_id: str, action: str, data: Any) -> None:
    append_event(
        tx,
        id=sequential_id("evt"),
        at=clock.now().isoformat(),
        actor=principal.user_id,
        carrier=principal.carrier or "",
        subject_type="announcement",
        subject_id=ann_id,
        action=action,
        reason="",
        data=json.dumps(data, ensure_ascii=False),
    )


def confirm_announcement(
    reg: Registry, principal: Principal, announcement_id: str
) -> dict[str, Any]:
    """A12, N4: an officer or strategist of a named carrier confirms its part (again: no
    change); the last confirmation publishes the announcement. Others: 404 (not revealed)."""
    if (
        principal.role not in (Role.ADMISSIONS_OFFICER, Role.NETWORK_STRATEGIST)
        or not principal.carrier
    ):
        raise Forbidden("Bekanntmachungen bestätigen Zulassungsstellen und Netzwerkstrategen.")
    carrier = principal.carrier
    found = _visible(reg, announcement_id, carrier)
    if found is None or carrier not in found["carriers"]:
        raise NotFound("Bekanntmachung nicht gefunden")
    if carrier in found["pending"]:
        publishes = found["pending"] == [carrier]

        def work(tx: Tx) -> None:
            reg.repo(AdmissionRepository, tx).confirm_announcement(announcement_id, carrier)
            _event(tx, principal, announcement_id, "announcement.confirmed", {"carrier": carrier})
            if publishes:
                _event(tx, principal, announcement_id, "announcement.published", {})

        reg.unit_of_work(work)
    out = _visible(reg, announcement_id, carrier)
    assert out is not None
    return out


def _visible(reg: Registry, announcement_id: str, carrier: str | None) -> dict[str, Any] | None:
    return next(
        (
            a
            for a in list_announcements(reg, open_only=False, carrier=carrier)
            if a["id"] == announcement_id
        ),
        None,
    )


def list_announcements(
    reg: Registry, *, open_only: bool, carrier: str | None = None
) -> list[dict[str, Any]]:
    """The published announcements (open ones only if ``open_only``), and, for the staff of
    ``carrier``, those naming it that still await a confirmation (A12, N4)."""
    today = clock.today().isoformat()
    return [
        {
            "id": a["id"],
            "carriers": sorted(a["carriers"]),
            "pending": sorted(a["pending"]),
            "published": not a["pending"],
            "target_groups": sorted(a["target_groups"]),
            "districts": sorted(a["districts"]),
            "state": a["state"] or None,
            "text": a["text"],
            "open_until": a["open_until"],
            "created_at": a["created_at"],
            "open": a["open_until"] >= today,
        }
        for a in reg.repo(AdmissionRepository).announcements(open_on=today if open_only else "")
        if not a["pending"] or (carrier is not None and carrier in a["carriers"])
    ]
