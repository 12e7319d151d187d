"""Pricing lines for a shopper: gather the context through the request's loaders (one batch
per backend, all backends at once) and run the pure engine on it.

``quote_lines`` prices one set of lines together, so cart-wide rules see them all;
``price_products`` prices every single product a request asks for in one engine pass per
channel, store and currency. Rules with a budget are left out once spent, and ``redeem``
counts them for an order.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from commercegraph.adapters.base import (
    CustomerOrderStats,
    LocationRecord,
    PriceRow,
    PricingBackend,
    ProductRecord,
    SegmentRecord,
    StockRecord,
)
from commercegraph.config import Settings
from commercegraph.errors import BadUserInput, NotFound
from commercegraph.loaders import Loaders, load_all
from commercegraph.services.pricing import select_base_price
from commercegraph.services.pricing_engine import (
    LineInput,
    LineResult,
    QuoteResult,
    RuleSet,
    Shopper,
    price,
    price_many,
    unavailable_rules,
)
from commercegraph.usecases.availability import sites_for, units_for_shopper
from commercegraph.usecases.validation import check_currency, check_quantity

MAX_QUOTE_LINES = 500

PriceKey = tuple[str, int, str, str | None, str]  # sku, quantity, channel, store id, currency
QuoteLine = tuple[str, int, str | None]  # sku, quantity, bundle id
CatalogFacts = tuple[list[ProductRecord | None], list[list[StockRecord]], list[LocationRecord]]
PricingFacts = tuple[list[list[PriceRow]], list[int]]


@dataclass(frozen=True, slots=True)
class PricingPorts:
    """The request's loaders (every read batched), the pricing port for budgets, and the
    settings that route stock and name the default currency."""

    reads: Loaders
    pricing: PricingBackend
    settings: Settings


async def shopper(
    ports: PricingPorts,
    customer_id: str | None,
    *,
    channel: str,
    store_id: str | None,
    fulfillment: str | None,
    currency: str,
) -> Shopper:
    reads = ports.reads
    region = ""
    if store_id is not None:
        store: LocationRecord | None = await reads.location_by_id.load(store_id)
        if store is None or store.kind != "STORE":
            raise NotFound(f"No store {store_id!r}", argument="storeId")
        region = store.region
    common: dict[str, Any] = {
        "channel": channel,
        "fulfillment": fulfillment or ("PICKUP" if store_id else "SHIP"),
        "store_id": store_id or "",
        "store_region": region,
        "currency": currency,
    }
    if customer_id is None:
        return Shopper(**common)
    customer, segments, loyalty, stats = await asyncio.gather(
        reads.customer_by_id.load(customer_id),
        reads.segments.load(customer_id),
        reads.loyalty.load(customer_id),
        reads.order_stats.load(customer_id),
    )
    segs: list[SegmentRecord] = segments
    order_stats: CustomerOrderStats = stats
    return Shopper(
        customer_id=customer_id,
        segments=tuple(sorted(s.key for s in segs)),
        loyalty_tier=loyalty.tier if loyalty is not None else "",
        group=customer.customer_group if customer is not None else "",
        lifetime_value=order_stats.lifetime_value,
        order_count=order_stats.order_count,
        **common,
    )


async def _line_inputs(
    ports: PricingPorts, who: Shopper, lines: Sequence[QuoteLine], now: datetime
) -> list[LineInput | NotFound]:
    """Every line's product, base price, stock and demand, in one batch per backend, all
    backends at once."""
    skus = list(dict.fromkeys(sku for sku, _, _ in lines))
    catalog, pricing = await asyncio.gather(
        _catalog_facts(ports.reads, skus), _pricing_facts(ports.reads, skus, who.currency)
    )
    return _inputs_from(ports.settings, who, lines, skus, catalog, pricing, now)


async def _catalog_facts(reads: Loaders, skus: list[str]) -> CatalogFacts:
    """The lines' products, stock and the locations (commerce and inventory)."""
    products, stock, locations = await asyncio.gather(
        load_all(reads.product_by_sku, skus),
        load_all(reads.stock, skus),
        reads.all_locations.load("*"),
    )
    return products, stock, locations


