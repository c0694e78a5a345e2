"""Snapping, many-to-many travel matrices and leg paths on a :class:`RoadNetwork`.

Points are snapped to their nearest node with a KD-tree; the stretch from a point to its node is
an *access leg* (straight distance x access circuity at the access speed). Matrices run
``scipy.sparse.csgraph.dijkstra`` from every distinct source root on the dead-end-free core graph
(:mod:`routing.core`). Tourist roads can be preferred by scaling the cost of their edges; reported
minutes and km are then those of the preferred route, accumulated along the search trees.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from scipy.sparse import csgraph
from scipy.spatial import cKDTree

from gis_data.layers import ROAD_IDS as ROAD_IDS  # re-exported: the tourist roads a Leg reports km on
from routing.core import CoreGraph, build_core
from routing.geo import haversine_km, project_km
from routing.network import RoadNetwork


@dataclass(frozen=True)
class Waypoint:
    """A point to route from or to, with a label used in messages."""

    label: str
    lat: float
    lon: float


@dataclass(frozen=True)
class Snap:
    """Where a waypoint joins the network."""

    node: int
    access_km: float
    access_s: float


@dataclass(frozen=True)
class TravelMatrix:
    """Travel minutes (and km) between waypoints; unreachable pairs are ``inf`` and listed."""

    labels: tuple[str, ...]
    minutes: NDArray[np.float64]
    km: NDArray[np.float64] | None
    cost: NDArray[np.float64]

    @property
    def reachable(self) -> NDArray[np.bool_]:
        return np.isfinite(self.minutes)

    def unreachable_pairs(self) -> list[tuple[str, str]]:
        rows, cols = np.nonzero(~self.reachable)
        return [(self.labels[i], self.labels[j]) for i, j in zip(rows, cols, strict=True)]

    def to_json(self) -> dict[str, Any]:
        """JSON-safe form: unreachable cells are null and listed under ``unreachable``."""

        def cells(arr: NDArray[np.float64]) -> list[list[float | None]]:
            return [[round(float(x), 2) if np.isfinite(x) else None for x in row] for row in arr]

        out: dict[str, Any] = {"labels": list(self.labels), "minutes": cells(self.minutes)}
        if self.km is not None:
            out["km"] = cells(self.km)
        out["unreachable"] = [list(p) for p in self.unreachable_pairs()]
        return out


@dataclass(frozen=True)
class Leg:
    """The route of one leg: nodes, edges, geometry, length, time and km on each tourist road."""

    origin: str
    destination: str
    nodes: list[int]
    edges: list[int]
    coords: NDArray[np.float64]
    km: float
    minutes: float
    tourist_road_km: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True, eq=False)
class _Weighted:
    """Core graph and per-edge lookups for one cost weighting."""

    core: CoreGraph
    costs: NDArray[np.float64]
    keys: NDArray[np.int64]
    key_edge: NDArray[np.int64]
    up_edge: NDArray[np.int64]
    down_edge: NDArray[np.int64]

    def edge_ids(self, tails: NDArray[np.int64], heads: NDArray[np.int64], n: int) -> NDArray[np.int64]:
        """The edge used from each tail to its head (the cheapest of parallel ones), -1 if none."""
        wanted = np.asarray(tails, dtype=np.int64) * n + np.asarray(heads, dtype=np.int64)
        if not self.keys.size:
            return np.full(wanted.shape, -1, dtype=np.int64)
        pos = np.clip(np.searchsorted(self.keys, wanted), 0, self.keys.size - 1)
        return np.where(self.keys[pos] == wanted, self.key_edge[pos], -1)


def _collapse(net: RoadNetwork, weights: NDArray[np.float64]) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """CSR of min weights over parallel edges, and a CSR of the same pattern holding edge id + 1."""
    best = net.cheapest_parallel(weights)
    u, v = net.u[best], net.v[best]
    shape = (net.n_nodes, net.n_nodes)
    # as in RoadNetwork.csr: a zero-cost edge keeps a tiny weight, csgraph drops explicit zeros
    w = sp.csr_matrix((np.maximum(weights[best], 1e-9), (u, v)), shape=shape)
    ids = sp.csr_matrix(((best + 1).astype(np.float64), (u, v)), shape=shape)
    w.sort_indices()
    ids.sort_indices()
    return w, ids


class Router:
    """Routing on one network, with optional tourist-road edge masks.

    Parameters
    ----------
    network
        The road network (typically its largest strongly connected component).
    road_edges
        For each tourist road id, a boolean mask over the network's edges.
    max_snap_km
        A waypoint farther than this from every node is an error naming the waypoint.
    """

    def __init__(
        self,
        network: RoadNetwork,
        *,
        road_edges: dict[str, NDArray[np.bool_]] | None = None,
        max_snap_km: float = 25.0,
    ) -> None:
        self.network = network
        self.road_edges = {k: np.asarray(v, dtype=bool) for k, v in (road_edges or {}).items()}
        for road, mask in self.road_edges.items():
            if mask.size != network.n_edges:
                msg = f"edge mask of road {road!r} has {mask.size} entries, the network {network.n_edges} edges"
                raise ValueError(msg)
        self.max_snap_km = max_snap_km
        self._lat0 = float(np.mean(network.lat)) if network.n_nodes else 0.0
        self._tree = cKDTree(project_km(network.lat, network.lon, lat0=self._lat0))
        self._weighted: dict[float, _Weighted] = {}
        self._tourist_mask = (
            np.logical_or.reduce(list(self.road_edges.values()))
            if self.road_edges
            else np.zeros(network.n_edges, dtype=bool)
        )

    def cache_token(self) -> str:
        """Identifies network, snapping limit and tourist-road masks for matrix caches."""
        h = hashlib.sha256(f"{self.network.name}:{self.network.digest}:{self.max_snap_km}".encode())
        for road in sorted(self.road_edges):
            h.update(road.encode())
            h.update(np.packbits(self.road_edges[road]).tobytes())
        return h.hexdigest()[:24]

    # -- snapping -------------------------------------------------------------------------
    def snap(self, points: Sequence[Waypoint]) -> list[Snap]:
        """Snap every waypoint to its nearest node; raise ``ValueError`` naming any too far away."""
        if not points:
            return []
        lat = np.array([p.lat for p in points], dtype=float)
        lon = np.array([p.lon for p in points], dtype=float)
        bad = [p for p in points if not (np.isfinite(p.lat) and np.isfinite(p.lon))]
        if bad:
            msg = f"point {bad[0].label!r} has no valid coordinates ({bad[0].lat}, {bad[0].lon})"
            raise ValueError(msg)
        _, idx = self._tree.query(project_km(lat, lon, lat0=self._lat0))
        idx = np.atleast_1d(idx)
        net = self.network
        km = haversine_km(lat, lon, net.lat[idx], net.lon[idx])
        too_far = np.flatnonzero(km > self.max_snap_km)
        if too_far.size:
            p = points[int(too_far[0])]
            msg = (
                f"point {p.label!r} ({p.lat:.5f}, {p.lon:.5f}) is {km[too_far[0]]:.1f} km from the nearest road "
                f"of network {net.name!r} (limit {self.max_snap_km:g} km, JINLV_MAX_SNAP_KM)"
            )
            raise ValueError(msg)
        access_km = km * net.access_circuity
        return [Snap(int(n), float(a), float(a / net.access_kph * 3600.0)) for n, a in zip(idx, access_km, strict=True)]

    # -- weighting ------------------------------------------------------------------------
    def _costs(self, prefer: float) -> NDArray[np.float64]:
        if not (0 < prefer <= 1.0 + 1e-12) and prefer != 1.0:
            msg = f"prefer_tourist_roads must be in (0, 1], got {prefer!r}"
            raise ValueError(msg)
        w = self.network.travel_time_s.astype(float)
        if prefer != 1.0:
            w = np.where(self._tourist_mask, w * prefer, w)
        return w

    def _weighted_for(self, prefer: float) -> _Weighted:
        key = round(float(prefer), 6)
        if key not in self._weighted:
            costs = self._costs(prefer)
            w, ids = _collapse(self.network, costs)
            core = build_core(w)
            n = self.network.n_nodes
            rows = np.repeat(np.arange(n, dtype=np.int64), np.diff(w.indptr))
            keys = rows * n + w.indices.astype(np.int64)
            key_edge = ids.data.astype(np.int64) - 1
            wt = _Weighted(core, costs, keys, key_edge, np.full(n, -1), np.full(n, -1))
            pruned = np.flatnonzero(core.parent >= 0)
            # tree edges towards and away from the root; -1 where a one-way dead end lacks one
            wt.up_edge[pruned] = wt.edge_ids(pruned, core.parent[pruned], n)
            wt.down_edge[pruned] = wt.edge_ids(core.parent[pruned], pruned, n)
            self._weighted[key] = wt
        return self._weighted[key]

    def _tree_path(self, wt: _Weighted, start: int, end: int) -> list[int] | None:
        """Edges from ``start`` to ``end`` in the same dead-end tree, through their lowest common
        ancestor (the only way between them); None if a tree edge is missing in that direction."""
        up_a = wt.core.tree_path_to_root(start)
        up_b = wt.core.tree_path_to_root(end)
        ancestors_b = {node: i for i, node in enumerate(up_b)}
        i = next(i for i, node in enumerate(up_a) if node in ancestors_b)
        j = ancestors_b[up_a[i]]
        edges = [int(wt.up_edge[x]) for x in up_a[:i]] + [int(wt.down_edge[x]) for x in reversed(up_b[:j])]
        return None if any(e < 0 for e in edges) else edges

    def _direct(self, origin: Waypoint, destination: Waypoint, *, connected: bool) -> tuple[float, float] | None:
        """Off-network km and seconds straight between two points; between points the network does
        not connect only up to ``max_snap_km`` (see :meth:`matrix`)."""
        straight = float(haversine_km(origin.lat, origin.lon, destination.lat, destination.lon))
        if not connected and straight > self.max_snap_km:
            return None
        km = straight * self.network.access_circuity
        return km, km / self.network.access_kph * 3600.0

    # -- matrices -------------------------------------------------------------------------
    def matrix(
        self,
        points: Sequence[Waypoint],
        *,
        prefer_tourist_roads: float = 1.0,
        with_km: bool = False,
        targets: Sequence[Waypoint] | None = None,
    ) -> TravelMatrix:
        """Travel minutes (and optionally km) from every point to every target (default: the points).

        With ``prefer_tourist_roads`` < 1 the routes minimise that weighted cost, and the minutes and
        km reported are those of the chosen routes.
        """
        sources = list(points)
        dests = sources if targets is None else list(targets)
        src_snaps = self.snap(sources)
        dst_snaps = src_snaps if targets is None else self.snap(dests)
        wt = self._weighted_for(prefer_tourist_roads)
        core = wt.core
        src_nodes = np.array([s.node for s in src_snaps], dtype=np.int64)
        dst_nodes = np.array([s.node for s in dst_snaps], dtype=np.int64)
        src_roots = core.core_index[core.root[src_nodes]]
        dst_roots = core.core_index[core.root[dst_nodes]]
        unique_roots, row_of = np.unique(src_roots, return_inverse=True)
        need_tree = with_km or prefer_tourist_roads != 1.0
        if need_tree:
            dist, pred = csgraph.dijkstra(core.csr, indices=unique_roots, return_predecessors=True)
        else:
            dist = csgraph.dijkstra(core.csr, indices=unique_roots)
        cost = dist[row_of][:, dst_roots]
        cost = core.cost_to_root[src_nodes][:, None] + cost + core.cost_from_root[dst_nodes][None, :]
        net = self.network
        km = None
        along = quantities = None
        if need_tree:
            quantities = np.vstack([net.travel_time_s, net.length_m / 1000.0] if with_km else [net.travel_time_s])
            along = self._along_trees(wt, pred, quantities, dst_roots)[:, row_of]
            along += self._tree_sums(wt, src_nodes, quantities, up=True)[:, :, None]
            along += self._tree_sums(wt, dst_nodes, quantities, up=False)[:, None, :]
        # Pairs in one dead-end tree meet at their lowest common ancestor, not at the root.
        paths: dict[tuple[int, int], list[int] | None] = {}
        same_tree = core.root[src_nodes][:, None] == core.root[dst_nodes][None, :]
        for i, j in zip(*np.nonzero(same_tree), strict=True):
            a, b = int(src_nodes[i]), int(dst_nodes[j])
            if (a, b) not in paths:
                paths[(a, b)] = [] if a == b else self._tree_path(wt, a, b)
            edges = paths[(a, b)]
            cost[i, j] = np.inf if edges is None else float(wt.costs[edges].sum())
            if along is not None and quantities is not None:
                along[:, i, j] = np.inf if edges is None else quantities[:, edges].sum(axis=1)
        if along is not None:
            along = np.where(np.isfinite(cost)[None], along, np.inf)
            secs = along[0]
            if with_km:
                km = along[1]
        else:
            secs = cost.copy()
        src_access = np.array([s.access_s for s in src_snaps])
        dst_access = np.array([s.access_s for s in dst_snaps])
        secs = secs + src_access[:, None] + dst_access[None, :]
        cost = cost + src_access[:, None] + dst_access[None, :]
        if km is not None:
            km = (
                km
                + np.array([s.access_km for s in src_snaps])[:, None]
                + np.array([s.access_km for s in dst_snaps])[None, :]
            )
        # Points close to each other (same node or same dead-end tree) may be nearer off-network.
        # Where the network does not connect two points, an off-network hop joins them only as far
        # as a point may lie from the network: far-apart unconnected points stay unreachable.
        straight_km = haversine_km(
            np.array([p.lat for p in sources])[:, None],
            np.array([p.lon for p in sources])[:, None],
            np.array([p.lat for p in dests])[None, :],
            np.array([p.lon for p in dests])[None, :],
        )
        direct_km = straight_km * net.access_circuity
        direct_s = direct_km / net.access_kph * 3600.0
        shorter = (direct_s < cost) & (np.isfinite(cost) | (straight_km <= self.max_snap_km))
        secs = np.where(shorter, direct_s, secs)
        cost = np.where(shorter, direct_s, cost)
        if km is not None:
            km = np.where(shorter, direct_km, km)
        return TravelMatrix(tuple(p.label for p in sources), secs / 60.0, km, cost / 60.0)

    def _along_trees(
        self, wt: _Weighted, pred: NDArray[np.int32], values: NDArray[np.float64], columns: NDArray[np.int64]
    ) -> NDArray[np.float64]:
        """Sum per-edge ``values`` (shape ``(k, m)``) along the shortest-path tree of every search
        row, from the row's source to each core node in ``columns``.

        Walks all (row, column) pairs up their predecessor chains together, one edge per step;
        pairs drop out when they reach their source. Returns shape ``(k, rows, len(columns))``.
        """
        core = wt.core
        rows, width = pred.shape
        flat_pred = pred.astype(np.int64).ravel()
        valid = np.flatnonzero(flat_pred >= 0)
        n = self.network.n_nodes
        tails = core.core_nodes[flat_pred[valid]]
        heads = core.core_nodes[valid % width]
        edge_of = np.full(flat_pred.size, -1, dtype=np.int64)
        edge_of[valid] = wt.edge_ids(tails, heads, n)
        row_base = np.repeat(np.arange(rows, dtype=np.int64) * width, columns.size)
        cursor = row_base + np.tile(columns, rows)
        acc = np.zeros((values.shape[0], cursor.size))
        active = np.flatnonzero(flat_pred[cursor] >= 0)
        while active.size:
            at = cursor[active]
            acc[:, active] += values[:, edge_of[at]]
            cursor[active] = row_base[active] + flat_pred[at]
            active = active[flat_pred[cursor[active]] >= 0]
        return acc.reshape(values.shape[0], rows, columns.size)

    def _tree_sums(self, wt: _Weighted, nodes: NDArray[np.int64], values: NDArray[np.float64], *, up: bool):
        """Per-edge ``values`` (shape ``(k, m)``) summed along each node's tree path to/from its root."""
        out = np.zeros((values.shape[0], nodes.size))
        edges = wt.up_edge if up else wt.down_edge
        for i, node in enumerate(nodes):
            path = wt.core.tree_path_to_root(int(node))[:-1]
            if path:
                out[:, i] = values[:, edges[np.array(path)]].sum(axis=1)
        return out

    # -- paths ----------------------------------------------------------------------------
    def leg(self, origin: Waypoint, destination: Waypoint, *, prefer_tourist_roads: float = 1.0) -> Leg:
        """The route from ``origin`` to ``destination`` with its geometry and tourist-road km.

        Raises
        ------
        LookupError
            If the destination cannot be reached from the origin.
        """
        a, b = self.snap([origin, destination])
        wt = self._weighted_for(prefer_tourist_roads)
        edges = self._edge_path(wt, a.node, b.node)
        direct = self._direct(origin, destination, connected=edges is not None)
        if edges is None and direct is None:
            msg = f"{destination.label!r} cannot be reached from {origin.label!r} on network {self.network.name!r}"
            raise LookupError(msg)
        net = self.network
        edge_arr = np.array(edges or [], dtype=np.int64)
        cost = float(wt.costs[edge_arr].sum()) + a.access_s + b.access_s if edges is not None else np.inf
        if direct is not None and direct[1] < cost:
            # off the network, straight between the points (close together, see matrix())
            return Leg(
                origin.label,
                destination.label,
                [a.node, b.node],
                [],
                np.array([[origin.lon, origin.lat], [destination.lon, destination.lat]]),
                direct[0],
                direct[1] / 60.0,
                dict.fromkeys(self.road_edges, 0.0),
            )
        nodes = [a.node] + [int(net.v[e]) for e in edge_arr]
        pieces = [np.array([[origin.lon, origin.lat]])]
        pieces += [net.edge_coords(e) for e in edge_arr] or [np.array([[net.lon[a.node], net.lat[a.node]]])]
        pieces.append(np.array([[destination.lon, destination.lat]]))
        coords = np.concatenate(pieces)
        keep = np.ones(coords.shape[0], dtype=bool)
        keep[1:] = np.any(np.diff(coords, axis=0) != 0, axis=1)
        km = float(net.length_m[edge_arr].sum() / 1000.0) + a.access_km + b.access_km
        secs = float(net.travel_time_s[edge_arr].sum()) + a.access_s + b.access_s
        road_km = {
            road: round(float(net.length_m[edge_arr][mask[edge_arr]].sum() / 1000.0), 3)
            for road, mask in self.road_edges.items()
        }
        return Leg(origin.label, destination.label, nodes, edge_arr.tolist(), coords[keep], km, secs / 60.0, road_km)

    def _edge_path(self, wt: _Weighted, start: int, end: int) -> list[int] | None:
        core = wt.core
        up_a = core.tree_path_to_root(start)
        up_b = core.tree_path_to_root(end)
        if up_a[-1] == up_b[-1]:
            # Same tree (or both on the core at one node): the unique tree path through the LCA.
            return self._tree_path(wt, start, end)
        up = [int(wt.up_edge[x]) for x in up_a[:-1]]
        down = [int(wt.down_edge[x]) for x in reversed(up_b[:-1])]
        if any(e < 0 for e in up + down):
            return None
        ra, rb = core.core_index[up_a[-1]], core.core_index[up_b[-1]]
        dist, pred = csgraph.dijkstra(core.csr, indices=int(ra), return_predecessors=True)
        if not np.isfinite(dist[rb]):
            return None
        chain = [int(rb)]
        while chain[-1] != ra:
            chain.append(int(pred[chain[-1]]))
        chain.reverse()
        full = core.core_nodes[np.array(chain)]
        middle = wt.edge_ids(full[:-1], full[1:], self.network.n_nodes).tolist()
        return up + middle + down
