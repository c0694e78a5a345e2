"""Write a validated import as one batch in one transaction; list and roll back batches."""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, inspect, select
from sqlalchemy.orm import Session

from gis_data import models
from gis_data.check import load_boundaries
from gis_data.db import session_scope
from gis_data.importers.readers import read_rows
from gis_data.importers.schemas import SCHEMAS, build_context
from gis_data.importers.validate import ImportError_, RowError, parse_row


@dataclass(frozen=True)
class ImportResult:
    """What an import wrote."""

    batch_id: int
    layer: str
    rows: int
    inserted: int
    replaced: int
    ignored_columns: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "batch_id": self.batch_id,
            "layer": self.layer,
            "rows": self.rows,
            "inserted": self.inserted,
            "replaced": self.replaced,
            "ignored_columns": self.ignored_columns,
        }


def _row_dict(obj: models.Base) -> dict[str, Any]:
    return {attr.key: getattr(obj, attr.key) for attr in inspect(obj).mapper.column_attrs}


def _jsonable(row: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in row.items()}


def validate_file(
    session: Session, layer: str, data: bytes, *, filename: str
) -> tuple[list[dict[str, Any]], list[str]]:
    """Model rows of a valid file and its ignored columns; raise :class:`ImportError_` listing every bad value."""
    if layer not in SCHEMAS:
        msg = f"unknown layer {layer!r}: expected one of {', '.join(SCHEMAS)}"
        raise ValueError(msg)
    schema = SCHEMAS[layer]
    rows = read_rows(data, filename=filename)
    ctx = build_context(session, filename=filename, boundaries=load_boundaries(session))
    known = {f.name for f in schema.fields}
    ignored = sorted({c for _, row in rows for c in row if c not in known})
    errors: list[RowError] = []
    models_out: list[dict[str, Any]] = []
    seen: dict[str, str] = {}
    for where, raw in rows:
        row_errors: list[RowError] = []
        parsed = parse_row(where, raw, schema.fields, row_errors)
        if not row_errors:
            schema.check(where, parsed, ctx, row_errors)
        if row_errors:
            errors.extend(row_errors)
            continue
        model_row = schema.to_model(parsed, ctx)
        key = model_row["id"]
        if key in seen:
            errors.append(RowError(where, "id", key, f"duplicate id: already used on {seen[key]}"))
            continue
        seen[key] = where
        models_out.append(model_row)
    if errors:
        raise ImportError_(filename, errors)
    return models_out, ignored


def import_file(engine: Engine, layer: str, data: bytes, *, filename: str, actor: str = "cli") -> ImportResult:
    """Validate ``data`` and write it as one batch, or write nothing.

    Rows whose id already exists replace the existing row; the previous state is kept so that
    :func:`rollback_batch` can restore it.

    Raises
    ------
    ImportError_
        If any row is invalid (the exception lists every bad row, field and value).
    ValueError
        If the file cannot be read at all or the layer is unknown.
    """
    with session_scope(engine) as session:
        rows, ignored = validate_file(session, layer, data, filename=filename)
        schema = SCHEMAS[layer]
        batch = models.ImportBatch(
            layer=layer,
            filename=filename[:255],
            sha256=hashlib.sha256(data).hexdigest(),
            rows=len(rows),
            status="active",
            created_by=actor[:64],
        )
        session.add(batch)
        session.flush()
        inserted = replaced = 0
        pause_after = _pause_after_rows()
        for k, row in enumerate(rows):
            if k == pause_after:
                _pause_mid_import(session)
            existing = session.get(schema.model, row["id"])
            before = _jsonable(_row_dict(existing)) if existing is not None else None
            session.add(
                models.ImportChange(
                    batch_id=batch.id,
                    table_name=schema.model.__tablename__,
                    row_key=row["id"],
                    before=before,
                )
            )
            session.merge(schema.model(**row, batch_id=batch.id))
            replaced += existing is not None
            inserted += existing is None
        session.add(
            models.AuditEntry(
                actor=actor[:64],
                action=f"import {layer}",
                batch_id=batch.id,
                detail=f"{filename}: {len(rows)} rows ({inserted} new, {replaced} replaced)",
            )
        )
        session.flush()
        return ImportResult(batch.id, layer, len(rows), inserted, replaced, ignored)


