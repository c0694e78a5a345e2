"""Alembic environment: migrations run on the engine passed in by :func:`gis_data.db.migrate`."""

from __future__ import annotations

from alembic import context

from gis_data.db import get_engine
from gis_data.models import Base

target_metadata = Base.metadata


def run_migrations_online() -> None:
    engine = context.config.attributes.get("engine") or get_engine()
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


if context.is_offline_mode():
    msg = "offline (SQL script) migrations are not supported; run them against a database"
    raise SystemExit(msg)
run_migrations_online()
