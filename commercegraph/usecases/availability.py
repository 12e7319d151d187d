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
    Sites,
    available_to_promise,
    compute_availability,
    online_units,
    sites,
)


def availability(
    settings: Settings,
    stock: Sequence[StockRecord],
    locations: Sequence[LocationRecord],
    *,
    channel: str,
    near: tuple[float, float] | None = None,
    radius_km: float | None = None,
    at: Sites | None = None,
    with_stores: bool = True,
) -> AvailabilityResult:
    """``at``: ``sites_for(settings, locations, channel)``, when already worked out.
    ``with_stores=False``: the stores left unlisted, when no one reads them."""
    return compute_availability(
        stock,
        locations,
        channel=channel,
        near=near,
        radius_km=radius_km,
        pickup_radius_km=settings.pickup_radius_km,
        routing=settings.fulfillment_sources,
        at=at,
        with_stores=with_stores,
    )


def sites_for(settings: Settings, locations: Sequence[LocationRecord], channel: str) -> Sites:
    """The locations as ``availability`` and ``units_for_shopper`` read them for ``channel``:
    worked out once for a list of products, which all read the same locations."""
    return sites(locations, channel, settings.fulfillment_sources)


def units_for_shopper(
    settings: Settings,
    stock: Sequence[StockRecord],
    locations: Sequence[LocationRecord],
    *,
    channel: str,
    store_id: str | None,
    at: Sites | None = None,
) -> int:
    """What a shopper can have: at their pickup store when there is one, else what the
    channel's routed locations can ship. ``at``: ``sites_for(settings, locations, channel)``,
    when already worked out."""
    if store_id:
        return sum(available_to_promise(s) for s in stock if s.location_id == store_id)
    return online_units(
        stock, locations, channel=channel, routing=settings.fulfillment_sources, at=at
    )
