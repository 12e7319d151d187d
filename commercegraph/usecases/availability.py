"""Availability under this gateway's rules: one answer for the product page, the pricing
rules' stock input, offers and the cart's checks.

Every caller goes through ``availability`` so that the pickup radius and the configured
fulfilment routing (``CG_FULFILLMENT_SOURCES``: which locations ship each channel's orders)
apply everywhere alike.
"""

from __future__ import annotations

from collections.abc import Sequence

from commercegraph.adapters.base import LocationRecord, StockRecord
from commercegraph.config import Settings
from commercegraph.services.inventory import (
    AvailabilityResult,
    available_to_promise,
    compute_availability,
    online_units,
)


def availability(
    settings: Settings,
    stock: Sequence[StockRecord],
    locations: Sequence[LocationRecord],
    *,
    channel: str,
    near: tuple[float, float] | None = None,
    radius_km: float | None = None,
) -> AvailabilityResult:
    return compute_availability(
        stock,
        locations,
        channel=channel,
        near=near,
        radius_km=radius_km,
        pickup_radius_km=settings.pickup_radius_km,
        routing=settings.fulfillment_sources,
    )


def units_for_shopper(
    settings: Settings,
    stock: Sequence[StockRecord],
    locations: Sequence[LocationRecord],
    *,
    channel: str,
    store_id: str | None,
) -> int:
    """What a shopper can have: at their pickup store when there is one, else what the
    channel's routed locations can ship."""
    if store_id:
        return sum(available_to_promise(s) for s in stock if s.location_id == store_id)
    return online_units(stock, locations, channel=channel, routing=settings.fulfillment_sources)
