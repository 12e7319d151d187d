"""Checkout as a saga of durable steps: hold, pay, place, commit.

Validation (cart, payment method, funds, stock, pay-at-pickup rules) happens before the
checkout is recorded and writes nothing. From then on each step's effect is made durable
first and recorded second, and every step is idempotent (the hold's reference, the ledger
key and the order's idempotency key all derive from the checkout), so whoever resumes a
checkout — the client retrying its key, another replica, or ``recover-checkouts`` after a
crash — repeats the last step safely and carries on. A step that fails with a coded error
before the order exists is compensated (refund, release) and its code becomes the key's
answer; once the order is placed the checkout only goes forward. An order therefore exists
only after its payment was taken, or when it is explicitly paid at pickup.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from commercegraph.adapters.base import (
    CommerceBackend,
    InventoryBackend,
    PricingBackend,
    WalletBackend,
)
from commercegraph.errors import BackendError, CommerceGraphError, Conflict
from commercegraph.usecases.checkout_log import (
    COMMITTED,
    FAILED,
    HELD,
    PAID,
    PENDING,
    PLACED,
    STARTED,
    SUCCEEDED,
    CheckoutLog,
    CheckoutRecord,
    Failure,
    NewCheckout,
    PaymentTaken,
    UnpaidLimits,
)
from commercegraph.usecases.tenders import GiftCardPort, give_back_gift_card, take_gift_card

log = logging.getLogger("commercegraph.checkout")

Clock = Callable[[], datetime]
StepHook = Callable[[str], None]  # told each step once it is recorded (fault injection)


class CheckoutFailed(CommerceGraphError):
    """A checkout's recorded failure, answered again to every retry of its key."""

    def __init__(self, failure: Failure) -> None:
        super().__init__(failure.message, **failure.extensions)
        self.code = failure.code


class CheckoutInProgress(Conflict):
    code = "CHECKOUT_IN_PROGRESS"


@dataclass(frozen=True, slots=True)
class CheckoutPorts:
    log: CheckoutLog
    commerce: CommerceBackend
    inventory: InventoryBackend
    wallet: WalletBackend
    pricing: PricingBackend
    tenders: GiftCardPort | None = None  # gift cards, spent before the wallet


@dataclass(frozen=True, slots=True)
class SagaTiming:
    lease_seconds: float = 30.0  # a runner that died frees its checkouts after this
    wait_seconds: float = 10.0  # a concurrent duplicate waits this long for the outcome
    poll_seconds: float = 0.05


def new_owner(role: str = "request") -> str:
    return f"{role}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


def pay_key(checkout_id: str) -> str:
    return f"checkout:{checkout_id}:pay"


def refund_key(checkout_id: str) -> str:
    return f"checkout:{checkout_id}:refund"


def _no_hook(_: str) -> None:
    return None


class _Saga:
    def __init__(
        self, ports: CheckoutPorts, owner: str, clock: Clock, timing: SagaTiming, hook: StepHook
    ) -> None:
        self.ports = ports
        self.owner = owner
        self.clock = clock
        self.timing = timing
        self.hook = hook

    def lease(self) -> datetime:
        return self.clock() + timedelta(seconds=self.timing.lease_seconds)

    async def save(self, record: CheckoutRecord, **changes: object) -> CheckoutRecord | None:
        done = changes.get("status") in (SUCCEEDED, FAILED)
        return await self.ports.log.record(
            record.id,
            self.owner,
            now=self.clock(),
            lease_until=None if done else self.lease(),
            **changes,  # type: ignore[arg-type]
        )

    async def let_go(self, record: CheckoutRecord) -> None:
        """Free the lease at once, so a retry can resume without waiting it out."""
        await self.ports.log.record(record.id, self.owner, now=self.clock(), lease_until=None)

    async def drive(self, record: CheckoutRecord) -> CheckoutRecord:
        current: CheckoutRecord | None = record
        while current is not None and current.status == PENDING:
            before = current
            if current.failure is not None:
                try:
                    current = await self.compensate(current)
                except BackendError:
                    await self.let_go(before)
                    raise
                continue
            try:
                current = await self.step(current)
            except BackendError:
                await self.let_go(before)
                raise
            except CommerceGraphError as exc:
                if before.step == PLACED:  # the order stands: only forward from here
                    log.error("checkout %s cannot commit its hold: %s", before.id, exc.message)
                    await self.let_go(before)
                    raise
                failure = Failure(exc.code, exc.message, dict(exc.extensions))
                current = await self.save(before, failure=failure)
                continue
            if current is not None:
                self.hook(current.step)
        if current is None:  # the lease was lost: someone else drives it now
            found = await self.ports.log.by_id(record.id)
            assert found is not None
            return found
        return current

    async def step(self, record: CheckoutRecord) -> CheckoutRecord | None:
        ports, plan, ref = self.ports, record.plan, record.reservation_reference
        assert plan is not None, record.id  # only refused checkouts have none, never pending
        if record.step == STARTED:
            expires = self.clock() + timedelta(seconds=plan.hold_seconds)
            await ports.inventory.reserve(ref, plan.hold, expires)
            return await self.save(record, step=HELD)
        if record.step == HELD:
            (hold,) = await ports.inventory.reservations([ref])
            if hold is None or hold.status != "HELD":
                # it ran out while this checkout was down: hold again before paying, so
                # a paid checkout always has its units
                expires = self.clock() + timedelta(seconds=plan.hold_seconds)
                await ports.inventory.reserve(ref, plan.hold, expires)
            pay = plan.payment
            await take_gift_card(ports.tenders, record)
            if not pay.takes_from_wallet:
                return await self.save(record, step=PAID)
            posting = await ports.wallet.pay(
                record.customer_id,
                pay.wallet_take,
                f"checkout {record.id}",
                pay_key(record.id),
                "WALLET",
                reward_amount=pay.reward_amount,
            )
            taken = PaymentTaken(
                posting.transaction_id,
                posting.amount.amount,
                posting.balance.amount,
                posting.balance.currency,
                posting.reward_amount,
            )
            return await self.save(record, step=PAID, payment=taken)
        if record.step == PAID:
            if plan.budget_rule_ids:
                await ports.pricing.redeem(ref, record.customer_id, list(plan.budget_rule_ids))
            order = await ports.commerce.place_order(plan.order)
            return await self.save(record, step=PLACED, order_id=order.id)
        if record.step == PLACED:
            await ports.inventory.commit_reservation(ref)
            return await self.save(record, step=COMMITTED, status=SUCCEEDED)
        raise AssertionError(f"checkout {record.id} at unknown step {record.step}")

    async def compensate(self, record: CheckoutRecord) -> CheckoutRecord | None:
        """Undo what the steps before the order did: give the money back, then the stock."""
        ports = self.ports
        transaction_id = record.payment.transaction_id if record.payment else None
        if transaction_id is None:  # the payment may have landed just before a crash
            found = await ports.wallet.find_posting(record.customer_id, pay_key(record.id))
            transaction_id = found.id if found is not None else None
        if transaction_id is not None:
            try:
                await ports.wallet.refund(
                    record.customer_id, transaction_id, None, refund_key(record.id)
                )
            except Conflict:
                pass  # refunded already
        await give_back_gift_card(ports.tenders, record)
        await ports.inventory.release_reservation(record.reservation_reference)
        return await self.save(record, status=FAILED)


