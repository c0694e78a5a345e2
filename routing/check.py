"""Network part of the data check: size, connectivity, prefecture seats routable to each other."""

from __future__ import annotations

from itertools import combinations
from typing import Any

import numpy as np

from routing.network import RoadNetwork
from routing.router import Router, Waypoint


def _on_network(router: Router, seat: Waypoint) -> bool:
    try:
        router.snap([seat])
    except ValueError:
        return False
    return True


def network_report(network: RoadNetwork, router: Router, seats: list[Waypoint]) -> dict[str, Any]:
    """Nodes, edges, share of the largest strongly connected component, connected seat pairs.

    Seats farther than the router's ``max_snap_km`` from every road (all of them on a network
    imported for somewhere else) are listed under ``seats_off_network`` and left out of the pairs.
    """
    off = [s.label for s in seats if not _on_network(router, s)]
    seats = [s for s in seats if s.label not in off]
    matrix = router.matrix(seats)
    ok = matrix.reachable & matrix.reachable.T
    pairs = list(combinations(range(len(seats)), 2))
    connected = sum(bool(ok[i, j]) for i, j in pairs)
    longest = float(np.max(matrix.minutes[ok], initial=0.0)) if pairs else None
    return {
        "name": network.name,
        "nodes": network.n_nodes,
        "edges": network.n_edges,
        "nodes_before_component_filter": network.meta.get("nodes_before", network.n_nodes),
        "largest_component_share": round(float(network.meta.get("largest_component_share", 1.0)), 4),
        "seat_pairs": len(pairs),
        "seat_pairs_connected": connected,
        "seat_pairs_unconnected": [[seats[i].label, seats[j].label] for i, j in pairs if not ok[i, j]],
        "seats_off_network": off,
        "longest_seat_pair_minutes": round(longest, 1) if longest is not None else None,
        "attribution": network.meta.get("attribution", "© OpenStreetMap contributors"),
    }
