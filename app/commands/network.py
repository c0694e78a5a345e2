"""``jinlv network import|use|list|info|download``: the road network routing runs on.

``import`` reads an OpenStreetMap extract (``.osm.pbf``, ``.osm``, ``.osm.bz2``), saves it under the
data directory as ``network/NAME.npz``, makes it the active network and re-routes the No.1 tourist
roads on it (control points farther than ``JINLV_MAX_SNAP_KM`` from its roads are skipped, so a
network outside Shanxi simply routes none). ``use`` switches between ``embedded`` and imported
networks; ``download`` fetches a place's roads through osmnx (needs internet access).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path
from typing import Any

_NAME = re.compile(r"\w[\w.-]{0,63}")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("network", help="import, choose and inspect the road network")
    sub = parser.add_subparsers(dest="network_command", metavar="ACTION", required=True)
    imp = sub.add_parser("import", help="import an OSM extract (.osm.pbf, .osm, .osm.bz2) and make it active")
    imp.add_argument("file", type=Path, help="the OSM file")
    imp.add_argument("--bbox", metavar="W,S,E,N", help="keep only roads inside this box (degrees)")
    imp.add_argument("--name", help="network name (default: the file name without its suffixes)")
    imp.set_defaults(func=run_import)
    use = sub.add_parser("use", help="make the embedded or an imported network active")
    use.add_argument("name", help="'embedded' or the name of an imported network")
    use.set_defaults(func=run_use)
    lst = sub.add_parser("list", help="the embedded and the imported networks")
    lst.add_argument("--json", action="store_true", help="print one JSON array")
    lst.set_defaults(func=run_list)
    info = sub.add_parser("info", help="the active network: size, connectivity, source, attribution")
    info.add_argument("--json", action="store_true", help="print one JSON object")
    info.set_defaults(func=run_info)
    dl = sub.add_parser(
        "download",
        help="download a place's drivable roads with osmnx (needs internet) and make them active",
        description="Download the drivable roads of a place (osmnx.graph_from_place, network_type='drive'); "
        "needs access to Nominatim and the Overpass API.",
    )
    dl.add_argument("--place", required=True, help="a place name Nominatim knows, e.g. 'Pingyao County, China'")
    dl.add_argument("--name", help="network name (default: derived from the place)")
    dl.set_defaults(func=run_download)


def _check_name(name: str) -> str:
    from routing.store import EMBEDDED

    if not _NAME.fullmatch(name) or name == EMBEDDED or name.endswith(".tmp"):
        msg = (
            f"network name {name!r} must be 1-64 letters, digits, '_', '.' or '-' (not starting with "
            f"'.' or '-'), and not {EMBEDDED!r}"
        )
        raise ValueError(msg)
    return name


def _say(text: str) -> None:
    print(text, flush=True)


def _activate(network: Any, *, started: float) -> int:
    """Save an imported network, make it active, re-route the tourist roads and report."""
    from gis_data.settings import get_settings
    from routing.network import save_network
    from routing.store import network_dir, set_active_network

    settings = get_settings()
    path = network_dir(settings) / f"{network.name}.npz"
    save_network(network, path)
    set_active_network(settings, name=network.name, path=path)
    meta = network.meta
    source = Path(meta["source_file"]).name if meta.get("source_file") else meta.get("source_place")
    _say(
        f"network {network.name!r} from {source}: {network.n_nodes:,} nodes, {network.n_edges:,} edges, "
        f"{meta['km']:,.1f} km of road (largest strongly connected part: {meta['largest_component_share']:.1%} "
        f"of {meta['nodes_before']:,} nodes), read in {meta['import_seconds']:.1f} s"
    )
    _say("edges by highway class: " + ", ".join(f"{k} {v:,}" for k, v in meta["highway_edges"].items()))
    _say(f"saved {path}; active network is now {network.name!r}")
    _report_roads(_reroute(settings))
    _say(f"done in {time.perf_counter() - started:.1f} s")
    _warn_override(settings)
    return 0


def _reroute(settings: Any) -> list[dict[str, Any]] | None:
    """Load the layers if needed and route the tourist roads on the active network."""
    from gis_data.build import load_builtin_layers
    from gis_data.db import get_engine
    from routing.road_layer import update_tourist_roads

    engine = get_engine()
    load_builtin_layers(engine)
    return update_tourist_roads(engine, settings)


def _report_roads(roads: list[dict[str, Any]] | None) -> None:
    if roads is None:
        _say("tourist roads: already routed on this network")
        return
    for r in roads:
        if r["routed_km"]:
            _say(
                f"tourist road {r['road']}: routed {r['routed_km']} km (official {r['official_km']} km), "
                f"{len(r['skipped_points'])} control points skipped"
            )
        else:
            _say(f"tourist road {r['road']}: not routed, no two of its control points lie on this network")


def _warn_override(settings: Any) -> None:
    if settings.network_file is not None:
        print(
            f"note: JINLV_NETWORK_FILE={settings.network_file} is set and overrides the active network",
            file=sys.stderr,
        )


def run_import(args: argparse.Namespace) -> int:
    from routing.osm_import import import_osm, network_name, parse_bbox

    started = time.perf_counter()
    name = _check_name(args.name or network_name(args.file))
    network = import_osm(args.file, bbox=parse_bbox(args.bbox), name=name)
    return _activate(network, started=started)


def run_download(args: argparse.Namespace) -> int:
    from gis_data.settings import get_settings
    from routing.osm_import import download_place

    started = time.perf_counter()
    default = re.sub(r"[^\w.-]+", "-", args.place.split(",")[0].strip()).strip("-.") or "place"
    name = _check_name(args.name or default)
    try:
        network = download_place(args.place, name=name, cache_dir=get_settings().cache_dir / "osmnx")
    except ConnectionError as exc:
        print(f"jinlv network: error: {exc}", file=sys.stderr)
        return 1
    return _activate(network, started=started)


def _imported(settings: Any) -> dict[str, Path]:
    from routing.store import network_dir

    folder = network_dir(settings)
    files = sorted(folder.glob("*.npz")) if folder.is_dir() else []
    return {p.stem: p for p in files if not p.stem.endswith(".tmp")}


def run_use(args: argparse.Namespace) -> int:
    from gis_data.settings import get_settings
    from routing.network import load_network
    from routing.store import EMBEDDED, active_network, set_active_network

    settings = get_settings()
    if args.name == EMBEDDED:
        set_active_network(settings, name=EMBEDDED, path=None)
    else:
        imported = _imported(settings)
        if args.name not in imported:
            known = ", ".join([EMBEDDED, *imported])
            msg = f"no network named {args.name!r}; known: {known} (jinlv network list)"
            raise LookupError(msg)
        load_network(imported[args.name])  # refuse a damaged file before switching to it
        set_active_network(settings, name=args.name, path=imported[args.name])
    net = active_network(settings)
    _say(f"active network is now {net.name!r}: {net.n_nodes:,} nodes, {net.n_edges:,} edges")
    _report_roads(_reroute(settings))
    _warn_override(settings)
    return 0


def _summary(name: str, path: Path | None, network: Any) -> dict[str, Any]:
    meta = network.meta
    return {
        "name": name,
        "path": str(path) if path else None,
        "nodes": network.n_nodes,
        "edges": network.n_edges,
        "km": round(float(network.length_m.sum()) / 1000.0, 1),
        "largest_component_share": round(float(meta.get("largest_component_share", 1.0)), 4),
        "nodes_before_component_filter": meta.get("nodes_before", network.n_nodes),
        "highway_edges": meta.get("highway_edges"),
        "source": meta.get("source_file") or meta.get("source_place") or meta.get("source"),
        "bbox": meta.get("bbox"),
        "imported_at": meta.get("imported_at"),
        "attribution": meta.get("attribution", "© OpenStreetMap contributors"),
    }


def run_list(args: argparse.Namespace) -> int:
    from gis_data.settings import get_settings
    from routing.network import load_network
    from routing.store import EMBEDDED, active_record

    settings = get_settings()
    active = active_record(settings)["name"]
    rows = [{"name": EMBEDDED, "active": active == EMBEDDED, "path": None}]
    for name, path in _imported(settings).items():
        try:
            net = load_network(path)
        except (OSError, ValueError, KeyError) as exc:
            rows.append({"name": name, "active": active == name, "path": str(path), "error": str(exc)})
            continue
        rows.append(
            {
                "name": name,
                "active": active == name,
                "path": str(path),
                "nodes": net.n_nodes,
                "edges": net.n_edges,
                "source": net.meta.get("source_file") or net.meta.get("source_place"),
            }
        )
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    for row in rows:
        mark = "*" if row["active"] else " "
        if row["name"] == EMBEDDED:
            detail = "Shanxi highways from scgraph-data"
        elif "error" in row:
            detail = f"unreadable: {row['error']}"
        else:
            detail = f"{row['nodes']:,} nodes, {row['edges']:,} edges, from {row['source']}"
        print(f"{mark} {row['name']}: {detail}")
    return 0


def run_info(args: argparse.Namespace) -> int:
    from gis_data.settings import get_settings
    from routing.store import active_network, active_record

    settings = get_settings()
    record = active_record(settings)
    network = active_network(settings)
    info = _summary(network.name, Path(record["path"]) if record.get("path") else None, network)
    if args.json:
        print(json.dumps(info, ensure_ascii=False, indent=2))
        return 0
    print(f"active network {info['name']!r}" + (f" ({info['path']})" if info["path"] else ""))
    print(
        f"{info['nodes']:,} nodes, {info['edges']:,} edges, {info['km']:,.1f} km; largest strongly connected "
        f"component {info['largest_component_share']:.1%} of {info['nodes_before_component_filter']:,} nodes"
    )
    if info["highway_edges"]:
        print("edges by highway class: " + ", ".join(f"{k} {v:,}" for k, v in info["highway_edges"].items()))
    print(f"source: {info['source']}" + (f", bbox {info['bbox']}" if info["bbox"] else ""))
    print(f"attribution: {info['attribution']}")
    return 0
