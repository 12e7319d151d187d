"""The checkout record: what a checkout planned and which of its steps are done.

Each checkout is one row, keyed by customer and idempotency key, written before the first
step and updated after each one. A runner holds a short lease on the row while it drives
the steps; when the lease runs out (the runner died) anyone may take it over and carry on
from the last recorded step, because every step is itself idempotent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

from commercegraph.adapters.base import NewOrder, ReservationLine

PENDING, SUCCEEDED, FAILED = "PENDING", "SUCCEEDED", "FAILED"
# the last step done; each is recorded only after its effect is durable
STARTED, HELD, PAID, PLACED, COMMITTED = "STARTED", "HELD", "PAID", "PLACED", "COMMITTED"
STEPS = (STARTED, HELD, PAID, PLACED, COMMITTED)


@dataclass(frozen=True, slots=True)
class PaymentPlan:
    """How the order is paid, fixed when the checkout starts."""

    wallet_amount: int = 0  # from stored value, taken at the PAID step
    reward_amount: int = 0  # from reward credit, in the same ledger transaction
    charged_amount: int = 0  # left to the payment method
    payment_method_id: str | None = None
    pay_at_pickup: bool = False  # nothing taken now: the store collects at pickup
    gift_card_id: str | None = None  # spent before the wallet, in the order's currency
    gift_card_amount: int = 0
    # a wallet in another currency than the order pays ``wallet_debit`` of its own unit,
    # converted at the rate recorded here when the checkout was planned
    wallet_debit: int | None = None
    wallet_unit: str | None = None
    fx_rate_micros: int = 0
    fx_source: str = ""
    fx_as_of: str = ""

    @property
    def takes_from_wallet(self) -> bool:
        return self.wallet_amount + self.reward_amount > 0

    @property
    def wallet_take(self) -> int:
        """What leaves the wallet, in the wallet's own currency."""
        return self.wallet_amount if self.wallet_debit is None else self.wallet_debit


@dataclass(frozen=True, slots=True)
class CheckoutPlan:
    order: NewOrder
    hold: tuple[ReservationLine, ...]
    hold_seconds: int
    payment: PaymentPlan
    budget_rule_ids: tuple[str, ...] = ()

    @property
    def units(self) -> int:
        return sum(line.quantity for line in self.hold)


@dataclass(frozen=True, slots=True)
class PaymentTaken:
    """The wallet posting of the PAID step, as the customer is told it."""

    transaction_id: str
    amount: int  # signed movement on the paying account
    balance: int  # that account's balance right after
    unit: str
    reward_amount: int


@dataclass(frozen=True, slots=True)
class Failure:
    code: str
    message: str
    extensions: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class NewCheckout:
    customer_id: str
    idempotency_key: str
    fingerprint: str  # of the request, so a key reused for another request is refused
    plan: CheckoutPlan


@dataclass(frozen=True, slots=True)
class CheckoutRecord:
    id: str
    customer_id: str
    idempotency_key: str
    cart_id: str
    fingerprint: str
    status: str  # PENDING | SUCCEEDED | FAILED
    step: str  # the last step done
    plan: CheckoutPlan | None  # None for a checkout refused before it was planned
    reservation_reference: str
    order_id: str | None = None
    payment: PaymentTaken | None = None
    failure: Failure | None = None  # set while compensating, kept once FAILED
    lease_owner: str | None = None
    lease_until: datetime | None = None
    created_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class UnpaidLimits:
    """Bounds on a customer's open pay-at-pickup checkouts, checked atomically at begin."""

    max_orders: int
    max_units: int


@runtime_checkable
class CheckoutLog(Protocol):
    async def begin(
        self,
        checkout: NewCheckout,
        owner: str,
        lease_until: datetime,
        unpaid_limits: UnpaidLimits | None = None,
    ) -> tuple[CheckoutRecord, bool]:
        """Record a new checkout leased to ``owner``, or return the one already recorded
        under its key (``False``). ``Conflict`` when another key is checking out its cart;
        a checkout that would pass ``unpaid_limits`` is recorded FAILED
        (``PAY_AT_PICKUP_LIMIT``)."""
        ...

    async def refuse(
        self, customer_id: str, idempotency_key: str, fingerprint: str, failure: Failure
    ) -> CheckoutRecord:
        """Record a checkout refused before it started (funds, stock) as FAILED, so its
        key keeps answering the refusal; returns the record already under the key if any."""
        ...

    async def by_key(self, customer_id: str, idempotency_key: str) -> CheckoutRecord | None: ...
    async def by_id(self, checkout_id: str) -> CheckoutRecord | None: ...
    async def for_orders(self, order_ids: Sequence[str]) -> list[CheckoutRecord | None]: ...

    async def claim(self, checkout_id: str, owner: str, now: datetime, until: datetime) -> bool:
        """Lease a pending checkout whose lease is free, ran out or is ``owner``'s."""
        ...

    async def record(
        self,
        checkout_id: str,
        owner: str,
        *,
        now: datetime,
        lease_until: datetime | None,
        step: str | None = None,
        status: str | None = None,
        order_id: str | None = None,
        payment: PaymentTaken | None = None,
        failure: Failure | None = None,
    ) -> CheckoutRecord | None:
        """Write what a step did, while ``owner`` still holds the lease (else ``None``)."""
        ...

    async def in_flight(self, now: datetime, limit: int = 100) -> list[CheckoutRecord]:
        """Pending checkouts whose lease is free or ran out, oldest first."""
        ...
