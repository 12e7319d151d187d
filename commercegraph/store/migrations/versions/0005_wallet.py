"""wallet and loyalty ledger

Revision ID: 0005_wallet
Revises: 0004_customer360

Reserved in the chain so that each domain owns one migration file; empty until that
domain needs tables of its own.
"""

from __future__ import annotations

revision = "0005_wallet"
down_revision = "0004_customer360"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
