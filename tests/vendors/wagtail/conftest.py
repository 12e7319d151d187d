"""One real Wagtail site per test session, installed into the vendor cache when absent.

Outside CI a machine that cannot install or start it skips these tests with the reason; with
``CI=true`` that is a failure.
"""

from __future__ import annotations

import subprocess
from collections.abc import AsyncIterator, Iterator

import pytest
import pytest_asyncio

from commercegraph.adapters.harness import HarnessError, Started
from commercegraph.adapters.wagtail import WagtailContent, WagtailSettings, create_adapter
from commercegraph.adapters.wagtail import harness as wagtail_harness
from commercegraph.config import Settings
from tests.conftest import IN_CI


def start_site() -> Started:
    try:
        return wagtail_harness.start(None)
    except (HarnessError, OSError, subprocess.SubprocessError) as exc:
        problem = f"Wagtail {wagtail_harness.VERSION} could not be installed or started: {exc}"
        if IN_CI:
            pytest.fail(f"{problem} (CI=true: vendor tests must run)")
        pytest.skip(problem)


@pytest.fixture(scope="session")
def wagtail_site() -> Iterator[Started]:
    started = start_site()
    try:
        yield started
    finally:
        wagtail_harness.stop(started.pid)


def wagtail_settings(started: Started, **overrides: object) -> WagtailSettings:
    return WagtailSettings(
        url=started.url,
        page_type=wagtail_harness.PAGE_TYPE,
        locales=wagtail_harness.LOCALES,
        **overrides,  # type: ignore[arg-type]
    )


@pytest_asyncio.fixture
async def wagtail_content(wagtail_site: Started) -> AsyncIterator[WagtailContent]:
    adapter = create_adapter("content", Settings(), None, wagtail_settings(wagtail_site))  # type: ignore[arg-type]
    try:
        yield adapter
    finally:
        await adapter.aclose()
