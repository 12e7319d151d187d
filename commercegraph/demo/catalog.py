"""The demo retailer's catalogue: categories, brands, products and accessory relations.

Names and SKUs come from fixed tables, not from the RNG, so the well-known SKUs in
``constants`` name the same product in every database. The catalogue uses its own fixed
RNG (not the caller's seed): docs and tests can quote a product's price, and the seed
only changes the customers and their histories.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from commercegraph.demo.constants import ORDER_HISTORY_DAYS, Row

CATALOG_SEED = "commercegraph-demo-catalog-v1"


@dataclass(frozen=True, slots=True)
class CategoryDef:
    id: str
    name: str
    name_de: str
    parent_id: str | None
    code: str | None  # SKU prefix; None for a category that holds no products itself
    tags: tuple[str, ...]


CATEGORIES: tuple[CategoryDef, ...] = (
    CategoryDef("cat_grocery", "Grocery", "Lebensmittel", None, None, ("grocery",)),
    CategoryDef("cat_footwear", "Footwear", "Schuhe", None, None, ("footwear", "shoes")),
    CategoryDef("cat_phones", "Phones", "Smartphones", None, "PHN", ("phone", "smartphone")),
    CategoryDef(
        "cat_phone_accessories", "Phone Accessories", "Handyzubehör", None, None, ("accessory",)
    ),
    CategoryDef(
        "cat_coffee_pods", "Coffee Pods", "Kaffeekapseln", "cat_grocery", "COF", ("coffee", "pods")
    ),
    CategoryDef(
        "cat_soda_water",
        "Soda Water",
        "Sprudelwasser",
        "cat_grocery",
        "SOD",
        ("soda", "water", "sparkling"),
    ),
    CategoryDef("cat_snacks", "Snacks", "Snacks", "cat_grocery", "SNK", ("snacks",)),
    CategoryDef("cat_tea", "Tea", "Tee", "cat_grocery", "TEA", ("tea",)),
    CategoryDef(
        "cat_running_shoes",
        "Running Shoes",
        "Laufschuhe",
        "cat_footwear",
        "RUN",
        ("running", "shoes"),
    ),
    CategoryDef(
        "cat_sneakers", "Sneakers", "Sneaker", "cat_footwear", "SNE", ("sneakers", "shoes")
    ),
    CategoryDef("cat_boots", "Boots", "Stiefel", "cat_footwear", "BOT", ("boots", "shoes")),
    CategoryDef("cat_sandals", "Sandals", "Sandalen", "cat_footwear", "SAN", ("sandals", "shoes")),
    CategoryDef(
        "cat_cases",
        "Cases",
        "Handyhüllen",
        "cat_phone_accessories",
        "CAS",
        ("case", "phone-accessory"),
    ),
    CategoryDef(
        "cat_chargers",
        "Chargers",
        "Ladegeräte",
        "cat_phone_accessories",
        "CHG",
        ("charger", "phone-accessory"),
    ),
    CategoryDef(
        "cat_screen_guards",
        "Screen Guards",
        "Displayschutz",
        "cat_phone_accessories",
        "SCR",
        ("screen-guard", "phone-accessory"),
    ),
    CategoryDef(
        "cat_earbuds",
        "Earbuds",
        "Kopfhörer",
        "cat_phone_accessories",
        "EAR",
        ("earbuds", "audio", "phone-accessory"),
    ),
)
CATEGORY_BY_ID = {c.id: c for c in CATEGORIES}
ACCESSORY_CATEGORIES = frozenset({"cat_cases", "cat_chargers", "cat_screen_guards", "cat_earbuds"})
GROCERY_CATEGORIES = ("cat_coffee_pods", "cat_soda_water", "cat_snacks", "cat_tea")
FOOTWEAR_CATEGORIES = ("cat_running_shoes", "cat_sneakers", "cat_boots", "cat_sandals")

COLORS = ("black", "white", "grey", "navy", "red", "green", "blue", "sand", "olive", "pink")

COFFEE_BRANDS = ("Bean & Co", "Roastery", "Morning Ritual")
COFFEE_VARIANTS = (
    "Classic Roast",
    "Dark Roast",
    "Espresso Intenso",
    "Decaf",
    "Colombia Single Origin",
    "Hazelnut",
    "Vanilla",
    "Caramel",
    "Lungo Forte",
    "Breakfast Blend",
)
COFFEE_PACKS = (30, 30, 12, 48)
COFFEE_DAYS_PER_PACK = {12: 10, 30: 21, 48: 32}  # how long one pack lasts a household
SODA_BRANDS = ("Fizzwell", "Cascade Springs")
SODA_FLAVORS = (
    "Original",
    "Lime",
    "Lemon",
    "Grapefruit",
    "Berry",
    "Cucumber",
    "Mango",
    "Peach",
    "Blood Orange",
    "Club Soda",
)
SNACK_BRANDS = ("Crunchbox", "Trail & Co", "Nibble")
SNACK_ITEMS = (
    "Sea Salt Potato Chips",
    "Dark Chocolate Almonds",
    "Trail Mix",
    "Pretzel Twists",
    "Granola Bars",
    "Rice Crackers",
    "Veggie Straws",
    "Butter Popcorn",
    "Beef Jerky",
    "Fruit Leather",
    "Protein Bars",
    "Roasted Cashews",
)
TEA_BRANDS = ("Leaf & Kettle", "Chai House", "Green Hill")
TEA_VARIANTS = (
    "English Breakfast",
    "Earl Grey",
    "Green Sencha",
    "Chamomile",
    "Peppermint",
    "Masala Chai",
    "Rooibos",
    "Jasmine Green",
    "Lemon Ginger",
)
RUNNING = (
    ("Stride", "Apex Run", "Trailhawk"),
    (
        "Velocity 3",
        "Cloudrun",
        "Tempo Elite",
        "Pace 2",
        "Glide Max",
        "Summit Trail",
        "Racer Lite",
        "Marathon Pro",
        "Daily Trainer",
        "Horizon",
    ),
)
SNEAKERS = (
    ("Urbanite", "Kicks & Co", "Courtside"),
    (
        "Classic Low",
        "Retro High",
        "Canvas Slip-On",
        "Court 84",
        "Street Runner",
        "Leather Low",
        "Knit Lite",
        "Platform",
        "Skate Pro",
        "Everyday",
    ),
)
BOOTS = (
    ("Timberline", "Northpeak"),
    (
        "Chelsea Boot",
        "Hiking Boot",
        "Work Boot",
        "Winter Boot",
        "Chukka Boot",
        "Rain Boot",
        "Combat Boot",
        "Desert Boot",
        "Trail Boot",
        "Lace-Up Boot",
        "Waterproof Hiker",
        "Snow Boot",
        "Western Boot",
    ),
)
SANDALS = (
    ("Solstice", "Tideline"),
    (
        "Slide",
        "Sport",
        "Flip Flop",
        "Strappy",
        "Cork Footbed",
        "Hiking",
        "Platform",
        "Recovery",
        "Woven",
        "Two-Strap",
        "Toe Post",
        "Fisherman",
        "Clog",
    ),
)
# (model, tier); the first word is the brand.
PHONES = (
    ("Aurora X12", 2),
    ("Aurora X12 Pro", 3),
    ("Aurora X10", 2),
    ("Aurora Lite 5", 1),
    ("Nimbus 8", 2),
    ("Nimbus 8 Max", 3),
    ("Nimbus 7a", 1),
    ("Nimbus Fold", 3),
    ("Helio One", 2),
    ("Helio One Plus", 3),
    ("Helio S", 1),
    ("Helio Mini", 1),
    ("Kestrel K5", 2),
    ("Kestrel K5 Ultra", 3),
    ("Kestrel Go", 1),
    ("Kestrel Rugged", 2),
)
NEW_PHONES = frozenset({"Aurora X12 Pro", "Nimbus Fold"})  # released inside the order history
CASES = (
    ("Silicone Case", "Shellwise"),
    ("Clear Case", "Clearview"),
    ("Leather Folio Case", "Armora"),
)
GUARDS = (("Tempered Glass Screen Guard", "Glasswerk"), ("Privacy Screen Guard", "Glasswerk"))
CHARGER_BRANDS = ("Voltix", "ChargeLab", "Amped")
CHARGERS = (
    ("20W USB-C Charger", False, 20),
    ("30W USB-C Fast Charger", False, 30),
    ("65W GaN Dual-Port Charger", False, 65),
    ("36W Car Charger", False, 36),
    ("15W Wireless Charging Pad", True, 15),
    ("3-in-1 Wireless Stand", True, 15),
)
EARBUD_BRANDS = ("Sonora", "Pulse", "Tunebud")
EARBUD_MODELS = ("Air", "Air Pro", "Sport", "Buds 2", "Studio ANC", "Lite", "Mini")


@dataclass(frozen=True, slots=True)
class ProductInfo:
    """What the customer generators need to know about a product."""

    id: str
    sku: str
    name: str
    category_id: str
    group_id: str  # the top-level category
    price: int  # base USD price, minor units
    tier: int
    replenishment_days: int | None
    released_at: datetime


@dataclass
class Catalog:
    categories: list[Row]
    brands: list[Row]
    products: list[Row]
    relations: list[Row]
    infos: list[ProductInfo]
    by_sku: dict[str, ProductInfo]
    by_category: dict[str, list[ProductInfo]]
    accessories: dict[str, list[str]]  # phone SKU -> accessory SKUs


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def price_ending(amount: int, rng: random.Random) -> int:
    """Whole units plus a .99 (or, now and then, .49) ending, as shop prices look."""
    return max(1, amount // 100) * 100 + (49 if rng.random() < 0.25 else 99)


@dataclass
class _Builder:
    now: datetime
    rng: random.Random = field(default_factory=lambda: random.Random(CATALOG_SEED))
    brands: dict[str, Row] = field(default_factory=dict)
    products: list[Row] = field(default_factory=list)
    infos: list[ProductInfo] = field(default_factory=list)
    counters: dict[str, int] = field(default_factory=dict)

    def released(self, lo_days: int, hi_days: int) -> datetime:
        days = self.rng.randint(lo_days, hi_days)
        return self.now - timedelta(days=days, hours=self.rng.randint(0, 23))

    def add(
        self,
        cat_id: str,
        brand: str,
        name: str,
        price_range: tuple[float, float],
        attributes: dict[str, Any],
        *,
        tier: int | None = None,
        released_at: datetime | None = None,
        extra_tags: tuple[str, ...] = (),
    ) -> ProductInfo:
        cat = CATEGORY_BY_ID[cat_id]
        assert cat.code is not None
        number = self.counters[cat.code] = self.counters.get(cat.code, 0) + 1
        sku = f"SKU-{cat.code}-{number:04d}"
        product_id = f"prd_{len(self.products) + 1:05d}"
        brand_id = f"brd_{slug(brand)}"
        self.brands.setdefault(brand_id, {"id": brand_id, "name": brand})
        lo, hi = price_range
        position = self.rng.random()
        price = price_ending(int((lo + (hi - lo) * position) * 100), self.rng)
        if tier is None:
            tier = 1 if position < 0.4 else 2 if position < 0.75 else 3
        if released_at is None:
            # Most of the range predates the order history so any order may contain it.
            released_at = self.released(ORDER_HISTORY_DAYS + 30, 1400)
        rating = round(min(5.0, max(1.0, self.rng.triangular(1.8, 5.0, 4.4))), 1)
        parent = CATEGORY_BY_ID[cat.parent_id] if cat.parent_id else None
        search = " ".join([name, brand, cat.name] + ([parent.name] if parent else []))
        group_id = parent.id if parent else cat.id
        low_stock = {"cat_grocery": 12, "cat_footwear": 3, "cat_phones": 2}.get(group_id, 5)
        self.products.append(
            {
                "id": product_id,
                "sku": sku,
                "name": name,
                "brand_id": brand_id,
                "category_id": cat.id,
                "tags": list(cat.tags + extra_tags),
                "attributes": attributes,
                "rating": rating,
                "tier": tier,
                "floor_price": price * 60 // 100,
                "low_stock_threshold": low_stock,
                "released_at": released_at,
                "name_search": search.lower(),
            }
        )
        info = ProductInfo(
            product_id,
            sku,
            name,
            cat.id,
            group_id,
            price,
            tier,
            attributes.get("replenishment_days"),
            released_at,
        )
        self.infos.append(info)
        return info


def _grocery(b: _Builder) -> None:
    for i in range(30):
        brand, variant = COFFEE_BRANDS[i % 3], COFFEE_VARIANTS[i // 3]
        pack = COFFEE_PACKS[(i // 3) % len(COFFEE_PACKS)]
        per_pod = (0.42, 0.62)
        b.add(
            "cat_coffee_pods",
            brand,
            f"{brand} {variant} Coffee Pods, {pack}-Pack",
            (pack * per_pod[0], pack * per_pod[1]),
            {
                "pack_size": pack,
                "unit": "pods",
                "flavor": variant.lower(),
                "decaf": variant == "Decaf",
                "replenishment_days": COFFEE_DAYS_PER_PACK[pack],
            },
        )
    for i in range(20):
        brand, flavor = SODA_BRANDS[i % 2], SODA_FLAVORS[i // 2]
        b.add(
            "cat_soda_water",
            brand,
            f"{brand} {flavor} Sparkling Water, 12 x 355 ml",
            (4.49, 7.99),
            {"pack_size": 12, "volume_ml": 355, "flavor": flavor.lower(), "replenishment_days": 7},
        )
    for i in range(36):
        brand, item = SNACK_BRANDS[i % 3], SNACK_ITEMS[i // 3]
        b.add(
            "cat_snacks",
            brand,
            f"{brand} {item}",
            (2.49, 8.99),
            {"weight_g": b.rng.choice((100, 150, 200, 250, 400)), "replenishment_days": 14},
        )
    for i in range(27):
        brand, variant = TEA_BRANDS[i % 3], TEA_VARIANTS[i // 3]
        b.add(
            "cat_tea",
            brand,
            f"{brand} {variant} Tea, 20 Bags",
            (3.99, 12.99),
            {
                "bags": 20,
                "caffeine": variant not in ("Chamomile", "Peppermint", "Rooibos"),
                "replenishment_days": 30,
            },
        )


def _footwear(b: _Builder) -> None:
    families = (
        ("cat_running_shoes", RUNNING, "Running Shoe", (89.0, 179.0)),
        ("cat_sneakers", SNEAKERS, "Sneaker", (59.0, 149.0)),
        ("cat_boots", BOOTS, "", (99.0, 249.0)),
        ("cat_sandals", SANDALS, "Sandal", (29.0, 89.0)),
    )
    for cat_id, (brands, models), suffix, prices in families:
        for i in range(len(brands) * len(models)):
            brand, model = brands[i % len(brands)], models[i // len(brands)]
            name = f"{brand} {model} {suffix}".strip()
            smallest = b.rng.choice((5, 6, 7))
            attributes: dict[str, Any] = {
                "size_range": f"{smallest}-{smallest + b.rng.choice((6, 7, 8))}",
                "color": b.rng.choice(COLORS),
                "gender": b.rng.choice(("unisex", "women", "men")),
            }
            if cat_id == "cat_running_shoes":
                attributes["surface"] = "trail" if "Trail" in model else "road"
                attributes["drop_mm"] = b.rng.choice((4, 6, 8, 10))
            # A few new styles arrive during the order history, as real ranges do.
            released = b.released(20, 700) if b.rng.random() < 0.12 and i else None
            b.add(cat_id, brand, name, prices, attributes, released_at=released)


def _phones(b: _Builder) -> dict[str, list[str]]:
    tier_prices = {1: (249.0, 399.0), 2: (499.0, 799.0), 3: (899.0, 1299.0)}
    phones: list[tuple[ProductInfo, bool]] = []
    for model, tier in PHONES:
        wireless = tier >= 2
        released = b.released(20, 90) if model in NEW_PHONES else b.released(300, 900)
        screen = round(5.4 + 0.3 * b.rng.randint(0, 4), 1)
        info = b.add(
            "cat_phones",
            model.split()[0],
            model,
            tier_prices[tier],
            {
                "model": model,
                "storage_gb": (64, 128, 256, 512)[tier],
                "color": b.rng.choice(COLORS[:4]),
                "screen_in": screen,
                "connector": "USB-C",
                "wireless_charging": wireless,
                "network": "5G",
            },
            tier=tier,
            released_at=released,
        )
        phones.append((info, wireless))
    accessories: dict[str, list[str]] = {info.sku: [] for info, _ in phones}
    for info, _ in phones:
        for kind, brand in CASES:
            acc = b.add(
                "cat_cases",
                brand,
                f"{info.name} {kind}",
                (19.0, 49.0),
                {"compatible_with": [info.sku], "model": info.name, "color": b.rng.choice(COLORS)},
                released_at=info.released_at,
            )
            accessories[info.sku].append(acc.sku)
        for kind, brand in GUARDS:
            acc = b.add(
                "cat_screen_guards",
                brand,
                f"{info.name} {kind}",
                (12.0, 29.0),
                {"compatible_with": [info.sku], "model": info.name, "pack": 2},
                released_at=info.released_at,
            )
            accessories[info.sku].append(acc.sku)
    wired: list[ProductInfo] = []
    wireless_chargers: list[ProductInfo] = []
    for i in range(len(CHARGER_BRANDS) * len(CHARGERS)):
        brand, (kind, is_wireless, watts) = CHARGER_BRANDS[i % 3], CHARGERS[i // 3]
        acc = b.add(
            "cat_chargers",
            brand,
            f"{brand} {kind}",
            (15.0, 59.0),
            {"watts": watts, "connector": "USB-C", "wireless": is_wireless},
        )
        (wireless_chargers if is_wireless else wired).append(acc)
    earbuds: list[ProductInfo] = []
    for i in range(len(EARBUD_BRANDS) * len(EARBUD_MODELS)):
        brand, model = EARBUD_BRANDS[i % 3], EARBUD_MODELS[i // 3]
        earbuds.append(
            b.add(
                "cat_earbuds",
                brand,
                f"{brand} {model} Wireless Earbuds",
                (29.0, 199.0),
                {"anc": "ANC" in model or "Pro" in model, "battery_h": b.rng.choice((5, 6, 8, 10))},
            )
        )
    for n, (info, wireless) in enumerate(phones):
        accessories[info.sku] += [wired[n % len(wired)].sku, wired[(n + 5) % len(wired)].sku]
        if wireless:
            accessories[info.sku].append(wireless_chargers[n % len(wireless_chargers)].sku)
        accessories[info.sku] += [
            earbuds[n % len(earbuds)].sku,
            earbuds[(n + 7) % len(earbuds)].sku,
        ]
    return accessories


def build_catalog(now: datetime) -> Catalog:
    b = _Builder(now)
    _grocery(b)
    _footwear(b)
    accessories = _phones(b)
    by_sku = {info.sku: info for info in b.infos}
    by_category: dict[str, list[ProductInfo]] = {}
    for info in b.infos:
        by_category.setdefault(info.category_id, []).append(info)
    relations = [
        {"product_id": by_sku[phone].id, "related_id": by_sku[acc].id, "kind": "ACCESSORY"}
        for phone, skus in accessories.items()
        for acc in skus
    ]
    categories = [{"id": c.id, "name": c.name, "parent_id": c.parent_id} for c in CATEGORIES]
    return Catalog(
        categories,
        list(b.brands.values()),
        b.products,
        relations,
        b.infos,
        by_sku,
        by_category,
        accessories,
    )
