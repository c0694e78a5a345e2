"""Import OpenStreetMap extracts (``.osm.pbf``, ``.osm``, ``.osm.bz2``) as a :class:`RoadNetwork`.

PBF files are read with pyosmium in two passes: the drivable ways first (tags and node refs), then
the locations of just the nodes those ways use. XML files go through ``osmnx.graph_from_xml``.
Both readers apply the same rules and build the same topology:

* **Drivable ways**: ``highway`` in :data:`~routing.speed.DRIVABLE_HIGHWAYS`, not ``area=yes``,
  not closed to cars (the most specific of ``motorcar``, ``motor_vehicle``, ``vehicle``,
  ``access`` in :data:`CLOSED_ACCESS`; ``destination``/``customers``/``permissive`` stay), not
  parking aisles, driveways, drive-throughs or emergency accesses (:data:`EXCLUDED_SERVICE`),
  not ``oneway=reversible/alternating`` (no fixed direction to route).
* **Direction** (:func:`way_direction`): ``oneway=yes/true/1`` forward, ``-1``/``reverse``
  backward, ``junction=roundabout/circular`` and ``highway=motorway`` one-way forward unless
  ``oneway=no``; everything else both ways.
* **Topology** like osmnx's simplified graph, except that edges never run across two ways (so
  every edge has one highway class and one speed): ways are split at their ends, at nodes used
  more than once (intersections) and where they leave the bbox; the coordinates in between are the
  edge geometry (kept when an edge has more than two points). A closed way that touches nothing
  else is an isolated ring and is dropped (osmnx's ``remove_rings``).
* **Costs**: length from the geometry (haversine), speed from
  :func:`~routing.speed.highway_speed_kph` (``maxspeed`` or the China default of the class, not
  osmnx's data-mean speeds), ``travel_time_s = length_m / (speed_kph / 3.6)``.

The result is the largest strongly connected component, with provenance in ``meta``.
"""

from __future__ import annotations

import math
import time
from array import array
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from routing.geo import haversine_km, line_length_km
from routing.network import RoadNetwork, largest_strongly_connected
from routing.speed import DRIVABLE_HIGHWAYS, highway_speed_kph

ATTRIBUTION = "© OpenStreetMap contributors (ODbL)"
PBF_SUFFIXES = (".osm.pbf", ".pbf")
XML_SUFFIXES = (".osm", ".osm.bz2", ".osm.gz")
CLOSED_ACCESS = frozenset(
    {"no", "private", "agricultural", "forestry", "agricultural;forestry", "emergency", "military"}
)
EXCLUDED_SERVICE = frozenset({"parking_aisle", "parking", "driveway", "drive-through", "emergency_access", "private"})
ONEWAY_FORWARD = frozenset({"yes", "true", "1"})
ONEWAY_BACKWARD = frozenset({"-1", "reverse"})
ONEWAY_NONE = frozenset({"reversible", "alternating"})
# Off-network access on a real street network: short, slow hops to the nearest node.
ACCESS_CIRCUITY = 1.3
ACCESS_KPH = 20.0
# Way tags osmnx must keep on XML edges for the rules above.
_XML_WAY_TAGS = (
    "highway",
    "oneway",
    "junction",
    "maxspeed",
    "access",
    "vehicle",
    "motor_vehicle",
    "motorcar",
    "service",
    "area",
    "name",
    "ref",
)

TagGetter = Callable[[str], Any]


@dataclass(frozen=True)
class Bbox:
    """A ``(west, south, east, north)`` box in degrees."""

    west: float
    south: float
    east: float
    north: float

    def contains(self, lat: NDArray[np.float64], lon: NDArray[np.float64]) -> NDArray[np.bool_]:
        return (lon >= self.west) & (lon <= self.east) & (lat >= self.south) & (lat <= self.north)

    def as_list(self) -> list[float]:
        return [self.west, self.south, self.east, self.north]


