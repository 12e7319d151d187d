"""The wallet port in memory: balances, payments once per key, payment methods."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime

from commercegraph.adapters.base import (
    Money,
    NewPaymentMethod,
    Page,
    PaymentMethodRecord,
    TransactionQuery,
    WalletPosting,
    WalletRecord,
    WalletTransactionRecord,
)
from commercegraph.contract.fakes.common import page_indexes
from commercegraph.contract.fixture import ContractFixture
from commercegraph.errors import BadUserInput, InsufficientFunds, NotFound


class FakeWallet:
    capabilities = frozenset({"wallet.balances", "wallet.payments", "wallet.payment_methods"})

    def __init__(self, currency: str, balances: dict[str, int]) -> None:
        self.currency = currency
        self.balances = dict(balances)
        self.postings: dict[str, list[WalletTransactionRecord]] = {c: [] for c in balances}
        self.by_key: dict[tuple[str, str], WalletPosting] = {}
        self.methods: dict[str, list[PaymentMethodRecord]] = {}
        self.tokens: dict[tuple[str, str], str] = {}  # (customer, provider token) -> method
        self._ids = itertools.count(1)

    @classmethod
    def sample(cls, fx: ContractFixture = ContractFixture()) -> FakeWallet:
        fake = cls(fx.currency, {fx.customer_id: 5_000})
        fake.methods[fx.customer_id] = [
            PaymentMethodRecord("pm_sample", "CARD", "Visa ····4242", True)
        ]
        return fake

    async def wallets(self, customer_ids: Sequence[str]) -> list[WalletRecord | None]:
        return [
            WalletRecord(c, Money(self.balances[c], self.currency)) if c in self.balances else None
            for c in customer_ids
        ]

    async def transactions(
        self, queries: Sequence[TransactionQuery]
    ) -> list[Page[WalletTransactionRecord]]:
        pages: list[Page[WalletTransactionRecord]] = []
        for q in queries:
            mine = list(reversed(self.postings.get(q.customer_id, [])))
            chosen, more = page_indexes(mine, q.first, q.after)
            cursors = tuple(str(i) for i in chosen)
            pages.append(
                Page(tuple(mine[i] for i in chosen), more, cursors[-1] if cursors else None,
                     len(mine), cursors)
            )  # fmt: skip
        return pages

    def _post(self, customer_id: str, kind: str, amount: int, key: str) -> WalletPosting:
        replay = self.by_key.get((customer_id, key))
        if replay is not None:
            return replace(replay, replayed=True)
        if customer_id not in self.balances:
            raise NotFound(f"Customer {customer_id!r} has no wallet", argument="customerId")
        if self.balances[customer_id] + amount < 0:
            raise InsufficientFunds("The wallet balance is too low", argument="amount")
        self.balances[customer_id] += amount
        tx = WalletTransactionRecord(
            f"wtx_{next(self._ids)}", Money(amount, self.currency), kind, datetime.now(UTC)
        )
        self.postings[customer_id].append(tx)
        posting = WalletPosting(
            tx.id, kind, tx.amount, Money(self.balances[customer_id], self.currency)
        )
        self.by_key[(customer_id, key)] = posting
        return posting

    async def top_up(
        self, customer_id: str, amount: int, payment_method_id: str, idempotency_key: str
    ) -> WalletPosting:
        if amount <= 0:
            raise BadUserInput("`amount` must be positive", argument="amount")
        return self._post(customer_id, "TOP_UP", amount, idempotency_key)

    async def pay(
        self,
        customer_id: str,
        amount: int,
        reference: str,
        idempotency_key: str,
        account: str = "WALLET",
        reward_amount: int = 0,
    ) -> WalletPosting:
        if amount <= 0 or reward_amount or account != "WALLET":
            raise BadUserInput("a positive WALLET `amount` only", argument="amount")
        return self._post(customer_id, "PAYMENT", -amount, idempotency_key)

    async def refund(
        self, customer_id: str, payment_id: str, amount: int | None, idempotency_key: str
    ) -> WalletPosting:
        paid = next((p for p in self.postings.get(customer_id, []) if p.id == payment_id), None)
        if paid is None or paid.kind != "PAYMENT":
            raise NotFound(f"No payment {payment_id!r}", argument="paymentId")
        back = -paid.amount.amount if amount is None else amount
        if not 0 < back <= -paid.amount.amount:
            raise BadUserInput("`amount` exceeds the payment", argument="amount")
        return self._post(customer_id, "REFUND", back, idempotency_key)

    async def find_posting(
        self, customer_id: str, idempotency_key: str
    ) -> WalletTransactionRecord | None:
        posting = self.by_key.get((customer_id, idempotency_key))
        if posting is None:
            return None
        return next(p for p in self.postings[customer_id] if p.id == posting.transaction_id)

    async def payment_methods(self, customer_ids: Sequence[str]) -> list[list[PaymentMethodRecord]]:
        return [list(self.methods.get(c, [])) for c in customer_ids]

    async def add_payment_method(
        self, customer_id: str, method: NewPaymentMethod
    ) -> PaymentMethodRecord:
        mine = self.methods.setdefault(customer_id, [])
        known = self.tokens.get((customer_id, method.provider_token))
        if known is not None and any(m.id == known for m in mine):
            return next(m for m in mine if m.id == known)  # the same token again: a retry
        label = f"{method.brand or method.kind.title()} ····{method.last4 or '0000'}"
        record = PaymentMethodRecord(f"pm_{next(self._ids)}", method.kind, label, not mine)
        mine.append(record)
        self.tokens[(customer_id, method.provider_token)] = record.id
        if method.make_default:
            return await self.set_default_payment_method(customer_id, record.id)
        return record

    async def remove_payment_method(self, customer_id: str, payment_method_id: str) -> None:
        mine = self.methods.get(customer_id, [])
        self.methods[customer_id] = [m for m in mine if m.id != payment_method_id]

    async def set_default_payment_method(
        self, customer_id: str, payment_method_id: str
    ) -> PaymentMethodRecord:
        mine = self.methods.get(customer_id, [])
        if all(m.id != payment_method_id for m in mine):
            raise NotFound(f"No payment method {payment_method_id!r}", argument="paymentMethodId")
        self.methods[customer_id] = [replace(m, is_default=m.id == payment_method_id) for m in mine]
        return next(m for m in self.methods[customer_id] if m.id == payment_method_id)
