"""The one distance function of the project (standard library only, so pure rules may use it),
and the latitude/longitude box that contains every point within a radius (for index prefilters)."""

from __future__ import annotations

import math

EARTH_RADIUS_KM = 6371.009
"""The mean earth radius geopy's ``great_circle`` uses (``geopy.distance.EARTH_RADIUS``)."""


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres between two WGS84 points.

    The same formula and radius as geopy's ``great_circle`` (a test checks that they agree to a
    millimetre), written out because the directory and the coverage call it hundreds of
    thousands of times and geopy's object construction costs about 5 µs per call.
    """
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dlon = math.radians(lon2 - lon1)
    sin_p1, cos_p1, sin_p2, cos_p2 = math.sin(p1), math.cos(p1), math.sin(p2), math.cos(p2)
    cos_dl, sin_dl = math.cos(dlon), math.sin(dlon)
    central = math.atan2(
        math.sqrt((cos_p2 * sin_dl) ** 2 + (cos_p1 * sin_p2 - sin_p1 * cos_p2 * cos_dl) ** 2),
        sin_p1 * sin_p2 + cos_p1 * cos_p2 * cos_dl,
    )
    return EARTH_RADIUS_KM * central


def bounding_box(
    lat: float, lon: float, radius_km: float
) -> tuple[float, float, float | None, float | None]:
    """A lat/lon box containing every point within `radius_km` great-circle distance.

    Returns (lat_min, lat_max, lon_min, lon_max); lon bounds are None when the circle reaches a
    pole or crosses the antimeridian (then longitude is not constrained). The box is widened by
    a small margin so that rounding never excludes a point on the circle.
    """
    theta = max(radius_km, 0.0) / EARTH_RADIUS_KM
    dlat = math.degrees(theta) * 1.0001 + 1e-6
    lat_min, lat_max = lat - dlat, lat + dlat
    if lat_min <= -90.0 or lat_max >= 90.0 or theta >= math.pi / 2:
        return max(lat_min, -90.0), min(lat_max, 90.0), None, None
    ratio = math.sin(theta) / math.cos(math.radians(lat))
    if ratio >= 1.0:
        return lat_min, lat_max, None, None
    dlon = math.degrees(math.asin(ratio)) * 1.0001 + 1e-6
    lon_min, lon_max = lon - dlon, lon + dlon
    if lon_min < -180.0 or lon_max > 180.0:
        return lat_min, lat_max, None, None
    return lat_min, lat_max, lon_min, lon_max
