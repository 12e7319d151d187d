"""The ``vendure`` adapter's own settings, read from ``CG_VENDURE__*`` by the registry."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from commercegraph.adapters.registry import (
    AdapterConfigError,
    adapter_settings,
    available_factories,
)
from commercegraph.adapters.vendure import VendureSettings


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
