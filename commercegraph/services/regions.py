"""What a store's region says about money and language: the currency its tills take and the
locale its content is shown in. Regions end in a country or US-state code
("Portland, OR", "Berlin, DE"); anything not listed is treated as the US."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RegionDefaults:
    country: str
    currency: str
    locale: str


US = RegionDefaults("US", "USD", "en-US")
BY_COUNTRY: dict[str, RegionDefaults] = {
    "DE": RegionDefaults("DE", "EUR", "de-DE"),
    "AT": RegionDefaults("AT", "EUR", "de-AT"),
    "FR": RegionDefaults("FR", "EUR", "fr-FR"),
    "GB": RegionDefaults("GB", "GBP", "en-GB"),
    "CA": RegionDefaults("CA", "CAD", "en-CA"),
}


def region_defaults(region: str) -> RegionDefaults:
    """``region_defaults("Berlin, DE").currency == "EUR"``."""
    country = region.rpartition(",")[2].strip().upper()
    return BY_COUNTRY.get(country, US)
