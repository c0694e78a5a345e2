"""Network part of the data check: size, connectivity, prefecture seats routable to each other."""

from __future__ import annotations

from itertools import combinations
from typing import Any

import numpy as np

from routing.network import RoadNetwork
from routing.router import Router, Waypoint


def network_report(network: RoadNetwork, router: Router, seats: list[Waypoint]) -> dict[str, Any]:
    """Nodes, edges, share of the largest strongly connected component, connected seat pairs."""
    matrix = router.matrix(seats)
    ok = matrix.reachable & matrix.reachable.T
    pairs = list(combinations(range(len(seats)), 2))
    connected = sum(bool(ok[i, j]) for i, j in pairs)
    return {
        "name": network.name,
        "nodes": network.n_nodes,
        "edges": network.n_edges,
        "nodes_before_component_filter": network.meta.get("nodes_before", network.n_nodes),
        "largest_component_share": round(float(network.meta.get("largest_component_share", 1.0)), 4),
        "seat_pairs": len(pairs),
        "seat_pairs_connected": connected,
        "seat_pairs_unconnected": [[seats[i].label, seats[j].label] for i, j in pairs if not ok[i, j]],
        "longest_seat_pair_minutes": round(float(np.nanmax(np.where(ok, matrix.minutes, np.nan))), 1),
        "attribution": network.meta.get("attribution", "© OpenStreetMap contributors"),
    }
