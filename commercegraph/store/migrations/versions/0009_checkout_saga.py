"""checkout records for the checkout saga

Revision ID: 0009_checkout_saga
Revises: 0008_event_ids_per_source

One row per checkout (customer and idempotency key): its plan, the last step done, the
payment taken, the order placed or the failure answered, and the lease of whoever drives it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from commercegraph.store.models.base import UTCDateTime

revision = "0009_checkout_saga"
down_revision = "0008_event_ids_per_source"
branch_labels = None
depends_on = None

NOT_FAILED = sa.text("status != 'FAILED'")


def upgrade() -> None:
    op.create_table(
        "checkouts",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("customer_id", sa.String(length=64), nullable=False),
        sa.Column("idempotency_key", sa.String(length=128), nullable=False),
        sa.Column("cart_id", sa.String(length=64), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("step", sa.String(length=16), nullable=False),
        sa.Column("plan", sa.JSON(), nullable=False),
        sa.Column("reservation_reference", sa.String(length=200), nullable=False),
        sa.Column("pay_at_pickup", sa.Boolean(), nullable=False),
        sa.Column("units", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.String(length=64), nullable=True),
        sa.Column("payment", sa.JSON(), nullable=True),
        sa.Column("failure_code", sa.String(length=64), nullable=True),
        sa.Column("failure_message", sa.Text(), nullable=True),
        sa.Column("failure_extensions", sa.JSON(), nullable=True),
        sa.Column("lease_owner", sa.String(length=80), nullable=True),
        sa.Column("lease_until", UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checkouts")),
        sa.UniqueConstraint("customer_id", "idempotency_key", name="uq_checkouts_key"),
    )
    with op.batch_alter_table("checkouts", schema=None) as batch_op:
        batch_op.create_index("ix_checkouts_status_lease", ["status", "lease_until"])
        batch_op.create_index("ix_checkouts_reservation", ["reservation_reference"])
        batch_op.create_index("ix_checkouts_order", ["order_id"])
        batch_op.create_index(
            "ix_checkouts_customer_unpaid", ["customer_id", "pay_at_pickup", "status"]
        )
        batch_op.create_index(
            "uq_checkouts_open_cart",
            ["cart_id"],
            unique=True,
            sqlite_where=NOT_FAILED,
            postgresql_where=NOT_FAILED,
        )
    # the reservation sweep asks, per expired hold, whether an order was placed on it
    with op.batch_alter_table("order_fulfillments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_order_fulfillments_reservation_reference"), ["reservation_reference"]
        )


def downgrade() -> None:
    with op.batch_alter_table("order_fulfillments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_order_fulfillments_reservation_reference"))
    op.drop_table("checkouts")
