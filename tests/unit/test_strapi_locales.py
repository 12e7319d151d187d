"""The Strapi adapter tries locales in the native store's order of preference."""

from __future__ import annotations

from itertools import combinations

from commercegraph.adapters.native.content import pick_locale
from commercegraph.adapters.strapi.adapter import locale_chain

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
