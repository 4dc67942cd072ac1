"""Which districts a radius around a point reaches (rules A8, E8, N6 share this one test).

A catchment (or service radius) **reaches** a district when the site lies in it or any
postal-code centroid of the district lies within the radius (DOMAIN.md A8, design decision).
The index keeps each district's centroids and bounding box, so a lookup measures distances only
for districts whose box is near enough.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from registry.geo import distance_km
from registry.reference import Reference

KM_PER_DEGREE_LAT = 111.2


@dataclass(frozen=True)
class _DistrictShape:
    key: str
    centroids: tuple[tuple[float, float], ...]
    min_lat: float
    max_lat: float
    min_lon: float
    max_lon: float


class ReachIndex:
    def __init__(self, reference: Reference) -> None:
        points: dict[str, set[tuple[float, float]]] = {}
        for place in reference.postal_places:
            points.setdefault(place.district_key, set()).add((place.lat, place.lon))
        shapes = []
        for district in reference.districts:
            pts = tuple(sorted(points.get(district.key, {(district.lat, district.lon)})))
            lats = [p[0] for p in pts]
            lons = [p[1] for p in pts]
            shapes.append(
                _DistrictShape(district.key, pts, min(lats), max(lats), min(lons), max(lons))
            )
        self._shapes = tuple(shapes)

    def districts_reached(
        self, lat: float, lon: float, radius_km: float, own_district: str | None
    ) -> list[str]:
        """Keys of the reached districts, the site's own district always among them."""
        dlat = radius_km / KM_PER_DEGREE_LAT
        dlon = radius_km / (KM_PER_DEGREE_LAT * max(math.cos(math.radians(lat)), 0.01))
        reached = []
        for shape in self._shapes:
            if shape.key == own_district:
                reached.append(shape.key)
                continue
            if (
                lat + dlat < shape.min_lat
                or lat - dlat > shape.max_lat
                or lon + dlon < shape.min_lon
                or lon - dlon > shape.max_lon
            ):
                continue
            if any(distance_km(lat, lon, p[0], p[1]) <= radius_km for p in shape.centroids):
                reached.append(shape.key)
        return reached


@lru_cache(maxsize=4)
def reach_index(reference: Reference) -> ReachIndex:
    return ReachIndex(reference)
