"""Delivery subscriptions: a customer's cart filled from the shopping list on a cadence."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from commercegraph.store.models.base import Base, UTCDateTime


class DeliverySubscription(Base):
    """``next_date`` is the next day a cart is filled; ``status`` ACTIVE or CANCELLED."""

    __tablename__ = "delivery_subscriptions"
    __table_args__ = (
        Index("ix_delivery_subscriptions_due", "status", "next_date"),
        Index("ix_delivery_subscriptions_customer", "customer_id"),
    )
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(32))
    fulfillment: Mapped[str] = mapped_column(String(16))  # SHIP | PICKUP
    store_id: Mapped[str | None] = mapped_column(String(64))
    cadence_days: Mapped[int] = mapped_column(Integer)
    next_date: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class DeliveryFill(Base):
    """One row per subscription and due date: the date was claimed (and the cart filled)."""

    __tablename__ = "delivery_fills"
    subscription_id: Mapped[str] = mapped_column(
        ForeignKey("delivery_subscriptions.id"), primary_key=True
    )
    due_date: Mapped[date] = mapped_column(Date, primary_key=True)
    cart_id: Mapped[str | None] = mapped_column(String(64))
    added_units: Mapped[int] = mapped_column(Integer, default=0)
    filled_at: Mapped[datetime] = mapped_column(UTCDateTime)
