"""The contract kit, per capability, over the Medusa adapters against the real Medusa server:
reads and writes on the demo catalogue the harness seeded."""

from __future__ import annotations

from typing import Any

import pytest

from commercegraph.contract import Subject
from commercegraph.contract.kit import violations
from tests.vendors.kit import kit_fixture

pytestmark = pytest.mark.vendor


@pytest.mark.parametrize("domain", ["commerce", "pricing", "inventory"])
async def test_the_adapter_passes_the_kit(
    domain: str, commerce: Any, pricing: Any, inventory: Any
) -> None:
    adapter = {"commerce": commerce, "pricing": pricing, "inventory": inventory}[domain]
    subject = Subject("medusa", domain, adapter, await kit_fixture(commerce))
    assert await violations(subject) == {}
