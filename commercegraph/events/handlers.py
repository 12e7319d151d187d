"""What each event type does besides being stored: one entry per type in ``EVENT_HANDLERS``,
the single dispatch point (another domain hooks in by wrapping or replacing an entry).

A handler has two halves: ``check`` reads and raises (it runs for every event of a batch
before anything is written, so bad input changes nothing) and ``apply`` writes, idempotent
by the event id because a redelivered event may reach it again.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from commercegraph.adapters.base import ExternalOrder, Money, OrderLineRecord
from commercegraph.adapters.registry import AdapterRegistry
from commercegraph.config import Settings
from commercegraph.errors import BadUserInput
from commercegraph.events.schema import (
    MAX_ORDER_TOTAL,
    BarcodeScanned,
    BeaconDetected,
    EventBase,
    GeofenceEntered,
    OrderStatusChanged,
    PosPurchase,
    ProductViewed,
    WifiLogin,
)
from commercegraph.services.money import is_currency_code
from commercegraph.services.order_lifecycle import check_transition
from commercegraph.store.models.base import utcnow
from commercegraph.usecases import order_lifecycle
from commercegraph.usecases.offers import BEACON, WIFI, on_geofence_entered
from commercegraph.usecases.personal_reads import PersonalPorts

STORE_SOURCE = "channel:STORE"

OrdersChanged = Callable[[Sequence[str]], Awaitable[None]]


@dataclass
class HandlerContext:
    registry: AdapterRegistry
    settings: Settings
    orders_changed: OrdersChanged | None = None


@dataclass(frozen=True)
class PlannedEvent:
    """A validated event, its position in the request and the customer it resolved to."""

    event: EventBase
    field: str  # "events[3]" or "" for a single event
    customer_id: str | None
    channel: str | None
    source: str = "legacy"  # the sender the event id belongs to

    def at(self, name: str) -> str:
        return f"{self.field}.{name}" if self.field else name


@dataclass
class Outcome:
    order_id: str | None = None
    payload: dict[str, Any] = field(default_factory=dict)
    welcome: dict[str, Any] | None = None  # answered to the sender, e.g. a Wi-Fi portal


Check = Callable[[HandlerContext, PlannedEvent], Awaitable[None]]
Apply = Callable[[HandlerContext, PlannedEvent], Awaitable[Outcome]]


@dataclass(frozen=True)
class EventHandler:
    check: Check
    apply: Apply


async def _nothing_to_check(ctx: HandlerContext, planned: PlannedEvent) -> None:
    return None


async def _store_only(ctx: HandlerContext, planned: PlannedEvent) -> Outcome:
    return Outcome()


async def _require_skus(ctx: HandlerContext, skus: Sequence[tuple[str, str]]) -> None:
    """``skus``: ``(field path, sku)``; unknown skus are bad input naming their field."""
    found = await ctx.registry.commerce.products_by_sku([sku for _, sku in skus])
    for (path, sku), product in zip(skus, found, strict=True):
        if product is None:
            raise BadUserInput(f"Unknown sku {sku!r}", field=path)


async def _require_store(ctx: HandlerContext, path: str, store_id: str) -> None:
    (location,) = await ctx.registry.inventory.locations_by_id([store_id])
    if location is None or location.kind != "STORE":
        raise BadUserInput(f"Unknown store {store_id!r}", field=path)


async def _check_viewed(ctx: HandlerContext, planned: PlannedEvent) -> None:
    assert isinstance(planned.event, ProductViewed | BarcodeScanned)
    await _require_skus(ctx, [(planned.at("sku"), planned.event.sku)])


async def _check_geofence(ctx: HandlerContext, planned: PlannedEvent) -> None:
    assert isinstance(planned.event, GeofenceEntered)
    await _require_store(ctx, planned.at("storeId"), planned.event.store_id)


async def _check_presence(ctx: HandlerContext, planned: PlannedEvent) -> None:
    assert isinstance(planned.event, WifiLogin | BeaconDetected)
    await _require_store(ctx, planned.at("storeId"), planned.event.store_id)


async def _check_purchase(ctx: HandlerContext, planned: PlannedEvent) -> None:
    event = planned.event
    assert isinstance(event, PosPurchase)
    if planned.channel not in (None, "STORE"):
        raise BadUserInput(
            "A pos_purchase comes from the STORE channel", field=planned.at("channel")
        )
    if not is_currency_code(event.currency):
        raise BadUserInput(
            f"{event.currency!r} is not an ISO 4217 currency code", field=planned.at("currency")
        )
    await _require_store(ctx, planned.at("storeId"), event.store_id)
    await _require_skus(
        ctx, [(planned.at(f"lines[{i}].sku"), line.sku) for i, line in enumerate(event.lines)]
    )
    subtotal = sum(line.quantity * line.unit_price for line in event.lines)
    if subtotal > MAX_ORDER_TOTAL:
        raise BadUserInput(
            f"The sale's subtotal exceeds {MAX_ORDER_TOTAL}", field=planned.at("lines")
        )
    if event.discount > subtotal:
        raise BadUserInput(
            f"The discount ({event.discount}) exceeds the subtotal ({subtotal})",
            field=planned.at("discount"),
        )


def sale_key(source: str, event_id: str) -> str:
    """The order's idempotency key: per sender, as event ids are; a store's keeps the form
    it had before ids were scoped, so a sale cut off half-way then is still completed once."""
    return f"event:{event_id}" if source == STORE_SOURCE else f"event:{source}:{event_id}"


async def _record_purchase(ctx: HandlerContext, planned: PlannedEvent) -> Outcome:
    """An in-store sale becomes a STORE order of the customer it resolved to; an anonymous
    sale is only stored as an event."""
    event = planned.event
    assert isinstance(event, PosPurchase)
    if planned.customer_id is None:
        return Outcome()
    order = await ctx.registry.commerce.record_external_order(
        ExternalOrder(
            idempotency_key=sale_key(planned.source, event.id),
            customer_id=planned.customer_id,
            channel="STORE",
            placed_at=event.occurred_at,
            currency=event.currency,
            lines=tuple(
                OrderLineRecord(line.sku, line.quantity, Money(line.unit_price, event.currency))
                for line in event.lines
            ),
            discount=event.discount,
            store_id=event.store_id,
        )
    )
    if order.status == "COMPLETED":  # a till sale earns as every completed order does
        await order_lifecycle.on_completed(ctx.registry, order, utcnow())
    if ctx.orders_changed is not None:
        await ctx.orders_changed([planned.customer_id])
    return Outcome(order_id=order.id, payload={"orderId": order.id})


async def _check_order_status(ctx: HandlerContext, planned: PlannedEvent) -> None:
    event = planned.event
    assert isinstance(event, OrderStatusChanged)
    (order,) = await ctx.registry.commerce.orders_by_id([event.order_id])
    if order is None or planned.customer_id not in (None, order.customer_id):
        raise BadUserInput(f"Unknown order {event.order_id!r}", field=planned.at("orderId"))
    if event.store_id is not None:
        (location,) = await ctx.registry.inventory.locations_by_id([event.store_id])
        if location is None:
            raise BadUserInput(f"Unknown location {event.store_id!r}", field=planned.at("storeId"))
    check_transition(order.status, event.status, order.fulfillment)


async def _move_order(ctx: HandlerContext, planned: PlannedEvent) -> Outcome:
    """A store or the OMS tells where an order is: picked up, shipped, cancelled, or taken
    back (``storeId``: the units go back on hand there)."""
    event = planned.event
    assert isinstance(event, OrderStatusChanged)
    moved = await order_lifecycle.move_order(
        ctx.registry, event.order_id, event.status, utcnow(), location_id=event.store_id
    )
    if ctx.orders_changed is not None:
        await ctx.orders_changed([moved.order.customer_id])
    return Outcome(
        order_id=moved.order.id,
        payload={"orderId": moved.order.id, "previousStatus": moved.previous_status},
    )


async def _offer_on_geofence(ctx: HandlerContext, planned: PlannedEvent) -> Outcome:
    """A known customer near a store: record the offers that apply there (the app fetches
    them with ``offers``; ``CG_WEBHOOK_URL`` gets them through the outbox)."""
    event = planned.event
    assert isinstance(event, GeofenceEntered)
    if planned.customer_id is None:
        return Outcome()
    offers = await on_geofence_entered(
        PersonalPorts.of(ctx.registry, ctx.settings),
        customer_id=planned.customer_id,
        store_id=event.store_id,
        now=utcnow(),
    )
    return Outcome(payload={"offerIds": [o.id for o in offers]})


async def _welcome_in_store(ctx: HandlerContext, planned: PlannedEvent) -> Outcome:
    """A known shopper signed in to a store's Wi-Fi or passed one of its beacons: answer
    their points for the sign-in page and record the same offers a geofence would."""
    event = planned.event
    assert isinstance(event, WifiLogin | BeaconDetected)
    if planned.customer_id is None:
        return Outcome()
    offers = await on_geofence_entered(
        PersonalPorts.of(ctx.registry, ctx.settings),
        customer_id=planned.customer_id,
        store_id=event.store_id,
        now=utcnow(),
        trigger=WIFI if isinstance(event, WifiLogin) else BEACON,
    )
    (loyalty,) = await ctx.registry.wallet.loyalty_accounts([planned.customer_id])
    welcome = {
        "storeId": event.store_id,
        "zone": event.zone,
        "points": loyalty.points if loyalty else 0,
        "pendingPoints": loyalty.pending_points if loyalty else 0,
        "tier": loyalty.tier if loyalty else None,
        "offerIds": [o.id for o in offers],
    }
    return Outcome(payload={"offerIds": welcome["offerIds"], "welcome": welcome}, welcome=welcome)


EVENT_HANDLERS: dict[str, EventHandler] = {
    # recentlyViewed reads stored product_viewed events: storing is all it takes
    "product_viewed": EventHandler(_check_viewed, _store_only),
    "barcode_scanned": EventHandler(_check_viewed, _store_only),
    "cart_updated": EventHandler(_nothing_to_check, _store_only),
    "geofence_entered": EventHandler(_check_geofence, _offer_on_geofence),
    "pos_purchase": EventHandler(_check_purchase, _record_purchase),
    "app_opened": EventHandler(_nothing_to_check, _store_only),
    "order_status_changed": EventHandler(_check_order_status, _move_order),
    "wifi_login": EventHandler(_check_presence, _welcome_in_store),
    "beacon_detected": EventHandler(_check_presence, _welcome_in_store),
}
