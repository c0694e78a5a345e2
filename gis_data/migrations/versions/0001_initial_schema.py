"""Initial schema: layers, imports and audit, saved itineraries.

Revision ID: 0001
Revises:
Create Date: 2026-11-29 05:58:20.384469
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_table(
        "boundaries",
        sa.Column("adcode", sa.String(length=6), nullable=False),
        sa.Column("level", sa.String(length=8), nullable=False),
        sa.Column("name_zh", sa.String(length=32), nullable=False),
        sa.Column("city", sa.String(length=16), nullable=False),
        sa.Column("geometry", sa.JSON(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("adcode", name=op.f("pk_boundaries")),
    )
    with op.batch_alter_table("boundaries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_boundaries_level"), ["level"], unique=False)

    op.create_table(
        "closures",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("place_id", sa.String(length=80), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("start", sa.String(length=5), nullable=False),
        sa.Column("end", sa.String(length=5), nullable=False),
        sa.Column("weekdays", sa.String(length=64), nullable=False),
        sa.Column("monthdays", sa.String(length=64), nullable=False),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("hard", sa.Boolean(), nullable=False),
        sa.Column("recurring", sa.Boolean(), nullable=False),
        sa.Column("basis", sa.Text(), nullable=False),
        sa.Column("source_url", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_closures")),
    )
    with op.batch_alter_table("closures", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_closures_place_id"), ["place_id"], unique=False)

    op.create_table(
        "dataset_versions",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_dataset_versions")),
    )
    op.create_table(
        "import_batches",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("layer", sa.String(length=16), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("rolled_back_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_batches")),
    )
    op.create_table(
        "itineraries",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("request", sa.JSON(), nullable=False),
        sa.Column("itinerary", sa.JSON(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_itineraries")),
    )
    with op.batch_alter_table("itineraries", schema=None) as batch_op:
        batch_op.create_index("ix_itineraries_request_hash", ["request_hash"], unique=False)

    op.create_table(
        "lodging_places",
        sa.Column("id", sa.String(length=96), nullable=False),
        sa.Column("name_zh", sa.String(length=64), nullable=False),
        sa.Column("name_en", sa.String(length=96), nullable=False),
        sa.Column("city", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("coord_source", sa.Text(), nullable=False),
        sa.Column("estimated_beds", sa.Integer(), nullable=False),
        sa.Column("estimate_basis", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lodging_places")),
    )
    with op.batch_alter_table("lodging_places", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lodging_places_city"), ["city"], unique=False)

    op.create_table(
        "tourist_roads",
        sa.Column("id", sa.String(length=16), nullable=False),
        sa.Column("name_zh", sa.String(length=64), nullable=False),
        sa.Column("name_en", sa.String(length=64), nullable=False),
        sa.Column("official_km", sa.Float(), nullable=False),
        sa.Column("official_km_source", sa.Text(), nullable=False),
        sa.Column("routed_km", sa.Float(), nullable=True),
        sa.Column("geometry", sa.JSON(), nullable=True),
        sa.Column("routed_network", sa.String(length=64), nullable=False),
        sa.Column("skipped_points", sa.JSON(), nullable=True),
        sa.Column("routed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tourist_roads")),
    )
    op.create_table(
        "hotels",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=160), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("beds", sa.Integer(), nullable=False),
        sa.Column("rooms", sa.Integer(), nullable=True),
        sa.Column("star", sa.Integer(), nullable=True),
        sa.Column("town_id", sa.String(length=96), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["batch_id"], ["import_batches.id"], name=op.f("fk_hotels_batch_id_import_batches")),
        sa.ForeignKeyConstraint(["town_id"], ["lodging_places.id"], name=op.f("fk_hotels_town_id_lodging_places")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hotels")),
    )
    with op.batch_alter_table("hotels", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_hotels_town_id"), ["town_id"], unique=False)

    op.create_table(
        "import_changes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("table_name", sa.String(length=32), nullable=False),
        sa.Column("row_key", sa.String(length=128), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["import_batches.id"], name=op.f("fk_import_changes_batch_id_import_batches")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_changes")),
    )
    with op.batch_alter_table("import_changes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_import_changes_batch_id"), ["batch_id"], unique=False)

    op.create_table(
        "road_control_points",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("road_id", sa.String(length=16), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("segment", sa.String(length=64), nullable=False),
        sa.Column("name_zh", sa.String(length=120), nullable=False),
        sa.Column("name_en", sa.String(length=160), nullable=False),
        sa.Column("city", sa.String(length=16), nullable=False),
        sa.Column("county", sa.String(length=32), nullable=False),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("coord_quality", sa.String(length=16), nullable=False),
        sa.Column("coord_source", sa.Text(), nullable=False),
        sa.Column("order_source", sa.Text(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["road_id"], ["tourist_roads.id"], name=op.f("fk_road_control_points_road_id_tourist_roads")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_road_control_points")),
        sa.UniqueConstraint("road_id", "seq", name=op.f("uq_road_control_points_road_id")),
    )
    with op.batch_alter_table("road_control_points", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_road_control_points_road_id"), ["road_id"], unique=False)

    op.create_table(
        "signs",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("languages", sa.String(length=64), nullable=False),
        sa.Column("target_spot_id", sa.String(length=80), nullable=True),
        sa.Column("road_id", sa.String(length=16), nullable=True),
        sa.Column("bearing", sa.Float(), nullable=True),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["batch_id"], ["import_batches.id"], name=op.f("fk_signs_batch_id_import_batches")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signs")),
    )
    op.create_table(
        "spots",
        sa.Column("id", sa.String(length=80), nullable=False),
        sa.Column("name_zh", sa.String(length=120), nullable=False),
        sa.Column("name_en", sa.String(length=160), nullable=False),
        sa.Column("grade", sa.String(length=16), nullable=False),
        sa.Column("grade_status", sa.String(length=200), nullable=False),
        sa.Column("grade_source", sa.Text(), nullable=False),
        sa.Column("city", sa.String(length=16), nullable=False),
        sa.Column("county", sa.String(length=32), nullable=False),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("coord_quality", sa.String(length=16), nullable=False),
        sa.Column("coord_source", sa.Text(), nullable=False),
        sa.Column("themes", sa.String(length=200), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("visit_minutes", sa.Integer(), nullable=False),
        sa.Column("visit_basis", sa.Text(), nullable=False),
        sa.Column("visit_is_default", sa.Boolean(), nullable=False),
        sa.Column("ticket_cny", sa.Float(), nullable=True),
        sa.Column("ticket_basis", sa.Text(), nullable=False),
        sa.Column("open_time", sa.String(length=5), nullable=False),
        sa.Column("close_time", sa.String(length=5), nullable=False),
        sa.Column("offpeak_open_time", sa.String(length=5), nullable=False),
        sa.Column("offpeak_close_time", sa.String(length=5), nullable=False),
        sa.Column("peak_start", sa.String(length=5), nullable=False),
        sa.Column("peak_end", sa.String(length=5), nullable=False),
        sa.Column("hours_are_default", sa.Boolean(), nullable=False),
        sa.Column("closed_weekdays", sa.String(length=120), nullable=False),
        sa.Column("season_note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["batch_id"], ["import_batches.id"], name=op.f("fk_spots_batch_id_import_batches")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_spots")),
    )
    with op.batch_alter_table("spots", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_spots_city"), ["city"], unique=False)
        batch_op.create_index(batch_op.f("ix_spots_grade"), ["grade"], unique=False)

    op.create_table(
        "heritage_sites",
        sa.Column("id", sa.String(length=16), nullable=False),
        sa.Column("name_zh", sa.String(length=160), nullable=False),
        sa.Column("type", sa.String(length=32), nullable=False),
        sa.Column("dynasty", sa.String(length=64), nullable=False),
        sa.Column("batch", sa.String(length=16), nullable=False),
        sa.Column("year_listed", sa.Integer(), nullable=True),
        sa.Column("city", sa.String(length=16), nullable=False),
        sa.Column("county", sa.String(length=32), nullable=False),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("coord_quality", sa.String(length=16), nullable=False),
        sa.Column("coord_source", sa.Text(), nullable=False),
        sa.Column("spot_id", sa.String(length=80), nullable=True),
        sa.Column("spot_relation", sa.String(length=16), nullable=False),
        sa.Column("visitable", sa.Boolean(), nullable=False),
        sa.Column("visitable_basis", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("visit_minutes", sa.Integer(), nullable=False),
        sa.Column("visit_basis", sa.Text(), nullable=False),
        sa.Column("visit_is_default", sa.Boolean(), nullable=False),
        sa.Column("ticket_cny", sa.Float(), nullable=True),
        sa.Column("ticket_basis", sa.Text(), nullable=False),
        sa.Column("open_time", sa.String(length=5), nullable=False),
        sa.Column("close_time", sa.String(length=5), nullable=False),
        sa.Column("offpeak_open_time", sa.String(length=5), nullable=False),
        sa.Column("offpeak_close_time", sa.String(length=5), nullable=False),
        sa.Column("peak_start", sa.String(length=5), nullable=False),
        sa.Column("peak_end", sa.String(length=5), nullable=False),
        sa.Column("hours_are_default", sa.Boolean(), nullable=False),
        sa.Column("closed_weekdays", sa.String(length=120), nullable=False),
        sa.Column("season_note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["spot_id"], ["spots.id"], name=op.f("fk_heritage_sites_spot_id_spots"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_heritage_sites")),
    )
    with op.batch_alter_table("heritage_sites", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_heritage_sites_city"), ["city"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("heritage_sites", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_heritage_sites_city"))

    op.drop_table("heritage_sites")
    with op.batch_alter_table("spots", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_spots_grade"))
        batch_op.drop_index(batch_op.f("ix_spots_city"))

    op.drop_table("spots")
    op.drop_table("signs")
    with op.batch_alter_table("road_control_points", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_road_control_points_road_id"))

    op.drop_table("road_control_points")
    with op.batch_alter_table("import_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_import_changes_batch_id"))

    op.drop_table("import_changes")
    with op.batch_alter_table("hotels", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hotels_town_id"))

    op.drop_table("hotels")
    op.drop_table("tourist_roads")
    with op.batch_alter_table("lodging_places", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lodging_places_city"))

    op.drop_table("lodging_places")
    with op.batch_alter_table("itineraries", schema=None) as batch_op:
        batch_op.drop_index("ix_itineraries_request_hash")

    op.drop_table("itineraries")
    op.drop_table("import_batches")
    op.drop_table("dataset_versions")
    with op.batch_alter_table("closures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_closures_place_id"))

    op.drop_table("closures")
    with op.batch_alter_table("boundaries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_boundaries_level"))

    op.drop_table("boundaries")
    op.drop_table("audit_log")
