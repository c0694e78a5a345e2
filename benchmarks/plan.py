"""Planner benchmark: 5 days from 太原 over all spots, warm, and the rules each plan keeps.

Usage: ``python benchmarks/plan.py [--runs 5] [--json]``. Runs in a fresh data directory; the first
plan (not timed as warm) fills the travel-matrix cache and compiles the solver's kernels.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _check(it, catalog, request) -> list[str]:
    from itineraries.calendar import day_status

    problems, seen = [], set()
    for day in it.days:
        if day.drive_minutes > request.max_drive_hours * 60 + 1e-6:
            problems.append(f"day {day.index} drives {day.drive_minutes} min")
        if day.ends_at > request.day_end:
            problems.append(f"day {day.index} ends {day.ends_at}")
        for stop in day.stops:
            if stop.place_id in seen:
                problems.append(f"{stop.name_zh} twice")
            seen.add(stop.place_id)
            c = catalog.candidate(stop.place_id)
            if not day_status(c.hours, c.closures, date.fromisoformat(day.date)).open:
                problems.append(f"{stop.name_zh} closed on {day.date}")
        if day.overnight is not None and day.overnight.beds < request.group_size:
            problems.append(f"night {day.index} in {day.overnight.name_zh} lacks beds")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    os.environ["JINLV_DATA_DIR"] = tempfile.mkdtemp(prefix="jinlv-plan-")

    from app.cli import main as cli

    cli(["data", "build", "--quiet"])
    from gis_data.db import get_engine, session_scope
    from gis_data.settings import get_settings
    from itineraries.catalog import load_catalog
    from itineraries.planner import plan_trip
    from itineraries.request import TripRequest
    from routing.store import get_router

    with session_scope(get_engine()) as session:
        catalog = load_catalog(session)
    router, cache = get_router(), get_settings().cache_dir
    start = (date.today() + timedelta(days=30)).isoformat()
    cases = {
        "5 days from 太原": TripRequest(start="太原", days=5, start_date=start),
        "5 days from 太原, ancient architecture": TripRequest(
            start="太原", days=5, start_date=start, themes=["ancient_architecture"]
        ),
        "3 days from 大同, Buddhist": TripRequest(start="大同", days=3, start_date=start, themes=["buddhist"]),
        "7 days 运城 -> 大同": TripRequest(start="运城", end="大同", days=7, start_date=start),
        "14 days from 太原": TripRequest(start="太原", days=14, start_date=start),
    }
    t0 = time.perf_counter()
    plan_trip(cases["5 days from 太原"], catalog, router, cache_dir=cache)
    first = time.perf_counter() - t0
    rows = []
    for name, request in cases.items():
        times, problems = [], []
        for seed in range(args.runs):
            t0 = time.perf_counter()
            it = plan_trip(request, catalog, router, cache_dir=cache, seed=seed)
            times.append(time.perf_counter() - t0)
            problems += _check(it, catalog, request)
        rows.append(
            {
                "case": name,
                "warm_median_s": round(statistics.median(times), 3),
                "warm_max_s": round(max(times), 3),
                "spots": it.totals["spots"],
                "km": it.totals["km"],
                "score": it.totals["score"],
                "theme_share": it.totals["theme_share"],
                "rule_violations": problems,
            }
        )
    result = {
        "first_plan_s": round(first, 2),
        "candidates": len(catalog.candidates),
        "lodging_towns": len(catalog.lodging),
        "cases": rows,
    }
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
        return 0
    print(
        f"{len(catalog.candidates)} places to visit, {len(catalog.lodging)} lodging towns; "
        f"first plan (matrix + kernels): {first:.2f} s"
    )
    print(f"{'case':<42}{'warm median s':>14}{'max s':>8}{'spots':>7}{'km':>8}{'score':>8}  violations")
    for r in rows:
        print(
            f"{r['case']:<42}{r['warm_median_s']:>14}{r['warm_max_s']:>8}{r['spots']:>7}{r['km']:>8}"
            f"{r['score']:>8}  {len(r['rule_violations'])}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
