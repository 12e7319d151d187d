"""The customer's offers in a context (``usecases.offers``), with the context checked."""

from __future__ import annotations

from commercegraph.adapters.base import OfferRecord
from commercegraph.context import Context
from commercegraph.resolvers.catalog import check_near
from commercegraph.resolvers.personal_sources import ports
from commercegraph.usecases import offers as offer_cases


async def offers(
    ctx: Context,
    customer_id: str,
    *,
    near: tuple[float, float] | None,
    radius_km: float | None,
) -> list[OfferRecord]:
    check_near(near, radius_km)
    return await offer_cases.offers(
        ports(ctx),
        customer_id,
        now=ctx.now,
        near=near,
        radius_km=radius_km,
    )
