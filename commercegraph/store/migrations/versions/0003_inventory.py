"""inventory reservations and bundles

Revision ID: 0003_inventory
Revises: 0002_pricing

Stock reservations with expiry, bundles and their components, and how checkout orders
are fulfilled (location, address, cart).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import commercegraph.store.models.base

revision = "0003_inventory"
down_revision = "0002_pricing"
branch_labels = None
depends_on = None


def _utc() -> commercegraph.store.models.base.UTCDateTime:
    return commercegraph.store.models.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "stock_reservations",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("reference", sa.String(length=200), nullable=False),
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("location_id", sa.String(length=64), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", _utc(), nullable=False),
        sa.Column("expires_at", _utc(), nullable=False),
        sa.Column("updated_at", _utc(), nullable=False),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["locations.id"],
            name=op.f("fk_stock_reservations_location_id_locations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_reservations")),
        sa.UniqueConstraint("reference", "sku", "location_id", name="uq_stock_reservations_line"),
    )
    with op.batch_alter_table("stock_reservations", schema=None) as batch_op:
        batch_op.create_index(
            "ix_stock_reservations_status_expiry", ["status", "expires_at"], unique=False
        )

    op.create_table(
        "bundles",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("pick_count", sa.Integer(), nullable=True),
        sa.Column("discount_percent", sa.Integer(), nullable=False),
        sa.Column("support", sa.Float(), nullable=True),
        sa.Column("lift", sa.Float(), nullable=True),
        sa.Column("created_at", _utc(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bundles")),
    )
    with op.batch_alter_table("bundles", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_bundles_kind"), ["kind"], unique=False)

    op.create_table(
        "bundle_components",
        sa.Column("bundle_id", sa.String(length=64), nullable=False),
        sa.Column("product_id", sa.String(length=64), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["bundle_id"], ["bundles.id"], name=op.f("fk_bundle_components_bundle_id_bundles")
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["products.id"],
            name=op.f("fk_bundle_components_product_id_products"),
        ),
        sa.PrimaryKeyConstraint("bundle_id", "product_id", name=op.f("pk_bundle_components")),
    )
    with op.batch_alter_table("bundle_components", schema=None) as batch_op:
        batch_op.create_index(
            "ix_bundle_components_product", ["product_id", "bundle_id"], unique=False
        )

    op.create_table(
        "order_fulfillments",
        sa.Column("order_id", sa.String(length=64), nullable=False),
        sa.Column("cart_id", sa.String(length=64), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("location_id", sa.String(length=64), nullable=False),
        sa.Column("address", sa.String(length=500), nullable=True),
        sa.Column("reservation_reference", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_order_fulfillments_order_id_orders")
        ),
        sa.PrimaryKeyConstraint("order_id", name=op.f("pk_order_fulfillments")),
    )
    with op.batch_alter_table("order_fulfillments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_order_fulfillments_cart_id"), ["cart_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("order_fulfillments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_order_fulfillments_cart_id"))
    op.drop_table("order_fulfillments")
    with op.batch_alter_table("bundle_components", schema=None) as batch_op:
        batch_op.drop_index("ix_bundle_components_product")
    op.drop_table("bundle_components")
    with op.batch_alter_table("bundles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bundles_kind"))
    op.drop_table("bundles")
    with op.batch_alter_table("stock_reservations", schema=None) as batch_op:
        batch_op.drop_index("ix_stock_reservations_status_expiry")
    op.drop_table("stock_reservations")
