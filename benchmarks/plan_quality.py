"""Best-found references for ``benchmarks/plan.py``: long planner runs, several seeds, all towns.

Usage::

    python benchmarks/plan_quality.py [--seconds 40] [--seeds 3] [--first-seed 0] [--max-hotels all,24] [--case NAME]

Each case of ``benchmarks/plan.py`` is planned with a long time limit, no stall limit, every seed and
every hotel setting given; the best primary score found (the theme places' score for a themed
request, else the whole score) is merged into ``plan_reference.json`` (a reference only ever goes
up). These are the best scores found so far, not proven optima: a gap measured against them is a
lower bound on the true gap.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.plan import REFERENCE, cases, load_reference, open_catalog, parse_hotels, primary_score, start_date


def _commit() -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return out.stdout.strip()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=40.0, help="solver time limit per run")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--first-seed", type=int, default=0, help="seeds run: first-seed, first-seed + 1, ...")
    parser.add_argument("--max-hotels", default="all,24", help="comma-separated: N or 'all'")
    parser.add_argument("--case", action="append", help="only these cases (repeatable)")
    args = parser.parse_args()

    catalog, router, cache = open_catalog()
    from itineraries.planner import plan_trip

    reference = load_reference()
    start = start_date(reference)
    if reference.get("start_date") != start:
        reference = {"start_date": start, "cases": {}}
    settings = [parse_hotels(text) for text in args.max_hotels.split(",")]
    # Only the time limit stops a reference run.
    options = {"max_iterations": 10**9, "max_no_improvement": 10**9}
    commit = _commit()
    for name, request in cases(start).items():
        if args.case and name not in args.case:
            continue
        entry = reference["cases"].setdefault(name, {"primary": 0.0, "runs": []})
        for hotels in settings:
            for seed in range(args.first_seed, args.first_seed + args.seeds):
                t0 = time.perf_counter()
                it = plan_trip(
                    request,
                    catalog,
                    router,
                    cache_dir=cache,
                    seed=seed,
                    time_limit=args.seconds,
                    max_hotels=hotels,
                    solver_options=options,
                )
                primary = primary_score(it, request, catalog)
                run = {
                    "primary": primary,
                    "score": it.totals["score"],
                    "seconds": args.seconds,
                    "seed": seed,
                    "max_hotels": hotels,
                    "solver_s": round(it.solver["seconds"], 1),
                    "commit": commit,
                }
                entry["runs"].append(run)
                if primary > entry["primary"]:
                    entry["primary"] = primary
                    entry["score"] = it.totals["score"]
                    entry["found_by"] = run
                print(
                    f"{name:<40} hotels {hotels!s:>4} seed {seed}: primary {primary:g} "
                    f"(best {entry['primary']:g}) in {time.perf_counter() - t0:.0f} s",
                    flush=True,
                )
                REFERENCE.write_text(json.dumps(reference, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
