"""Referral program: a customer applies a friend's code before their first order."""

from __future__ import annotations

import asyncio

from commercegraph.adapters.base import (
    CustomerRecord,
    OrderQuery,
    ReferralRecord,
)
from commercegraph.context import Context
from commercegraph.errors import BadUserInput, Conflict, NotFound
from commercegraph.services.referrals import identity_keys, self_referral_reason


async def apply_referral_code(ctx: Context, code: str) -> ReferralRecord:
    """Record that the caller was referred by the owner of ``code``.

    Refused when the two customers are one person (the same id, or any shared email,
    phone, device, card or POS identifier, emails compared without ``+tags``), or when the
    caller has already ordered: the reward is for bringing in a new customer.
    """
    referred_id = ctx.caller.require_customer()
    port = ctx.registry.wallet
    referrer_id = await port.referrer_for_code(code)
    if referrer_id is None:
        raise NotFound("No such referral code", argument="code")
    loaders = ctx.loaders
    referrer, referred = await asyncio.gather(
        loaders.customer_by_id.load(referrer_id), loaders.customer_by_id.load(referred_id)
    )
    idents = await asyncio.gather(
        loaders.identities.load(referrer_id), loaders.identities.load(referred_id)
    )
    reason = self_referral_reason(
        referrer_id,
        referred_id,
        identity_keys([_email(referrer)], idents[0]),
        identity_keys([_email(referred)], idents[1]),
    )
    if reason is not None:
        raise BadUserInput(reason, argument="code")
    orders = await loaders.orders.load(OrderQuery(referred_id, first=1))
    if orders.items:
        raise Conflict("Referral codes are for customers before their first order", argument="code")
    return await port.record_referral(referred_id, code)


def _email(customer: CustomerRecord | None) -> str | None:
    return customer.email if customer is not None else None
