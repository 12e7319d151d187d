"""inventory reservations and bundles

Revision ID: 0003_inventory
Revises: 0002_pricing

Reserved in the chain so that each domain owns one migration file; empty until that
domain needs tables of its own.
"""

from __future__ import annotations

revision = "0003_inventory"
down_revision = "0002_pricing"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
