"""Schemathesis against ``openapi/events.yaml``: generated valid and invalid requests to a
real server on loopback; no answer may be a 5xx, and every error is problem+json."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
import uvicorn
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from commercegraph.app import create_app
from commercegraph.demo import DEVI_COFFEE_SKU, DEVI_SHOES_SKU, SAM_PHONE_SKU
from tests.conftest import settings_for
from tests.factories import migrate_and_seed
from tests.serving import free_port as _free_port

OPENAPI = Path(__file__).resolve().parents[2] / "openapi" / "events.yaml"
EXAMPLES = 60  # per generation mode: bounded so the suite stays fast
KEY = "fuzz-pos-key"


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('fuzz') / 'fuzz.db'}"
    migrate_and_seed(url, customers=3, seed=7)
    app = create_app(settings_for(url, events_api_keys={KEY: "STORE"}, log_level="ERROR"))
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the test server did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def problem_json_errors(ctx: Any, response: Any, case: Any) -> bool | None:
    if response.status_code < 400:
        return None
    content_type = response.headers.get("content-type", [""])
    content_type = content_type[0] if isinstance(content_type, list) else content_type
    assert content_type.startswith("application/problem+json"), content_type
    body = response.json()
    assert body["status"] == response.status_code and body["code"] and body["title"], body
    return None


SCHEMA = schemathesis.openapi.from_path(OPENAPI)
OPERATION = SCHEMA["/events"]["POST"]
CASES = st.one_of(
    OPERATION.as_strategy(schemathesis.GenerationMode.POSITIVE),
    OPERATION.as_strategy(schemathesis.GenerationMode.NEGATIVE),
)


def test_events_api_never_fails_and_answers_problems(base_url: str) -> None:
    statuses: set[int] = set()

    @settings(
        max_examples=2 * EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=CASES)
    def run(case: Any) -> None:
        response = case.call(base_url=base_url, headers={"X-API-Key": KEY}, timeout=10)
        statuses.add(response.status_code)
        case.validate_response(
            response,
            checks=[
                not_a_server_error,
                status_code_conformance,
                content_type_conformance,
                response_schema_conformance,
                negative_data_rejection,
            ],
            additional_checks=[problem_json_errors],
        )

    run()
    assert statuses and max(statuses) < 500
    assert statuses & {400, 422}, statuses  # the generated input did reach validation


def _recent(offset_s: int) -> str:
    moment = datetime.now(UTC) - timedelta(seconds=offset_s)
    return moment.isoformat()


VALID_EVENTS = st.fixed_dictionaries(
    {
        "id": st.from_regex(r"\Ae[a-z0-9]{1,20}\Z"),
        "type": st.sampled_from(["product_viewed", "barcode_scanned"]),
        "occurredAt": st.integers(0, 86_400 * 30).map(_recent),
        "sku": st.sampled_from([DEVI_COFFEE_SKU, DEVI_SHOES_SKU, SAM_PHONE_SKU]),
        "identifiers": st.lists(
            st.fixed_dictionaries(
                {
                    "kind": st.sampled_from(["EMAIL", "DEVICE", "LOYALTY_CARD", "PHONE"]),
                    "value": st.text(min_size=1, max_size=40),
                }
            ),
            max_size=3,
        ),
    }
)


def test_schema_valid_events_are_accepted_or_refused_cleanly(base_url: str) -> None:
    """Events that pass the schema, with arbitrary identifiers: accepted, or a 4xx problem
    (an identifier that does not normalise, or two that belong to different customers)."""
    seen: set[int] = set()
    with httpx.Client(base_url=base_url, headers={"X-API-Key": KEY}, timeout=10) as http:

        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None)
        @given(batch=st.lists(VALID_EVENTS, min_size=1, max_size=3, unique_by=lambda e: e["id"]))
        def run(batch: list[dict[str, Any]]) -> None:
            response = http.post("/events", json={"events": batch})
            seen.add(response.status_code)
            if response.status_code == 200:
                results = response.json()["results"]
                assert [r["id"] for r in results] == [e["id"] for e in batch]
                assert all(r["status"] in ("accepted", "duplicate") for r in results)
            else:
                assert response.status_code in (409, 422), response.text
                assert response.headers["content-type"].startswith("application/problem+json")
                assert response.json()["errors"][0]["field"].startswith("events[")

        run()
    assert 200 in seen, seen
