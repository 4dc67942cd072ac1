"""Carriers publish a joint announcement of the target groups and regions for which they seek
providers (A12); providers see the open ones and may name one in an application."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from registry import clock
from registry.admission import workflow
from registry.admission.model import Announcement, DistrictRef
from registry.admission.repository import AdmissionRepository
from registry.audit import append_event
from registry.auth import Principal, Role
from registry.context import Registry
from registry.errors import Forbidden, InvalidInput, Problem
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
    problems = workflow.validate_announcement(
        ann,
        author_carrier=principal.carrier,
        known_carriers=set(ref.carriers_by_id),
        known_target_groups={t.code for t in ref.target_groups},
        districts={d.key: DistrictRef(d.key, d.state, d.carrier) for d in ref.districts},
        today=clock.today(),
    )
    if problems:
        raise InvalidInput([Problem(p.field, p.message, p.rule) for p in problems])
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
            }
        )
        append_event(
            tx,
            id=sequential_id("evt"),
            at=clock.now().isoformat(),
            actor=principal.user_id,
            carrier=principal.carrier or "",
            subject_type="announcement",
            subject_id=ann_id,
            action="announcement.published",
            reason="",
            data=json.dumps({"text": ann.text}, ensure_ascii=False),
        )

    reg.graph.write(work)
    return next(a for a in list_announcements(reg, open_only=False) if a["id"] == ann_id)


def list_announcements(reg: Registry, *, open_only: bool) -> list[dict[str, Any]]:
    today = clock.today().isoformat()
    return [
        {
            "id": a["id"],
            "carriers": sorted(a["carriers"]),
            "target_groups": sorted(a["target_groups"]),
            "districts": sorted(a["districts"]),
            "state": a["state"] or None,
            "text": a["text"],
            "open_until": a["open_until"],
            "created_at": a["created_at"],
            "open": a["open_until"] >= today,
        }
        for a in reg.repo(AdmissionRepository).announcements(open_on=today if open_only else "")
    ]
