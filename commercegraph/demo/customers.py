"""The crowd: N ordinary customers with profiles, identifiers, orders, views and wallets.

Each customer draws from its own ``Random(f"{seed}:customer:{n}")``, so customer n is the
same whatever N is and however the run is chunked; only the global counters (order, event
and transaction numbers) depend on what came before, and they advance in a fixed order.
Customers differ in archetype (heavy, regular, light, lapsed, new), channel persona,
weekend habit, price tier and category affinity so segmentation has signal.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

from commercegraph.demo.catalog import (
    FOOTWEAR_CATEGORIES,
    GROCERY_CATEGORIES,
    Catalog,
    ProductInfo,
)
from commercegraph.demo.constants import ORDER_HISTORY_DAYS, Row
from commercegraph.demo.inventory import STORE_IDS, STORE_WEIGHTS, PriceBook
from commercegraph.demo.names import FIRST_NAMES, LAST_NAMES
from commercegraph.demo.rows import (
    COMPLETED,
    ChunkRows,
    Counters,
    History,
    Ledger,
    Wallet,
    loyalty_row,
)
from commercegraph.services.identity import normalise_identifier

CHANNELS = ("WEB", "MOBILE_APP", "STORE")
# Shopping hours are drawn in Portland standard time (DST ignored) and stored as UTC.
LOCAL = timezone(timedelta(hours=-8), "PST")
STORE_HOURS = (9, 20)
ONLINE_HOURS = (7, 23)
MERGE_DAYS = 2.0  # purchases this close together go into one basket
PHONE_AREAS = ("503", "971", "360", "541", "458", "206", "253", "425", "509", "564")
PHONE_EXCHANGE = 555


@dataclass(frozen=True, slots=True)
class Archetype:
    name: str
    weight: float
    discretionary: float  # mean one-off baskets over two active years
    staple_chance: float  # chance of buying grocery staples on a cycle
    staple_max: int
    cycle_factor: tuple[float, float]  # >1: part of the staple is bought elsewhere
    loyalty_chance: float


ARCHETYPES = (
    Archetype("heavy", 0.10, 12.0, 1.0, 2, (1.0, 1.4), 0.85),
    Archetype("regular", 0.34, 4.0, 0.45, 1, (1.8, 3.0), 0.6),
    Archetype("light", 0.22, 2.2, 0.0, 0, (1.0, 1.0), 0.3),
    Archetype("lapsed", 0.16, 3.5, 0.3, 1, (1.5, 2.5), 0.5),
    Archetype("new", 0.18, 2.0, 0.2, 1, (1.2, 2.0), 0.4),
)
ARCHETYPE_WEIGHTS = tuple(a.weight for a in ARCHETYPES)
# persona -> weights of WEB, MOBILE_APP, STORE
PERSONAS: tuple[tuple[str, tuple[float, float, float]], ...] = (
    ("app-first", (0.2, 0.65, 0.15)),
    ("web-first", (0.65, 0.1, 0.25)),
    ("store-first", (0.15, 0.1, 0.75)),
    ("omni", (0.35, 0.3, 0.35)),
)
PERSONA_WEIGHTS = (0.25, 0.3, 0.25, 0.2)
STAPLE_LEAVES = GROCERY_CATEGORIES
STAPLE_WEIGHTS = (0.4, 0.35, 0.15, 0.1)  # coffee pods, soda water, snacks, tea
STAPLE_QUANTITY = {
    "cat_coffee_pods": (1, 2),
    "cat_soda_water": (1, 4),
    "cat_snacks": (1, 3),
    "cat_tea": (1, 2),
}
GROUP_LEAVES: dict[str, tuple[str, ...]] = {
    "cat_grocery": GROCERY_CATEGORIES,
    "cat_footwear": FOOTWEAR_CATEGORIES,
    "cat_phones": ("cat_phones",),
    "cat_phone_accessories": ("cat_cases", "cat_chargers", "cat_screen_guards", "cat_earbuds"),
}
GROUPS = tuple(GROUP_LEAVES)
GROUP_BASE_AFFINITY = (3.0, 2.0, 0.25, 1.0)


@dataclass(frozen=True)
class World:
    """Everything a customer generator reads, plus the shared counters and ledger."""

    seed: int
    now: datetime
    catalog: Catalog
    prices: PriceBook
    counters: Counters
    ledger: Ledger


def phone_number(n: int) -> str:
    """A unique E.164 number per customer number; 0000-0099 are kept for the story."""
    block, line = divmod(n + 99, 10_000)
    exchange, area = divmod(block, len(PHONE_AREAS))
    return f"+1{PHONE_AREAS[area]}{PHONE_EXCHANGE + exchange}{line:04d}"


def identifier_row(customer_id: str, kind: str, raw: str, source: str, linked_at: datetime) -> Row:
    return {
        "kind": kind,
        "value": normalise_identifier(kind, raw),
        "customer_id": customer_id,
        "source": source,
        "linked_at": linked_at,
    }


def payment_method_row(
    customer_id: str, number: int, kind: str, token: str, label: str, created_at: datetime
) -> Row:
    return {
        "id": f"pm_{customer_id.removeprefix('cus_')}_{number}",
        "customer_id": customer_id,
        "kind": kind,
        "provider_token": token,
        "label": label,
        "is_default": number == 1,
        "created_at": created_at,
    }


def moment(
    rng: random.Random,
    now: datetime,
    days_ago: float,
    hours: tuple[int, int],
    weekend: bool = False,
) -> datetime:
    """A time on the local day ``days_ago`` back, within ``hours``, strictly before now."""
    day = (now - timedelta(days=days_ago)).astimezone(LOCAL).date()
    if weekend and day.weekday() < 5:
        day += timedelta(days=5 - day.weekday())
    at = datetime(
        day.year,
        day.month,
        day.day,
        rng.randint(*hours),
        rng.randint(0, 59),
        rng.randint(0, 59),
        tzinfo=LOCAL,
    ).astimezone(UTC)
    while at >= now:
        at -= timedelta(days=7 if weekend else 1)
    return at


def pick(rng: random.Random, products: list[ProductInfo], tier: int) -> ProductInfo:
    """Mostly the customer's price tier, sometimes anything in the category."""
    if rng.random() < 0.6:
        matching = [p for p in products if p.tier == tier]
        if matching:
            return rng.choice(matching)
    return rng.choice(products)


