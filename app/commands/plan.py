"""``jinlv plan``: plan a multi-day trip from the command line."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from itineraries.request import TripRequest


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("plan", help="plan a multi-day self-drive trip")
    parser.add_argument("--start", required=True, help="start: spot, town or city (zh/en) or 'lat,lon'")
    parser.add_argument("--end", default=None, help="end place, or 'anywhere' (default: back to the start)")
    parser.add_argument("--date", dest="start_date", default=None, help="first day, YYYY-MM-DD (default today)")
    parser.add_argument("--days", type=int, default=3, help="number of days, 1-14 (default 3)")
    parser.add_argument("--themes", default="", help="comma-separated theme ids, e.g. ancient_architecture")
    parser.add_argument("--pace", default="normal", choices=("relaxed", "normal", "packed"))
    parser.add_argument("--group-size", type=int, default=2)
    parser.add_argument("--max-drive-hours", type=float, default=4.0)
    parser.add_argument("--day-start", default="08:00")
    parser.add_argument("--day-end", default="19:00")
    parser.add_argument("--must-see", action="append", default=[], help="a spot that must be visited (repeat)")
    parser.add_argument("--exclude", action="append", default=[], help="a spot to leave out (repeat)")
    parser.add_argument("--prefer-tourist-roads", type=float, default=1.0, help="cost factor 0.5-1 on No.1 roads")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--time-limit", type=float, default=None, help="solver seconds (default 0.8)")
    parser.add_argument("--json", action="store_true", help="print the itinerary as JSON")
    parser.add_argument(
        "--out", type=Path, default=None, help="write the itinerary to FILE (.json, .gpx, .kml, .ics or .geojson)"
    )
    parser.set_defaults(func=run)


def _request(args: argparse.Namespace) -> TripRequest:
    from pydantic import ValidationError

    from itineraries.request import TripRequest

    fields = {
        "start": args.start,
        "end": args.end,
        "days": args.days,
        "themes": args.themes,
        "pace": args.pace,
        "group_size": args.group_size,
        "max_drive_hours": args.max_drive_hours,
        "day_start": args.day_start,
        "day_end": args.day_end,
        "must_see": tuple(args.must_see),
        "exclude": tuple(args.exclude),
        "prefer_tourist_roads": args.prefer_tourist_roads,
    }
    if args.start_date:
        fields["start_date"] = args.start_date
    try:
        return TripRequest(**fields)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "request"
        msg = f"{where}: {first['msg']} (got {first.get('input')!r})"
        raise ValueError(msg) from None


def run(args: argparse.Namespace) -> int:
    from gis_data.db import get_engine, session_scope
    from gis_data.settings import get_settings
    from itineraries.catalog import load_catalog
    from itineraries.planner import DEFAULT_TIME_LIMIT, plan_trip
    from routing.store import get_router

    request = _request(args)
    with session_scope(get_engine()) as session:
        catalog = load_catalog(session)
    itinerary = plan_trip(
        request,
        catalog,
        get_router(),
        cache_dir=get_settings().cache_dir,
        seed=args.seed,
        time_limit=args.time_limit or DEFAULT_TIME_LIMIT,
    )
    doc = itinerary.to_json()
    if args.out is not None:
        _write(doc, args.out)
        print(f"wrote {args.out}", file=sys.stderr)
    if args.json:
        print(json.dumps(doc, ensure_ascii=False))
    elif args.out is None:
        _print(doc)
    return 0


def _write(doc: dict, path: Path) -> None:
    suffix = path.suffix.lower()
    if suffix == ".json":
        path.write_text(json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8")
        return
    from itineraries import exports

    writers = {".gpx": "to_gpx", ".kml": "to_kml", ".ics": "to_ics", ".geojson": "to_geojson"}
    if suffix not in writers or not hasattr(exports, writers[suffix]):
        msg = f"--out {path}: unsupported format {suffix!r}; use .json, .gpx, .kml, .ics or .geojson"
        raise ValueError(msg)
    content = getattr(exports, writers[suffix])(doc)
    path.write_text(content if isinstance(content, str) else json.dumps(content, ensure_ascii=False), encoding="utf-8")


def _print(doc: dict) -> None:
    t = doc["totals"]
    print(
        f"{len(doc['days'])} days, {t['spots']} places, {t['km']} km, {t['drive_minutes'] / 60:.1f} h driving, "
        f"tickets ¥{t['tickets_cny']:g} per person"
        + (f" (+{len(t['tickets_unknown'])} unknown)" if t["tickets_unknown"] else "")
    )
    for day in doc["days"]:
        print(f"\nDay {day['index']} {day['date']}: {day['drive_km']} km, {day['drive_minutes']:.0f} min driving")
        print(f"  {day['start']['time']} leave {day['start']['name_zh']}")
        for stop in day["stops"]:
            ticket = "" if stop["ticket_cny"] is None else f", ¥{stop['ticket_cny']:g}"
            print(f"  {stop['arrive']}-{stop['depart']} {stop['name_zh']} ({stop['grade']}{ticket})")
        if day["overnight"]:
            o = day["overnight"]
            est = " (estimate)" if o["beds_estimated"] else ""
            print(f"  {day['ends_at']} night in {o['name_zh']}: {o['beds']:,} beds{est}")
        else:
            print(f"  {day['ends_at']} arrive {day['end']['name_zh']}")
    for note in doc["notes"]:
        print(f"note: {note}")