def parse_bbox(value: Bbox | str | Sequence[float] | None) -> Bbox | None:
    """Validate a bbox given as ``"W,S,E,N"`` text or a 4-sequence of degrees (None passes through).

    Raises
    ------
    ValueError
        Naming the value when it is not four finite numbers with ``W < E``, ``S < N`` within
        ``[-180, 180]`` x ``[-90, 90]``.
    """
    if value is None or isinstance(value, Bbox):
        return value
    parts = value.split(",") if isinstance(value, str) else list(value)
    try:
        nums = [float(p) for p in parts]
    except (TypeError, ValueError):
        nums = []
    if len(nums) != 4 or not all(math.isfinite(x) for x in nums):
        msg = f"bbox must be four numbers west,south,east,north in degrees, got {value!r}"
        raise ValueError(msg)
    west, south, east, north = nums
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        msg = f"bbox {value!r} is not west,south,east,north with west < east and south < north in degrees"
        raise ValueError(msg)
    return Bbox(west, south, east, north)


def is_drivable(tags: TagGetter) -> bool:
    """Whether a way with these tags (``tags(key)`` returns the value or None) is open to cars."""
    if tags("highway") not in DRIVABLE_HIGHWAYS or tags("area") == "yes":
        return False
    if tags("service") in EXCLUDED_SERVICE:
        return False
    for key in ("motorcar", "motor_vehicle", "vehicle", "access"):
        value = tags(key)
        if value is not None:
            return value not in CLOSED_ACCESS
    return True


def way_direction(tags: TagGetter) -> int | None:
    """Directions a car may drive a way: 1 along its nodes, -1 against them, 0 both, None neither."""
    oneway = tags("oneway")
    if oneway in ONEWAY_FORWARD:
        return 1
    if oneway in ONEWAY_BACKWARD:
        return -1
    if oneway in ONEWAY_NONE:
        return None
    if oneway != "no" and (tags("junction") in {"roundabout", "circular"} or tags("highway") == "motorway"):
        return 1
    return 0


def network_name(path: Path) -> str:
    """Default network name of an OSM file: its name without the OSM suffixes."""
    name = path.name
    for suffix in sorted(PBF_SUFFIXES + XML_SUFFIXES, key=len, reverse=True):
        if name.lower().endswith(suffix):
            return name[: -len(suffix)]
    return path.stem


def _file_format(path: Path) -> str:
    name = path.name.lower()
    if name.endswith(PBF_SUFFIXES):
        return "pbf"
    if name.endswith(XML_SUFFIXES):
        return "xml"
    known = ", ".join(PBF_SUFFIXES + XML_SUFFIXES)
    msg = f"cannot import {path.name!r}: unknown OSM file type (expected one of {known})"
    raise ValueError(msg)


@dataclass
class _Ways:
    """Drivable ways as flat arrays: node refs of way ``i`` are ``refs[offsets[i]:offsets[i+1]]``."""

    refs: array = field(default_factory=lambda: array("q"))
    offsets: array = field(default_factory=lambda: array("q", [0]))
    direction: list[int] = field(default_factory=list)
    highway: list[str] = field(default_factory=list)
    speed: list[float] = field(default_factory=list)
    read: int = 0

    def add(self, tags: TagGetter, refs: list[int]) -> None:
        self.read += 1
        if not is_drivable(tags):
            return
        direction = way_direction(tags)
        if direction is None:
            return
        refs = [r for i, r in enumerate(refs) if i == 0 or r != refs[i - 1]]
        if len(refs) < 2:
            return
        self.refs.extend(refs)
        self.offsets.append(len(self.refs))
        self.direction.append(direction)
        highway = str(tags("highway"))
        self.highway.append(highway)
        self.speed.append(highway_speed_kph(highway, tags("maxspeed")))


