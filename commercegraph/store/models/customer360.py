"""Customer 360: computed figures per customer, fitted model state, and merge audit."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from commercegraph.store.models.base import Base, UTCDateTime


class CustomerMetrics(Base):
    """RFM scores and lifetime value as last computed; replaced on refresh."""

    __tablename__ = "customer_metrics"
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), primary_key=True)
    currency: Mapped[str] = mapped_column(String(3))
    order_count: Mapped[int] = mapped_column(Integer)
    revenue: Mapped[int] = mapped_column(BigInteger)
    first_order_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_order_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    recency_score: Mapped[int | None] = mapped_column(Integer)
    frequency_score: Mapped[int | None] = mapped_column(Integer)
    monetary_score: Mapped[int | None] = mapped_column(Integer)
    rfm_segment: Mapped[str | None] = mapped_column(String(64))
    abc_class: Mapped[str | None] = mapped_column(String(1))
    probability_alive: Mapped[float | None] = mapped_column(Float)
    expected_purchases_12m: Mapped[float | None] = mapped_column(Float)
    predicted_12m: Mapped[int | None] = mapped_column(BigInteger)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Customer360Model(Base):
    """The state a full refresh leaves for incremental updates: RFM cut points, ABC
    thresholds and the fitted BG/NBD and Gamma-Gamma parameters."""

    __tablename__ = "customer360_models"
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    params: Mapped[dict[str, Any]] = mapped_column(JSON)
    customers: Mapped[int] = mapped_column(Integer)
    fitted_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CustomerMerge(Base):
    """Audit of a staff merge; a customer is merged away at most once."""

    __tablename__ = "customer_merges"
    __table_args__ = (Index("ix_customer_merges_target", "target_customer_id"),)
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    source_customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), unique=True)
    target_customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"))
    actor: Mapped[str] = mapped_column(String(120))
    idempotency_key: Mapped[str] = mapped_column(String(128))
    summary: Mapped[dict[str, Any]] = mapped_column(JSON)
    merged_at: Mapped[datetime] = mapped_column(UTCDateTime)
