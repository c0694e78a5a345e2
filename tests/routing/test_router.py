"""The router on small constructed networks, checked against plain Dijkstra on the full graph."""

from __future__ import annotations

import itertools
import json

import numpy as np
import pytest
from scipy.sparse import csgraph

from routing.geo import haversine_km
from routing.network import to_networkx
from routing.router import Router, Waypoint
from tests.routing.helpers import both_ways, grid_point, make_network, node_points

SQUARE = [(0, 0), (2, 0), (2, 2), (0, 2)]
SQUARE_EDGES = both_ways([(0, 1, 60), (1, 2, 60), (2, 3, 60), (3, 0, 60)])


def _dijkstra_s(net, nodes):
    """Seconds between the given nodes by scipy's Dijkstra on the whole graph."""
    return csgraph.dijkstra(net.csr(), indices=nodes)[:, nodes]


def test_snap_to_nearest_node_with_access_leg():
    net = make_network(SQUARE, SQUARE_EDGES, access_circuity=1.4, access_kph=10.0)
    router = Router(net)
    a = Waypoint("a", *grid_point(0.3, 0.1))
    b = Waypoint("b", *grid_point(1.8, 2.2))
    snap_a, snap_b = router.snap([a, b])
    assert (snap_a.node, snap_b.node) == (0, 2)
    straight = float(haversine_km(a.lat, a.lon, net.lat[0], net.lon[0]))
    assert snap_a.access_km == pytest.approx(straight * 1.4, rel=1e-12)
    assert snap_a.access_s == pytest.approx(straight * 1.4 / 10.0 * 3600.0, rel=1e-12)
    matrix = router.matrix([a, b], with_km=True)
    network_s = _dijkstra_s(net, [0, 2])[0, 1]
    assert matrix.minutes[0, 1] * 60 == pytest.approx(snap_a.access_s + network_s + snap_b.access_s, rel=1e-9)
    assert matrix.km[0, 1] == pytest.approx(snap_a.access_km + 4.0 + snap_b.access_km, rel=1e-3)
    assert matrix.minutes[0, 0] == 0.0
    leg = router.leg(a, b)
    assert leg.minutes == pytest.approx(matrix.minutes[0, 1], rel=1e-9)
    assert leg.km == pytest.approx(matrix.km[0, 1], rel=1e-9)
    assert leg.coords[0].tolist() == [a.lon, a.lat]
    assert leg.coords[-1].tolist() == [b.lon, b.lat]


def test_unreachable_pairs_are_inf_listed_and_null_in_json():
    # a square round Taiyuan, and 100 km east a separate three-node road (a tree: no cycle)
    points = [*SQUARE, (100, 0), (101, 0), (102, 0)]
    edges = SQUARE_EDGES + both_ways([(4, 5, 60), (5, 6, 60)])
    net = make_network(points, edges)
    router = Router(net)
    wps = node_points(net, [0, 2, 4, 6])
    matrix = router.matrix(wps, with_km=True)
    expected = np.isfinite(_dijkstra_s(net, [0, 2, 4, 6]))
    assert (matrix.reachable == expected).all()
    assert np.isinf(matrix.minutes[:2, 2:]).all() and np.isinf(matrix.minutes[2:, :2]).all()
    assert np.isinf(matrix.km[:2, 2:]).all()
    assert matrix.minutes[2, 3] == pytest.approx(2.0 / 60 * 60, rel=1e-3)  # 2 km at 60 km/h
    assert sorted(matrix.unreachable_pairs()) == sorted(
        (a, b)
        for a, b in itertools.product(["n0", "n2", "n4", "n6"], repeat=2)
        if (a in {"n0", "n2"}) != (b in {"n0", "n2"})
    )
    data = matrix.to_json()
    text = json.dumps(data, allow_nan=False)  # never Infinity or NaN in JSON
    assert "Infinity" not in text
    assert data["minutes"][0][2] is None and data["km"][3][1] is None
    assert data["minutes"][0][0] == 0 and data["minutes"][2][3] > 0
    assert len(data["unreachable"]) == 8
    with pytest.raises(LookupError, match=r"'n4'.*'n0'"):
        router.leg(wps[0], wps[2])


def test_close_points_in_unconnected_parts_hop_off_network():
    # the same two parts, now 3 km apart: within max_snap_km a straight off-network hop joins them
    points = [*SQUARE, (5, 0), (6, 0)]
    net = make_network(points, SQUARE_EDGES + both_ways([(4, 5, 60)]))
    router = Router(net, max_snap_km=5.0)
    a, b = node_points(net, [1, 4])
    matrix = router.matrix([a, b], with_km=True)
    hop_km = 3.0 * net.access_circuity
    assert matrix.km[0, 1] == pytest.approx(hop_km, rel=1e-3)
    assert matrix.minutes[0, 1] == pytest.approx(hop_km / net.access_kph * 60, rel=1e-3)
    leg = router.leg(a, b)
    assert (leg.edges, leg.minutes) == ([], pytest.approx(matrix.minutes[0, 1], rel=1e-12))
    assert Router(net, max_snap_km=2.0).matrix([a, b]).unreachable_pairs() == [("n1", "n4"), ("n4", "n1")]


