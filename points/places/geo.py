"""Distances and datum shifts on plain (lat, lon) pairs, so map, list and trail pages agree on every number."""
import math
from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

EARTH_RADIUS_M = 6_371_008.8  # mean Earth radius (IUGG), the usual choice for haversine
_GCJ_A = 6_378_245.0  # the Krasovsky semi-major axis the published GCJ-02 algorithm uses
_GCJ_EE = 0.00669342162296594323

T = TypeVar("T")


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres; within 0.5 % of the ellipsoid over a city."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


def segment_lengths_m(coordinates: Sequence[Sequence[float]]) -> list[float]:
    """The straight legs of a GeoJSON LineString ([lon, lat] pairs), one length per consecutive pair."""
    return [haversine_m(a[1], a[0], b[1], b[0]) for a, b in zip(coordinates, coordinates[1:], strict=False)]


def line_length_m(coordinates: Sequence[Sequence[float]]) -> float:
    """Length of a GeoJSON LineString as the sum of its legs, so a trail's total and its legs always agree."""
    return sum(segment_lengths_m(coordinates))


def sort_by_distance(items: Iterable[T], origin: tuple[float, float],
                     position: Callable[[T], tuple[float, float] | None]) -> list[tuple[T, float | None]]:
    """Items with their distance from origin, nearest first; items without a position go last."""
    measured = []
    for item in items:
        where = position(item)
        distance = haversine_m(origin[0], origin[1], where[0], where[1]) if where else None
        measured.append((item, distance))
    return sorted(measured, key=lambda pair: (pair[1] is None, pair[1] or 0.0))


def _in_china(lat: float, lon: float) -> bool:
    return 72.004 <= lon <= 137.8347 and 0.8293 <= lat <= 55.8271


def _offset(x: float, y: float) -> tuple[float, float]:
    """The published GCJ-02 polynomial, in metres-like units, for x = lon - 105, y = lat - 35."""
    xp, yp = x * math.pi, y * math.pi
    wave = 20.0 * math.sin(6.0 * xp) + 20.0 * math.sin(2.0 * xp)
    dlat = wave + 20.0 * math.sin(yp) + 40.0 * math.sin(yp / 3.0) + 160.0 * math.sin(yp / 12.0) \
        + 320.0 * math.sin(yp / 30.0)
    dlon = wave + 20.0 * math.sin(xp) + 40.0 * math.sin(xp / 3.0) + 150.0 * math.sin(xp / 12.0) \
        + 300.0 * math.sin(xp / 30.0)
    dlat = dlat * 2.0 / 3.0 - 100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    dlon = dlon * 2.0 / 3.0 + 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    return dlat, dlon


def wgs84_to_gcj02(lat: float, lon: float) -> tuple[float, float]:
    """Where AMap and Tencent tiles draw a WGS-84 point (about 580 m off in Xiamen); unchanged outside China."""
    if not _in_china(lat, lon):
        return lat, lon
    dlat, dlon = _offset(lon - 105.0, lat - 35.0)
    rad = math.radians(lat)
    magic = 1 - _GCJ_EE * math.sin(rad) ** 2
    sqrt_magic = math.sqrt(magic)
    dlat = dlat * 180.0 / ((_GCJ_A * (1 - _GCJ_EE)) / (magic * sqrt_magic) * math.pi)
    dlon = dlon * 180.0 / (_GCJ_A / sqrt_magic * math.cos(rad) * math.pi)
    return lat + dlat, lon + dlon


def gcj02_to_wgs84(lat: float, lon: float) -> tuple[float, float]:
    """Inverse by fixed-point iteration (converges to well under a centimetre), for clicks on Chinese tiles."""
    guess_lat, guess_lon = lat, lon
    for _ in range(30):
        shifted_lat, shifted_lon = wgs84_to_gcj02(guess_lat, guess_lon)
        error_lat, error_lon = shifted_lat - lat, shifted_lon - lon
        guess_lat, guess_lon = guess_lat - error_lat, guess_lon - error_lon
        if max(abs(error_lat), abs(error_lon)) < 1e-9:
            break
    return guess_lat, guess_lon
