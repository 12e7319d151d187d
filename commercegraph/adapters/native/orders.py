"""Placing an order from a cart, exactly once per customer and idempotency key.

The cart row is claimed with a conditional UPDATE (``status = 'OPEN'``) in the same
transaction that writes the order, so two checkouts of one cart serialise on that row:
the second finds the cart closed and, when it carries the same key, the first's order.
Two carts placed under one key collide on the unique (customer_id, idempotency_key).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from commercegraph.adapters.base import NewOrder
from commercegraph.errors import Conflict
from commercegraph.store import models as m

_carts = m.Base.metadata.tables["carts"]


async def order_id_for_key(
    session: AsyncSession, customer_id: str, idempotency_key: str
) -> tuple[str, str | None] | None:
    """``(order id, cart id)`` of the order placed under the key, if any."""
    row = (
        await session.execute(
            select(m.Order.id, m.OrderFulfillment.cart_id)
            .outerjoin(m.OrderFulfillment, m.OrderFulfillment.order_id == m.Order.id)
            .where(m.Order.customer_id == customer_id, m.Order.idempotency_key == idempotency_key)
        )
    ).first()
    return (row[0], row[1]) if row is not None else None


def same_order(found: tuple[str, str | None], cart_id: str) -> str:
    order_id, placed_from = found
    if placed_from is not None and placed_from != cart_id:
        raise Conflict(
            "This idempotency key was already used for another cart",
            argument="idempotencyKey",
        )
    return order_id


async def place_order(session: AsyncSession, order: NewOrder, now: datetime) -> str:
    found = await order_id_for_key(session, order.customer_id, order.idempotency_key)
    if found is not None:
        return same_order(found, order.cart_id)
    claimed = await session.execute(
        update(_carts)
        .where(
            _carts.c.id == order.cart_id,
            _carts.c.status == "OPEN",
            or_(_carts.c.customer_id.is_(None), _carts.c.customer_id == order.customer_id),
        )
        .values(status="ORDERED", customer_id=order.customer_id, updated_at=now)
        .returning(_carts.c.id)
    )
    if claimed.first() is None:
        # Whoever closed the cart first may have been this same checkout, retried.
        found = await order_id_for_key(session, order.customer_id, order.idempotency_key)
        if found is not None:
            return same_order(found, order.cart_id)
        raise Conflict(f"Cart {order.cart_id!r} is no longer open", argument="cartId")
    order_id = f"ord_{uuid.uuid4().hex}"
    session.add(
        m.Order(
            id=order_id,
            customer_id=order.customer_id,
            channel=order.channel,
            placed_at=now,
            currency=order.currency,
            subtotal=order.subtotal,
            discount=order.discount,
            total=order.total,
            fulfillment=order.fulfillment,
            store_id=order.store_id,
            status="PLACED",
            idempotency_key=order.idempotency_key,
        )
    )
    await session.flush()
    await session.execute(
        insert(m.OrderLine),
        [
            {
                "order_id": order_id,
                "sku": line.sku,
                "quantity": line.quantity,
                "unit_price": line.unit_price,
                "line_total": line.unit_price * line.quantity,
            }
            for line in order.lines
        ],
    )
    session.add(
        m.OrderFulfillment(
            order_id=order_id,
            cart_id=order.cart_id,
            method=order.fulfillment,
            location_id=order.location_id,
            address=order.address,
            reservation_reference=order.reservation_reference,
        )
    )
    return order_id