def test_far_away_point_is_an_error_naming_it():
    net = make_network(SQUARE, SQUARE_EDGES)
    router = Router(net, max_snap_km=25.0)
    far = Waypoint("碛口古镇", *grid_point(0, 30))
    with pytest.raises(ValueError, match=r"碛口古镇.*28\.0 km"):
        router.matrix([Waypoint("a", *grid_point(0, 0)), far])
    with pytest.raises(ValueError, match="碛口古镇"):
        router.leg(far, Waypoint("a", *grid_point(0, 0)))
    router.snap([Waypoint("near", *grid_point(0, 24))])  # inside the limit: fine


def test_parallel_edges_use_the_faster():
    points = [(0, 0), (3, 0), (1.5, 1.5)]
    edges = [(0, 1, 30), (1, 0, 30), (0, 1, 90), *both_ways([(0, 2, 30), (2, 1, 30)])]
    net = make_network(points, edges)
    assert to_networkx(net).number_of_edges(0, 1) == 2
    router = Router(net)
    a, b = node_points(net, [0, 1])
    matrix = router.matrix([a, b], with_km=True)
    assert matrix.minutes[0, 1] * 60 == pytest.approx(net.length_m[2] / (90 / 3.6), rel=1e-9)
    assert matrix.minutes[1, 0] * 60 == pytest.approx(net.length_m[1] / (30 / 3.6), rel=1e-9)
    assert router.leg(a, b).edges == [2]
    assert router.leg(b, a).edges == [1]


def test_one_way_edge_makes_the_matrix_asymmetric():
    # A -> B one way and fast; back from B to A only round by C
    points = [(0, 0), (2, 0), (1, 1.5)]
    edges = [(0, 1, 60), *both_ways([(1, 2, 40), (2, 0, 40)])]
    net = make_network(points, edges)
    router = Router(net)
    a, b = node_points(net, [0, 1])
    matrix = router.matrix([a, b])
    there = net.length_m[0] / (60 / 3.6)
    back = (net.length_m[1] + net.length_m[2]) / (40 / 3.6)
    assert matrix.minutes[0, 1] * 60 == pytest.approx(there, rel=1e-9)
    assert matrix.minutes[1, 0] * 60 == pytest.approx(back, rel=1e-9)
    assert router.leg(b, a).nodes == [1, 2, 0]
    assert router.leg(a, b).nodes == [0, 1]


def _tree_network():
    """A hexagon core with dead-end trees on two corners and a one-way dead end on a third."""
    hexagon = [(np.cos(t) * 3, np.sin(t) * 3) for t in np.linspace(0, 2 * np.pi, 7)[:-1]]
    points = [
        *hexagon,  # 0-5
        (4.5, 0),  # 6: off 0
        (6, 0),  # 7: off 6
        (7.5, 0.5),  # 8: off 7
        (6.5, -1.5),  # 9: off 7
        (7.5, -3),  # 10: off 9
        (4.5, 1.5),  # 11: off 6
        (-4.5, 0),  # 12: off 3
        (-6, 0),  # 13: off 12
        (-2, -4.5),  # 14: reached from 4 only
    ]
    ring = [(i, (i + 1) % 6, 50 + 5 * i) for i in range(6)]
    tree = [(0, 6, 40), (6, 7, 30), (7, 8, 25), (7, 9, 35), (9, 10, 20), (6, 11, 45), (3, 12, 40), (12, 13, 30)]
    return make_network(points, [*both_ways(ring + tree), (4, 14, 30)])


def test_dead_end_trees_route_exactly():
    net = _tree_network()
    router = Router(net, max_snap_km=0.5)
    nodes = list(range(net.n_nodes))
    wps = node_points(net, nodes)
    expected = _dijkstra_s(net, nodes)
    matrix = router.matrix(wps, with_km=True)
    assert np.isinf(expected[14, :14]).all()  # the one-way dead end cannot be left
    assert (np.isfinite(matrix.minutes) == np.isfinite(expected)).all()
    finite = np.isfinite(expected)
    assert np.allclose(matrix.minutes[finite] * 60, expected[finite], rtol=1e-9, atol=1e-9)
    for i, j in [(8, 10), (10, 8), (11, 10), (13, 8), (8, 13), (12, 13), (14, 14), (4, 14), (8, 14)]:
        leg = router.leg(wps[i], wps[j])
        assert leg.minutes * 60 == pytest.approx(expected[i, j], rel=1e-9, abs=1e-9)
        assert leg.km == pytest.approx(matrix.km[i, j], rel=1e-9, abs=1e-12)
        assert leg.km * 1000 == pytest.approx(net.length_m[leg.edges].sum(), rel=1e-12)
        assert leg.nodes[0] == i and leg.nodes[-1] == j
    with pytest.raises(LookupError):
        router.leg(wps[14], wps[0])
    # a point snapped into a tree, a few hundred metres off its node
    off = Waypoint("off 10", *grid_point(7.5, -3.2))
    m = router.matrix([off, wps[8]])
    access_s = router.snap([off])[0].access_s
    assert m.minutes[0, 1] * 60 == pytest.approx(access_s + expected[10, 8], rel=1e-9)


