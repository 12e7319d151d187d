"""The caller applies a friend's referral code (``usecases.referrals``)."""

from __future__ import annotations

from commercegraph.adapters.base import ReferralRecord
from commercegraph.context import Context
from commercegraph.usecases import referrals


async def apply_referral_code(ctx: Context, code: str) -> ReferralRecord:
    referred_id = ctx.caller.require_customer()
    return await referrals.apply_referral_code(ctx.loaders, ctx.registry.wallet, referred_id, code)
