"""Coverage-audit benchmark: 5,000 SYNTHETIC signs on the three routed tourist roads.

Usage: ``python benchmarks/signage_coverage.py [--json] [--signs N] [--runs N] [--data-dir DIR]``. Without
``--data-dir`` it builds a fresh temporary data directory first (``jinlv data build``, about 6 s).

Times (median of ``--runs``):

* ``analysis_s``: :func:`routing.coverage.analyse_coverage` on inputs already in memory, with the
  network junction finder and the county split: the figure of the 2 s target;
* ``from_database_s``: :func:`routing.coverage_data.coverage_from_database` with the signs given
  (adds reading roads, spots, towns and county polygons from the database);
* ``validate_file_s``: validating the 5,000-row CSV with the bureau import's rules (once);
* ``generate_s``: generating the sample (once).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _median_time(fn, runs: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(runs):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--signs", type=int, default=5000, help="number of synthetic signs (default 5000)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs (default 5)")
    parser.add_argument("--data-dir", type=Path, help="an already built JINLV_DATA_DIR (default: build a fresh one)")
    args = parser.parse_args()
    if args.data_dir is None:
        os.environ["JINLV_DATA_DIR"] = tempfile.mkdtemp(prefix="jinlv-bench-coverage-")
        from app.cli import main as cli

        if cli(["data", "build", "--quiet"]) != 0:
            return 1
    else:
        os.environ["JINLV_DATA_DIR"] = str(args.data_dir)

    import shapely

    from gis_data.check import load_boundaries
    from gis_data.db import get_engine, session_scope
    from gis_data.importers.batches import validate_file
    from routing.coverage import SignRecord, analyse_coverage
    from routing.coverage_data import (
        coverage_from_database,
        load_counties,
        load_roads,
        load_spots,
        load_towns,
        network_junctions,
    )
    from routing.signage_sample import generate_sample, sample_csv

    start = time.perf_counter()
    finder = network_junctions()
    network_s = time.perf_counter() - start
    with session_scope(get_engine()) as session:
        roads = load_roads(session)
        spots = load_spots(session)
        towns = load_towns(session)
        counties = load_counties(session)
        province = load_boundaries(session).province
    shapely.prepare(province)
    lines = {rid: r.lines for rid, r in roads.items()}
    start = time.perf_counter()
    rows = generate_sample(
        lines,
        spots=spots,
        seed=7,
        count=args.signs,
        inside=lambda lon, lat: shapely.contains_xy(province, lon, lat),
        junctions=finder,
    )
    generate_s = time.perf_counter() - start
    signs = [SignRecord.from_row(r) for r in rows]

    def analysis():
        return analyse_coverage(lines, signs, spots=spots, towns=towns, counties=counties, junctions=finder)

    analysis_s, result = _median_time(analysis, args.runs)

    def from_db():
        with session_scope(get_engine()) as session:
            return coverage_from_database(session, signs=signs, junctions=finder)

    from_db_s, _ = _median_time(from_db, args.runs)
    data = sample_csv(rows).encode()
    with session_scope(get_engine()) as session:
        start = time.perf_counter()
        valid, _ = validate_file(session, "signs", data, filename="bench.csv")
        validate_s = time.perf_counter() - start
    report = result.to_json()
    out = {
        "signs": len(signs),
        "roads": len(report["roads"]),
        "road_km": report["totals"]["length_km"],
        "runs": args.runs,
        "analysis_s": round(analysis_s, 3),
        "from_database_s": round(from_db_s, 3),
        "validate_file_s": round(validate_s, 3),
        "generate_s": round(generate_s, 3),
        "junction_finder_setup_s": round(network_s, 3),
        "signs_matched": report["totals"]["signs_matched"],
        "unmatched_signs": report["totals"]["unmatched_signs"],
        "coverage_pct": report["totals"]["coverage_pct"],
        "gaps": sum(len(r["gaps"]) for r in report["roads"]),
        "county_rows": sum(len(r["counties"]) for r in report["roads"]),
        "spots_checked": report["totals"]["spots_checked"],
        "spots_without_approach_sign": report["totals"]["spots_without_approach_sign"],
        "valid_rows": len(valid),
        "synthetic_inventory": report["synthetic_inventory"],
        "cpu_count": os.cpu_count(),
    }
    if args.json:
        print(json.dumps(out, indent=2))
    else:
        print(f"SYNTHETIC inventory: {out['signs']} signs on {out['roads']} roads ({out['road_km']:.1f} km routed)")
        print(f"analysis (in memory, network junctions, counties): {out['analysis_s']:.3f} s median of {args.runs}")
        print(f"analysis from database (roads, spots, towns, counties read): {out['from_database_s']:.3f} s")
        print(f"validate the {out['signs']}-row CSV (import rules): {out['validate_file_s']:.3f} s")
        print(f"generate the sample: {out['generate_s']:.3f} s")
        print(
            f"matched {out['signs_matched']}, unmatched {out['unmatched_signs']}, coverage {out['coverage_pct']} %, "
            f"gaps {out['gaps']}, county rows {out['county_rows']}, spots without approach sign "
            f"{out['spots_without_approach_sign']}/{out['spots_checked']}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
