"""Carts in the native store: a customer's carts page by page, and changing one line."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from commercegraph.adapters.base import CartQuery, CartRecord, Page
from commercegraph.errors import BadUserInput, NotFound
from commercegraph.services.pagination import decode_cursor, encode_cursor
from commercegraph.store import models as m
from commercegraph.store.models.base import utcnow

LoadCarts = Callable[[AsyncSession, Sequence[str]], Awaitable[list[CartRecord | None]]]


async def for_customer(session: AsyncSession, q: CartQuery, load: LoadCarts) -> Page[CartRecord]:
    where = [m.Cart.customer_id == q.customer_id]
    if q.status:
        where.append(m.Cart.status == q.status)
    total = await session.scalar(select(func.count()).select_from(m.Cart).where(*where))
    stmt = select(m.Cart.id, m.Cart.updated_at).where(*where)
    if q.after:
        changed_iso, cart_id = decode_cursor(q.after, 2)
        try:
            changed = datetime.fromisoformat(str(changed_iso))
        except ValueError as exc:
            raise BadUserInput("Malformed cursor", argument="after") from exc
        stmt = stmt.where(
            or_(
                m.Cart.updated_at < changed,
                and_(m.Cart.updated_at == changed, m.Cart.id < str(cart_id)),
            )
        )
    stmt = stmt.order_by(m.Cart.updated_at.desc(), m.Cart.id.desc()).limit(q.first + 1)
    rows = (await session.execute(stmt)).all()
    page = rows[: q.first]
    records = [r for r in await load(session, [row.id for row in page]) if r is not None]
    cursors = tuple(encode_cursor(row.updated_at.isoformat(), row.id) for row in page)
    return Page(
        items=tuple(records),
        has_next_page=len(rows) > q.first,
        end_cursor=cursors[-1] if cursors else None,
        total_count=total or 0,
        cursors=cursors,
        has_previous_page=bool(q.after),
    )


async def change_line(
    session: AsyncSession, cart_id: str, sku: str, bundle_id: str | None, to: Callable[[int], int]
) -> None:
    """Give the line the quantity ``to(held)``, under the cart's row lock; 0 or less removes
    it. A change to what it already holds writes nothing."""
    cart = await session.get(m.Cart, cart_id, with_for_update=True)
    if cart is None:
        raise NotFound(f"Cart {cart_id!r} not found")
    if cart.status != "OPEN":
        raise BadUserInput(f"Cart {cart_id!r} is {cart.status.lower()}")
    line = await session.scalar(
        select(m.CartLine).where(
            m.CartLine.cart_id == cart_id,
            m.CartLine.sku == sku,
            m.CartLine.bundle_id.is_(None)
            if bundle_id is None
            else m.CartLine.bundle_id == bundle_id,
        )
    )
    held = line.quantity if line is not None else 0
    wanted = max(0, to(held))
    if wanted == held:
        return
    if line is None:
        session.add(m.CartLine(cart_id=cart_id, sku=sku, quantity=wanted, bundle_id=bundle_id))
    elif wanted == 0:
        await session.delete(line)
    else:
        line.quantity = wanted
    cart.updated_at = utcnow()
    await session.flush()
