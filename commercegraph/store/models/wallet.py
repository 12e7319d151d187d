"""Stored value and loyalty points on one double-entry ledger.

Every movement is a ``LedgerTransaction`` whose ``LedgerEntry`` amounts sum to zero per
unit (currency or ``PTS``). ``LedgerAccount.balance`` is a cache of the sum of its
entries, updated in the same database transaction as the entries.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from commercegraph.store.models.base import Base, UTCDateTime


class LedgerAccount(Base):
    """``kind``: WALLET or POINTS (a customer's), or a system account (FUNDING, ...)."""

    __tablename__ = "ledger_accounts"
    __table_args__ = (
        UniqueConstraint("owner_id", "kind", "unit", name="uq_ledger_accounts_owner"),
    )
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    owner_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    unit: Mapped[str] = mapped_column(String(8))  # ISO 4217 code or PTS
    balance: Mapped[int] = mapped_column(BigInteger, default=0)
    allow_negative: Mapped[bool] = mapped_column(Boolean, default=False)


class LedgerTransaction(Base):
    __tablename__ = "ledger_transactions"
    __table_args__ = (
        UniqueConstraint("scope", "idempotency_key", name="uq_ledger_transactions_idem"),
        Index("ix_ledger_transactions_customer_time", "customer_id", "created_at"),
    )
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    customer_id: Mapped[str | None] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(32))  # TOP_UP, PAYMENT, REFUND, EARN, REDEEM, ...
    scope: Mapped[str | None] = mapped_column(String(64))
    idempotency_key: Mapped[str | None] = mapped_column(String(128))
    reverses_id: Mapped[str | None] = mapped_column(String(64))
    description: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class LedgerEntry(Base):
    __tablename__ = "ledger_entries"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    transaction_id: Mapped[str] = mapped_column(ForeignKey("ledger_transactions.id"), index=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("ledger_accounts.id"), index=True)
    amount: Mapped[int] = mapped_column(BigInteger)


class PaymentMethod(Base):
    """A provider token and a masked label; card numbers are never stored."""

    __tablename__ = "payment_methods"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    provider_token: Mapped[str] = mapped_column(String(200))
    label: Mapped[str] = mapped_column(String(200))
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class LoyaltyAccount(Base):
    __tablename__ = "loyalty_accounts"
    customer_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    tier: Mapped[str] = mapped_column(String(16), default="BRONZE")
    pending_points: Mapped[int] = mapped_column(Integer, default=0)
    qualifying_spend: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class IdempotencyRecord(Base):
    """Remembered results of idempotent writes, scoped per caller, kept >= 24 hours."""

    __tablename__ = "idempotency_records"
    scope: Mapped[str] = mapped_column(String(64), primary_key=True)
    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    operation: Mapped[str] = mapped_column(String(64))
    request_hash: Mapped[str] = mapped_column(String(64))
    result_ref: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
