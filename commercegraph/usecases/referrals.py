"""Referral program: a customer applies a friend's code before their first order."""

from __future__ import annotations

import asyncio

from commercegraph.adapters.base import (
    CustomerRecord,
    OrderQuery,
    ReferralRecord,
    WalletBackend,
)
from commercegraph.errors import BadUserInput, Conflict, NotFound
from commercegraph.loaders import Loaders
from commercegraph.services.referrals import identity_keys, self_referral_reason


async def apply_referral_code(
    reads: Loaders, wallet: WalletBackend, referred_id: str, code: str
) -> ReferralRecord:
    """Record that ``referred_id`` was referred by the owner of ``code``.

    Refused when the two customers are one person (the same id, or any shared email,
    phone, device, card or POS identifier, emails compared without ``+tags``), or when the
    referred customer has already ordered: the reward is for bringing in a new customer.
    """
    referrer_id = await wallet.referrer_for_code(code)
    if referrer_id is None:
        raise NotFound("No such referral code", argument="code")
    referrer, referred = await asyncio.gather(
        reads.customer_by_id.load(referrer_id), reads.customer_by_id.load(referred_id)
    )
    idents = await asyncio.gather(
        reads.identities.load(referrer_id), reads.identities.load(referred_id)
    )
    reason = self_referral_reason(
        referrer_id,
        referred_id,
        identity_keys([_email(referrer)], idents[0]),
        identity_keys([_email(referred)], idents[1]),
    )
    if reason is not None:
        raise BadUserInput(reason, argument="code")
    orders = await reads.orders.load(OrderQuery(referred_id, first=1))
    if orders.items:
        raise Conflict("Referral codes are for customers before their first order", argument="code")
    return await wallet.record_referral(referred_id, code)


def _email(customer: CustomerRecord | None) -> str | None:
    return customer.email if customer is not None else None
