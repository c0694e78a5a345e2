"""Where the way to a scenic spot leaves a tourist road: pluggable junction finders.

A *junction finder* is any callable ``finder(road, lon, lat) -> Junctions`` taking a
:class:`~routing.linear_ref.ProjectedRoad` and the WGS84 points of some spots, and returning,
per spot, the WGS84 point on the road where the spot's access path leaves it (NaN where none
was found) and the access path's length. Two are provided:

* :class:`NetworkJunctions` (the default of :func:`routing.coverage_data.coverage_from_database`):
  the shortest path on the road network from the road to the spot, found by one multi-source
  Dijkstra per road whose sources are the network nodes the road passes through. With every road
  node a source at distance 0, the path found to the spot's nearest node starts at the *last*
  road node it passes, which is the junction. Like :meth:`routing.router.Router.leg`, which goes
  straight when that is quicker than the network, a spot whose straight access from the nearest
  point of the road (times the network's ``access_circuity``) is shorter than the network path
  takes that point as its junction (method ``nearest_point``): on a network of major roads only
  the minor road in is missing, and routed roads reach some spots by a straight stub.
* :class:`NearestPointJunctions` (the default of the pure :func:`routing.coverage.analyse_coverage`):
  the point of the road nearest to the spot. It needs no network, so constructed test geometry
  uses it, and it is the fallback where the network gives no answer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Protocol

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import csgraph
from scipy.spatial import cKDTree

from routing.geo import haversine_km, project_km
from routing.linear_ref import ProjectedRoad
from routing.network import RoadNetwork


@dataclass(frozen=True)
class Junctions:
    """Junction per spot: WGS84 ``lon``/``lat`` (NaN where not found) and access-path km (NaN if unknown)."""

    lon: NDArray[np.float64]
    lat: NDArray[np.float64]
    access_km: NDArray[np.float64]
    method: NDArray[np.str_]


class JunctionFinder(Protocol):
    """Finds, for spots near a road, where their access path leaves the road."""

    name: str

    def __call__(self, road: ProjectedRoad, lon: NDArray[np.float64], lat: NDArray[np.float64]) -> Junctions: ...


@dataclass(frozen=True)
class NearestPointJunctions:
    """Junction = the point of the road nearest to the spot; access km = the straight distance."""

    name: str = "nearest_point"

    def __call__(self, road: ProjectedRoad, lon: NDArray[np.float64], lat: NDArray[np.float64]) -> Junctions:
        lon = np.atleast_1d(np.asarray(lon, dtype=float))
        lat = np.atleast_1d(np.asarray(lat, dtype=float))
        if lon.size == 0:
            empty = np.empty(0)
            return Junctions(empty, empty, empty, np.empty(0, dtype=str))
        x, y = road.frame.to_xy(lon, lat)
        seg, along, dist = road.locate(x, y)
        jx, jy = road.interpolate(along, segment=seg)
        jlon, jlat = road.frame.to_lonlat(jx, jy)
        return Junctions(jlon, jlat, dist / 1000.0, np.full(lon.size, self.name))


@dataclass(eq=False)
class NetworkJunctions:
    """Junction = last road node on the shortest network path from the road to the spot.

    Parameters
    ----------
    network
        The road network the tourist roads were routed on (``routing.store.active_network``).
    weight
        Edge weight of "shortest": ``"length_m"`` (default; the junction of the shortest way in,
        independent of speeds) or ``"travel_time_s"`` (the fastest way in).
    node_match_m
        A road vertex within this distance of a network node is the road passing that node. Road
        geometry stored by ``jinlv data build`` is rounded to 1e-6 degrees (about 0.1 m), and
        vertices inside an edge's curved geometry are farther than this from any node.
    max_spot_snap_km
        A spot farther than this from every network node gets no network junction (the analysis
        falls back to the nearest point of the road).
    allow_direct
        Take the nearest point of the road when its straight access is shorter than the network
        path (see the module notes); False forces the network junction whenever there is one.

    Notes
    -----
    The spot joins the network at its nearest node (like :meth:`routing.router.Router.snap`), and
    ``access_km`` is the network distance from the junction to that node plus the straight
    distance from the node to the spot; for a direct junction it is the straight distance times
    ``access_circuity``. A road whose vertices match no network node (its geometry
    was routed on another network) yields no junctions, so the analysis falls back for it too.
    """

    network: RoadNetwork
    weight: Literal["length_m", "travel_time_s"] = "length_m"
    node_match_m: float = 5.0
    max_spot_snap_km: float = 25.0
    allow_direct: bool = True
    name: str = "network"
    _csr: object = field(init=False, repr=False, default=None)
    _length_csr: object = field(init=False, repr=False, default=None)
    _tree: cKDTree | None = field(init=False, repr=False, default=None)
    _lat0: float = field(init=False, repr=False, default=0.0)

    def __post_init__(self) -> None:
        if self.weight not in ("length_m", "travel_time_s"):
            msg = f"weight must be 'length_m' or 'travel_time_s', got {self.weight!r}"
            raise ValueError(msg)
        net = self.network
        self._lat0 = float(np.mean(net.lat)) if net.n_nodes else 0.0
        self._tree = cKDTree(project_km(net.lat, net.lon, lat0=self._lat0))
        self._csr = net.csr(getattr(net, self.weight))
        self._length_csr = net.csr(net.length_m) if self.weight != "length_m" else self._csr

    def road_nodes(self, road: ProjectedRoad) -> NDArray[np.int64]:
        """Network nodes the road passes through (vertices within ``node_match_m`` of a node)."""
        coords = np.concatenate([np.asarray(line.coords)[:, :2] for line in road.lines_wgs84])
        dist_km, idx = self._tree.query(project_km(coords[:, 1], coords[:, 0], lat0=self._lat0))
        return np.unique(idx[dist_km * 1000.0 <= self.node_match_m]).astype(np.int64)

    def __call__(self, road: ProjectedRoad, lon: NDArray[np.float64], lat: NDArray[np.float64]) -> Junctions:
        lon = np.atleast_1d(np.asarray(lon, dtype=float))
        lat = np.atleast_1d(np.asarray(lat, dtype=float))
        k = lon.size
        out_lon, out_lat, access = np.full(k, np.nan), np.full(k, np.nan), np.full(k, np.nan)
        method = np.full(k, self.name, dtype=object)
        sources = self.road_nodes(road)
        if k == 0 or sources.size == 0:
            return Junctions(out_lon, out_lat, access, method.astype(str))
        net = self.network
        _, spot_node = self._tree.query(project_km(lat, lon, lat0=self._lat0))
        spot_node = np.atleast_1d(spot_node)
        snap_km = haversine_km(lat, lon, net.lat[spot_node], net.lon[spot_node])
        dist, pred, origin = csgraph.dijkstra(self._csr, indices=sources, min_only=True, return_predecessors=True)
        junction = origin[spot_node]
        ok = (junction >= 0) & (snap_km <= self.max_spot_snap_km)
        out_lon[ok] = net.lon[junction[ok]]
        out_lat[ok] = net.lat[junction[ok]]
        path_km = dist[spot_node] / 1000.0 if self.weight == "length_m" else self._path_km(pred, spot_node)
        access[ok] = path_km[ok] + snap_km[ok]
        if self.allow_direct:
            direct = NearestPointJunctions()(road, lon, lat)
            direct_km = direct.access_km * net.access_circuity
            use = ~ok | (direct_km < access)
            out_lon[use], out_lat[use], access[use] = direct.lon[use], direct.lat[use], direct_km[use]
            method[use] = direct.method[use]
        return Junctions(out_lon, out_lat, access, method.astype(str))

    def _path_km(self, pred: NDArray[np.int32], targets: NDArray[np.int64]) -> NDArray[np.float64]:
        """Length in km of the predecessor-tree path ending at each target (time-weighted search)."""
        lengths = self._length_csr
        out = np.zeros(targets.size)
        for i, node in enumerate(targets):
            node = int(node)
            while pred[node] >= 0:
                prev = int(pred[node])
                out[i] += lengths[prev, node]
                node = prev
        return out / 1000.0
