"""Checkout records: one row per checkout, updated after each durable step."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from commercegraph.store.models.base import Base, UTCDateTime

_NOT_FAILED = text("status != 'FAILED'")


class Checkout(Base):
    """``step`` is the last step done (STARTED, HELD, PAID, PLACED, COMMITTED); ``status``
    PENDING until it SUCCEEDED or FAILED. A pending checkout with ``failure_code`` is being
    compensated. One cart is checked out under one key at a time (the partial unique
    index), so two keys racing for a cart never both take payment."""

    __tablename__ = "checkouts"
    __table_args__ = (
        UniqueConstraint("customer_id", "idempotency_key", name="uq_checkouts_key"),
        Index("ix_checkouts_status_lease", "status", "lease_until"),
        Index("ix_checkouts_reservation", "reservation_reference"),
        Index("ix_checkouts_order", "order_id"),
        Index("ix_checkouts_customer_unpaid", "customer_id", "pay_at_pickup", "status"),
        Index(
            "uq_checkouts_open_cart",
            "cart_id",
            unique=True,
            sqlite_where=_NOT_FAILED,
            postgresql_where=_NOT_FAILED,
        ),
    )
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(64))
    idempotency_key: Mapped[str] = mapped_column(String(128))
    cart_id: Mapped[str] = mapped_column(String(64))
    fingerprint: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    step: Mapped[str] = mapped_column(String(16))
    plan: Mapped[dict[str, Any]] = mapped_column(JSON)
    reservation_reference: Mapped[str] = mapped_column(String(200))
    pay_at_pickup: Mapped[bool] = mapped_column(Boolean)
    units: Mapped[int] = mapped_column(Integer)
    order_id: Mapped[str | None] = mapped_column(String(64))
    payment: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    failure_code: Mapped[str | None] = mapped_column(String(64))
    failure_message: Mapped[str | None] = mapped_column(Text)
    failure_extensions: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    lease_owner: Mapped[str | None] = mapped_column(String(80))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
