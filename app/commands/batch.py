"""``jinlv batch FILE.csv --out DIR``: plan many themed trips for agency groups, sharing beds."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "batch", help="plan a batch of agency trips (CSV: product, theme, start, date, days, group_size)"
    )
    parser.add_argument("file", type=Path)
    parser.add_argument("--out", type=Path, required=True, help="output directory")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--time-limit", type=float, default=0.8, help="solver seconds per request")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from app.batch_files import write_batch_outputs
    from gis_data.db import get_engine, session_scope
    from gis_data.settings import get_settings
    from itineraries.batch import BatchOutcome, parse_batch_csv, run_batch
    from itineraries.catalog import load_catalog
    from routing.store import get_router

    if not args.file.is_file():
        msg = f"no such file: {args.file}"
        raise FileNotFoundError(msg)
    items = parse_batch_csv(args.file.read_bytes(), filename=args.file.name)
    with session_scope(get_engine()) as session:
        catalog = load_catalog(session)
    bar = tqdm(total=len(items), unit="trip", disable=args.quiet, file=sys.stderr)

    def progress(done: int, total: int, outcome: BatchOutcome) -> None:
        bar.update(1)
        bar.set_postfix_str(f"{outcome.product}: {outcome.status}")

    outcomes = run_batch(
        items,
        catalog,
        get_router(),
        cache_dir=get_settings().cache_dir,
        seed=args.seed,
        time_limit=args.time_limit,
        progress=progress,
    )
    bar.close()
    summary = write_batch_outputs(outcomes, args.out)
    planned = sum(o.status == "planned" for o in outcomes)
    print(f"{planned} of {len(outcomes)} requests planned; summary in {summary}")
    return 0 if planned == len(outcomes) else 1
