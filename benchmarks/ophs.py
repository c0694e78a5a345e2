"""Benchmark the OPHS solver on a standard instance set.

Usage::

    python benchmarks/ophs.py [--set SET1|SET5] [--time-limit S] [--seed N] [--json] [--limit K]

Runs every instance in-process, re-checks each tour with the independent checker and prints a
table (instance, score, best known, gap %, seconds, feasible) followed by totals.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from itineraries.checker import check_solution  # noqa: E402
from itineraries.ophs_reader import read_ophs  # noqa: E402
from itineraries.solver import solve, warm_up  # noqa: E402


def _data_folder() -> Path:
    """``shared/data/ophs`` beside the checkout (or beside its parent, for git worktrees)."""
    override = os.environ.get("JINLV_OPHS_DATA")
    if override:
        return Path(override)
    candidates = [ROOT / ".." / "shared" / "data" / "ophs", ROOT / ".." / ".." / "shared" / "data" / "ophs"]
    return next((c for c in candidates if c.is_dir()), candidates[0])


DATA = _data_folder()


def _best_known(name: str) -> dict[str, float]:
    path = DATA / f"{name}_best_known.csv"
    if not path.exists():
        return {}
    with path.open(newline="") as fh:
        return {row["instance"]: float(row["best_known_score"]) for row in csv.DictReader(fh)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", default="SET1", help="instance set folder under shared/data/ophs")
    parser.add_argument("--time-limit", type=float, default=None, help="seconds per instance")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", action="store_true", help="print one JSON object per instance")
    parser.add_argument("--limit", type=int, default=None, help="run only the first K instances")
    parser.add_argument("--data", type=Path, default=DATA, help="folder holding the instance sets")
    args = parser.parse_args(argv)

    folder = args.data / args.set
    files = sorted(folder.glob("*.ophs"), key=_natural)
    if not files:
        print(f"no .ophs files in {folder}", file=sys.stderr)
        return 1
    if args.limit is not None:
        files = files[: args.limit]
    best = _best_known(args.set) if args.data == DATA else {}
    options = {} if args.time_limit is None else {"time_limit": args.time_limit}

    # Compile (or load from cache) the numba kernels outside the timed runs.
    warm = warm_up()
    if not args.json:
        print(f"warm-up (numba compile or cache load): {warm:.2f} s", file=sys.stderr)

    rows = []
    if not args.json:
        print(f"{'instance':<18} {'score':>8} {'best':>8} {'gap %':>7} {'seconds':>8} feasible")
    for path in files:
        data = read_ophs(path)
        start = time.perf_counter()
        result = solve(data, seed=args.seed, **options)
        seconds = time.perf_counter() - start
        report = check_solution(data, result.trips) if result.feasible else None
        feasible = bool(report and report.feasible)
        score = report.score if report else 0.0
        known = best.get(data.name)
        gap = None if not known else 100.0 * (known - score) / known
        rows.append((data.name, score, known, gap, seconds, feasible))
        if args.json:
            print(
                json.dumps(
                    {
                        "instance": data.name,
                        "score": score,
                        "best_known": known,
                        "gap": gap,
                        "seconds": round(seconds, 4),
                        "feasible": feasible,
                    }
                ),
                flush=True,
            )
        else:
            print(
                f"{data.name:<18} {score:>8g} {_fmt(known, 'g'):>8} {_fmt(gap, '.3f'):>7} "
                f"{seconds:>8.3f} {'yes' if feasible else 'NO'}",
                flush=True,
            )

    gaps = [r[3] for r in rows if r[3] is not None]
    secs = [r[4] for r in rows]
    at_best = sum(1 for r in rows if r[2] is not None and r[1] >= r[2] - 1e-9)
    above = sum(1 for r in rows if r[2] is not None and r[1] > r[2] + 1e-9)
    infeasible = sum(1 for r in rows if not r[5])
    totals = {
        "instances": len(rows),
        "with_best_known": len(gaps),
        "at_best_known": at_best,
        "above_best_known": above,
        "at_best_known_pct": 100.0 * at_best / len(gaps) if gaps else None,
        "mean_gap_pct": statistics.fmean(gaps) if gaps else None,
        "mean_seconds": statistics.fmean(secs),
        "max_seconds": max(secs),
        "infeasible": infeasible,
    }
    if args.json:
        print(json.dumps({"totals": totals}))
    else:
        print("-" * 60)
        print(f"instances            {len(rows)}  (infeasible: {infeasible})")
        if gaps:
            print(f"at best known        {at_best}/{len(gaps)} = {totals['at_best_known_pct']:.1f} %  (above: {above})")
            print(f"mean gap             {totals['mean_gap_pct']:.4f} %")
        print(f"mean seconds         {totals['mean_seconds']:.3f}")
        print(f"max seconds          {totals['max_seconds']:.3f}")
        print(f"total seconds        {sum(secs):.1f}")
    return 0 if infeasible == 0 else 1


def _fmt(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def _natural(path: Path) -> tuple:
    parts = path.stem.replace("T", "T-").split("-")
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts)


if __name__ == "__main__":
    sys.exit(main())
