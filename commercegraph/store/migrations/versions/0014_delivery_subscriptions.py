"""delivery subscriptions: carts filled from the shopping list on a cadence

Revision ID: 0014_delivery_subscriptions
Revises: 0013_privacy
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from commercegraph.store.models.base import UTCDateTime

revision = "0014_delivery_subscriptions"
down_revision = "0013_privacy"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "delivery_subscriptions",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("customer_id", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("fulfillment", sa.String(length=16), nullable=False),
        sa.Column("store_id", sa.String(length=64), nullable=True),
        sa.Column("cadence_days", sa.Integer(), nullable=False),
        sa.Column("next_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delivery_subscriptions")),
    )
    with op.batch_alter_table("delivery_subscriptions", schema=None) as batch_op:
        batch_op.create_index("ix_delivery_subscriptions_due", ["status", "next_date"])
        batch_op.create_index("ix_delivery_subscriptions_customer", ["customer_id"])
    op.create_table(
        "delivery_fills",
        sa.Column("subscription_id", sa.String(length=64), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("cart_id", sa.String(length=64), nullable=True),
        sa.Column("added_units", sa.Integer(), nullable=False),
        sa.Column("filled_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["subscription_id"],
            ["delivery_subscriptions.id"],
            name=op.f("fk_delivery_fills_subscription_id_delivery_subscriptions"),
        ),
        sa.PrimaryKeyConstraint("subscription_id", "due_date", name=op.f("pk_delivery_fills")),
    )


def downgrade() -> None:
    op.drop_table("delivery_fills")
    with op.batch_alter_table("delivery_subscriptions", schema=None) as batch_op:
        batch_op.drop_index("ix_delivery_subscriptions_customer")
        batch_op.drop_index("ix_delivery_subscriptions_due")
    op.drop_table("delivery_subscriptions")
