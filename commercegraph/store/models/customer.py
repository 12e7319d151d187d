"""Customers, their identifiers across channels, consent and behavioural events."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from commercegraph.store.models.base import Base, UTCDateTime


class Customer(Base):
    __tablename__ = "customers"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    customer_group: Mapped[str] = mapped_column(String(32), default="RETAIL")
    home_store_id: Mapped[str | None] = mapped_column(String(64))
    referred_by: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    birth_date: Mapped[date | None] = mapped_column(Date)


class CustomerIdentifier(Base):
    """One identifier (normalised) belongs to exactly one customer."""

    __tablename__ = "customer_identifiers"
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    value: Mapped[str] = mapped_column(String(320), primary_key=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), index=True)
    source: Mapped[str] = mapped_column(String(32))
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Consent(Base):
    __tablename__ = "consents"
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), primary_key=True)
    marketing_email: Mapped[bool] = mapped_column(Boolean, default=False)
    marketing_sms: Mapped[bool] = mapped_column(Boolean, default=False)
    personalization: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CustomerSegment(Base):
    """Segment membership as last computed (RFM, ABC, behavioural); replaced on refresh."""

    __tablename__ = "customer_segments"
    __table_args__ = (Index("ix_customer_segments_key", "segment_key", "customer_id"),)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), primary_key=True)
    segment_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(32))  # RFM | ABC | BEHAVIOUR
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Event(Base):
    """A behavioural event from any channel (views, scans, geofences, POS sales...)."""

    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_customer_type_time", "customer_id", "type", "occurred_at"),
        Index("ix_events_sku_type_time", "sku", "type", "occurred_at"),
        Index("ix_events_id", "id"),
    )
    # an event id is unique per sender: ``channel:STORE``, ``staff``, ``customer:<id>``
    source: Mapped[str] = mapped_column(String(96), primary_key=True, server_default="legacy")
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    type: Mapped[str] = mapped_column(String(32))
    customer_id: Mapped[str | None] = mapped_column(String(64))
    channel: Mapped[str | None] = mapped_column(String(32))
    sku: Mapped[str | None] = mapped_column(String(64))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # SHA-256 of the event as received, canonical: a redelivery must match it to be a duplicate
    content_hash: Mapped[str | None] = mapped_column(String(64))
