"""Closed sets of values the graph answers with, as GraphQL enums.

Each enum's Python value is the string the backends and the store use, so ``Enum(value)``
converts a record's field; values a backend may not send are not invented here.
"""

from __future__ import annotations

from enum import Enum

import strawberry
from strawberry import enum_value


@strawberry.enum(description="Whether a cart can still change.")
class CartStatus(Enum):
    OPEN = enum_value("OPEN", description="Lines can be added, changed and removed.")
    ORDERED = enum_value("ORDERED", description="Checked out; the cart is closed.")


@strawberry.enum(description="How much of a product can be promised at one location.")
class StockStatus(Enum):
    IN_STOCK = enum_value("IN_STOCK", description="More than the product's low-stock threshold.")
    LOW_STOCK = enum_value("LOW_STOCK", description="Some, at or under the low-stock threshold.")
    OUT_OF_STOCK = enum_value("OUT_OF_STOCK", description="Nothing available to promise.")


@strawberry.enum(description="Where an order is in its life.")
class OrderStatus(Enum):
    PLACED = enum_value("PLACED", description="Recorded and paid for; not yet shipped.")
    SHIPPED = enum_value("SHIPPED", description="On its way to the customer.")
    DELIVERED = enum_value("DELIVERED", description="Delivered to the shipping address.")
    PICKED_UP = enum_value("PICKED_UP", description="Collected at the pickup store.")
    COMPLETED = enum_value("COMPLETED", description="Done: past delivery, pickup or a till.")
    CANCELLED = enum_value("CANCELLED", description="Cancelled before it was fulfilled.")
    REFUNDED = enum_value("REFUNDED", description="Paid back to the customer.")


@strawberry.enum(description="How a segment was computed.")
class SegmentKind(Enum):
    RFM = enum_value("RFM", description="Recency, frequency and monetary scores.")
    ABC = enum_value("ABC", description="Class by share of revenue (A, B, C).")
    BEHAVIOUR = enum_value("BEHAVIOUR", description="A buying habit, e.g. deal seeker.")


@strawberry.enum(description="The named RFM segments, from the recency and frequency scores.")
class RfmSegment(Enum):
    CHAMPIONS = enum_value("champions", description="Bought recently, often and the most.")
    LOYAL = enum_value("loyal", description="Buy often and respond to rewards.")
    POTENTIAL_LOYALIST = enum_value(
        "potential-loyalist", description="Recent customers with more than one order."
    )
    NEW = enum_value("new", description="Bought for the first time very recently.")
    PROMISING = enum_value("promising", description="Recent shoppers who have not spent much.")
    NEED_ATTENTION = enum_value(
        "need-attention", description="Above average, but not bought lately."
    )
    ABOUT_TO_SLEEP = enum_value("about-to-sleep", description="Below average and fading.")
    AT_RISK = enum_value("at-risk", description="Spent a lot and often, but long ago.")
    CANNOT_LOSE_THEM = enum_value(
        "cannot-lose-them", description="Made the biggest purchases, and have not returned."
    )
    HIBERNATING = enum_value("hibernating", description="Last bought long ago; few orders.")
    LOST = enum_value("lost", description="Lowest recency, frequency and spend.")


@strawberry.enum(description="ABC class by share of revenue.")
class ValueClass(Enum):
    A = enum_value("A", description="The customers making the first 80% of revenue.")
    B = enum_value("B", description="The next 15% of revenue.")
    C = enum_value("C", description="The last 5% of revenue.")


@strawberry.enum(description="Loyalty tiers, lowest first; qualifying points decide the tier.")
class LoyaltyTier(Enum):
    BRONZE = enum_value("BRONZE", description="Every member starts here.")
    SILVER = enum_value("SILVER", description="1,000 qualifying points in 12 months.")
    GOLD = enum_value("GOLD", description="3,000 qualifying points in 12 months.")
    PLATINUM = enum_value("PLATINUM", description="8,000 qualifying points in 12 months.")


@strawberry.enum(description="What a wallet or points transaction did.")
class WalletTransactionKind(Enum):
    TOP_UP = enum_value("TOP_UP", description="Stored value bought with a payment method.")
    PAYMENT = enum_value("PAYMENT", description="Paid for an order.")
    REFUND = enum_value("REFUND", description="An order's wallet payment given back.")
    REDEEM = enum_value("REDEEM", description="Points turned into credit.")
    MERGE_TRANSFER = enum_value(
        "MERGE_TRANSFER", description="Moved from a customer merged into this one."
    )
    OPENING = enum_value("OPENING", description="The balance the account was opened with.")
    EARN = enum_value("EARN", description="Points earned by an order.")
    EARN_REVERSAL = enum_value("EARN_REVERSAL", description="Points taken back on a refund.")
    EXPIRE = enum_value("EXPIRE", description="Points that reached their expiry date.")
    RELEASE = enum_value("RELEASE", description="Pending points that became available.")


