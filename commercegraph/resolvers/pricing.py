"""Pricing reads and writes: gather the context through loaders, run the pure engine."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from commercegraph.adapters.base import (
    CustomerOrderStats,
    LocationRecord,
    Money,
    Page,
    PriceRow,
    PricingRuleRecord,
    ProductRecord,
    SegmentRecord,
    StockRecord,
)
from commercegraph.context import Context
from commercegraph.errors import BadUserInput, NotFound
from commercegraph.resolvers.catalog import check_currency, check_quantity
from commercegraph.services.pagination import check_first
from commercegraph.services.pricing import select_base_price
from commercegraph.services.pricing_engine import (
    STACKING_MODES,
    ConditionError,
    EffectError,
    LineInput,
    LineResult,
    QuoteResult,
    RuleSet,
    Shopper,
    compile_rule,
    price,
    price_many,
    unavailable_rules,
)
from commercegraph.usecases.availability import units_for_shopper

if TYPE_CHECKING:
    from commercegraph.resolvers.catalog import UnitPrice
    from commercegraph.resolvers.quote import QuoteResult as CartQuote

MAX_QUOTE_LINES = 500


async def shopper(
    ctx: Context, *, channel: str, store_id: str | None, fulfillment: str | None, currency: str
) -> Shopper:
    region = ""
    if store_id is not None:
        store: LocationRecord | None = await ctx.loaders.location_by_id.load(store_id)
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
    customer_id = ctx.caller.customer_id
    if customer_id is None:
        return Shopper(**common)
    customer, segments, loyalty, stats = await asyncio.gather(
        ctx.loaders.customer_by_id.load(customer_id),
        ctx.loaders.segments.load(customer_id),
        ctx.loaders.loyalty.load(customer_id),
        ctx.loaders.order_stats.load(customer_id),
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
    ctx: Context, who: Shopper, lines: Sequence[tuple[str, int, str | None]]
) -> list[LineInput | NotFound]:
    """Every line's product, base price, stock and demand, in one batch per backend, all
    backends at once."""
    skus = list(dict.fromkeys(sku for sku, _, _ in lines))
    catalog, pricing = await asyncio.gather(
        _catalog_facts(ctx, skus), _pricing_facts(ctx, skus, who.currency)
    )
    return _inputs_from(ctx, who, lines, skus, catalog, pricing)


CatalogFacts = tuple[list[ProductRecord | None], list[list[StockRecord]], list[LocationRecord]]
PricingFacts = tuple[list[list[PriceRow]], list[int]]


async def _catalog_facts(ctx: Context, skus: list[str]) -> CatalogFacts:
    """The lines' products, stock and the locations (commerce and inventory)."""
    products, stock, locations = await asyncio.gather(
        ctx.loaders.product_by_sku.load_many(skus),
        ctx.loaders.stock.load_many(skus),
        ctx.loaders.all_locations.load("*"),
    )
    return products, stock, locations


async def _pricing_facts(ctx: Context, skus: list[str], currency: str) -> PricingFacts:
    """The lines' price rows and demand (pricing)."""
    rows, views = await asyncio.gather(
        ctx.loaders.price_rows.load_many([(sku, currency) for sku in skus]),
        ctx.loaders.product_views.load_many(skus),
    )
    return rows, views


def _inputs_from(
    ctx: Context,
    who: Shopper,
    lines: Sequence[tuple[str, int, str | None]],
    skus: list[str],
    catalog: CatalogFacts,
    pricing: PricingFacts,
) -> list[LineInput | NotFound]:
    products, stock, locations = catalog
    rows, views = pricing
    facts = dict(zip(skus, zip(products, rows, stock, views, strict=True), strict=True))
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
            now=ctx.now,
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
                    ctx.settings,
                    stock_rows,
                    locations,
                    channel=who.channel,
                    store_id=who.store_id,
                ),
                views_24h=viewed,
                valid_until=row.valid_until,
            )
        )
    return inputs


