"""A vendor system killed mid-run, seen through the gateway's GraphQL API: one request before
the kill, one after, and the check that only the fields the dead system serves were lost
(null, with the backend's code and name) while every other field answers as before.

Each alias of ``QUERY`` resolves on its own, so one backend's failure nulls only its alias.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from commercegraph.app import create_app
from commercegraph.demo import DEVI_ID
from commercegraph.demo.constants import DEVI_COFFEE_SKU
from tests.conftest import GraphQLClient, SeededDatabase, settings_for

QUERY = """
query ($sku: String!) {
  described: product(sku: $sku) { sku name }
  written: product(sku: $sku) { content { title } }
  priced: product(sku: $sku) { price { final { amount currency } } }
  stocked: product(sku: $sku) { availability { online { availableToPromise } } }
  me { displayName loyalty { points } }
}
"""
ALIASES = ("described", "written", "priced", "stocked", "me")
OUTAGE_CODES = frozenset({"BACKEND_UNAVAILABLE", "BACKEND_TIMEOUT", "CIRCUIT_OPEN"})
# a refused connection fails at once; generous budgets keep a busy machine's stalled event
# loop from turning that refusal into a timeout
GENEROUS_TIMEOUT_MS = "15000"


@dataclass(frozen=True)
class OutageAnswers:
    routes: dict[str, dict[str, str]]
    before: dict[str, Any]
    after: dict[str, Any]


async def kill_between_requests(
    db: SeededDatabase,
    monkeypatch: pytest.MonkeyPatch,
    env: Mapping[str, str],
    kill: Callable[[], None],
) -> OutageAnswers:
    """The gateway configured by ``env`` answers ``QUERY`` for Devi, ``kill`` stops the
    vendor system, and the gateway answers it again."""
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    for domain in ("COMMERCE", "PRICING", "INVENTORY", "CONTENT"):
        monkeypatch.setenv(f"CG_RESILIENCE__{domain}__TIMEOUT_MS", GENEROUS_TIMEOUT_MS)
    settings = settings_for(db.url, cache_ttl_seconds=0)
    app = create_app(settings)
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as http:
            client = GraphQLClient(http, settings)
            token = client.token(DEVI_ID)
            variables = {"sku": DEVI_COFFEE_SKU}
            before = await client.post(QUERY, variables, token=token)
            kill()
            after = await client.post(QUERY, variables, token=token)
        return OutageAnswers(dict(app.state.registry.routes), before, after)
    finally:
        await app.state.registry.aclose()
        await app.state.store.dispose()


def assert_everything_answered(body: dict[str, Any]) -> None:
    assert "errors" not in body, body["errors"]
    data = body["data"]
    assert data["described"]["sku"] == DEVI_COFFEE_SKU
    assert data["written"]["content"]["title"]
    assert data["priced"]["price"]["final"]["amount"] > 0
    assert data["stocked"]["availability"]["online"]["availableToPromise"] > 0
    assert data["me"]["loyalty"]["points"] > 0


def _nulled(value: Any) -> bool:
    return value is None or (isinstance(value, dict) and all(v is None for v in value.values()))


def assert_only_lost(
    answers: OutageAnswers,
    lost: Mapping[str, Collection[str]],
    codes: Collection[str] = OUTAGE_CODES,
) -> None:
    """The aliases in ``lost`` came back null, each failed by one of its backends with one of
    ``codes``; every other alias answered exactly as before the kill."""
    assert_everything_answered(answers.before)
    before, after = answers.before["data"], answers.after["data"]
    for alias in ALIASES:
        if alias in lost:
            assert _nulled(after[alias]), (alias, after[alias])
        else:
            assert after[alias] == before[alias], alias
    failed = {error["path"][0]: error["extensions"] for error in answers.after.get("errors", [])}
    assert set(failed) == set(lost), answers.after.get("errors")
    for alias, backends in lost.items():
        assert failed[alias]["code"] in codes, failed[alias]
        assert failed[alias]["backend"] in backends, failed[alias]
