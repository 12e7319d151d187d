"""Hosted vendor adapters: recorded responses by default, the real account with ``--live``.

Without ``--live`` every test replays responses written from the vendor's public API
reference through ``httpx.MockTransport`` (no network). With ``--live`` and the vendor's
credentials in the environment the same tests run against the real account; tests that
need a response the real account cannot be made to give (a 5xx, a throttled bucket, a
conflicting write) are marked ``recorded`` and skipped there.
"""

from __future__ import annotations

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--live",
        action="store_true",
        default=False,
        help="run the hosted adapters' tests against the real accounts named in the "
        "environment instead of recorded responses",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "recording(name): the recorded exchanges a hosted-adapter test replays"
    )
    config.addinivalue_line(
        "markers", "recorded: only meaningful against recordings (skipped with --live)"
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not config.getoption("--live"):
        return
    skip = pytest.mark.skip(reason="needs a recorded response the live account cannot give")
    for item in items:
        if "recorded" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def live(pytestconfig: pytest.Config) -> bool:
    return bool(pytestconfig.getoption("--live"))
