"""Tenders besides the wallet: gift cards (their balances live on the ledger) and the
exchange rates a payment in another currency is converted at."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from commercegraph.store.models.base import Base, UTCDateTime


class GiftCard(Base):
    """A bearer card: whoever holds ``code`` may spend it. Its balance is the ledger
    account ``(owner_id=id, kind=GIFT_CARD, unit)``; nothing here caches it."""

    __tablename__ = "gift_cards"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    unit: Mapped[str] = mapped_column(String(8))
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ExchangeRate(Base):
    """``rate_micros`` minor units of ``quote`` per 1 000 000 minor units of ``base``."""

    __tablename__ = "exchange_rates"
    base: Mapped[str] = mapped_column(String(8), primary_key=True)
    quote: Mapped[str] = mapped_column(String(8), primary_key=True)
    rate_micros: Mapped[int] = mapped_column(BigInteger)
    source: Mapped[str] = mapped_column(String(80))
    as_of: Mapped[datetime] = mapped_column(UTCDateTime)
