"""in-store payment codes and scan-and-go carts

Revision ID: 0011_instore
Revises: 0010_tenders

One row per payment code the app shows at a till (only its hash), and one per cart the app
fills by scanning inside a store.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from commercegraph.store.models.base import UTCDateTime

revision = "0011_instore"
down_revision = "0010_tenders"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "store_payment_codes",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("customer_id", sa.String(length=64), nullable=False),
        sa.Column("store_id", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("redeemed_key", sa.String(length=128), nullable=True),
        sa.Column("fingerprint", sa.String(length=64), nullable=True),
        sa.Column("amount", sa.Integer(), nullable=True),
        sa.Column("order_id", sa.String(length=64), nullable=True),
        sa.Column("redeemed_at", UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_store_payment_codes")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_store_payment_codes_code_hash")),
    )
    with op.batch_alter_table("store_payment_codes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_store_payment_codes_customer_id"), ["customer_id"], unique=False
        )
    op.create_table(
        "scan_and_go_carts",
        sa.Column("cart_id", sa.String(length=64), nullable=False),
        sa.Column("store_id", sa.String(length=64), nullable=False),
        sa.Column("customer_id", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("cart_id", name=op.f("pk_scan_and_go_carts")),
    )


def downgrade() -> None:
    op.drop_table("scan_and_go_carts")
    with op.batch_alter_table("store_payment_codes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_store_payment_codes_customer_id"))
    op.drop_table("store_payment_codes")