@dataclass
class _Pieces:
    """Way pieces between endpoints: node indices of piece ``k`` are ``nodes[offsets[k]:offsets[k+1]]``."""

    nodes: array = field(default_factory=lambda: array("q"))
    offsets: array = field(default_factory=lambda: array("q", [0]))
    way: array = field(default_factory=lambda: array("q"))

    def add(self, way: int, nodes: list[int]) -> None:
        self.nodes.extend(nodes)
        self.offsets.append(len(self.nodes))
        self.way.append(way)


def _runs(ways: _Ways, node_index: NDArray[np.int64]) -> list[tuple[int, list[int], bool]]:
    """Each way cut into runs of consecutive usable nodes: ``(way, node indices, is_full_ring)``."""
    offsets = np.frombuffer(ways.offsets, dtype=np.int64)
    runs = []
    for w in range(len(ways.direction)):
        idx = node_index[offsets[w] : offsets[w + 1]].tolist()
        if -1 not in idx:
            runs.append((w, idx, len(idx) > 2 and idx[0] == idx[-1]))
            continue
        run: list[int] = []
        for i in [*idx, -1]:
            if i >= 0:
                run.append(i)
                continue
            if len(run) >= 2:
                runs.append((w, run, False))
            run = []
    return runs


def _split_runs(runs: list[tuple[int, list[int], bool]], n_nodes: int) -> _Pieces:
    """Split runs at endpoints: run ends and nodes used more than once (a ring's closing node once)."""
    uses = np.zeros(n_nodes, dtype=np.int64)
    endpoint = np.zeros(n_nodes, dtype=bool)
    for _, run, ring in runs:
        np.add.at(uses, run[:-1] if ring else run, 1)
        if not ring:
            endpoint[run[0]] = endpoint[run[-1]] = True
    endpoint |= uses > 1
    pieces = _Pieces()
    for w, run, ring in runs:
        if ring:
            cuts = [i for i, node in enumerate(run[:-1]) if endpoint[node]]
            if not cuts:
                continue  # an isolated ring
            run = run[cuts[0] : -1] + run[: cuts[0] + 1]
        start = 0
        for i in range(1, len(run)):
            if endpoint[run[i]] or i == len(run) - 1:
                pieces.add(w, run[start : i + 1])
                start = i
    return pieces


def _edges_from_pieces(
    pieces: _Pieces, ways: _Ways, lat: NDArray[np.float64], lon: NDArray[np.float64], *, name: str
) -> RoadNetwork:
    """Directed edges (one or both directions per piece) with lengths, speeds and geometries."""
    flat = np.frombuffer(pieces.nodes, dtype=np.int64)
    offsets = np.frombuffer(pieces.offsets, dtype=np.int64)
    way = np.frombuffer(pieces.way, dtype=np.int64)
    starts, ends = offsets[:-1], offsets[1:] - 1
    seg = haversine_km(lat[flat[:-1]], lon[flat[:-1]], lat[flat[1:]], lon[flat[1:]]) * 1000.0
    seg = np.append(seg, 0.0)
    seg[ends] = 0.0  # the step from one piece's last node to the next piece's first is no segment
    cum = np.concatenate([[0.0], np.cumsum(seg)])
    length = cum[ends] - cum[starts]
    direction = np.asarray(ways.direction, dtype=np.int64)[way]
    speed = np.asarray(ways.speed, dtype=float)[way]
    highway = np.asarray(ways.highway, dtype=str)[way]
    fwd = np.flatnonzero(direction >= 0)
    bwd = np.flatnonzero(direction <= 0)
    size = ends - starts + 1
    geom_size = np.where(size > 2, size, 0)

    def geometry(sel: NDArray[np.int64], *, reverse: bool) -> NDArray[np.int64]:
        counts = geom_size[sel]
        step = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
        base = np.repeat(ends[sel] if reverse else starts[sel], counts)
        return flat[base - step if reverse else base + step]

    edge_piece = np.concatenate([fwd, bwd])
    geom_nodes = np.concatenate([geometry(fwd, reverse=False), geometry(bwd, reverse=True)])
    geom_offsets = np.concatenate([[0], np.cumsum(geom_size[edge_piece])]).astype(np.int64)
    # keep only the nodes that edges start or end at, renumbered
    u = np.concatenate([flat[starts[fwd]], flat[ends[bwd]]])
    v = np.concatenate([flat[ends[fwd]], flat[starts[bwd]]])
    used = np.unique(np.concatenate([u, v]))
    new_id = np.full(lat.size, -1, dtype=np.int64)
    new_id[used] = np.arange(used.size)
    speed_e = speed[edge_piece]
    length_e = length[edge_piece]
    return RoadNetwork(
        name=name,
        lat=lat[used].copy(),
        lon=lon[used].copy(),
        u=new_id[u],
        v=new_id[v],
        length_m=length_e,
        speed_kph=speed_e,
        travel_time_s=length_e / (speed_e / 3.6),
        highway=highway[edge_piece],
        geom_offsets=geom_offsets,
        geom_coords=np.column_stack([lon[geom_nodes], lat[geom_nodes]]),
        access_circuity=ACCESS_CIRCUITY,
        access_kph=ACCESS_KPH,
    )


