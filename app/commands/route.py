"""``jinlv route FROM TO``: drive distance, time and km on each No.1 tourist road."""

from __future__ import annotations

import argparse
import json


def _factor(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        msg = f"--prefer-tourist-roads must be a number in (0, 1], got {text!r}"
        raise argparse.ArgumentTypeError(msg) from None
    if not 0 < value <= 1:
        msg = f"--prefer-tourist-roads must be in (0, 1], got {text!r}"
        raise argparse.ArgumentTypeError(msg)
    return value


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("route", help="drive from one place to another (spot, town, city or 'lat,lon')")
    parser.add_argument("origin", metavar="FROM")
    parser.add_argument("destination", metavar="TO")
    parser.add_argument(
        "--prefer-tourist-roads",
        type=_factor,
        default=1.0,
        metavar="F",
        help="cost factor on No.1 tourist road edges, e.g. 0.8 (default 1: fastest route)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from gis_data.db import get_engine, session_scope
    from gis_data.gazetteer import Gazetteer
    from routing.places import waypoint
    from routing.router import ROAD_IDS
    from routing.store import get_router

    with session_scope(get_engine()) as session:
        gazetteer = Gazetteer.from_session(session)
    origin = gazetteer.resolve(args.origin)
    destination = gazetteer.resolve(args.destination)
    router = get_router()
    leg = router.leg(waypoint(origin), waypoint(destination), prefer_tourist_roads=args.prefer_tourist_roads)
    road_km = {road: round(leg.tourist_road_km.get(road, 0.0), 1) for road in ROAD_IDS}
    if args.json:
        print(
            json.dumps(
                {
                    "from": origin.name_zh,
                    "to": destination.name_zh,
                    "km": round(leg.km, 1),
                    "minutes": round(leg.minutes, 1),
                    "tourist_road_km": road_km,
                    "network": router.network.name,
                },
                ensure_ascii=False,
            )
        )
        return 0
    hours, minutes = divmod(round(leg.minutes), 60)
    print(f"{origin.name_zh} → {destination.name_zh}: {leg.km:.1f} km, {hours} h {minutes:02d} min")
    on_roads = ", ".join(f"{road} {km} km" for road, km in road_km.items() if km)
    print(f"on No.1 tourist roads: {on_roads or 'none'}")
    return 0
