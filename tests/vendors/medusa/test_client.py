"""The Medusa client's admin authentication against a real server: refresh and re-login."""

from __future__ import annotations

import asyncio
import time

import pytest
from pydantic import SecretStr

from commercegraph.adapters.medusa import MedusaClient, MedusaSettings
from commercegraph.errors import BackendUnavailable

pytestmark = pytest.mark.vendor


async def test_the_admin_token_is_refreshed_before_expiry_and_renewed_after_a_401(
    medusa_settings: MedusaSettings,
) -> None:
    client = MedusaClient("inventory", medusa_settings)
    try:
        await client.admin("GET", "/admin/stock-locations", params={"limit": 1})
        first = client._token
        assert first is not None and client._token_expires > time.time()

        await asyncio.sleep(1.1)  # a token issued in the same second would be the same token
        client._token_expires = time.time() + 5  # about to expire: refreshed, not re-entered
        right = client.settings
        # with a wrong password only a refresh of the token can still succeed
        client.settings = right.model_copy(update={"admin_password": SecretStr("wrong")})
        await client.admin("GET", "/admin/stock-locations", params={"limit": 1})
        assert client._token not in (None, first)
        client.settings = right

        client._token = "not-a-token"  # Medusa answers 401: one fresh login, then the call
        client._token_expires = 0
        body = await client.admin("GET", "/admin/stock-locations", params={"limit": 1})
        assert body["stock_locations"]
        assert client._token != "not-a-token"
    finally:
        await client.aclose()


async def test_wrong_admin_credentials_are_the_backend_being_unusable(
    medusa_settings: MedusaSettings,
) -> None:
    wrong = medusa_settings.model_copy(update={"admin_password": SecretStr("wrong")})
    client = MedusaClient("inventory", wrong)
    try:
        with pytest.raises(BackendUnavailable):
            await client.admin("GET", "/admin/stock-locations")
    finally:
        await client.aclose()
