"""The embedded default road network: Shanxi's part of ``scgraph-data``'s world highway graph.

``scgraph-data`` (PyPI) ships an OpenStreetMap-derived highway graph of the world as a 36 MB
Python module (ODbL: "© OpenStreetMap contributors"). Importing that module would compile it
and needs the matching ``scgraph`` release, so it is read here as text instead: the ``nodes``
line is JSON (``[lat, lon]`` pairs) and the ``graph`` line an adjacency list of distances in km.
The graph is clipped to Shanxi's bounding box plus a margin and saved once as a compact ``.npz``
cache; later loads read only that file.
"""

from __future__ import annotations

import json
import re
import sys
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

ATTRIBUTION = "© OpenStreetMap contributors (ODbL), via scgraph-data"
# Shanxi spans about 110.2-114.6 E, 34.6-40.7 N; a margin of ~25 km keeps roads that leave the
# province for a while (along the Yellow River, round the Taihang) in the graph.
SHANXI_BBOX = (110.2, 34.5, 114.6, 40.8)
DEFAULT_MARGIN_DEG = 0.25
CACHE_NAME = "embedded-shanxi.npz"


@dataclass(frozen=True)
class RawNetwork:
    """An undirected road graph as arrays: nodes and edges with their straight-line length."""

    lat: NDArray[np.float64]
    lon: NDArray[np.float64]
    u: NDArray[np.int32]
    v: NDArray[np.int32]
    km: NDArray[np.float64]
    meta: dict

    @property
    def n_nodes(self) -> int:
        return int(self.lat.size)

    @property
    def n_edges(self) -> int:
        return int(self.u.size)


def _module_path() -> Path:
    dist = metadata.distribution("scgraph-data")
    for f in dist.files or []:
        if str(f).endswith("world_highways.py"):
            return Path(dist.locate_file(f))
    msg = "scgraph-data is installed without world_highways.py"
    raise FileNotFoundError(msg)


def _progress(step: str, start: float, *, quiet: bool) -> None:
    if not quiet:
        print(f"  [network {time.perf_counter() - start:5.1f}s] {step}", file=sys.stderr, flush=True)


def build_embedded_network(
    *,
    bbox: tuple[float, float, float, float] = SHANXI_BBOX,
    margin_deg: float = DEFAULT_MARGIN_DEG,
    quiet: bool = False,
) -> RawNetwork:
    """Parse ``scgraph-data``'s world highway graph and clip it to ``bbox`` widened by ``margin_deg``.

    Parameters
    ----------
    bbox
        ``(west, south, east, north)`` in degrees.
    margin_deg
        Widening of the box on every side, so that routes may leave the province briefly.
    quiet
        If False, print each step and its elapsed time to stderr.
    """
    start = time.perf_counter()
    path = _module_path()
    _progress(f"reading {path.name} ({path.stat().st_size / 1e6:.0f} MB)", start, quiet=quiet)
    graph_line = nodes_line = None
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("graph="):
                graph_line = line[len("graph=") :]
            elif line.startswith("nodes="):
                nodes_line = line[len("nodes=") :]
    if graph_line is None or nodes_line is None:
        msg = f"{path} has no 'graph=' or 'nodes=' line: unexpected scgraph-data layout"
        raise ValueError(msg)
    _progress("parsing nodes", start, quiet=quiet)
    nodes = np.asarray(json.loads(nodes_line), dtype=np.float64)
    west, south, east, north = bbox
    keep = (
        (nodes[:, 0] >= south - margin_deg)
        & (nodes[:, 0] <= north + margin_deg)
        & (nodes[:, 1] >= west - margin_deg)
        & (nodes[:, 1] <= east + margin_deg)
    )
    _progress(f"parsing adjacency of {nodes.shape[0]:,} world nodes", start, quiet=quiet)
    adjacency = json.loads(re.sub(r"(\d+):", r'"\1":', graph_line))
    old_ids = np.flatnonzero(keep)
    new_id = np.full(nodes.shape[0], -1, dtype=np.int64)
    new_id[old_ids] = np.arange(old_ids.size)
    us, vs, kms = [], [], []
    for old in old_ids:
        a = new_id[old]
        for nbr, dist in adjacency[old].items():
            b = new_id[int(nbr)]
            # The source graph is symmetric: keep each undirected edge once, inside the box.
            if b > a:
                us.append(a)
                vs.append(b)
                kms.append(dist)
    del adjacency
    _progress(f"clipped to {old_ids.size:,} nodes and {len(us):,} edges", start, quiet=quiet)
    meta = {
        "source": f"scgraph-data {metadata.version('scgraph-data')} world_highways",
        "attribution": ATTRIBUTION,
        "bbox": list(bbox),
        "margin_deg": margin_deg,
        "build_seconds": round(time.perf_counter() - start, 2),
    }
    return RawNetwork(
        lat=nodes[old_ids, 0].copy(),
        lon=nodes[old_ids, 1].copy(),
        u=np.asarray(us, dtype=np.int32),
        v=np.asarray(vs, dtype=np.int32),
        km=np.asarray(kms, dtype=np.float64),
        meta=meta,
    )


def save_raw_network(net: RawNetwork, path: Path) -> None:
    """Write ``net`` to a compressed ``.npz`` file atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.npz")
    np.savez_compressed(tmp, lat=net.lat, lon=net.lon, u=net.u, v=net.v, km=net.km, meta=np.array(json.dumps(net.meta)))
    tmp.replace(path)


def load_raw_network(path: Path) -> RawNetwork:
    """Read a network written by :func:`save_raw_network`."""
    with np.load(path, allow_pickle=False) as data:
        return RawNetwork(
            lat=data["lat"],
            lon=data["lon"],
            u=data["u"],
            v=data["v"],
            km=data["km"],
            meta=json.loads(str(data["meta"])),
        )


def embedded_network_path(cache_dir: Path) -> Path:
    return cache_dir / "network" / CACHE_NAME


def ensure_embedded_network(cache_dir: Path, *, quiet: bool = False) -> Path:
    """Build the embedded network cache in ``cache_dir`` unless it exists; return its path."""
    path = embedded_network_path(cache_dir)
    if not path.exists():
        save_raw_network(build_embedded_network(quiet=quiet), path)
    return path
