"""Adapter registry: configuration, entry-point discovery, and port conformance."""

from __future__ import annotations

import pytest

from commercegraph.adapters.native import NativeCommerce
from commercegraph.adapters.registry import AdapterConfigError, available_factories, build_registry
from commercegraph.config import DOMAINS, Settings
from commercegraph.store.db import Store
from tests.factories import store_for


def test_settings_read_adapter_choice_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CG_ADAPTERS__CONTENT", "contentful")
    monkeypatch.setenv("CG_ENV", "production")
    settings = Settings()
    assert settings.adapters.content == "contentful"
    assert settings.adapters.commerce == "native"
    assert settings.is_production


def test_native_adapter_is_discovered_through_entry_points() -> None:
    from importlib.metadata import entry_points

    names = {ep.name for ep in entry_points(group="commercegraph.adapters")}
    assert "native" in names
    assert "native" in available_factories()


async def test_registry_builds_every_domain_and_rejects_unknown_names() -> None:
    store = store_for("sqlite+aiosqlite:///:memory:")
    try:
        registry = build_registry(Settings(), store)
        assert {d for d, _ in registry} == set(DOMAINS)
        assert isinstance(registry.commerce.inner, NativeCommerce)  # behind the gateway guard
        bad = Settings.model_validate({"adapters": {"pricing": "does-not-exist"}})
        with pytest.raises(AdapterConfigError, match="CG_ADAPTERS__PRICING"):
            build_registry(bad, store)
    finally:
        await store.dispose()


async def test_registry_rejects_an_adapter_that_does_not_fit_its_port(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import commercegraph.adapters.registry as registry_module

    class NotAnInventory:
        pass

    from commercegraph.adapters.native import create_adapter

    def factory(domain: str, settings: Settings, store: Store) -> object:
        return (
            NotAnInventory() if domain == "inventory" else create_adapter(domain, settings, store)
        )

    factories = {"native": factory}
    monkeypatch.setattr(registry_module, "available_factories", lambda: factories)
    store = store_for("sqlite+aiosqlite:///:memory:")
    try:
        with pytest.raises(AdapterConfigError, match="InventoryBackend"):
            build_registry(Settings(), store)
    finally:
        await store.dispose()
