"""Coverage and unmet need (docs/rules.md §8, rules N6 and N7), as pure computation.

The reach test of rule A8 lives here too (`reaches`, and `ReachIndex` for many sites at once):
a site with a radius reaches a district when it lies in it, or when any postal-code centroid of
the district lies within the radius. Distances come from `registry.geo.distance_km` only; the
bounding boxes and the grid here merely skip centroids that cannot be within the radius.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from registry.distance import distance_km
from registry.errors import Problem
from registry.network.content_rules import effective_next_review
from registry.network.model import (
    TARGET_GROUP_CODES,
    Agreement,
    AgreementStatus,
    Partner,
    UnmetNeed,
)

# A slightly small earth radius makes the boxes slightly too large: the prefilter stays
# conservative whatever radius `distance_km` uses (geopy: 6371.009 km).
_BOX_EARTH_RADIUS_KM = 6370.0
_BOX_MARGIN_DEG = 1e-6


# --- geometry ------------------------------------------------------------------------------------


def _box_half_sizes(lat: float, radius_km: float) -> tuple[float, float]:
    """Half height and half width, in degrees, of a box around (lat, ·) that contains every
    point within `radius_km` (exact spherical bound, slightly enlarged)."""
    angle = max(radius_km, 0.0) / _BOX_EARTH_RADIUS_KM
    dlat = math.degrees(angle) + _BOX_MARGIN_DEG
    if angle >= math.pi / 2 or abs(lat) + dlat >= 90.0:
        return dlat, 180.0
    ratio = math.sin(angle) / math.cos(math.radians(lat))
    if ratio >= 1.0:
        return dlat, 180.0
    return dlat, math.degrees(math.asin(ratio)) + _BOX_MARGIN_DEG


def _lon_gap(lon1: float, lon2: float) -> float:
    diff = abs(lon1 - lon2) % 360.0
    return min(diff, 360.0 - diff)


def _any_centroid_within(
    lat: float,
    lon: float,
    radius_km: float,
    dlat: float,
    dlon: float,
    centroids: Iterable[tuple[float, float]],
) -> bool:
    for clat, clon in centroids:
        if abs(clat - lat) > dlat or _lon_gap(clon, lon) > dlon:
            continue
        if distance_km(lat, lon, clat, clon) <= radius_km:
            return True
    return False


def reaches(
    lat: float,
    lon: float,
    radius_km: float,
    own_district_key: str,
    district_key: str,
    centroids: Iterable[tuple[float, float]],
) -> bool:
    """Rule A8 (also E8, N6): whether a site at (lat, lon) in district `own_district_key` with
    this radius reaches `district_key`, whose postal-code centroids are `centroids` ((lat, lon)
    pairs): it lies in the district, or a centroid is within the radius (boundary included)."""
    if district_key == own_district_key:
        return True
    dlat, dlon = _box_half_sizes(lat, radius_km)
    return _any_centroid_within(lat, lon, radius_km, dlat, dlon, centroids)


@dataclass(frozen=True)
class District:
    """A district with the facts coverage needs; `centroids` are the (lat, lon) centroids of its
    postal codes (a postal code spanning districts appears in each)."""

    key: str
    name: str
    state: str
    carrier: str
    centroids: tuple[tuple[float, float], ...] = ()


class ReachIndex:
    """Answers "which districts does this site reach?" for many sites quickly.

    Built once from the districts (keep it while the districts do not change): each district
    gets a centre, the distance from the centre to each of its centroids and the largest of
    these (its spread), and its centroid bounding box goes into a coarse grid of `cell_deg`
    degrees. A query looks only at districts whose box meets the site's search box, measures
    the distance to the district's centre once, and uses the triangle inequality (great-circle
    distance is a metric) to reject the district, accept it, or skip centroids that cannot be
    within the radius; the remaining centroids are measured one by one until the first hit.
    Every distance comes from `distance_km`; the answer equals `reaches` for every district.
    """

    def __init__(self, districts: Iterable[District], cell_deg: float = 0.5) -> None:
        if cell_deg <= 0:
            raise ValueError("cell_deg must be positive")
        self._cell = cell_deg
        self._keys: list[str] = []
        self._boxes: list[tuple[float, float, float, float]] = []
        self._centres: list[tuple[float, float, float]] = []  # lat, lon, spread_km
        # Per district: (lat, lon, distance to centre), farthest from the centre first.
        self._centroids: list[list[tuple[float, float, float]]] = []
        self._grid: dict[tuple[int, int], list[int]] = defaultdict(list)
        self._known: set[str] = set()
        for district in districts:
            self._known.add(district.key)
            if not district.centroids:
                continue  # reached only by sites lying in it
            index = len(self._keys)
            lats = [c[0] for c in district.centroids]
            lons = [c[1] for c in district.centroids]
            box = (min(lats), max(lats), min(lons), max(lons))
            centre_lat, centre_lon = (box[0] + box[1]) / 2, (box[2] + box[3]) / 2
            measured = sorted(
                (
                    (lat, lon, distance_km(centre_lat, centre_lon, lat, lon))
                    for lat, lon in set(district.centroids)
                ),
                key=lambda item: -item[2],
            )
            self._keys.append(district.key)
            self._boxes.append(box)
            self._centres.append((centre_lat, centre_lon, measured[0][2]))
            self._centroids.append(measured)
            for i in range(self._cell_of(box[0]), self._cell_of(box[1]) + 1):
                for j in range(self._cell_of(box[2]), self._cell_of(box[3]) + 1):
                    self._grid[(i, j)].append(index)

    def _cell_of(self, degrees: float) -> int:
        return math.floor(degrees / self._cell)

    def _reaches_index(
        self, index: int, lat: float, lon: float, radius_km: float, dlat: float, dlon: float
    ) -> bool:
        centre_lat, centre_lon, spread = self._centres[index]
        to_centre = distance_km(lat, lon, centre_lat, centre_lon)
        if to_centre - spread > radius_km:
            return False  # every centroid is farther than the radius
        if to_centre + spread <= radius_km:
            return True  # every centroid is within the radius
        for clat, clon, from_centre in self._centroids[index]:
            if to_centre - from_centre > radius_km:
                break  # this and every later centroid are too far (sorted by from_centre)
            if to_centre + from_centre <= radius_km:
                return True
            if abs(clat - lat) > dlat or _lon_gap(clon, lon) > dlon:
                continue
            if distance_km(lat, lon, clat, clon) <= radius_km:
                return True
        return False

    def reached(
        self, lat: float, lon: float, radius_km: float, own_district_key: str
    ) -> frozenset[str]:
        """Every district key this site reaches (its own district included when known)."""
        result: set[str] = set()
        if own_district_key in self._known:
            result.add(own_district_key)
        dlat, dlon = _box_half_sizes(lat, radius_km)
        lat_lo, lat_hi = lat - dlat, lat + dlat
        lon_lo, lon_hi = lon - dlon, lon + dlon
        if dlon >= 180.0:
            candidates: Iterable[int] = range(len(self._keys))
        else:
            seen: set[int] = set()
            for i in range(self._cell_of(lat_lo), self._cell_of(lat_hi) + 1):
                for j in range(self._cell_of(lon_lo), self._cell_of(lon_hi) + 1):
                    cell = self._grid.get((i, j))
                    if cell:
                        seen.update(cell)
            candidates = seen
        for index in candidates:
            key = self._keys[index]
            if key in result:
                continue
            min_lat, max_lat, min_lon, max_lon = self._boxes[index]
            if max_lat < lat_lo or min_lat > lat_hi:
                continue
            if dlon < 180.0 and (max_lon < lon_lo or min_lon > lon_hi):
                continue
            if self._reaches_index(index, lat, lon, radius_km, dlat, dlon):
                result.add(key)
        return frozenset(result)


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


def count_unmet_needs(records: Iterable[UnmetNeed]) -> dict[tuple[str, str], int]:
    """Rule N7: counts per (district key, target group)."""
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for record in records:
        for group in set(record.target_groups):
            counts[(record.district_key, group)] += 1
    return dict(counts)


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


# --- unmet need (N7) -----------------------------------------------------------------------------

UNMET_NEED_FIELDS: frozenset[str] = frozenset(
    {"postal_code", "target_groups", "language", "outreach", "barrier_free"}
)


def is_language_code(value: object) -> bool:
    """Rule N7: a language as the search takes it - an ISO 639 code of two or three lowercase
    letters ("tr", "dgs"); never free text."""
    return (
        isinstance(value, str)
        and 2 <= len(value) <= 3
        and value.isascii()
        and value.isalpha()
        and value.islower()
    )


def count_unmet_need_needs(
    records: Iterable[UnmetNeed],
) -> dict[tuple[str, str], dict[tuple[str, bool, bool], int]]:
    """Rule N7: per (district key, target group), how many records asked for each combination of
    the case's non-personal needs (language, outreach, barrier-free): "Turkish-speaking addiction
    counselling is missing in Bonn"."""
    counts: dict[tuple[str, str], dict[tuple[str, bool, bool], int]] = defaultdict(dict)
    for record in records:
        needs = (record.language, record.outreach, record.barrier_free)
        for group in set(record.target_groups):
            cell = counts[(record.district_key, group)]
            cell[needs] = cell.get(needs, 0) + 1
    return dict(counts)


