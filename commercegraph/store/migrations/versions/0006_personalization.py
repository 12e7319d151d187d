"""personalisation: shopping lists and offers

Revision ID: 0006_personalization
Revises: 0005_wallet

Reserved in the chain so that each domain owns one migration file; empty until that
domain needs tables of its own.
"""

from __future__ import annotations

revision = "0006_personalization"
down_revision = "0005_wallet"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
