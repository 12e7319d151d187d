"""Loyalty detail beside the ledger: points lots, qualifying spend and referrals.

The ledger says how many points an account holds; lots say which earning they came from,
when they become available and when they expire, so expiry and redemption can consume
them first-in first-out. The sum of a customer's lots always equals their ledger balances.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from commercegraph.store.models.base import Base, UTCDateTime


class PointsLot(Base):
    """``status``: PENDING (inside the return window), AVAILABLE, or CLOSED (used up)."""

    __tablename__ = "points_lots"
    __table_args__ = (
        Index("ix_points_lots_customer_status_expiry", "customer_id", "status", "expires_at"),
        Index("ix_points_lots_status_available", "status", "available_at"),
    )
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(32))  # ORDER, REFERRAL, OPENING, ...
    order_id: Mapped[str | None] = mapped_column(String(64), index=True)
    transaction_id: Mapped[str] = mapped_column(String(64))
    points: Mapped[int] = mapped_column(Integer)
    remaining: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    earned_at: Mapped[datetime] = mapped_column(UTCDateTime)
    available_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class QualifyingSpend(Base):
    """Spend counted towards the tier; a rolling 12-month sum of these decides it."""

    __tablename__ = "qualifying_spend"
    __table_args__ = (
        UniqueConstraint("customer_id", "reference", name="uq_qualifying_spend_reference"),
        Index("ix_qualifying_spend_customer_time", "customer_id", "occurred_at"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    customer_id: Mapped[str] = mapped_column(String(64))
    reference: Mapped[str] = mapped_column(String(128))  # order:<id>, order:<id>:return, opening
    amount: Mapped[int] = mapped_column(BigInteger)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ReferralCode(Base):
    __tablename__ = "referral_codes"
    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Referral(Base):
    """One referrer per referred customer; ``status`` PENDING until the first order completes."""

    __tablename__ = "referrals"
    referred_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    referrer_id: Mapped[str] = mapped_column(String(64), index=True)
    code: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    rewarded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reward_transaction_id: Mapped[str | None] = mapped_column(String(64))
