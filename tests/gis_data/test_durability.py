"""A process killed in the middle of an import leaves the database as it was; migrations run cleanly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from alembic import command
from sqlalchemy import inspect

from gis_data.db import alembic_config, migrate
from tests.conftest import REPO, dump_tables

_IMPORTER = """
import sys
from gis_data.db import create_db_engine
from gis_data.importers import import_file
engine = create_db_engine(sys.argv[1])
import_file(engine, "signs", open(sys.argv[2], "rb").read(), filename="signs.csv")
"""


def test_killed_import_leaves_no_partial_batch(loaded_engine, tmp_path):
    rows = "\n".join(f"k{i},{37.8 + i * 1e-4:.5f},112.55,direction" for i in range(400))
    path = tmp_path / "signs.csv"
    path.write_text("id,lat,lon,kind\n" + rows + "\n", encoding="utf-8")
    before = dump_tables(loaded_engine)
    url = loaded_engine.url.render_as_string(hide_password=False)
    env = os.environ | {"JINLV_TEST_PAUSE_IMPORT_AFTER": "250"}
    proc = subprocess.Popen(
        [sys.executable, "-c", _IMPORTER, url, str(path)],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline()
        assert "paused mid-transaction" in line, proc.stderr.read()
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL
    loaded_engine.dispose()
    assert dump_tables(loaded_engine) == before


def test_migrations_from_empty_down_and_up_again(db_engine):
    migrate(db_engine)
    tables = set(inspect(db_engine).get_table_names())
    assert {"spots", "tourist_roads", "lodging_places", "signs", "itineraries", "import_batches"} <= tables
    command.downgrade(alembic_config(db_engine), "base")
    assert set(inspect(db_engine).get_table_names()) <= {"alembic_version"}
    migrate(db_engine)
    assert set(inspect(db_engine).get_table_names()) == tables
