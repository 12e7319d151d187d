"""Words for the REST contract documents: what each record and operation is, where the
port's own docstring does not say. ``openapi.py`` prefers a docstring; a test fails when a
schema or an operation ends up with neither."""

from __future__ import annotations

SCHEMAS: dict[str, str] = {
    "BasketQuery": "Baskets that contain one SKU, for mining what is bought with it.",
    "BudgetUsage": "How much of a pricing rule's redemption budget is used, in total and by "
    "one customer.",
    "BundleComponentRecord": "One product of a bundle and how many of it the bundle holds.",
    "BundleQuery": "A page of bundles that contain one product.",
    "BundleRecord": "A set of products sold together at a discount: curated, or mined from "
    "orders (then with its support and lift).",
    "CartActivityRecord": "An open cart and when it last changed (for abandoned-cart offers).",
    "CartLineRecord": "One SKU in a cart, with its quantity and the bundle it was added for.",
    "CartRecord": "A shopping cart: its owner (or none, for a guest), channel, currency, "
    "status and lines.",
    "CategoryRecord": "A catalog category; `parent_id` is null at the top of the tree.",
    "ConsentRecord": "What a customer agreed to: marketing by email or SMS, personalisation.",
    "ContentKey": "Which content entry: its entity type (product, category, ...), key and locale.",
    "ContentRecord": "Editorial content in one locale: title, body and image URLs.",
    "CustomerMetricsRecord": "A customer's single-view figures in one currency: orders, "
    "revenue, RFM scores and segment, ABC class and lifetime-value predictions.",
    "CustomerOrderStats": "A customer's order count and lifetime value, as pricing rules see them.",
    "CustomerRecord": "A customer profile as the CRM holds it.",
    "Error": "Every non-2xx answer: a stable `code`, a human `message` and extensions.",
    "EventRecord": "A behavioural event (view, add to cart, store visit, ...) from one channel.",
    "IdentityRecord": "One identifier linked to a customer (email, phone, loyalty card, "
    "device, ...), with where and when it was linked.",
    "LocationRecord": "A warehouse or store: position, region, address and whether it ships "
    "or offers pickup.",
    "LoyaltyChange": "The outcome of earning points: points added now and pending, the tier "
    "before and after; `replayed` when the idempotency key was seen before.",
    "LoyaltyRecord": "A customer's loyalty account: points, tier, points to the next tier, "
    "pending points and points expiring soon.",
    "MergeRecord": "Two customer records merged into one: who did it, when, and what moved.",
    "Money": "An amount in minor units (cents) of an ISO 4217 currency; never a float.",
    "NewOrderLine": "A line of an order to place: SKU, quantity, unit price, bundle.",
    "NewPaymentMethod": "A payment method to store: a provider token (never card data), "
    "its display details, and whether it becomes the default.",
    "OfferRecord": "An offer issued to a customer: what, why, where, by which trigger, "
    "and until when.",
    "OrderLineRecord": "One SKU of a placed order at the unit price it was sold for.",
    "OrderQuery": "A page of one customer's orders, optionally of one channel.",
    "OrderRecord": "A placed order with its totals, fulfilment, status and lines.",
    "PageBundleRecord": "A page of bundles with the cursor for the next one.",
    "PageCartRecord": "A page of a customer's carts with the cursor for the next one.",
    "PageOrderRecord": "A page of orders with the cursor for the next one.",
    "PagePricingRuleRecord": "A page of pricing rules with the cursor for the next one.",
    "PageProductRecord": "A page of products with the cursor for the next one.",
    "PageWalletTransactionRecord": "A page of wallet transactions with the cursor for the "
    "next one.",
    "Pagestr": "A page of identifiers with the cursor for the next one.",
    "PaymentMethodRecord": "A stored payment method as shown to its owner.",
    "PointsEarning": "Points to credit for a purchase or an action, with how long they stay "
    "pending and how long they are valid.",
    "PriceRow": "A list price of a SKU in one currency, optionally for one channel, "
    "customer group or minimum quantity, within a validity window.",
    "PricingRuleVersionRecord": "A pricing rule as it was after one change, and what the "
    "change was.",
    "ProductRecord": "A product as the commerce backend holds it; prices and stock come "
    "from their own domains.",
    "PurchasedLine": "One SKU a customer bought, with the order and when.",
    "RecentViewsQuery": "The products a customer viewed last.",
    "RedemptionRecord": "The outcome of redeeming points into wallet credit or a reward.",
    "ReferralRecord": "One referral: who referred whom with which code, and its status.",
    "ReferralSummary": "A referrer's code with how many people it brought and rewarded.",
    "ReservationLine": "Units of a SKU held at one location.",
    "ReservationRecord": "Stock held for a checkout until it commits or `expires_at` passes.",
    "SegmentMembersQuery": "A page of the customers in one segment.",
    "SegmentRecord": "A segment a customer belongs to (RFM, ABC, behaviour, ...).",
    "ShoppingListEntryRecord": "A SKU on a customer's shopping list.",
    "StockRecord": "Units of a SKU at one location: on hand, reserved and kept back as "
    "safety stock.",
    "TransactionQuery": "A page of one customer's wallet transactions.",
    "WalletRecord": "A customer's stored-value wallet and its balance.",
    "WalletTransactionRecord": "One movement of a wallet's balance.",
}

