"""The Strapi adapter's settings, its factory, and the order it tries locales in (the
native store's); what it reads from a real Strapi is in ``tests/vendors/strapi``."""

from __future__ import annotations

from itertools import combinations

import pytest

from commercegraph.adapters.native.content import pick_locale
from commercegraph.adapters.registry import AdapterConfigError, adapter_settings
from commercegraph.adapters.strapi import StrapiContent, StrapiSettings, create_adapter
from commercegraph.adapters.strapi.adapter import locale_chain
from commercegraph.config import Settings

STRAPI_LOCALES = ["de-AT", "de-DE", "en-GB", "en-US", "fr-FR"]
WANTED = [*STRAPI_LOCALES, "de-CH", "en-AU", "es-ES", "DE-de"]


def test_the_first_locale_an_entry_has_along_the_chain_is_the_native_choice() -> None:
    for size in range(len(STRAPI_LOCALES) + 1):
        for held in combinations(STRAPI_LOCALES, size):
            for wanted in WANTED:
                for default in ("en-US", "de-DE"):
                    chain = locale_chain(STRAPI_LOCALES, wanted, default)
                    first = next((locale for locale in chain if locale in held), None)
                    assert first == pick_locale(list(held), wanted, default), (held, wanted)


def test_the_chain_names_each_locale_once_and_only_locales_strapi_holds() -> None:
    assert locale_chain(STRAPI_LOCALES, "de-CH", "en-US") == ["de-AT", "de-DE", "en-US"]
    assert locale_chain(STRAPI_LOCALES, "en-US", "en-US") == ["en-US", "en-GB"]
    assert locale_chain(["en-US"], "xx-YY", "de-DE") == []


def test_settings_come_from_cg_strapi_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CG_STRAPI__URL", "http://127.0.0.1:1337")
    monkeypatch.setenv("CG_STRAPI__TOKEN", "secret-token")
    monkeypatch.setenv("CG_STRAPI__KEY_FIELD", "handle")
    settings = adapter_settings("strapi", create_adapter)

    assert isinstance(settings, StrapiSettings)
    assert settings.key_field == "handle" and settings.content_type == "product-contents"
    assert settings.token.get_secret_value() == "secret-token"
    assert "secret-token" not in repr(settings)
    adapter = create_adapter("content", Settings(), None, settings)  # type: ignore[arg-type]
    assert isinstance(adapter, StrapiContent) and adapter.capabilities == {"content.entries"}


def test_a_wrong_key_field_or_domain_is_refused_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CG_STRAPI__URL", "http://127.0.0.1:1337")
    monkeypatch.setenv("CG_STRAPI__TOKEN", "t")
    monkeypatch.setenv("CG_STRAPI__KEY_FIELD", "slug")
    with pytest.raises(AdapterConfigError, match="CG_STRAPI__KEY_FIELD"):
        adapter_settings("strapi", create_adapter)
    monkeypatch.delenv("CG_STRAPI__KEY_FIELD")
    settings = adapter_settings("strapi", create_adapter)
    with pytest.raises(AdapterConfigError, match="CG_ADAPTERS__PRICING"):
        create_adapter("pricing", Settings(), None, settings)  # type: ignore[arg-type]
