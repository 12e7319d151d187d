"""Native customer backend (CRM): customers, identifiers, consent and interactions."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, bindparam, func, select, tuple_

from commercegraph.adapters.base import (
    ConsentRecord,
    CustomerMetricsRecord,
    CustomerRecord,
    EventRecord,
    IdentityRecord,
    MergeRecord,
    OfferIssue,
    OfferRecord,
    Page,
    RecentViewsQuery,
    SegmentMembersQuery,
    SegmentRecord,
    ShoppingListEntryRecord,
)
from commercegraph.adapters.native import customer360, personalization
from commercegraph.config import Settings
from commercegraph.store import models as m
from commercegraph.store.db import Store
from commercegraph.store.models.base import utcnow
from commercegraph.store.plain_reads import PlainRead

# The hot reads' statements, built once: each call binds its values.
_CUSTOMERS_BY_ID = PlainRead(
    select(
        m.Customer.id,
        m.Customer.display_name,
        m.Customer.email,
        m.Customer.customer_group,
        m.Customer.created_at,
        m.Customer.home_store_id,
        m.Customer.referred_by,
    ).where(m.Customer.id.in_(bindparam("ids", expanding=True)), m.Customer.erased_at.is_(None))
)
_LAST_VIEW = func.max(m.Event.occurred_at)
_RECENTLY_VIEWED = PlainRead(
    select(m.Event.sku, _LAST_VIEW)
    .where(
        m.Event.customer_id == bindparam("customer_id"),
        m.Event.type == "product_viewed",
        m.Event.sku.is_not(None),
    )
    .group_by(m.Event.sku)
    .order_by(_LAST_VIEW.desc(), m.Event.sku)
    .limit(bindparam("first", type_=Integer))
)
_SEGMENTS = PlainRead(
    select(
        m.CustomerSegment.customer_id,
        m.CustomerSegment.segment_key,
        m.CustomerSegment.name,
        m.CustomerSegment.kind,
    )
    .where(m.CustomerSegment.customer_id.in_(bindparam("ids", expanding=True)))
    .order_by(m.CustomerSegment.kind, m.CustomerSegment.segment_key)
)


class NativeCustomer:
    name = "native"
    supports_erasure = True

    def __init__(self, store: Store, settings: Settings) -> None:
        self.store = store
        self.settings = settings

    async def erase_customer(self, customer_id: str) -> None:
        """Erase the customer's personal data held here (served to gateways over REST)."""
        from commercegraph.adapters.native.privacy import NativePrivacy

        privacy, now = NativePrivacy(self.store), utcnow()
        await privacy.erase_identifiers(customer_id, now)
        await privacy.erase_profile(customer_id, now)
        await privacy.erase_events(customer_id)

    async def customers_by_id(self, ids: Sequence[str]) -> list[CustomerRecord | None]:
        rows = await self.store.plain(_CUSTOMERS_BY_ID, {"ids": list(ids)})
        found = {
            cid: CustomerRecord(
                id=cid,
                display_name=name,
                email=email,
                customer_group=group,
                created_at=created_at,
                home_store_id=home_store_id,
                referred_by=referred_by,
            )
            for cid, name, email, group, created_at, home_store_id, referred_by in rows
        }
        return [found.get(i) for i in ids]

    async def resolve_identifiers(self, identifiers: Sequence[tuple[str, str]]) -> list[str | None]:
        async with self.store.read() as session:
            rows = await session.execute(
                select(
                    m.CustomerIdentifier.kind,
                    m.CustomerIdentifier.value,
                    m.CustomerIdentifier.customer_id,
                ).where(
                    tuple_(m.CustomerIdentifier.kind, m.CustomerIdentifier.value).in_(
                        set(identifiers)
                    )
                )
            )
            found = {(kind, value): cid for kind, value, cid in rows}
        return [found.get(i) for i in identifiers]

    async def identities(self, customer_ids: Sequence[str]) -> list[list[IdentityRecord]]:
        found: dict[str, list[IdentityRecord]] = defaultdict(list)
        async with self.store.read() as session:
            rows = await session.scalars(
                select(m.CustomerIdentifier)
                .where(m.CustomerIdentifier.customer_id.in_(customer_ids))
                .order_by(m.CustomerIdentifier.linked_at, m.CustomerIdentifier.kind)
            )
            for i in rows:
                found[i.customer_id].append(IdentityRecord(i.kind, i.value, i.source, i.linked_at))
        return [found.get(c, []) for c in customer_ids]

    async def consents(self, customer_ids: Sequence[str]) -> list[ConsentRecord | None]:
        async with self.store.read() as session:
            rows = await session.scalars(
                select(m.Consent).where(m.Consent.customer_id.in_(customer_ids))
            )
            found = {
                c.customer_id: ConsentRecord(c.marketing_email, c.marketing_sms, c.personalization)
                for c in rows
            }
        return [found.get(c) for c in customer_ids]

    async def recently_viewed(self, queries: Sequence[RecentViewsQuery]) -> list[list[str]]:
        results: list[list[str]] = []
        for q in queries:
            rows = await self.store.plain(
                _RECENTLY_VIEWED, {"customer_id": q.customer_id, "first": q.first}
            )
            results.append([sku for sku, _ in rows if sku is not None])
        return results

    async def segments(self, customer_ids: Sequence[str]) -> list[list[SegmentRecord]]:
        found: dict[str, list[SegmentRecord]] = defaultdict(list)
        for customer_id, key, name, kind in await self.store.plain(
            _SEGMENTS, {"ids": list(customer_ids)}
        ):
            found[customer_id].append(SegmentRecord(key, name, kind))
        return [found.get(c, []) for c in customer_ids]

    async def events_by_id(self, keys: Sequence[tuple[str, str]]) -> list[EventRecord | None]:
        return await customer360.events_by_id(self.store, keys)

    async def record_events(self, events: Sequence[EventRecord]) -> list[EventRecord]:
        return await customer360.record_events(self.store, events)

    async def link_identifier(
        self, customer_id: str, kind: str, value: str, source: str
    ) -> IdentityRecord:
        return await customer360.link_identifier(self.store, customer_id, kind, value, source)

    async def merge_customers(
        self,
        source_customer_id: str,
        target_customer_id: str,
        actor: str,
        idempotency_key: str,
        details: dict[str, Any] | None = None,
    ) -> MergeRecord:
        return await customer360.merge_customers(
            self.store, source_customer_id, target_customer_id, actor, idempotency_key, details
        )

    async def merges(self, source_customer_ids: Sequence[str]) -> list[MergeRecord | None]:
        return await customer360.merges(self.store, source_customer_ids)

    async def customer_metrics(
        self, customer_ids: Sequence[str]
    ) -> list[CustomerMetricsRecord | None]:
        return await customer360.customer_metrics(self.store, customer_ids)

    async def customers_in_segment(self, queries: Sequence[SegmentMembersQuery]) -> list[Page[str]]:
        return await customer360.customers_in_segment(self.store, queries)

    async def refresh_segments(self, customer_ids: Sequence[str]) -> None:
        from commercegraph.customer360.refresh import refresh_customers

        await refresh_customers(
            self.store,
            customer_ids,
            self.settings.default_currency,
            min_repeat_buyers=self.settings.ltv_min_repeat_buyers,
        )

    async def shopping_list_entries(
        self, customer_ids: Sequence[str]
    ) -> list[list[ShoppingListEntryRecord]]:
        return await personalization.shopping_list_entries(self.store, customer_ids)

    async def set_shopping_list_entry(
        self, customer_id: str, sku: str, quantity: int, status: str, now: datetime
    ) -> None:
        await personalization.set_shopping_list_entry(
            self.store, customer_id, sku, quantity, status, now
        )

    async def issue_offers(
        self,
        customer_id: str,
        offers: Sequence[OfferIssue],
        *,
        trigger: str,
        now: datetime,
        max_new_marketing_per_day: int,
        notify_event: str | None = None,
    ) -> list[OfferRecord]:
        return await personalization.issue_offers(
            self.store,
            customer_id,
            offers,
            trigger=trigger,
            now=now,
            max_new_marketing_per_day=max_new_marketing_per_day,
            notify_event=notify_event,
        )