OPERATIONS: dict[str, str] = {
    "add_payment_method": "Store a payment method for a customer.",
    "bundles_by_id": "Bundles by id.",
    "carts_by_id": "Carts by id.",
    "categories_by_id": "Categories by id.",
    "consents": "Each customer's consents.",
    "create_cart": "Open a new cart.",
    "create_referral_code": "Create (or return) a customer's referral code.",
    "customer_metrics": "Each customer's single-view figures.",
    "customer_order_stats": "Each customer's order count and lifetime value.",
    "customers_by_id": "Customer profiles by id.",
    "delete_rule": "Delete a pricing rule.",
    "earn_points": "Credit loyalty points; idempotent by its key.",
    "events_by_id": "Behavioural events by id.",
    "identities": "Each customer's linked identifiers.",
    "list_rules": "A page of pricing rules.",
    "locations": "Every warehouse and store.",
    "locations_by_id": "Locations by id.",
    "loyalty_accounts": "Each customer's loyalty account.",
    "merges": "Each customer's merge history.",
    "orders_by_id": "Orders by id.",
    "orders_for_customers": "A page of orders per query (customer, channel, cursor).",
    "payment_methods": "Each customer's stored payment methods.",
    "products_by_id": "Products by id.",
    "products_by_sku": "Products by SKU.",
    "record_referral": "Record that a customer joined with a referral code.",
    "redeem_points": "Redeem points into wallet credit or a reward; idempotent by its key.",
    "referral_summaries": "Each customer's referral code and results.",
    "referrer_for_code": "The customer a referral code belongs to.",
    "remove_payment_method": "Remove a stored payment method.",
    "reservations": "Reservations by reference.",
    "rule_versions": "Each pricing rule's change history.",
    "rules_by_id": "Pricing rules by id.",
    "search_bundles": "A page of bundles per query.",
    "search_products": "A page of products per search (text, category, cursor).",
    "set_default_payment_method": "Make a stored payment method the default.",
    "shopping_list_entries": "Each customer's shopping list.",
    "transactions": "A page of wallet transactions per query.",
    "wallets": "Each customer's wallet.",
}

KINDS = {
    "ids": "Keys travel as `?ids=a,b,c`; `POST .../batch` takes the same keys as JSON.",
    "keys": "Keys are structured, so they travel as JSON in the body.",
    "all": "Takes no keys and answers every item.",
    "write": "A write: arguments as a JSON object, the outcome as `item`.",
}
