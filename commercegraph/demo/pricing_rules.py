"""The demo retailer's pricing rules: loyalty tiers, pickup, coffee pods, overstock, welcome.

Rules are checked with the engine before they are written, so a demo rule that stopped
type-checking would fail the seed rather than sit silently unused.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime

from sqlalchemy import insert

from commercegraph.adapters.base import PricingRuleRecord
from commercegraph.adapters.native.pricing import bump_revision
from commercegraph.services.pricing_engine import compile_rule
from commercegraph.store import models as m
from commercegraph.store.db import Store

AUTHOR = "demo-seed"
COFFEE = "Coffee Pods"


def _effect(**fields: object) -> str:
    return json.dumps(fields, sort_keys=True)


LOYALTY_PERCENT_OFF = {"BRONZE": 1, "SILVER": 2, "GOLD": 4, "PLATINUM": 6}

DEMO_RULES: tuple[PricingRuleRecord, ...] = (
    *(
        PricingRuleRecord(
            id=f"rule_loyalty_{tier.lower()}",
            name=f"{tier.title()} members save {percent}%",
            condition=f'customer.loyalty_tier == "{tier}"',
            effect=_effect(type="percent_off", percent=percent),
            priority=10,
        )
        for tier, percent in LOYALTY_PERCENT_OFF.items()
    ),
    PricingRuleRecord(
        id="rule_bopis",
        name="Pick up in store: 5% off",
        condition='fulfillment == "PICKUP" && store.id != ""',
        effect=_effect(type="percent_off", percent=5),
        priority=20,
    ),
    PricingRuleRecord(
        id="rule_coffee_three",
        name="Buy 3 boxes of coffee pods, save 10%",
        condition=f'line.category == "{COFFEE}" && cart.category_quantities["{COFFEE}"] >= 3',
        effect=_effect(type="percent_off", percent=10),
        priority=30,
    ),
    PricingRuleRecord(
        id="rule_overstock_shoes",
        name="Overstock markdown: shoes 15% off",
        condition='"shoes" in line.tags && stock.available >= 200 && demand.views_24h < 5',
        effect=_effect(type="percent_off", percent=15),
        priority=40,
    ),
    PricingRuleRecord(
        id="rule_app_members",
        name="Members in the app: 3% off",
        condition='channel == "MOBILE_APP" && !customer.anonymous',
        effect=_effect(type="percent_off", percent=3),
        priority=15,
        channels=("MOBILE_APP",),
    ),
    PricingRuleRecord(
        id="rule_rfm_champions",
        name="Champions: 2.50 off each running shoe",
        condition='"rfm:champions" in customer.segments && line.category == "Running Shoes"',
        effect=_effect(type="amount_off", amount=250),
        priority=12,
    ),
    PricingRuleRecord(
        id="rule_welcome",
        name="Welcome: 5.00 off your first order",
        condition="customer.is_first_order && cart.subtotal >= 2500",
        effect=_effect(type="amount_off", amount=500, per="cart"),
        priority=0,
        max_redemptions_per_customer=1,
    ),
)


async def seed_pricing_rules(store: Store, now: datetime) -> int:
    """Write the demo rules with their first version; returns how many."""
    for rule in DEMO_RULES:
        compile_rule(rule)
    rows, versions = [], []
    for rule in DEMO_RULES:
        saved = PricingRuleRecord(
            **{
                **asdict(rule),
                "created_by": AUTHOR,
                "created_at": now,
                "updated_by": AUTHOR,
                "updated_at": now,
            }
        )
        row = asdict(saved)
        row["channels"] = list(saved.channels)
        rows.append({**row, "redeemed": 0})
        snapshot = {k: v.isoformat() if isinstance(v, datetime) else v for k, v in row.items()}
        versions.append(
            {
                "rule_id": rule.id,
                "version": 1,
                "change": "CREATED",
                "snapshot": snapshot,
                "changed_by": AUTHOR,
                "changed_at": now,
            }
        )
    async with store.write() as session:
        await session.execute(insert(m.PricingRule), rows)
        await session.execute(insert(m.PricingRuleVersion), versions)
        await bump_revision(session)
    return len(rows)