def test_matrix_with_targets_matches_square_matrix():
    net = _tree_network()
    router = Router(net, max_snap_km=0.5)
    wps = node_points(net, range(net.n_nodes))
    full = router.matrix(wps, with_km=True)
    part = router.matrix(wps[:5], targets=wps[8:], with_km=True)
    assert np.array_equal(part.minutes, full.minutes[:5, 8:])
    assert np.array_equal(part.km, full.km[:5, 8:])


def _two_routes_network():
    """S and T joined by a fast highway through M and a slower scenic road through P; a dead-end
    lane off S and one off T, where the waypoints sit."""
    points = [(0, 0), (10, 0), (5, 0), (5, 3), (-1, -1), (11, -1)]  # S, T, M, P, lane S, lane T
    highway = [(0, 2, 80), (2, 1, 80)]
    scenic = [(0, 3, 60), (3, 1, 60)]
    lanes = [(4, 0, 30), (5, 1, 30)]
    net = make_network(points, both_ways(highway + scenic + lanes))
    mask = np.zeros(net.n_edges, dtype=bool)
    for k, (a, b) in enumerate(zip(net.u, net.v, strict=True)):
        mask[k] = {int(a), int(b)} in ({0, 3}, {3, 1})
    return net, mask


def test_prefer_tourist_roads_switches_route_and_matrix_matches_leg():
    net, mask = _two_routes_network()
    router = Router(net, road_edges={"taihang": mask}, max_snap_km=0.5)
    a, b = node_points(net, [4, 5])
    plain = router.leg(a, b)
    assert plain.nodes == [4, 0, 2, 1, 5]
    assert plain.tourist_road_km == {"taihang": 0.0}
    scenic = router.leg(a, b, prefer_tourist_roads=0.5)
    assert scenic.nodes == [4, 0, 3, 1, 5]
    scenic_km = float(net.length_m[mask].sum() / 2000.0)
    assert scenic.tourist_road_km["taihang"] == pytest.approx(scenic_km, abs=1e-3)
    assert scenic.minutes > plain.minutes
    for prefer, leg in [(1.0, plain), (0.5, scenic)]:
        matrix = router.matrix([a, b], prefer_tourist_roads=prefer, with_km=True)
        assert matrix.minutes[0, 1] == pytest.approx(leg.minutes, rel=1e-12)
        assert matrix.km[0, 1] == pytest.approx(leg.km, rel=1e-12)
        assert matrix.minutes[1, 0] == pytest.approx(router.leg(b, a, prefer_tourist_roads=prefer).minutes, rel=1e-12)
        without_km = router.matrix([a, b], prefer_tourist_roads=prefer)
        assert np.array_equal(without_km.minutes, matrix.minutes)
    weighted = router.matrix([a, b], prefer_tourist_roads=0.5)
    scenic_s = net.travel_time_s[mask].sum() / 2
    lanes = [k for k in range(net.n_edges) if {int(net.u[k]), int(net.v[k])} in ({4, 0}, {5, 1})]
    lanes_s = net.travel_time_s[lanes].sum() / 2
    assert weighted.cost[0, 1] * 60 == pytest.approx(scenic_s * 0.5 + lanes_s, rel=1e-9)
    with pytest.raises(ValueError, match="prefer_tourist_roads"):
        router.matrix([a, b], prefer_tourist_roads=0.0)


def test_tree_only_network():
    # a network without any cycle: everything is one dead-end tree
    net = make_network([(0, 0), (1, 0), (2, 0), (2, 1)], both_ways([(0, 1, 30), (1, 2, 30), (2, 3, 30)]))
    router = Router(net, max_snap_km=0.5)
    wps = node_points(net, range(4))
    matrix = router.matrix(wps, with_km=True)
    expected = _dijkstra_s(net, list(range(4)))
    assert np.allclose(matrix.minutes * 60, expected, rtol=1e-9)
    assert router.leg(wps[0], wps[3]).nodes == [0, 1, 2, 3]


def test_network_report_lists_seats_off_the_network():
    from routing.check import network_report

    net = make_network(SQUARE, SQUARE_EDGES)
    router = Router(net, max_snap_km=5.0)
    seats = [*node_points(net, [0, 2]), Waypoint("far", *grid_point(300, 0))]
    report = network_report(net, router, seats)
    assert report["seats_off_network"] == ["far"]
    assert (report["seat_pairs"], report["seat_pairs_connected"]) == (1, 1)
    assert report["longest_seat_pair_minutes"] == pytest.approx(4.0, abs=0.01)  # 4 km at 60 km/h
    alone = network_report(net, router, seats[2:])
    assert (alone["seat_pairs"], alone["longest_seat_pair_minutes"]) == (0, None)
