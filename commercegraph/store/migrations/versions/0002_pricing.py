"""pricing rules engine

Revision ID: 0002_pricing
Revises: 0001_foundation

Rules, their version history, the rule-set revision and budget redemptions.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from commercegraph.store.models.base import UTCDateTime

revision = "0002_pricing"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pricing_rules",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("condition", sa.Text(), nullable=False),
        sa.Column("effect", sa.Text(), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("stacking", sa.String(length=16), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("valid_from", UTCDateTime(timezone=True), nullable=True),
        sa.Column("valid_until", UTCDateTime(timezone=True), nullable=True),
        sa.Column("max_redemptions", sa.Integer(), nullable=True),
        sa.Column("max_redemptions_per_customer", sa.Integer(), nullable=True),
        sa.Column("redeemed", sa.Integer(), nullable=False),
        sa.Column("channels", sa.JSON(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=128), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=128), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pricing_rules")),
    )
    with op.batch_alter_table("pricing_rules", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pricing_rules_active"), ["active"], unique=False)
    op.create_table(
        "pricing_rule_versions",
        sa.Column("rule_id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("change", sa.String(length=16), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.Column("changed_by", sa.String(length=128), nullable=False),
        sa.Column("changed_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("rule_id", "version", name=op.f("pk_pricing_rule_versions")),
    )
    revision_table = op.create_table(
        "pricing_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pricing_revision")),
    )
    op.bulk_insert(revision_table, [{"id": 1, "revision": 0}])
    op.create_table(
        "pricing_rule_redemptions",
        sa.Column("order_id", sa.String(length=64), nullable=False),
        sa.Column("rule_id", sa.String(length=64), nullable=False),
        sa.Column("customer_id", sa.String(length=64), nullable=True),
        sa.Column("redeemed_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("order_id", "rule_id", name=op.f("pk_pricing_rule_redemptions")),
    )
    with op.batch_alter_table("pricing_rule_redemptions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_pricing_rule_redemptions_rule_customer", ["rule_id", "customer_id"], unique=False
        )
    op.create_table(
        "pricing_customer_budgets",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("rule_id", sa.String(length=64), nullable=False),
        sa.Column("customer_id", sa.String(length=64), nullable=False),
        sa.Column("redeemed", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pricing_customer_budgets")),
        sa.UniqueConstraint(
            "rule_id", "customer_id", name=op.f("uq_pricing_customer_budgets_rule_id")
        ),
    )


def downgrade() -> None:
    op.drop_table("pricing_customer_budgets")
    with op.batch_alter_table("pricing_rule_redemptions", schema=None) as batch_op:
        batch_op.drop_index("ix_pricing_rule_redemptions_rule_customer")
    op.drop_table("pricing_rule_redemptions")
    op.drop_table("pricing_revision")
    op.drop_table("pricing_rule_versions")
    with op.batch_alter_table("pricing_rules", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pricing_rules_active"))
    op.drop_table("pricing_rules")
