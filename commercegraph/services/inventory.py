"""Available to promise, stock status and channel routing over stock records."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from commercegraph.adapters.base import LocationRecord, StockRecord
from commercegraph.services.geo import distance_km

IN_STOCK, LOW_STOCK, OUT_OF_STOCK = "IN_STOCK", "LOW_STOCK", "OUT_OF_STOCK"
SHIPPING_CHANNELS = frozenset({"WEB", "MOBILE_APP", "CALL_CENTER", "MARKETPLACE"})


def available_to_promise(stock: StockRecord) -> int:
    return max(0, stock.on_hand - stock.reserved - stock.safety_stock)


def stock_status(atp: int, low_stock_threshold: int) -> str:
    if atp <= 0:
        return OUT_OF_STOCK
    return LOW_STOCK if atp <= low_stock_threshold else IN_STOCK


@dataclass(frozen=True, slots=True)
class StoreAvailability:
    location: LocationRecord
    atp: int
    distance_km: float | None


@dataclass(frozen=True, slots=True)
class AvailabilityResult:
    online_atp: int
    stores: tuple[StoreAvailability, ...]
    pickup_eligible: bool


Routing = Mapping[str, Sequence[str]]  # channel -> location kinds or ids, preferred first


def serves_online(location: LocationRecord, channel: str, routing: Routing | None = None) -> bool:
    """Online channels ship from the warehouse and from stores that ship, or as routed."""
    if routing is None:
        return channel in SHIPPING_CHANNELS and location.can_ship
    return location.can_ship and _preference(location, routing.get(channel, ())) is not None


def _preference(location: LocationRecord, selectors: Sequence[str]) -> int | None:
    for rank, selector in enumerate(selectors):
        if selector in (location.id, location.kind):
            return rank
    return None


def shipping_locations(
    locations: Sequence[LocationRecord], channel: str, routing: Routing
) -> list[LocationRecord]:
    """The locations that may ship ``channel``'s orders, most preferred first."""
    ranked = [
        (rank, loc.id, loc)
        for loc in locations
        if loc.can_ship and (rank := _preference(loc, routing.get(channel, ()))) is not None
    ]
    return [loc for _, _, loc in sorted(ranked, key=lambda r: (r[0], r[1]))]


def can_fill(
    stock: Mapping[str, Sequence[StockRecord]], location_id: str, wanted: Mapping[str, int]
) -> bool:
    """Whether one location has the available-to-promise for every sku in ``wanted``."""
    for sku, quantity in wanted.items():
        atp = sum(
            available_to_promise(s) for s in stock.get(sku, ()) if s.location_id == location_id
        )
        if atp < quantity:
            return False
    return True


@dataclass(frozen=True, slots=True)
class Sites:
    """The locations as availability reads them for one channel and routing. Every product
    of a list reads the same locations, so a list works this out once, not per product."""

    online: tuple[str, ...]  # the ids of the locations serving the channel online, in order
    online_ids: frozenset[str]
    stores: tuple[LocationRecord, ...]  # the stores, in order
    # the stores by name (ties in order): how stores are listed when no `near` is given
    stores_by_name: tuple[LocationRecord, ...]


def sites(
    locations: Sequence[LocationRecord], channel: str, routing: Routing | None = None
) -> Sites:
    online = tuple(loc.id for loc in locations if serves_online(loc, channel, routing))
    stores = tuple(loc for loc in locations if loc.kind == "STORE")
    by_name = tuple(sorted(stores, key=lambda loc: loc.name))
    return Sites(online, frozenset(online), stores, by_name)


def online_units(
    stock: Sequence[StockRecord],
    locations: Sequence[LocationRecord],
    *,
    channel: str = "WEB",
    routing: Routing | None = None,
    at: Sites | None = None,
) -> int:
    """What the locations that serve ``channel`` online can promise of ``stock``: the online
    part of ``compute_availability`` alone (the pricing rules' stock input needs no more).
    ``at``: ``sites(locations, channel, routing)``, when already worked out."""
    online = (at or sites(locations, channel, routing)).online_ids
    units = 0
    # a loop, not sum() over a generator, and available_to_promise inline: this runs for
    # every product and every one of its locations
    for s in stock:
        if s.location_id in online:
            atp = s.on_hand - s.reserved - s.safety_stock
            if atp > 0:
                units += atp
    return units


def compute_availability(
    stock: Sequence[StockRecord],
    locations: Sequence[LocationRecord],
    *,
    channel: str = "WEB",
    near: tuple[float, float] | None = None,
    radius_km: float | None = None,
    pickup_radius_km: float,
    quantity: int = 1,
    routing: Routing | None = None,
    at: Sites | None = None,
    with_stores: bool = True,
) -> AvailabilityResult:
    """``at``: ``sites(locations, channel, routing)``, when already worked out.
    ``with_stores=False``: no stores listed (``stores`` is empty), when no one reads them;
    ``pickup_eligible`` is the same either way."""
    found = at or sites(locations, channel, routing)
    by_location: dict[str, int] = {}
    for row in stock:  # available_to_promise inline: a product has a row at every location
        atp = row.on_hand - row.reserved - row.safety_stock
        by_location[row.location_id] = atp if atp > 0 else 0
    get = by_location.get
    online = 0
    for location_id in found.online:
        online += get(location_id, 0)
    if not with_stores and not near:
        # a page that never lists stores need not build a record for each store with stock
        wanted = quantity if quantity > 0 else 1
        for loc in found.stores:
            if loc.can_pickup and get(loc.id, 0) >= wanted:
                return AvailabilityResult(online, (), True)
        return AvailabilityResult(online, (), False)
    stores: list[StoreAvailability]
    if not near:  # no distances: the stores with stock by name, sorted once a list
        stores = [
            StoreAvailability(loc, atp, None)
            for loc in found.stores_by_name
            if (atp := get(loc.id, 0)) > 0
        ]
    else:
        stores = []
        for loc in found.stores:
            atp = get(loc.id, 0)
            if atp <= 0:
                continue
            distance = distance_km(near[0], near[1], loc.lat, loc.lon)
            if radius_km is not None and distance > radius_km:
                continue
            stores.append(StoreAvailability(loc, atp, distance))
        if len(stores) > 1:
            stores.sort(key=lambda s: (s.distance_km or 0.0, s.location.name))
    pickup_limit = radius_km if radius_km is not None else pickup_radius_km
    pickup = False
    for s in stores:
        if (
            s.location.can_pickup
            and s.atp >= quantity
            and (s.distance_km is None or s.distance_km <= pickup_limit)
        ):
            pickup = True
            break
    return AvailabilityResult(online, tuple(stores), pickup)
