"""Great-circle distance on a spherical Earth (haversine)."""

from __future__ import annotations

from math import asin, cos, radians, sin, sqrt

EARTH_RADIUS_KM = 6371.0088  # IUGG mean radius


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    phi1, phi2 = radians(lat1), radians(lat2)
    dphi, dlambda = phi2 - phi1, radians(lon2 - lon1)
    a = sin(dphi / 2) ** 2 + cos(phi1) * cos(phi2) * sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * asin(min(1.0, sqrt(a)))


def check_point(lat: float, lon: float) -> None:
    from commercegraph.errors import BadUserInput

    if not (-90.0 <= lat <= 90.0) or not (-180.0 <= lon <= 180.0):
        raise BadUserInput(f"({lat}, {lon}) is not a point on Earth", argument="near")
