"""The planner runs on any routing backend: Router (scipy) and an independent networkx implementation."""

from __future__ import annotations

import numpy as np

from gis_data.db import get_engine, session_scope
from itineraries.catalog import load_catalog
from itineraries.checker import check_solution
from itineraries.planner import build_problem, plan_trip
from itineraries.request import TripRequest
from routing.backends import RoutingBackend
from routing.nx_backend import NetworkxBackend
from routing.router import Waypoint
from routing.store import get_router


def test_both_backends_implement_the_interface_and_agree(built_data_dir):
    router = get_router()
    nx_backend = NetworkxBackend(router.network, max_snap_km=router.max_snap_km)
    assert isinstance(router, RoutingBackend) and isinstance(nx_backend, RoutingBackend)
    assert router.cache_token() != nx_backend.cache_token()
    points = [
        Waypoint("太原", 37.86944, 112.56028),
        Waypoint("平遥", 37.2025, 112.1764),
        Waypoint("大同", 40.09361, 113.29139),
        Waypoint("运城", 35.02306, 110.99278),
    ]
    ours = router.matrix(points, with_km=True)
    theirs = nx_backend.matrix(points, with_km=True)
    # Far-apart cities are never joined by the Router's off-network shortcut, so both must agree.
    np.testing.assert_allclose(ours.minutes, theirs.minutes, rtol=1e-9)
    np.testing.assert_allclose(ours.km, theirs.km, rtol=1e-9)
    leg = nx_backend.leg(points[0], points[2])
    assert abs(leg.minutes - ours.minutes[0, 2]) < 1e-6


def test_planner_runs_on_the_networkx_backend(built_data_dir):
    router = get_router()
    backend = NetworkxBackend(router.network, max_snap_km=router.max_snap_km)
    with session_scope(get_engine()) as session:
        catalog = load_catalog(session)
    request = TripRequest(start="太原", days=1, max_drive_hours=3)
    itinerary = plan_trip(request, catalog, backend, time_limit=0.5)
    assert itinerary.days[0].stops, "a one-day trip from Taiyuan visits something"
    data, vertices, _ = build_problem(request, catalog, backend)
    index = {v.id: i for i, v in enumerate(vertices)}
    trip = [index[itinerary.days[0].start["id"]]]
    trip += [index[s.place_id] for s in itinerary.days[0].stops]
    trip.append(index[itinerary.days[0].end["id"]])
    assert check_solution(data, [trip]).feasible
