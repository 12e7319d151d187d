"""The native content store finds a product's entry through its sku when the product comes
from another commerce system (and so carries that system's id)."""

from __future__ import annotations

from commercegraph import bootstrap
from commercegraph.adapters.base import ContentKey
from tests.conftest import SeededDatabase, settings_for


async def test_an_entry_is_found_by_sku_under_a_vendor_product_id(
    sqlite_db: SeededDatabase,
) -> None:
    settings = settings_for(sqlite_db.url, cache_ttl_seconds=0)
    async with bootstrap.open(settings) as container:
        (product,) = await container.registry.commerce.products_by_sku(["SKU-RUN-0001"])
        assert product is not None
        content = container.registry.content
        own, vendors, unknown, no_sku = await content.entries(
            [
                ContentKey("product", product.id, "de-DE"),
                ContentKey("product", "gid://vendor/Product/42", "de-DE", sku="SKU-RUN-0001"),
                ContentKey("product", "gid://vendor/Product/43", "de-DE", sku="SKU-NOPE"),
                ContentKey("product", "gid://vendor/Product/42", "de-DE"),
            ]
        )
        assert own is not None and vendors == own
        assert unknown is None and no_sku is None
