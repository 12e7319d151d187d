"""A Medusa server killed mid-run is a backend failure, not a wrong answer."""

from __future__ import annotations

import pytest

from commercegraph.adapters.medusa import build, harness
from commercegraph.demo.constants import DEVI_COFFEE_SKU
from commercegraph.errors import BackendUnavailable
from tests.vendors.medusa.conftest import settings_of, start_or_skip

pytestmark = pytest.mark.vendor


async def test_a_killed_server_is_backend_unavailable() -> None:
    started = start_or_skip()  # its own server: the session's stays up for the other tests
    commerce = build("commerce", settings_of(started))
    try:
        [found] = await commerce.products_by_sku([DEVI_COFFEE_SKU])
        assert found is not None
        harness.kill(started)
        with pytest.raises(BackendUnavailable) as raised:
            await commerce.products_by_sku([DEVI_COFFEE_SKU])
        assert raised.value.backend == "commerce"
    finally:
        await commerce.aclose()
        harness.stop(started)
