"""The periods of admission (docs/rules.md §5, A5, A7, A14): the review date of an admission,
the age of a task in days, and when a decision or a follow-on admission is overdue. Pure.
"""

from __future__ import annotations

from datetime import date, datetime

from registry.admission.model import DEFAULT_PERIODS, Periods
from registry.dates import add_months

# --------------------------------------------------------------------------- helpers


def review_due_date(decided_on: date, periods: Periods = DEFAULT_PERIODS) -> date:
    """A14: the review date of an admission (design decision: decision + 36 months)."""
    return add_months(decided_on, periods.review_months)


def age_days(created: datetime | date, now: datetime | date) -> int:
    """Whole days since ``created`` (never negative); compares dates if either is a date."""
    if isinstance(created, datetime) and isinstance(now, datetime):
        return max((now - created).days, 0)
    as_date = [d.date() if isinstance(d, datetime) else d for d in (created, now)]
    return max((as_date[1] - as_date[0]).days, 0)


def is_decision_overdue(
    submitted_at: datetime, now: datetime, periods: Periods = DEFAULT_PERIODS
) -> bool:
    """A5: an application awaiting the lead's decision is overdue after N days (default 30)."""
    return age_days(submitted_at, now) > periods.lead_decision_days


def is_follow_on_overdue(
    created_at: datetime, now: datetime, periods: Periods = DEFAULT_PERIODS
) -> bool:
    """A7: an open follow-on admission task is overdue after N days (default 14)."""
    return age_days(created_at, now) > periods.follow_on_days
