"""Seeding: build the fixed catalogue, then stream customers in chunks into the store.

Each chunk's rows go in with one executemany per table and one commit, so memory stays
bounded by the chunk size whatever N is, and the per-row ORM machinery never runs.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import MetaData, func, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from commercegraph.demo.birthdays import birth_date_of
from commercegraph.demo.bundles import seed_bundles
from commercegraph.demo.catalog import build_catalog
from commercegraph.demo.content import content_rows
from commercegraph.demo.customer360 import seed_customer360
from commercegraph.demo.customers import World, generate_customer
from commercegraph.demo.inventory import location_rows, price_rows, stock_rows
from commercegraph.demo.loyalty import seed_loyalty_detail
from commercegraph.demo.pricing_rules import seed_pricing_rules
from commercegraph.demo.rows import TABLE_ORDER, ChunkRows, Counters, Ledger
from commercegraph.demo.story import generate_story
from commercegraph.demo.tenders import exchange_rate_rows
from commercegraph.progress import progress
from commercegraph.store.db import Store
from commercegraph.store.models import Base

CHUNK_CUSTOMERS = 2_000
STORY_CUSTOMERS = 2  # Devi and Sam, in addition to the N generated customers
TABLES = Base.metadata.tables


@dataclass(frozen=True)
class SeedSummary:
    """Rows written per kind, and the wall-clock time the seeding took."""

    products: int
    locations: int
    customers: int
    orders: int
    order_lines: int
    events: int
    prices: int
    stock_rows: int
    content_entries: int
    ledger_transactions: int
    elapsed_s: float


def default_now() -> datetime:
    """Today's midnight UTC: a run is reproducible for the whole day."""
    return datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


async def _insert(
    session: AsyncSession, table: str, rows: Sequence[dict[str, object]], written: Counter[str]
) -> None:
    if table == "customers":
        for row in rows:
            row.setdefault("birth_date", birth_date_of(str(row["id"])))
    if rows:
        await session.execute(insert(TABLES[table]), list(rows))
        written[table] += len(rows)


async def _flush(store: Store, chunk: ChunkRows, written: Counter[str]) -> None:
    async with store.write() as session:
        for table in TABLE_ORDER:
            await _insert(session, table, chunk[table], written)


async def seed_demo(
    store: Store, customers: int = 500, seed: int = 42, now: datetime | None = None
) -> SeedSummary:
    """Write the demo retailer into migrated, empty tables.

    ``customers`` ordinary customers are generated in addition to the two story customers
    (Devi and Sam), so the store holds ``customers + 2``. The same arguments always give
    the same rows; ``now`` (default: today's midnight UTC) anchors every date.
    """
    if customers < 0:
        raise ValueError("customers must not be negative")
    if now is None:
        now = default_now()
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    now = now.astimezone(UTC)
    started = time.perf_counter()
    async with store.read() as session:
        existing = await session.scalar(select(func.count()).select_from(TABLES["products"]))
    if existing:
        raise RuntimeError(
            f"the store already holds {existing} products; seed_demo needs empty tables "
            "(clear them with clear_demo, or `commercegraph seed --reset`)"
        )

    progress("catalog")
    catalog = build_catalog(now)
    prices, price_book = price_rows(catalog.infos)
    written: Counter[str] = Counter()
    counters = Counters()
    ledger = Ledger(counters)
    async with store.write() as session:
        # Parents before children: top-level categories first, as the table refers to itself.
        top = [c for c in catalog.categories if c["parent_id"] is None]
        await _insert(session, "categories", top, written)
        await _insert(
            session,
            "categories",
            [c for c in catalog.categories if c["parent_id"] is not None],
            written,
        )
        for table, rows in (
            ("brands", catalog.brands),
            ("products", catalog.products),
            ("product_relations", catalog.relations),
            ("locations", location_rows()),
            ("prices", prices),
            ("stock", stock_rows(catalog.infos)),
            ("content_entries", content_rows(catalog)),
            ("ledger_accounts", ledger.system_rows()),
            ("exchange_rates", exchange_rate_rows(now)),
        ):
            await _insert(session, table, rows, written)

    await seed_pricing_rules(store, now)
    world = World(seed, now, catalog, price_book, counters, ledger)
    story = ChunkRows()
    generate_story(world, story)
    await _flush(store, story, written)
    for first in range(1, customers + 1, CHUNK_CUSTOMERS):
        progress("customers and their orders", first - 1, customers)
        chunk = ChunkRows()
        for n in range(first, min(first + CHUNK_CUSTOMERS, customers + 1)):
            generate_customer(world, chunk, n)
        await _flush(store, chunk, written)
    progress("customers and their orders", customers, customers)

    accounts = TABLES["ledger_accounts"]
    async with store.write() as session:
        for account, balance in ledger.system_balances.items():
            await session.execute(
                update(accounts).where(accounts.c.id == account).values(balance=balance)
            )
    progress("points lots")
    await seed_loyalty_detail(store, now)  # wallet and loyalty: lots, rolling spend

    progress("bundles")
    await seed_bundles(store, now)  # bundles: curated, then mined from the orders above
    progress("segments")
    await seed_customer360(store, now)  # customer 360: segments, RFM and LTV of the above
    return SeedSummary(
        products=written["products"],
        locations=written["locations"],
        customers=written["customers"],
        orders=written["orders"],
        order_lines=written["order_lines"],
        events=written["events"],
        prices=written["prices"],
        stock_rows=written["stock"],
        content_entries=written["content_entries"],
        ledger_transactions=written["ledger_transactions"],
        elapsed_s=round(time.perf_counter() - started, 3),
    )


async def clear_demo(store: Store) -> None:
    """Delete every row of every table (the migration bookkeeping excepted), FK-safe.

    Tables are reflected from the database, not taken from the models, so tables that
    later migrations add are cleared too.
    """
    async with store.engine.begin() as conn:
        metadata = MetaData()
        await conn.run_sync(metadata.reflect)
        tables = [t for t in metadata.sorted_tables if t.name != "alembic_version"]
        if not tables:
            return
        if conn.dialect.name == "postgresql":
            quote = conn.dialect.identifier_preparer.quote
            names = ", ".join(quote(t.name) for t in tables)
            # RESTART IDENTITY so a reseed numbers autoincrement ids from 1 again.
            await conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(tables):
                await conn.execute(table.delete())
