"""Closed sets of values the graph answers with, as GraphQL enums.

Each enum's Python value is the string the backends and the store use, so ``Enum(value)``
converts a record's field; values a backend may not send are not invented here.
"""

from __future__ import annotations

from enum import Enum

from commercegraph.schema.described import described_enum


@described_enum(
    "Whether a cart can still change.",
    OPEN="Lines can be added, changed and removed.",
    ORDERED="Checked out; the cart is closed.",
)
class CartStatus(Enum):
    OPEN = "OPEN"
    ORDERED = "ORDERED"


@described_enum(
    "How much of a product can be promised at one location.",
    IN_STOCK="More than the product's low-stock threshold.",
    LOW_STOCK="Some, at or under the low-stock threshold.",
    OUT_OF_STOCK="Nothing available to promise.",
)
class StockStatus(Enum):
    IN_STOCK = "IN_STOCK"
    LOW_STOCK = "LOW_STOCK"
    OUT_OF_STOCK = "OUT_OF_STOCK"


@described_enum(
    "Where an order is in its life.",
    PLACED="Recorded and paid for; not yet shipped.",
    READY_FOR_PICKUP="Packed and waiting at the pickup store.",
    SHIPPED="On its way to the customer.",
    DELIVERED="Delivered to the shipping address.",
    PICKED_UP="Collected at the pickup store.",
    COMPLETED="Done: past delivery, pickup or a till.",
    CANCELLED="Cancelled before it was fulfilled.",
    REFUNDED="Paid back to the customer.",
    RETURNED="Brought back after it was handed over; paid back to its tenders.",
)
class OrderStatus(Enum):
    PLACED = "PLACED"
    READY_FOR_PICKUP = "READY_FOR_PICKUP"
    SHIPPED = "SHIPPED"
    DELIVERED = "DELIVERED"
    PICKED_UP = "PICKED_UP"
    COMPLETED = "COMPLETED"
    CANCELLED = "CANCELLED"
    REFUNDED = "REFUNDED"
    RETURNED = "RETURNED"


@described_enum(
    "How a segment was computed.",
    RFM="Recency, frequency and monetary scores.",
    ABC="Class by share of revenue (A, B, C).",
    BEHAVIOUR="A buying habit, e.g. deal seeker.",
)
class SegmentKind(Enum):
    RFM = "RFM"
    ABC = "ABC"
    BEHAVIOUR = "BEHAVIOUR"


@described_enum(
    "The named RFM segments, from the recency and frequency scores.",
    CHAMPIONS="Bought recently, often and the most.",
    LOYAL="Buy often and respond to rewards.",
    POTENTIAL_LOYALIST="Recent customers with more than one order.",
    NEW="Bought for the first time very recently.",
    PROMISING="Recent shoppers who have not spent much.",
    NEED_ATTENTION="Above average, but not bought lately.",
    ABOUT_TO_SLEEP="Below average and fading.",
    AT_RISK="Spent a lot and often, but long ago.",
    CANNOT_LOSE_THEM="Made the biggest purchases, and have not returned.",
    HIBERNATING="Last bought long ago; few orders.",
    LOST="Lowest recency, frequency and spend.",
)
class RfmSegment(Enum):
    CHAMPIONS = "champions"
    LOYAL = "loyal"
    POTENTIAL_LOYALIST = "potential-loyalist"
    NEW = "new"
    PROMISING = "promising"
    NEED_ATTENTION = "need-attention"
    ABOUT_TO_SLEEP = "about-to-sleep"
    AT_RISK = "at-risk"
    CANNOT_LOSE_THEM = "cannot-lose-them"
    HIBERNATING = "hibernating"
    LOST = "lost"


@described_enum(
    "ABC class by share of revenue.",
    A="The customers making the first 80% of revenue.",
    B="The next 15% of revenue.",
    C="The last 5% of revenue.",
)
class ValueClass(Enum):
    A = "A"
    B = "B"
    C = "C"


@described_enum(
    "Loyalty tiers, lowest first; qualifying points decide the tier.",
    BRONZE="Every member starts here.",
    SILVER="1,000 qualifying points in 12 months.",
    GOLD="3,000 qualifying points in 12 months.",
    PLATINUM="8,000 qualifying points in 12 months.",
)
class LoyaltyTier(Enum):
    BRONZE = "BRONZE"
    SILVER = "SILVER"
    GOLD = "GOLD"
    PLATINUM = "PLATINUM"


@described_enum(
    "What a wallet or points transaction did.",
    TOP_UP="Stored value bought with a payment method.",
    PAYMENT="Paid for an order.",
    REFUND="An order's wallet payment given back.",
    REDEEM="Points turned into credit.",
    MERGE_TRANSFER="Moved from a customer merged into this one.",
    OPENING="The balance the account was opened with.",
    EARN="Points earned by an order.",
    EARN_REVERSAL="Points taken back on a refund.",
    EXPIRE="Points that reached their expiry date.",
    RELEASE="Pending points that became available.",
)
class WalletTransactionKind(Enum):
    TOP_UP = "TOP_UP"
    PAYMENT = "PAYMENT"
    REFUND = "REFUND"
    REDEEM = "REDEEM"
    MERGE_TRANSFER = "MERGE_TRANSFER"
    OPENING = "OPENING"
    EARN = "EARN"
    EARN_REVERSAL = "EARN_REVERSAL"
    EXPIRE = "EXPIRE"
    RELEASE = "RELEASE"


