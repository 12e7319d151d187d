"""Native pricing backend: base price rows, pricing rules, versions and budgets."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, func, null, select, tuple_, union_all, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from commercegraph.adapters.base import (
    BudgetUsage,
    CustomerOrderStats,
    Page,
    PriceRow,
    PricingRuleRecord,
    PricingRuleVersionRecord,
)
from commercegraph.adapters.native.records import RecordTable
from commercegraph.config import Settings
from commercegraph.errors import Conflict, NotFound
from commercegraph.services.pagination import decode_cursor, encode_cursor
from commercegraph.store import models as m
from commercegraph.store.db import Store
from commercegraph.store.models.base import utcnow
from commercegraph.store.plain_reads import PlainRead

DEMAND_WINDOW = timedelta(hours=24)
RULE_FIELDS = (
    "name",
    "condition",
    "effect",
    "priority",
    "stacking",
    "active",
    "valid_from",
    "valid_until",
    "max_redemptions",
    "max_redemptions_per_customer",
    "currency",
)


async def bump_revision(session: AsyncSession) -> None:
    """Move the rule-set revision; recreate its row if a bulk clear removed it."""
    bumped = await session.execute(
        update(m.PricingRevision).values(revision=m.PricingRevision.revision + 1)
    )
    if bumped.rowcount == 0:  # type: ignore[attr-defined]
        session.add(m.PricingRevision(id=1, revision=1))
        await session.flush()


# The hot reads' statements, built once: each call binds its values.
_PRICE_ROWS = PlainRead(
    select(
        m.Price.sku,
        m.Price.currency,
        m.Price.amount,
        m.Price.channel,
        m.Price.customer_group,
        m.Price.min_quantity,
        m.Price.valid_from,
        m.Price.valid_until,
    )
    # By sku and by currency, not by pairs: SQLite reads a row-value IN list by scanning
    # the whole table, where two lists go through the (sku, currency) index. A currency
    # asked for other skus brings their rows too; they are left out below.
    .where(
        m.Price.sku.in_(bindparam("skus", expanding=True)),
        m.Price.currency.in_(bindparam("currencies", expanding=True)),
    )
    .order_by(m.Price.id)
)
_PRICE_RECORDS = RecordTable(PriceRow)
_REVISION = PlainRead(select(m.PricingRevision.revision))
_CUSTOMER_REDEEMED = PlainRead(
    select(
        m.CustomerRuleBudget.rule_id,
        m.CustomerRuleBudget.customer_id,
        m.CustomerRuleBudget.redeemed,
    ).where(
        tuple_(m.CustomerRuleBudget.rule_id, m.CustomerRuleBudget.customer_id).in_(
            bindparam("keys", expanding=True)
        )
    )
)
# A budget's redemptions in total (no customer) and by each customer asked for, in one
# statement: the two apart took a trip to the database each.
_SPENT = union_all(
    select(
        m.PricingRule.id.label("rule_id"),
        null().label("customer_id"),
        m.PricingRule.redeemed.label("redeemed"),
    ).where(m.PricingRule.id.in_(bindparam("ids", expanding=True))),
    _CUSTOMER_REDEEMED.statement,
).subquery()
_BUDGETS = PlainRead(select(_SPENT.c.rule_id, _SPENT.c.customer_id, _SPENT.c.redeemed))
_PRODUCT_VIEWS = PlainRead(
    select(m.Event.sku, func.count())
    .where(
        m.Event.sku.in_(bindparam("skus", expanding=True)),
        m.Event.type == "product_viewed",
        m.Event.occurred_at >= bindparam("since"),
    )
    .group_by(m.Event.sku)
)
_ORDER_STATS = PlainRead(
    select(m.Order.customer_id, func.count(), func.coalesce(func.sum(m.Order.total), 0))
    .where(m.Order.customer_id.in_(bindparam("ids", expanding=True)))
    .group_by(m.Order.customer_id)
)


def _rule_record(row: m.PricingRule) -> PricingRuleRecord:
    return PricingRuleRecord(
        id=row.id,
        **{f: getattr(row, f) for f in RULE_FIELDS},
        channels=tuple(row.channels or ()),
        version=row.version,
        updated_by=row.updated_by,
        updated_at=row.updated_at,
        created_by=row.created_by,
        created_at=row.created_at,
    )


def _snapshot(rule: PricingRuleRecord) -> dict[str, Any]:
    data = asdict(rule)
    for key, value in data.items():
        if isinstance(value, datetime):
            data[key] = value.isoformat()
    data["channels"] = list(rule.channels)
    return data


def _from_snapshot(data: dict[str, Any]) -> PricingRuleRecord:
    values = dict(data)
    for key in ("valid_from", "valid_until", "updated_at", "created_at"):
        if values.get(key):
            values[key] = datetime.fromisoformat(values[key])
    values["channels"] = tuple(values.get("channels") or ())
    return PricingRuleRecord(**values)


class NativePricing:
    name = "native"

    def __init__(self, store: Store, settings: Settings) -> None:
        self.store = store

    async def price_rows(self, keys: Sequence[tuple[str, str]]) -> list[list[PriceRow]]:
        found: dict[tuple[str, str], list[PriceRow]] = defaultdict(list)
        wanted = set(keys)
        params = {"skus": list({k[0] for k in wanted}), "currencies": list({k[1] for k in wanted})}
        known = _PRICE_RECORDS.records.get
        for row in await self.store.plain(_PRICE_ROWS, params):
            values = tuple(row)
            if values[:2] in wanted:
                found[values[:2]].append(known(values) or _PRICE_RECORDS.record(values))
        return [found.get(k, []) for k in keys]

    async def rules_revision(self) -> int:
        rows = await self.store.plain(_REVISION)
        return int(rows[0][0]) if rows and rows[0][0] else 0

    async def active_rules(self) -> tuple[int, list[PricingRuleRecord]]:
        async with self.store.read() as session, session.begin():
            revision = await session.scalar(select(m.PricingRevision.revision)) or 0
            rows = await session.scalars(select(m.PricingRule).where(m.PricingRule.active))
            return revision, [_rule_record(r) for r in rows]

    async def list_rules(self, first: int, after: str | None) -> Page[PricingRuleRecord]:
        stmt = select(m.PricingRule).order_by(m.PricingRule.id).limit(first + 1)
        if after:
            (after_id,) = decode_cursor(after, 1)
            stmt = stmt.where(m.PricingRule.id > str(after_id))
        async with self.store.read() as session:
            rows = list(await session.scalars(stmt))
            total = await session.scalar(select(func.count()).select_from(m.PricingRule))
        items = tuple(_rule_record(r) for r in rows[:first])
        cursors = tuple(encode_cursor(r.id) for r in items)
        return Page(items, len(rows) > first, cursors[-1] if cursors else None, total, cursors)

    async def rules_by_id(self, ids: Sequence[str]) -> list[PricingRuleRecord | None]:
        async with self.store.read() as session:
            rows = await session.scalars(select(m.PricingRule).where(m.PricingRule.id.in_(ids)))
            found = {r.id: _rule_record(r) for r in rows}
        return [found.get(i) for i in ids]

    async def _record_version(
        self, session: AsyncSession, rule: PricingRuleRecord, change: str, actor: str
    ) -> None:
        session.add(
            m.PricingRuleVersion(
                rule_id=rule.id,
                version=rule.version,
                change=change,
                snapshot=_snapshot(rule),
                changed_by=actor,
                changed_at=utcnow(),
            )
        )
        await bump_revision(session)

    async def save_rule(self, rule: PricingRuleRecord, actor: str) -> PricingRuleRecord:
        now = utcnow()
        try:
            async with self.store.write() as session:
                row = await session.get(m.PricingRule, rule.id, with_for_update=True)
                change = "UPDATED" if row is not None else "CREATED"
                if row is None:
                    row = m.PricingRule(
                        id=rule.id, version=0, redeemed=0, created_by=actor, created_at=now
                    )
                    session.add(row)
                for f in RULE_FIELDS:
                    setattr(row, f, getattr(rule, f))
                row.channels = list(rule.channels)
                row.version += 1
                row.updated_by, row.updated_at = actor, now
                await session.flush()
                saved = _rule_record(row)
                await self._record_version(session, saved, change, actor)
        except IntegrityError as exc:  # a concurrent save of the same rule won the race
            raise Conflict(f"Rule {rule.id!r} was changed concurrently; retry") from exc
        return saved

    async def delete_rule(self, rule_id: str, actor: str) -> bool:
        async with self.store.write() as session:
            row = await session.get(m.PricingRule, rule_id, with_for_update=True)
            if row is None:
                return False
            gone = replace(_rule_record(row), version=row.version + 1, active=False)
            await session.delete(row)
            await self._record_version(session, gone, "DELETED", actor)
        return True

    async def rule_versions(self, ids: Sequence[str]) -> list[list[PricingRuleVersionRecord]]:
        found: dict[str, list[PricingRuleVersionRecord]] = defaultdict(list)
        async with self.store.read() as session:
            rows = await session.scalars(
                select(m.PricingRuleVersion)
                .where(m.PricingRuleVersion.rule_id.in_(ids))
                .order_by(m.PricingRuleVersion.rule_id, m.PricingRuleVersion.version.desc())
            )
            for v in rows:
                found[v.rule_id].append(
                    PricingRuleVersionRecord(_from_snapshot(dict(v.snapshot)), v.change)
                )
        return [found.get(i, []) for i in ids]

    async def budget_usage(self, keys: Sequence[tuple[str, str]]) -> list[BudgetUsage]:
        rule_ids = list({k[0] for k in keys})
        per_customer = [k for k in keys if k[1]] or [("", "")]
        totals: dict[str, int] = {}
        mine: dict[tuple[str, str], int] = {}
        for r, c, n in await self.store.plain(_BUDGETS, {"ids": rule_ids, "keys": per_customer}):
            if c is None:
                totals[r] = n
            else:
                mine[(r, c)] = n
        return [BudgetUsage(totals.get(r, 0), mine.get((r, c), 0)) for r, c in keys]

    async def redeem(
        self, order_id: str, customer_id: str | None, rule_ids: Sequence[str]
    ) -> list[str]:
        try:
            async with self.store.write() as session:
                done = await self._redeemed_for(session, order_id)
                if done is not None:
                    return done
                for rule_id in sorted(set(rule_ids)):  # one lock order: no deadlocks
                    await self._redeem_one(session, order_id, customer_id, rule_id)
        except IntegrityError:
            # the same order redeemed concurrently: that call's result is the answer
            async with self.store.read() as session:
                done = await self._redeemed_for(session, order_id)
            if done is None:
                raise
            return done
        return sorted(set(rule_ids))

    async def _redeemed_for(self, session: AsyncSession, order_id: str) -> list[str] | None:
        rows = list(
            await session.scalars(
                select(m.RuleRedemption.rule_id)
                .where(m.RuleRedemption.order_id == order_id)
                .order_by(m.RuleRedemption.rule_id)
            )
        )
        return rows or None

    async def _redeem_one(
        self, session: AsyncSession, order_id: str, customer_id: str | None, rule_id: str
    ) -> None:
        rule = m.PricingRule
        limits = (
            await session.execute(
                select(rule.max_redemptions, rule.max_redemptions_per_customer).where(
                    rule.id == rule_id
                )
            )
        ).first()
        if limits is None:
            raise NotFound(f"No pricing rule {rule_id!r}", backend="pricing")
        total_cap, customer_cap = limits
        stmt = update(rule).where(rule.id == rule_id).values(redeemed=rule.redeemed + 1)
        if total_cap is not None:
            stmt = stmt.where(rule.redeemed < total_cap)
        if (await session.execute(stmt)).rowcount != 1:  # type: ignore[attr-defined]
            raise Conflict(f"The budget of rule {rule_id!r} is spent", ruleId=rule_id)
        if customer_id is not None:
            budget = m.CustomerRuleBudget
            insert = pg_insert if self.store.dialect == "postgresql" else sqlite_insert
            await session.execute(
                insert(budget)
                .values(rule_id=rule_id, customer_id=customer_id, redeemed=0)
                .on_conflict_do_nothing()
            )
            per = (
                update(budget)
                .where(budget.rule_id == rule_id, budget.customer_id == customer_id)
                .values(redeemed=budget.redeemed + 1)
            )
            if customer_cap is not None:
                per = per.where(budget.redeemed < customer_cap)
            if (await session.execute(per)).rowcount != 1:  # type: ignore[attr-defined]
                raise Conflict(f"Rule {rule_id!r} is used up for this customer", ruleId=rule_id)
        session.add(
            m.RuleRedemption(
                order_id=order_id, rule_id=rule_id, customer_id=customer_id, redeemed_at=utcnow()
            )
        )
        await session.flush()

    async def product_views(self, skus: Sequence[str]) -> list[int]:
        rows = await self.store.plain(
            _PRODUCT_VIEWS, {"skus": list(skus), "since": utcnow() - DEMAND_WINDOW}
        )
        counts = {sku: int(n) for sku, n in rows}
        return [counts.get(s, 0) for s in skus]

    async def customer_order_stats(self, customer_ids: Sequence[str]) -> list[CustomerOrderStats]:
        rows = await self.store.plain(_ORDER_STATS, {"ids": list(customer_ids)})
        found = {c: CustomerOrderStats(int(n), int(v)) for c, n, v in rows}
        return [found.get(c, CustomerOrderStats(0, 0)) for c in customer_ids]
