"""Which network is active, where its caches live, and the process-wide router.

The embedded default is rebuilt from the ``scgraph-data`` cache with the calibrated speed model
(``routing/data/embedded_speed_model.json``). ``jinlv network import FILE`` saves an OSM network
under the data directory and records it in ``network/active.json``; :func:`active_network` then
loads that file instead. The network and router are cached per process and keyed on that record
and the files' modification times, so a change made by another process (``jinlv network use``
while the server runs) is picked up on the next call.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from gis_data.network_source import ensure_embedded_network, load_raw_network
from gis_data.settings import Settings, get_settings
from routing.network import RoadNetwork, largest_strongly_connected, load_network, network_from_raw
from routing.router import Router
from routing.speed import EmbeddedSpeedModel

SPEED_MODEL_FILE = Path(__file__).resolve().parent / "data" / "embedded_speed_model.json"
EMBEDDED = "embedded"


def speed_model() -> EmbeddedSpeedModel:
    """The calibrated speed model of the embedded network (defaults if never calibrated)."""
    if SPEED_MODEL_FILE.exists():
        params = json.loads(SPEED_MODEL_FILE.read_text(encoding="utf-8"))["parameters"]
        return EmbeddedSpeedModel(**params)
    return EmbeddedSpeedModel()


def network_dir(settings: Settings) -> Path:
    return settings.data_dir / "network"


def active_record(settings: Settings) -> dict[str, Any]:
    """``{"name", "path"}`` of the active network (``JINLV_NETWORK_FILE`` overrides the record)."""
    path = network_dir(settings) / "active.json"
    if settings.network_file is not None:
        return {"name": Path(settings.network_file).stem, "path": str(settings.network_file)}
    if path.exists():
        return json.loads(path.read_text(encoding="utf-8"))
    return {"name": EMBEDDED, "path": None}


def set_active_network(settings: Settings, *, name: str, path: Path | None) -> None:
    """Make the network saved at ``path`` (or the embedded one when None) the active network."""
    folder = network_dir(settings)
    folder.mkdir(parents=True, exist_ok=True)
    record = {"name": name, "path": str(path) if path else None}
    tmp = folder / "active.json.tmp"
    tmp.write_text(json.dumps(record), encoding="utf-8")
    tmp.replace(folder / "active.json")
    clear_caches()


def load_embedded_network(settings: Settings, *, quiet: bool = True) -> RoadNetwork:
    """The embedded Shanxi network with the calibrated speed model, largest SCC only."""
    raw = load_raw_network(ensure_embedded_network(settings.cache_dir, quiet=quiet))
    network, _ = largest_strongly_connected(network_from_raw(raw, speed_model()))
    return network


@dataclass(frozen=True)
class LoadedNetwork:
    network: RoadNetwork
    seconds: float


def _stamp(path: Path | str | None) -> tuple[int, int] | None:
    """Modification time and size of a file (None if it does not exist)."""
    if path is None:
        return None
    try:
        st = Path(path).stat()
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size


def active_network(settings: Settings | None = None) -> RoadNetwork:
    """The active network (cached per process until the active record or its file changes)."""
    settings = settings or get_settings()
    record = active_record(settings)
    return _cached_network(settings, record["name"], record.get("path"), _stamp(record.get("path")))


@lru_cache(maxsize=2)
def _cached_network(settings: Settings, name: str, path: str | None, stamp: tuple[int, int] | None) -> RoadNetwork:
    return _load_active(settings, {"name": name, "path": path}).network


def _load_active(settings: Settings, record: dict[str, Any] | None = None) -> LoadedNetwork:
    start = time.perf_counter()
    record = record or active_record(settings)
    network = load_network(Path(record["path"])) if record.get("path") else load_embedded_network(settings)
    return LoadedNetwork(network, time.perf_counter() - start)


def road_masks_path(settings: Settings, network: RoadNetwork) -> Path:
    return settings.cache_dir / "network" / f"roads-{network.name}-{network.digest}.npz"


def load_road_masks(settings: Settings, network: RoadNetwork) -> dict[str, np.ndarray]:
    """Tourist-road edge masks of ``network`` as routed by ``jinlv data build`` (empty if not yet)."""
    path = road_masks_path(settings, network)
    if not path.exists():
        return {}
    with np.load(path, allow_pickle=False) as data:
        return {k: data[k] for k in data.files}


def save_road_masks(settings: Settings, network: RoadNetwork, masks: dict[str, np.ndarray]) -> None:
    path = road_masks_path(settings, network)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.stem + ".tmp.npz")
    np.savez_compressed(tmp, **masks)
    tmp.replace(path)
    _cached_router.cache_clear()


def get_router(settings: Settings | None = None) -> Router:
    """The router on the active network, with its tourist-road masks (cached per process until
    the network or its masks change)."""
    settings = settings or get_settings()
    network = active_network(settings)
    return _cached_router(settings, network, _stamp(road_masks_path(settings, network)))


@lru_cache(maxsize=2)
def _cached_router(settings: Settings, network: RoadNetwork, masks_stamp: tuple[int, int] | None) -> Router:
    return Router(network, road_edges=load_road_masks(settings, network), max_snap_km=settings.max_snap_km)


def clear_caches() -> None:
    """Forget the cached networks and routers of this process."""
    _cached_network.cache_clear()
    _cached_router.cache_clear()


# the names callers used when these were plain lru_cache functions
active_network.cache_clear = clear_caches  # type: ignore[attr-defined]
get_router.cache_clear = clear_caches  # type: ignore[attr-defined]
