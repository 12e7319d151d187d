"""Recorded HubSpot answers (see ``recorded/README.md``), a fake clock, live credentials.

``hubspot_live`` gives settings for a real account from ``CG_HUBSPOT_LIVE_TOKEN``
(optionally ``CG_HUBSPOT_LIVE_ID_PROPERTY``) and skips the test when it is not set: the
hosted API cannot be reached from CI.
"""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from commercegraph.adapters.hubspot import HubSpotAdapter, HubSpotClient, HubSpotSettings

RECORDED = Path(__file__).parent / "recorded"

Handler = Callable[[httpx.Request], httpx.Response]


@cache
def _recording(name: str) -> Any:
    return json.loads((RECORDED / name).read_text())


def recorded(name: str) -> Any:
    return copy.deepcopy(_recording(name))


def answer(name: str, status: int = 200, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(status, json=recorded(name), headers=headers)


class FakeClock:
    """Monotonic seconds that move only when someone sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


class Replay:
    """A fake HubSpot answering from the recordings; keeps each request and when it came."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.requests: list[tuple[float, httpx.Request]] = []
        self.override: Handler | None = None
        self.contacts = {
            c["properties"]["cg_customer_id"]: c
            for c in recorded("batch_read_contacts.json")["results"]
        }

    def paths(self) -> list[str]:
        return [r.url.path for _, r in self.requests]

    def bodies(self, suffix: str) -> list[Any]:
        return [orjson.loads(r.content) for _, r in self.requests if r.url.path.endswith(suffix)]

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append((self.clock.now, request))
        if self.override is not None:
            return self.override(request)
        body = orjson.loads(request.content)
        path = request.url.path
        if path.endswith("/batch/read") and "/crm/" in path:
            return self.batch_read(body)
        if path.endswith("/contacts/search"):
            return self.search(body)
        if path.endswith("/statuses/batch/read"):
            assert request.url.params["channel"] == "EMAIL"
            found = recorded("statuses_batch_read_email.json")
            found["results"] = [
                r for r in found["results"] if r["subscriberIdString"] in body["inputs"]
            ]
            return httpx.Response(200, json=found)
        if path.endswith("/batch/upsert"):
            return self.upsert(body)
        return httpx.Response(404, json=recorded("error_404_object_not_found.json"))

    def batch_read(self, body: dict[str, Any]) -> httpx.Response:
        assert body["idProperty"] == "cg_customer_id"
        ids = [i["id"] for i in body["inputs"]]
        found = recorded("batch_read_contacts.json")
        found["results"] = [
            {**c, "properties": {p: c["properties"].get(p) for p in body["properties"]}}
            for i in ids
            if (c := self.contacts.get(i)) is not None
        ]
        missing = [i for i in ids if i not in self.contacts]
        if not missing:
            return httpx.Response(200, json=found)
        template = recorded("batch_read_contacts_multi_status.json")["errors"][0]
        found["errors"] = [{**template, "context": {"ids": missing}}]
        found["numErrors"] = 1
        return httpx.Response(207, json=found)

    def search(self, body: dict[str, Any]) -> httpx.Response:
        prop = body["filterGroups"][0]["filters"][0]["propertyName"]
        if prop == "phone":
            return answer("search_contacts_phone.json")
        after = body.get("after")
        return answer(
            "search_contacts_email_page2.json"
            if after == "2"
            else "search_contacts_email_page1.json"
        )

    def upsert(self, body: dict[str, Any]) -> httpx.Response:
        results, errors = [], []
        template = _recording("batch_upsert_result.json")  # read only: copied per input below
        for item in body["inputs"]:
            if item["id"] == "bad@example.com":
                errors.append(recorded("batch_upsert_multi_status_error.json"))
                continue
            props = {**item["properties"], "hs_object_id": template["id"]}
            results.append({**template, "properties": props})
        status = 207 if errors else 200
        payload: dict[str, Any] = {"status": "COMPLETE", "results": results}
        if errors:
            payload.update(errors=errors, numErrors=len(errors))
        return httpx.Response(status, json=payload)


def settings(**overrides: Any) -> HubSpotSettings:
    values: dict[str, Any] = {"token": "pat-na1-recorded"}
    values.update(overrides)
    return HubSpotSettings(_env_prefix="CG_RECORDED_UNUSED__", **values)


def adapter_for(handler: Handler, clock: FakeClock, **overrides: Any) -> HubSpotAdapter:
    own = settings(**overrides)
    client = HubSpotClient(
        own, transport=httpx.MockTransport(handler), clock=clock, sleep=clock.sleep
    )
    return HubSpotAdapter(client, own)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def replay(clock: FakeClock) -> Replay:
    return Replay(clock)


@pytest.fixture
def hubspot_live() -> HubSpotSettings:
    token = os.environ.get("CG_HUBSPOT_LIVE_TOKEN")
    if not token:
        pytest.skip(
            "live HubSpot run needs CG_HUBSPOT_LIVE_TOKEN (a private app token for a test "
            "account; a hosted API, not reachable from here)"
        )
    return HubSpotSettings(
        _env_prefix="CG_RECORDED_UNUSED__",
        token=token,
        id_property=os.environ.get("CG_HUBSPOT_LIVE_ID_PROPERTY", "cg_customer_id"),
    )