def poisson(rng: random.Random, mean: float) -> int:
    # Knuth's method: fine for the small means used here and keeps to one RNG stream.
    limit, k, p = pow(2.718281828459045, -mean), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


@dataclass
class Profile:
    n: int
    id: str
    archetype: Archetype
    weights: tuple[float, float, float]
    uses_app: bool
    weekend: bool
    group: str
    tier: int
    home: str
    created_at: datetime
    affinity: list[float]


def _profile(rng: random.Random, world: World, n: int, rows: ChunkRows) -> Profile:
    now = world.now
    archetype = rng.choices(ARCHETYPES, weights=ARCHETYPE_WEIGHTS)[0]
    persona, weights = rng.choices(PERSONAS, weights=PERSONA_WEIGHTS)[0]
    uses_app = weights[1] >= 0.3 or rng.random() < 0.15
    if not uses_app:
        weights = (weights[0], 0.0, weights[2])
    created_days = {"new": (5, 90), "lapsed": (ORDER_HISTORY_DAYS + 30, 1095)}.get(
        archetype.name, (30, 1095)
    )
    created_at = now - timedelta(
        seconds=rng.randint(created_days[0] * 86400, created_days[1] * 86400)
    )
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    profile = Profile(
        n=n,
        id=f"cus_{n:06d}",
        archetype=archetype,
        weights=weights,
        uses_app=uses_app,
        weekend=rng.random() < 0.15,
        group="WHOLESALE" if rng.random() < 0.02 else "RETAIL",
        tier=rng.choices((1, 2, 3), weights=(0.4, 0.4, 0.2))[0],
        home=rng.choices(STORE_IDS, weights=STORE_WEIGHTS)[0],
        created_at=created_at,
        affinity=[base * rng.expovariate(1.0) for base in GROUP_BASE_AFFINITY],
    )
    referred_by = f"cus_{rng.randint(1, n - 1):06d}" if n > 1 and rng.random() < 0.08 else None
    rows["customers"].append(
        {
            "id": profile.id,
            "display_name": f"{first} {last}",
            "email": f"{first}.{last}.{n}@example.com".lower(),
            "customer_group": profile.group,
            "home_store_id": profile.home,
            "referred_by": referred_by,
            "created_at": created_at,
        }
    )

    def linked() -> datetime:
        return min(
            created_at + timedelta(seconds=rng.randint(0, 60 * 86400)), now - timedelta(hours=1)
        )

    ids = rows["customer_identifiers"]
    cid = profile.id
    email_source = "pos" if persona == "store-first" and rng.random() < 0.5 else "web"
    ids.append(
        identifier_row(cid, "EMAIL", f"{first}.{last}.{n}@example.com", email_source, created_at)
    )
    if rng.random() < 0.8:
        source = rng.choice(("crm", "pos", "app") if uses_app else ("crm", "pos"))
        ids.append(identifier_row(cid, "PHONE", phone_number(n), source, linked()))
    if uses_app:
        platform = rng.choice(("ios", "android"))
        ids.append(identifier_row(cid, "DEVICE", f"dev-{n:06d}-{platform}", "app", linked()))
    if rng.random() < weights[2] * 1.3:
        ids.append(identifier_row(cid, "POS_CUSTOMER", f"POS-{n:06d}", "pos", linked()))
    rows["consents"].append(
        {
            "customer_id": cid,
            "marketing_email": rng.random() < 0.55,
            "marketing_sms": rng.random() < 0.25,
            "personalization": rng.random() < 0.7,
            "updated_at": linked(),
        }
    )
    methods = [
        ("CARD", "visa", "Visa"),
        ("CARD", "mastercard", "Mastercard"),
        ("CARD", "amex", "Amex"),
        ("PAYPAL", "paypal", "PayPal"),
    ]
    if uses_app:
        methods.append(("APPLE_PAY", "applepay", "Apple Pay"))
    for number, (kind, provider, brand) in enumerate(
        rng.sample(methods, 2 if rng.random() < 0.35 else 1), start=1
    ):
        tail = "@example.com" if kind == "PAYPAL" else f"{rng.randint(0, 9999):04d}"
        rows["payment_methods"].append(
            payment_method_row(
                cid,
                number,
                kind,
                f"tok_{provider}_{rng.getrandbits(64):016x}",
                f"{brand} ····{tail}",
                linked(),
            )
        )
    return profile


