"""event ids per source: the primary key of events becomes (source, id)

Revision ID: 0008_event_ids_per_source
Revises: 0007_gateway

An event id is unique only within its sender (a channel's API key, staff, or one
customer), so no sender can take another's id. Rows stored before carry the source
``legacy``: their sender is unknown, and ingestion still answers a redelivery of one of
them as a duplicate when its content matches.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_event_ids_per_source"
down_revision = "0007_gateway"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("source", sa.String(length=96), nullable=False, server_default="legacy")
        )
        batch_op.drop_constraint("pk_events", type_="primary")
        batch_op.create_primary_key("pk_events", ["source", "id"])
        batch_op.create_index("ix_events_id", ["id"], unique=False)


def downgrade() -> None:
    # ids sent by two sources would collide in one namespace: keep the first received
    op.execute(
        sa.text(
            "DELETE FROM events WHERE EXISTS (SELECT 1 FROM events AS older"
            " WHERE older.id = events.id AND (older.received_at < events.received_at"
            " OR (older.received_at = events.received_at AND older.source < events.source)))"
        )
    )
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index("ix_events_id")
        batch_op.drop_constraint("pk_events", type_="primary")
        batch_op.create_primary_key("pk_events", ["id"])
        batch_op.drop_column("source")
