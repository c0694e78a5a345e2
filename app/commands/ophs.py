"""``jinlv ophs``: solve an orienteering-problem-with-hotel-selection benchmark file."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

DEFAULT_TIME_LIMIT = 3.0  # mirrors itineraries.solver.solve, not imported here to keep --help fast


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``ophs`` sub-command."""
    parser = subparsers.add_parser(
        "ophs",
        help="solve an OPHS benchmark instance (.ophs file)",
        description="Solve an orienteering problem with hotel selection given in the standard .ophs format.",
    )
    parser.add_argument("file", type=Path, help="instance file (.ophs)")
    parser.add_argument(
        "--time-limit",
        type=float,
        default=DEFAULT_TIME_LIMIT,
        help=f"wall-clock limit in seconds (default {DEFAULT_TIME_LIMIT:g})",
    )
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--json", action="store_true", help="print one JSON object with the tour")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Solve ``args.file`` and print the tour; return the exit code."""
    start = time.perf_counter()
    from itineraries.checker import check_solution
    from itineraries.ophs_reader import read_ophs
    from itineraries.solver import solve

    if args.time_limit is None or not args.time_limit > 0:
        msg = f"--time-limit must be > 0, got {args.time_limit}"
        raise ValueError(msg)
    data = read_ophs(args.file)
    # Leave room for reading and printing within the caller's budget.
    budget = max(0.05, args.time_limit - (time.perf_counter() - start) - 0.05)
    result = solve(data, seed=args.seed, time_limit=budget)
    if not result.feasible:
        print(f"jinlv ophs: {args.file}: no feasible tour: {'; '.join(result.reasons)}", file=sys.stderr)
        return 1
    report = check_solution(data, result.trips)
    if not report.feasible:
        # Never print a tour the independent checker rejects.
        print(f"jinlv ophs: internal error: infeasible tour: {'; '.join(report.violations)}", file=sys.stderr)
        return 3
    seconds = time.perf_counter() - start
    if args.json:
        score = int(report.score) if float(report.score).is_integer() else report.score
        out = {
            "instance": args.file.stem,
            "score": score,
            "seconds": round(seconds, 4),
            "trips": result.trips,
        }
        print(json.dumps(out))
    else:
        print(f"{args.file.stem}: {data.num_vertices} vertices, {data.num_trips} trips")
        print(result.summary())
        print("independent check: feasible")
    return 0
