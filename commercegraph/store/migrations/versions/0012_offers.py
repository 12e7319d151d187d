"""pushed offers, campaigns and birth dates

Revision ID: 0012_offers
Revises: 0011_instore

``offer_dispatches`` records each offer pushed to the marketing system, one row per
customer, offer and day, so that the dispatcher sends each at most once a day however often
(and however many copies of it) run. ``campaigns`` are the staff-defined offers (segment +
trigger + offer, an optional pricing rule). Customers gain an optional birth date.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from commercegraph.store.models.base import UTCDateTime

revision = "0012_offers"
down_revision = "0011_instore"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "offer_dispatches",
        sa.Column("customer_id", sa.String(length=64), nullable=False),
        sa.Column("offer_key", sa.String(length=300), nullable=False),
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("offer_id", sa.String(length=64), nullable=False),
        sa.Column("delivery_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("dispatched_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("customer_id", "offer_key", "day"),
    )
    op.create_index("ix_offer_dispatches_day", "offer_dispatches", ["customer_id", "day"])
    op.create_table(
        "campaigns",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("segment_key", sa.String(length=128), nullable=False),
        sa.Column("trigger", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("message", sa.String(length=1000), nullable=False),
        sa.Column("pricing_rule_id", sa.String(length=64), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("disabled_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("customers") as batch:
        batch.add_column(sa.Column("birth_date", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("customers") as batch:
        batch.drop_column("birth_date")
    op.drop_table("campaigns")
    op.drop_index("ix_offer_dispatches_day", table_name="offer_dispatches")
    op.drop_table("offer_dispatches")
