"""The state of one demo run (``DemoRun``: registry, random source, users, records, counts),
the scenarios a provider's application can end in, the record of what was done for a provider,
and ``days_ago`` (a step as if it happened in the past)."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum

from registry import clock
from registry.auth import Principal
from registry.context import Registry
from seed.demo.geography import Geography
from seed.demo.users import carrier_suffix


class Scenario(StrEnum):
    """Where a provider's application ends up."""

    ADMITTED = "admitted"
    FOLLOW_ON_OPEN = "follow_on_open"
    SUBMITTED = "submitted"
    REFUSED = "refused"
    PARTIAL = "partial"
    WITHDRAWN = "withdrawn"
    SUSPENDED = "suspended"
    REVOKED = "revoked"


# The first providers take every scenario once (so even a small demo shows every state);
# the rest are drawn with these weights.
FORCED_SCENARIOS: tuple[Scenario, ...] = (
    Scenario.ADMITTED,
    Scenario.FOLLOW_ON_OPEN,
    Scenario.SUBMITTED,
    Scenario.REFUSED,
    Scenario.PARTIAL,
    Scenario.WITHDRAWN,
    Scenario.SUSPENDED,
    Scenario.REVOKED,
)
SCENARIO_WEIGHTS: dict[Scenario, int] = {
    Scenario.ADMITTED: 56,
    Scenario.FOLLOW_ON_OPEN: 10,
    Scenario.SUBMITTED: 10,
    Scenario.REFUSED: 5,
    Scenario.PARTIAL: 7,
    Scenario.WITHDRAWN: 4,
    Scenario.SUSPENDED: 4,
    Scenario.REVOKED: 4,
}


# --------------------------------------------------------------------------- the run


@dataclass
class Announcement:
    id: str
    state: str
    target_groups: tuple[str, ...]
    open_until_days_ago: float  # negative: open until that many days from now
    created_days_ago: float


@dataclass
class DemoRun:
    reg: Registry
    rng: random.Random
    password: str
    geo: Geography
    users: dict[str, Principal] = field(default_factory=dict)
    users_created: int = 0
    names: set[str] = field(default_factory=set)
    announcements: list[Announcement] = field(default_factory=list)
    stats: Counter[str] = field(default_factory=Counter)
    records: list[ProviderRecord] = field(default_factory=list)
    accounts: int = 0  # provider accounts created by this run

    def officer(self, carrier: str) -> Principal:
        return self.users[f"zulassung.{carrier_suffix(carrier)}"]

    def strategist(self, carrier: str) -> Principal:
        return self.users[f"netzwerk.{carrier_suffix(carrier)}"]


@contextmanager
def days_ago(days: float) -> Iterator[None]:
    """Run a step as if it happened ``days`` days ago (then put the clock back)."""
    clock.reset()
    clock.shift(-timedelta(days=days))
    try:
        yield
    finally:
        clock.reset()


# --------------------------------------------------------------------------- the workflow


@dataclass
class Timeline:
    """Days before today of each step (larger = earlier)."""

    submitted: float
    decided: float | None = None
    follow_on: float | None = None
    after: float | None = None  # suspension, revocation or withdrawal
    withdraw_before_decision: bool = False


@dataclass
class ProviderRecord:
    """What the generator did for one provider (later steps build on it)."""

    number: int
    provider_id: str
    application_id: str
    lead: str
    scenario: Scenario
    times: Timeline
    account: Principal | None
    status: str
