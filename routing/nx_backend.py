"""A second, independent local implementation of :class:`routing.backends.RoutingBackend` on networkx.

It shares no search code with :class:`routing.router.Router`: nodes are found by a plain scan,
shortest paths by networkx's Dijkstra on the osmnx-style graph. It is slow (seconds for a
hundred points) and exists to show that the planner runs on any backend of the interface — the
way an external engine (OSRM, Valhalla) plugs in at scale.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import networkx as nx
import numpy as np

from routing.geo import haversine_km
from routing.network import RoadNetwork, to_networkx
from routing.router import ROAD_IDS, Leg, TravelMatrix, Waypoint


class NetworkxBackend:
    """Routing with networkx on ``network`` (travel time weights, access legs like the Router's)."""

    def __init__(self, network: RoadNetwork, *, max_snap_km: float = 25.0) -> None:
        self.network = network
        self.graph = to_networkx(network)
        self.max_snap_km = max_snap_km

    def cache_token(self) -> str:
        return f"networkx:{self.network.name}:{self.network.digest}:{self.max_snap_km}"

    def _snap(self, p: Waypoint) -> tuple[int, float]:
        km = haversine_km(p.lat, p.lon, self.network.lat, self.network.lon)
        node = int(np.argmin(km))
        if km[node] > self.max_snap_km:
            msg = f"point {p.label!r} is {km[node]:.1f} km from the nearest road (limit {self.max_snap_km:g} km)"
            raise ValueError(msg)
        access_km = float(km[node]) * self.network.access_circuity
        return node, access_km

    def matrix(
        self,
        points: Sequence[Waypoint],
        *,
        prefer_tourist_roads: float = 1.0,
        with_km: bool = False,
        targets: Sequence[Waypoint] | None = None,
    ) -> TravelMatrix:
        sources = list(points)
        dests = sources if targets is None else list(targets)
        src = [self._snap(p) for p in sources]
        dst = [self._snap(p) for p in dests]
        kph = self.network.access_kph
        secs = np.full((len(src), len(dst)), np.inf)
        km = np.full((len(src), len(dst)), np.inf) if with_km else None
        for i, (node, access) in enumerate(src):
            times, paths = nx.single_source_dijkstra(self.graph, node, weight="travel_time")
            for j, (target, access_j) in enumerate(dst):
                if target not in times:
                    continue
                secs[i, j] = times[target] + (access + access_j) / kph * 3600.0
                straight = float(haversine_km(sources[i].lat, sources[i].lon, dests[j].lat, dests[j].lon))
                direct_km = straight * self.network.access_circuity
                if direct_km / kph * 3600.0 < secs[i, j]:
                    # Like the Router: very close points are joined off the network when that is quicker.
                    secs[i, j] = direct_km / kph * 3600.0
                    if km is not None:
                        km[i, j] = direct_km
                    continue
                if km is not None:
                    path = paths[target]
                    road_m = sum(
                        min(d["length"] for d in self.graph[a][b].values()) for a, b in itertools.pairwise(path)
                    )
                    km[i, j] = road_m / 1000.0 + access + access_j
        return TravelMatrix(tuple(p.label for p in sources), secs / 60.0, km, secs / 60.0)

    def leg(self, origin: Waypoint, destination: Waypoint, *, prefer_tourist_roads: float = 1.0) -> Leg:
        (a, access_a), (b, access_b) = self._snap(origin), self._snap(destination)
        try:
            path = nx.dijkstra_path(self.graph, a, b, weight="travel_time")
        except nx.NetworkXNoPath:
            msg = f"{destination.label!r} cannot be reached from {origin.label!r}"
            raise LookupError(msg) from None
        secs = length = 0.0
        coords = [[origin.lon, origin.lat]]
        for u, v in itertools.pairwise(path):
            edge = min(self.graph[u][v].values(), key=lambda d: d["travel_time"])
            secs += edge["travel_time"]
            length += edge["length"]
            coords.append([self.graph.nodes[v]["x"], self.graph.nodes[v]["y"]])
        coords.append([destination.lon, destination.lat])
        minutes = (secs + (access_a + access_b) / self.network.access_kph * 3600.0) / 60.0
        return Leg(
            origin.label,
            destination.label,
            path,
            [],
            np.array(coords),
            length / 1000.0 + access_a + access_b,
            minutes,
            dict.fromkeys(ROAD_IDS, 0.0),
        )