async def quote_lines(
    ctx: Context,
    lines: Sequence[tuple[str, int, str | None]],
    *,
    channel: str,
    store_id: str | None,
    currency: str | None,
    fulfillment: str | None = None,
) -> QuoteResult:
    """Price ``(sku, quantity, bundle id)`` lines for the caller; carts call this too."""
    if not lines:
        raise BadUserInput("A quote needs at least one line", argument="lines")
    if len(lines) > MAX_QUOTE_LINES:
        raise BadUserInput(f"A quote has at most {MAX_QUOTE_LINES} lines", argument="lines")
    for _, quantity, _ in lines:
        check_quantity(quantity)
    code = check_currency(ctx, currency)
    who = await shopper(
        ctx, channel=channel, store_id=store_id, fulfillment=fulfillment, currency=code
    )
    rule_set, inputs = await asyncio.gather(
        ctx.loaders.pricing_rule_set.load("*"), _line_inputs(ctx, who, lines)
    )
    for line in inputs:
        if isinstance(line, NotFound):
            raise line
    spent = await _spent_budgets(ctx, rule_set, who.customer_id)
    priced = [i for i in inputs if isinstance(i, LineInput)]
    return price(rule_set, who, priced, now=ctx.now, unavailable=spent)


PriceKey = tuple[str, int, str, str | None, str]  # sku, quantity, channel, store id, currency


async def product_price(
    ctx: Context,
    sku: str,
    quantity: int,
    *,
    channel: str,
    store_id: str | None,
    currency: str | None,
) -> LineResult:
    """One product's price; every such call in a request is priced in one engine pass."""
    check_quantity(quantity)
    code = check_currency(ctx, currency)
    result: LineResult = await ctx.product_prices.load((sku, quantity, channel, store_id, code))
    return result


async def price_products(ctx: Context, keys: list[PriceKey]) -> list[LineResult | Exception]:
    found: dict[PriceKey, LineResult | Exception] = {}
    groups: dict[tuple[str, str | None, str], list[PriceKey]] = {}
    for key in keys:
        groups.setdefault((key[2], key[3], key[4]), []).append(key)
    anonymous = ctx.caller.customer_id is None
    for (channel, store_id, currency), members in groups.items():
        lines = [(k[0], k[1], None) for k in members]
        skus = list(dict.fromkeys(k[0] for k in members))
        # Commerce and inventory are asked at once with the shopper. Pricing's first call of
        # the group goes alone (the signed-in shopper's order statistics, else the rules), and
        # the rest only once it answered: a failing pricing backend sees one call per group
        # and says so, instead of several at once opening its circuit.
        first = await asyncio.gather(
            shopper(ctx, channel=channel, store_id=store_id, fulfillment=None, currency=currency),
            _catalog_facts(ctx, skus),
            *([ctx.loaders.pricing_rule_set.load("*")] if anonymous else []),
            return_exceptions=True,
        )
        _reraise_cancellation(first)
        try:
            who = _value(first[0])
            rule_set: RuleSet = _value(
                first[2] if anonymous else await ctx.loaders.pricing_rule_set.load("*")
            )
            spent, pricing = await asyncio.gather(
                _spent_budgets(ctx, rule_set, who.customer_id),
                _pricing_facts(ctx, skus, currency),
                return_exceptions=True,
            )
            _reraise_cancellation((spent, pricing))
            spent = _value(spent)
        except Exception as exc:  # the whole group fails alike, e.g. an unknown store
            found.update((k, exc) for k in members)
            continue
        inputs = _inputs_from(ctx, who, lines, skus, _value(first[1]), _value(pricing))
        priced = [(k, i) for k, i in zip(members, inputs, strict=True) if isinstance(i, LineInput)]
        found.update(
            (k, i) for k, i in zip(members, inputs, strict=True) if isinstance(i, Exception)
        )
        results = price_many(
            rule_set, who, [[i] for _, i in priced], now=ctx.now, unavailable=spent
        )
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
    ctx: Context, rule_set: RuleSet, customer_id: str | None
) -> frozenset[str]:
    budgeted = [r.id for r in rule_set.rules if r.has_budget()]
    if not budgeted:
        return frozenset()
    usage = await ctx.loaders.budget_usage.load_many([(i, customer_id or "") for i in budgeted])
    return unavailable_rules(
        rule_set,
        {i: (u.redeemed, u.redeemed_by_customer) for i, u in zip(budgeted, usage, strict=True)},
    )


async def redeem(ctx: Context, order_id: str, rule_ids: Iterable[str]) -> list[str]:
    """Count the applied rules that carry a budget once for ``order_id`` (a checkout
    reference: retries redeem nothing twice); raises ``Conflict`` when one is spent."""
    rule_set: RuleSet = await ctx.loaders.pricing_rule_set.load("*")
    budgeted = {r.id for r in rule_set.rules if r.has_budget()}
    wanted = sorted({i for i in rule_ids if i in budgeted})
    if not wanted:
        return []
    return await ctx.registry.pricing.redeem(order_id, ctx.caller.customer_id, wanted)


