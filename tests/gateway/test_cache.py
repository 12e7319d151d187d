"""The cross-request cache shields backends from read-mostly reads; staff can drop it."""

from __future__ import annotations

import uuid

import pytest

from commercegraph.backends import BackendServers
from tests.conftest import SeededDatabase
from tests.gateway.conftest import gateway, rest_settings
from tests.gateway.test_faults_and_cache import REDIS_URL

QUERY = '{ product(sku: "SKU-RUN-0001") { name content { title } } stores { name } }'


@pytest.mark.parametrize("shared", [False, True], ids=["in-process", "redis"])
async def test_cache_serves_repeat_reads_until_invalidated(
    seeded_db: SeededDatabase, backends: BackendServers, shared: bool
) -> None:
    prefix = f"cg:test:{uuid.uuid4().hex}:"
    settings = rest_settings(
        seeded_db.url,
        backends.urls,
        redis_url=REDIS_URL if shared else None,
        cache_prefix=prefix,
    )
    async with gateway(settings) as client:
        backends.reset_counts()
        first = await client.post(QUERY)
        cold = backends.total_calls()
        assert cold["commerce"] == 1 and cold["content"] == 1 and cold["inventory"] == 1
        backends.reset_counts()
        assert await client.post(QUERY) == first
        assert sum(backends.total_calls().values()) == 0, "served from the cache"

        anonymous = await client.post("mutation { invalidateCache }")
        assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        customer = await client.post("mutation { invalidateCache }", token=client.token("cus_sam"))
        assert customer["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        staff = client.token(staff=True)
        dropped = await client.post("mutation { invalidateCache(domain: CONTENT) }", token=staff)
        assert dropped["data"]["invalidateCache"] >= 1
        bad = await client.post("mutation { invalidateCache(domain: CMS) }", token=staff)
        assert bad["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
        assert "CMS" in bad["errors"][0]["message"]
        assert await client.post(QUERY) == first
        # the customer's mutation asked the customer backend once whether Sam exists
        assert backends.total_calls() == {
            **dict.fromkeys(backends.calls, 0),
            "content": 1,
            "customer": 1,
        }
        await client.post("mutation { invalidateCache }", token=staff)
