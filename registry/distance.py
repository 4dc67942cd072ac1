"""The one distance function of the project (standard library only, so pure rules may use it)."""

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
