"""Wallet and loyalty: balances, payments, payment methods and points.

Records first, then one Protocol per vendor capability (see
``commercegraph.ports.capabilities``). An adapter implements the Protocols of the
capabilities it declares; reads are batch-shaped (one result per key, in key order).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, runtime_checkable

from commercegraph.ports.common import Money, Page


@dataclass(frozen=True, slots=True)
class WalletRecord:
    customer_id: str
    balance: Money


@dataclass(frozen=True, slots=True)
class LoyaltyRecord:
    customer_id: str
    points: int
    tier: str
    points_to_next_tier: int | None
    pending_points: int
    expiring_soon: int


@dataclass(frozen=True, slots=True)
class PaymentMethodRecord:
    id: str
    kind: str
    label: str
    is_default: bool


@dataclass(frozen=True, slots=True)
class WalletTransactionRecord:
    id: str
    amount: Money
    kind: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class TransactionQuery:
    customer_id: str
    first: int = 10
    after: str | None = None


@dataclass(frozen=True, slots=True)
class WalletPosting:
    """One ledger transaction as seen from the customer's account."""

    transaction_id: str
    kind: str
    amount: Money  # signed movement on the customer's account
    balance: Money  # the account's balance right after this posting
    replayed: bool = False  # True when an idempotency key returned an earlier result
    reward_amount: int = 0  # also taken from reward credit in the same transaction


@dataclass(frozen=True, slots=True)
class NewPaymentMethod:
    kind: str  # CARD | PAYPAL | APPLE_PAY | GOOGLE_PAY | BANK_ACCOUNT
    provider_token: str
    brand: str | None = None
    last4: str | None = None
    email: str | None = None
    make_default: bool = False


@dataclass(frozen=True, slots=True)
class PointsEarning:
    customer_id: str
    points: int
    qualifying_amount: int  # minor units counted towards the tier
    source: str  # ORDER | REFERRAL | ADJUSTMENT
    occurred_at: datetime
    order_id: str | None = None
    pending_days: int = 0  # points stay pending this long (the return window)
    validity_days: int = 365  # then expire this long after becoming available


@dataclass(frozen=True, slots=True)
class LoyaltyChange:
    transaction_id: str | None
    points_earned: int
    points: int  # available after
    pending_points: int  # pending after
    tier_before: str
    tier_after: str
    points_to_next_tier: int | None
    reached_new_tier: bool = False
    replayed: bool = False


@dataclass(frozen=True, slots=True)
class RedemptionRecord:
    transaction_id: str
    points: int
    into: str  # WALLET_CREDIT | ORDER_DISCOUNT
    credit: Money
    points_left: int
    replayed: bool = False


@dataclass(frozen=True, slots=True)
class ReferralRecord:
    referrer_id: str
    referred_id: str
    code: str
    status: str  # PENDING | REWARDED
    created_at: datetime
    rewarded_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class ReferralSummary:
    code: str | None
    referred: int
    rewarded: int
    points_earned: int


@runtime_checkable
class BalancesPort(Protocol):
    """``wallet.balances``: Stored-value balances and their transactions."""

    async def wallets(self, customer_ids: Sequence[str]) -> list[WalletRecord | None]: ...

    async def transactions(
        self, queries: Sequence[TransactionQuery]
    ) -> list[Page[WalletTransactionRecord]]: ...


@runtime_checkable
class PaymentsPort(Protocol):
    """``wallet.payments``: Payments, refunds and top-ups, once per idempotency key."""

    # Writes: every movement is one balanced ledger transaction; keys scope per customer
    async def top_up(
        self, customer_id: str, amount: int, payment_method_id: str, idempotency_key: str
    ) -> WalletPosting:
        """Credit stored value charged to one of the customer's payment methods."""
        ...

    async def pay(
        self,
        customer_id: str,
        amount: int,
        reference: str,
        idempotency_key: str,
        account: str = "WALLET",
        reward_amount: int = 0,
    ) -> WalletPosting:
        """Debit ``amount`` from ``account`` (WALLET or REWARD credit) and ``reward_amount``
        from reward credit, in one transaction; ``InsufficientFunds`` when either is short."""
        ...

    async def refund(
        self, customer_id: str, payment_id: str, amount: int | None, idempotency_key: str
    ) -> WalletPosting:
        """Reverse (part of) a payment back to the account it came from."""
        ...

    async def find_posting(
        self, customer_id: str, idempotency_key: str
    ) -> WalletTransactionRecord | None:
        """The posting recorded under a ledger idempotency key, if any."""
        ...


@runtime_checkable
class PaymentMethodsPort(Protocol):
    """``wallet.payment_methods``: The customer's saved payment methods."""

    async def payment_methods(
        self, customer_ids: Sequence[str]
    ) -> list[list[PaymentMethodRecord]]: ...

    async def add_payment_method(
        self, customer_id: str, method: NewPaymentMethod
    ) -> PaymentMethodRecord: ...

    async def remove_payment_method(self, customer_id: str, payment_method_id: str) -> None: ...

    async def set_default_payment_method(
        self, customer_id: str, payment_method_id: str
    ) -> PaymentMethodRecord: ...


@runtime_checkable
class LoyaltyPort(Protocol):
    """``wallet.loyalty``: Points: balances, earning, reversal and redemption."""

    async def loyalty_accounts(self, customer_ids: Sequence[str]) -> list[LoyaltyRecord | None]: ...

    async def reward_credits(self, customer_ids: Sequence[str]) -> list[Money | None]:
        """Credit from redeemed points set aside for the next order (ORDER_DISCOUNT)."""
        ...

    async def earn_points(self, earning: PointsEarning, idempotency_key: str) -> LoyaltyChange: ...

    async def reverse_order_points(
        self, customer_id: str, order_id: str, idempotency_key: str
    ) -> LoyaltyChange:
        """Take back what an order earned (pending first) and its qualifying spend."""
        ...

    async def release_order_points(self, customer_id: str, order_id: str) -> int:
        """Make an order's pending points available now (it completed); returns how many."""
        ...

    async def redeem_points(
        self, customer_id: str, points: int, into: str, idempotency_key: str
    ) -> RedemptionRecord: ...
