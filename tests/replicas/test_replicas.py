"""Three gateway replicas and two workers on one PostgreSQL and Redis, behind HAProxy: what
one replica promises holds for the cluster. Loopback only; every loop is bounded."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
import pytest_asyncio
from sqlalchemy import func, select, update

from commercegraph.auth import issue_token
from commercegraph.config import Settings
from commercegraph.demo import DOWNTOWN_ID
from commercegraph.store import models as m
from commercegraph.store.db import Store
from commercegraph.store.models.base import utcnow
from commercegraph.workers.schema import migrate_job_tables
from tests.conftest import IN_CI, sign_up
from tests.factories import demo_database, store_for
from tests.gateway.test_faults_and_cache import REDIS_URL
from tests.inventory.conftest import set_stock, stock_of
from tests.inventory.test_checkout import ADD, CREATE, PICKUP_DOWNTOWN, PLACE
from tests.replicas.cluster import JWT_SECRET, Cluster, haproxy_binary
from tests.workers.conftest import Receiver, add_outbox

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

BURST = 20
RATE = 1.0
TIMEOUT = httpx.Timeout(30.0)
LAST_UNITS_SKU = "SKU-SNK-0005"
LOAD_SKU = "SKU-SNK-0007"
CACHED_SKU = "SKU-RUN-0001"
SETTINGS = Settings(jwt_secret=JWT_SECRET)


# every customer the tests below sign in as: the gateway refuses mutations for a token
# whose customer does not exist, so they are signed up with the seeded store
CUSTOMERS = [
    "cus_rate_limited",
    "cus_retrying_client",
    *(f"cus_rush_{n:02d}" for n in range(50)),
    *(f"cus_load_{n:02d}" for n in range(60)),
]


def _sign_up_all(url: str) -> None:
    async def run() -> None:
        store = store_for(url)
        try:
            await sign_up(store, CUSTOMERS)
        finally:
            await store.dispose()

    asyncio.run(run())


SET_LINE = """mutation($c: ID!, $s: String!, $q: Int!) {
  setCartLineQuantity(cartId: $c, sku: $s, quantity: $q) { id } }"""


def token(subject: str, *, staff: bool = False) -> str:
    return issue_token(SETTINGS, subject=subject, scope="staff" if staff else "customer")


def _requirements() -> str | None:
    if haproxy_binary() is None:
        return "haproxy is not installed: scripts/test-tools/haproxy.sh installs it (as root)"
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_timeout=2).ping()
    except Exception as exc:
        return f"Redis not reachable at {REDIS_URL}: {exc!r}"
    return None


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.close()


@pytest.fixture(scope="module")
def cluster(
    receiver: Receiver, postgres_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Cluster]:
    problem = _requirements()
    if problem:
        if IN_CI:
            pytest.fail(f"{problem} (CI=true: the several-replicas test must run)")
        pytest.skip(problem)
    with demo_database("postgresql", tmp_path_factory.mktemp("replicas")) as db:
        url = db.url
        _sign_up_all(url)
        migrate_job_tables(url)
        env = {
            "CG_RATE_LIMIT_ENABLED": "true",
            "CG_RATE_LIMIT_PER_SECOND": str(RATE),
            "CG_RATE_LIMIT_BURST": str(BURST),
            "CG_WEBHOOK_URL": receiver.url,
            "CG_WORKERS__DELIVER_WEBHOOKS_CRON": "* * * * * *",
            # the retrying client pays at pickup several times over one key
            "CG_CHECKOUT_MAX_UNPAID_ORDERS": "100",
        }
        with Cluster(url, REDIS_URL, replicas=3, workers=2, extra_env=env) as running:
            yield running


@pytest_asyncio.fixture(loop_scope="session")
async def store(cluster: Cluster) -> AsyncIterator[Store]:
    s = store_for(cluster.database_url)
    yield s
    await s.dispose()


async def post(
    http: httpx.AsyncClient, url: str, query: str, variables: dict[str, Any], tok: str
) -> httpx.Response:
    return await http.post(
        f"{url}/graphql",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {tok}"},
        timeout=TIMEOUT,
    )


async def checkout(
    http: httpx.AsyncClient, url: str, customer: str, sku: str, key: str
) -> dict[str, Any]:
    tok = token(customer)
    created = await post(http, url, CREATE, {"ch": "WEB"}, tok)
    assert created.status_code == 200, (created.status_code, created.text[:300])
    cart = created.json()["data"]["createCart"]
    added = await post(http, url, ADD, {"c": cart["id"], "s": sku, "q": 1}, tok)
    assert added.status_code == 200, (added.status_code, added.text[:300])
    response = await post(http, url, PLACE, {"c": cart["id"], "f": PICKUP_DOWNTOWN, "k": key}, tok)
    if response.status_code != 200:
        return {"errors": [{"extensions": {"code": f"HTTP {response.status_code}"}}]}
    body: dict[str, Any] = response.json()
    return body


def outcome(body: dict[str, Any]) -> str:
    if body.get("errors"):
        return str(body["errors"][0]["extensions"]["code"])
    return "ORDER"


async def test_rate_limits_are_shared_by_the_replicas(cluster: Cluster) -> None:
    tok = token("cus_rate_limited")
    async with httpx.AsyncClient() as http:
        statuses: Counter[int] = Counter()
        for _ in range(3 * BURST):
            statuses[(await post(http, cluster.url, "{ __typename }", {}, tok)).status_code] += 1
    # each replica alone would allow BURST: together they would let 3 * BURST through
    assert statuses[429] > 0 and set(statuses) == {200, 429}, statuses
    assert BURST <= statuses[200] <= BURST + 5, statuses


async def test_cache_invalidation_reaches_every_replica(cluster: Cluster, store: Store) -> None:
    query = f'{{ product(sku: "{CACHED_SKU}") {{ name }} }}'
    staff = token("ops", staff=True)
    replicas = [cluster.replica_url(n) for n in range(cluster.replicas)]

    async def names(http: httpx.AsyncClient) -> list[str]:
        bodies = [(await post(http, url, query, {}, staff)).json() for url in replicas]
        return [b["data"]["product"]["name"] for b in bodies]

    async with httpx.AsyncClient() as http:
        (before, *_) = first = await names(http)
        assert first == [before] * cluster.replicas
        async with store.write() as session:
            await session.execute(
                update(m.Product).where(m.Product.sku == CACHED_SKU).values(name="Renamed")
            )
        assert await names(http) == first, "every replica serves the shared cached entry"
        dropped = await post(http, cluster.url, "mutation { invalidateCache }", {}, staff)
        assert dropped.json()["data"]["invalidateCache"] >= 1
        assert await names(http) == ["Renamed"] * cluster.replicas


async def test_one_effect_per_key_when_retries_land_on_other_replicas(
    cluster: Cluster, store: Store
) -> None:
    customer = "cus_retrying_client"
    tok = token(customer)
    async with httpx.AsyncClient() as http:
        cart = (await post(http, cluster.url, CREATE, {"ch": "WEB"}, tok)).json()
        cart_id = cart["data"]["createCart"]["id"]
        await post(http, cluster.url, ADD, {"c": cart_id, "s": CACHED_SKU, "q": 1}, tok)
        variables = {"c": cart_id, "f": PICKUP_DOWNTOWN, "k": "retry-everywhere"}
        # a client that timed out and retried everywhere while its first try was in flight
        racing = await asyncio.gather(
            *(
                post(http, cluster.replica_url(n % cluster.replicas), PLACE, variables, tok)
                for n in range(9)
            )
        )
        # and retries after the first try finished, one on each replica
        later = [
            await post(http, cluster.replica_url(n), PLACE, variables, tok)
            for n in range(cluster.replicas)
        ]
    raced = [r.json() for r in racing]
    placed = {b["data"]["placeOrder"]["id"] for b in raced if outcome(b) == "ORDER"}
    assert len(placed) == 1, [b.get("errors") for b in raced]
    # a duplicate that overlaps the first try may be refused (a used-up pricing rule), never
    # given a second order
    assert {outcome(b) for b in raced} <= {"ORDER", "CONFLICT"}
    answers = [r.json() for r in later]
    assert all(outcome(b) == "ORDER" for b in answers), [b.get("errors") for b in answers]
    assert {b["data"]["placeOrder"]["id"] for b in answers} == placed
    async with store.read() as session:
        orders = await session.scalar(
            select(func.count()).select_from(m.Order).where(m.Order.customer_id == customer)
        )
    assert orders == 1


async def test_fifty_checkouts_for_ten_units_give_ten_orders(
    cluster: Cluster, store: Store
) -> None:
    await set_stock(store, LAST_UNITS_SKU, DOWNTOWN_ID, 10, 0, 0)
    async with httpx.AsyncClient(limits=httpx.Limits(max_connections=50)) as http:
        bodies = await asyncio.gather(
            *(
                checkout(http, cluster.url, f"cus_rush_{n:02d}", LAST_UNITS_SKU, f"rush-{n}")
                for n in range(50)
            )
        )
    assert Counter(outcome(b) for b in bodies) == {"ORDER": 10, "OUT_OF_STOCK": 40}
    assert await stock_of(store, LAST_UNITS_SKU, DOWNTOWN_ID) == (0, 0, 0)


def _pending_deliveries(url: str) -> int:
    """Outbox rows due now and not yet delivered."""

    async def count() -> int:
        store = store_for(url)
        try:
            async with store.read() as session:
                pending = select(func.count()).where(
                    m.WebhookDelivery.status == "PENDING",
                    m.WebhookDelivery.next_attempt_at <= utcnow(),
                )
                return int(await session.scalar(pending) or 0)
        finally:
            await store.dispose()

    return asyncio.run(count())


def test_each_webhook_is_delivered_once_by_two_workers(
    cluster: Cluster, receiver: Receiver
) -> None:
    # the orders of the tests before left webhooks of their own in the outbox, delivered
    # first (oldest due first, one at a time): let them drain, bounded, so the wait below
    # times these rows only
    deadline = time.monotonic() + 90
    while _pending_deliveries(cluster.database_url) and time.monotonic() < deadline:
        time.sleep(0.5)
    ids = add_outbox(cluster.database_url, 30, prefix="cluster")
    deadline = time.monotonic() + 30
    while not set(ids) <= set(receiver.deliveries) and time.monotonic() < deadline:
        time.sleep(0.25)
    time.sleep(2.5)  # two more periods: a second send would show by now
    assert {i: receiver.deliveries[i] for i in ids} == dict.fromkeys(ids, 1), (
        f"{_pending_deliveries(cluster.database_url)} deliveries still due"
    )


async def test_a_replica_killed_mid_load_loses_no_request_unseen(
    cluster: Cluster, store: Store
) -> None:
    customers = 60
    await set_stock(store, LOAD_SKU, DOWNTOWN_ID, 1000, 0, 0)
    seen_failures: Counter[str] = Counter()
    done = asyncio.Event()

    async def client(http: httpx.AsyncClient, n: int) -> str:
        # a real client: one cart, and what it saw fail retried as it was (the line set,
        # not added again; the order placed with the same cart and idempotency key)
        tok, key = token(f"cus_load_{n:02d}"), f"load-{n}"
        cart_id: str | None = None
        lined = False
        for _ in range(8):
            try:
                if cart_id is None:
                    created = await post(http, cluster.url, CREATE, {"ch": "WEB"}, tok)
                    cart_id = created.json()["data"]["createCart"]["id"]
                if not lined:
                    line = {"c": cart_id, "s": LOAD_SKU, "q": 1}
                    set_line = await post(http, cluster.url, SET_LINE, line, tok)
                    lined = "errors" not in set_line.json()
                    if not lined:
                        seen_failures[outcome(set_line.json())] += 1
                        continue
                variables = {"c": cart_id, "f": PICKUP_DOWNTOWN, "k": key}
                response = await post(http, cluster.url, PLACE, variables, tok)
                body: dict[str, Any] = response.json()
            except (httpx.HTTPError, ValueError, KeyError, TypeError) as exc:
                seen_failures[type(exc).__name__] += 1
                await asyncio.sleep(0.3)
                continue
            if outcome(body) == "ORDER":
                if n == customers // 3:
                    done.set()
                return str(body["data"]["placeOrder"]["id"])
            seen_failures[outcome(body)] += 1
            await asyncio.sleep(0.3)
        return "GAVE_UP"

    async def killer() -> None:
        await asyncio.wait_for(done.wait(), timeout=60)
        cluster.kill_replica(1)

    async with httpx.AsyncClient(limits=httpx.Limits(max_connections=20)) as http:
        sem = asyncio.Semaphore(20)

        async def bounded(n: int) -> str:
            async with sem:
                return await client(http, n)

        results, _ = await asyncio.gather(
            asyncio.gather(*(bounded(n) for n in range(customers))), killer()
        )
    assert cluster.servers[1].poll() is not None, "replica 1 was killed mid-load"
    assert "GAVE_UP" not in results, seen_failures
    assert len(set(results)) == customers
    async with store.read() as session:
        orders = await session.scalar(
            select(func.count()).select_from(m.Order).where(m.Order.customer_id.like("cus_load_%"))
        )
    assert orders == customers, f"one order per key; failures the client saw: {seen_failures}"
    assert await stock_of(store, LOAD_SKU, DOWNTOWN_ID) == (1000 - customers, 0, 0)
