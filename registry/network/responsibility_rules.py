"""Rule N4 (docs/rules.md §8): which carriers are responsible for an agreement's scope, who may
manage it and who is told about its changes. Pure; no I/O.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping

from registry.network.model import (
    DRV_BUND,
    FEDERAL_CARRIERS,
    Scope,
    ScopeLevel,
)

# --- N4: who manages, who is told ----------------------------------------------------------------


def region_carriers(
    scope: Scope, district_carrier: Mapping[str, str], district_state: Mapping[str, str]
) -> frozenset[str]:
    """The regional carriers responsible for at least one district the scope touches.

    `district_carrier`: district key -> responsible regional carrier; `district_state`:
    district key -> state name (as in the scope). Unknown district keys are ignored."""
    if scope.level is ScopeLevel.NATIONAL:
        return frozenset(district_carrier.values())
    if scope.level is ScopeLevel.STATE:
        return frozenset(
            carrier
            for key, carrier in district_carrier.items()
            if district_state.get(key) == scope.state
        )
    return frozenset(district_carrier[key] for key in scope.districts if key in district_carrier)


def may_manage(
    user_carrier: str,
    user_carrier_kind: str,
    scope: Scope,
    *,
    district_carrier: Mapping[str, str],
    district_state: Mapping[str, str],
) -> bool:
    """Rule N4: whether a strategist of `user_carrier` may create or change an agreement with
    this scope. National: only DRV Bund. Regional (districts or state): both federal carriers
    (`user_carrier_kind == "federal"`), and every regional carrier responsible for at least one
    district in the scope. The role check (network strategist) is the caller's."""
    if scope.level is ScopeLevel.NATIONAL:
        return user_carrier == DRV_BUND
    if user_carrier_kind == "federal":
        return True
    return user_carrier in region_carriers(scope, district_carrier, district_state)


def notified_carriers(
    scope: Scope,
    *,
    district_carrier: Mapping[str, str],
    district_state: Mapping[str, str],
    all_carriers: Collection[str],
    parties: Iterable[str] = (),
    acting_carrier: str | None = None,
) -> tuple[str, ...]:
    """Rule N4: the carriers to notify when an agreement with this scope is created, changed,
    suspended, resumed or ended, sorted.

    Every regional carrier whose region the scope touches, both federal carriers always, all
    carriers (`all_carriers`) for a national scope, plus the agreement's carrier parties (they
    are bound by it even when their region lies outside the scope). Design decision: the acting
    carrier (the one whose strategist made the change) is left out: its own change is in the
    agreement's history, and a notice its own strategists must acknowledge would be noise. Pass
    `acting_carrier=None` to keep it."""
    if scope.level is ScopeLevel.NATIONAL:
        carriers = set(all_carriers)
    else:
        carriers = set(region_carriers(scope, district_carrier, district_state))
    carriers.update(FEDERAL_CARRIERS)
    carriers.update(parties)
    carriers.discard(acting_carrier or "")
    return tuple(sorted(carriers))