def _read_pbf(path: Path, bbox: Bbox | None, name: str) -> tuple[RoadNetwork, int]:
    """The drivable graph of a PBF file (all components) and the number of highway ways read."""
    import osmium

    ways = _Ways()
    try:
        processor = osmium.FileProcessor(str(path), osmium.osm.WAY).with_filter(osmium.filter.KeyFilter("highway"))
        for way in processor:
            ways.add(way.tags.get, [n.ref for n in way.nodes])
        if not ways.direction:
            return _empty(name), ways.read
        wanted = np.unique(np.frombuffer(ways.refs, dtype=np.int64))
        ids, lats, lons = array("q"), array("d"), array("d")
        processor = osmium.FileProcessor(str(path), osmium.osm.NODE).with_filter(osmium.filter.IdFilter(wanted))
        for node in processor:
            loc = node.location
            if loc.valid():
                ids.append(node.id)
                lats.append(loc.lat)
                lons.append(loc.lon)
    except RuntimeError as exc:
        msg = f"cannot read OSM file {str(path)!r}: {exc}"
        raise ValueError(msg) from exc
    node_ids = np.frombuffer(ids, dtype=np.int64)
    order = np.argsort(node_ids)
    node_ids = node_ids[order]
    lat = np.frombuffer(lats, dtype=float)[order]
    lon = np.frombuffer(lons, dtype=float)[order]
    refs = np.frombuffer(ways.refs, dtype=np.int64)
    pos = np.clip(np.searchsorted(node_ids, refs), 0, max(node_ids.size - 1, 0))
    found = node_ids[pos] == refs if node_ids.size else np.zeros(refs.size, dtype=bool)
    if bbox is not None:
        found &= bbox.contains(lat[pos], lon[pos])
    node_index = np.where(found, pos, -1)
    pieces = _split_runs(_runs(ways, node_index), node_ids.size)
    if not len(pieces.way):
        return _empty(name), ways.read
    return _edges_from_pieces(pieces, ways, lat, lon, name=name), ways.read


