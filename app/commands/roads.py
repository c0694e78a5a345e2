"""``jinlv roads``: the routed No.1 tourist roads and their length against the official figure."""

from __future__ import annotations

import argparse
import json


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("roads", help="the three No.1 tourist roads as routed on the active network")
    parser.add_argument("--geojson", action="store_true", help="print a GeoJSON FeatureCollection")
    parser.set_defaults(func=run)


def roads_feature_collection(session) -> dict:
    """The routed roads as a FeatureCollection (one feature per road)."""
    from sqlalchemy import select

    from gis_data import models

    features = []
    for road in session.scalars(select(models.TouristRoad).order_by(models.TouristRoad.id)):
        features.append(
            {
                "type": "Feature",
                "geometry": road.geometry,
                "properties": {
                    "road": road.id,
                    "name_zh": road.name_zh,
                    "name_en": road.name_en,
                    "km": road.routed_km,
                    "official_km": road.official_km,
                    "official_km_source": road.official_km_source,
                    "network": road.routed_network,
                    "skipped_control_points": road.skipped_points or [],
                },
            }
        )
    return {"type": "FeatureCollection", "features": features, "attribution": "© OpenStreetMap contributors (ODbL)"}


def run(args: argparse.Namespace) -> int:
    from gis_data.db import get_engine, session_scope

    with session_scope(get_engine()) as session:
        collection = roads_feature_collection(session)
    if not any(f["geometry"] for f in collection["features"]):
        msg = "the tourist roads have not been routed yet: run `jinlv data build`"
        raise LookupError(msg)
    if args.geojson:
        print(json.dumps(collection, ensure_ascii=False))
        return 0
    for f in collection["features"]:
        p = f["properties"]
        skipped = [s for s in p["skipped_control_points"] if "seq" in s]
        print(
            f"{p['road']:<13} {p['name_zh']}: routed {p['km']} km, official {p['official_km']} km "
            f"({len(skipped)} control points without coordinates or off the network skipped)"
        )
    return 0
