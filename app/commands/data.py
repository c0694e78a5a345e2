"""``jinlv data build`` and ``jinlv data check``."""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("data", help="build or check the GIS data")
    sub = parser.add_subparsers(dest="data_command", metavar="ACTION", required=True)
    build = sub.add_parser("build", help="migrate the database, load the layers, build the network (first time)")
    build.add_argument("--force", action="store_true", help="reload layers and re-route roads even if current")
    build.add_argument("--quiet", action="store_true", help="print nothing but errors")
    build.set_defaults(func=run_build)
    check = sub.add_parser("check", help="counts per layer, missing coordinates, network connectivity")
    check.add_argument("--json", action="store_true", help="print one JSON object")
    check.set_defaults(func=run_check)


def _say(args: argparse.Namespace, text: str) -> None:
    if not getattr(args, "quiet", False):
        print(text, file=sys.stderr, flush=True)


def run_build(args: argparse.Namespace) -> int:
    from gis_data.build import load_builtin_layers
    from gis_data.db import get_engine
    from gis_data.network_source import embedded_network_path, ensure_embedded_network
    from gis_data.settings import get_settings
    from routing.road_layer import update_tourist_roads

    settings = get_settings()
    engine = get_engine()
    start = time.perf_counter()
    counts = load_builtin_layers(engine, force=args.force)
    _say(
        args,
        f"database {engine.url.render_as_string(hide_password=True)}: "
        + (", ".join(f"{k} {v}" for k, v in counts.items()) if counts else "layers up to date"),
    )
    if not embedded_network_path(settings.cache_dir).exists():
        _say(args, "building the embedded road network from scgraph-data (first time only)")
    ensure_embedded_network(settings.cache_dir, quiet=args.quiet)
    roads = update_tourist_roads(engine, settings, force=args.force)
    from itineraries.solver import warm_up

    # The solver's numba kernels compile once and are cached on disk, so the first plan is fast.
    compiled = warm_up()
    if compiled > 1.0:
        _say(args, f"solver kernels compiled in {compiled:.1f} s (cached for later runs)")
    if roads:
        for r in roads:
            _say(
                args,
                f"tourist road {r['road']}: routed {r['routed_km']} km (official {r['official_km']} km), "
                f"{len(r['skipped_points'])} control points skipped",
            )
    _say(args, f"data ready in {time.perf_counter() - start:.1f} s")
    return 0


def check_report() -> dict[str, Any]:
    """The data check as one dict (layers from the database, network from the active network)."""
    from gis_data.check import layer_report
    from gis_data.db import get_engine, session_scope
    from gis_data.gazetteer import Gazetteer
    from gis_data.settings import get_settings
    from routing.check import network_report
    from routing.router import Waypoint
    from routing.store import active_network, get_router

    settings = get_settings()
    with session_scope(get_engine()) as session:
        report = layer_report(session)
        seats = [p for p in Gazetteer.from_session(session).places if p.kind == "city"]
    waypoints = [Waypoint(p.name_zh, p.lat, p.lon) for p in seats if p.located]
    report["network"] = network_report(active_network(settings), get_router(settings), waypoints)
    return report


def run_check(args: argparse.Namespace) -> int:
    report = check_report()
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return 0
    print("spots by grade: " + ", ".join(f"{g} {n}" for g, n in report["spots_by_grade"].items()))
    print(
        f"spots without coordinates ({len(report['spots_without_coords'])}): "
        + ", ".join(s["name_zh"] for s in report["spots_without_coords"])
    )
    print(f"spots outside their stated city: {len(report['spots_outside_city'])}")
    for s in report["spots_outside_city"]:
        print(f"  {s['name_zh']}: stated {s['stated_city']}, lies in {s['found_city']} ({s['km_outside']} km out)")
    print(
        f"heritage sites {report['heritage_sites']} ({report['heritage_sites_with_coords']} with coordinates, "
        f"{report['heritage_sites_linked_to_spots']} linked to spots)"
    )
    print(
        f"tourist roads {report['tourist_roads']}, control points {report['road_control_points']} "
        f"({report['road_control_points_without_coords']} without coordinates)"
    )
    print(f"cities {report['cities']}, counties {report['counties']}")
    print(
        f"lodging places {report['lodging_places']}, beds {report['beds_total']:,} "
        f"(estimated {report['beds_estimated']:,}, real {report['beds_real']:,})"
    )
    net = report["network"]
    print(
        f"network {net['name']}: {net['nodes']:,} nodes, {net['edges']:,} edges, largest component "
        f"{net['largest_component_share']:.1%}; seat pairs connected {net['seat_pairs_connected']}/{net['seat_pairs']}"
    )
    if net["seats_off_network"]:
        print(f"prefecture seats off this network: {len(net['seats_off_network'])}")
    return 0
