"""Global object IDs: ``base64("Type:domain:local_id")`` so any node can be refetched."""

from __future__ import annotations

import base64
import binascii
import functools

from commercegraph.errors import BadUserInput

NODE_DOMAINS = {
    "Product": "commerce",
    "Order": "commerce",
    "Cart": "commerce",
    "Bundle": "commerce",
    "Customer": "customer",
    "Store": "inventory",
    "PricingRule": "pricing",
}


IDS_KEPT = 20_000  # ids remembered: about 3 MB at most


# A page of products builds one a product, the same ones request after request: a hit is a
# look-up in C, where the encoding is six calls.
@functools.lru_cache(maxsize=IDS_KEPT, typed=True)
def to_global_id(type_name: str, local_id: str) -> str:
    domain = NODE_DOMAINS[type_name]
    return base64.urlsafe_b64encode(f"{type_name}:{domain}:{local_id}".encode()).decode()


def from_global_id(global_id: str) -> tuple[str, str]:
    """Return ``(type_name, local_id)``; raise ``BadUserInput`` for anything malformed."""
    try:
        raw = base64.urlsafe_b64decode(global_id.encode("ascii")).decode()
    except (binascii.Error, UnicodeError, ValueError) as exc:
        raise BadUserInput(f"Malformed ID {global_id!r}", argument="id") from exc
    type_name, sep, rest = raw.partition(":")
    domain, sep2, local_id = rest.partition(":")
    if not (sep and sep2 and local_id) or NODE_DOMAINS.get(type_name) != domain:
        raise BadUserInput(f"Malformed ID {global_id!r}", argument="id")
    return type_name, local_id


def expect_global_id(global_id: str, type_name: str, argument: str = "id") -> str:
    found, local_id = from_global_id(global_id)
    if found != type_name:
        raise BadUserInput(
            f"ID {global_id!r} is a {found}, expected a {type_name}", argument=argument
        )
    return local_id
