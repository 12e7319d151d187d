"""A real Vendure for this test session: installed into the cache when absent, started once
on a loopback port with a fresh SQLite file, seeded with the demo catalogue, stopped by pid.

Without Node the tests skip with the reason, except under ``CI=true`` where that fails.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any, cast

import pytest
import pytest_asyncio

from commercegraph.adapters import harness
from commercegraph.adapters.vendure import VendureSettings, create_adapter
from commercegraph.adapters.vendure import harness as vendure_harness
from commercegraph.config import Settings
from commercegraph.store.db import Store

IN_CI = os.environ.get("CI", "").lower() == "true"


def _require_node() -> None:
    missing = [tool for tool in ("node", "npm") if shutil.which(tool) is None]
    if missing:
        problem = f"{' and '.join(missing)} not installed: the Vendure tests need Node 20"
        if IN_CI:
            pytest.fail(f"{problem} (CI=true: vendor tests must run)")
        pytest.skip(problem)


@pytest.fixture(scope="session")
def vendure_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("vendure-data")


@pytest.fixture(scope="session")
def vendure(vendure_data: Path) -> Iterator[harness.Started]:
    _require_node()
    started = vendure_harness.start(data=vendure_data)
    try:
        yield started
    finally:
        harness.stop(started.pid)


def settings_for(started: harness.Started) -> VendureSettings:
    env = vendure_harness.settings_env(started)
    return VendureSettings(
        url=env["CG_VENDURE__URL"],
        admin_username=env["CG_VENDURE__ADMIN_USERNAME"],
        admin_password=env["CG_VENDURE__ADMIN_PASSWORD"],  # type: ignore[arg-type]
        channel_tokens=json.loads(env["CG_VENDURE__CHANNEL_TOKENS"]),
    )


def build(domain: str, started: harness.Started) -> Any:
    return create_adapter(domain, Settings(), cast(Store, None), settings_for(started))


@pytest_asyncio.fixture
async def commerce(vendure: harness.Started) -> AsyncIterator[Any]:
    adapter = build("commerce", vendure)
    yield adapter
    await adapter.aclose()


@pytest_asyncio.fixture
async def pricing(vendure: harness.Started) -> AsyncIterator[Any]:
    adapter = build("pricing", vendure)
    yield adapter
    await adapter.aclose()


@pytest_asyncio.fixture
async def inventory(vendure: harness.Started) -> AsyncIterator[Any]:
    adapter = build("inventory", vendure)
    yield adapter
    await adapter.aclose()