@strawberry.enum(description="How a bundle came to be and how its sets are made.")
class BundleKind(Enum):
    FIXED = enum_value("FIXED", description="A curated set: every component, every time.")
    MIX_AND_MATCH = enum_value(
        "MIX_AND_MATCH", description="Pick `pickCount` of the components; the set is discounted."
    )
    FREQUENTLY_BOUGHT_TOGETHER = enum_value(
        "FREQUENTLY_BOUGHT_TOGETHER", description="Mined from orders that held all of them."
    )


@strawberry.enum(description="Why an item is on the shopping list.")
class ShoppingListSource(Enum):
    EXPLICIT = enum_value("EXPLICIT", description="The customer put it there.")
    REPLENISHMENT = enum_value(
        "REPLENISHMENT", description="Inferred: bought at regular intervals and due again."
    )


@strawberry.enum(description="What an offer is about.")
class OfferKind(Enum):
    AVAILABLE_IN_STORE = enum_value(
        "AVAILABLE_IN_STORE", description="A product the customer looked at is in a nearby store."
    )
    PICKUP_INCENTIVE = enum_value(
        "PICKUP_INCENTIVE", description="A reason to pick up in store instead of shipping."
    )
    REPLENISHMENT_REMINDER = enum_value(
        "REPLENISHMENT_REMINDER", description="Something bought regularly is due again."
    )
    ABANDONED_CART = enum_value(
        "ABANDONED_CART", description="An open cart left unchanged for a while."
    )
    REWARD_LEVEL = enum_value(
        "REWARD_LEVEL", description="Close to the next loyalty tier or a reward."
    )


@strawberry.enum(description="How a pricing rule combines with the others that apply.")
class Stacking(Enum):
    STACK = enum_value("STACK", description="Applies together with the other rules.")
    EXCLUSIVE = enum_value(
        "EXCLUSIVE", description="Applies alone when it matches (the first such in order)."
    )
    STOP_AFTER = enum_value(
        "STOP_AFTER", description="Applies, and ends the line's list: no later rule applies."
    )


@strawberry.enum(description="What a saved version of a pricing rule did.")
class PricingRuleChange(Enum):
    CREATED = enum_value("CREATED", description="The first version.")
    UPDATED = enum_value("UPDATED", description="A later edit.")
    DELETED = enum_value("DELETED", description="The rule was deleted; its history stays.")


@strawberry.enum(description="Where a referral stands.")
class ReferralStatus(Enum):
    PENDING = enum_value("PENDING", description="Recorded; the friend has no completed order yet.")
    REWARDED = enum_value("REWARDED", description="The friend's order completed; points paid.")


@strawberry.enum(description="The kinds of backend the gateway composes.")
class BackendDomain(Enum):
    COMMERCE = enum_value("commerce", description="Catalog, carts and orders.")
    CONTENT = enum_value("content", description="The CMS: titles, copy and images.")
    CUSTOMER = enum_value("customer", description="Customer records, identities and consent.")
    PRICING = enum_value("pricing", description="Base prices per sku and currency.")
    INVENTORY = enum_value("inventory", description="Locations and stock.")
    WALLET = enum_value("wallet", description="Stored value, payment methods and loyalty points.")


@strawberry.enum(description="A backend's circuit breaker state.")
class CircuitState(Enum):
    CLOSED = enum_value("CLOSED", description="Calls go through.")
    OPEN = enum_value("OPEN", description="Calls fail fast until the cool-down ends.")
    HALF_OPEN = enum_value("HALF_OPEN", description="A trial call decides whether to close.")


@strawberry.enum(description="The kinds of payment method a wallet can hold.")
class PaymentMethodKind(Enum):
    CARD = enum_value("CARD", description="A debit or credit card.")
    PAYPAL = enum_value("PAYPAL", description="A PayPal account.")
    APPLE_PAY = enum_value("APPLE_PAY", description="Apple Pay.")
    GOOGLE_PAY = enum_value("GOOGLE_PAY", description="Google Pay.")
    BANK_ACCOUNT = enum_value("BANK_ACCOUNT", description="A bank account (direct debit).")
