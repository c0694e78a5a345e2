"""``jinlv import spots|lodging|signs FILE``, ``jinlv import list``, ``jinlv import rollback ID``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("import", help="import the bureau's spots, hotels or signs (all-or-nothing)")
    sub = parser.add_subparsers(dest="import_command", metavar="LAYER|list|rollback", required=True)
    for layer, text in (
        ("spots", "scenic spots (CSV/GeoJSON): id, name_zh, grade, city, lat, lon, ..."),
        ("lodging", "hotels (CSV/GeoJSON): name, lat, lon, beds, rooms, star, town; replaces bed estimates"),
        ("signs", "road signs (CSV/GeoJSON): id, lat, lon, kind, languages, target_spot, road, bearing"),
    ):
        p = sub.add_parser(layer, help=text)
        p.add_argument("file", type=Path)
        p.add_argument("--actor", default="cli", help="who imports (kept in the audit log)")
        p.add_argument("--json", action="store_true", help="print the result or the error report as JSON")
        p.set_defaults(func=run_import, layer=layer)
    lst = sub.add_parser("list", help="list import batches")
    lst.add_argument("--json", action="store_true")
    lst.set_defaults(func=run_list)
    rb = sub.add_parser("rollback", help="undo an import batch")
    rb.add_argument("batch_id", type=int)
    rb.add_argument("--actor", default="cli")
    rb.set_defaults(func=run_rollback)


def run_import(args: argparse.Namespace) -> int:
    from gis_data.db import get_engine
    from gis_data.importers import ImportError_, import_file

    path: Path = args.file
    if not path.is_file():
        msg = f"no such file: {path}"
        raise FileNotFoundError(msg)
    try:
        result = import_file(get_engine(), args.layer, path.read_bytes(), filename=path.name, actor=args.actor)
    except ImportError_ as exc:
        if args.json:
            print(
                json.dumps(
                    {"file": exc.filename, "imported": False, "errors": [e.to_json() for e in exc.errors]},
                    ensure_ascii=False,
                    indent=2,
                )
            )
        else:
            print(f"jinlv import: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False))
    else:
        print(
            f"imported {result.rows} {result.layer} rows as batch {result.batch_id} "
            f"({result.inserted} new, {result.replaced} replaced)"
        )
        if result.ignored_columns:
            print(f"ignored columns: {', '.join(result.ignored_columns)}")
    return 0


def run_list(args: argparse.Namespace) -> int:
    from gis_data.db import get_engine
    from gis_data.importers import list_batches

    batches = list_batches(get_engine())
    if args.json:
        print(json.dumps(batches, ensure_ascii=False, indent=2))
        return 0
    if not batches:
        print("no import batches")
    for b in batches:
        print(
            f"{b['id']:>4}  {b['layer']:<8} {b['status']:<12} {b['rows']:>6} rows  {b['created_at'][:19]}  "
            f"{b['created_by']}  {b['filename']}"
        )
    return 0


def run_rollback(args: argparse.Namespace) -> int:
    from gis_data.db import get_engine
    from gis_data.importers import rollback_batch

    result = rollback_batch(get_engine(), args.batch_id, actor=args.actor)
    print(f"rolled back batch {result['batch_id']} ({result['rows']} rows restored or removed)")
    return 0
