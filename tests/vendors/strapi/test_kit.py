"""The contract kit, per capability, over the Strapi adapters against the real Strapi server:
reads and writes on the demo catalogue the harness seeded."""

from __future__ import annotations

from typing import Any

import pytest

from commercegraph.contract import Subject
from commercegraph.contract.kit import violations
from tests.vendors.kit import kit_fixture

pytestmark = pytest.mark.vendor


async def test_the_adapter_passes_the_kit(strapi: Any) -> None:
    subject = Subject("strapi", "content", strapi, await kit_fixture(None))
    assert await violations(subject) == {}
