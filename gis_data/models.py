"""SQLAlchemy ORM models of jinlv's tables.

Geometry is stored portably: points as ``lat``/``lon`` columns (WGS84) and lines/polygons as
GeoJSON text, so the same schema runs on SQLite and PostgreSQL. Rows loaded from the project's
own data files have ``batch_id`` NULL; rows written by an import carry their batch.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class ImportBatch(Base):
    """One all-or-nothing import of a bureau file."""

    __tablename__ = "import_batches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    layer: Mapped[str] = mapped_column(String(16))
    filename: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    rows: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="active")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(64), default="cli")
    rolled_back_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ImportChange(Base):
    """The state of one row before a batch wrote it, so that the batch can be rolled back."""

    __tablename__ = "import_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batches.id"), index=True)
    table_name: Mapped[str] = mapped_column(String(32))
    row_key: Mapped[str] = mapped_column(String(128))
    before: Mapped[dict | None] = mapped_column(JSON)


class AuditEntry(Base):
    """Who changed data, when, and through which batch."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    batch_id: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[str] = mapped_column(Text, default="")


class DatasetVersion(Base):
    """Hash of each built-in data file as loaded, so a rebuild reloads only what changed."""

    __tablename__ = "dataset_versions"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64))
    loaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class VisitProfile:
    """What a visit to a place takes: time, ticket, opening hours (defaults flagged)."""

    kind: Mapped[str] = mapped_column(String(32), default="")
    visit_minutes: Mapped[int] = mapped_column(Integer)
    visit_basis: Mapped[str] = mapped_column(Text, default="")
    visit_is_default: Mapped[bool] = mapped_column(Boolean, default=True)
    ticket_cny: Mapped[float | None] = mapped_column(Float)
    ticket_basis: Mapped[str] = mapped_column(Text, default="")
    open_time: Mapped[str] = mapped_column(String(5))
    close_time: Mapped[str] = mapped_column(String(5))
    offpeak_open_time: Mapped[str] = mapped_column(String(5), default="")
    offpeak_close_time: Mapped[str] = mapped_column(String(5), default="")
    peak_start: Mapped[str] = mapped_column(String(5), default="")
    peak_end: Mapped[str] = mapped_column(String(5), default="")
    hours_are_default: Mapped[bool] = mapped_column(Boolean, default=True)
    closed_weekdays: Mapped[str] = mapped_column(String(120), default="")
    season_note: Mapped[str] = mapped_column(Text, default="")


class Spot(VisitProfile, Base):
    """A scenic spot (graded A-level area or a place named in the provincial plan)."""

    __tablename__ = "spots"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(160), default="")
    grade: Mapped[str] = mapped_column(String(16), index=True)
    grade_status: Mapped[str] = mapped_column(String(200), default="")
    grade_source: Mapped[str] = mapped_column(Text, default="")
    city: Mapped[str] = mapped_column(String(16), index=True)
    county: Mapped[str] = mapped_column(String(32), default="")
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    coord_quality: Mapped[str] = mapped_column(String(16), default="")
    coord_source: Mapped[str] = mapped_column(Text, default="")
    themes: Mapped[str] = mapped_column(String(200), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(Text, default="")
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))


class HeritageSite(VisitProfile, Base):
    """A national key cultural-relic protection unit (全国重点文物保护单位)."""

    __tablename__ = "heritage_sites"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(160))
    type: Mapped[str] = mapped_column(String(32))
    dynasty: Mapped[str] = mapped_column(String(64), default="")
    batch: Mapped[str] = mapped_column(String(16), default="")
    year_listed: Mapped[int | None] = mapped_column(Integer)
    city: Mapped[str] = mapped_column(String(16), index=True)
    county: Mapped[str] = mapped_column(String(32), default="")
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    coord_quality: Mapped[str] = mapped_column(String(16), default="")
    coord_source: Mapped[str] = mapped_column(Text, default="")
    spot_id: Mapped[str | None] = mapped_column(ForeignKey("spots.id", ondelete="SET NULL"))
    spot_relation: Mapped[str] = mapped_column(String(16), default="")
    visitable: Mapped[bool] = mapped_column(Boolean, default=False)
    visitable_basis: Mapped[str] = mapped_column(Text, default="")


class PlaceClosure(Base):
    """A closure rule of a spot or heritage site (seasonal, fire prevention, weekly, ...)."""

    __tablename__ = "closures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    place_id: Mapped[str] = mapped_column(String(80), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    start: Mapped[str] = mapped_column(String(5), default="")
    end: Mapped[str] = mapped_column(String(5), default="")
    weekdays: Mapped[str] = mapped_column(String(64), default="")
    monthdays: Mapped[str] = mapped_column(String(64), default="")
    year: Mapped[int | None] = mapped_column(Integer)
    hard: Mapped[bool] = mapped_column(Boolean, default=False)
    recurring: Mapped[bool] = mapped_column(Boolean, default=False)
    basis: Mapped[str] = mapped_column(Text, default="")
    source_url: Mapped[str] = mapped_column(Text, default="")


