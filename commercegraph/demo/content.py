"""CMS content for every product and category, in en-US and de-DE."""

from __future__ import annotations

from typing import Any

from commercegraph.demo.catalog import CATEGORIES, CATEGORY_BY_ID, Catalog
from commercegraph.demo.constants import Row

CDN = "https://cdn.example.com"

# One sentence per leaf category that says what matters about such a product.
DETAIL_EN = {
    "cat_coffee_pods": "Each pack holds {pack_size} pods, enough for about {replenishment_days} "
    "days of morning coffee.",
    "cat_soda_water": "Twelve crisp {volume_ml} ml cans with a {flavor} note and no sugar.",
    "cat_snacks": "A {weight_g} g bag that is just right for the office drawer or the trail.",
    "cat_tea": "{bags} bags of carefully blended tea for calm afternoons.",
    "cat_running_shoes": "Built for the {surface} with a {drop_mm} mm drop, in sizes {size_range}.",
    "cat_sneakers": "An everyday classic in {color}, available in sizes {size_range}.",
    "cat_boots": "Sturdy and weather-ready, in {color}, sizes {size_range}.",
    "cat_sandals": "Light and comfortable for warm days, in {color}, sizes {size_range}.",
    "cat_phones": "{storage_gb} GB of storage, a {screen_in} inch display and {network} "
    "connectivity.",
    "cat_cases": "Made to fit the {model} precisely, with raised edges that protect the camera.",
    "cat_screen_guards": "A pack of {pack} guards cut for the {model}, bubble-free to apply.",
    "cat_chargers": "Delivers up to {watts} W to your phone and your other {connector} devices.",
    "cat_earbuds": "Up to {battery_h} hours of playback per charge, with a pocket-sized case.",
}
DETAIL_DE = {
    "cat_coffee_pods": "Jede Packung enthält {pack_size} Kapseln – genug für etwa "
    "{replenishment_days} Tage Morgenkaffee.",
    "cat_soda_water": "Zwölf Dosen à {volume_ml} ml, spritzig und ohne Zucker.",
    "cat_snacks": "Eine {weight_g}-g-Packung für die Schreibtischschublade oder die Wanderung.",
    "cat_tea": "{bags} Beutel sorgfältig gemischter Tee für ruhige Nachmittage.",
    "cat_running_shoes": "Ein Laufschuh mit {drop_mm} mm Sprengung, in den Größen {size_range}.",
    "cat_sneakers": "Ein Alltagsklassiker in {color}, erhältlich in den Größen {size_range}.",
    "cat_boots": "Robust und wetterfest, in {color}, Größen {size_range}.",
    "cat_sandals": "Leicht und bequem für warme Tage, in {color}, Größen {size_range}.",
    "cat_phones": "{storage_gb} GB Speicher, ein {screen_in}-Zoll-Display und {network}.",
    "cat_cases": "Passgenau für das {model}, mit erhöhtem Rand zum Schutz der Kamera.",
    "cat_screen_guards": "{pack} Schutzgläser für das {model}, blasenfrei anzubringen.",
    "cat_chargers": "Liefert bis zu {watts} W für Ihr Telefon und andere {connector}-Geräte.",
    "cat_earbuds": "Bis zu {battery_h} Stunden Musik pro Ladung, mit handlichem Ladecase.",
}
CATEGORY_BODY = {
    "en-US": "Discover our {name} range: hand-picked products, fair prices, and pickup at "
    "any of our Portland stores.",
    "de-DE": "Entdecken Sie unser Sortiment {name}: ausgewählte Produkte, faire Preise und "
    "Abholung in allen unseren Filialen in Portland.",
}


def _format(template: str, attributes: dict[str, Any]) -> str:
    values = {k: (f"{v:.1f}" if isinstance(v, float) else v) for k, v in attributes.items()}
    return template.format(**values)


def content_rows(catalog: Catalog) -> list[Row]:
    brands = {b["id"]: b["name"] for b in catalog.brands}
    rows: list[Row] = []
    for category in CATEGORIES:
        for locale, title in (("en-US", category.name), ("de-DE", category.name_de)):
            rows.append(
                {
                    "entity_type": "category",
                    "entity_key": category.id,
                    "locale": locale,
                    "title": title,
                    "body": CATEGORY_BODY[locale].format(name=title),
                    "images": [f"{CDN}/categories/{category.id}/hero.jpg"],
                }
            )
    for number, product in enumerate(catalog.products):
        sku, name, cat_id = product["sku"], product["name"], product["category_id"]
        brand = brands[product["brand_id"]]
        category = CATEGORY_BY_ID[cat_id]
        images = [f"{CDN}/products/{sku}/{i}.jpg" for i in range(1, 2 + number % 3 + 1)]
        attributes = product["attributes"]
        en = (
            f"{name} by {brand}, from our {category.name.lower()} range. "
            f"{_format(DETAIL_EN[cat_id], attributes)} Rated {product['rating']} out of 5 "
            "by our customers; order online, in the app, or pick it up in store today."
        )
        de = (
            f"{name} von {brand} aus unserem Sortiment {category.name_de}. "
            f"{_format(DETAIL_DE[cat_id], attributes)} Von unseren Kundinnen und Kunden "
            f"mit {product['rating']} von 5 Sternen bewertet; online, in der App oder "
            "zur Abholung in der Filiale bestellen."
        )
        for locale, body in (("en-US", en), ("de-DE", de)):
            rows.append(
                {
                    "entity_type": "product",
                    "entity_key": product["id"],
                    "locale": locale,
                    "title": name,
                    "body": body,
                    "images": images,
                }
            )
    return rows
