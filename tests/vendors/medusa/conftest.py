"""A real Medusa server, started once per test session from the harness's template database.

Outside CI the tests skip with the reason when Node, npm or PostgreSQL is missing; with
``CI=true`` that is a failure. The first run on a machine installs Medusa from npm and
builds the template (several minutes); later sessions clone the template and boot.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator, Iterator
from typing import Any

import psycopg
import pytest

from commercegraph.adapters.medusa import MedusaSettings, build, harness

IN_CI = os.environ.get("CI", "").lower() == "true"


def _missing() -> str | None:
    for tool in ("node", "npm"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (Medusa runs on Node 20)"
    try:
        with psycopg.connect(harness.postgres_url(), connect_timeout=3):
            pass
    except psycopg.Error as exc:
        return f"PostgreSQL at {harness.postgres_url()} is unreachable: {exc}"
    return None


def start_or_skip() -> harness.MedusaStarted:
    problem = _missing()
    if problem is not None:
        if IN_CI:
            pytest.fail(f"{problem} (CI=true: vendor tests must run)")
        pytest.skip(problem)
    return harness.start()


def settings_of(started: harness.MedusaStarted) -> MedusaSettings:
    env = harness.settings_env(started)
    return MedusaSettings(
        url=env["CG_MEDUSA__URL"],
        publishable_key=env["CG_MEDUSA__PUBLISHABLE_KEY"],
        admin_email=env["CG_MEDUSA__ADMIN_EMAIL"],
        admin_password=env["CG_MEDUSA__ADMIN_PASSWORD"],
    )


@pytest.fixture(scope="session")
def medusa_server() -> Iterator[harness.MedusaStarted]:
    started = start_or_skip()
    yield started
    harness.stop(started)


@pytest.fixture(scope="session")
def medusa_settings(medusa_server: harness.MedusaStarted) -> MedusaSettings:
    return settings_of(medusa_server)


async def _adapter(domain: str, settings: MedusaSettings) -> AsyncIterator[Any]:
    adapter = build(domain, settings)
    yield adapter
    await adapter.aclose()


@pytest.fixture
async def commerce(medusa_settings: MedusaSettings) -> AsyncIterator[Any]:
    async for adapter in _adapter("commerce", medusa_settings):
        yield adapter


@pytest.fixture
async def inventory(medusa_settings: MedusaSettings) -> AsyncIterator[Any]:
    async for adapter in _adapter("inventory", medusa_settings):
        yield adapter


@pytest.fixture
async def pricing(medusa_settings: MedusaSettings) -> AsyncIterator[Any]:
    async for adapter in _adapter("pricing", medusa_settings):
        yield adapter