def _pause_after_rows() -> int | None:
    """Fault injection for the durability tests: ``JINLV_TEST_PAUSE_IMPORT_AFTER=N`` stops an import
    after N rows are written inside its transaction, so that a test can kill the process there."""
    value = os.environ.get("JINLV_TEST_PAUSE_IMPORT_AFTER")
    return int(value) if value else None


def _pause_mid_import(session: Session) -> None:
    session.flush()
    print("import paused mid-transaction", flush=True)
    time.sleep(3600)


def list_batches(engine: Engine) -> list[dict[str, Any]]:
    """Every import batch, newest first."""
    with session_scope(engine) as session:
        return [
            {
                "id": b.id,
                "layer": b.layer,
                "filename": b.filename,
                "rows": b.rows,
                "status": b.status,
                "created_at": b.created_at.isoformat(),
                "created_by": b.created_by,
                "rolled_back_at": b.rolled_back_at.isoformat() if b.rolled_back_at else None,
            }
            for b in session.scalars(select(models.ImportBatch).order_by(models.ImportBatch.id.desc()))
        ]


_MODELS = {m.__tablename__: m for m in (models.Spot, models.Hotel, models.Sign)}


def rollback_batch(engine: Engine, batch_id: int, *, actor: str = "cli") -> dict[str, Any]:
    """Undo batch ``batch_id``: restore every row it replaced and delete every row it added.

    Raises
    ------
    LookupError
        If there is no such batch.
    ValueError
        If it was already rolled back, or a later active batch changed the same rows.
    """
    with session_scope(engine) as session:
        batch = session.get(models.ImportBatch, batch_id)
        if batch is None:
            msg = f"no import batch {batch_id}"
            raise LookupError(msg)
        if batch.status != "active":
            msg = f"import batch {batch_id} was already rolled back"
            raise ValueError(msg)
        changes = list(
            session.scalars(
                select(models.ImportChange)
                .where(models.ImportChange.batch_id == batch_id)
                .order_by(models.ImportChange.id)
            )
        )
        keys = {(c.table_name, c.row_key) for c in changes}
        later = session.execute(
            select(models.ImportChange.batch_id, models.ImportChange.table_name, models.ImportChange.row_key)
            .join(models.ImportBatch, models.ImportBatch.id == models.ImportChange.batch_id)
            .where(models.ImportChange.batch_id > batch_id, models.ImportBatch.status == "active")
        ).all()
        clash = sorted({b for b, t, k in later if (t, k) in keys})
        if clash:
            msg = f"import batch {batch_id} cannot be rolled back: later batch(es) {clash} changed the same rows"
            raise ValueError(msg)
        for change in reversed(changes):
            model = _MODELS[change.table_name]
            current = session.get(model, change.row_key)
            if change.before is None:
                if current is not None:
                    session.delete(current)
            else:
                session.merge(model(**_restore(model, change.before)))
        batch.status = "rolled_back"
        batch.rolled_back_at = models.utcnow()
        session.add(
            models.AuditEntry(
                actor=actor[:64],
                action="rollback",
                batch_id=batch_id,
                detail=f"{len(changes)} rows restored or removed",
            )
        )
        return {"batch_id": batch_id, "rows": len(changes), "status": "rolled_back"}


def _restore(model: type[models.Base], before: dict[str, Any]) -> dict[str, Any]:
    from datetime import datetime

    out = dict(before)
    for attr in inspect(model).column_attrs:
        column = attr.columns[0]
        if out.get(attr.key) is not None and column.type.python_type is datetime:
            out[attr.key] = datetime.fromisoformat(out[attr.key])
    return out