def _read_xml(path: Path, bbox: Bbox | None, name: str) -> tuple[RoadNetwork, int]:
    """The drivable graph of an OSM XML file via osmnx, with the same rules and topology as PBF."""
    import warnings
    from xml.etree.ElementTree import ParseError
    from xml.sax import SAXException

    import networkx as nx
    import osmnx as ox
    from osmnx._errors import InsufficientResponseError

    saved = ox.settings.all_oneway, ox.settings.useful_tags_way, ox.settings.log_console
    # all_oneway: every way is added once in node order (reversed for oneway=-1) with its raw tags;
    # the directions are then decided by way_direction, as for PBF files.
    ox.settings.all_oneway = True
    ox.settings.useful_tags_way = list(_XML_WAY_TAGS)
    ox.settings.log_console = False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            graph = ox.graph_from_xml(path, simplify=False, retain_all=True)
    except InsufficientResponseError:
        return _empty(name), 0
    except (ParseError, SAXException, OSError, EOFError, UnicodeDecodeError, KeyError, ValueError) as exc:
        hint = " (in OSM XML every way needs all its nodes; a .osm.pbf extract has no such limit)"
        msg = f"cannot read OSM file {str(path)!r}: {exc}" + (hint if "missing nodes" in str(exc) else "")
        raise ValueError(msg) from exc
    finally:
        ox.settings.all_oneway, ox.settings.useful_tags_way, ox.settings.log_console = saved
    ways_read = len({d.get("osmid") for _, _, d in graph.edges(data=True) if "highway" in d})
    keep = nx.MultiDiGraph(**graph.graph)
    if bbox is not None:
        inside = [n for n, d in graph.nodes(data=True) if bbox.contains(np.array(d["y"]), np.array(d["x"]))]
        graph = graph.subgraph(inside)
    for a, b, data in graph.edges(data=True):
        tags = data.get
        direction = way_direction(tags) if is_drivable(tags) else None
        if direction is None:
            continue
        # osmnx already reversed oneway=-1/reverse ways, so the edge runs the drivable way
        attrs = {k: data[k] for k in ("osmid", "highway", "maxspeed", "length") if k in data}
        keep.add_edge(a, b, **attrs, reversed=False)
        if direction == 0:
            keep.add_edge(b, a, **attrs, reversed=True)
    keep.add_nodes_from((n, graph.nodes[n]) for n in list(keep.nodes))
    if keep.number_of_edges() == 0:
        return _empty(name), ways_read
    keep = ox.simplify_graph(keep, edge_attrs_differ=["osmid"])
    return network_from_osmnx(keep, name=name), ways_read


def network_from_osmnx(graph: Any, *, name: str) -> RoadNetwork:
    """A network from an osmnx graph, every edge costed our way (all components kept).

    Lengths are recomputed from the edge geometry (haversine), speeds from
    :func:`~routing.speed.highway_speed_kph` of the edge's ``highway`` and ``maxspeed`` (where osmnx
    merged ways into one edge these may be lists: the fastest class, the lowest limit), travel times
    from both. The graph is modified in place.
    """
    from routing.network import from_networkx

    if graph.number_of_edges() == 0:
        return _empty(name)
    for a, b, data in graph.edges(data=True):
        geom = data.get("geometry")
        coords = (
            np.asarray(geom.coords, dtype=float)
            if geom is not None
            else np.array([[graph.nodes[a]["x"], graph.nodes[a]["y"]], [graph.nodes[b]["x"], graph.nodes[b]["y"]]])
        )
        data["length"] = line_length_km(coords) * 1000.0
        data["speed_kph"] = highway_speed_kph(data.get("highway"), data.get("maxspeed"))
        data["travel_time"] = data["length"] / (data["speed_kph"] / 3.6)
    return from_networkx(graph, name=name, access_circuity=ACCESS_CIRCUITY, access_kph=ACCESS_KPH)


def _empty(name: str) -> RoadNetwork:
    none_i, none_f = np.zeros(0, dtype=np.int64), np.zeros(0)
    return RoadNetwork(name, none_f, none_f, none_i, none_i, none_f, none_f, none_f)


