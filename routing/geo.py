"""Small geodesy helpers (great-circle distance, local planar projection)."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

EARTH_RADIUS_KM = 6371.0088
KM_PER_DEGREE = np.pi * EARTH_RADIUS_KM / 180.0


def haversine_km(lat1: ArrayLike, lon1: ArrayLike, lat2: ArrayLike, lon2: ArrayLike) -> NDArray[np.float64]:
    """Great-circle distance in km between points given in degrees (broadcasting)."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp = p2 - p1
    dl = np.radians(np.asarray(lon2, dtype=float) - np.asarray(lon1, dtype=float))
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def project_km(lat: ArrayLike, lon: ArrayLike, *, lat0: float) -> NDArray[np.float64]:
    """Equirectangular ``(x, y)`` km about latitude ``lat0``: good enough for nearest-node search."""
    lat = np.asarray(lat, dtype=float)
    lon = np.asarray(lon, dtype=float)
    return np.column_stack([lon * np.cos(np.radians(lat0)) * KM_PER_DEGREE, lat * KM_PER_DEGREE])


def line_length_km(coords: NDArray[np.float64]) -> float:
    """Length in km of a ``(k, 2)`` array of ``(lon, lat)``."""
    if coords.shape[0] < 2:
        return 0.0
    return float(haversine_km(coords[:-1, 1], coords[:-1, 0], coords[1:, 1], coords[1:, 0]).sum())
