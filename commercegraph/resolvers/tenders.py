"""Gift cards and membership cards for staff and card holders.

How a checkout pays with a gift card or a wallet in another currency is
``usecases.checkout_tenders``; membership cards are ``usecases.membership_cards``.
"""

from __future__ import annotations

from datetime import datetime

from commercegraph.adapters.native.tenders import GiftCardPosting, GiftCardRecord, NativeTenders
from commercegraph.context import Context
from commercegraph.errors import BadUserInput, NotFound
from commercegraph.ids import expect_global_id
from commercegraph.usecases import membership_cards
from commercegraph.usecases.membership_cards import MembershipCardRecord


def native_tenders(ctx: Context) -> NativeTenders:
    if ctx.registry.tenders is None:
        raise RuntimeError("this registry was built without gift cards and exchange rates")
    return ctx.registry.tenders


async def issue_gift_card(
    ctx: Context, amount: int, currency: str | None, expires_at: datetime | None, key: str
) -> GiftCardRecord:
    ctx.caller.require_staff()
    unit = (currency or ctx.settings.default_currency).upper()
    if len(unit) != 3 or not unit.isalpha():
        raise BadUserInput("`currency` must be an ISO 4217 code", argument="currency")
    return await native_tenders(ctx).issue_gift_card(amount, unit, expires_at, key)


async def top_up_gift_card(ctx: Context, code: str, amount: int, key: str) -> GiftCardPosting:
    ctx.caller.require_staff()
    return await native_tenders(ctx).top_up_gift_card(code, amount, key)


async def gift_card(ctx: Context, code: str) -> GiftCardRecord:
    """Anyone holding the code may see its balance (it is the card's only secret)."""
    if ctx.caller.customer_id is None:
        ctx.caller.require_staff()
    card = await native_tenders(ctx).gift_card(code)
    if card is None:
        raise NotFound("No such gift card", argument="code")
    return card


async def issue_membership_card(
    ctx: Context, customer_id: str, store_id: str
) -> MembershipCardRecord:
    """One card per customer: asking again answers the card already issued."""
    ctx.caller.require_staff()
    local_customer = expect_global_id(customer_id, "Customer", "customerId")
    local_store = expect_global_id(store_id, "Store", "storeId")
    return await membership_cards.issue_membership_card(
        native_tenders(ctx),
        ctx.registry.customer,
        ctx.registry.inventory,
        local_customer,
        local_store,
        shown_store_id=store_id,
    )
