"""gift cards and exchange rates

Revision ID: 0010_tenders
Revises: 0009_checkout_saga

Gift cards (code, currency, expiry; the balance is a ledger account of kind GIFT_CARD
owned by the card) and the exchange rates a payment in another currency converts at.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from commercegraph.store.models.base import UTCDateTime

revision = "0010_tenders"
down_revision = "0009_checkout_saga"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "gift_cards",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("unit", sa.String(length=8), nullable=False),
        sa.Column("expires_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("issued_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gift_cards")),
        sa.UniqueConstraint("code", name=op.f("uq_gift_cards_code")),
    )
    op.create_table(
        "exchange_rates",
        sa.Column("base", sa.String(length=8), nullable=False),
        sa.Column("quote", sa.String(length=8), nullable=False),
        sa.Column("rate_micros", sa.BigInteger(), nullable=False),
        sa.Column("source", sa.String(length=80), nullable=False),
        sa.Column("as_of", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("base", "quote", name=op.f("pk_exchange_rates")),
    )


def downgrade() -> None:
    op.drop_table("exchange_rates")
    op.drop_table("gift_cards")
