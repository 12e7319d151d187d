"""The contract kit's suite: one test per check the adapter under test must pass."""

from __future__ import annotations

import asyncio

from commercegraph.contract.pytest_plugin import PlannedCheck


def test_contract(contract_check: PlannedCheck) -> None:
    asyncio.run(contract_check.run())
