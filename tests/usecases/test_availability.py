"""Every availability path answers under the configured fulfilment routing: the product
page, the offers' and recommendations' stock checks, and the pricing rules' stock input."""

from __future__ import annotations

from typing import Any

import pytest

from commercegraph import bootstrap
from commercegraph.auth import Caller
from commercegraph.context import Context
from commercegraph.resolvers import catalog
from commercegraph.usecases import personal_reads
from commercegraph.usecases.availability import units_for_shopper
from tests.conftest import SeededDatabase, settings_for

SKU = "SKU-RUN-0001"


async def _paths(seeded_db: SeededDatabase, **overrides: Any) -> tuple[int, int, bool, int]:
    settings = settings_for(seeded_db.url, cache_ttl_seconds=0, **overrides)
    async with bootstrap.open(settings) as container:
        ctx = Context.build(Caller(), container.registry, settings)
        (product,) = await container.registry.commerce.products_by_sku([SKU])
        assert product is not None
        page = await catalog.availability(ctx, product, channel="WEB", near=None, radius_km=None)
        ports = personal_reads.PersonalPorts.of(container.registry, settings, ctx.loaders)
        near = await personal_reads.availability_near(ports, SKU, "WEB")
        in_stock = await personal_reads.in_stock_for_channel(ports, SKU, "WEB")
        (stock,) = await container.registry.inventory.stock([SKU])
        locations = await container.registry.inventory.locations()
        rules_input = units_for_shopper(settings, stock, locations, channel="WEB", store_id=None)
        return page.online_atp, near.online_atp, in_stock, rules_input


@pytest.mark.parametrize(
    ("routing", "ships"),
    [(None, True), ({"WEB": []}, False), ({"WEB": ["WAREHOUSE"]}, True)],
)
async def test_the_paths_agree_under_each_routing(
    seeded_db: SeededDatabase, routing: dict[str, list[str]] | None, ships: bool
) -> None:
    overrides = {} if routing is None else {"fulfillment_sources": routing}
    page, near, in_stock, rules_input = await _paths(seeded_db, **overrides)
    assert page == near == rules_input
    assert in_stock is ships and (page > 0) is ships
