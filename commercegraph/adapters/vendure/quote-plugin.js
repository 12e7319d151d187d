// CommerceGraphQuotePlugin: a Vendure 3 plugin that makes an order carry the prices the
// CommerceGraph gateway quoted, so the order Vendure records has the lines, quantities and
// total the shopper was shown.
//
// The gateway writes its quote on the order, before checkout, into the `cgQuote` custom field
// (Admin API only, not in the Shop API): a JSON object
//   { "unitPrices": { "<sku>": <minor units>, ... }, "adjustment": <minor units> }
// - the order-line price strategy prices a line whose sku is quoted at the quoted unit price
//   (tax included: the price the shopper sees is the price they pay); unquoted lines keep the
//   price the strategy configured before this plugin gives them;
// - the `commercegraph_quote_adjustment` order promotion action adds `adjustment` (negative
//   for a discount the unit prices do not show, such as a bundle's) to the order. It needs one
//   enabled promotion, without a coupon, with the `commercegraph_quoted` condition (the order
//   carries a quote) and this action.
//
// A retailer adds it to their Vendure config: `plugins: [CommerceGraphQuotePlugin, ...]`.
const {
    PluginCommonModule,
    PromotionCondition,
    PromotionOrderAction,
    VendurePlugin,
} = require('@vendure/core');

const QUOTE_FIELD = 'cgQuote';
const ADJUSTMENT_ACTION = 'commercegraph_quote_adjustment';
const QUOTED_CONDITION = 'commercegraph_quoted';

function readQuote(order) {
    const raw = order && order.customFields ? order.customFields[QUOTE_FIELD] : null;
    if (!raw) return null;
    try {
        const quote = JSON.parse(raw);
        return quote && typeof quote === 'object' ? quote : null;
    } catch (error) {
        return null;
    }
}

class QuotedPriceStrategy {
    constructor(fallback) {
        this.fallback = fallback;
    }

    init(injector) {
        if (this.fallback && typeof this.fallback.init === 'function') return this.fallback.init(injector);
    }

    destroy() {
        if (this.fallback && typeof this.fallback.destroy === 'function') return this.fallback.destroy();
    }

    calculateUnitPrice(ctx, productVariant, orderLineCustomFields, order, quantity) {
        const quote = readQuote(order);
        const price = quote && quote.unitPrices ? quote.unitPrices[productVariant.sku] : undefined;
        if (Number.isInteger(price) && price >= 0) return { price, priceIncludesTax: true };
        return this.fallback.calculateUnitPrice(ctx, productVariant, orderLineCustomFields, order, quantity);
    }
}

const quoted = new PromotionCondition({
    code: QUOTED_CONDITION,
    args: {},
    description: [{ languageCode: 'en', value: 'The order carries a CommerceGraph quote' }],
    check(ctx, order) {
        return readQuote(order) !== null;
    },
});

const quoteAdjustment = new PromotionOrderAction({
    code: ADJUSTMENT_ACTION,
    args: {},
    description: [
        { languageCode: 'en', value: "The part of a CommerceGraph quote its unit prices do not show" },
    ],
    execute(ctx, order) {
        const quote = readQuote(order);
        return quote && Number.isInteger(quote.adjustment) ? quote.adjustment : 0;
    },
});

class CommerceGraphQuotePlugin {}

VendurePlugin({
    imports: [PluginCommonModule],
    compatibility: '^3.0.0',
    configuration: config => {
        config.customFields.Order = [
            ...(config.customFields.Order || []),
            { name: QUOTE_FIELD, type: 'text', nullable: true, public: false },
        ];
        config.orderOptions.orderItemPriceCalculationStrategy = new QuotedPriceStrategy(
            config.orderOptions.orderItemPriceCalculationStrategy,
        );
        config.promotionOptions.promotionConditions = [
            ...(config.promotionOptions.promotionConditions || []),
            quoted,
        ];
        config.promotionOptions.promotionActions = [
            ...(config.promotionOptions.promotionActions || []),
            quoteAdjustment,
        ];
        return config;
    },
})(CommerceGraphQuotePlugin);

module.exports = { ADJUSTMENT_ACTION, CommerceGraphQuotePlugin, QUOTE_FIELD, QUOTED_CONDITION };
