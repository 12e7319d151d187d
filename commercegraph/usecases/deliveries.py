"""Delivery subscriptions: the caller's shopping list put in a cart on a cadence (weekly
delivery or pickup), with the next date shown, skippable and cancellable.

``fill_due`` is the job: every active subscription whose next date has come gets its cart
filled once for that date (``autoFillCart``'s rules: the due, in-stock items topped up to
their usual quantity, in the customer's latest open cart on the channel). A date is claimed
by moving ``next_date`` on with a conditional update and recording the fill under the
(subscription, date) primary key in the same transaction, so two runners at once fill each
due date once. The fill itself runs after the claim: a runner that dies in between leaves
that date claimed and unfilled (at most once), and the next date comes as usual.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from commercegraph.adapters.base import CustomerRecord
from commercegraph.adapters.registry import AdapterRegistry
from commercegraph.config import Settings
from commercegraph.errors import BadUserInput, NotFound
from commercegraph.loaders import Loaders
from commercegraph.store import models as m
from commercegraph.store.db import Store
from commercegraph.store.models.base import utcnow
from commercegraph.usecases.personal_reads import PersonalPorts
from commercegraph.usecases.shopping_lists import FilledCart, auto_fill_cart

ACTIVE, CANCELLED = "ACTIVE", "CANCELLED"
MAX_CADENCE_DAYS = 365
MAX_SUBSCRIPTIONS = 10  # active ones per customer


@dataclass(frozen=True, slots=True)
class SubscriptionRecord:
    id: str
    customer_id: str
    channel: str
    fulfillment: str
    store_id: str | None
    cadence_days: int
    next_date: date
    status: str
    last_cart_id: str | None


@dataclass(frozen=True, slots=True)
class DeliveryPorts:
    """The subscriptions and their fills on the gateway's store, and what a fill reads
    and writes through the ports."""

    store: Store
    registry: AdapterRegistry
    settings: Settings
    reads: Loaders | None = None  # the request's loaders, when there is a request

    @classmethod
    def of(
        cls, registry: AdapterRegistry, settings: Settings, reads: Loaders | None = None
    ) -> DeliveryPorts:
        store: Store = registry.checkout_log().store  # type: ignore[attr-defined]
        return cls(store, registry, settings, reads)

    def personal(self) -> PersonalPorts:
        return PersonalPorts.of(self.registry, self.settings, self.reads)


def _record(row: m.DeliverySubscription, last_cart: str | None = None) -> SubscriptionRecord:
    return SubscriptionRecord(
        row.id,
        row.customer_id,
        row.channel,
        row.fulfillment,
        row.store_id,
        row.cadence_days,
        row.next_date,
        row.status,
        last_cart,
    )


async def _last_cart(store: Store, subscription_id: str) -> str | None:
    async with store.read() as session:
        cart: str | None = await session.scalar(
            select(m.DeliveryFill.cart_id)
            .where(m.DeliveryFill.subscription_id == subscription_id)
            .order_by(m.DeliveryFill.due_date.desc())
            .limit(1)
        )
    return cart


async def subscriptions(ports: DeliveryPorts, customer_id: str) -> list[SubscriptionRecord]:
    store = ports.store
    async with store.read() as session:
        rows = list(
            await session.scalars(
                select(m.DeliverySubscription)
                .where(m.DeliverySubscription.customer_id == customer_id)
                .order_by(m.DeliverySubscription.created_at, m.DeliverySubscription.id)
            )
        )
    return [_record(r, await _last_cart(store, r.id)) for r in rows]


async def create(
    ports: DeliveryPorts,
    customer_id: str,
    *,
    cadence_days: int,
    fulfillment: str,
    store_id: str | None,
    channel: str,
    first_date: date | None,
    today: date,
) -> SubscriptionRecord:
    if not 1 <= cadence_days <= MAX_CADENCE_DAYS:
        raise BadUserInput(
            f"The cadence must be 1 to {MAX_CADENCE_DAYS} days", argument="cadenceDays"
        )
    first = first_date or today
    if first < today or first > today + timedelta(days=MAX_CADENCE_DAYS):
        raise BadUserInput("`firstDate` must be today or within a year", argument="firstDate")
    if fulfillment == "PICKUP":
        if store_id is None:
            raise BadUserInput("A pickup subscription needs `storeId`", argument="storeId")
        location = await ports.personal().reads.location_by_id.load(store_id)
        if location is None or location.kind != "STORE":
            raise NotFound(f"No store {store_id!r}")
    elif store_id is not None:
        raise BadUserInput("`storeId` is only for pickup", argument="storeId")
    store = ports.store
    now = utcnow()
    row = m.DeliverySubscription(
        id=f"dsub_{uuid.uuid4().hex[:24]}",
        customer_id=customer_id,
        channel=channel,
        fulfillment=fulfillment,
        store_id=store_id,
        cadence_days=cadence_days,
        next_date=first,
        status=ACTIVE,
        created_at=now,
        updated_at=now,
    )
    async with store.write() as session:
        active = await session.scalars(
            select(m.DeliverySubscription.id).where(
                m.DeliverySubscription.customer_id == customer_id,
                m.DeliverySubscription.status == ACTIVE,
            )
        )
        if len(list(active)) >= MAX_SUBSCRIPTIONS:
            raise BadUserInput(f"At most {MAX_SUBSCRIPTIONS} active subscriptions")
        session.add(row)
    return _record(row)


async def _owned(ports: DeliveryPorts, customer_id: str, subscription_id: str) -> tuple[Store, str]:
    local = str(subscription_id)
    store = ports.store
    row = None
    if 0 < len(local) <= 64:
        async with store.read() as session:
            row = await session.get(m.DeliverySubscription, local)
    if row is None or row.customer_id != customer_id:
        raise NotFound(f"No delivery subscription {subscription_id!r}")
    if row.status != ACTIVE:
        raise BadUserInput("The subscription is cancelled", argument="id")
    return store, local


async def _current(store: Store, local: str) -> SubscriptionRecord:
    async with store.read() as session:
        row = await session.get(m.DeliverySubscription, local)
    assert row is not None
    return _record(row, await _last_cart(store, local))


async def skip_next(
    ports: DeliveryPorts, customer_id: str, subscription_id: str
) -> SubscriptionRecord:
    """Moves the next date on by one cadence (each call skips one more)."""
    store, local = await _owned(ports, customer_id, subscription_id)
    sub = m.DeliverySubscription
    async with store.write() as session:
        row = await session.get(sub, local, with_for_update=True)
        assert row is not None
        row.next_date = row.next_date + timedelta(days=row.cadence_days)
        row.updated_at = utcnow()
    return await _current(store, local)


async def cancel(
    ports: DeliveryPorts, customer_id: str, subscription_id: str
) -> SubscriptionRecord:
    store, local = await _owned(ports, customer_id, subscription_id)
    sub = m.DeliverySubscription
    async with store.write() as session:
        await session.execute(
            update(sub).where(sub.id == local).values(status=CANCELLED, updated_at=utcnow())
        )
    return await _current(store, local)


def _following(due: date, cadence: int, today: date) -> date:
    """The first date after ``today`` on the cadence from ``due`` (missed dates fill once)."""
    periods = (today - due).days // cadence + 1
    return due + timedelta(days=periods * cadence)


async def _claim(store: Store, row: m.DeliverySubscription, today: date) -> bool:
    sub = m.DeliverySubscription
    try:
        async with store.write() as session:
            moved = await session.execute(
                update(sub)
                .where(sub.id == row.id, sub.status == ACTIVE, sub.next_date == row.next_date)
                .values(
                    next_date=_following(row.next_date, row.cadence_days, today),
                    updated_at=utcnow(),
                )
            )
            if moved.rowcount != 1:  # type: ignore[attr-defined]
                return False  # another runner, a skip or a cancel came first
            await session.execute(
                insert(m.DeliveryFill).values(
                    subscription_id=row.id,
                    due_date=row.next_date,
                    cart_id=None,
                    added_units=0,
                    filled_at=utcnow(),
                )
            )
    except IntegrityError:
        return False
    return True


async def _filled_for(
    ports: DeliveryPorts, customer_id: str, channel: str, now: datetime
) -> FilledCart:
    """The customer's cart filled from their list, with reads of their own (as a request's)."""
    personal = PersonalPorts.of(ports.registry, ports.settings)
    customer: CustomerRecord | None = await personal.reads.customer_by_id.load(customer_id)
    if customer is None:
        raise NotFound(f"Customer {customer_id!r} not found")
    return await auto_fill_cart(personal, customer_id, None, channel, now)


async def fill_due(ports: DeliveryPorts, now: datetime | None = None) -> dict[str, Any]:
    """Fill a cart for every active subscription due by ``now``'s date, once per date."""
    now = now or utcnow()
    today = now.date()
    store = ports.store
    sub = m.DeliverySubscription
    async with store.read() as session:
        due = list(
            await session.scalars(
                select(sub)
                .where(sub.status == ACTIVE, sub.next_date <= today)
                .order_by(sub.next_date, sub.id)
            )
        )
    filled: list[dict[str, Any]] = []
    for row in due:
        if not await _claim(store, row, today):
            continue
        cart = await _filled_for(ports, row.customer_id, row.channel, now)
        units = sum(q for _, q in cart.added)
        async with store.write() as session:
            await session.execute(
                update(m.DeliveryFill)
                .where(
                    m.DeliveryFill.subscription_id == row.id,
                    m.DeliveryFill.due_date == row.next_date,
                )
                .values(cart_id=cart.cart_id, added_units=units)
            )
        filled.append(
            {
                "subscription": row.id,
                "due_date": row.next_date.isoformat(),
                "cart": cart.cart_id,
                "added_units": units,
            }
        )
    return {"due": len(due), "filled": filled}