def import_osm(
    path: str | Path, *, bbox: Bbox | str | Sequence[float] | None = None, name: str | None = None
) -> RoadNetwork:
    """Read the drivable road network of an OSM extract; keep its largest strongly connected part.

    Parameters
    ----------
    path
        An ``.osm.pbf`` (read with pyosmium) or ``.osm`` / ``.osm.bz2`` / ``.osm.gz`` file (read
        with ``osmnx.graph_from_xml``).
    bbox
        Optional ``(west, south, east, north)`` in degrees (or ``"W,S,E,N"``): only roads inside
        are kept, ways crossing its edge are cut at their last node inside.
    name
        Network name; default the file name without its OSM suffixes.

    Returns
    -------
    RoadNetwork
        With ``highway`` per edge, edge geometries, and ``meta`` holding the source file, bbox,
        counts before and after the component filter, highway-class counts and attribution.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    ValueError
        For an unknown file type, an unreadable or corrupt file, a bad bbox, or no drivable roads
        (in the bbox).
    """
    start = time.perf_counter()
    path = Path(path)
    fmt = _file_format(path)
    box = parse_bbox(bbox)
    if not path.is_file():
        msg = f"OSM file {str(path)!r} does not exist"
        raise FileNotFoundError(msg)
    name = name or network_name(path)
    reader = _read_pbf if fmt == "pbf" else _read_xml
    full, ways_read = reader(path, box, name)
    if full.n_edges == 0:
        where = f" inside bbox {box.as_list()}" if box else ""
        msg = f"OSM file {str(path)!r} has no drivable roads{where} ({ways_read} highway ways read)"
        raise ValueError(msg)
    source = {
        "source": "osm",
        "source_file": str(path.resolve()),
        "source_bytes": path.stat().st_size,
        "format": fmt,
        "bbox": box.as_list() if box else None,
        "highway_ways_read": ways_read,
    }
    return _finish(full, source, start=start)


def _finish(full: RoadNetwork, source: dict[str, Any], *, start: float) -> RoadNetwork:
    """The largest strongly connected component of ``full`` with counts and provenance in meta."""
    network, share = largest_strongly_connected(full)
    classes = Counter(network.highway.tolist()) if network.highway is not None else Counter()
    meta = network.meta | source
    meta |= {
        "edges_before": full.n_edges,
        "nodes_before": full.n_nodes,
        "largest_component_share": share,
        "highway_edges": dict(classes.most_common()),
        "km": round(float(network.length_m.sum()) / 1000.0, 3),
        "attribution": ATTRIBUTION,
        "imported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "import_seconds": round(time.perf_counter() - start, 3),
    }
    return replace(network, meta=meta)


def download_place(place: str, *, name: str, cache_dir: Path | None = None) -> RoadNetwork:
    """Download the drivable network of a named place with ``osmnx.graph_from_place`` (needs internet).

    Uses osmnx's ``network_type="drive"`` (its own filter: no service roads, no implied one-way
    motorways) and osmnx's simplification across ways; costs as :func:`network_from_osmnx`.

    Raises
    ------
    ConnectionError
        If Nominatim or the Overpass API cannot be reached (offline).
    ValueError
        If the place is not found, is not an area, or has no drivable roads.
    """
    import osmnx as ox
    import requests
    from osmnx._errors import InsufficientResponseError, ResponseStatusCodeError

    start = time.perf_counter()
    saved = ox.settings.cache_folder, ox.settings.log_console
    if cache_dir is not None:
        ox.settings.cache_folder = str(cache_dir)
    ox.settings.log_console = False
    try:
        graph = ox.graph_from_place(place, network_type="drive")
    except requests.RequestException as exc:
        msg = f"cannot download {place!r} from OpenStreetMap (needs internet access): {exc.__class__.__name__}"
        raise ConnectionError(msg) from exc
    except (InsufficientResponseError, ResponseStatusCodeError, TypeError) as exc:
        msg = f"cannot download the roads of {place!r}: {exc}"
        raise ValueError(msg) from exc
    finally:
        ox.settings.cache_folder, ox.settings.log_console = saved
    full = network_from_osmnx(graph, name=name)
    if full.n_edges == 0:
        msg = f"place {place!r} has no drivable roads"
        raise ValueError(msg)
    source = {"source": "osm", "source_place": place, "format": "overpass (osmnx.graph_from_place, drive)"}
    return _finish(full, source, start=start)
