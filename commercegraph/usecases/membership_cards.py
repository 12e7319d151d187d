"""Membership cards: a loyalty identifier issued to a customer at a store, as a
``LOYALTY_CARD`` identifier, so the POS (``pos_purchase`` events) and
``customerByIdentifier`` recognise the shopper by it. One card per customer."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from commercegraph.adapters.base import CustomerBackend, InventoryBackend
from commercegraph.adapters.native.tenders import NativeTenders
from commercegraph.errors import BadUserInput, NotFound
from commercegraph.store import models as m
from commercegraph.store.models.base import utcnow

MEMBERSHIP_CARD = "LOYALTY_CARD"
MEMBERSHIP_PREFIX = "MC-"
NUMBER_DRAWS = 3  # a clash among 10^12 numbers is rare; three in a row is a fault


@dataclass(frozen=True, slots=True)
class MembershipCardRecord:
    number: str
    customer_id: str
    store_id: str
    issued_at: datetime


async def issue_membership_card(
    tenders: NativeTenders,
    customers: CustomerBackend,
    inventory: InventoryBackend,
    customer_id: str,
    store_id: str,
    *,
    shown_store_id: str,
) -> MembershipCardRecord:
    """Asking again answers the card already issued."""
    (customer,) = await customers.customers_by_id([customer_id])
    if customer is None:
        raise NotFound("No such customer", argument="customerId")
    (store,) = await inventory.locations_by_id([store_id])
    if store is None or store.kind != "STORE":
        raise BadUserInput(f"No store {shown_store_id!r}", argument="storeId")
    for _ in range(NUMBER_DRAWS):
        existing = await _membership_card(tenders, customer_id)
        if existing is not None:
            return existing
        number = MEMBERSHIP_PREFIX + "".join(secrets.choice("0123456789") for _ in range(12))
        now = utcnow()
        try:
            async with tenders.store.write() as session:
                session.add(
                    m.CustomerIdentifier(
                        kind=MEMBERSHIP_CARD,
                        value=number,
                        customer_id=customer_id,
                        source=store_id[:32],
                        linked_at=now,
                    )
                )
        except IntegrityError:
            continue  # a number taken already: draw another
        found = await _membership_card(tenders, customer_id)
        assert found is not None
        return found
    raise RuntimeError("could not draw a free membership card number")


async def _membership_card(tenders: NativeTenders, customer_id: str) -> MembershipCardRecord | None:
    async with tenders.store.read() as session:
        row = await session.scalar(
            select(m.CustomerIdentifier)
            .where(
                m.CustomerIdentifier.customer_id == customer_id,
                m.CustomerIdentifier.kind == MEMBERSHIP_CARD,
                m.CustomerIdentifier.value.startswith(MEMBERSHIP_PREFIX),
            )
            .order_by(m.CustomerIdentifier.linked_at)
            .limit(1)
        )
    if row is None:
        return None
    return MembershipCardRecord(row.value, row.customer_id, row.source, row.linked_at)
