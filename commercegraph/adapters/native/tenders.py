"""Native tenders beside the wallet: gift cards on the double-entry ledger, and the
exchange-rate table a payment in another currency is converted at.

A gift card is a bearer code with a currency and an optional expiry; its balance is the
ledger account ``(card, GIFT_CARD, unit)``. Issuing and topping up move money from the
FUNDING system account onto the card, spending moves it from the card to SALES, a refund
moves it back: every movement is one balanced ledger transaction under an idempotency key,
and a card is debited with the ledger's conditional update, so two checkouts spending one
card concurrently can never take more than it holds.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from commercegraph.adapters.native.ledger import (
    AccountRef,
    new_id,
    post,
    run_idempotent,
    system_account,
)
from commercegraph.adapters.native.refunds import lock_payment, refund_value
from commercegraph.errors import BadUserInput, GiftCardExpired, NotFound
from commercegraph.services.ledger import customer_account_id
from commercegraph.store import models as m
from commercegraph.store.db import Store
from commercegraph.store.models.base import utcnow

GIFT_CARD = "GIFT_CARD"
ISSUE_SCOPE = "gift-cards"  # idempotency scope of issuing and topping up (staff, at the till)
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed
CODE_LENGTH = 16
MAX_GIFT_CARD_AMOUNT = 100_000_00
MICROS = 1_000_000


@dataclass(frozen=True, slots=True)
class GiftCardRecord:
    id: str
    code: str
    unit: str
    balance: int
    expires_at: datetime | None
    issued_at: datetime

    def expired(self, now: datetime) -> bool:
        return self.expires_at is not None and self.expires_at <= now


@dataclass(frozen=True, slots=True)
class GiftCardPosting:
    transaction_id: str
    card_id: str
    amount: int  # signed movement on the card
    balance: int  # the card's balance right after
    unit: str
    replayed: bool = False


@dataclass(frozen=True, slots=True)
class ExchangeRate:
    base: str
    quote: str
    rate_micros: int  # minor units of quote per 1 000 000 minor units of base
    source: str
    as_of: datetime

    def convert(self, amount: int) -> int:
        """``amount`` minor units of base in minor units of quote, rounded half to even.
        Both currencies are taken to have the same number of decimals (EUR, USD, GBP)."""
        quotient, rest = divmod(amount * self.rate_micros, MICROS)
        if 2 * rest > MICROS or (2 * rest == MICROS and quotient % 2):
            quotient += 1
        return quotient


def _posting(payload: list[Any], replayed: bool) -> GiftCardPosting:
    tx_id, card_id, amount, balance, unit = payload
    return GiftCardPosting(tx_id, card_id, amount, balance, unit, replayed)


def normalise_code(code: str) -> str:
    plain = "".join(ch for ch in code.upper() if ch.isalnum())
    if len(plain) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in plain):
        raise NotFound("No such gift card", argument="code")
    return "-".join(plain[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def _new_code() -> str:
    plain = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(plain[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def card_account(card_id: str, unit: str) -> AccountRef:
    return AccountRef(customer_account_id(card_id, GIFT_CARD, unit), card_id, GIFT_CARD, unit)


def _check_amount(amount: int) -> None:
    if not 0 < amount <= MAX_GIFT_CARD_AMOUNT:
        raise BadUserInput(
            f"`amount` must be between 1 and {MAX_GIFT_CARD_AMOUNT}", argument="amount"
        )


class NativeTenders:
    def __init__(self, store: Store) -> None:
        self.store = store

    def _now(self) -> datetime:
        return utcnow()

    # exchange rates

    async def rate(self, base: str, quote: str) -> ExchangeRate | None:
        async with self.store.read() as session:
            row = await session.get(m.ExchangeRate, (base, quote))
        if row is None:
            return None
        return ExchangeRate(row.base, row.quote, row.rate_micros, row.source, row.as_of)

    async def set_rate(
        self, base: str, quote: str, rate_micros: int, source: str, as_of: datetime
    ) -> None:
        if rate_micros <= 0 or base == quote:
            raise BadUserInput("A rate is positive and between two currencies")
        async with self.store.write() as session:
            values = {
                "base": base,
                "quote": quote,
                "rate_micros": rate_micros,
                "source": source[:80],
                "as_of": as_of,
            }
            dialect = session.get_bind().dialect.name
            insert = pg_insert if dialect == "postgresql" else sqlite_insert
            stmt = insert(m.ExchangeRate).values(values)
            await session.execute(
                stmt.on_conflict_do_update(
                    index_elements=["base", "quote"],
                    set_={k: v for k, v in values.items() if k not in ("base", "quote")},
                )
            )

    # gift cards

    async def gift_card(self, code: str) -> GiftCardRecord | None:
        try:
            code = normalise_code(code)
        except NotFound:
            return None
        async with self.store.read() as session:
            card = await session.scalar(select(m.GiftCard).where(m.GiftCard.code == code))
            if card is None:
                return None
            return await self._record(session, card)

    async def gift_card_by_id(self, card_id: str) -> GiftCardRecord | None:
        async with self.store.read() as session:
            card = await session.get(m.GiftCard, card_id)
            return await self._record(session, card) if card is not None else None

    async def _record(self, session: AsyncSession, card: m.GiftCard) -> GiftCardRecord:
        balance = await session.scalar(
            select(m.LedgerAccount.balance).where(
                m.LedgerAccount.id == card_account(card.id, card.unit).account_id
            )
        )
        return GiftCardRecord(
            card.id, card.code, card.unit, int(balance or 0), card.expires_at, card.issued_at
        )

    async def issue_gift_card(
        self, amount: int, unit: str, expires_at: datetime | None, idempotency_key: str
    ) -> GiftCardRecord:
        _check_amount(amount)
        now = self._now()
        if expires_at is not None and expires_at <= now:
            raise BadUserInput("`expiresAt` must be in the future", argument="expiresAt")

        async def body(session: AsyncSession) -> list[Any]:
            card = m.GiftCard(
                id=new_id("gc"), code=_new_code(), unit=unit, expires_at=expires_at, issued_at=now
            )
            session.add(card)
            await session.flush()
            tx_id, _ = await post(
                session,
                customer_id=None,
                kind="GIFT_CARD_ISSUE",
                legs=[
                    (system_account("FUNDING", unit), -amount),
                    (card_account(card.id, unit), amount),
                ],
                now=now,
                scope=ISSUE_SCOPE,
                idempotency_key=idempotency_key,
                description=f"gift card {card.code[-4:]} issued",
            )
            return [card.id, tx_id]

        (card_id, _), _ = await run_idempotent(
            self.store,
            scope=ISSUE_SCOPE,
            key=idempotency_key,
            operation="giftcard.issue",
            request={"amount": amount, "unit": unit, "expires_at": expires_at},
            now=now,
            body=body,
        )
        found = await self.gift_card_by_id(card_id)
        assert found is not None, card_id
        return found

    async def top_up_gift_card(
        self, code: str, amount: int, idempotency_key: str
    ) -> GiftCardPosting:
        _check_amount(amount)
        code = normalise_code(code)
        now = self._now()

        async def body(session: AsyncSession) -> list[Any]:
            card = await self._spendable(session, code, now)
            account = card_account(card.id, card.unit)
            tx_id, balances = await post(
                session,
                customer_id=None,
                kind="GIFT_CARD_TOP_UP",
                legs=[(system_account("FUNDING", card.unit), -amount), (account, amount)],
                now=now,
                scope=ISSUE_SCOPE,
                idempotency_key=idempotency_key,
                description=f"gift card {card.code[-4:]} topped up",
            )
            return [tx_id, card.id, amount, balances[account.account_id], card.unit]

        payload, replayed = await run_idempotent(
            self.store,
            scope=ISSUE_SCOPE,
            key=idempotency_key,
            operation="giftcard.top_up",
            request={"code": code, "amount": amount},
            now=now,
            body=body,
        )
        return _posting(payload, replayed)

    async def _spendable(
        self, session: AsyncSession, code: str, now: datetime, *, card_id: str | None = None
    ) -> m.GiftCard:
        if card_id is not None:
            card = await session.get(m.GiftCard, card_id)
        else:
            card = await session.scalar(select(m.GiftCard).where(m.GiftCard.code == code))
        if card is None:
            raise NotFound("No such gift card", argument="code")
        if card.expires_at is not None and card.expires_at <= now:
            raise GiftCardExpired(
                f"This gift card expired on {card.expires_at.date().isoformat()}",
                argument="code",
                expiresAt=card.expires_at.isoformat(),
            )
        return card

    async def redeem(
        self, customer_id: str, card_id: str, amount: int, reference: str, idempotency_key: str
    ) -> GiftCardPosting:
        """Spend ``amount`` of the card for ``customer_id``; ``INSUFFICIENT_FUNDS`` when the
        card does not hold it (checked by the ledger's conditional debit, under the lock)."""
        if amount <= 0:
            raise BadUserInput("`amount` must be positive", argument="amount")
        now = self._now()

        async def body(session: AsyncSession) -> list[Any]:
            card = await self._spendable(session, "", now, card_id=card_id)
            account = card_account(card.id, card.unit)
            tx_id, balances = await post(
                session,
                customer_id=customer_id,
                kind="GIFT_CARD_PAYMENT",
                legs=[(account, -amount), (system_account("SALES", card.unit), amount)],
                now=now,
                scope=customer_id,
                idempotency_key=idempotency_key,
                description=reference,
            )
            return [tx_id, card.id, -amount, balances[account.account_id], card.unit]

        payload, replayed = await run_idempotent(
            self.store,
            scope=customer_id,
            key=idempotency_key,
            operation="giftcard.redeem",
            request={"card": card_id, "amount": amount, "reference": reference},
            now=now,
            body=body,
        )
        return _posting(payload, replayed)

    async def find_redemption(self, customer_id: str, idempotency_key: str) -> str | None:
        async with self.store.read() as session:
            return await session.scalar(
                select(m.LedgerTransaction.id).where(
                    m.LedgerTransaction.scope == customer_id,
                    m.LedgerTransaction.idempotency_key == idempotency_key,
                    m.LedgerTransaction.kind == "GIFT_CARD_PAYMENT",
                )
            )

    async def refund_gift_card_tender(
        self,
        customer_id: str,
        payment_id: str,
        amount: int | None,
        idempotency_key: str,
    ) -> GiftCardPosting:
        """Put (part of) a gift-card payment back on its card; what is left to refund is
        the payment less every refund before it. The card is credited even past its
        expiry (the money was the card's), though an expired card cannot be spent."""
        if amount is not None and amount <= 0:
            raise BadUserInput("`amount` must be positive", argument="amount")
        now = self._now()

        async def body(session: AsyncSession) -> list[Any]:
            found = await lock_payment(
                session, payment_id, customer_id, "GIFT_CARD_PAYMENT", "No such gift-card payment"
            )
            payment = found.payment
            taken, account = next((amt, a) for amt, a in found.legs if a.kind == GIFT_CARD)
            value = refund_value(
                found.left_on(account, taken), amount, "This gift-card payment is already refunded"
            )
            card = AccountRef(account.id, account.owner_id, account.kind, account.unit)
            tx_id, balances = await post(
                session,
                customer_id=customer_id,
                kind="GIFT_CARD_REFUND",
                legs=[(system_account("SALES", account.unit), -value), (card, value)],
                now=now,
                scope=customer_id,
                idempotency_key=idempotency_key,
                reverses_id=payment_id,
                description=f"refund of {payment.description}",
            )
            return [tx_id, account.owner_id, value, balances[account.id], account.unit]

        payload, replayed = await run_idempotent(
            self.store,
            scope=customer_id,
            key=idempotency_key,
            operation="giftcard.refund",
            request={"payment_id": payment_id, "amount": amount},
            now=now,
            body=body,
        )
        return _posting(payload, replayed)
