"""Shared fixtures: a built data directory."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest


def clear_caches() -> None:
    """Forget every process-wide cache that depends on settings (data dir, database, network)."""
    from gis_data.db import get_engine
    from gis_data.settings import get_settings
    from routing.store import active_network, get_router

    for cached in (get_settings, get_engine, active_network, get_router):
        cached.cache_clear()


@pytest.fixture(scope="session")
def built_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A data directory with the database built and the embedded network cached (built once)."""
    data_dir = tmp_path_factory.mktemp("jinlv-data")
    old = os.environ.get("JINLV_DATA_DIR")
    os.environ["JINLV_DATA_DIR"] = str(data_dir)
    clear_caches()
    from app.cli import main

    assert main(["data", "build", "--quiet"]) == 0
    yield data_dir
    if old is None:
        os.environ.pop("JINLV_DATA_DIR", None)
    else:
        os.environ["JINLV_DATA_DIR"] = old
    clear_caches()
