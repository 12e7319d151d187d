"""Stock reservations, bundles and order fulfilment details (cross-channel inventory)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from commercegraph.store.models.base import Base, UTCDateTime


class StockReservation(Base):
    """Units of one sku held at one location for one checkout (``reference``).

    ``status``: HELD (counted in ``stock.reserved``), COMMITTED (taken off ``on_hand``),
    RELEASED or EXPIRED (given back). One row per (reference, sku, location) makes a
    retried checkout find its own hold instead of taking the stock twice.
    """

    __tablename__ = "stock_reservations"
    __table_args__ = (
        UniqueConstraint("reference", "sku", "location_id", name="uq_stock_reservations_line"),
        Index("ix_stock_reservations_status_expiry", "status", "expires_at"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    reference: Mapped[str] = mapped_column(String(200))
    sku: Mapped[str] = mapped_column(String(64))
    location_id: Mapped[str] = mapped_column(ForeignKey("locations.id"))
    quantity: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Bundle(Base):
    """FIXED, MIX_AND_MATCH (any ``pick_count`` of the components) or mined
    FREQUENTLY_BOUGHT_TOGETHER; ``discount_percent`` off the components' unit prices."""

    __tablename__ = "bundles"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(32), index=True)
    pick_count: Mapped[int | None] = mapped_column(Integer)
    discount_percent: Mapped[int] = mapped_column(Integer, default=0)
    support: Mapped[float | None] = mapped_column(Float)
    lift: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class BundleComponent(Base):
    __tablename__ = "bundle_components"
    __table_args__ = (Index("ix_bundle_components_product", "product_id", "bundle_id"),)
    bundle_id: Mapped[str] = mapped_column(ForeignKey("bundles.id"), primary_key=True)
    product_id: Mapped[str] = mapped_column(ForeignKey("products.id"), primary_key=True)
    quantity: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer)


class OrderFulfillment(Base):
    """How an order placed through checkout is filled: the location that ships it or
    holds it for pickup, the delivery address, and the cart it came from."""

    __tablename__ = "order_fulfillments"
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id"), primary_key=True)
    cart_id: Mapped[str] = mapped_column(String(64), index=True)
    method: Mapped[str] = mapped_column(String(16))
    location_id: Mapped[str] = mapped_column(String(64))
    address: Mapped[str | None] = mapped_column(String(500))
    reservation_reference: Mapped[str] = mapped_column(String(200), index=True)