async def _pricing_facts(reads: Loaders, skus: list[str], currency: str) -> PricingFacts:
    """The lines' price rows and demand (pricing)."""
    rows, views = await asyncio.gather(
        load_all(reads.price_rows, [(sku, currency) for sku in skus]),
        load_all(reads.product_views, skus),
    )
    return rows, views


def _inputs_from(
    settings: Settings,
    who: Shopper,
    lines: Sequence[QuoteLine],
    skus: list[str],
    catalog: CatalogFacts,
    pricing: PricingFacts,
    now: datetime,
) -> list[LineInput | NotFound]:
    products, stock, locations = catalog
    rows, views = pricing
    facts = dict(zip(skus, zip(products, rows, stock, views, strict=True), strict=True))
    at = None if who.store_id else sites_for(settings, locations, who.channel)
    inputs: list[LineInput | NotFound] = []
    for sku, quantity, bundle_id in lines:
        product, price_rows, stock_rows, viewed = facts[sku]
        if product is None:
            inputs.append(NotFound(f"No product with sku {sku!r}", argument="sku"))
            continue
        row = select_base_price(
            price_rows,
            channel=who.channel,
            customer_group=who.group or None,
            quantity=quantity,
            now=now,
        )
        if row is None:
            inputs.append(
                NotFound(f"No {who.currency} price for {sku} on {who.channel}", backend="pricing")
            )
            continue
        inputs.append(
            LineInput(
                sku=sku,
                quantity=quantity,
                unit_base=row.amount,
                category=product.category or "",
                brand=product.brand or "",
                tags=product.tags,
                floor_price=product.floor_price,
                bundle_id=bundle_id,
                stock_available=units_for_shopper(
                    settings,
                    stock_rows,
                    locations,
                    channel=who.channel,
                    store_id=who.store_id,
                    at=at,
                ),
                views_24h=viewed,
                valid_until=row.valid_until,
            )
        )
    return inputs


async def quote_lines(
    ports: PricingPorts,
    customer_id: str | None,
    lines: Sequence[QuoteLine],
    *,
    channel: str,
    store_id: str | None,
    currency: str | None,
    now: datetime,
    fulfillment: str | None = None,
) -> QuoteResult:
    """Price ``(sku, quantity, bundle id)`` lines for the shopper; carts are priced so too."""
    if not lines:
        raise BadUserInput("A quote needs at least one line", argument="lines")
    if len(lines) > MAX_QUOTE_LINES:
        raise BadUserInput(f"A quote has at most {MAX_QUOTE_LINES} lines", argument="lines")
    for _, quantity, _ in lines:
        check_quantity(quantity)
    code = check_currency(currency, ports.settings.default_currency)
    who = await shopper(
        ports,
        customer_id,
        channel=channel,
        store_id=store_id,
        fulfillment=fulfillment,
        currency=code,
    )
    rule_set, inputs = await asyncio.gather(
        ports.reads.pricing_rule_set.load("*"), _line_inputs(ports, who, lines, now)
    )
    for line in inputs:
        if isinstance(line, NotFound):
            raise line
    spent = await _spent_budgets(ports.reads, rule_set, who.customer_id)
    priced = [i for i in inputs if isinstance(i, LineInput)]
    return price(rule_set, who, priced, now=now, unavailable=spent)


