"""Customer 360 value types: RFM scores and lifetime value (no import of ``Customer``, so
``schema.customer`` can use them without a cycle)."""

from __future__ import annotations

import math

import strawberry

from commercegraph.adapters.base import CustomerMetricsRecord
from commercegraph.context import Context
from commercegraph.resolvers.customer360 import metrics
from commercegraph.schema.common import Money
from commercegraph.schema.enums import RfmSegment, ValueClass


@strawberry.type(description="RFM scores, 1 (low) to 5 (high), as quintiles of the base.")
class RfmScore:
    recency: int = strawberry.field(description="How recently they bought: 5 is most recent.")
    frequency: int = strawberry.field(description="How often they buy: 5 is most often.")
    monetary: int = strawberry.field(description="How much they spend: 5 is the most.")
    segment: RfmSegment = strawberry.field(description="Named segment, e.g. CHAMPIONS.")
    segment_key: str = strawberry.field(description="Its key, e.g. 'rfm:champions'.")

    @classmethod
    def of(cls, r: CustomerMetricsRecord) -> RfmScore | None:
        if r.rfm_segment is None or r.recency_score is None:
            return None
        return cls(
            recency=r.recency_score,
            frequency=r.frequency_score or 0,
            monetary=r.monetary_score or 0,
            segment=RfmSegment(r.rfm_segment.removeprefix("rfm:")),
            segment_key=r.rfm_segment,
        )


@strawberry.type(description="Historical and predicted value (BG/NBD with Gamma-Gamma).")
class LifetimeValue:
    historical: Money = strawberry.field(description="Everything spent so far.")
    order_count: int = strawberry.field(description="Orders counted (cancelled ones left out).")
    predicted_12_months: Money | None = strawberry.field(
        name="predicted12Months", description="Expected spend over the next 12 months."
    )
    probability_alive: float | None = strawberry.field(
        description="Probability the customer is still active (BG/NBD)."
    )
    expected_purchases_12_months: float | None = strawberry.field(
        name="expectedPurchases12Months", description="Expected purchases in the next 12 months."
    )
    value_class: ValueClass | None = strawberry.field(
        description="ABC class by share of revenue: A (top 80%, high value), B, C (low value)."
    )

    @classmethod
    def of(cls, r: CustomerMetricsRecord) -> LifetimeValue:
        def finite(x: float | None) -> float | None:
            return x if x is not None and math.isfinite(x) else None

        return cls(
            historical=Money.minor(r.revenue, r.currency),
            order_count=r.order_count,
            predicted_12_months=Money.minor(r.predicted_12m, r.currency)
            if r.predicted_12m is not None
            else None,
            probability_alive=finite(r.probability_alive),
            expected_purchases_12_months=finite(r.expected_purchases_12m),
            value_class=ValueClass(r.abc_class) if r.abc_class else None,
        )


async def rfm_for(ctx: Context, customer_id: str) -> RfmScore | None:
    record = await metrics(ctx, customer_id)
    return RfmScore.of(record) if record is not None else None


async def lifetime_value_for(ctx: Context, customer_id: str) -> LifetimeValue | None:
    record = await metrics(ctx, customer_id)
    return LifetimeValue.of(record) if record is not None else None
