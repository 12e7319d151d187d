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

from commercegraph.adapters.registry import AdapterRegistry
from commercegraph.auth import Caller
from commercegraph.config import Settings
from commercegraph.context import Context
from commercegraph.errors import BadUserInput, NotFound
from commercegraph.resolvers.customer import me
from commercegraph.store import models as m
from commercegraph.store.db import Store
from commercegraph.store.models.base import utcnow

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


def _store(registry: AdapterRegistry) -> Store:
    store: Store = registry.checkout_log().store  # type: ignore[attr-defined]
    return store


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


async def subscriptions(ctx: Context) -> list[SubscriptionRecord]:
    customer_id = (await me(ctx)).id
    store = _store(ctx.registry)
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
    ctx: Context,
    *,
    cadence_days: int,
    fulfillment: str,
    store_id: str | None,
    channel: str,
    first_date: date | None,
) -> SubscriptionRecord:
    customer_id = (await me(ctx)).id
    if not 1 <= cadence_days <= MAX_CADENCE_DAYS:
        raise BadUserInput(
            f"The cadence must be 1 to {MAX_CADENCE_DAYS} days", argument="cadenceDays"
        )
    today = ctx.now.date()
    first = first_date or today
    if first < today or first > today + timedelta(days=MAX_CADENCE_DAYS):
        raise BadUserInput("`firstDate` must be today or within a year", argument="firstDate")
    if fulfillment == "PICKUP":
        if store_id is None:
            raise BadUserInput("A pickup subscription needs `storeId`", argument="storeId")
        location = await ctx.loaders.location_by_id.load(store_id)
        if location is None or location.kind != "STORE":
            raise NotFound(f"No store {store_id!r}")
    elif store_id is not None:
        raise BadUserInput("`storeId` is only for pickup", argument="storeId")
    store = _store(ctx.registry)
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


async def _owned(ctx: Context, subscription_id: str) -> tuple[Store, str]:
    customer_id = (await me(ctx)).id
    local = str(subscription_id)
    store = _store(ctx.registry)
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


async def skip_next(ctx: Context, subscription_id: str) -> SubscriptionRecord:
    """Moves the next date on by one cadence (each call skips one more)."""
    store, local = await _owned(ctx, subscription_id)
    sub = m.DeliverySubscription
    async with store.write() as session:
        row = await session.get(sub, local, with_for_update=True)
        assert row is not None
        row.next_date = row.next_date + timedelta(days=row.cadence_days)
        row.updated_at = utcnow()
    return await _current(store, local)


async def cancel(ctx: Context, subscription_id: str) -> SubscriptionRecord:
    store, local = await _owned(ctx, subscription_id)
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


async def fill_due(
    registry: AdapterRegistry, settings: Settings, now: datetime | None = None
) -> dict[str, Any]:
    """Fill a cart for every active subscription due by ``now``'s date, once per date."""
    from commercegraph.resolvers.shopping_list import auto_fill_cart

    now = now or utcnow()
    today = now.date()
    store = _store(registry)
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
        ctx = Context.build(
            Caller(customer_id=row.customer_id, scopes=frozenset({"customer"})),
            registry,
            settings,
        )
        ctx.now = now
        cart = await auto_fill_cart(ctx, None, row.channel)
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


async def _run_fill(settings: Settings, now: datetime | None) -> dict[str, Any]:
    from commercegraph import bootstrap

    async with bootstrap.open(settings) as container:
        return await fill_due(container.registry, settings, now)


def _deliveries_fill(settings: Settings, args: Any) -> int:
    import asyncio
    import json

    print(json.dumps(asyncio.run(_run_fill(settings, args.now))))
    return 0


def register(sub: Any) -> None:
    """``commercegraph deliveries fill``: the cron job of the delivery subscriptions."""
    from datetime import UTC

    def moment(text: str) -> datetime:
        value = datetime.fromisoformat(text)
        return value if value.tzinfo else value.replace(tzinfo=UTC)

    deliveries = sub.add_parser("deliveries", help="delivery subscriptions (weekly carts)")
    actions = deliveries.add_subparsers(dest="action", required=True)
    fill = actions.add_parser(
        "fill", help="fill a cart for every subscription due today, once per due date"
    )
    fill.add_argument("--now", type=moment, help="act as at this ISO time (default: now)")
    fill.set_defaults(handler=_deliveries_fill)
