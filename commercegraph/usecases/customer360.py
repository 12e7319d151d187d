"""Staff's side of the single customer view: a segment's members, and an identifier
linked to a customer by hand."""

from __future__ import annotations

from commercegraph.adapters.base import (
    CustomerBackend,
    CustomerRecord,
    IdentityRecord,
    Page,
    SegmentMembersQuery,
)
from commercegraph.errors import BadUserInput, NotFound
from commercegraph.loaders import Loaders
from commercegraph.services.identity import normalise_identifier
from commercegraph.services.pagination import check_first
from commercegraph.services.segmentation import SEGMENT_KEYS

MODELLED = ("rfm", "abc", "behaviour")  # segment families computed here: their keys are known


async def customers_in_segment(
    reads: Loaders, key: str, first: int, after: str | None, *, max_page_size: int
) -> tuple[list[CustomerRecord], Page[str]]:
    check_first(first, max_page_size)
    prefix = key.partition(":")[0]
    if prefix in MODELLED and key not in SEGMENT_KEYS:
        raise BadUserInput(f"Unknown segment {key!r}", argument="key")
    page: Page[str] = await reads.segment_members.load(SegmentMembersQuery(key, first, after))
    customers = await reads.customer_by_id.load_many(list(page.items))
    return [c for c in customers if c is not None], page


async def link_identity(
    reads: Loaders, customers: CustomerBackend, customer_id: str, kind: str, value: str
) -> CustomerRecord:
    """Link ``kind``/``value`` (normalised) to the customer, as staff did it."""
    normalised = normalise_identifier(kind, value)
    customer: CustomerRecord | None = await reads.customer_by_id.load(customer_id)
    if customer is None:
        raise NotFound(f"Customer {customer_id!r} not found", argument="customerId")
    record: IdentityRecord = await customers.link_identifier(customer_id, kind, normalised, "staff")
    assert record.value == normalised
    reads.identities.clear(customer_id)
    return customer
