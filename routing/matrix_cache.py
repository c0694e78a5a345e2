"""Travel matrices cached in memory and on disk, keyed by network, weighting and point set."""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from routing.backends import RoutingBackend
from routing.router import TravelMatrix, Waypoint

_MEMORY: OrderedDict[str, TravelMatrix] = OrderedDict()
_MEMORY_SIZE = 16


def matrix_key(
    router: RoutingBackend, points: Sequence[Waypoint], *, prefer_tourist_roads: float, with_km: bool
) -> str:
    h = hashlib.sha256(router.cache_token().encode())
    h.update(f"{prefer_tourist_roads:.6f}:{with_km}".encode())
    for p in points:
        h.update(f"{p.label}|{p.lat:.6f}|{p.lon:.6f};".encode())
    return h.hexdigest()[:24]


def cached_matrix(
    router: RoutingBackend,
    points: Sequence[Waypoint],
    *,
    cache_dir: Path | None,
    prefer_tourist_roads: float = 1.0,
    with_km: bool = False,
) -> TravelMatrix:
    """``router.matrix(points)``, from memory or ``cache_dir`` when the same request was made before."""
    key = matrix_key(router, points, prefer_tourist_roads=prefer_tourist_roads, with_km=with_km)
    if key in _MEMORY:
        _MEMORY.move_to_end(key)
        return _MEMORY[key]
    path = cache_dir / "matrices" / f"{key}.npz" if cache_dir is not None else None
    matrix = None
    if path is not None and path.exists():
        try:
            with np.load(path, allow_pickle=False) as data:
                matrix = TravelMatrix(
                    labels=tuple(str(x) for x in data["labels"]),
                    minutes=data["minutes"],
                    km=data.get("km", None),
                    cost=data["cost"],
                )
        except (OSError, ValueError, KeyError):
            matrix = None  # a damaged cache file is recomputed and overwritten
    if matrix is None:
        matrix = router.matrix(points, prefer_tourist_roads=prefer_tourist_roads, with_km=with_km)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            arrays = {"labels": np.array(matrix.labels), "minutes": matrix.minutes, "cost": matrix.cost}
            if matrix.km is not None:
                arrays["km"] = matrix.km
            tmp = path.with_name(path.stem + ".tmp.npz")
            np.savez(tmp, **arrays)
            tmp.replace(path)
    _MEMORY[key] = matrix
    while len(_MEMORY) > _MEMORY_SIZE:
        _MEMORY.popitem(last=False)
    return matrix
