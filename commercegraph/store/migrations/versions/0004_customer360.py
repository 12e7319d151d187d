"""customer 360: identity, segments, lifetime value

Revision ID: 0004_customer360
Revises: 0003_inventory

Reserved in the chain so that each domain owns one migration file; empty until that
domain needs tables of its own.
"""

from __future__ import annotations

revision = "0004_customer360"
down_revision = "0003_inventory"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
