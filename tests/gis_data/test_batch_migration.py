"""Migration 0002 (agency batches) upgrades a database at revision 0001 that holds saved trips, matches
the models, and downgrades back to 0001 without touching the trips."""

from __future__ import annotations

from datetime import UTC, datetime

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import insert, inspect, select

from gis_data import models
from gis_data.db import alembic_config, migrate, session_scope


def test_0002_upgrades_from_0001_with_data_and_back(db_engine):
    migrate(db_engine, revision="0001")
    assert "agency_batches" not in inspect(db_engine).get_table_names()
    trip = {"id": "t1", "created_at": datetime.now(UTC), "request_hash": "h", "request": {}, "itinerary": {"days": []}}
    with db_engine.begin() as con:
        con.execute(insert(models.SavedItinerary.__table__).values(**trip, title="a trip"))

    migrate(db_engine)
    tables = set(inspect(db_engine).get_table_names())
    assert {"agency_batches", "agency_batch_items"} <= tables
    with db_engine.connect() as con:
        assert compare_metadata(MigrationContext.configure(con), models.Base.metadata) == []
    with session_scope(db_engine) as session:
        batch = models.AgencyBatch(id="b1", source="json", total=1, status="done")
        session.add(batch)
        session.add(models.AgencyBatchItem(batch_id="b1", position=0, product="p", request={}, trip_id="t1"))
    with session_scope(db_engine) as session:
        item = session.scalars(select(models.AgencyBatchItem)).one()
        assert (item.status, item.notes, item.trip_id) == ("queued", [], "t1")

    command.downgrade(alembic_config(db_engine), "0001")
    assert not {"agency_batches", "agency_batch_items"} & set(inspect(db_engine).get_table_names())
    with db_engine.connect() as con:
        assert con.execute(select(models.SavedItinerary.title)).scalars().all() == ["a trip"]
