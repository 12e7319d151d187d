"""Fixtures for wallet tests: empty migrated stores (SQLite, PostgreSQL) and a native wallet.

Tests here make their own customers with random ids, so they never disturb the shared
seeded databases and can run in any order.
"""

from __future__ import annotations

import secrets
import string
from collections.abc import AsyncIterator, Iterator
from datetime import datetime

import pytest
import pytest_asyncio

from commercegraph.adapters.base import NewPaymentMethod
from commercegraph.adapters.native.wallet import NativeWallet
from commercegraph.config import Settings
from commercegraph.store import models as m
from commercegraph.store.db import Store
from commercegraph.store.models.base import utcnow
from tests.factories import demo_database, store_for


@pytest.fixture(scope="session")
def wallet_sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with demo_database("sqlite", tmp_path_factory.mktemp("wallet"), customers=None) as db:
        yield db.url


@pytest.fixture(scope="session")
def wallet_postgres_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with demo_database("postgresql", tmp_path_factory.mktemp("wallet"), customers=None) as db:
        yield db.url


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def wallet_url(request: pytest.FixtureRequest) -> str:
    name = "wallet_sqlite_url" if request.param == "sqlite" else "wallet_postgres_url"
    return str(request.getfixturevalue(name))


@pytest_asyncio.fixture(scope="session")
async def wallet_store(wallet_url: str) -> AsyncIterator[Store]:
    store = store_for(wallet_url, db_pool_size=15)
    yield store
    await store.dispose()


@pytest.fixture(scope="session")
def wallet(wallet_store: Store, wallet_url: str) -> NativeWallet:
    return NativeWallet(wallet_store, Settings(database_url=wallet_url))


@pytest_asyncio.fixture(scope="session")
async def pg_store(wallet_postgres_url: str) -> AsyncIterator[Store]:
    store = store_for(wallet_postgres_url, db_pool_size=15)
    yield store
    await store.dispose()


@pytest.fixture(scope="session")
def pg_wallet(pg_store: Store, wallet_postgres_url: str) -> NativeWallet:
    return NativeWallet(pg_store, Settings(database_url=wallet_postgres_url))


def new_customer_id(prefix: str = "cus_t") -> str:
    return f"{prefix}_{secrets.token_hex(5)}"


async def make_customer(
    store: Store,
    *,
    email: str | None = None,
    identifiers: dict[str, str] | None = None,
    created_at: datetime | None = None,
) -> str:
    cid = new_customer_id()
    now = created_at or utcnow()
    async with store.write() as session:
        session.add(
            m.Customer(
                id=cid,
                display_name=cid,
                email=email or f"{cid}@example.com",
                customer_group="RETAIL",
                created_at=now,
            )
        )
        await session.flush()
        for kind, value in (identifiers or {}).items():
            session.add(
                m.CustomerIdentifier(
                    kind=kind, value=value, customer_id=cid, source="test", linked_at=now
                )
            )
    return cid


async def funded_customer(wallet: NativeWallet, amount: int) -> tuple[str, str]:
    """A new customer with a card on file and ``amount`` in the wallet."""
    cid = await make_customer(wallet.store)
    card = await wallet.add_payment_method(
        cid,
        NewPaymentMethod(
            "CARD",
            "tok_" + "".join(secrets.choice(string.ascii_lowercase) for _ in range(16)),
            brand="Visa",
            last4="4242",
        ),
    )
    remaining = amount
    while remaining > 0:
        step = min(remaining, wallet.settings.wallet_max_top_up)
        await wallet.top_up(cid, step, card.id, f"fund-{remaining}")
        remaining -= step
    return cid, card.id


from tests.wallet.seeded import demo, demo_db, demo_url  # noqa: E402, F401  (module-scoped demo stores)