class TouristRoad(Base):
    """One of the three No.1 tourist roads."""

    __tablename__ = "tourist_roads"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(64))
    name_en: Mapped[str] = mapped_column(String(64))
    official_km: Mapped[float] = mapped_column(Float)
    official_km_source: Mapped[str] = mapped_column(Text)
    routed_km: Mapped[float | None] = mapped_column(Float)
    geometry: Mapped[dict | None] = mapped_column(JSON)
    routed_network: Mapped[str] = mapped_column(String(64), default="")
    skipped_points: Mapped[list | None] = mapped_column(JSON)
    routed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class RoadControlPoint(Base):
    """An ordered control point of a tourist road segment."""

    __tablename__ = "road_control_points"
    __table_args__ = (UniqueConstraint("road_id", "seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    road_id: Mapped[str] = mapped_column(ForeignKey("tourist_roads.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    segment: Mapped[str] = mapped_column(String(64))
    name_zh: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(160), default="")
    city: Mapped[str] = mapped_column(String(16), default="")
    county: Mapped[str] = mapped_column(String(32), default="")
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    coord_quality: Mapped[str] = mapped_column(String(16), default="")
    coord_source: Mapped[str] = mapped_column(Text, default="")
    order_source: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")


class LodgingPlace(Base):
    """A town where visitors can sleep, with its bed count (estimated unless hotels were imported)."""

    __tablename__ = "lodging_places"

    id: Mapped[str] = mapped_column(String(96), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(64))
    name_en: Mapped[str] = mapped_column(String(96), default="")
    city: Mapped[str] = mapped_column(String(16), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    coord_source: Mapped[str] = mapped_column(Text, default="")
    estimated_beds: Mapped[int] = mapped_column(Integer)
    estimate_basis: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(Text, default="")


class Hotel(Base):
    """An individual hotel of an imported bed inventory; it replaces its town's estimate."""

    __tablename__ = "hotels"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(160))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    beds: Mapped[int] = mapped_column(Integer)
    rooms: Mapped[int | None] = mapped_column(Integer)
    star: Mapped[int | None] = mapped_column(Integer)
    town_id: Mapped[str] = mapped_column(String(96), ForeignKey("lodging_places.id"), index=True)
    source: Mapped[str] = mapped_column(Text, default="")
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))


class Sign(Base):
    """A road sign of the bureau's inventory (or of the labelled synthetic sample)."""

    __tablename__ = "signs"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    kind: Mapped[str] = mapped_column(String(24))
    languages: Mapped[str] = mapped_column(String(64), default="zh")
    target_spot_id: Mapped[str | None] = mapped_column(String(80))
    road_id: Mapped[str | None] = mapped_column(String(16))
    bearing: Mapped[float | None] = mapped_column(Float)
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    source: Mapped[str] = mapped_column(Text, default="")
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))


class Boundary(Base):
    """An administrative boundary (province, prefecture city or county), WGS84 GeoJSON."""

    __tablename__ = "boundaries"

    adcode: Mapped[str] = mapped_column(String(6), primary_key=True)
    level: Mapped[str] = mapped_column(String(8), index=True)
    name_zh: Mapped[str] = mapped_column(String(32))
    city: Mapped[str] = mapped_column(String(16), default="")
    geometry: Mapped[dict] = mapped_column(JSON)
    source: Mapped[str] = mapped_column(Text)


class SavedItinerary(Base):
    """A planned trip, kept so that its URL can be shared."""

    __tablename__ = "itineraries"
    __table_args__ = (Index("ix_itineraries_request_hash", "request_hash"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    request_hash: Mapped[str] = mapped_column(String(64))
    request: Mapped[dict] = mapped_column(JSON)
    itinerary: Mapped[dict] = mapped_column(JSON)
    title: Mapped[str] = mapped_column(String(200), default="")


class AgencyBatch(Base):
    """A travel agency's batch of trip requests, planned one after the other in the background.

    ``status``: ``queued``, ``running``, ``done`` (every request has an outcome) or ``error`` (the
    worker itself failed; ``error`` says why). ``heartbeat_at`` is renewed after every request, so a
    batch whose worker died (a restart) is taken up again where it stopped.
    """

    __tablename__ = "agency_batches"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    source: Mapped[str] = mapped_column(String(16))  # "json" or "csv"
    filename: Mapped[str] = mapped_column(String(255), default="")
    language: Mapped[str] = mapped_column(String(2), default="zh")
    status: Mapped[str] = mapped_column(String(16), default="queued", index=True)
    total: Mapped[int] = mapped_column(Integer)
    done: Mapped[int] = mapped_column(Integer, default=0)
    planned: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str] = mapped_column(Text, default="")
    worker: Mapped[str] = mapped_column(String(64), default="")
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class AgencyBatchItem(Base):
    """One request of a batch: its product name, the trip request, and its outcome.

    A planned request is saved as a normal trip (``itineraries``), so it has a shareable page.
    """

    __tablename__ = "agency_batch_items"
    __table_args__ = (
        UniqueConstraint("batch_id", "product", name="uq_agency_batch_items_product"),
        UniqueConstraint("batch_id", "position", name="uq_agency_batch_items_position"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    batch_id: Mapped[str] = mapped_column(ForeignKey("agency_batches.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    row: Mapped[str] = mapped_column(String(32), default="")
    product: Mapped[str] = mapped_column(String(80))
    request: Mapped[dict] = mapped_column(JSON)
    notes: Mapped[list] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(16), default="queued")  # queued, planned, failed
    reason: Mapped[str] = mapped_column(Text, default="")
    trip_id: Mapped[str | None] = mapped_column(ForeignKey("itineraries.id"))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