# rules


async def list_rules(ctx: Context, first: int, after: str | None) -> Page[PricingRuleRecord]:
    ctx.caller.require_staff()
    check_first(first, ctx.settings.max_page_size)
    return await ctx.registry.pricing.list_rules(first, after)


def check_rule(rule: PricingRuleRecord) -> None:
    """Refuse a rule that would not compile, saying which argument and where."""
    if not rule.name.strip() or len(rule.name) > 200:
        raise BadUserInput("`name` must be 1 to 200 characters", argument="input.name")
    if rule.stacking not in STACKING_MODES:
        raise BadUserInput(
            f"`stacking` must be one of {', '.join(STACKING_MODES)}", argument="input.stacking"
        )
    if not -1_000_000 <= rule.priority <= 1_000_000:
        raise BadUserInput("`priority` must be within ±1000000", argument="input.priority")
    if rule.valid_from and rule.valid_until and rule.valid_from >= rule.valid_until:
        raise BadUserInput("`validFrom` must be before `validUntil`", argument="input.validFrom")
    for name, cap in (
        ("maxRedemptions", rule.max_redemptions),
        ("maxRedemptionsPerCustomer", rule.max_redemptions_per_customer),
    ):
        if cap is not None and cap < 1:
            raise BadUserInput(f"`{name}` must be at least 1", argument=f"input.{name}")
    try:
        compile_rule(rule)
    except ConditionError as exc:
        argument = "input.effect" if isinstance(exc, EffectError) else "input.condition"
        raise BadUserInput(
            f"{argument.split('.')[1]}: {exc}",
            argument=argument,
            line=exc.line,
            column=exc.column,
            offset=exc.offset,
        ) from exc


async def upsert_rule(ctx: Context, rule: PricingRuleRecord) -> PricingRuleRecord:
    ctx.caller.require_staff()
    if rule.currency is not None:
        check_currency(ctx, rule.currency)
    if not rule.id:
        rule = PricingRuleRecord(**{**_fields(rule), "id": f"rule_{secrets.token_hex(8)}"})
    check_rule(rule)
    return await ctx.registry.pricing.save_rule(rule, ctx.caller.subject or "staff")


def _fields(rule: PricingRuleRecord) -> dict[str, Any]:
    return {f: getattr(rule, f) for f in rule.__dataclass_fields__}


async def delete_rule(ctx: Context, rule_id: str) -> bool:
    ctx.caller.require_staff()
    if not await ctx.registry.pricing.delete_rule(rule_id, ctx.caller.subject or "staff"):
        raise NotFound(f"No pricing rule {rule_id!r}", argument="id")
    return True


def unit_price_of(line: LineResult, currency: str) -> UnitPrice:
    """A line as a unit price: ``final`` is the line total per unit, rounded half up;
    the applied amounts are for the whole line, so they add up to base × quantity − total;
    ``valid_until`` is when the base price or an applied rule stops applying."""
    from commercegraph.resolvers.catalog import AppliedRuleResult, UnitPrice

    quantity = line.line.quantity
    return UnitPrice(
        base=Money(line.line.unit_base, currency),
        final=Money((2 * line.total + quantity) // (2 * quantity), currency),
        applied_rules=tuple(
            AppliedRuleResult(a.rule_id, a.name, a.effect, Money(a.amount, currency))
            for a in line.applied
        ),
        valid_until=min(
            (t for t in (line.line.valid_until, *(a.valid_until for a in line.applied)) if t),
            default=None,
        ),
    )


def as_cart_quote(result: QuoteResult) -> CartQuote:
    """The engine's quote in the shape ``schema.quote.PriceQuote`` shows (carts use it too)."""
    from commercegraph.resolvers.catalog import AppliedRuleResult
    from commercegraph.resolvers.quote import QuoteLineResult
    from commercegraph.resolvers.quote import QuoteResult as CartQuoteResult

    cur = result.currency
    return CartQuoteResult(
        lines=tuple(
            QuoteLineResult(
                sku=line.line.sku,
                quantity=line.line.quantity,
                unit_price=unit_price_of(line, cur),
                line_total=Money(line.total, cur),
                bundle_id=line.line.bundle_id,
            )
            for line in result.lines
        ),
        subtotal=Money(result.subtotal, cur),
        discounts=Money(result.discounts, cur),
        total=Money(result.total, cur),
        applied_rules=tuple(
            AppliedRuleResult(a.rule_id, a.name, a.effect, Money(a.amount, cur))
            for a in result.applied
        ),
    )
