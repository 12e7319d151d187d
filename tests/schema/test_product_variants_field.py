"""``Product.handle`` and ``Product.variants``: what a vendor's record carries, empty natively."""

from __future__ import annotations

from commercegraph.adapters.base import ProductRecord, VariantRecord
from commercegraph.schema.catalog import Product
from tests.conftest import GraphQLClient


async def test_native_products_have_no_variants_or_handle(gql: GraphQLClient) -> None:
    body = await gql.post(
        '{ product(sku: "SKU-RUN-0001") { sku handle variants { id sku options { name } } } }'
    )
    assert body.get("errors") is None
    assert body["data"]["product"] == {"sku": "SKU-RUN-0001", "handle": None, "variants": []}


def test_a_vendor_record_gives_its_variants_and_options() -> None:
    record = ProductRecord(
        id="361",
        sku="SKU-TEE-S",
        name="Tee",
        brand=None,
        category=None,
        category_id=None,
        variants=(
            VariantRecord("361", "SKU-TEE-S", "Tee S", (("size", "S"),)),
            VariantRecord("362", "SKU-TEE-M", "Tee M", (("size", "M"), ("colour", "blue"))),
        ),
        handle="tee",
    )
    product = Product.of(record)
    assert product.handle == "tee"
    assert [(v.id, v.sku, v.name) for v in product.variants] == [
        ("361", "SKU-TEE-S", "Tee S"),
        ("362", "SKU-TEE-M", "Tee M"),
    ]
    assert [(o.name, o.value) for o in product.variants[1].options] == [
        ("size", "M"),
        ("colour", "blue"),
    ]
