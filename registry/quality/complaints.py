"""A16 complaints: an officer of a carrier that admitted a site of the provider enters how many
complaints about the provider reached it, by category and month. Counts only: no names, no case
data (docs/rules.md §10); any other field is refused by name (422), like the unmet-need record.
One count per provider, carrier, month and category: entering it again corrects it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from registry import clock
from registry.audit import record_event
from registry.auth import Principal
from registry.context import Registry
from registry.errors import InvalidInput
from registry.graph.ports import Tx
from registry.quality import rules
from registry.quality.common import admitting_officer, carrier_name
from registry.quality.repository import QualityRepository


def record_complaints(
    reg: Registry, principal: Principal, provider_id: str, payload: Mapping[str, Any]
) -> dict[str, Any]:
    """``{"month": "YYYY-MM", "category", "count"}`` and nothing else."""
    carrier = admitting_officer(reg, principal, provider_id)
    problems = rules.validate_complaint(payload, today=clock.today())
    if problems:
        raise InvalidInput(problems)
    month, category, count = str(payload["month"]), str(payload["category"]), payload["count"]
    now = clock.now().isoformat()

    def work(tx: Tx) -> None:
        reg.repo(QualityRepository, tx).save_complaint(
            provider_id=provider_id,
            carrier=carrier,
            month=month,
            category=category,
            count=count,
            user_id=principal.user_id,
            now=now,
        )
        record_event(
            tx,
            actor=principal,
            subject_type="provider",
            subject_id=provider_id,
            action="complaints.recorded",
            data={"month": month, "category": category, "count": count},
        )

    reg.unit_of_work(work)
    return {
        "provider_id": provider_id,
        "month": month,
        "category": category,
        "category_label": rules.COMPLAINT_CATEGORIES[category],
        "count": count,
        "carrier": carrier,
        "carrier_name": carrier_name(reg, carrier),
        "recorded_at": now,
    }


def categories() -> list[dict[str, str]]:
    return [{"code": k, "label": v} for k, v in rules.COMPLAINT_CATEGORIES.items()]
