"""The caller's consent, data export and erasure (``usecases.privacy``), each checked
against the caller first."""

from __future__ import annotations

from commercegraph.adapters.base import ConsentRecord
from commercegraph.context import Context
from commercegraph.usecases import privacy
from commercegraph.usecases.privacy import ErasureOutcome, PrivacyPorts

__all__ = ["ErasureOutcome", "data_export", "request_erasure", "update_consent"]


def _actor(ctx: Context) -> str:
    return "staff" if ctx.caller.is_staff else f"customer:{ctx.caller.customer_id}"


def _ports(ctx: Context) -> PrivacyPorts:
    return PrivacyPorts(ctx.registry, ctx.loaders)


async def update_consent(
    ctx: Context,
    *,
    marketing_email: bool | None,
    marketing_sms: bool | None,
    personalization: bool | None,
) -> tuple[ConsentRecord, list[str]]:
    customer_id = ctx.caller.require_customer()
    return await privacy.update_consent(
        _ports(ctx),
        customer_id,
        marketing_email=marketing_email,
        marketing_sms=marketing_sms,
        personalization=personalization,
        actor=_actor(ctx),
        now=ctx.now,
    )


async def data_export(ctx: Context, customer_id: str) -> str:
    ctx.caller.require_customer_access(customer_id)
    return await privacy.data_export(_ports(ctx), customer_id, _actor(ctx), ctx.now)


async def request_erasure(ctx: Context, customer_id: str | None) -> ErasureOutcome:
    """Erase the caller (or, for staff, the customer named)."""
    if customer_id is None:
        customer_id = ctx.caller.require_customer()
    else:
        ctx.caller.require_staff()
    return await privacy.request_erasure(_ports(ctx), customer_id, _actor(ctx), ctx.now)
