"""The ``commercetools`` entry point and its ``CG_COMMERCETOOLS__*`` settings (no network)."""

from __future__ import annotations

import pytest

from commercegraph.adapters.commercetools import (
    CommercetoolsCommerce,
    CommercetoolsInventory,
    CommercetoolsPricing,
)
from commercegraph.adapters.registry import (
    AdapterConfigError,
    adapter_settings,
    available_factories,
)
from commercegraph.ports.capabilities import methods_of

pytestmark = pytest.mark.recorded


def test_settings_come_from_the_environment_with_secrets_hidden(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CG_COMMERCETOOLS__PROJECT_KEY", "demo-project")
    monkeypatch.setenv("CG_COMMERCETOOLS__CLIENT_ID", "ct-client")
    monkeypatch.setenv("CG_COMMERCETOOLS__CLIENT_SECRET", "ct-very-secret")
    monkeypatch.setenv("CG_COMMERCETOOLS__API_URL", "https://api.us-central1.gcp.commercetools.com")
    factory = available_factories()["commercetools"]
    own = adapter_settings("commercetools", factory)
    assert own is not None
    assert "ct-very-secret" not in repr(own)
    adapters = [factory(d, None, None, own) for d in ("commerce", "pricing", "inventory")]
    assert [type(a) for a in adapters] == [
        CommercetoolsCommerce,
        CommercetoolsPricing,
        CommercetoolsInventory,
    ]
    assert adapters[0].client.base == "https://api.us-central1.gcp.commercetools.com/demo-project"
    with pytest.raises(AdapterConfigError, match="not content"):
        factory("content", None, None, own)


def test_a_missing_secret_names_its_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CG_COMMERCETOOLS__PROJECT_KEY", "demo-project")
    monkeypatch.setenv("CG_COMMERCETOOLS__CLIENT_ID", "ct-client")
    monkeypatch.delenv("CG_COMMERCETOOLS__CLIENT_SECRET", raising=False)
    with pytest.raises(AdapterConfigError, match="CG_COMMERCETOOLS__CLIENT_SECRET"):
        adapter_settings("commercetools", available_factories()["commercetools"])


@pytest.mark.parametrize(
    "adapter", [CommercetoolsCommerce, CommercetoolsPricing, CommercetoolsInventory]
)
def test_each_adapter_implements_exactly_its_capabilities(adapter: type) -> None:
    for capability in adapter.capabilities:
        for method in methods_of(capability):
            assert callable(getattr(adapter, method, None)), f"{adapter.__name__}.{method}"
