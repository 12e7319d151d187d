"""Consent, checked again when a webhook is about to be sent rather than only when queued.

An offer queued for delivery may wait minutes to hours (retries, a worker down); if its
customer withdraws consent meanwhile, sending it would be processing they refused. So each
delivery that names a customer is checked just before it is sent, with the same rule that
issued it (``services.offers.may_offer``): one without consent is dropped, not sent, and
the drop is logged.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from sqlalchemy import select

from commercegraph.adapters.base import ConsentRecord
from commercegraph.services.offers import may_offer
from commercegraph.store import models as m
from commercegraph.store.db import Store

log = logging.getLogger("commercegraph.webhooks")

WITHDRAWN = "consent withdrawn before delivery"


async def without_consent(store: Store, deliveries: Sequence[m.WebhookDelivery]) -> set[str]:
    """Ids of the deliveries whose customer no longer consents to them."""
    customers = {str(d.payload["customerId"]) for d in deliveries if d.payload.get("customerId")}
    if not customers:
        return set()
    offer_ids = {str(d.payload["offerId"]) for d in deliveries if d.payload.get("offerId")}
    async with store.read() as session:
        consents = {
            c.customer_id: ConsentRecord(c.marketing_email, c.marketing_sms, c.personalization)
            for c in await session.scalars(
                select(m.Consent).where(m.Consent.customer_id.in_(customers))
            )
        }
        rows = await session.execute(
            select(m.OfferLogEntry.id, m.OfferLogEntry.marketing).where(
                m.OfferLogEntry.id.in_(offer_ids)
            )
        )
        marketing = {offer_id: bool(flag) for offer_id, flag in rows}
    refused = set()
    for delivery in deliveries:
        customer_id = delivery.payload.get("customerId")
        if not customer_id:
            continue
        # an offer no longer in the log is treated as marketing: the stricter rule
        is_marketing = bool(delivery.payload.get("marketing")) or marketing.get(
            str(delivery.payload.get("offerId")), True
        )
        if not may_offer(consents.get(str(customer_id)), is_marketing):
            refused.add(delivery.id)
            log.info(
                "webhook delivery %s dropped: %s (customer %s, %s)",
                delivery.id,
                WITHDRAWN,
                customer_id,
                delivery.event_type,
            )
    return refused