@described_enum(
    "How a bundle came to be and how its sets are made.",
    FIXED="A curated set: every component, every time.",
    MIX_AND_MATCH="Pick `pickCount` of the components; the set is discounted.",
    FREQUENTLY_BOUGHT_TOGETHER="Mined from orders that held all of them.",
)
class BundleKind(Enum):
    FIXED = "FIXED"
    MIX_AND_MATCH = "MIX_AND_MATCH"
    FREQUENTLY_BOUGHT_TOGETHER = "FREQUENTLY_BOUGHT_TOGETHER"


@described_enum(
    "Why an item is on the shopping list.",
    EXPLICIT="The customer put it there.",
    REPLENISHMENT="Inferred: bought at regular intervals and due again.",
)
class ShoppingListSource(Enum):
    EXPLICIT = "EXPLICIT"
    REPLENISHMENT = "REPLENISHMENT"


@described_enum(
    "What an offer is about.",
    AVAILABLE_IN_STORE="A product the customer looked at is in a nearby store.",
    PICKUP_INCENTIVE="A reason to pick up in store instead of shipping.",
    REPLENISHMENT_REMINDER="Something bought regularly is due again.",
    ABANDONED_CART="An open cart left unchanged for a while.",
    REWARD_LEVEL="Close to the next loyalty tier or a reward.",
    BIRTHDAY="The customer's birthday.",
    CAMPAIGN="A campaign staff defined for a segment.",
)
class OfferKind(Enum):
    AVAILABLE_IN_STORE = "AVAILABLE_IN_STORE"
    PICKUP_INCENTIVE = "PICKUP_INCENTIVE"
    REPLENISHMENT_REMINDER = "REPLENISHMENT_REMINDER"
    ABANDONED_CART = "ABANDONED_CART"
    REWARD_LEVEL = "REWARD_LEVEL"
    BIRTHDAY = "BIRTHDAY"
    CAMPAIGN = "CAMPAIGN"


@described_enum(
    "How a pricing rule combines with the others that apply.",
    STACK="Applies together with the other rules.",
    EXCLUSIVE="Applies alone when it matches (the first such in order).",
    STOP_AFTER="Applies, and ends the line's list: no later rule applies.",
)
class Stacking(Enum):
    STACK = "STACK"
    EXCLUSIVE = "EXCLUSIVE"
    STOP_AFTER = "STOP_AFTER"


@described_enum(
    "What a saved version of a pricing rule did.",
    CREATED="The first version.",
    UPDATED="A later edit.",
    DELETED="The rule was deleted; its history stays.",
)
class PricingRuleChange(Enum):
    CREATED = "CREATED"
    UPDATED = "UPDATED"
    DELETED = "DELETED"


@described_enum(
    "Where a referral stands.",
    PENDING="Recorded; the friend has no completed order yet.",
    REWARDED="The friend's order completed; points paid.",
)
class ReferralStatus(Enum):
    PENDING = "PENDING"
    REWARDED = "REWARDED"


@described_enum(
    "The kinds of backend the gateway composes.",
    COMMERCE="Catalog, carts and orders.",
    CONTENT="The CMS: titles, copy and images.",
    CUSTOMER="Customer records, identities and consent.",
    PRICING="Base prices per sku and currency.",
    INVENTORY="Locations and stock.",
    WALLET="Stored value, payment methods and loyalty points.",
)
class BackendDomain(Enum):
    COMMERCE = "commerce"
    CONTENT = "content"
    CUSTOMER = "customer"
    PRICING = "pricing"
    INVENTORY = "inventory"
    WALLET = "wallet"


@described_enum(
    "A backend's circuit breaker state.",
    CLOSED="Calls go through.",
    OPEN="Calls fail fast until the cool-down ends.",
    HALF_OPEN="A trial call decides whether to close.",
)
class CircuitState(Enum):
    CLOSED = "CLOSED"
    OPEN = "OPEN"
    HALF_OPEN = "HALF_OPEN"


@described_enum(
    "The kinds of payment method a wallet can hold.",
    CARD="A debit or credit card.",
    PAYPAL="A PayPal account.",
    APPLE_PAY="Apple Pay.",
    GOOGLE_PAY="Google Pay.",
    BANK_ACCOUNT="A bank account (direct debit).",
)
class PaymentMethodKind(Enum):
    CARD = "CARD"
    PAYPAL = "PAYPAL"
    APPLE_PAY = "APPLE_PAY"
    GOOGLE_PAY = "GOOGLE_PAY"
    BANK_ACCOUNT = "BANK_ACCOUNT"
