"""A Wagtail site killed mid-run, seen through the gateway's GraphQL API: the content field
comes back null with ``BACKEND_UNAVAILABLE`` and ``backend: content``, while the product, its
price, its availability and the customer's loyalty (all native) still answer, in the same
request."""

from __future__ import annotations

import pytest

from commercegraph.adapters.wagtail import harness as wagtail_harness
from tests.conftest import SeededDatabase
from tests.vendors.outage import assert_only_lost, kill_between_requests
from tests.vendors.wagtail.conftest import start_site

pytestmark = pytest.mark.vendor


async def test_a_killed_wagtail_nulls_only_the_content(
    sqlite_db: SeededDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    started = start_site()  # its own site: the session's stays up for the other tests
    env = {**wagtail_harness.settings_env(started), "CG_WAGTAIL__CONNECT_TIMEOUT_MS": "3000"}
    try:
        answers = await kill_between_requests(
            sqlite_db, monkeypatch, env, lambda: wagtail_harness.kill(started.pid)
        )
    finally:
        wagtail_harness.stop(started.pid)
    assert answers.routes["content"] == {"content.entries": "wagtail"}
    assert answers.routes["commerce"]["commerce.catalog"] == "native"
    assert_only_lost(answers, {"written": {"content"}}, codes={"BACKEND_UNAVAILABLE"})
