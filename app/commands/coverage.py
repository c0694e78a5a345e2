"""``jinlv coverage``: audit the sign coverage of the No.1 tourist roads; ``jinlv coverage sample``.

``jinlv coverage --signs FILE --json`` audits a bureau sign file (validated like ``jinlv import
signs`` but not imported); without ``--signs`` the signs in the database are audited. ``--out``
writes an HTML, JSON or CSV report chosen by the file suffix. ``jinlv coverage sample --out
FILE.csv`` writes a SYNTHETIC sign inventory (:mod:`routing.signage_sample`).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROADS = ("yellow_river", "great_wall", "taihang")
REPORT_SUFFIXES = (".html", ".htm", ".json", ".csv")


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        msg = f"expected a number, got {text!r}"
        raise argparse.ArgumentTypeError(msg) from None
    if not value >= 0:
        msg = f"expected a non-negative number, got {text!r}"
        raise argparse.ArgumentTypeError(msg)
    return value


def register(subparsers: argparse._SubParsersAction) -> None:
    from routing import coverage_params as cov  # constants only: keeps `jinlv --help` fast

    parser = subparsers.add_parser(
        "coverage",
        help="audit road-sign coverage of the No.1 tourist roads (or: coverage sample)",
        description="Audit the sign inventory along the No.1 tourist roads: coverage per road and county, "
        "gaps, graded spots without an approach sign, signs off every road.",
    )
    parser.add_argument(
        "--signs", type=Path, metavar="FILE", help="sign file (CSV/GeoJSON, import columns); default: database signs"
    )
    parser.add_argument("--road", choices=ROADS, action="append", help="road to report (repeatable; default all)")
    for flag, default, metavar, text in (
        ("--tolerance-m", cov.DEFAULT_TOLERANCE_M, "M", "farthest a sign may be from its road"),
        ("--reach-km", cov.DEFAULT_REACH_KM, "KM", "stretch after a sign that it covers"),
        ("--gap-km", cov.DEFAULT_GAP_KM, "KM", "list uncovered stretches longer than this"),
        ("--spot-radius-km", cov.DEFAULT_SPOT_RADIUS_KM, "KM", "check graded spots this near a road"),
        ("--approach-km", cov.DEFAULT_APPROACH_KM, "KM", "a guide sign must be this near before the junction"),
    ):
        parser.add_argument(
            flag, type=_positive, default=default, metavar=metavar, help=f"{text} (default {default:g})"
        )
    parser.add_argument(
        "--grades", default=",".join(cov.DEFAULT_GRADES), help="spot grades to check, comma-separated (default 5A,4A)"
    )
    parser.add_argument(
        "--junctions",
        choices=("network", "nearest_point"),
        default="network",
        help="how a spot's junction is found (default: shortest path on the road network)",
    )
    parser.add_argument("--ignore-bearing", action="store_true", help="treat every sign as facing the road's direction")
    parser.add_argument("--both-sides", action="store_true", help="a spot needs approach signs from both sides")
    parser.add_argument("--crs", help="metric CRS to measure in (default: UTM zone of the roads, EPSG:32649)")
    out = parser.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print the report as JSON")
    out.add_argument("--out", type=Path, metavar="FILE", help="write the report to FILE (.html, .json or .csv)")
    parser.set_defaults(func=run)
    sub = parser.add_subparsers(dest="coverage_command", metavar="sample")
    sample = sub.add_parser("sample", help="write a SYNTHETIC sign inventory along the routed roads (CSV)")
    sample.add_argument("--out", type=Path, required=True, metavar="FILE.csv", help="CSV file to write")
    sample.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    sample.add_argument("--count", type=int, default=2500, help="number of signs (default 2500)")
    sample.set_defaults(func=run_sample)


def _report(args: argparse.Namespace) -> dict[str, Any]:
    from gis_data.db import get_engine, session_scope
    from routing.coverage_data import coverage_from_database, signs_from_file

    grades = [g.strip() for g in args.grades.split(",") if g.strip()]
    with session_scope(get_engine()) as session:
        signs, inventory = None, None
        if args.signs is not None:
            if not args.signs.is_file():
                msg = f"no such file: {args.signs}"
                raise FileNotFoundError(msg)
            signs = signs_from_file(session, args.signs.read_bytes(), filename=args.signs.name)
            inventory = f"file {args.signs.name}"
        result = coverage_from_database(
            session,
            signs=signs,
            inventory=inventory,
            road=args.road,
            junctions=args.junctions,
            tolerance_m=args.tolerance_m,
            reach_km=args.reach_km,
            gap_km=args.gap_km,
            spot_radius_km=args.spot_radius_km,
            approach_km=args.approach_km,
            grades=grades,
            use_bearing=not args.ignore_bearing,
            require_both_sides=args.both_sides,
            crs=args.crs,
        )
    return result.to_json()


def run(args: argparse.Namespace) -> int:
    if args.out is not None and args.out.suffix.lower() not in REPORT_SUFFIXES:
        msg = f"--out {args.out}: unknown report type {args.out.suffix or '(none)'!r}; use .html, .json or .csv"
        raise ValueError(msg)
    report = _report(args)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return 0
    if args.out is not None:
        from app.coverage_report import coverage_csv, render_coverage_html

        suffix = args.out.suffix.lower()
        if suffix == ".json":
            text = json.dumps(report, ensure_ascii=False, indent=2)
        elif suffix == ".csv":
            text = coverage_csv(report)
        else:
            text = render_coverage_html(report)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
        print(f"wrote {args.out}", file=sys.stderr)
    _print_summary(report)
    return 0


def _print_summary(report: dict[str, Any]) -> None:
    if report["synthetic_inventory"]:
        print(f"*** {report['notice']} ***")
    inv = report["inventory"]
    print(f"inventory: {inv['source']}, {inv['signs']} signs ({inv['synthetic_signs']} synthetic)")
    for r in report["roads"]:
        print(
            f"{r['road_id']:<13} {r['length_km']:>8.1f} km  covered {r['covered_km']:>7.1f} km "
            f"({r['coverage_pct']:5.1f} %)  gaps {len(r['gaps']):>3} ({r['gaps_km']:.1f} km)  "
            f"signs {r['signs_matched']:>5}  spots lacking approach sign {r['spots_without_approach_sign']}"
            f"/{r['spots_checked']}"
        )
    t = report["totals"]
    print(
        f"total: {t['covered_km']:.1f} of {t['length_km']:.1f} km covered ({t['coverage_pct']} %), "
        f"{t['unmatched_signs']} unmatched signs, {t['spots_without_approach_sign']} spots without approach sign"
    )


def run_sample(args: argparse.Namespace) -> int:
    import shapely

    from gis_data.check import load_boundaries
    from gis_data.db import get_engine, session_scope
    from routing.coverage_data import load_roads, load_spots, network_junctions
    from routing.signage_sample import generate_sample, write_sample

    if args.out.suffix.lower() != ".csv":
        msg = f"--out {args.out}: the sample is written as CSV, use a .csv file name"
        raise ValueError(msg)
    with session_scope(get_engine()) as session:
        roads = load_roads(session)
        spots = load_spots(session)
        province = load_boundaries(session).province
    shapely.prepare(province)
    rows = generate_sample(
        {rid: r.lines for rid, r in roads.items()},
        spots=spots,
        seed=args.seed,
        count=args.count,
        inside=lambda lon, lat: shapely.contains_xy(province, lon, lat),
        junctions=network_junctions(),
    )
    write_sample(args.out, rows)
    print(f"wrote {len(rows)} SYNTHETIC signs (seed {args.seed}) to {args.out} — not real signage")
    return 0
