"""Coverage (docs/rules.md §8, rule N6), as pure computation: per district and target group, the
admitted provider sites and partners in force now and after a look-ahead. The reach test it uses
is `registry.network.catchment`; unmet need (N7) is `registry.network.unmet_need_rules`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from registry.network.catchment import District, ReachIndex
from registry.network.content_rules import effective_next_review
from registry.network.model import TARGET_GROUP_CODES, Agreement, AgreementStatus, Partner

# --- coverage (N6) -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProviderSite:
    """An admitted provider site: `admitted` maps each target group with an active admission
    (issued by the site's responsible carrier, E1) to the admission's review date (A14);
    `ends` maps a group to the admission's last valid day where it has one (an admission in this
    registry has none today: it ends by revocation, suspension or withdrawal, not by date).
    `reached_districts`, when the caller already knows them (the same set serves the A8
    notices), skips the reach computation."""

    id: str
    lat: float
    lon: float
    district_key: str
    catchment_radius_km: float
    admitted: Mapping[str, date | None] = field(default_factory=dict)
    reached_districts: frozenset[str] | None = None
    ends: Mapping[str, date | None] = field(default_factory=dict)


@dataclass(frozen=True)
class CoverageRow:
    """Rule N6: one district and one target group. `gap`: neither a provider site nor a partner
    now; `gap_opens`: not a gap now, but nothing left once what ends in the look-ahead is gone.
    `*_after` counts what is still valid on the horizon (only ends are losses); `*_at_risk`
    how many of those depend on a review falling due by the horizon (a review is not an end)."""

    district_key: str
    district_name: str
    state: str
    responsible_carrier: str
    target_group: str
    provider_sites: int
    partners: int
    unmet_needs: int
    provider_sites_after: int
    partners_after: int
    gap: bool
    gap_opens: bool
    provider_sites_at_risk: int = 0
    partners_at_risk: int = 0

    def as_api(self) -> dict[str, Any]:
        """The row in the shape of `GET /coverage` (API.md), plus `gap` and `gap_opens`."""
        return {
            "district": {"key": self.district_key, "name": self.district_name},
            "state": self.state,
            "responsible_carrier": self.responsible_carrier,
            "provider_sites": self.provider_sites,
            "partners": self.partners,
            "unmet_needs": self.unmet_needs,
            "provider_sites_after": self.provider_sites_after,
            "partners_after": self.partners_after,
            "provider_sites_at_risk": self.provider_sites_at_risk,
            "partners_at_risk": self.partners_at_risk,
            "gap": self.gap,
            "gap_opens": self.gap_opens,
        }


def in_force_on(
    status: AgreementStatus, valid_from: date, valid_until: date | None, today: date
) -> bool:
    """Whether an agreement is in force on the day: active, and the day within its validity
    (`valid_until` is the last valid day; None: open-ended)."""
    return (
        status is AgreementStatus.ACTIVE
        and valid_from <= today
        and (valid_until is None or valid_until >= today)
    )


def _in_force(agreement: Agreement, today: date) -> bool:
    return in_force_on(agreement.status, agreement.valid_from, agreement.valid_until, today)


def valid_on(last_valid_day: date | None, day: date) -> bool:
    """Rules N5/N6: whether something whose last valid day is `last_valid_day` (None: no end)
    is still valid on `day`; the last valid day itself is valid."""
    return last_valid_day is None or last_valid_day >= day


def review_due_by(review: date | None, horizon: date) -> bool:
    """Rule N6: whether a review falls due on or before the horizon (an overdue one too)."""
    return review is not None and review <= horizon


def _survives(agreement: Agreement, horizon: date) -> bool:
    """Rule N6: whether an agreement still counts after the look-ahead: it has not ended by then
    (`valid_until` is its last valid day, so one ending on the horizon still counts). A review
    is not an end: see `_reviewed`."""
    return valid_on(agreement.valid_until, horizon)


def _reviewed(agreement: Agreement, horizon: date) -> bool:
    """Rule N6: whether the agreement depends on a review falling due by the horizon."""
    return review_due_by(effective_next_review(agreement), horizon)


def compute_coverage(
    districts: Sequence[District],
    provider_sites: Iterable[ProviderSite],
    partners: Iterable[Partner],
    agreements: Iterable[Agreement],
    *,
    today: date,
    lookahead_days: int = 0,
    target_groups: Sequence[str] = TARGET_GROUP_CODES,
    unmet_needs: Mapping[tuple[str, str], int] | None = None,
    index: ReachIndex | None = None,
) -> list[CoverageRow]:
    """Rule N6: one row per district and requested target group (groups in the given order,
    districts by key).

    - `provider_sites`: admitted sites (the caller passes only active providers, sites and
      admissions). A site counts for a group in every district its catchment reaches.
    - A partner counts (once, however many sites) for a group it lists in every district that
      one of its sites reaches with its service radius and that an agreement covers which is in
      force today (status active, `valid_from <= today <= valid_until`) and names the partner.
    - Look-ahead, horizon = today + `lookahead_days`: `*_after` counts what is still valid on
      the horizon: an admission or agreement whose last valid day is before the horizon is lost
      (one ending on the horizon still counts). `*_at_risk` counts, among those, what depends on
      a review on or before the horizon (an admission's review date; a partner whose every
      lasting covering agreement has its next review by then). A review is not an end. Review
      dates already past count as due (design decision: an overdue review is the same risk as
      one falling due in the window).
    - `index`: pass a prebuilt `ReachIndex` for the same districts to save building it (it is
      only built when some site comes without `reached_districts`).
    """
    if lookahead_days < 0:
        raise ValueError("lookahead_days must not be negative")
    horizon = today + timedelta(days=lookahead_days)
    built: list[ReachIndex] = [index] if index is not None else []

    def reach() -> ReachIndex:
        if not built:
            built.append(ReachIndex(districts))
        return built[0]

    wanted = set(target_groups)
    state_of = {d.key: d.state for d in districts}

    providers_now: dict[tuple[str, str], int] = defaultdict(int)
    providers_after: dict[tuple[str, str], int] = defaultdict(int)
    providers_at_risk: dict[tuple[str, str], int] = defaultdict(int)
    for site in provider_sites:
        groups = [(group, review) for group, review in site.admitted.items() if group in wanted]
        if not groups:
            continue
        reached = site.reached_districts
        if reached is None:
            reached = reach().reached(
                site.lat, site.lon, site.catchment_radius_km, site.district_key
            )
        for group, review in groups:
            stays = valid_on(site.ends.get(group), horizon)
            risky = stays and review_due_by(review, horizon)
            for key in reached:
                providers_now[(key, group)] += 1
                if stays:
                    providers_after[(key, group)] += 1
                if risky:
                    providers_at_risk[(key, group)] += 1

    by_partner: dict[str, list[Agreement]] = defaultdict(list)
    for agreement in agreements:
        if _in_force(agreement, today):
            for partner_id in set(agreement.partners):
                by_partner[partner_id].append(agreement)

    partners_now: dict[tuple[str, str], int] = defaultdict(int)
    partners_after: dict[tuple[str, str], int] = defaultdict(int)
    partners_at_risk: dict[tuple[str, str], int] = defaultdict(int)
    for partner in partners:
        partner_agreements = by_partner.get(partner.id)
        groups_of_partner = [g for g in dict.fromkeys(partner.target_groups) if g in wanted]
        if not partner_agreements or not groups_of_partner:
            continue
        served: set[str] = set()
        for partner_site in partner.sites:
            if partner_site.reached_districts is not None:
                served |= partner_site.reached_districts
            else:
                served |= reach().reached(
                    partner_site.lat,
                    partner_site.lon,
                    partner_site.service_radius_km,
                    partner_site.district_key,
                )
        lasting = [a for a in partner_agreements if _survives(a, horizon)]
        for key in served:
            state = state_of.get(key)
            if state is None:
                continue
            if not any(a.scope.covers(key, state) for a in partner_agreements):
                continue
            keeping = [a for a in lasting if a.scope.covers(key, state)]
            risky = bool(keeping) and all(_reviewed(a, horizon) for a in keeping)
            for group in groups_of_partner:
                partners_now[(key, group)] += 1
                if keeping:
                    partners_after[(key, group)] += 1
                if risky:
                    partners_at_risk[(key, group)] += 1

    needs = unmet_needs or {}
    rows: list[CoverageRow] = []
    for group in dict.fromkeys(target_groups):
        for district in sorted(districts, key=lambda d: d.key):
            cell = (district.key, group)
            now_p, now_n = providers_now.get(cell, 0), partners_now.get(cell, 0)
            after_p, after_n = providers_after.get(cell, 0), partners_after.get(cell, 0)
            gap = now_p == 0 and now_n == 0
            rows.append(
                CoverageRow(
                    district_key=district.key,
                    district_name=district.name,
                    state=district.state,
                    responsible_carrier=district.carrier,
                    target_group=group,
                    provider_sites=now_p,
                    partners=now_n,
                    unmet_needs=needs.get(cell, 0),
                    provider_sites_after=after_p,
                    partners_after=after_n,
                    gap=gap,
                    gap_opens=not gap and after_p == 0 and after_n == 0,
                    provider_sites_at_risk=providers_at_risk.get(cell, 0),
                    partners_at_risk=partners_at_risk.get(cell, 0),
                )
            )
    return rows
