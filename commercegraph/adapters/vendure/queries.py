"""The GraphQL documents the adapter sends to Vendure's Shop and Admin APIs."""

from __future__ import annotations

PRODUCT_FIELDS = """
fragment ProductFields on Product {
  id name slug createdAt
  facetValues { name facet { code } }
  collections { id name breadcrumbs { id } }
  optionGroups { id code name options { id code name } }
  variants { id sku name options { code name group { code name } } }
}
"""
ORDER_FIELDS = """
fragment OrderFields on Order {
  id code state active currencyCode orderPlacedAt updatedAt
  subTotalWithTax totalWithTax
  discounts { amountWithTax }
  customFields { cgCustomerId cgChannel }
  lines { id quantity unitPriceWithTax productVariant { id sku } }
}
"""

# shop
PRODUCTS_BY_ID = (
    PRODUCT_FIELDS
    + """
query ProductsById($ids: [String!]!, $take: Int!) {
  products(options: { filter: { id: { in: $ids } }, take: $take }) { items { ...ProductFields } }
}
"""
)
COLLECTIONS_BY_ID = """
query CollectionsById($ids: [String!]!, $take: Int!) {
  collections(options: { filter: { id: { in: $ids } }, take: $take }) {
    items { id name parent { id name } }
  }
}
"""
SEARCH = """
query Search($input: SearchInput!) {
  search(input: $input) {
    totalItems
    items { productId }
    facetValues { count facetValue { name facet { code } } }
    collections { count collection { id name } }
  }
}
"""


def product_relations(field: str) -> str:
    """The products a product custom field of ``field`` (a list relation to Product) holds."""
    return f"""
query ProductRelations($ids: [String!]!, $take: Int!) {{
  products(options: {{ filter: {{ id: {{ in: $ids }} }}, take: $take }}) {{
    items {{ id customFields {{ {field} {{ id }} }} }}
  }}
}}
"""


ACTIVE_ORDER_LINES = """
query ActiveOrder { activeOrder { code lines { id quantity productVariant { id sku } } } }
"""
IN_STOCK_VARIANTS = """
query InStockVariants { products(options: { take: 20 }) { items { variants { id stockLevel } } } }
"""
OPEN_CART = (
    ORDER_FIELDS
    + """
mutation OpenCart($fields: UpdateOrderCustomFieldsInput!) {
  setOrderCustomFields(input: { customFields: $fields }) {
    __typename ... on Order { ...OrderFields } ... on ErrorResult { errorCode message }
  }
}
"""
)
ADD_ITEM = (
    ORDER_FIELDS
    + """
mutation AddItem($variantId: ID!, $quantity: Int!) {
  addItemToOrder(productVariantId: $variantId, quantity: $quantity) {
    __typename ... on Order { ...OrderFields } ... on ErrorResult { errorCode message }
  }
}
"""
)
ADJUST_LINE = (
    ORDER_FIELDS
    + """
mutation AdjustLine($lineId: ID!, $quantity: Int!) {
  adjustOrderLine(orderLineId: $lineId, quantity: $quantity) {
    __typename ... on Order { ...OrderFields } ... on ErrorResult { errorCode message }
  }
}
"""
)
REMOVE_LINE = (
    ORDER_FIELDS
    + """
mutation RemoveLine($lineId: ID!) {
  removeOrderLine(orderLineId: $lineId) {
    __typename ... on Order { ...OrderFields } ... on ErrorResult { errorCode message }
  }
}
"""
)
SET_CUSTOMER = """
mutation SetCustomer($input: CreateCustomerInput!) {
  setCustomerForOrder(input: $input) {
    __typename ... on Order { id } ... on ErrorResult { errorCode message }
  }
}
"""
SHIPPING_METHODS = "query { eligibleShippingMethods { id code } }"
SET_SHIPPING = """
mutation SetShipping($ids: [ID!]!) {
  setOrderShippingMethod(shippingMethodId: $ids) {
    __typename ... on Order { id } ... on ErrorResult { errorCode message }
  }
}
"""
TRANSITION = """
mutation Transition($state: String!) {
  transitionOrderToState(state: $state) {
    __typename ... on Order { id state } ... on ErrorResult { errorCode message }
  }
}
"""
PAYMENT_METHODS = "query { eligiblePaymentMethods { code isEligible } }"
ADD_PAYMENT = """
mutation AddPayment($input: PaymentInput!) {
  addPaymentToOrder(input: $input) {
    __typename ... on Order { id state } ... on ErrorResult { errorCode message }
  }
}
"""

# admin
VARIANTS_BY_SKU = """
query VariantsBySku($skus: [String!]!, $take: Int!) {
  activeChannel { pricesIncludeTax }
  productVariants(options: { filter: { sku: { in: $skus } }, take: $take }) {
    items {
      id sku productId
      prices { currencyCode price }
      stockLevels { stockLocationId stockOnHand stockAllocated }
    }
  }
}
"""
STOCK_LOCATIONS = """
query StockLocations {
  stockLocations(options: { take: 1000 }) {
    items {
      id name description
      customFields { cgKey kind region address lat lon canShip canPickup }
    }
  }
}
"""
ADMIN_ORDERS = (
    ORDER_FIELDS
    + """
query Orders($options: OrderListOptions!) {
  orders(options: $options) {
    totalItems
    items {
      ...OrderFields
      customFields { cgCartToken cgIdempotencyKey cgFulfillment cgStoreId }
    }
  }
}
"""
)
ADMIN_SET_ORDER_FIELDS = """
mutation SetOrderFields($input: UpdateOrderInput!) {
  setOrderCustomFields(input: $input) { __typename ... on Order { id } }
}
"""
