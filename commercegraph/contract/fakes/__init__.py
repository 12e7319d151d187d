"""In-memory adapters, one per vendor port, that pass the contract kit.

For fast unit tests of code above the ports: no database, no HTTP. Each fake holds its
records in plain dicts, declares the capabilities it serves, and ``sample()`` builds one
holding the contract fixture's keys (the demo retailer's ids)::

    commerce = FakeCommerce.sample()
    (product,) = await commerce.products_by_id(["prd_00114"])

Writes follow the port's rules: one idempotency key (or reservation reference) takes
effect once; a repeat returns the first result.
"""

from __future__ import annotations

from commercegraph.contract.fakes.commerce import FakeCommerce
from commercegraph.contract.fakes.content import FakeContent
from commercegraph.contract.fakes.customer import FakeCustomer
from commercegraph.contract.fakes.inventory import FakeInventory
from commercegraph.contract.fakes.pricing import FakePricing
from commercegraph.contract.fakes.wallet import FakeWallet

FAKES: dict[str, type[object]] = {
    "commerce": FakeCommerce,
    "content": FakeContent,
    "customer": FakeCustomer,
    "pricing": FakePricing,
    "inventory": FakeInventory,
    "wallet": FakeWallet,
}

__all__ = [
    "FAKES",
    "FakeCommerce",
    "FakeContent",
    "FakeCustomer",
    "FakeInventory",
    "FakePricing",
    "FakeWallet",
]
