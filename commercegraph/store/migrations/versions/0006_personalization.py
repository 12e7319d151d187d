"""personalisation: shopping lists, offer log and caps, webhook outbox

Revision ID: 0006_personalization
Revises: 0005_wallet
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from commercegraph.store.models.base import UTCDateTime

revision = "0006_personalization"
down_revision = "0005_wallet"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("order_lines", schema=None) as batch_op:
        batch_op.create_index("ix_order_lines_sku_order", ["sku", "order_id"], unique=False)
    op.create_table(
        "shopping_list_entries",
        sa.Column("customer_id", sa.String(length=64), nullable=False),
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_shopping_list_entries_customer_id_customers"),
        ),
        sa.PrimaryKeyConstraint("customer_id", "sku", name=op.f("pk_shopping_list_entries")),
    )
    op.create_table(
        "offer_caps",
        sa.Column("customer_id", sa.String(length=64), nullable=False),
        sa.Column("offer_key", sa.String(length=160), nullable=False),
        sa.Column("offer_id", sa.String(length=64), nullable=False),
        sa.Column("issued_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("customer_id", "offer_key", name=op.f("pk_offer_caps")),
    )
    op.create_table(
        "offer_log",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("customer_id", sa.String(length=64), nullable=False),
        sa.Column("offer_key", sa.String(length=160), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("message", sa.String(length=500), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("sku", sa.String(length=64), nullable=True),
        sa.Column("store_id", sa.String(length=64), nullable=True),
        sa.Column("trigger", sa.String(length=32), nullable=False),
        sa.Column("marketing", sa.Boolean(), nullable=False),
        sa.Column("issued_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offer_log")),
    )
    with op.batch_alter_table("offer_log", schema=None) as batch_op:
        batch_op.create_index(
            "ix_offer_log_customer_issued", ["customer_id", "issued_at"], unique=False
        )
    op.create_table(
        "webhook_outbox",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("event_type", sa.String(length=64), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("locked_until", UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("delivered_at", UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_outbox")),
    )
    with op.batch_alter_table("webhook_outbox", schema=None) as batch_op:
        batch_op.create_index("ix_webhook_outbox_due", ["status", "next_attempt_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("webhook_outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_webhook_outbox_due")
    op.drop_table("webhook_outbox")
    with op.batch_alter_table("offer_log", schema=None) as batch_op:
        batch_op.drop_index("ix_offer_log_customer_issued")
    op.drop_table("offer_log")
    op.drop_table("offer_caps")
    op.drop_table("shopping_list_entries")
    with op.batch_alter_table("order_lines", schema=None) as batch_op:
        batch_op.drop_index("ix_order_lines_sku_order")
