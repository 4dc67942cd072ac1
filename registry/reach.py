"""The reach of the running registry: which districts a catchment or service radius reaches
(rules A8, E7, E8, N6 share the test ``registry.network.catchment.reaches`` and its fast form
``ReachIndex``). Built once per Registry from the reference geography (the districts and their
postal-code centroids), with a memo of the districts each site's radius reaches (sites rarely
move).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from registry.network.catchment import District, ReachIndex
from registry.reference import Reference

if TYPE_CHECKING:
    from registry.context import Registry

_MAX_REACHED_MEMO = 200_000


def coverage_districts(reference: Reference) -> list[District]:
    centroids: dict[str, set[tuple[float, float]]] = {}
    for place in reference.postal_places:
        centroids.setdefault(place.district_key, set()).add((place.lat, place.lon))
    return [
        District(d.key, d.name, d.state, d.carrier, tuple(sorted(centroids.get(d.key, ()))))
        for d in reference.districts
    ]


@dataclass
class Reach:
    """The districts with their centroids, the index over them and the memo of reached sets."""

    districts: list[District]
    index: ReachIndex
    _reached: dict[tuple[float, float, float, str], frozenset[str]] = field(
        default_factory=dict, repr=False
    )

    @classmethod
    def of(cls, reference: Reference) -> Reach:
        districts = coverage_districts(reference)
        return cls(districts, ReachIndex(districts))

    def reached(
        self, lat: float, lon: float, radius_km: float, district_key: str
    ) -> frozenset[str]:
        """The districts a radius around a point reaches (memoised)."""
        key = (lat, lon, radius_km, district_key)
        found = self._reached.get(key)
        if found is None:
            found = self.index.reached(lat, lon, radius_km, district_key)
            if len(self._reached) >= _MAX_REACHED_MEMO:
                self._reached.clear()
            self._reached[key] = found
        return found


def reach_of(reg: Registry) -> Reach:
    """The registry's reach, built on first use (the reference data does not change while the
    registry runs)."""
    if reg.reach is None:
        reg.reach = Reach.of(reg.reference)
    return reg.reach
