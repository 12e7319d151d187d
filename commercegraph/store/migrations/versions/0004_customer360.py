"""customer 360: identity, segments, lifetime value

Revision ID: 0004_customer360
Revises: 0003_inventory

Per-customer metrics (RFM, lifetime value), fitted model state for incremental updates,
and the audit of customer merges.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import commercegraph.store.models.base

revision = "0004_customer360"
down_revision = "0003_inventory"
branch_labels = None
depends_on = None


def upgrade() -> None:
    utc = commercegraph.store.models.base.UTCDateTime(timezone=True)
    op.create_table(
        "customer_metrics",
        sa.Column("customer_id", sa.String(length=64), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("order_count", sa.Integer(), nullable=False),
        sa.Column("revenue", sa.BigInteger(), nullable=False),
        sa.Column("first_order_at", utc, nullable=True),
        sa.Column("last_order_at", utc, nullable=True),
        sa.Column("recency_score", sa.Integer(), nullable=True),
        sa.Column("frequency_score", sa.Integer(), nullable=True),
        sa.Column("monetary_score", sa.Integer(), nullable=True),
        sa.Column("rfm_segment", sa.String(length=64), nullable=True),
        sa.Column("abc_class", sa.String(length=1), nullable=True),
        sa.Column("probability_alive", sa.Float(), nullable=True),
        sa.Column("expected_purchases_12m", sa.Float(), nullable=True),
        sa.Column("predicted_12m", sa.BigInteger(), nullable=True),
        sa.Column("computed_at", utc, nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_customer_metrics_customer_id_customers"),
        ),
        sa.PrimaryKeyConstraint("customer_id", name=op.f("pk_customer_metrics")),
    )
    op.create_table(
        "customer360_models",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("customers", sa.Integer(), nullable=False),
        sa.Column("fitted_at", utc, nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_customer360_models")),
    )
    op.create_table(
        "customer_merges",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("source_customer_id", sa.String(length=64), nullable=False),
        sa.Column("target_customer_id", sa.String(length=64), nullable=False),
        sa.Column("actor", sa.String(length=120), nullable=False),
        sa.Column("idempotency_key", sa.String(length=128), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.Column("merged_at", utc, nullable=False),
        sa.ForeignKeyConstraint(
            ["source_customer_id"],
            ["customers.id"],
            name=op.f("fk_customer_merges_source_customer_id_customers"),
        ),
        sa.ForeignKeyConstraint(
            ["target_customer_id"],
            ["customers.id"],
            name=op.f("fk_customer_merges_target_customer_id_customers"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_merges")),
        sa.UniqueConstraint(
            "source_customer_id", name=op.f("uq_customer_merges_source_customer_id")
        ),
    )
    with op.batch_alter_table("customer_merges", schema=None) as batch_op:
        batch_op.create_index("ix_customer_merges_target", ["target_customer_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("customer_merges", schema=None) as batch_op:
        batch_op.drop_index("ix_customer_merges_target")
    op.drop_table("customer_merges")
    op.drop_table("customer360_models")
    op.drop_table("customer_metrics")
