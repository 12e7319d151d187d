"""gateway core and hardening

Revision ID: 0007_gateway
Revises: 0006_personalization

Reserved in the chain so that each domain owns one migration file; empty until that
domain needs tables of its own.
"""

from __future__ import annotations

revision = "0007_gateway"
down_revision = "0006_personalization"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
