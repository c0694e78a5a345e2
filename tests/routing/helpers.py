"""Small road networks built from arrays, for router tests."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from routing.geo import haversine_km
from routing.network import RoadNetwork
from routing.router import Waypoint

LAT0, LON0 = 37.87, 112.55  # Taiyuan
KM_LAT = 1 / 111.2  # degrees of latitude per km
KM_LON = 1 / (111.2 * np.cos(np.radians(LAT0)))


def grid_point(x_km: float, y_km: float) -> tuple[float, float]:
    """``(lat, lon)`` of a point ``x_km`` east and ``y_km`` north of the origin."""
    return LAT0 + y_km * KM_LAT, LON0 + x_km * KM_LON


def make_network(
    points_km: Sequence[tuple[float, float]],
    edges: Sequence[tuple[int, int, float]],
    *,
    name: str = "test",
    access_circuity: float = 1.3,
    access_kph: float = 5.0,
) -> RoadNetwork:
    """A network with nodes at ``(x_km, y_km)`` and directed edges ``(u, v, speed_kph)`` whose
    length is the straight distance between their nodes."""
    lat, lon = (np.array(c) for c in zip(*(grid_point(x, y) for x, y in points_km), strict=True))
    u = np.array([e[0] for e in edges], dtype=np.int64)
    v = np.array([e[1] for e in edges], dtype=np.int64)
    speed = np.array([e[2] for e in edges], dtype=float)
    length = haversine_km(lat[u], lon[u], lat[v], lon[v]) * 1000.0
    return RoadNetwork(
        name=name,
        lat=lat,
        lon=lon,
        u=u,
        v=v,
        length_m=length,
        speed_kph=speed,
        travel_time_s=length / (speed / 3.6),
        access_circuity=access_circuity,
        access_kph=access_kph,
    )


def both_ways(edges: Sequence[tuple[int, int, float]]) -> list[tuple[int, int, float]]:
    """Every edge and its reverse."""
    return [*edges, *((v, u, s) for u, v, s in edges)]


def node_points(net: RoadNetwork, nodes: Sequence[int]) -> list[Waypoint]:
    """Waypoints exactly on the given nodes, labelled ``n<id>``."""
    return [Waypoint(f"n{i}", float(net.lat[i]), float(net.lon[i])) for i in nodes]
