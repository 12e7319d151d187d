"""The personalisation use cases called directly with ports built from a registry, as a job
or an event handler calls them: no GraphQL request, no caller. On a demo retailer of our
own (SQLite and PostgreSQL); each test makes fresh customers."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from sqlalchemy import func, select

from commercegraph.adapters.base import ProductRecord
from commercegraph.adapters.registry import AdapterRegistry, build_registry
from commercegraph.demo import DEVI_COFFEE_SKU, DEVI_SHOES_SKU, DEVI_SODA_SKU, DOWNTOWN_ID
from commercegraph.errors import BadUserInput, Conflict, NotFound
from commercegraph.services.recommendations import CROSS_SELL
from commercegraph.store import models as m
from commercegraph.store.db import Store
from commercegraph.store.models.base import utcnow
from commercegraph.usecases import shopping_lists
from commercegraph.usecases.merge import MergePorts, merge_customers
from commercegraph.usecases.offers import GEOFENCE, offers, on_geofence_entered
from commercegraph.usecases.personal_reads import PersonalPorts
from commercegraph.usecases.recommendations import recommend
from tests.conftest import SeededDatabase, settings_for
from tests.personalization.test_consent_recommendations import RUNNING_KIT_PARTNERS
from tests.personalization.test_lists_and_offers import ALL, SERVICE_ONLY, shopper


@pytest_asyncio.fixture(loop_scope="session")
async def registry(p8_db: SeededDatabase, p8_store: Store) -> AsyncIterator[AdapterRegistry]:
    built = build_registry(settings_for(p8_db.url), p8_store)
    yield built
    await built.aclose()


def _ports(registry: AdapterRegistry, p8_db: SeededDatabase) -> PersonalPorts:
    """Fresh reads each time, as each request has its own loaders."""
    return PersonalPorts.of(registry, settings_for(p8_db.url))


async def _offers_held(store: Store, customer_id: str) -> int:
    async with store.read() as session:
        count = await session.scalar(
            select(func.count())
            .select_from(m.OfferLogEntry)
            .where(m.OfferLogEntry.customer_id == customer_id)
        )
    return int(count or 0)


async def _orders_of(store: Store, customer_id: str) -> int:
    async with store.read() as session:
        count = await session.scalar(
            select(func.count()).select_from(m.Order).where(m.Order.customer_id == customer_id)
        )
    return int(count or 0)


async def test_list_items_are_added_and_removed_for_the_customer_given(
    registry: AdapterRegistry, p8_db: SeededDatabase, p8_store: Store
) -> None:
    cid = await shopper(p8_store, consent=ALL, pods_every_days=21, last_pods_days_ago=2)
    now = utcnow()
    await shopping_lists.add_item(_ports(registry, p8_db), cid, DEVI_SODA_SKU, 3, now)
    items = await shopping_lists.shopping_list(_ports(registry, p8_db), cid, now)
    assert {(i.sku, i.source, i.quantity) for i in items} == {
        (DEVI_COFFEE_SKU, "REPLENISHMENT", 2),
        (DEVI_SODA_SKU, "EXPLICIT", 3),
    }
    await shopping_lists.remove_item(_ports(registry, p8_db), cid, DEVI_COFFEE_SKU, now)
    items = await shopping_lists.shopping_list(_ports(registry, p8_db), cid, now)
    assert [i.sku for i in items] == [DEVI_SODA_SKU]


async def test_bad_list_input_is_refused_and_writes_nothing(
    registry: AdapterRegistry, p8_db: SeededDatabase, p8_store: Store
) -> None:
    cid = await shopper(p8_store, consent=ALL)
    now = utcnow()
    ports = _ports(registry, p8_db)
    before = await shopping_lists.shopping_list(ports, cid, now)
    with pytest.raises(BadUserInput) as too_many:
        await shopping_lists.add_item(ports, cid, DEVI_SODA_SKU, 1000, now)
    assert too_many.value.extensions["argument"] == "quantity"
    with pytest.raises(NotFound):
        await shopping_lists.add_item(ports, cid, "SKU-NONE-0000", 1, now)
    with pytest.raises(BadUserInput):
        await shopping_lists.remove_item(ports, cid, "", now)
    assert await shopping_lists.shopping_list(_ports(registry, p8_db), cid, now) == before


async def test_auto_fill_tops_up_once_and_refuses_another_customers_cart(
    registry: AdapterRegistry, p8_db: SeededDatabase, p8_store: Store
) -> None:
    cid = await shopper(p8_store, consent=ALL)
    other = await shopper(p8_store, consent=ALL)
    now = utcnow()
    first = await shopping_lists.auto_fill_cart(_ports(registry, p8_db), cid, None, "WEB", now)
    assert first.added == ((DEVI_COFFEE_SKU, 2),)
    again = await shopping_lists.auto_fill_cart(_ports(registry, p8_db), cid, None, "WEB", now)
    assert again.cart_id == first.cart_id and again.added == ()
    assert again.lines == ((DEVI_COFFEE_SKU, 2),)
    with pytest.raises(NotFound) as foreign:
        await shopping_lists.auto_fill_cart(
            _ports(registry, p8_db), other, first.cart_id, "WEB", now, display_id="Cart:x"
        )
    assert "Cart:x" in foreign.value.message


async def test_offers_follow_consent_without_a_request(
    registry: AdapterRegistry, p8_db: SeededDatabase, p8_store: Store
) -> None:
    full = await shopper(p8_store, consent=ALL)
    service = await shopper(p8_store, consent=SERVICE_ONLY)
    nothing = await shopper(p8_store, consent=None)
    now = utcnow()
    kinds = {}
    for cid in (full, service, nothing):
        found = await offers(_ports(registry, p8_db), cid, now=now, near=None, radius_km=None)
        kinds[cid] = [o.kind for o in found]
    assert "REPLENISHMENT_REMINDER" in kinds[full]
    assert kinds[service] == ["REPLENISHMENT_REMINDER"]
    assert kinds[nothing] == [] and await _offers_held(p8_store, nothing) == 0


async def test_geofence_refuses_an_unknown_store_or_customer_and_issues_nothing(
    registry: AdapterRegistry, p8_db: SeededDatabase, p8_store: Store
) -> None:
    cid = await shopper(p8_store, consent=ALL)
    now = utcnow()
    with pytest.raises(NotFound):
        await on_geofence_entered(
            _ports(registry, p8_db), customer_id=cid, store_id="loc_nowhere", now=now
        )
    with pytest.raises(BadUserInput) as unknown:
        await on_geofence_entered(
            _ports(registry, p8_db), customer_id="cus_nobody", store_id=DOWNTOWN_ID, now=now
        )
    assert unknown.value.extensions["argument"] == "customerId"
    assert await _offers_held(p8_store, cid) == 0
    found = await on_geofence_entered(
        _ports(registry, p8_db), customer_id=cid, store_id=DOWNTOWN_ID, now=now
    )
    assert found and {o.trigger for o in found} == {GEOFENCE}


async def test_recommendations_are_priced_by_the_price_port_given(
    registry: AdapterRegistry, p8_db: SeededDatabase
) -> None:
    (anchor,) = await registry.commerce.products_by_sku([DEVI_SHOES_SKU])
    assert anchor is not None
    asked: list[str] = []

    async def flat(product: ProductRecord, channel: str) -> int | None:
        asked.append(channel)
        return 10_000 if product.sku == DEVI_SHOES_SKU else 500

    async def unpriced(product: ProductRecord, channel: str) -> int | None:
        return None

    args = {"kind": CROSS_SELL, "customer_id": None, "product": anchor, "first": 5}
    found = await recommend(_ports(registry, p8_db), flat, channel="WEB", now=utcnow(), **args)
    assert found and {r.price for r in found} == {500}
    assert set(asked) == {"WEB"}
    assert all(r.anchor_sku == DEVI_SHOES_SKU for r in found)
    assert {r.product.sku for r in found} <= RUNNING_KIT_PARTNERS
    nothing = await recommend(
        _ports(registry, p8_db), unpriced, channel="WEB", now=utcnow(), **args
    )
    assert nothing == []
    with pytest.raises(BadUserInput):
        await recommend(
            _ports(registry, p8_db), flat, channel="WEB", now=utcnow(), **{**args, "first": 0}
        )


async def test_merge_refuses_bad_input_before_moving_anything(
    registry: AdapterRegistry, p8_store: Store
) -> None:
    source = await shopper(p8_store, consent=ALL)
    target = await shopper(p8_store, consent=ALL)
    ports = MergePorts.of(registry)
    with pytest.raises(BadUserInput):
        await merge_customers(ports, source, source, "staff", "k1")
    with pytest.raises(BadUserInput):
        await merge_customers(ports, source, target, "staff", " ")
    with pytest.raises(NotFound):
        await merge_customers(ports, source, "cus_nobody", "staff", "k2")
    assert await _orders_of(p8_store, source) == 6 and await _orders_of(p8_store, target) == 6
    merged = await merge_customers(ports, source, target, "staff", "k3")
    assert merged.orders_moved == 6
    assert await _orders_of(p8_store, source) == 0 and await _orders_of(p8_store, target) == 12
    again = await merge_customers(ports, source, target, "staff", "k3")
    assert again.record == merged.record
    third = await shopper(p8_store, consent=ALL)
    with pytest.raises(Conflict):
        await merge_customers(ports, source, third, "staff", "k4")
