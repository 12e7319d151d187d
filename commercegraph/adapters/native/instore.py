"""The gateway's own in-store state on its SQL store: payment codes (kept hashed) and the
store each scan-and-go cart is bound to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update

from commercegraph.store import models as m
from commercegraph.store.db import Store


@dataclass(frozen=True, slots=True)
class PaymentCodeRecord:
    id: str
    customer_id: str
    store_id: str
    expires_at: datetime
    status: str  # ACTIVE | REDEEMED
    redeemed_key: str | None
    fingerprint: str | None
    amount: int | None
    order_id: str | None


def _record(row: m.StorePaymentCode) -> PaymentCodeRecord:
    return PaymentCodeRecord(
        row.id,
        row.customer_id,
        row.store_id,
        row.expires_at,
        row.status,
        row.redeemed_key,
        row.fingerprint,
        row.amount,
        row.order_id,
    )


class NativeInStore:
    def __init__(self, store: Store) -> None:
        self.store = store

    async def add_payment_code(
        self,
        code_id: str,
        code_hash: str,
        customer_id: str,
        store_id: str,
        created_at: datetime,
        expires_at: datetime,
    ) -> None:
        async with self.store.write() as session:
            session.add(
                m.StorePaymentCode(
                    id=code_id,
                    code_hash=code_hash,
                    customer_id=customer_id,
                    store_id=store_id,
                    created_at=created_at,
                    expires_at=expires_at,
                    status="ACTIVE",
                )
            )

    async def payment_code(self, code_hash: str) -> PaymentCodeRecord | None:
        async with self.store.read() as session:
            row = await session.scalar(
                select(m.StorePaymentCode).where(m.StorePaymentCode.code_hash == code_hash)
            )
            return _record(row) if row is not None else None

    async def claim_payment_code(
        self, code_hash: str, key: str, fingerprint: str, amount: int, now: datetime
    ) -> bool:
        """Mark an active, unexpired code redeemed under ``key``; False when another
        redemption (or the clock) got there first. One conditional UPDATE, so two tills
        racing for one code on PostgreSQL see exactly one winner."""
        code = m.StorePaymentCode
        async with self.store.write() as session:
            result = await session.execute(
                update(code)
                .where(code.code_hash == code_hash, code.status == "ACTIVE", code.expires_at > now)
                .values(
                    status="REDEEMED",
                    redeemed_key=key,
                    fingerprint=fingerprint,
                    amount=amount,
                    redeemed_at=now,
                )
            )
            return bool(result.rowcount)  # type: ignore[attr-defined]

    async def release_payment_code(self, code_hash: str, key: str) -> None:
        """Give a claimed code back (its payment was refused), only if ``key`` holds it."""
        code = m.StorePaymentCode
        async with self.store.write() as session:
            await session.execute(
                update(code)
                .where(
                    code.code_hash == code_hash,
                    code.redeemed_key == key,
                    code.order_id.is_(None),
                )
                .values(
                    status="ACTIVE",
                    redeemed_key=None,
                    fingerprint=None,
                    amount=None,
                    redeemed_at=None,
                )
            )

    async def settle_payment_code(self, code_hash: str, order_id: str) -> None:
        code = m.StorePaymentCode
        async with self.store.write() as session:
            await session.execute(
                update(code).where(code.code_hash == code_hash).values(order_id=order_id)
            )

    async def bind_cart(
        self, cart_id: str, store_id: str, customer_id: str, created_at: datetime
    ) -> None:
        async with self.store.write() as session:
            session.add(
                m.ScanAndGoCart(
                    cart_id=cart_id,
                    store_id=store_id,
                    customer_id=customer_id,
                    created_at=created_at,
                )
            )

    async def cart_store(self, cart_id: str) -> str | None:
        async with self.store.read() as session:
            row = await session.get(m.ScanAndGoCart, cart_id)
            return row.store_id if row is not None else None
