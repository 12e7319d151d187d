"""A Strapi killed mid-run, seen through the gateway's GraphQL API: the content field comes
back null with ``BACKEND_UNAVAILABLE`` and ``backend: content``, while the product, its price,
its availability and the customer's loyalty (all native) still answer, in the same request."""

from __future__ import annotations

import asyncio

import pytest

from commercegraph.adapters import harness
from commercegraph.adapters.strapi import harness as strapi_harness
from tests.conftest import SeededDatabase
from tests.vendors.outage import assert_only_lost, kill_between_requests

pytestmark = pytest.mark.vendor


async def test_a_killed_strapi_nulls_only_the_content(
    node: None, sqlite_db: SeededDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    started = await asyncio.to_thread(strapi_harness.start, None)  # the session's stays up
    env = {**strapi_harness.settings_env(started), "CG_STRAPI__CONNECT_TIMEOUT_S": "3"}
    try:
        answers = await kill_between_requests(
            sqlite_db, monkeypatch, env, lambda: harness.kill(started.pid)
        )
    finally:
        harness.stop(started.pid)
    assert answers.routes["content"] == {"content.entries": "strapi"}
    assert answers.routes["commerce"]["commerce.catalog"] == "native"
    assert_only_lost(answers, {"written": {"content"}}, codes={"BACKEND_UNAVAILABLE"})