def validate_unmet_need(
    payload: object, *, known_target_groups: Collection[str] = TARGET_GROUP_CODES
) -> list[Problem]:
    """Rule N7: a recorded unmet need is ``{"postal_code", "target_groups"}`` and, optionally,
    the case's non-personal needs ``language`` (a language code), ``outreach`` and
    ``barrier_free`` (booleans). Any other field is refused by name ("Feld nicht erlaubt"): no
    free text, nothing about a person. The postal code has five digits; target groups are a
    non-empty list of known codes."""
    rule = "N7"
    if not isinstance(payload, Mapping):
        return [Problem("body", "Erwartet wird ein Objekt mit postal_code und target_groups", rule)]
    problems: list[Problem] = []
    for key in sorted(str(k) for k in payload if k not in UNMET_NEED_FIELDS):
        problems.append(Problem(key, "Feld nicht erlaubt", rule))

    postal_code = payload.get("postal_code")
    if postal_code is None:
        problems.append(Problem("postal_code", "Postleitzahl fehlt", rule))
    elif not (
        isinstance(postal_code, str)
        and len(postal_code.strip()) == 5
        and postal_code.strip().isascii()
        and postal_code.strip().isdigit()
    ):
        problems.append(Problem("postal_code", "Postleitzahl muss fünfstellig sein", rule))

    groups = payload.get("target_groups")
    if groups is None or (isinstance(groups, list | tuple) and not groups):
        problems.append(Problem("target_groups", "Mindestens eine Zielgruppe ist anzugeben", rule))
    elif not isinstance(groups, list | tuple):
        problems.append(Problem("target_groups", "Zielgruppen müssen eine Liste sein", rule))
    else:
        for i, code in enumerate(groups):
            if not isinstance(code, str) or code not in known_target_groups:
                problems.append(
                    Problem(f"target_groups[{i}]", f"Unbekannte Zielgruppe: {code}", rule)
                )
    language = payload.get("language")
    if language not in (None, "") and not is_language_code(language):
        problems.append(Problem("language", "Sprache als Sprachkürzel angeben, z. B. »tr«", rule))
    for key in ("outreach", "barrier_free"):
        if payload.get(key) is not None and not isinstance(payload.get(key), bool):
            problems.append(Problem(key, "Erwartet wird ja oder nein (true/false)", rule))
    return problems
