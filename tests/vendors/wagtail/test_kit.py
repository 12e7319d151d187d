"""The contract kit, per capability, over the Wagtail adapters against the real Wagtail server:
reads and writes on the demo catalogue the harness seeded."""

from __future__ import annotations

from typing import Any

import pytest

from commercegraph.contract import Subject
from commercegraph.contract.kit import violations
from tests.vendors.kit import kit_fixture

pytestmark = pytest.mark.vendor


async def test_the_adapter_passes_the_kit(wagtail_content: Any) -> None:
    subject = Subject("wagtail", "content", wagtail_content, await kit_fixture(None))
    assert await violations(subject) == {}