async def run(
    ports: CheckoutPorts,
    record: CheckoutRecord,
    owner: str,
    *,
    clock: Clock,
    timing: SagaTiming,
    hook: StepHook = _no_hook,
) -> CheckoutRecord:
    """Drive ``record`` to its outcome, or wait for whoever drives it; the record ends
    SUCCEEDED or FAILED, or ``CheckoutInProgress`` when the wait runs out."""
    saga = _Saga(ports, owner, clock, timing, hook)
    deadline = time.monotonic() + timing.wait_seconds
    current = record
    while current.status == PENDING:
        now = clock()
        if await ports.log.claim(current.id, owner, now, saga.lease()):
            current = await saga.drive(current)
            continue
        if time.monotonic() > deadline:
            raise CheckoutInProgress(
                "This checkout is still being processed; retry with the same key",
                argument="idempotencyKey",
            )
        await asyncio.sleep(timing.poll_seconds)
        found = await ports.log.by_id(current.id)
        assert found is not None
        current = found
    return current


async def start(
    ports: CheckoutPorts,
    checkout: NewCheckout,
    *,
    clock: Clock,
    timing: SagaTiming,
    unpaid_limits: UnpaidLimits | None = None,
    hook: StepHook = _no_hook,
) -> CheckoutRecord:
    """Record a validated checkout and drive it; a checkout already recorded under the
    key (a concurrent duplicate) is answered instead."""
    owner = new_owner()
    lease = clock() + timedelta(seconds=timing.lease_seconds)
    record, created = await ports.log.begin(checkout, owner, lease, unpaid_limits)
    same_request(record, checkout.fingerprint)
    if created and record.status == PENDING:  # leased to us already: no claim needed
        record = await _Saga(ports, owner, clock, timing, hook).drive(record)
    return await run(ports, record, owner, clock=clock, timing=timing, hook=hook)


def same_request(record: CheckoutRecord, fingerprint: str) -> None:
    if record.fingerprint != fingerprint:
        raise Conflict(
            "This idempotency key was already used for another checkout",
            argument="idempotencyKey",
        )


def outcome(record: CheckoutRecord) -> str:
    """The order id of a checkout that succeeded; its recorded failure raised otherwise."""
    if record.status == FAILED and record.failure is not None:
        raise CheckoutFailed(record.failure)
    assert record.status == SUCCEEDED and record.order_id is not None, record
    return record.order_id


async def recover(
    ports: CheckoutPorts,
    *,
    clock: Clock,
    timing: SagaTiming,
    hook: StepHook = _no_hook,
    batch: int = 100,
) -> dict[str, int]:
    """Resume or compensate every checkout whose runner is gone; returns how each ended
    (``stuck`` ones wait for a backend, or for staff when a hold can no longer commit)."""
    counts: Counter[str] = Counter()
    seen: set[str] = set()
    owner = new_owner("recovery")
    saga = _Saga(ports, owner, clock, timing, hook)
    while True:
        fresh = [r for r in await ports.log.in_flight(clock(), batch) if r.id not in seen]
        if not fresh:
            break
        for record in fresh:
            seen.add(record.id)
            if not await ports.log.claim(record.id, owner, clock(), saga.lease()):
                continue
            try:
                final = await saga.drive(record)
            except CommerceGraphError as exc:
                log.warning("checkout %s not recovered: %s", record.id, exc.message)
                counts["stuck"] += 1
                continue
            counts["placed" if final.status == SUCCEEDED else "compensated"] += 1
    return dict(counts)
