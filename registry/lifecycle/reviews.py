"""A14: the admissions a carrier must re-check, earliest first.

Every admission has a review date (36 months after the decision, configurable); the review
itself (confirm, suspend or revoke with a reason) is a decision of the admission area. A review
enters the task inbox :data:`REVIEW_WINDOW_DAYS` before its date and is overdue once it passed.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from registry import clock
from registry.auth import Principal
from registry.context import Registry
from registry.lifecycle.common import admissions_due, officer_carrier

REVIEW_WINDOW_DAYS = 90
"""A14: default window of ``due-for-review`` and how early a review enters the inbox."""


def due_for_review(
    reg: Registry, principal: Principal, within_days: int = REVIEW_WINDOW_DAYS
) -> list[dict[str, Any]]:
    """A14: the caller's carrier's sites whose review date lies within the window or has
    passed, earliest first."""
    carrier = officer_carrier(principal)
    today = clock.today()
    return [
        {
            "site_id": r["site_id"],
            "provider_id": r["provider_id"],
            "carrier": r["carrier"],
            "review_due": r["review_due"],
            "overdue": r["review_due"] < today.isoformat(),
        }
        for r in admissions_due(reg, carrier, today + timedelta(days=within_days))
    ]
