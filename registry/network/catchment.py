"""The reach test of rules A8, E8 and N6, as pure computation: a site with a radius reaches a
district when it lies in it, or when any postal-code centroid of the district lies within the
radius (`reaches`, and `ReachIndex` for many sites at once). Distances come from
`registry.geo.distance_km` only; the bounding boxes and the grid here merely skip centroids that
cannot be within the radius.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from registry.distance import distance_km

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
