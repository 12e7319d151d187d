"""Erasure of personal data: each request's progress, tombstones of erased identifiers,
and the audit of every consent change, export and erasure step."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from commercegraph.store.models.base import Base, UTCDateTime


class ErasureRequest(Base):
    """One per erased customer; ``steps`` holds the steps done, so a re-run resumes."""

    __tablename__ = "erasure_requests"
    customer_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    steps: Mapped[list[str]] = mapped_column(JSON, default=list)


class ErasedIdentifier(Base):
    """A tombstone: the SHA-256 of an erased identifier, so later events cannot revive it."""

    __tablename__ = "erased_identifiers"
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    value_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    erased_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PrivacyAudit(Base):
    """An append-only record of what was done to a customer's personal data, and by whom."""

    __tablename__ = "privacy_audit"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(64), index=True)
    action: Mapped[str] = mapped_column(String(32))  # CONSENT | EXPORT | ERASURE
    step: Mapped[str | None] = mapped_column(String(64))
    backend: Mapped[str | None] = mapped_column(String(64))
    actor: Mapped[str] = mapped_column(String(96))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
