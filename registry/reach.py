"""The reach index of the running registry, built once from the reference geography.

The reach test itself (rules A8, E8, N6 share it) is ``registry.network.coverage.reaches`` and
its fast form ``ReachIndex``; this module only feeds it the districts and their postal-code
centroids from the reference data.
"""

from __future__ import annotations

from functools import lru_cache

from registry.network.coverage import District, ReachIndex
from registry.reference import Reference


def coverage_districts(reference: Reference) -> list[District]:
    centroids: dict[str, set[tuple[float, float]]] = {}
    for place in reference.postal_places:
        centroids.setdefault(place.district_key, set()).add((place.lat, place.lon))
    return [
        District(d.key, d.name, d.state, d.carrier, tuple(sorted(centroids.get(d.key, ()))))
        for d in reference.districts
    ]


@lru_cache(maxsize=4)
def reach_index(reference: Reference) -> ReachIndex:
    return ReachIndex(coverage_districts(reference))
