"""The reference-story customers, Devi and Sam, always present whatever N is.

Their histories are built to make the documented journeys true on any day: Devi's coffee
pods are due again, she is a short purchase away from the next loyalty tier, the running
shoes she looked at yesterday are in stock at her home store; Sam bought a phone a few
weeks ago and nothing to go with it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from commercegraph.demo.catalog import ACCESSORY_CATEGORIES
from commercegraph.demo.constants import (
    DEVI_COFFEE_SKU,
    DEVI_ID,
    DEVI_SHOES_SKU,
    DEVI_SODA_SKU,
    DOWNTOWN_ID,
    ORDER_HISTORY_DAYS,
    QUALIFYING_WINDOW_DAYS,
    SAM_ID,
    SAM_PHONE_SKU,
)
from commercegraph.demo.customers import (
    ONLINE_HOURS,
    STORE_HOURS,
    World,
    identifier_row,
    moment,
    payment_method_row,
)
from commercegraph.demo.rows import ChunkRows, History, Wallet, loyalty_row
from commercegraph.services.loyalty import TIERS

DEVI_WALLET_BALANCE = 4250  # 42.50 USD after all her top-ups and payments
DEVI_TIER_GAP = (20, 30)  # qualifying points short of the next tier: one basket closes it
TOP_UP_STEP = 2500


@dataclass
class Plan:
    at: datetime
    channel: str
    fulfillment: str
    store_id: str | None
    lines: list[tuple[str, int]] = field(default_factory=list)


def _total(world: World, plan: Plan) -> int:
    merged: dict[str, int] = {}
    for sku, quantity in plan.lines:
        merged[sku] = merged.get(sku, 0) + quantity
    return sum(
        world.prices.unit_price(sku, plan.channel, "RETAIL", q) * q for sku, q in merged.items()
    )


def _devi_plans(world: World, rng: random.Random) -> list[Plan]:
    """Coffee pods every 21±3 days and soda water weekly.

    Her last box was bought 18.5-19.5 days ago, so on any day the demo runs her pods are due
    again within the next few days: the shopping list's "due soon" shows them.
    """
    now = world.now
    coffee: list[Plan] = []
    days_ago = rng.uniform(18.5, 19.5)
    while days_ago < ORDER_HISTORY_DAYS:
        roll = rng.random()
        if roll < 0.6:
            plan = Plan(
                moment(rng, now, days_ago, ONLINE_HOURS), "MOBILE_APP", "PICKUP", DOWNTOWN_ID
            )
        elif roll < 0.75:
            plan = Plan(moment(rng, now, days_ago, ONLINE_HOURS), "MOBILE_APP", "SHIP", None)
        else:
            plan = Plan(moment(rng, now, days_ago, STORE_HOURS), "STORE", "PICKUP", DOWNTOWN_ID)
        plan.lines.append((DEVI_COFFEE_SKU, 1))
        coffee.append(plan)
        days_ago += 21 + rng.randint(-3, 3)
    plans = list(coffee)
    days_ago = ORDER_HISTORY_DAYS - rng.uniform(0, 7)
    while days_ago > 1:
        at = moment(rng, now, days_ago, STORE_HOURS)
        near = [p for p in coffee if abs((p.at - at).total_seconds()) < 2 * 86400]
        if near:
            near[0].lines.append((DEVI_SODA_SKU, 1))
        elif rng.random() < 0.8:
            plans.append(Plan(at, "STORE", "PICKUP", DOWNTOWN_ID, [(DEVI_SODA_SKU, 1)]))
        else:
            plans.append(Plan(at, "MOBILE_APP", "PICKUP", DOWNTOWN_ID, [(DEVI_SODA_SKU, 1)]))
        days_ago -= 7 + rng.randint(-1, 1)
    return plans


def _devi_fillers(world: World, rng: random.Random, plans: list[Plan]) -> list[Plan]:
    """One-off purchases that put her qualifying spend 20-30 points under the next tier."""
    now = world.now
    since = now - timedelta(days=QUALIFYING_WINDOW_DAYS)
    spend = sum(_total(world, p) for p in plans if p.at >= since)
    points = spend // 100
    target = next(t for _, t in TIERS if t - DEVI_TIER_GAP[1] >= points)
    low, high = (target - DEVI_TIER_GAP[1]) * 100, (target - DEVI_TIER_GAP[0]) * 100 + 99
    fillers = [
        Plan(moment(rng, now, rng.uniform(30, 330), STORE_HOURS), "STORE", "PICKUP", DOWNTOWN_ID)
        for _ in range(3)
    ]
    fillers += [
        Plan(moment(rng, now, rng.uniform(30, 330), ONLINE_HOURS), "WEB", "SHIP", None)
        for _ in range(3)
    ]
    taboo = {DEVI_COFFEE_SKU, DEVI_SODA_SKU, DEVI_SHOES_SKU}
    # No accessories (she owns no phone from us) and no phones; each SKU once, at qty 1, so
    # no quantity tier changes the price between planning and placing.
    candidates = [
        p
        for p in world.catalog.infos
        if p.sku not in taboo
        and p.category_id not in ACCESSORY_CATEGORIES
        and p.group_id != "cat_phones"
        and p.released_at < now - timedelta(days=QUALIFYING_WINDOW_DAYS)
    ]
    turn = 0
    while spend < low:
        room = high - spend
        affordable = [p for p in candidates if p.price <= room]
        big = [p for p in affordable if p.price * 4 >= low - spend]
        choice = rng.choice(big or affordable)
        candidates.remove(choice)
        fillers[turn % len(fillers)].lines.append((choice.sku, 1))
        spend += choice.price
        turn += 1
    assert low <= spend <= high
    return [f for f in fillers if f.lines]


def _devi(world: World, rows: ChunkRows, rng: random.Random) -> None:
    now = world.now
    created = now - timedelta(days=912, hours=14, minutes=35)
    rows["customers"].append(
        {
            "id": DEVI_ID,
            "display_name": "Devi Sharma",
            "email": "devi@example.com",
            "customer_group": "RETAIL",
            "home_store_id": DOWNTOWN_ID,
            "referred_by": None,
            "created_at": created,
        }
    )
    for kind, value, source, days in (
        ("EMAIL", "devi@example.com", "web", 0),
        ("PHONE", "+1 503 555 0042", "app", 3),
        ("LOYALTY_CARD", "LC-DEVI-0001", "pos", 10),
        ("DEVICE", "dev-devi-iphone", "app", 3),
        ("POS_CUSTOMER", "POS-DEVI", "pos", 10),
    ):
        rows["customer_identifiers"].append(
            identifier_row(DEVI_ID, kind, value, source, created + timedelta(days=days))
        )
    rows["consents"].append(
        {
            "customer_id": DEVI_ID,
            "marketing_email": True,
            "marketing_sms": True,
            "personalization": True,
            "updated_at": created + timedelta(days=3),
        }
    )
    rows["payment_methods"].extend(
        [
            payment_method_row(
                DEVI_ID,
                1,
                "PAYPAL",
                "tok_paypal_7d3f9a1c2e4b",
                "PayPal ····@example.com",
                created + timedelta(days=3),
            ),
            payment_method_row(
                DEVI_ID,
                2,
                "CARD",
                "tok_visa_51c0e2a8b9d4",
                "Visa ····4242",
                created + timedelta(days=40),
            ),
        ]
    )
    plans = _devi_plans(world, rng)
    plans += _devi_fillers(world, rng, plans)
    plans.sort(key=lambda p: p.at)
    history = History(rows, world.counters, world.prices, DEVI_ID, "RETAIL")
    wallet = Wallet(world.ledger, rows, DEVI_ID)
    store_orders = [p for p in plans if p.channel == "STORE"]
    last_store = store_orders[-1]
    for plan in plans:
        order = history.order(
            plan.at, plan.channel, plan.lines, fulfillment=plan.fulfillment, store_id=plan.store_id
        )
        if plan.channel == "STORE":  # she pays at the till with the app's wallet
            top_up_at = plan.at - timedelta(minutes=20)
            if plan is last_store:
                # Split tender: the wallet pays what leaves exactly DEVI_WALLET_BALANCE,
                # the rest goes on PayPal. Earlier payments leave under TOP_UP_STEP, so a
                # top-up is always due here and the wallet part is 0.01-5.00.
                step = 500 if order.total >= 500 else 1
                needed = DEVI_WALLET_BALANCE - wallet.balance + 1
                if needed > 0:
                    wallet.top_up(-(-needed // step) * step, top_up_at, "PayPal")
                part = wallet.balance - DEVI_WALLET_BALANCE
                assert 0 < part <= order.total
                wallet.pay(part, plan.at, order.id)
            else:
                if wallet.balance < order.total:
                    shortfall = order.total - wallet.balance
                    wallet.top_up(-(-shortfall // TOP_UP_STEP) * TOP_UP_STEP, top_up_at, "PayPal")
                wallet.pay(order.total, plan.at, order.id)
        wallet.earn(order)
    assert wallet.balance == DEVI_WALLET_BALANCE
    wallet.close()
    rows["loyalty_accounts"].append(loyalty_row(DEVI_ID, history.orders, now))

    events: list[tuple[datetime, str, str, str | None]] = []
    for hours in sorted(rng.sample(range(2, 44), 3)):
        # She browsed the running shoes on the website in the last couple of evenings.
        events.append(
            (
                now - timedelta(days=1, hours=hours, minutes=rng.randint(0, 59)),
                "product_viewed",
                "WEB",
                DEVI_SHOES_SKU,
            )
        )
    browse = [
        p
        for p in world.catalog.infos
        if p.group_id in ("cat_grocery", "cat_footwear") and p.sku != DEVI_SHOES_SKU
    ]
    for _ in range(10):
        at = now - timedelta(days=rng.uniform(4, 60))
        events.append(
            (at.replace(microsecond=0), "product_viewed", "MOBILE_APP", rng.choice(browse).sku)
        )
    for _ in range(6):
        at = now - timedelta(days=rng.uniform(0.1, 30))
        events.append((at.replace(microsecond=0), "app_opened", "MOBILE_APP", None))
    events.sort(key=lambda e: (e[0], e[1]))
    for at, type_, channel, sku in events:
        history.event(type_, at, channel, sku)


def _sam(world: World, rows: ChunkRows, rng: random.Random) -> None:
    now = world.now
    created = now - timedelta(days=540, hours=9)
    rows["customers"].append(
        {
            "id": SAM_ID,
            "display_name": "Sam Okafor",
            "email": "sam@example.com",
            "customer_group": "RETAIL",
            "home_store_id": "loc_pearl",
            "referred_by": None,
            "created_at": created,
            "birth_date": now.date().replace(year=1992),  # today (a leap year takes 29 February)
        }
    )
    rows["customer_identifiers"].extend(
        [
            identifier_row(SAM_ID, "EMAIL", "sam@example.com", "web", created),
            identifier_row(SAM_ID, "PHONE", "+1 503 555 0077", "crm", created + timedelta(days=1)),
        ]
    )
    rows["consents"].append(
        {
            "customer_id": SAM_ID,
            "marketing_email": True,
            "marketing_sms": False,
            "personalization": True,
            "updated_at": created,
        }
    )
    rows["payment_methods"].append(
        payment_method_row(
            SAM_ID, 1, "CARD", "tok_mastercard_9e81c4d07a35", "Mastercard ····5454", created
        )
    )
    history = History(rows, world.counters, world.prices, SAM_ID, "RETAIL")
    established = now - timedelta(days=400)
    sneakers = next(
        p.sku for p in world.catalog.by_category["cat_sneakers"][4:] if p.released_at < established
    )
    tea = world.catalog.by_category["cat_tea"][1].sku
    phone_at = moment(rng, now, rng.uniform(23, 37), ONLINE_HOURS)
    for at, lines in (
        (moment(rng, now, 310, ONLINE_HOURS), [(sneakers, 1)]),
        (moment(rng, now, 190, ONLINE_HOURS), [(tea, 2)]),
        (phone_at, [(SAM_PHONE_SKU, 1)]),
    ):
        history.order(at, "WEB", lines, fulfillment="SHIP", store_id=None)
    for hours in (52, 49, 30):
        history.event("product_viewed", phone_at - timedelta(hours=hours), "WEB", SAM_PHONE_SKU)


def generate_story(world: World, rows: ChunkRows) -> None:
    rng = random.Random(f"{world.seed}:story")
    _devi(world, rows, rng)
    _sam(world, rows, rng)
