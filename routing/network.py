"""Road networks as arrays, and their conversion to and from osmnx-compatible graphs.

A :class:`RoadNetwork` is an immutable set of numpy arrays: node coordinates and directed edges
with length (m), speed (km/h) and travel time (s), plus optional highway classes and edge
geometries. All routing runs on CSR matrices built from these arrays; networkx graphs are made
only for loading OSM files and for plotting (:func:`to_networkx`).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from scipy.sparse import csgraph

from gis_data.network_source import RawNetwork
from routing.speed import EmbeddedSpeedModel


@dataclass(frozen=True, eq=False)
class RoadNetwork:
    """A directed road network.

    Attributes
    ----------
    name
        ``embedded`` or the stem of the imported OSM file.
    lat, lon
        WGS84 node coordinates, shape ``(n,)``.
    u, v
        Tail and head node of every directed edge, shape ``(m,)``; parallel edges allowed.
    length_m, speed_kph, travel_time_s
        Per-edge length, speed and travel time.
    highway
        Per-edge OSM highway class (empty string when unknown), or None for the embedded network.
    geom_offsets, geom_coords
        Edge geometries: edge ``e`` is the ``(lon, lat)`` rows ``geom_coords[geom_offsets[e]:
        geom_offsets[e+1]]``; an empty slice means a straight line between its nodes.
    access_circuity, access_kph
        How points off the network reach it: straight distance times circuity at this speed.
    meta
        Provenance (source, attribution, build time).
    """

    name: str
    lat: NDArray[np.float64]
    lon: NDArray[np.float64]
    u: NDArray[np.int64]
    v: NDArray[np.int64]
    length_m: NDArray[np.float64]
    speed_kph: NDArray[np.float64]
    travel_time_s: NDArray[np.float64]
    highway: NDArray[np.str_] | None = None
    geom_offsets: NDArray[np.int64] | None = None
    geom_coords: NDArray[np.float64] | None = None
    access_circuity: float = 1.3
    access_kph: float = 25.0
    meta: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        n, m = self.lat.size, self.u.size
        for name in ("lon",):
            if getattr(self, name).size != n:
                msg = f"RoadNetwork.{name} has {getattr(self, name).size} entries, expected {n} (nodes)"
                raise ValueError(msg)
        for name in ("v", "length_m", "speed_kph", "travel_time_s"):
            if getattr(self, name).size != m:
                msg = f"RoadNetwork.{name} has {getattr(self, name).size} entries, expected {m} (edges)"
                raise ValueError(msg)
        if m and (self.u.min() < 0 or self.v.min() < 0 or max(self.u.max(), self.v.max()) >= n):
            msg = "RoadNetwork edges refer to nodes that do not exist"
            raise ValueError(msg)
        for arr in (self.lat, self.lon, self.u, self.v, self.length_m, self.speed_kph, self.travel_time_s):
            arr.setflags(write=False)

    @property
    def n_nodes(self) -> int:
        return int(self.lat.size)

    @property
    def n_edges(self) -> int:
        return int(self.u.size)

    @cached_property
    def digest(self) -> str:
        """Content hash: identifies the network in matrix caches."""
        h = hashlib.sha256(self.name.encode())
        for arr in (self.lat, self.lon, self.u, self.v, self.length_m, self.travel_time_s):
            h.update(np.ascontiguousarray(arr).tobytes())
        h.update(f"{self.access_circuity}:{self.access_kph}".encode())
        return h.hexdigest()[:16]

    def edge_coords(self, edge: int) -> NDArray[np.float64]:
        """``(k, 2)`` array of ``(lon, lat)`` along edge ``edge``, from its tail to its head."""
        if self.geom_offsets is not None and self.geom_coords is not None:
            a, b = self.geom_offsets[edge], self.geom_offsets[edge + 1]
            if b > a:
                return self.geom_coords[a:b]
        tail, head = self.u[edge], self.v[edge]
        return np.array([[self.lon[tail], self.lat[tail]], [self.lon[head], self.lat[head]]])

    def cheapest_parallel(self, weights: NDArray[np.float64]) -> NDArray[np.int64]:
        """Id of the cheapest edge by ``weights`` among the parallel edges of each ``(u, v)`` pair,
        in ``(u, v)`` order (ties go to the lower edge id)."""
        order = np.lexsort((weights, self.v, self.u))
        u, v = self.u[order], self.v[order]
        first = np.ones(u.size, dtype=bool)
        first[1:] = (u[1:] != u[:-1]) | (v[1:] != v[:-1])
        return order[first]

    def csr(self, weights: NDArray[np.float64] | None = None) -> sp.csr_matrix:
        """CSR adjacency with the given per-edge weights (default travel time); parallel edges
        collapse to their minimum."""
        w = self.travel_time_s if weights is None else np.asarray(weights, dtype=float)
        best = self.cheapest_parallel(w)
        # csgraph treats explicit zeros as missing edges; a zero-cost edge keeps a tiny weight.
        shape = (self.n_nodes, self.n_nodes)
        return sp.csr_matrix((np.maximum(w[best], 1e-9), (self.u[best], self.v[best])), shape=shape)


def network_from_raw(raw: RawNetwork, model: EmbeddedSpeedModel, *, name: str = "embedded") -> RoadNetwork:
    """Directed network from the undirected embedded graph: both directions, speeds from ``model``."""
    straight_km = np.concatenate([raw.km, raw.km])
    length_m = model.length_m(straight_km)
    speed = model.speed_kph(straight_km)
    return RoadNetwork(
        name=name,
        lat=np.asarray(raw.lat, dtype=float),
        lon=np.asarray(raw.lon, dtype=float),
        u=np.concatenate([raw.u, raw.v]).astype(np.int64),
        v=np.concatenate([raw.v, raw.u]).astype(np.int64),
        length_m=length_m,
        speed_kph=speed,
        travel_time_s=length_m / (speed / 3.6),
        access_circuity=model.access_circuity,
        access_kph=model.access_kph,
        meta=dict(raw.meta) | {"speed_model": vars(model)},
    )


def subnetwork(net: RoadNetwork, keep_nodes: NDArray[np.bool_]) -> RoadNetwork:
    """The network induced by the nodes where ``keep_nodes`` is True (renumbered in order)."""
    new_id = np.full(net.n_nodes, -1, dtype=np.int64)
    new_id[keep_nodes] = np.arange(int(keep_nodes.sum()))
    keep_edges = keep_nodes[net.u] & keep_nodes[net.v]
    offsets = coords = None
    if net.geom_offsets is not None and net.geom_coords is not None:
        starts, ends = net.geom_offsets[:-1][keep_edges], net.geom_offsets[1:][keep_edges]
        pieces = [net.geom_coords[a:b] for a, b in zip(starts, ends, strict=True)]
        offsets = np.concatenate([[0], np.cumsum([p.shape[0] for p in pieces])]).astype(np.int64)
        coords = np.concatenate(pieces) if pieces else np.zeros((0, 2))
    return replace(
        net,
        lat=net.lat[keep_nodes].copy(),
        lon=net.lon[keep_nodes].copy(),
        u=new_id[net.u[keep_edges]],
        v=new_id[net.v[keep_edges]],
        length_m=net.length_m[keep_edges].copy(),
        speed_kph=net.speed_kph[keep_edges].copy(),
        travel_time_s=net.travel_time_s[keep_edges].copy(),
        highway=None if net.highway is None else net.highway[keep_edges].copy(),
        geom_offsets=offsets,
        geom_coords=coords,
    )


def largest_strongly_connected(net: RoadNetwork) -> tuple[RoadNetwork, float]:
    """The largest strongly connected component and the share of nodes it holds."""
    _, labels = csgraph.connected_components(net.csr(), directed=True, connection="strong")
    biggest = np.bincount(labels).argmax()
    keep = labels == biggest
    share = float(keep.mean()) if net.n_nodes else 0.0
    sub = subnetwork(net, keep)
    return replace(sub, meta=sub.meta | {"largest_component_share": share, "nodes_before": net.n_nodes}), share


def to_networkx(net: RoadNetwork) -> nx.MultiDiGraph:
    """An osmnx-compatible ``MultiDiGraph``: ``x``/``y`` on nodes; ``length``, ``speed_kph``,
    ``travel_time`` (and ``highway``, ``geometry`` where known) on edges; ``crs`` EPSG:4326."""
    from shapely.geometry import LineString

    graph = nx.MultiDiGraph(crs="epsg:4326", name=net.name, simplified=True)
    graph.add_nodes_from(
        (i, {"x": float(x), "y": float(y)}) for i, (x, y) in enumerate(zip(net.lon, net.lat, strict=True))
    )
    has_geom = net.geom_offsets is not None
    for e in range(net.n_edges):
        attrs: dict[str, Any] = {
            "length": float(net.length_m[e]),
            "speed_kph": float(net.speed_kph[e]),
            "travel_time": float(net.travel_time_s[e]),
        }
        if net.highway is not None:
            attrs["highway"] = str(net.highway[e])
        if has_geom and net.geom_offsets[e + 1] > net.geom_offsets[e]:
            attrs["geometry"] = LineString(net.edge_coords(e))
        graph.add_edge(int(net.u[e]), int(net.v[e]), **attrs)
    return graph


def from_networkx(
    graph: nx.MultiDiGraph,
    *,
    name: str,
    meta: dict[str, Any] | None = None,
    access_circuity: float = 1.3,
    access_kph: float = 20.0,
) -> RoadNetwork:
    """Arrays from an osmnx graph whose edges carry ``length``, ``speed_kph`` and ``travel_time``."""
    nodes = list(graph.nodes)
    index = {node: i for i, node in enumerate(nodes)}
    lat = np.array([graph.nodes[n]["y"] for n in nodes], dtype=float)
    lon = np.array([graph.nodes[n]["x"] for n in nodes], dtype=float)
    us, vs, lengths, speeds, times, classes, pieces = [], [], [], [], [], [], []
    for a, b, data in graph.edges(data=True):
        us.append(index[a])
        vs.append(index[b])
        lengths.append(float(data["length"]))
        speeds.append(float(data["speed_kph"]))
        times.append(float(data["travel_time"]))
        hw = data.get("highway", "")
        classes.append(hw[0] if isinstance(hw, list) else str(hw))
        geom = data.get("geometry")
        pieces.append(np.asarray(geom.coords, dtype=float) if geom is not None else np.zeros((0, 2)))
    offsets = np.concatenate([[0], np.cumsum([p.shape[0] for p in pieces])]).astype(np.int64)
    return RoadNetwork(
        name=name,
        lat=lat,
        lon=lon,
        u=np.array(us, dtype=np.int64),
        v=np.array(vs, dtype=np.int64),
        length_m=np.array(lengths),
        speed_kph=np.array(speeds),
        travel_time_s=np.array(times),
        highway=np.array(classes, dtype=str),
        geom_offsets=offsets,
        geom_coords=np.concatenate(pieces) if pieces else np.zeros((0, 2)),
        access_circuity=access_circuity,
        access_kph=access_kph,
        meta=meta or {},
    )


def save_network(net: RoadNetwork, path: Path) -> None:
    """Write ``net`` as a compressed ``.npz`` (atomically)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    arrays: dict[str, Any] = {
        "lat": net.lat,
        "lon": net.lon,
        "u": net.u,
        "v": net.v,
        "length_m": net.length_m,
        "speed_kph": net.speed_kph,
        "travel_time_s": net.travel_time_s,
        "header": np.array(
            json.dumps(
                {
                    "name": net.name,
                    "access_circuity": net.access_circuity,
                    "access_kph": net.access_kph,
                    "meta": net.meta,
                }
            )
        ),
    }
    if net.highway is not None:
        arrays["highway"] = net.highway
    if net.geom_offsets is not None and net.geom_coords is not None:
        arrays["geom_offsets"] = net.geom_offsets
        arrays["geom_coords"] = net.geom_coords
    tmp = path.with_name(path.stem + ".tmp.npz")
    np.savez_compressed(tmp, **arrays)
    tmp.replace(path)


def load_network(path: Path) -> RoadNetwork:
    """Read a network written by :func:`save_network`."""
    with np.load(path, allow_pickle=False) as data:
        header = json.loads(str(data["header"]))
        return RoadNetwork(
            name=header["name"],
            lat=data["lat"],
            lon=data["lon"],
            u=data["u"],
            v=data["v"],
            length_m=data["length_m"],
            speed_kph=data["speed_kph"],
            travel_time_s=data["travel_time_s"],
            highway=data.get("highway", None),
            geom_offsets=data.get("geom_offsets", None),
            geom_coords=data.get("geom_coords", None),
            access_circuity=header["access_circuity"],
            access_kph=header["access_kph"],
            meta=header["meta"],
        )
