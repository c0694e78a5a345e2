"""Route the three No.1 tourist roads through their ordered control points.

Each road has one or more segments (``segment`` column), routed separately in ``seq`` order, so a
road is a MultiLineString. Control points without coordinates are skipped and listed; a segment
with fewer than two located points cannot be routed and is listed too. Nothing is interpolated:
where the data have gaps the routed road is shorter than the official one, and the report says so.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from routing.network import RoadNetwork
from routing.router import Router, Waypoint


@dataclass(frozen=True)
class ControlPoint:
    road: str
    seq: int
    segment: str
    name_zh: str
    lat: float | None
    lon: float | None


@dataclass
class RoutedRoad:
    """One routed tourist road."""

    road: str
    official_km: float
    lines: list[NDArray[np.float64]] = field(default_factory=list)
    edges: set[int] = field(default_factory=set)
    km: float = 0.0
    skipped_points: list[dict[str, Any]] = field(default_factory=list)
    unrouted_segments: list[dict[str, Any]] = field(default_factory=list)

    def geometry(self) -> dict[str, Any] | None:
        """GeoJSON MultiLineString (None when no segment could be routed)."""
        if not self.lines:
            return None
        return {
            "type": "MultiLineString",
            "coordinates": [[[round(float(x), 6), round(float(y), 6)] for x, y in line] for line in self.lines],
        }

    def summary(self) -> dict[str, Any]:
        return {
            "road": self.road,
            "routed_km": round(self.km, 1),
            "official_km": self.official_km,
            "routed_share_of_official": round(self.km / self.official_km, 3) if self.official_km else None,
            "skipped_points": self.skipped_points,
            "unrouted_segments": self.unrouted_segments,
        }


def _reverse_edges(network: RoadNetwork, edges: NDArray[np.int64]) -> NDArray[np.int64]:
    """The edges running the other way between the same nodes (roads are driven both ways)."""
    n = network.n_nodes
    keys = network.u * n + network.v
    order = np.argsort(keys, kind="stable")
    sorted_keys = keys[order]
    wanted = network.v[edges] * n + network.u[edges]
    pos = np.searchsorted(sorted_keys, wanted)
    pos = np.clip(pos, 0, sorted_keys.size - 1)
    found = sorted_keys[pos] == wanted
    return order[pos[found]]


def route_tourist_roads(
    router: Router, points: list[ControlPoint], official_km: dict[str, float]
) -> dict[str, RoutedRoad]:
    """Route every road's segments through their located control points, in order."""
    by_segment: dict[tuple[str, str], list[ControlPoint]] = defaultdict(list)
    for p in sorted(points, key=lambda p: (p.road, p.seq)):
        by_segment[(p.road, p.segment)].append(p)
    roads = {road: RoutedRoad(road, official_km.get(road, 0.0)) for road in official_km}
    for (road_id, segment), seg_points in by_segment.items():
        road = roads.setdefault(road_id, RoutedRoad(road_id, official_km.get(road_id, 0.0)))
        located = []
        for p in seg_points:
            if p.lat is None or p.lon is None:
                road.skipped_points.append(
                    {"seq": p.seq, "segment": segment, "name_zh": p.name_zh, "reason": "no coordinates"}
                )
            else:
                located.append(p)
        routable = []
        for p in located:
            try:
                router.snap([Waypoint(p.name_zh, p.lat, p.lon)])
            except ValueError as exc:
                road.skipped_points.append({"seq": p.seq, "segment": segment, "name_zh": p.name_zh, "reason": str(exc)})
            else:
                routable.append(p)
        if len(routable) < 2:
            road.unrouted_segments.append(
                {
                    "segment": segment,
                    "located_points": [p.name_zh for p in routable],
                    "reason": "fewer than two control points on the network",
                }
            )
            continue
        pieces = []
        for a, b in itertools.pairwise(routable):
            leg = router.leg(
                Waypoint(f"{road_id}#{a.seq} {a.name_zh}", a.lat, a.lon),
                Waypoint(f"{road_id}#{b.seq} {b.name_zh}", b.lat, b.lon),
            )
            road.km += leg.km
            road.edges.update(leg.edges)
            pieces.append(leg.coords if not pieces else leg.coords[1:])
        road.lines.append(np.concatenate(pieces))
    return roads


def road_edge_masks(network: RoadNetwork, roads: dict[str, RoutedRoad]) -> dict[str, NDArray[np.bool_]]:
    """Per road, a mask of the network edges it uses, in both directions."""
    masks = {}
    for road_id, road in roads.items():
        mask = np.zeros(network.n_edges, dtype=bool)
        if road.edges:
            edges = np.fromiter(road.edges, dtype=np.int64)
            mask[edges] = True
            mask[_reverse_edges(network, edges)] = True
        masks[road_id] = mask
    return masks
