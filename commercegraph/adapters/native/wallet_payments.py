"""Native wallet writes: top-ups, payments, refunds and payment-method references."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from commercegraph.adapters.base import (
    Money,
    NewPaymentMethod,
    PaymentMethodRecord,
    WalletPosting,
    WalletTransactionRecord,
)
from commercegraph.adapters.native.ledger import (
    AccountRef,
    customer_account,
    new_id,
    post,
    run_idempotent,
    system_account,
)
from commercegraph.adapters.native.refunds import lock_payment, refund_value
from commercegraph.config import Settings
from commercegraph.errors import BadUserInput, Conflict, NotFound
from commercegraph.services.payment_methods import (
    check_provider_token,
    masked_label,
    refuse_pans,
)
from commercegraph.store import models as m
from commercegraph.store.db import Store
from commercegraph.store.models.base import utcnow

IDEMPOTENCY_RETENTION = timedelta(hours=24)  # the promise made to clients retrying a write


def method_record(p: m.PaymentMethod) -> PaymentMethodRecord:
    return PaymentMethodRecord(p.id, p.kind, p.label, p.is_default)


def _ref(account: m.LedgerAccount) -> AccountRef:
    return AccountRef(account.id, account.owner_id, account.kind, account.unit)


class WalletPayments:
    store: Store
    settings: Settings

    # writes

    def _now(self) -> datetime:
        return utcnow()

    async def _wallet_unit(self, customer_id: str) -> str:
        async with self.store.read() as session:
            unit = await session.scalar(
                select(m.LedgerAccount.unit).where(
                    m.LedgerAccount.owner_id == customer_id, m.LedgerAccount.kind == "WALLET"
                )
            )
        return unit or self.settings.default_currency

    def _posting(self, payload: list[Any], replayed: bool) -> WalletPosting:
        tx_id, kind, amount, balance, unit, *reward = payload
        return WalletPosting(
            tx_id, kind, Money(amount, unit), Money(balance, unit), replayed, *reward
        )

    async def top_up(
        self, customer_id: str, amount: int, payment_method_id: str, idempotency_key: str
    ) -> WalletPosting:
        limit = self.settings.wallet_max_top_up
        if not 0 < amount <= limit:
            raise BadUserInput(f"`amount` must be between 1 and {limit}", argument="amount")
        unit = await self._wallet_unit(customer_id)
        wallet = customer_account(customer_id, "WALLET", unit)
        now = self._now()

        async def body(session: AsyncSession) -> list[Any]:
            method = await session.get(m.PaymentMethod, payment_method_id)
            if method is None or method.customer_id != customer_id:
                raise NotFound("No such payment method", argument="paymentMethodId")
            tx_id, balances = await post(
                session,
                customer_id=customer_id,
                kind="TOP_UP",
                legs=[(system_account("FUNDING", unit), -amount), (wallet, amount)],
                now=now,
                scope=customer_id,
                idempotency_key=idempotency_key,
                description=f"top-up via {method.label}",
            )
            return [tx_id, "TOP_UP", amount, balances[wallet.account_id], unit]

        payload, replayed = await run_idempotent(
            self.store,
            scope=customer_id,
            key=idempotency_key,
            operation="wallet.top_up",
            request={"amount": amount, "payment_method_id": payment_method_id},
            now=now,
            body=body,
        )
        return self._posting(payload, replayed)

    async def pay(
        self,
        customer_id: str,
        amount: int,
        reference: str,
        idempotency_key: str,
        account: str = "WALLET",
        reward_amount: int = 0,
    ) -> WalletPosting:
        if amount < 0 or reward_amount < 0 or amount + reward_amount <= 0:
            raise BadUserInput("`amount` must be positive", argument="amount")
        if account not in ("WALLET", "REWARD") or (account == "REWARD" and reward_amount):
            raise BadUserInput("`account` must be WALLET or REWARD", argument="account")
        unit = await self._wallet_unit(customer_id)
        source = customer_account(customer_id, account, unit)
        reward = customer_account(customer_id, "REWARD", unit)
        now = self._now()

        async def body(session: AsyncSession) -> list[Any]:
            legs = [(source, -amount), (reward, -reward_amount)]
            tx_id, balances = await post(
                session,
                customer_id=customer_id,
                kind="PAYMENT",
                legs=[leg for leg in legs if leg[1]]
                + [(system_account("SALES", unit), amount + reward_amount)],
                now=now,
                scope=customer_id,
                idempotency_key=idempotency_key,
                description=reference,
            )
            main = source if amount else reward
            taken = amount if amount else reward_amount
            return [tx_id, "PAYMENT", -taken, balances[main.account_id], unit, reward_amount]

        payload, replayed = await run_idempotent(
            self.store,
            scope=customer_id,
            key=idempotency_key,
            operation="wallet.pay",
            # what reward credit covers depends on the credit left at the time: a retry of
            # the same payment is the same request whatever the credit is now
            request={"amount": amount, "reference": reference, "account": account},
            now=now,
            body=body,
        )
        return self._posting(payload, replayed)

    async def refund(
        self, customer_id: str, payment_id: str, amount: int | None, idempotency_key: str
    ) -> WalletPosting:
        if amount is not None and amount <= 0:
            raise BadUserInput("`amount` must be positive", argument="amount")
        now = self._now()

        async def body(session: AsyncSession) -> list[Any]:
            found = await lock_payment(
                session, payment_id, customer_id, "PAYMENT", "No such wallet payment"
            )
            payment = found.payment
            sink = next(a for amt, a in found.legs if amt > 0)
            # money goes back to the wallet first, then to reward credit
            sources = sorted(
                ((a, found.left_on(a, amt)) for amt, a in found.legs if amt < 0),
                key=lambda pair: pair[0].kind != "WALLET",
            )
            value = refund_value(
                sum(left for _, left in sources), amount, "This payment is already refunded"
            )
            back: list[tuple[AccountRef, int]] = []
            rest = value
            for account, left in sources:
                share = min(rest, left)
                if share > 0:
                    back.append((_ref(account), share))
                    rest -= share
            dst = _ref(sink)
            tx_id, balances = await post(
                session,
                customer_id=customer_id,
                kind="REFUND",
                legs=[(dst, -value), *back],
                now=now,
                scope=customer_id,
                idempotency_key=idempotency_key,
                reverses_id=payment_id,
                description=f"refund of {payment.description}",
            )
            main = back[0][0]
            return [tx_id, "REFUND", value, balances[main.account_id], main.unit]

        payload, replayed = await run_idempotent(
            self.store,
            scope=customer_id,
            key=idempotency_key,
            operation="wallet.refund",
            request={"payment_id": payment_id, "amount": amount},
            now=now,
            body=body,
        )
        return self._posting(payload, replayed)

    async def find_posting(
        self, customer_id: str, idempotency_key: str
    ) -> WalletTransactionRecord | None:
        async with self.store.read() as session:
            row = (
                await session.execute(
                    select(m.LedgerTransaction, m.LedgerEntry.amount, m.LedgerAccount.unit)
                    .join(m.LedgerEntry, m.LedgerEntry.transaction_id == m.LedgerTransaction.id)
                    .join(m.LedgerAccount, m.LedgerAccount.id == m.LedgerEntry.account_id)
                    .where(
                        m.LedgerTransaction.scope == customer_id,
                        m.LedgerTransaction.idempotency_key == idempotency_key,
                        m.LedgerAccount.owner_id == customer_id,
                    )
                )
            ).first()
        if row is None:
            return None
        tx, amount, unit = row
        return WalletTransactionRecord(tx.id, Money(amount, unit), tx.kind, tx.created_at)

    async def add_payment_method(
        self, customer_id: str, method: NewPaymentMethod
    ) -> PaymentMethodRecord:
        refuse_pans({"brand": method.brand, "last4": method.last4, "email": method.email})
        token = check_provider_token(method.provider_token)
        label = masked_label(
            method.kind, brand=method.brand, last4=method.last4, email=method.email
        )
        async with self.store.write() as session:
            existing = list(
                await session.scalars(
                    select(m.PaymentMethod)
                    .where(m.PaymentMethod.customer_id == customer_id)
                    .with_for_update()
                )
            )
            same = next((p for p in existing if p.provider_token == token), None)
            if same is not None:  # adding the same token twice is a retry, not a second card
                return method_record(same)
            if len(existing) >= self.settings.wallet_max_payment_methods:
                raise Conflict("Too many payment methods; remove one first", argument="kind")
            default = method.make_default or not existing
            if default:
                for p in existing:
                    p.is_default = False
            row = m.PaymentMethod(
                id=new_id("pm"),
                customer_id=customer_id,
                kind=method.kind,
                provider_token=token,
                label=label,
                is_default=default,
                created_at=self._now(),
            )
            session.add(row)
        return method_record(row)

    async def _owned_methods(
        self, session: AsyncSession, customer_id: str, payment_method_id: str
    ) -> tuple[list[m.PaymentMethod], m.PaymentMethod]:
        methods = list(
            await session.scalars(
                select(m.PaymentMethod)
                .where(m.PaymentMethod.customer_id == customer_id)
                .order_by(m.PaymentMethod.created_at, m.PaymentMethod.id)
                .with_for_update()
            )
        )
        target = next((p for p in methods if p.id == payment_method_id), None)
        if target is None:
            raise NotFound("No such payment method", argument="id")
        return methods, target

    async def remove_payment_method(self, customer_id: str, payment_method_id: str) -> None:
        async with self.store.write() as session:
            methods, target = await self._owned_methods(session, customer_id, payment_method_id)
            await session.delete(target)
            rest = [p for p in methods if p.id != payment_method_id]
            if target.is_default and rest:
                rest[0].is_default = True

    async def set_default_payment_method(
        self, customer_id: str, payment_method_id: str
    ) -> PaymentMethodRecord:
        async with self.store.write() as session:
            methods, target = await self._owned_methods(session, customer_id, payment_method_id)
            for p in methods:
                p.is_default = p.id == payment_method_id
        return PaymentMethodRecord(target.id, target.kind, target.label, True)

    async def purge_idempotency_records(self, older_than: datetime) -> int:
        if older_than > self._now() - IDEMPOTENCY_RETENTION:
            raise ValueError("idempotency records are kept at least 24 hours")
        async with self.store.write() as session:
            result = await session.execute(
                delete(m.IdempotencyRecord).where(m.IdempotencyRecord.created_at < older_than)
            )
        return int(getattr(result, "rowcount", 0) or 0)

    async def reward_credits(self, customer_ids: Sequence[str]) -> list[Money | None]:
        async with self.store.read() as session:
            rows = await session.scalars(
                select(m.LedgerAccount).where(
                    m.LedgerAccount.owner_id.in_(customer_ids), m.LedgerAccount.kind == "REWARD"
                )
            )
            found = {a.owner_id: Money(a.balance, a.unit) for a in rows}
        return [found.get(c) for c in customer_ids]
