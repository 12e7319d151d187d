"""The REST contract: one endpoint per port method, derived from the ports.

Conventions (documented per domain in ``openapi/<domain>.yaml``):
- a batch read keyed by strings is ``GET <path>?ids=a,b,c``; every batch read also takes
  ``POST <path>/batch`` with ``{"keys": [...]}`` (composite keys, or ids holding commas);
  the answer is ``{"items": [...]}``, one item per key in key order, ``null``/``[]`` where
  nothing matches;
- a read without arguments is ``GET <path>`` answering ``{"items": [...]}``;
- a write is ``POST <path>`` with its arguments as a JSON object (``idempotency_key``
  included) answering ``{"item": ...}``;
- an error is a non-2xx status with ``{"error": {"code", "message", "extensions"}}``.
A port method without an entry in ``PATHS`` is served at ``/<operation-with-dashes>``, so
a method added to a port works over REST at once; naming its path is one line here.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from functools import cache
from typing import Any, get_args, get_type_hints

from commercegraph.adapters.base import PORTS
from commercegraph.ports.capabilities import operations

PATHS: dict[str, dict[str, str]] = {
    "commerce": {
        "products_by_id": "/products",
        "products_by_sku": "/products/by-sku",
        "search_products": "/products/search",
        "product_facets": "/products/facets",
        "categories_by_id": "/categories",
        "related_products": "/products/related",
        "orders_by_id": "/orders",
        "orders_for_customers": "/orders/by-customer",
        "carts_by_id": "/carts",
        "carts_for_customers": "/carts/by-customer",
        "create_cart": "/carts",
        "set_cart_line": "/carts/lines",
        "replace_cart_line": "/carts/lines/replace",
    },
    "content": {"entries": "/entries"},
    "customer": {
        "customers_by_id": "/customers",
        "resolve_identifiers": "/customers/resolve",
        "identities": "/customers/identities",
        "consents": "/customers/consents",
        "recently_viewed": "/customers/recently-viewed",
        "segments": "/customers/segments",
    },
    "pricing": {"price_rows": "/prices"},
    "inventory": {
        "locations": "/locations",
        "locations_by_id": "/locations/by-id",
        "stock": "/stock",
    },
    "wallet": {
        "wallets": "/wallets",
        "loyalty_accounts": "/loyalty-accounts",
        "payment_methods": "/payment-methods",
        "transactions": "/transactions",
    },
}


@dataclass(frozen=True)
class Endpoint:
    domain: str
    operation: str
    path: str
    kind: str  # "ids" (GET ?ids=), "keys" (POST /batch only), "all" (GET, no keys), "write"
    params: tuple[str, ...]  # the port method's parameter names, after self
    param_types: tuple[Any, ...]
    result_type: Any

    @property
    def key_type(self) -> Any:
        """The type of one key of a batch read."""
        (sequence,) = self.param_types[:1]
        return get_args(sequence)[0]


@cache
def endpoints(domain: str) -> dict[str, Endpoint]:
    port = PORTS[domain]
    found: dict[str, Endpoint] = {}
    for name in sorted(dir(port)):
        member = getattr(port, name)
        if name.startswith("_") or not inspect.iscoroutinefunction(member):
            continue
        hints = get_type_hints(member)
        params = tuple(inspect.signature(member).parameters)[1:]
        types = tuple(hints[p] for p in params)
        first = str(inspect.signature(member).parameters[params[0]].annotation) if params else ""
        # a batch read is marked a read in the capability table and takes a list of keys;
        # a write taking a list (record_events, refresh_segments) is posted as a write
        batch = operations(domain)[name].read and first.startswith(("Sequence[", "list["))
        if not params:
            kind = "all"
        elif batch and len(params) == 1:
            kind = "ids" if get_args(types[0]) == (str,) else "keys"
        else:
            kind = "write"
        path = PATHS.get(domain, {}).get(name, "/" + name.replace("_", "-"))
        found[name] = Endpoint(domain, name, path, kind, params, types, hints["return"])
    return found
