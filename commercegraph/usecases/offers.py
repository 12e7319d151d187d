"""Offers for a customer in a context, and the geofence trigger that records them.

``offers`` issues what the rules find now (within consent and caps) and answers the
customer's active offers; ``on_geofence_entered`` is the same for a customer whose device
entered a store's geofence, signed in to its Wi-Fi or passed one of its beacons.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime, timedelta

from commercegraph.adapters.base import (
    CartActivityRecord,
    CustomerRecord,
    LocationRecord,
    LoyaltyRecord,
    OfferIssue,
    OfferRecord,
    ProductRecord,
    RecentViewsQuery,
)
from commercegraph.errors import BadUserInput, NotFound
from commercegraph.services.offers import (
    KIND_ORDER,
    OfferInputs,
    OfferRules,
    StoreStockView,
    may_offer,
    offer_issues,
)
from commercegraph.services.shopping_list import ListItem
from commercegraph.usecases import personal_reads as src
from commercegraph.usecases.personal_reads import PersonalPorts
from commercegraph.usecases.shopping_lists import shopping_list

VIEWED_CONSIDERED = 5  # the most recent views looked up in nearby stores
VIEWED_OFFERS = 1  # only the latest viewed product found nearby: one nudge, not a catalogue
OFFER_CREATED = "offer.created"
QUERY, GEOFENCE = "QUERY", "GEOFENCE"
WIFI, BEACON = "WIFI", "BEACON"  # in-store presence: the same offers as a geofence
STORE_RADIUS_KM = 1.0  # what a customer at a store's door can pick up or look at


def _rules(ports: PersonalPorts) -> OfferRules:
    return OfferRules(abandoned_after=timedelta(hours=ports.settings.offers_abandoned_cart_hours))


async def _home(ports: PersonalPorts, customer_id: str) -> tuple[float, float] | None:
    customer: CustomerRecord | None = await ports.reads.customer_by_id.load(customer_id)
    if customer is None or customer.home_store_id is None:
        return None
    store: LocationRecord | None = await ports.reads.location_by_id.load(customer.home_store_id)
    return (store.lat, store.lon) if store is not None else None


async def _nearest_stock(
    ports: PersonalPorts,
    product: ProductRecord,
    near: tuple[float, float],
    radius_km: float,
    *,
    pickup: bool,
) -> StoreStockView | None:
    result = await src.availability_near(ports, product.sku, "STORE", near, radius_km)
    for s in result.stores:  # nearest first
        if not pickup or s.location.can_pickup:
            return StoreStockView(product, s.location, s.atp, s.distance_km)
    return None


async def offers(
    ports: PersonalPorts,
    customer_id: str,
    *,
    now: datetime,
    near: tuple[float, float] | None,
    radius_km: float | None,
    trigger: str = QUERY,
    notify_event: str | None = None,
    extra: Sequence[OfferIssue] = (),
) -> list[OfferRecord]:
    """The customer's active offers after issuing what the rules (and ``extra``, offers made
    elsewhere such as birthdays and campaigns) find now, within consent and caps.

    ``near`` and ``radius_km`` are taken as valid: the caller checks what a client sent."""
    consent = await src.consent_of(ports, customer_id)
    if not may_offer(consent, marketing=False):
        return []
    radius = radius_km if radius_km is not None else ports.settings.offers_store_radius_km
    point = near or await _home(ports, customer_id)
    viewed_skus: list[str]
    items: list[ListItem]
    carts: list[CartActivityRecord]
    loyalty: LoyaltyRecord | None
    viewed_skus, items, carts, loyalty = await asyncio.gather(
        ports.reads.recently_viewed.load(RecentViewsQuery(customer_id, VIEWED_CONSIDERED)),
        shopping_list(ports, customer_id, now),
        src.open_carts(ports, customer_id),
        src.loyalty_of(ports, customer_id),
    )
    due_items = [i for i in items if i.due_soon and i.estimate is not None]
    due_products = {p.sku: p for p in await src.products_by_sku(ports, [i.sku for i in due_items])}
    due = [
        (due_products[i.sku], i.estimate)
        for i in due_items
        if i.sku in due_products and i.estimate is not None
    ]
    viewed_in_store: list[StoreStockView] = []
    pickup_nearby: list[StoreStockView] = []
    if point is not None:
        viewed = await src.products_by_sku(ports, viewed_skus)
        cart_skus = [line.sku for c in carts for line in c.cart.lines]
        pickup_products = await src.products_by_sku(
            ports, list(dict.fromkeys(cart_skus + list(due_products)))
        )
        found_views, found_pickups = await asyncio.gather(
            asyncio.gather(
                *(_nearest_stock(ports, p, point, radius, pickup=False) for p in viewed)
            ),
            asyncio.gather(
                *(_nearest_stock(ports, p, point, radius, pickup=True) for p in pickup_products)
            ),
        )
        viewed_in_store = [v for v in found_views if v is not None][:VIEWED_OFFERS]
        pickup_nearby = [v for v in found_pickups if v is not None]
    inputs = OfferInputs(
        now=now,
        consent=consent,
        viewed_in_store=viewed_in_store,
        pickup_nearby=pickup_nearby,
        due=due,
        carts=carts,
        loyalty=loyalty,
    )
    records = await ports.customer.issue_offers(
        customer_id,
        [
            *offer_issues(inputs, _rules(ports)),
            *(e for e in extra if may_offer(consent, e.marketing)),
        ],
        trigger=trigger,
        now=now,
        max_new_marketing_per_day=ports.settings.offers_max_new_marketing_per_day,
        notify_event=notify_event,
    )
    shown = [r for r in records if may_offer(consent, r.marketing)]
    return sorted(
        shown, key=lambda r: (KIND_ORDER.get(r.kind, len(KIND_ORDER)), -r.issued_at.timestamp())
    )


async def on_geofence_entered(
    ports: PersonalPorts,
    *,
    customer_id: str,
    store_id: str,
    now: datetime,
    trigger: str = GEOFENCE,
) -> list[OfferRecord]:
    """A customer's device entered a store's geofence (or signed in to its Wi-Fi, or passed
    one of its beacons: ``trigger``): record the offers that apply there (the app fetches
    them with ``offers``) and, when ``CG_WEBHOOK_URL`` is set, put each new one in the
    webhook outbox in the same transaction."""
    store: LocationRecord | None = await ports.reads.location_by_id.load(store_id)
    if store is None or store.kind != "STORE":
        raise NotFound(f"No store {store_id!r}")
    if await ports.reads.customer_by_id.load(customer_id) is None:
        raise BadUserInput(f"Unknown customer {customer_id!r}", argument="customerId")
    return await offers(
        ports,
        customer_id,
        now=now,
        near=(store.lat, store.lon),
        radius_km=STORE_RADIUS_KM,
        trigger=trigger,
        notify_event=OFFER_CREATED if ports.settings.webhook_url else None,
    )
