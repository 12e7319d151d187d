"""Checkout records on the gateway's store (the saga's durable state).

Every update is conditional on the lease (``lease_owner``) and on the checkout still
pending, so a runner that lost its lease to a recovery can never overwrite what the new
runner recorded. Pay-at-pickup limits are checked in the transaction that records the
checkout, after taking a per-customer lock (PostgreSQL) or the write lock (SQLite), so
concurrent checkouts cannot pass a limit together.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import Row, and_, func, or_, select, text, update
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from commercegraph.adapters.base import NewOrder, NewOrderLine, ReservationLine
from commercegraph.adapters.native.ledger import new_id
from commercegraph.errors import BackendUnavailable, Conflict, PayAtPickupLimit
from commercegraph.store import models as m
from commercegraph.store.db import Store
from commercegraph.store.models.base import utcnow
from commercegraph.usecases.checkout_log import (
    FAILED,
    PENDING,
    STARTED,
    SUCCEEDED,
    CheckoutPlan,
    CheckoutRecord,
    Failure,
    NewCheckout,
    PaymentPlan,
    PaymentTaken,
    UnpaidLimits,
)

# orders in these states no longer wait for their pay-at-pickup payment
CLOSED_ORDER_STATUSES = ("PICKED_UP", "COMPLETED", "DELIVERED", "CANCELLED", "REFUNDED", "RETURNED")

_checkouts = m.Base.metadata.tables["checkouts"]
_orders = m.Base.metadata.tables["orders"]


def plan_to_json(plan: CheckoutPlan) -> dict[str, Any]:
    o = plan.order
    return {
        "order": {
            "customer_id": o.customer_id,
            "cart_id": o.cart_id,
            "channel": o.channel,
            "currency": o.currency,
            "lines": [[li.sku, li.quantity, li.unit_price, li.bundle_id] for li in o.lines],
            "subtotal": o.subtotal,
            "discount": o.discount,
            "total": o.total,
            "fulfillment": o.fulfillment,
            "location_id": o.location_id,
            "store_id": o.store_id,
            "address": o.address,
            "idempotency_key": o.idempotency_key,
            "reservation_reference": o.reservation_reference,
        },
        "hold": [[h.sku, h.location_id, h.quantity] for h in plan.hold],
        "hold_seconds": plan.hold_seconds,
        "payment": {
            "wallet_amount": plan.payment.wallet_amount,
            "reward_amount": plan.payment.reward_amount,
            "charged_amount": plan.payment.charged_amount,
            "payment_method_id": plan.payment.payment_method_id,
            "pay_at_pickup": plan.payment.pay_at_pickup,
            **tender_fields(plan.payment),
        },
        "budget_rule_ids": list(plan.budget_rule_ids),
    }


def tender_fields(pay: PaymentPlan) -> dict[str, Any]:
    """The gift-card and exchange fields, written only when used (older plans lack them)."""
    fields: dict[str, Any] = {}
    if pay.gift_card_id is not None:
        fields.update(gift_card_id=pay.gift_card_id, gift_card_amount=pay.gift_card_amount)
    if pay.wallet_debit is not None:
        fields.update(
            wallet_debit=pay.wallet_debit,
            wallet_unit=pay.wallet_unit,
            fx_rate_micros=pay.fx_rate_micros,
            fx_source=pay.fx_source,
            fx_as_of=pay.fx_as_of,
        )
    return fields


def plan_from_json(data: dict[str, Any]) -> CheckoutPlan | None:
    if not data:
        return None
    o = dict(data["order"])
    o["lines"] = tuple(NewOrderLine(*line) for line in o["lines"])
    return CheckoutPlan(
        order=NewOrder(**o),
        hold=tuple(ReservationLine(*h) for h in data["hold"]),
        hold_seconds=int(data["hold_seconds"]),
        payment=PaymentPlan(**data["payment"]),
        budget_rule_ids=tuple(data["budget_rule_ids"]),
    )


@contextmanager
def _unavailable_as_backend() -> Iterator[None]:
    """A store that cannot be reached is a backend failure (the saga frees its lease and
    the key is retried), not a bug; a constraint violation stays what it is."""
    try:
        yield
    except IntegrityError:
        raise
    except (DBAPIError, OSError, TimeoutError) as exc:
        raise BackendUnavailable("checkout", "The checkout records are unavailable") from exc


def _record(row: Row[Any]) -> CheckoutRecord:
    failure = (
        Failure(row.failure_code, row.failure_message or "", dict(row.failure_extensions or {}))
        if row.failure_code
        else None
    )
    return CheckoutRecord(
        id=row.id,
        customer_id=row.customer_id,
        idempotency_key=row.idempotency_key,
        cart_id=row.cart_id,
        fingerprint=row.fingerprint,
        status=row.status,
        step=row.step,
        plan=plan_from_json(row.plan),
        reservation_reference=row.reservation_reference,
        order_id=row.order_id,
        payment=PaymentTaken(**row.payment) if row.payment else None,
        failure=failure,
        lease_owner=row.lease_owner,
        lease_until=row.lease_until,
        created_at=row.created_at,
    )


class NativeCheckoutLog:
    def __init__(self, store: Store) -> None:
        self.store = store

    @asynccontextmanager
    async def _read(self) -> AsyncIterator[AsyncSession]:
        with _unavailable_as_backend():
            async with self.store.read() as session:
                yield session

    @asynccontextmanager
    async def _write(self) -> AsyncIterator[AsyncSession]:
        with _unavailable_as_backend():
            async with self.store.write() as session:
                yield session

    async def _by_key(
        self, session: AsyncSession, customer_id: str, key: str
    ) -> CheckoutRecord | None:
        row = (
            await session.execute(
                select(_checkouts).where(
                    _checkouts.c.customer_id == customer_id,
                    _checkouts.c.idempotency_key == key,
                )
            )
        ).first()
        return _record(row) if row is not None else None

    async def by_key(self, customer_id: str, idempotency_key: str) -> CheckoutRecord | None:
        async with self._read() as session:
            return await self._by_key(session, customer_id, idempotency_key)

    async def by_id(self, checkout_id: str) -> CheckoutRecord | None:
        async with self._read() as session:
            row = (
                await session.execute(select(_checkouts).where(_checkouts.c.id == checkout_id))
            ).first()
        return _record(row) if row is not None else None

    async def for_orders(self, order_ids: Sequence[str]) -> list[CheckoutRecord | None]:
        async with self._read() as session:
            rows = (
                await session.execute(
                    select(_checkouts).where(_checkouts.c.order_id.in_(list(order_ids)))
                )
            ).all()
        found = {row.order_id: _record(row) for row in rows}
        return [found.get(i) for i in order_ids]

    async def begin(
        self,
        checkout: NewCheckout,
        owner: str,
        lease_until: datetime,
        unpaid_limits: UnpaidLimits | None = None,
    ) -> tuple[CheckoutRecord, bool]:
        plan, cid, key = checkout.plan, checkout.customer_id, checkout.idempotency_key
        now = utcnow()
        try:
            async with self._write() as session:
                if self.store.dialect == "postgresql":
                    # one customer's checkouts queue here, so limits are counted one at a time
                    await session.execute(
                        text("SELECT pg_advisory_xact_lock(hashtext(:k))"),
                        {"k": f"checkout:{cid}"},
                    )
                existing = await self._by_key(session, cid, key)
                if existing is not None:
                    return existing, False
                row = m.Checkout(
                    id=new_id("chk"),
                    customer_id=cid,
                    idempotency_key=key,
                    cart_id=plan.order.cart_id,
                    fingerprint=checkout.fingerprint,
                    status=PENDING,
                    step=STARTED,
                    plan=plan_to_json(plan),
                    reservation_reference=plan.order.reservation_reference,
                    pay_at_pickup=plan.payment.pay_at_pickup,
                    units=plan.units,
                    lease_owner=owner,
                    lease_until=lease_until,
                    created_at=now,
                    updated_at=now,
                )
                session.add(row)
                await session.flush()  # written first: on SQLite this takes the write lock
                if plan.payment.pay_at_pickup and unpaid_limits is not None:
                    refused = await self._check_unpaid(session, cid, unpaid_limits)
                    if refused is not None:
                        row.status, row.lease_until = FAILED, None
                        row.failure_code, row.failure_message = refused.code, refused.message
                        row.failure_extensions = refused.extensions
                        await session.flush()
                record = await self._by_key(session, cid, key)
                assert record is not None
                return record, True
        except IntegrityError:
            async with self._read() as session:
                existing = await self._by_key(session, cid, key)
            if existing is None:
                raise Conflict(
                    "This cart is already being checked out under another idempotency key",
                    argument="cartId",
                ) from None
            return existing, False

    async def refuse(
        self, customer_id: str, idempotency_key: str, fingerprint: str, failure: Failure
    ) -> CheckoutRecord:
        now = utcnow()
        try:
            async with self._write() as session:
                session.add(
                    m.Checkout(
                        id=new_id("chk"),
                        customer_id=customer_id,
                        idempotency_key=idempotency_key,
                        cart_id="",
                        fingerprint=fingerprint,
                        status=FAILED,
                        step=STARTED,
                        plan={},
                        reservation_reference="",
                        pay_at_pickup=False,
                        units=0,
                        failure_code=failure.code,
                        failure_message=failure.message,
                        failure_extensions=failure.extensions,
                        created_at=now,
                        updated_at=now,
                    )
                )
        except IntegrityError:
            pass  # a concurrent request under the same key got there first: its answer
        found = await self.by_key(customer_id, idempotency_key)
        assert found is not None
        return found

    async def _check_unpaid(
        self, session: AsyncSession, cid: str, limits: UnpaidLimits
    ) -> Failure | None:
        joined = _checkouts.outerjoin(_orders, _orders.c.id == _checkouts.c.order_id)
        row = (
            await session.execute(
                select(func.count(), func.coalesce(func.sum(_checkouts.c.units), 0))
                .select_from(joined)
                .where(
                    _checkouts.c.customer_id == cid,
                    _checkouts.c.pay_at_pickup.is_(True),
                    or_(
                        _checkouts.c.status == PENDING,
                        and_(
                            _checkouts.c.status == SUCCEEDED,
                            _orders.c.status.not_in(CLOSED_ORDER_STATUSES),
                        ),
                    ),
                )
            )
        ).one()
        orders, units = int(row[0]), int(row[1])
        if orders <= limits.max_orders and units <= limits.max_units:
            return None
        return Failure(
            PayAtPickupLimit.code,
            f"At most {limits.max_orders} orders and {limits.max_units} units may wait "
            "for payment at pickup; pay for this order now or collect the others first",
            {
                "argument": "payment.payAtPickup",
                "maxOrders": limits.max_orders,
                "maxUnits": limits.max_units,
            },
        )

    async def claim(self, checkout_id: str, owner: str, now: datetime, until: datetime) -> bool:
        async with self._write() as session:
            claimed = await session.execute(
                update(_checkouts)
                .where(
                    _checkouts.c.id == checkout_id,
                    _checkouts.c.status == PENDING,
                    or_(
                        _checkouts.c.lease_until.is_(None),
                        _checkouts.c.lease_until <= now,
                        _checkouts.c.lease_owner == owner,
                    ),
                )
                .values(lease_owner=owner, lease_until=until, updated_at=now)
                .returning(_checkouts.c.id)
            )
            return claimed.first() is not None

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
        values: dict[str, Any] = {"lease_until": lease_until, "updated_at": now}
        if step is not None:
            values["step"] = step
        if status is not None:
            values["status"] = status
        if order_id is not None:
            values["order_id"] = order_id
        if payment is not None:
            values["payment"] = {
                "transaction_id": payment.transaction_id,
                "amount": payment.amount,
                "balance": payment.balance,
                "unit": payment.unit,
                "reward_amount": payment.reward_amount,
            }
        if failure is not None:
            values.update(
                failure_code=failure.code,
                failure_message=failure.message,
                failure_extensions=failure.extensions,
            )
        async with self._write() as session:
            row = (
                await session.execute(
                    update(_checkouts)
                    .where(
                        _checkouts.c.id == checkout_id,
                        _checkouts.c.lease_owner == owner,
                        _checkouts.c.status == PENDING,
                    )
                    .values(**values)
                    .returning(*_checkouts.c)
                )
            ).first()
        return _record(row) if row is not None else None

    async def in_flight(self, now: datetime, limit: int = 100) -> list[CheckoutRecord]:
        async with self._read() as session:
            rows = (
                await session.execute(
                    select(_checkouts)
                    .where(
                        _checkouts.c.status == PENDING,
                        or_(_checkouts.c.lease_until.is_(None), _checkouts.c.lease_until <= now),
                    )
                    .order_by(_checkouts.c.created_at, _checkouts.c.id)
                    .limit(limit)
                )
            ).all()
        return [_record(row) for row in rows]
