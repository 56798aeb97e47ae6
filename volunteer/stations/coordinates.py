"""A point between the coordinate systems used in China: WGS-84, GCJ-02 and BD-09.

GCJ-02 (the system Chinese map apps must show) is WGS-84 moved by a published, smooth offset of a
few hundred metres, computed on the Krasovsky ellipsoid; BD-09 (Baidu) is GCJ-02 turned and moved
a little more. The forward ways are formulas; the ways back have none, so they are found by
iteration: the offset hardly changes over a few hundred metres, so subtracting the error of the
guess's image shrinks it by orders of magnitude each round (a few rounds reach a millimetre).
Outside the usual box around China the apps show WGS-84 as it is, so every way is the identity.

Points are (lat, lng) in degrees throughout, in the order the station's fields have."""
from __future__ import annotations

import math

from volunteer.stations.vocabulary import CoordinateSystem

# Krasovsky 1940: the ellipsoid the GCJ-02 offset is defined on (semi-major axis, eccentricity²).
_A = 6378245.0
_EE = 0.00669342162296594323
_BD_ANGLE = math.pi * 3000.0 / 180.0
# 1e-9 degrees is about 0.1 mm: far below what the distance check can tell.
_TOLERANCE = 1e-9
_ROUNDS = 30
# A stored point keeps 6 decimals (about 0.1 m), so a converted one reads as cleanly as a typed one.
DECIMALS = 6


def outside_china(lat: float, lng: float) -> bool:
    """The usual rough box around China, outside which no offset applies."""
    return not (72.004 <= lng <= 137.8347 and 0.8293 <= lat <= 55.8271)


def _offset(x: float, y: float) -> tuple[float, float]:
    """The GCJ-02 offset, in the formula's own units, at ``x`` = lng - 105, ``y`` = lat - 35."""
    waves = (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    d_lat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x)) + waves
    d_lat += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    d_lat += (160.0 * math.sin(y / 12.0 * math.pi) + 320.0 * math.sin(y / 30.0 * math.pi)) * 2.0 / 3.0
    d_lng = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x)) + waves
    d_lng += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    d_lng += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return d_lat, d_lng


def wgs84_to_gcj02(lat: float, lng: float) -> tuple[float, float]:
    if outside_china(lat, lng):
        return lat, lng
    d_lat, d_lng = _offset(lng - 105.0, lat - 35.0)
    rad_lat = math.radians(lat)
    magic = 1 - _EE * math.sin(rad_lat) ** 2
    # the offset is in metres along the ellipsoid: degrees of latitude and of longitude differ in length
    d_lat = d_lat * 180.0 / ((_A * (1 - _EE)) / (magic * math.sqrt(magic)) * math.pi)
    d_lng = d_lng * 180.0 / (_A / math.sqrt(magic) * math.cos(rad_lat) * math.pi)
    return lat + d_lat, lng + d_lng


def gcj02_to_bd09(lat: float, lng: float) -> tuple[float, float]:
    if outside_china(lat, lng):
        return lat, lng
    radius = math.hypot(lng, lat) + 0.00002 * math.sin(lat * _BD_ANGLE)
    angle = math.atan2(lat, lng) + 0.000003 * math.cos(lng * _BD_ANGLE)
    return radius * math.sin(angle) + 0.006, radius * math.cos(angle) + 0.0065


def wgs84_to_bd09(lat: float, lng: float) -> tuple[float, float]:
    return gcj02_to_bd09(*wgs84_to_gcj02(lat, lng))


def _identity(lat: float, lng: float) -> tuple[float, float]:
    return lat, lng


# From WGS-84 to each system.
_FROM_WGS84 = {CoordinateSystem.WGS84: _identity, CoordinateSystem.GCJ02: wgs84_to_gcj02,
               CoordinateSystem.BD09: wgs84_to_bd09}


def _invert(forward, lat: float, lng: float) -> tuple[float, float]:
    """The point that ``forward`` takes to (lat, lng)."""
    guess_lat, guess_lng = lat, lng
    for _ in range(_ROUNDS):
        image_lat, image_lng = forward(guess_lat, guess_lng)
        error_lat, error_lng = image_lat - lat, image_lng - lng
        if abs(error_lat) < _TOLERANCE and abs(error_lng) < _TOLERANCE:
            break
        guess_lat, guess_lng = guess_lat - error_lat, guess_lng - error_lng
    return guess_lat, guess_lng


def from_wgs84(lat: float, lng: float, system: CoordinateSystem) -> tuple[float, float]:
    """A WGS-84 point as ``system`` gives it (what a map app shows for the same place)."""
    return _FROM_WGS84[CoordinateSystem(system)](lat, lng)


def to_wgs84(lat: float, lng: float, system: CoordinateSystem) -> tuple[float, float]:
    """A point given in ``system``, in WGS-84."""
    system = CoordinateSystem(system)
    if system == CoordinateSystem.WGS84:
        return lat, lng
    return _invert(_FROM_WGS84[system], lat, lng)


def to_stored(lat: float, lng: float, system: CoordinateSystem) -> tuple[float, float]:
    """A point given in ``system``, as a station keeps it: in WGS-84 (``STORED_SYSTEM``), the system
    a scan's location comes in, rounded."""
    lat, lng = to_wgs84(lat, lng, system)
    return round(lat, DECIMALS), round(lng, DECIMALS)


def other_views(lat: float, lng: float) -> list[tuple[CoordinateSystem, float, float]]:
    """A stored point as each other system gives it (so an admin can find it in their map app);
    none outside China, where every system gives the same point."""
    if outside_china(lat, lng):
        return []
    return [(system, *from_wgs84(lat, lng, system)) for system in CoordinateSystem if system != CoordinateSystem.WGS84]
