"""wallet and loyalty ledger

Revision ID: 0005_wallet
Revises: 0004_customer360

Points lots (FIFO expiry, pending points), rolling qualifying spend and referrals.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from commercegraph.store.models.base import UTCDateTime

revision = "0005_wallet"
down_revision = "0004_customer360"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "points_lots",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("customer_id", sa.String(length=64), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("order_id", sa.String(length=64), nullable=True),
        sa.Column("transaction_id", sa.String(length=64), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("remaining", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("earned_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("available_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_points_lots")),
    )
    with op.batch_alter_table("points_lots", schema=None) as batch_op:
        batch_op.create_index(
            "ix_points_lots_customer_status_expiry",
            ["customer_id", "status", "expires_at"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_points_lots_order_id"), ["order_id"], unique=False)
        batch_op.create_index(
            "ix_points_lots_status_available", ["status", "available_at"], unique=False
        )

    op.create_table(
        "qualifying_spend",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("customer_id", sa.String(length=64), nullable=False),
        sa.Column("reference", sa.String(length=128), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("occurred_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_qualifying_spend")),
        sa.UniqueConstraint("customer_id", "reference", name="uq_qualifying_spend_reference"),
    )
    with op.batch_alter_table("qualifying_spend", schema=None) as batch_op:
        batch_op.create_index(
            "ix_qualifying_spend_customer_time", ["customer_id", "occurred_at"], unique=False
        )

    op.create_table(
        "referral_codes",
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("customer_id", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_referral_codes")),
        sa.UniqueConstraint("customer_id", name=op.f("uq_referral_codes_customer_id")),
    )
    op.create_table(
        "referrals",
        sa.Column("referred_id", sa.String(length=64), nullable=False),
        sa.Column("referrer_id", sa.String(length=64), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("rewarded_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("reward_transaction_id", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("referred_id", name=op.f("pk_referrals")),
    )
    with op.batch_alter_table("referrals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_referrals_referrer_id"), ["referrer_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("referrals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_referrals_referrer_id"))
    op.drop_table("referrals")
    op.drop_table("referral_codes")
    with op.batch_alter_table("qualifying_spend", schema=None) as batch_op:
        batch_op.drop_index("ix_qualifying_spend_customer_time")
    op.drop_table("qualifying_spend")
    with op.batch_alter_table("points_lots", schema=None) as batch_op:
        batch_op.drop_index("ix_points_lots_status_available")
        batch_op.drop_index(batch_op.f("ix_points_lots_order_id"))
        batch_op.drop_index("ix_points_lots_customer_status_expiry")
    op.drop_table("points_lots")
