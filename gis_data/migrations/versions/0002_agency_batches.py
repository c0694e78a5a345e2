"""Agency batches: a batch of trip requests and each request's outcome.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 07:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "agency_batches",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("planned", sa.Integer(), nullable=False),
        sa.Column("failed", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("worker", sa.String(length=64), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agency_batches")),
    )
    with op.batch_alter_table("agency_batches", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_agency_batches_status"), ["status"], unique=False)

    op.create_table(
        "agency_batch_items",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("batch_id", sa.String(length=32), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("row", sa.String(length=32), nullable=False),
        sa.Column("product", sa.String(length=80), nullable=False),
        sa.Column("request", sa.JSON(), nullable=False),
        sa.Column("notes", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("trip_id", sa.String(length=32), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["agency_batches.id"],
            name=op.f("fk_agency_batch_items_batch_id_agency_batches"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["trip_id"], ["itineraries.id"], name=op.f("fk_agency_batch_items_trip_id_itineraries")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agency_batch_items")),
        sa.UniqueConstraint("batch_id", "product", name="uq_agency_batch_items_product"),
        sa.UniqueConstraint("batch_id", "position", name="uq_agency_batch_items_position"),
    )
    with op.batch_alter_table("agency_batch_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_agency_batch_items_batch_id"), ["batch_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("agency_batch_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agency_batch_items_batch_id"))

    op.drop_table("agency_batch_items")
    with op.batch_alter_table("agency_batches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agency_batches_status"))

    op.drop_table("agency_batches")