def _baskets(
    rng: random.Random, world: World, p: Profile, start_ago: float, end_ago: float
) -> list[tuple[float, list[tuple[str, int]]]]:
    """(days ago, lines) per basket: staples on their cycles, one-offs in between."""
    catalog = world.catalog
    items: list[tuple[float, list[tuple[str, int]]]] = []
    a = p.archetype
    if a.staple_max and rng.random() < a.staple_chance:
        for _ in range(rng.randint(1, a.staple_max)):
            leaf = rng.choices(STAPLE_LEAVES, weights=STAPLE_WEIGHTS)[0]
            product = pick(rng, catalog.by_category[leaf], p.tier)
            quantity = rng.randint(*STAPLE_QUANTITY[leaf])
            if p.group == "WHOLESALE":
                quantity *= 6
            cycle = (product.replenishment_days or 14) * quantity * rng.uniform(*a.cycle_factor)
            t = start_ago - rng.uniform(0, cycle)
            while t > end_ago:
                items.append((t, [(product.sku, quantity)]))
                step = cycle * rng.uniform(0.85, 1.2)
                t -= step * 2 if rng.random() < 0.08 else step  # now and then bought elsewhere
    span = start_ago - end_ago
    # New customers shop at the rate of their first weeks, not pro rata over two years.
    mean = a.discretionary if a.name == "new" else a.discretionary * span / ORDER_HISTORY_DAYS
    for _ in range(poisson(rng, mean)):
        t = end_ago + rng.uniform(0, span)
        group = rng.choices(GROUPS, weights=p.affinity)[0]
        leaf = rng.choice(GROUP_LEAVES[group])
        count = rng.randint(1, 3) if group == "cat_grocery" else 1
        lines = [
            (
                pick(rng, catalog.by_category[leaf], p.tier).sku,
                rng.randint(1, 3) if group == "cat_grocery" else 1,
            )
            for _ in range(count)
        ]
        if group != "cat_grocery" and rng.random() < 0.25:
            extra = pick(rng, catalog.by_category[rng.choice(GROCERY_CATEGORIES)], p.tier)
            lines.append((extra.sku, 1))
        items.append((t, lines))
        if group == "cat_phones" and rng.random() < 0.45:
            # A new phone often brings a case or charger a little later: cross-sell signal.
            later = t - rng.uniform(0, 21)
            accessories = catalog.accessories[lines[0][0]]
            if later > end_ago:
                items.append(
                    (later, [(sku, 1) for sku in rng.sample(accessories, rng.randint(1, 2))])
                )
    items.sort(key=lambda item: -item[0])
    merged: list[tuple[float, list[tuple[str, int]]]] = []
    for t, lines in items:
        if merged and merged[-1][0] - t < MERGE_DAYS:
            merged[-1][1].extend(lines)
        else:
            merged.append((t, list(lines)))
    return merged


