"""pricing rules engine

Revision ID: 0002_pricing
Revises: 0001_foundation

Reserved in the chain so that each domain owns one migration file; empty until that
domain needs tables of its own.
"""

from __future__ import annotations

revision = "0002_pricing"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
