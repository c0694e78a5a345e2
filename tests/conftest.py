"""Shared fixtures: a built data directory, and databases on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, inspect, select, text
from sqlalchemy.engine import make_url

from gis_data import models
from gis_data.db import create_db_engine

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"
POSTGRES_URL = os.environ.get("JINLV_TEST_POSTGRES_URL", "")


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


def _postgres_database() -> Iterator[str]:
    if not POSTGRES_URL:
        if os.environ.get("JINLV_REQUIRE_POSTGRES") == "1":
            pytest.fail("JINLV_REQUIRE_POSTGRES=1 but JINLV_TEST_POSTGRES_URL is not set")
        pytest.skip("PostgreSQL not configured (JINLV_TEST_POSTGRES_URL); `make test` starts one")
    server = make_url(POSTGRES_URL)
    name = f"jinlv_t_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as con:
            con.execute(text(f'create database "{name}"'))
    except Exception as exc:  # any connection failure means there is no usable server
        if os.environ.get("JINLV_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"PostgreSQL at {server.render_as_string()} is not usable: {exc}")
        pytest.skip(f"PostgreSQL not reachable: {exc}")
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        _drop_database(admin, name)
        admin.dispose()


def _drop_database(admin: Engine, name: str) -> None:
    for attempt in range(5):
        try:
            with admin.connect() as con:
                con.execute(text(f'drop database if exists "{name}" with (force)'))
            return
        except Exception:  # a lingering backend (e.g. autovacuum) may hold it for a moment
            if attempt == 4:
                raise
            time.sleep(0.5)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A fresh, empty database of each kind."""
    if request.param == "sqlite":
        engine = create_db_engine(f"sqlite:///{tmp_path / 'test.sqlite3'}")
        yield engine
        engine.dispose()
        return
    gen = _postgres_database()
    url = next(gen)
    engine = create_db_engine(url)
    try:
        yield engine
    finally:
        engine.dispose()
        for _ in gen:
            pass


@pytest.fixture
def loaded_engine(db_engine: Engine) -> Engine:
    """A fresh database of each kind with the built-in layers loaded."""
    from gis_data.build import load_builtin_layers

    load_builtin_layers(db_engine)
    return db_engine


def dump_tables(engine: Engine) -> dict[str, list[tuple]]:
    """Every row of every table, in primary-key order: equal dumps mean unchanged tables."""
    out = {}
    with engine.connect() as con:
        for table in models.Base.metadata.sorted_tables:
            pk = [c for c in table.primary_key.columns]
            rows = con.execute(select(table).order_by(*pk)).all()
            out[table.name] = [tuple(r) for r in rows]
        out["_alembic"] = [tuple(r) for r in con.execute(text("select * from alembic_version")).all()]
    assert set(inspect(engine).get_table_names()) >= {t.name for t in models.Base.metadata.sorted_tables}
    return out
