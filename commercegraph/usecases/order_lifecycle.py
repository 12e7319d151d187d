"""An order's lifecycle and what each move does, the same for every channel.

The status change (and the stock it gives back) is one transaction in the commerce
backend; the money and points that follow are keyed by the order, so asking again for the
status an order already has re-runs them as no-ops and finishes whatever a crash cut off:
- ``COMPLETED``: the order earns its points if it has not yet, they become available
  now, and the referred customer's referrer is paid, once.
- ``CANCELLED`` / ``RETURNED``: every tender goes back where it came from — wallet and
  reward credit on the ledger, the card's share to its payment method — and the order's
  points are taken back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from commercegraph.adapters.base import Money, OrderRecord, PointsEarning, WalletPosting
from commercegraph.adapters.registry import AdapterRegistry
from commercegraph.errors import BadUserInput, Conflict
from commercegraph.services.earning import DEFAULT_RULES, EarningRules, EarnLine, points_for_order
from commercegraph.services.order_lifecycle import COMPLETED, RELEASES_STOCK, TARGETS
from commercegraph.usecases.order_payments import order_key
from commercegraph.usecases.tenders import gift_card_refund_key, refund_gift_card_tender


class Moved(Protocol):
    order: OrderRecord
    previous_status: str
    changed: bool
    restocked_at: str | None


@dataclass(frozen=True, slots=True)
class Settlement:
    """What went back to the customer when the order was cancelled or returned."""

    refunded: tuple[WalletPosting, ...] = ()  # wallet and reward credit, on the ledger
    card_refund: Money | None = None  # the share the payment method paid
    payment_method_id: str | None = None
    points_reversed: int = 0
    gift_card_refund: Money | None = None  # the share a gift card paid, back on the card


@dataclass(frozen=True, slots=True)
class LifecycleOutcome:
    order: OrderRecord
    previous_status: str
    changed: bool
    restocked_at: str | None
    settlement: Settlement | None = None
    points_released: int = 0
    referral_points: int = 0


async def earn_for_order(
    registry: AdapterRegistry,
    order: OrderRecord,
    now: datetime,
    rules: EarningRules = DEFAULT_RULES,
) -> None:
    """The order's points, under the key checkout uses, so an order earns once."""
    products = await registry.commerce.products_by_sku([line.sku for line in order.lines])
    lines = [
        EarnLine(
            line.unit_price.amount * line.quantity,
            product.category if product else None,
            product.category_id if product else None,
        )
        for line, product in zip(order.lines, products, strict=True)
    ]
    (account,) = await registry.wallet.loyalty_accounts([order.customer_id])
    earning = points_for_order(
        lines,
        total=order.total.amount,
        currency=order.total.currency,
        tier=account.tier if account is not None else "BRONZE",
        channel=order.channel,
        fulfillment=order.fulfillment,
        rules=rules,
    )
    try:
        await registry.wallet.earn_points(
            PointsEarning(
                customer_id=order.customer_id,
                points=earning.points,
                qualifying_amount=earning.qualifying_amount,
                source="ORDER",
                occurred_at=max(order.placed_at, now),
                order_id=order.id,
                pending_days=0,
                validity_days=rules.validity_days,
            ),
            order_key(order.id, "earn"),
        )
    except Conflict:
        pass  # earned before under another key (staff award of an older order)


async def on_completed(
    registry: AdapterRegistry,
    order: OrderRecord,
    now: datetime,
    rules: EarningRules = DEFAULT_RULES,
) -> tuple[int, int]:
    """``(points released, referral points paid)`` for a completed order."""
    await earn_for_order(registry, order, now, rules)
    released = await registry.wallet.release_order_points(order.customer_id, order.id)
    reward = await registry.wallet.reward_referral(order.customer_id, rules.referral_points)
    return released, reward.points_earned if reward is not None else 0


async def settle_back(registry: AdapterRegistry, order: OrderRecord) -> Settlement:
    """Give every tender back: the ledger's part by refunding its payment, the card's part
    to the payment method the checkout named; take the order's points back."""
    port, cid = registry.wallet, order.customer_id
    (placed,) = await registry.checkout_log().for_orders([order.id])
    refunded: list[WalletPosting] = []
    payment = await port.find_posting(cid, order_key(order.id, "pay"))
    if payment is None and placed is not None and placed.payment is not None:
        payment = await port.find_posting(cid, f"checkout:{placed.id}:pay")
    if payment is not None:
        try:
            refunded.append(await port.refund(cid, payment.id, None, order_key(order.id, "refund")))
        except Conflict:
            pass  # refunded in full before, under its own key
    card: Money | None = None
    method_id: str | None = None
    if placed is not None and placed.plan is not None:
        pay = placed.plan.payment
        if pay.charged_amount and not pay.pay_at_pickup:
            card = Money(pay.charged_amount, order.total.currency)
            method_id = pay.payment_method_id
    gift_card: Money | None = None
    if placed is not None and registry.tenders is not None:
        try:
            posting = await refund_gift_card_tender(
                registry.tenders, placed, None, gift_card_refund_key(placed.id)
            )
        except Conflict:
            posting = None  # refunded in full before
        if posting is not None:
            gift_card = Money(abs(posting.amount), order.total.currency)
    change = await port.reverse_order_points(cid, order.id, order_key(order.id, "points-reversal"))
    return Settlement(tuple(refunded), card, method_id, -change.points_earned, gift_card)


async def move_order(
    registry: AdapterRegistry,
    order_id: str,
    target: str,
    now: datetime,
    *,
    location_id: str | None = None,
) -> LifecycleOutcome:
    if target not in TARGETS:
        raise BadUserInput(f"Orders are not moved to {target!r}", argument="status")
    transition = getattr(registry.commerce, "transition_order", None)
    if transition is None:
        raise BadUserInput("This commerce backend does not move orders", argument="status")
    moved: Moved = await transition(order_id, target, location_id)
    order = moved.order
    outcome: dict[str, Any] = {}
    if target == COMPLETED:
        outcome["points_released"], outcome["referral_points"] = await on_completed(
            registry, order, now
        )
    elif target in RELEASES_STOCK:
        outcome["settlement"] = await settle_back(registry, order)
    return LifecycleOutcome(
        order, moved.previous_status, moved.changed, moved.restocked_at, **outcome
    )
