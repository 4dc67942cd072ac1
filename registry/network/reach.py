"""The districts a catchment or service radius reaches (rules A8, E7, N6 share the test):
the reach index over the reference geography, built once per Registry, and a memo of the
districts each site's radius reaches (sites rarely move)."""

from __future__ import annotations

from registry.context import Registry
from registry.network import coverage as cov

_REACH_KEY = "network_reach"
_REACHED_KEY = "network_reached"
_MAX_REACHED_CACHE = 200_000


def reach_context(reg: Registry) -> tuple[list[cov.District], cov.ReachIndex]:
    """The districts with their postal-code centroids and the `ReachIndex` over them, built
    once per Registry and kept in ``reg.extras`` (the reference data does not change while the
    registry runs)."""
    cached = reg.extras.get(_REACH_KEY)
    if cached is None:
        centroids: dict[str, set[tuple[float, float]]] = {}
        for place in reg.reference.postal_places:
            centroids.setdefault(place.district_key, set()).add((place.lat, place.lon))
        districts = [
            cov.District(
                key=d.key,
                name=d.name,
                state=d.state,
                carrier=d.carrier,
                centroids=tuple(sorted(centroids.get(d.key, ()))),
            )
            for d in reg.reference.districts
        ]
        cached = (districts, cov.ReachIndex(districts))
        reg.extras[_REACH_KEY] = cached
    districts_out: list[cov.District] = cached[0]
    index: cov.ReachIndex = cached[1]
    return districts_out, index


def reached_districts(
    reg: Registry, lat: float, lon: float, radius_km: float, district_key: str
) -> frozenset[str]:
    """The districts a radius around a point reaches (memoised: sites rarely move)."""
    cache: dict[tuple[float, float, float, str], frozenset[str]] = reg.extras.setdefault(
        _REACHED_KEY, {}
    )
    key = (lat, lon, radius_km, district_key)
    found = cache.get(key)
    if found is None:
        found = reach_context(reg)[1].reached(lat, lon, radius_km, district_key)
        if len(cache) >= _MAX_REACHED_CACHE:
            cache.clear()
        cache[key] = found
    return found