async def price_products(
    ports: PricingPorts, customer_id: str | None, keys: list[PriceKey], now: datetime
) -> list[LineResult | Exception]:
    """One price per key, each product alone: the batch behind a request's product prices."""
    reads = ports.reads
    found: dict[PriceKey, LineResult | Exception] = {}
    groups: dict[tuple[str, str | None, str], list[PriceKey]] = {}
    for key in keys:
        groups.setdefault((key[2], key[3], key[4]), []).append(key)
    anonymous = customer_id is None
    for (channel, store_id, currency), members in groups.items():
        lines = [(k[0], k[1], None) for k in members]
        skus = list(dict.fromkeys(k[0] for k in members))
        # Commerce and inventory are asked at once with the shopper. Pricing's first call of
        # the group goes alone (the signed-in shopper's order statistics, else the rules), and
        # the rest only once it answered: a failing pricing backend sees one call per group
        # and says so, instead of several at once opening its circuit.
        first = await asyncio.gather(
            shopper(
                ports,
                customer_id,
                channel=channel,
                store_id=store_id,
                fulfillment=None,
                currency=currency,
            ),
            _catalog_facts(reads, skus),
            *([reads.pricing_rule_set.load("*")] if anonymous else []),
            return_exceptions=True,
        )
        _reraise_cancellation(first)
        try:
            who = _value(first[0])
            rule_set: RuleSet = _value(
                first[2] if anonymous else await reads.pricing_rule_set.load("*")
            )
            spent, pricing = await asyncio.gather(
                _spent_budgets(reads, rule_set, who.customer_id),
                _pricing_facts(reads, skus, currency),
                return_exceptions=True,
            )
            _reraise_cancellation((spent, pricing))
            spent = _value(spent)
        except Exception as exc:  # the whole group fails alike, e.g. an unknown store
            found.update((k, exc) for k in members)
            continue
        inputs = _inputs_from(
            ports.settings, who, lines, skus, _value(first[1]), _value(pricing), now
        )
        priced = [(k, i) for k, i in zip(members, inputs, strict=True) if isinstance(i, LineInput)]
        found.update(
            (k, i) for k, i in zip(members, inputs, strict=True) if isinstance(i, Exception)
        )
        results = price_many(rule_set, who, [[i] for _, i in priced], now=now, unavailable=spent)
        found.update((k, r.lines[0]) for (k, _), r in zip(priced, results, strict=True))
    return [found[k] for k in keys]


def _value(result: Any) -> Any:
    """A result of ``gather(..., return_exceptions=True)``: raised when it is an exception."""
    if isinstance(result, BaseException):
        raise result
    return result


def _reraise_cancellation(results: Sequence[Any]) -> None:
    for result in results:
        if isinstance(result, BaseException) and not isinstance(result, Exception):
            raise result


async def _spent_budgets(
    reads: Loaders, rule_set: RuleSet, customer_id: str | None
) -> frozenset[str]:
    budgeted = [r.id for r in rule_set.rules if r.has_budget()]
    if not budgeted:
        return frozenset()
    usage = await reads.budget_usage.load_many([(i, customer_id or "") for i in budgeted])
    return unavailable_rules(
        rule_set,
        {i: (u.redeemed, u.redeemed_by_customer) for i, u in zip(budgeted, usage, strict=True)},
    )


async def budgeted_rules(ports: PricingPorts, rule_ids: Iterable[str]) -> list[str]:
    """Those of ``rule_ids`` that carry a budget, sorted."""
    wanted = set(rule_ids)
    if not wanted:
        return []
    rule_set: RuleSet = await ports.reads.pricing_rule_set.load("*")
    return sorted({r.id for r in rule_set.rules if r.has_budget() and r.id in wanted})


async def redeem(
    ports: PricingPorts, order_id: str, customer_id: str | None, rule_ids: Iterable[str]
) -> list[str]:
    """Count the applied rules that carry a budget once for ``order_id`` (a checkout
    reference: retries redeem nothing twice); raises ``Conflict`` when one is spent."""
    wanted = await budgeted_rules(ports, rule_ids)
    if not wanted:
        return []
    return await ports.pricing.redeem(order_id, customer_id, wanted)
