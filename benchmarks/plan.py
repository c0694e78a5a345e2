"""Planner benchmark: warm plan timings, scores, gaps to the best-found references and rule checks.

Usage: ``python benchmarks/plan.py [--runs 5] [--max-hotels N|all] [--time-limit S] [--json]``.
Runs in a fresh data directory; the first plan (not timed as warm) fills the travel-matrix cache and
compiles the solver's kernels.

Quality: each plan's primary score (the theme places' score for a themed request, which the planner
maximises first; the whole score otherwise) is compared with ``plan_reference.json`` beside this
file: the best score that long runs of ``benchmarks/plan_quality.py`` (and any run since) found.
Those references are best-found, not proven optima. Trips start on the references' date (opening
hours and closures depend on it) when it is still a valid start date, else 30 days from today.
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
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

REFERENCE = Path(__file__).with_name("plan_reference.json")


def cases(start: str) -> dict[str, Any]:
    """The benchmark requests, all starting on ``start`` (ISO date)."""
    from itineraries.request import TripRequest

    return {
        "5 days from 太原": TripRequest(start="太原", days=5, start_date=start),
        "5 days from 太原, ancient architecture": TripRequest(
            start="太原", days=5, start_date=start, themes=["ancient_architecture"]
        ),
        "3 days from 大同, Buddhist": TripRequest(start="大同", days=3, start_date=start, themes=["buddhist"]),
        "7 days 运城 -> 大同": TripRequest(start="运城", end="大同", days=7, start_date=start),
        "14 days from 太原": TripRequest(start="太原", days=14, start_date=start),
    }


def load_reference() -> dict[str, Any]:
    """The stored references (``{"start_date": ..., "cases": {name: {...}}}``), or an empty dict."""
    if REFERENCE.exists():
        return json.loads(REFERENCE.read_text(encoding="utf-8"))
    return {}


def start_date(reference: dict[str, Any]) -> str:
    """The references' start date if a request may still start then, else 30 days from today."""
    from itineraries.request import TripRequest

    fallback = (date.today() + timedelta(days=30)).isoformat()
    wanted = reference.get("start_date")
    if not wanted:
        return fallback
    try:
        TripRequest(start="太原", days=1, start_date=wanted)
    except ValueError:
        return fallback
    return wanted


def primary_score(itinerary: Any, request: Any, catalog: Any) -> float:
    """What the planner maximises first: the score of the theme's places, or of all places."""
    from itineraries.scoring import place_score
    from itineraries.themes import theme_memberships

    total = 0.0
    for day in itinerary.days:
        for stop in day.stops:
            members = theme_memberships(stop.place_id)
            if request.themes and not members & request.themes.keys():
                continue
            total += place_score(catalog.candidate(stop.place_id).grade, members, request.themes)
    return round(total, 6)


def open_catalog() -> tuple[Any, Any, Path]:
    """Build the data in a fresh directory; return the catalog, router and matrix cache folder."""
    os.environ["JINLV_DATA_DIR"] = tempfile.mkdtemp(prefix="jinlv-plan-")

    from app.cli import main as cli

    cli(["data", "build", "--quiet"])
    from gis_data.db import get_engine, session_scope
    from gis_data.settings import get_settings
    from itineraries.catalog import load_catalog
    from routing.store import get_router

    with session_scope(get_engine()) as session:
        catalog = load_catalog(session)
    return catalog, get_router(), get_settings().cache_dir


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


def parse_hotels(text: str) -> int | None:
    """``'all'`` (every lodging town) or a number of towns."""
    return None if text == "all" else int(text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="seeds per case")
    parser.add_argument("--max-hotels", default=None, help="towns offered: N or 'all' (default: the planner's)")
    parser.add_argument("--time-limit", type=float, default=None, help="solver seconds (default: the planner's)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    catalog, router, cache = open_catalog()
    from itineraries.planner import DEFAULT_MAX_HOTELS, DEFAULT_TIME_LIMIT, plan_trip

    max_hotels = DEFAULT_MAX_HOTELS if args.max_hotels is None else parse_hotels(args.max_hotels)
    time_limit = DEFAULT_TIME_LIMIT if args.time_limit is None else args.time_limit
    reference = load_reference()
    start = start_date(reference)
    same_day = reference.get("start_date") == start
    requests = cases(start)
    options = {"max_hotels": max_hotels, "time_limit": time_limit}
    t0 = time.perf_counter()
    plan_trip(requests["5 days from 太原"], catalog, router, cache_dir=cache, **options)
    first = time.perf_counter() - t0
    rows = []
    for name, request in requests.items():
        times, problems, primaries = [], [], []
        for seed in range(args.runs):
            t0 = time.perf_counter()
            it = plan_trip(request, catalog, router, cache_dir=cache, seed=seed, **options)
            times.append(time.perf_counter() - t0)
            problems += _check(it, catalog, request)
            primaries.append(primary_score(it, request, catalog))
        best = reference.get("cases", {}).get(name, {}).get("primary") if same_day else None
        median = statistics.median(primaries)
        rows.append(
            {
                "case": name,
                "warm_median_s": round(statistics.median(times), 3),
                "warm_max_s": round(max(times), 3),
                "spots": it.totals["spots"],
                "km": it.totals["km"],
                "score": it.totals["score"],
                "theme_share": it.totals["theme_share"],
                "primary_scores": primaries,
                "reference": best,
                # Gap of the median seed; negative when a fast run beats the reference.
                "gap_pct": None if not best else round(100.0 * (best - median) / best, 2),
                "worst_gap_pct": None if not best else round(100.0 * (best - min(primaries)) / best, 2),
                "rule_violations": problems,
            }
        )
    result = {
        "first_plan_s": round(first, 2),
        "candidates": len(catalog.candidates),
        "lodging_towns": len(catalog.lodging),
        "start_date": start,
        "max_hotels": max_hotels,
        "time_limit": time_limit,
        "cases": rows,
    }
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
        return 0
    print(
        f"{len(catalog.candidates)} places to visit, {len(catalog.lodging)} lodging towns; "
        f"first plan (matrix + kernels): {first:.2f} s; start {start}; max_hotels {max_hotels}; "
        f"time limit {time_limit:g} s; {args.runs} seeds"
    )
    print(
        f"{'case':<40}{'warm median s':>14}{'max s':>7}{'spots':>6}{'km':>8}{'score':>7}"
        f"{'primary med':>12}{'best found':>11}{'gap %':>7}{'worst %':>8}  violations"
    )
    for r in rows:
        ref = "-" if r["reference"] is None else f"{r['reference']:g}"
        gap = "-" if r["gap_pct"] is None else f"{r['gap_pct']:.1f}"
        worst = "-" if r["worst_gap_pct"] is None else f"{r['worst_gap_pct']:.1f}"
        print(
            f"{r['case']:<40}{r['warm_median_s']:>14}{r['warm_max_s']:>7}{r['spots']:>6}{r['km']:>8}"
            f"{r['score']:>7}{statistics.median(r['primary_scores']):>12g}{ref:>11}{gap:>7}{worst:>8}"
            f"  {len(r['rule_violations'])}"
        )
    if not same_day:
        print("(no references for this start date: run benchmarks/plan_quality.py)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
