"""The commercetools adapters over a recording (default) or the project in the environment."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from commercegraph.adapters.clock import FakeClock
from commercegraph.adapters.commercetools import (
    CommercetoolsClient,
    CommercetoolsCommerce,
    CommercetoolsInventory,
    CommercetoolsPricing,
    CommercetoolsSettings,
)
from tests.adapters.recordings import Recording, load

HERE = Path(__file__).parent
LIVE_ENV = (
    "CG_COMMERCETOOLS__PROJECT_KEY",
    "CG_COMMERCETOOLS__CLIENT_ID",
    "CG_COMMERCETOOLS__CLIENT_SECRET",
)


@dataclass(frozen=True)
class Known:
    """Keys the backend under test holds (the recordings' or the live project's)."""

    product_id: str = "9f1c2d3e-0001-4a5b-8c7d-000000000001"
    sku: str = "SKU-RUN-0001"
    search: str = "runner"


@dataclass
class Project:
    client: CommercetoolsClient
    commerce: CommercetoolsCommerce
    pricing: CommercetoolsPricing
    inventory: CommercetoolsInventory
    known: Known
    recording: Recording | None
    clock: FakeClock | None

    def sent(self, method: str, path_end: str) -> int:
        assert self.recording is not None
        return sum(
            1
            for r in self.recording.requests
            if r.method == method and r.url.path.endswith(path_end)
        )


def recorded_settings(**changes: object) -> CommercetoolsSettings:
    settings = CommercetoolsSettings(
        project_key="demo-project",
        client_id="ct-client",
        client_secret="ct-secret",
    )
    return settings.model_copy(update=changes)


@pytest.fixture
async def project(request: pytest.FixtureRequest, live: bool) -> AsyncIterator[Project]:
    recording: Recording | None = None
    clock: FakeClock | None = None
    if live:
        missing = [name for name in LIVE_ENV if not os.environ.get(name)]
        if missing:
            pytest.skip(f"--live needs {', '.join(missing)} for the commercetools tests")
        settings = CommercetoolsSettings(_env_prefix="CG_COMMERCETOOLS__")  # type: ignore[call-arg]
        client = CommercetoolsClient(settings)
        known = Known(
            product_id=os.environ.get("CG_LIVE_COMMERCETOOLS_PRODUCT_ID", Known.product_id),
            sku=os.environ.get("CG_LIVE_COMMERCETOOLS_SKU", Known.sku),
            search=os.environ.get("CG_LIVE_COMMERCETOOLS_SEARCH", Known.search),
        )
    else:
        marker = request.node.get_closest_marker("recording")
        assert marker is not None, "a recorded commercetools test names its recording"
        recording = load(HERE, marker.args[0])
        clock = FakeClock()
        overrides = marker.kwargs.get("settings", {})
        client = CommercetoolsClient(
            recorded_settings(**overrides), transport=recording.transport(), clock=clock
        )
        known = Known()
    yield Project(
        client,
        CommercetoolsCommerce(client),
        CommercetoolsPricing(client),
        CommercetoolsInventory(client),
        known,
        recording,
        clock,
    )
    await client.aclose()
