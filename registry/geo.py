"""Places and distances.

`distance_km` is the one distance function of the project (great-circle on the WGS84 mean
radius, via geopy). The geocoder port and its adapters live here as well.
"""

from __future__ import annotations

from geopy.distance import great_circle


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres between two WGS84 points."""
    return float(great_circle((lat1, lon1), (lat2, lon2)).km)
