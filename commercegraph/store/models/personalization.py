"""Shopping lists, the offer log with its frequency caps, and the webhook outbox."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from commercegraph.store.models.base import Base, UTCDateTime
from commercegraph.store.models.commerce import OrderLine

# Co-purchase statistics read the recent orders holding a sku; without this every anchor
# would scan all order lines.
Index("ix_order_lines_sku_order", OrderLine.sku, OrderLine.order_id)


class ShoppingListEntry(Base):
    """An explicit list item (``LISTED``) or an inferred one the customer dismissed."""

    __tablename__ = "shopping_list_entries"
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), primary_key=True)
    sku: Mapped[str] = mapped_column(String(64), primary_key=True)
    quantity: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))  # LISTED | DISMISSED
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class OfferCap(Base):
    """The last issue of one offer to one customer: a new issue needs its cap to have passed."""

    __tablename__ = "offer_caps"
    customer_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    offer_key: Mapped[str] = mapped_column(String(160), primary_key=True)
    offer_id: Mapped[str] = mapped_column(String(64))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime)


class OfferLogEntry(Base):
    """Every offer issued, with why and until when."""

    __tablename__ = "offer_log"
    __table_args__ = (Index("ix_offer_log_customer_issued", "customer_id", "issued_at"),)
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(64))
    offer_key: Mapped[str] = mapped_column(String(160))
    kind: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(200))
    message: Mapped[str] = mapped_column(String(500))
    reason: Mapped[str] = mapped_column(String(500))
    sku: Mapped[str | None] = mapped_column(String(64))
    store_id: Mapped[str | None] = mapped_column(String(64))
    trigger: Mapped[str] = mapped_column(String(32))  # QUERY | GEOFENCE
    marketing: Mapped[bool] = mapped_column(Boolean)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class WebhookDelivery(Base):
    """The transactional outbox: written with the offer, delivered at least once."""

    __tablename__ = "webhook_outbox"
    __table_args__ = (Index("ix_webhook_outbox_due", "status", "next_attempt_at"),)
    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # receivers de-duplicate on it
    event_type: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16))  # PENDING | DELIVERED | FAILED
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
