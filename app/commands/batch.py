"""``jinlv batch FILE.csv --out DIR``: plan many themed trips for agency groups, sharing beds.

Writes ``DIR/summary.csv`` (product, status, reason), ``DIR/<product>.json`` per planned trip,
``DIR/schedule.csv`` and ``DIR/schedule.xlsx`` (one row per visit), and with ``--zip`` also
``DIR/batch.zip`` (the same plus each trip's GPX and printable day sheet). Every row is checked
first: an invalid row (unknown theme or place, bad date, duplicate product, ...) stops the run
before planning, unless ``--skip-invalid``. Exit code 0 when every request was planned, 1 when
some failed, 2 for an invalid file.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "batch",
        help="plan a batch of agency trips (CSV: product, theme, start, date, days, group_size)",
        description=__doc__.split("\n\n", 1)[1],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("file", type=Path, metavar="FILE.csv")
    parser.add_argument("--out", type=Path, required=True, metavar="DIR", help="output directory")
    parser.add_argument("--zip", action="store_true", help="also write DIR/batch.zip with GPX and day sheets")
    parser.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of the day sheets and GPX")
    parser.add_argument("--skip-invalid", action="store_true", help="plan the valid rows, report invalid ones")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--time-limit", type=float, default=None, help="solver seconds per request (default: settings)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from app.batch_files import batch_zip, write_batch_outputs
    from app.services.batches import BatchRejected, routable, validate_items
    from app.services.trips import trip_title
    from app.web.pages import print_sheet
    from gis_data.db import get_engine, session_scope
    from gis_data.settings import get_settings
    from itineraries.batch import BatchOutcome, parse_batch_csv, run_batch
    from itineraries.catalog import load_catalog
    from itineraries.exports import to_gpx
    from routing.store import get_router

    if not args.file.is_file():
        print(f"jinlv batch: error: no such file: {args.file}", file=sys.stderr)
        return 2
    settings = get_settings()
    with session_scope(get_engine()) as session:
        catalog = load_catalog(session)
    try:
        items = parse_batch_csv(
            args.file.read_bytes(), filename=args.file.name, routable=routable(catalog), language=args.lang
        )
        validate_items(items, catalog, source="csv")
    except ValueError as exc:
        print(f"jinlv batch: error: {exc}", file=sys.stderr)
        return 2
    except BatchRejected as exc:
        print(f"jinlv batch: {args.file.name}: {len(exc.errors)} invalid value(s):", file=sys.stderr)
        for err in exc.errors:
            print(f"  {err['msg']}", file=sys.stderr)
        if not args.skip_invalid:
            print("nothing planned; fix the file, or plan the valid rows with --skip-invalid", file=sys.stderr)
            return 2
        bad: dict[str, str] = {}
        for err in exc.errors:
            bad.setdefault(err["loc"][1], err["msg"].split(": ", 1)[-1])
        items = [replace(it, request=None, error=bad[it.row]) if it.row in bad and it.request else it for it in items]
    bar = tqdm(total=len(items), unit="trip", disable=args.quiet, file=sys.stderr)

    def progress(done: int, total: int, outcome: BatchOutcome) -> None:
        bar.update(1)
        bar.set_postfix_str(f"{outcome.product}: {outcome.status}")

    outcomes = run_batch(
        items,
        catalog,
        get_router(settings),
        cache_dir=settings.cache_dir,
        seed=args.seed,
        time_limit=args.time_limit if args.time_limit is not None else settings.plan_time_limit,
        progress=progress,
    )
    bar.close()
    for o in outcomes:
        if o.itinerary is not None and o.notes:
            o.itinerary["batch_notes"] = list(o.notes)
    summary = write_batch_outputs(outcomes, args.out)
    if args.zip:
        for o in outcomes:
            if o.itinerary is not None:
                o.itinerary["title"] = trip_title(o.itinerary["request"], o.itinerary, lang=args.lang)
        content = batch_zip(
            outcomes,
            extra={
                ".gpx": lambda it: to_gpx(it, lang=args.lang, title=it["title"]),
                ".html": lambda it: print_sheet(it, lang=args.lang),
            },
        )
        (args.out / "batch.zip").write_bytes(content)
    planned = sum(o.status == "planned" for o in outcomes)
    print(f"{planned} of {len(outcomes)} requests planned; summary in {summary}")
    for o in outcomes:
        if o.status != "planned":
            print(f"  {o.product}: {o.reason}", file=sys.stderr)
    return 0 if planned == len(outcomes) else 1
