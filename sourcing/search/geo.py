"""Distances on the sphere, and the rows that can lie within a distance of a point."""

from __future__ import annotations

import math

import numpy as np

EARTH_RADIUS_KM = 6371.0088


def haversine_km(lat: np.ndarray, lon: np.ndarray, lat0: float, lon0: float) -> np.ndarray:
    """Great-circle distance in km from one point to many (NaN where a point is unknown)."""
    phi1, phi2 = np.radians(lat0), np.radians(lat)
    dphi = phi2 - phi1
    dlmb = np.radians(lon) - np.radians(lon0)
    a = np.sin(dphi / 2) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def within_box(
    order: np.ndarray, lats: np.ndarray, lons: np.ndarray, lat0: float, lon0: float, reach_km: float
) -> np.ndarray:
    """Rows of ``order`` (sorted by latitude, with their ``lats`` and ``lons``) that can be within
    ``reach_km`` of the point (see `box_positions`)."""
    return order[box_positions(lats, lons, lat0, lon0, reach_km)]


def box_positions(lats: np.ndarray, lons: np.ndarray, lat0: float, lon0: float, reach_km: float) -> np.ndarray:
    """Positions in ``lats`` (sorted) and ``lons`` of the points that can be within ``reach_km`` of the
    point: a latitude band (two binary searches), then the widest longitude span of a spherical cap
    (``sin Δλ = sin d / cos φ0``), across the ±180° meridian too. A superset of the disc (margins of
    0.1 %); the caller computes distances on what is left, from ``lats[positions]`` (contiguous reads)."""
    d = reach_km / EARTH_RADIUS_KM
    dlat = math.degrees(d) * 1.001 + 1e-9
    lo = int(np.searchsorted(lats, lat0 - dlat, side="left"))
    hi = int(np.searchsorted(lats, lat0 + dlat, side="right"))
    cos0 = math.cos(math.radians(lat0))
    if d >= math.pi / 2 or math.sin(d) >= cos0:  # the cap reaches a pole: every longitude
        return np.arange(lo, hi)
    dlon = math.degrees(math.asin(math.sin(d) / cos0)) * 1.001 + 1e-9
    delta = np.abs(lons[lo:hi] - lon0)
    return lo + np.flatnonzero(np.minimum(delta, 360.0 - delta) <= dlon)
