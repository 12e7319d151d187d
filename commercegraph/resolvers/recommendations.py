"""Recommendations for a customer or a product (``usecases.recommendations``), priced for
the caller."""

from __future__ import annotations

from commercegraph.adapters.base import ProductRecord
from commercegraph.context import Context
from commercegraph.resolvers.personal_sources import ports, pricer
from commercegraph.services.recommendations import Recommendation
from commercegraph.usecases import recommendations


async def recommend(
    ctx: Context,
    *,
    kind: str,
    customer_id: str | None,
    product: ProductRecord | None,
    channel: str,
    first: int,
) -> list[Recommendation]:
    return await recommendations.recommend(
        ports(ctx),
        pricer(ctx),
        kind=kind,
        customer_id=customer_id,
        product=product,
        channel=channel,
        first=first,
        now=ctx.now,
    )
