"""Routing benchmark: network load, 300x300 matrix vs networkx, memory, speed-model fit, road lengths.

Usage: ``python benchmarks/routing.py [--json] [--refit]``. Runs in a fresh temporary data directory so
that the first network build really starts from ``scgraph-data``. ``--refit`` fits the speed model again
and rewrites ``routing/data/embedded_speed_model.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _points(session, n: int = 300):
    from sqlalchemy import select

    from gis_data import models
    from routing.router import Waypoint

    pts = [
        Waypoint(s.id, s.lat, s.lon)
        for s in session.scalars(select(models.Spot).order_by(models.Spot.id))
        if s.lat is not None
    ]
    pts += [
        Waypoint(t.id, t.lat, t.lon)
        for t in session.scalars(select(models.LodgingPlace).order_by(models.LodgingPlace.id))
        if t.lat is not None
    ]
    pts += [
        Waypoint(h.id, h.lat, h.lon)
        for h in session.scalars(select(models.HeritageSite).order_by(models.HeritageSite.id))
        if h.lat is not None
    ]
    return pts[:n]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--refit", action="store_true")
    args = parser.parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="jinlv-bench-"))
    os.environ["JINLV_DATA_DIR"] = str(data_dir)

    import networkx as nx
    import numpy as np

    from gis_data.build import load_builtin_layers
    from gis_data.db import get_engine, session_scope
    from gis_data.gazetteer import Gazetteer
    from gis_data.layers import TOURIST_ROADS
    from gis_data.network_source import build_embedded_network, ensure_embedded_network, load_raw_network
    from gis_data.settings import get_settings
    from routing import calibration
    from routing.layers_points import control_points
    from routing.network import to_networkx
    from routing.router import Router
    from routing.store import SPEED_MODEL_FILE, load_embedded_network, speed_model
    from routing.tourist_roads import route_tourist_roads

    settings = get_settings()
    load_builtin_layers(get_engine())

    start = time.perf_counter()
    ensure_embedded_network(settings.cache_dir, quiet=True)
    network = load_embedded_network(settings)
    load_first = time.perf_counter() - start
    cached = []
    for _ in range(3):
        start = time.perf_counter()
        network = load_embedded_network(settings)
        cached.append(time.perf_counter() - start)
    load_cached = statistics.median(cached)

    with session_scope(get_engine()) as session:
        points = _points(session)
        gazetteer = Gazetteer.from_session(session)
    router = Router(network, max_snap_km=settings.max_snap_km)
    start = time.perf_counter()
    router.matrix(points[:2])  # builds the CSR and core graph once per network
    prepare_s = time.perf_counter() - start
    runs = []
    for _ in range(5):
        start = time.perf_counter()
        matrix = router.matrix(points)
        runs.append(time.perf_counter() - start)
    matrix_s = statistics.median(runs)

    graph = to_networkx(network)
    snaps = router.snap(points)
    nodes = [s.node for s in snaps]
    start = time.perf_counter()
    nx_rows = [nx.single_source_dijkstra_path_length(graph, node, weight="travel_time") for node in nodes]
    networkx_s = time.perf_counter() - start
    access = np.array([s.access_s for s in snaps])
    nx_minutes = np.array([[row.get(t, np.inf) for t in nodes] for row in nx_rows])
    nx_minutes = (nx_minutes + access[:, None] + access[None, :]) / 60.0
    # The matrix may take a direct off-network shortcut between very close points; elsewhere it must agree.
    same = np.isclose(np.minimum(nx_minutes, matrix.minutes), matrix.minutes, rtol=1e-9, atol=1e-6)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0

    raw = load_raw_network(ensure_embedded_network(settings.cache_dir, quiet=True))
    if args.refit:
        fit = calibration.fit(raw, gazetteer, start=speed_model())
        SPEED_MODEL_FILE.write_text(
            json.dumps(
                {
                    "parameters": fit["parameters"],
                    "fit": {k: fit[k] for k in ("pairs", "figures", "median_abs_err_pct", "mean_abs_err_pct")},
                },
                indent=2,
            ),
            encoding="utf-8",
        )
        rows = fit["rows"]
    else:
        pairs, pts = calibration._waypoints(gazetteer, calibration.reference_pairs())
        rows = calibration.evaluate(raw, speed_model(), pairs, pts)
    errors = calibration._errors(rows)

    roads = route_tourist_roads(router, control_points(), {r["id"]: r["official_km"] for r in TOURIST_ROADS})
    first_build_only = time.perf_counter()
    build_embedded_network(quiet=True)
    parse_s = time.perf_counter() - first_build_only

    result = {
        "load_first_s": round(load_first, 3),
        "load_cached_s": round(load_cached, 3),
        "scgraph_parse_s": round(parse_s, 3),
        "network": {"nodes": network.n_nodes, "edges": network.n_edges},
        "points": len(points),
        "prepare_s": round(prepare_s, 3),
        "matrix_300_s": round(matrix_s, 3),
        "networkx_300_s": round(networkx_s, 3),
        "speedup": round(networkx_s / matrix_s, 1),
        "matrix_agrees_with_networkx": bool(same.all()),
        "peak_mb": round(peak_mb, 1),
        "fit_median_abs_err_pct": round(float(np.median(errors)), 1),
        "fit_figures": int(errors.size),
        "roads_km": {r: {"routed": round(v.km, 1), "official": v.official_km} for r, v in roads.items()},
    }
    if args.json:
        print(json.dumps(result))
        return 0
    print(f"network: {network.n_nodes:,} nodes, {network.n_edges:,} edges (embedded, largest SCC)")
    print(f"load first (parse scgraph-data + cache): {load_first:.2f} s   cached load: {load_cached:.3f} s")
    print(f"300x300 matrix: {matrix_s:.3f} s (median of 5; CSR/core prepared once in {prepare_s:.3f} s)")
    print(
        f"networkx single-source Dijkstra x300: {networkx_s:.2f} s   speed-up {networkx_s / matrix_s:.1f}x   "
        f"agree: {bool(same.all())}"
    )
    print(f"peak memory: {peak_mb:.0f} MB")
    print(f"speed-model fit on {errors.size} sourced figures: median abs error {np.median(errors):.1f} %")
    print(f"{'from':<14}{'to':<16}{'ref km':>8}{'model':>8}{'err%':>7}{'ref min':>9}{'model':>8}{'err%':>7}")
    for r in rows:
        print(
            f"{r['from'][:12]:<14}{r['to'][:14]:<16}{r['ref_km'] or '':>8}{r['model_km']:>8}"
            f"{'' if r['km_err_pct'] is None else r['km_err_pct']:>7}{r['ref_minutes'] or '':>9}"
            f"{r['model_minutes']:>8}{'' if r['minutes_err_pct'] is None else r['minutes_err_pct']:>7}"
        )
    for road, v in roads.items():
        print(
            f"road {road}: routed {v.km:.0f} km vs official {v.official_km:.0f} km "
            f"({len(v.skipped_points)} control points skipped, {len(v.unrouted_segments)} segments unrouted)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