def _orders(
    rng: random.Random,
    world: World,
    p: Profile,
    history: History,
    wallet: Wallet | None,
    pays_with_wallet: bool,
) -> None:
    now = world.now
    start_ago = min(ORDER_HISTORY_DAYS, (now - p.created_at).total_seconds() / 86400)
    end_ago = rng.uniform(200, 540) if p.archetype.name == "lapsed" else 0.0
    if start_ago <= end_ago:
        return
    planned = []
    for days_ago, lines in _baskets(rng, world, p, start_ago, end_ago):
        channel = rng.choices(CHANNELS, weights=p.weights)[0]
        at = moment(
            rng, now, days_ago, STORE_HOURS if channel == "STORE" else ONLINE_HOURS, p.weekend
        )
        lines = [(sku, q) for sku, q in lines if world.catalog.by_sku[sku].released_at < at]
        if not lines or at <= p.created_at:
            continue
        if channel == "STORE":
            fulfillment = "PICKUP"
            store: str | None = p.home if rng.random() < 0.85 else rng.choice(STORE_IDS)
        elif rng.random() < 0.25:
            fulfillment, store = "PICKUP", p.home
        else:
            fulfillment, store = "SHIP", None
        age = now - at
        if age < timedelta(days=1):
            status = "PLACED"
        elif age < timedelta(days=3) and fulfillment == "SHIP":
            status = "SHIPPED"
        else:
            status = "CANCELLED" if rng.random() < 0.02 else COMPLETED
        discount = 10 if rng.random() < 0.07 else 0
        planned.append((at, channel, lines, fulfillment, store, status, discount))
    planned.sort(key=lambda plan: plan[0])
    for at, channel, lines, fulfillment, store, status, discount in planned:
        order = history.order(
            at,
            channel,
            lines,
            fulfillment=fulfillment,
            store_id=store,
            status=status,
            discount_percent=discount,
        )
        if wallet is None:
            continue
        if (
            pays_with_wallet
            and status == COMPLETED
            and channel != "WEB"
            and rng.random() < 0.6
            and order.total > 0
        ):
            if wallet.balance < order.total:
                shortfall = order.total - wallet.balance
                amount = -(-shortfall // 2500) * 2500 + rng.choice((0, 0, 2500, 5000))
                wallet.top_up(
                    amount,
                    at - timedelta(minutes=rng.randint(5, 180)),
                    rng.choice(("card", "PayPal")),
                )
            wallet.pay(order.total, at, order.id)
        wallet.earn(order)


def _events(rng: random.Random, world: World, p: Profile, history: History) -> None:
    now = world.now
    since = max(p.created_at, now - timedelta(days=120))
    span = (now - since).total_seconds()
    if span <= 3600 or (p.archetype.name == "lapsed" and rng.random() < 0.8):
        return
    catalog = world.catalog
    events: list[tuple[datetime, str, str, str | None]] = []
    for _ in range(rng.randint(0, 16 if p.archetype.name == "heavy" else 10)):
        at = since + timedelta(seconds=rng.randint(0, int(span) - 60))
        if rng.random() < 0.55:
            group = rng.choices(GROUPS, weights=p.affinity)[0]
            product = pick(rng, catalog.by_category[rng.choice(GROUP_LEAVES[group])], p.tier)
        else:
            product = rng.choice(catalog.infos)
        if product.released_at >= at:
            continue
        channel = "MOBILE_APP" if p.uses_app and rng.random() < 0.6 else "WEB"
        events.append((at, "product_viewed", channel, product.sku))
    if p.uses_app:
        app_since = max(p.created_at, now - timedelta(days=60))
        app_span = int((now - app_since).total_seconds()) - 60
        for _ in range(rng.randint(0, 4) if app_span > 0 else 0):
            at = app_since + timedelta(seconds=rng.randint(0, app_span))
            events.append((at, "app_opened", "MOBILE_APP", None))
    events.sort(key=lambda e: (e[0], e[1]))
    for at, type_, channel, sku in events:
        history.event(type_, at, channel, sku)


def generate_customer(world: World, rows: ChunkRows, n: int) -> None:
    rng = random.Random(f"{world.seed}:customer:{n}")
    p = _profile(rng, world, n, rows)
    history = History(rows, world.counters, world.prices, p.id, p.group)
    member = rng.random() < p.archetype.loyalty_chance
    wallet: Wallet | None = None
    if member:
        rows["customer_identifiers"].append(
            identifier_row(
                p.id,
                "LOYALTY_CARD",
                f"LC-{n:06d}",
                rng.choice(("pos", "app", "crm")),
                min(p.created_at + timedelta(days=rng.randint(0, 90)), world.now),
            )
        )
        wallet = Wallet(world.ledger, rows, p.id)
    _orders(rng, world, p, history, wallet, p.uses_app and rng.random() < 0.5)
    if wallet is not None:
        wallet.close()
        rows["loyalty_accounts"].append(loyalty_row(p.id, history.orders, world.now))
    _events(rng, world, p, history)
