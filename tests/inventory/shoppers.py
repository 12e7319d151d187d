"""Customers made for checkout tests: a customer row, a card and wallet money, written
through the wallet port as the app would."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select

from commercegraph.adapters.base import NewPaymentMethod
from commercegraph.adapters.registry import build_registry
from commercegraph.config import Settings
from commercegraph.store import models as m
from commercegraph.store.db import Store
from commercegraph.store.models.base import utcnow


async def shopper(store: Store, settings: Settings, customer_id: str, wallet: int = 0) -> str:
    """Make ``customer_id`` with a card, ``wallet`` minor units of stored value and one
    past order (so first-order promotions stay out of the way); returns the card's
    payment method id."""
    async with store.write() as session:
        if await session.get(m.Customer, customer_id) is None:
            session.add(m.Customer(id=customer_id, display_name=customer_id, created_at=utcnow()))
            session.add(
                m.Order(
                    id=f"ord_past_{customer_id}",
                    customer_id=customer_id,
                    channel="STORE",
                    placed_at=utcnow(),
                    currency="USD",
                    subtotal=100,
                    discount=0,
                    total=100,
                    fulfillment="PICKUP",
                    store_id=None,
                    status="COMPLETED",
                )
            )
    registry = build_registry(settings, store)
    card = await registry.wallet.add_payment_method(
        customer_id,
        NewPaymentMethod("CARD", f"tok_visa_{customer_id[-12:]}_card", brand="Visa", last4="4242"),
    )
    left, n = wallet, 0
    while left > 0:
        step = min(left, settings.wallet_max_top_up)
        await registry.wallet.top_up(
            customer_id, step, card.id, f"seed-top-up-{uuid.uuid4().hex}-{n}"
        )
        left, n = left - step, n + 1
    return card.id


async def orders_of(store: Store, customer_id: str) -> int:
    async with store.read() as session:
        count = await session.scalar(
            select(func.count()).select_from(m.Order).where(m.Order.customer_id == customer_id)
        )
    return int(count or 0)


async def wallet_balance(store: Store, customer_id: str) -> int:
    async with store.read() as session:
        balance = await session.scalar(
            select(m.LedgerAccount.balance).where(
                m.LedgerAccount.owner_id == customer_id, m.LedgerAccount.kind == "WALLET"
            )
        )
    return int(balance or 0)


async def unpaid_orders(store: Store) -> list[str]:
    """Orders placed through checkout that no checkout paid for: neither a recorded
    wallet payment nor card nor pay at pickup, or a wallet payment missing from the
    ledger."""
    async with store.read() as session:
        rows = (
            await session.execute(
                select(m.Order.id, m.Checkout)
                .join(m.OrderFulfillment, m.OrderFulfillment.order_id == m.Order.id)
                .outerjoin(m.Checkout, m.Checkout.order_id == m.Order.id)
            )
        ).all()
        unpaid = []
        for order_id, checkout in rows:
            if checkout is None or checkout.status != "SUCCEEDED":
                unpaid.append(order_id)
                continue
            pay = checkout.plan["payment"]
            if pay["wallet_amount"] + pay["reward_amount"] > 0:
                tx = checkout.payment and await session.get(
                    m.LedgerTransaction, checkout.payment["transaction_id"]
                )
                if not tx:
                    unpaid.append(order_id)
            elif not (pay["pay_at_pickup"] or pay["payment_method_id"]):
                unpaid.append(order_id)
    return unpaid
