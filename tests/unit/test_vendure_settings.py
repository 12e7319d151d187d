"""The ``vendure`` adapter's own settings, read from ``CG_VENDURE__*`` by the registry."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from pydantic import SecretStr

from commercegraph import bootstrap
from commercegraph.adapters.registry import (
    AdapterConfigError,
    adapter_settings,
    available_factories,
)
from commercegraph.adapters.vendure import VendureSettings
from tests.conftest import settings_for


def test_settings_come_from_cg_vendure_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CG_VENDURE__URL", "http://127.0.0.1:3999")
    monkeypatch.setenv("CG_VENDURE__ADMIN_PASSWORD", "s3cret")
    monkeypatch.setenv("CG_VENDURE__TIMEOUT_MS", "750")
    own = adapter_settings("vendure", available_factories()["vendure"])
    assert isinstance(own, VendureSettings)
    assert own.url == "http://127.0.0.1:3999" and own.timeout_ms == 750
    assert isinstance(own.admin_password, SecretStr) and "s3cret" not in repr(own)
    assert own.admin_username == "superadmin" and own.channel_token is None


def test_a_missing_password_names_its_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CG_VENDURE__URL", "http://127.0.0.1:3999")
    monkeypatch.delenv("CG_VENDURE__ADMIN_PASSWORD", raising=False)
    with pytest.raises(AdapterConfigError, match="CG_VENDURE__ADMIN_PASSWORD"):
        adapter_settings("vendure", available_factories()["vendure"])


def test_each_domain_routes_its_declared_capabilities_to_vendure(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("CG_VENDURE__URL", "http://127.0.0.1:3999")
    monkeypatch.setenv("CG_VENDURE__ADMIN_PASSWORD", "s3cret")
    settings = settings_for(
        f"sqlite+aiosqlite:///{tmp_path / 'routes.db'}",
        adapters={"commerce": "vendure", "pricing": "vendure", "inventory": "vendure"},
    )
    container = bootstrap.compose(settings)
    try:
        routes = container.registry.routes
        assert {c for c, name in routes["commerce"].items() if name == "vendure"} == {
            "commerce.catalog",
            "commerce.search",
            "commerce.carts",
            "commerce.orders",
        }
        assert routes["pricing"]["pricing.prices"] == "vendure"
        assert routes["pricing"]["gateway.rules"] == "native"
        assert routes["inventory"]["inventory.stock"] == "vendure"
        assert routes["inventory"]["inventory.locations"] == "vendure"
        assert routes["inventory"]["inventory.reservations"] == "native"
    finally:
        asyncio.run(container.aclose())


def test_channel_tokens_and_relation_fields_come_as_json(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CG_VENDURE__URL", "http://127.0.0.1:3999")
    monkeypatch.setenv("CG_VENDURE__ADMIN_PASSWORD", "s3cret")
    own = adapter_settings("vendure", available_factories()["vendure"])
    assert isinstance(own, VendureSettings)
    assert own.channel_tokens == {} and own.relation_fields == {"ACCESSORY": "cgAccessories"}
    monkeypatch.setenv("CG_VENDURE__CHANNEL_TOKENS", '{"MOBILE_APP": "app-token"}')
    monkeypatch.setenv("CG_VENDURE__RELATION_FIELDS", '{"ACCESSORY": "accessories"}')
    own = adapter_settings("vendure", available_factories()["vendure"])
    assert isinstance(own, VendureSettings)
    assert own.channel_tokens == {"MOBILE_APP": "app-token"}
    assert own.relation_fields == {"ACCESSORY": "accessories"}
    monkeypatch.setenv("CG_VENDURE__RELATION_FIELDS", '{"ACCESSORY": "id } evil {"}')
    with pytest.raises(AdapterConfigError):
        adapter_settings("vendure", available_factories()["vendure"])
