"""Tenders the checkout saga takes besides the wallet: a gift card, spent at the PAID step
before the wallet and given back when the checkout is compensated.

Both moves derive their idempotency keys from the checkout, so a resumed or retried
checkout spends a card once and gives it back once. ``refund_gift_card_tender`` lets an
order refund cover the gift-card part of an order's payment.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from commercegraph.adapters.native.tenders import GiftCardPosting
from commercegraph.errors import Conflict
from commercegraph.usecases.checkout_log import CheckoutRecord


@runtime_checkable
class GiftCardPort(Protocol):
    async def redeem(
        self, customer_id: str, card_id: str, amount: int, reference: str, idempotency_key: str
    ) -> GiftCardPosting: ...

    async def find_redemption(self, customer_id: str, idempotency_key: str) -> str | None: ...

    async def refund_gift_card_tender(
        self, customer_id: str, payment_id: str, amount: int | None, idempotency_key: str
    ) -> GiftCardPosting: ...


def gift_card_key(checkout_id: str) -> str:
    return f"checkout:{checkout_id}:giftcard"


def gift_card_refund_key(checkout_id: str) -> str:
    return f"checkout:{checkout_id}:giftcard:refund"


async def take_gift_card(cards: GiftCardPort | None, record: CheckoutRecord) -> None:
    assert record.plan is not None, record.id
    pay = record.plan.payment
    if pay.gift_card_id is None or not pay.gift_card_amount:
        return
    assert cards is not None, "a gift-card checkout needs the gift-card tender"
    await cards.redeem(
        record.customer_id,
        pay.gift_card_id,
        pay.gift_card_amount,
        f"checkout {record.id}",
        gift_card_key(record.id),
    )


async def give_back_gift_card(cards: GiftCardPort | None, record: CheckoutRecord) -> None:
    if cards is None or record.plan is None or record.plan.payment.gift_card_id is None:
        return
    payment_id = await cards.find_redemption(record.customer_id, gift_card_key(record.id))
    if payment_id is None:
        return
    try:
        await cards.refund_gift_card_tender(
            record.customer_id, payment_id, None, gift_card_refund_key(record.id)
        )
    except Conflict:
        pass  # refunded already


async def refund_gift_card_tender(
    cards: GiftCardPort, record: CheckoutRecord, amount: int | None, idempotency_key: str
) -> GiftCardPosting | None:
    """Refund (part of) the gift-card share of a checkout's payment to its card; ``None``
    when the checkout spent no gift card."""
    payment_id = await cards.find_redemption(record.customer_id, gift_card_key(record.id))
    if payment_id is None:
        return None
    return await cards.refund_gift_card_tender(
        record.customer_id, payment_id, amount, idempotency_key
    )
