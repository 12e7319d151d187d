"""privacy: event content hashes, erasure progress and tombstones, the privacy audit

Revision ID: 0013_privacy
Revises: 0012_offers

An event's canonical content hash tells a redelivery from a different event sent under the
same id. An erasure records the steps done so a re-run resumes; erased identifiers leave a
hash so later events cannot re-create the person; every consent change, export and
erasure step is audited.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from commercegraph.store.models.base import UTCDateTime

revision = "0013_privacy"
down_revision = "0012_offers"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("content_hash", sa.String(length=64), nullable=True))
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("erased_at", UTCDateTime(timezone=True), nullable=True))
    op.create_table(
        "erasure_requests",
        sa.Column("customer_id", sa.String(length=64), nullable=False),
        sa.Column("requested_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("completed_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("steps", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("customer_id", name=op.f("pk_erasure_requests")),
    )
    op.create_table(
        "erased_identifiers",
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("value_hash", sa.String(length=64), nullable=False),
        sa.Column("erased_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("kind", "value_hash", name=op.f("pk_erased_identifiers")),
    )
    op.create_table(
        "privacy_audit",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("customer_id", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("step", sa.String(length=64), nullable=True),
        sa.Column("backend", sa.String(length=64), nullable=True),
        sa.Column("actor", sa.String(length=96), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_privacy_audit")),
    )
    op.create_index(
        op.f("ix_privacy_audit_customer_id"), "privacy_audit", ["customer_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_privacy_audit_customer_id"), table_name="privacy_audit")
    op.drop_table("privacy_audit")
    op.drop_table("erased_identifiers")
    op.drop_table("erasure_requests")
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.drop_column("erased_at")
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_column("content_hash")
