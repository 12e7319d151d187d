"""The GraphQL documents sent to Shopify (Storefront unless named Admin)."""

from __future__ import annotations

IN_CONTEXT = "@inContext(country: $country, language: $language)"
CONTEXT_VARS = "$country: CountryCode, $language: LanguageCode"

PRODUCT_FIELDS = """
fragment ProductFields on Product {
  id handle title vendor productType tags createdAt
  options { name optionValues { name } }
  variants(first: 100) { nodes { id sku title selectedOptions { name value } } }
}
"""

PRODUCTS_BY_ID = f"""
query ProductsById($ids: [ID!]!, {CONTEXT_VARS}) {IN_CONTEXT} {{
  nodes(ids: $ids) {{ ...ProductFields }}
}}
{PRODUCT_FIELDS}"""

SEARCH_PRODUCTS = f"""
query SearchProducts($first: Int, $after: String, $last: Int, $before: String,
    $query: String, $sortKey: ProductSortKeys, $reverse: Boolean, {CONTEXT_VARS}) {IN_CONTEXT} {{
  products(first: $first, after: $after, last: $last, before: $before, query: $query,
      sortKey: $sortKey, reverse: $reverse) {{
    edges {{ cursor node {{ ...ProductFields }} }}
    pageInfo {{ hasNextPage hasPreviousPage endCursor startCursor }}
  }}
}}
{PRODUCT_FIELDS}"""

PRODUCT_FACETS = """
query ProductFacets($after: String, $query: String) {
  products(first: 250, after: $after, query: $query) {
    nodes { vendor productType }
    pageInfo { hasNextPage endCursor }
  }
}
"""

PRODUCT_TYPES = """
query ProductTypes { productTypes(first: 250) { nodes } }
"""

VARIANT_PRICES = """
query VariantPrices($ids: [ID!]!, $country: CountryCode, $language: LanguageCode)
    @inContext(country: $country, language: $language) {
  nodes(ids: $ids) { ... on ProductVariant { id sku price { amount currencyCode } } }
}
"""

CART_FIELDS = """
fragment CartFields on Cart {
  id
  attributes { key value }
  buyerIdentity { countryCode }
  cost { totalAmount { amount currencyCode } }
  lines(first: 250) {
    nodes {
      id quantity
      attributes { key value }
      merchandise { ... on ProductVariant { id sku } }
    }
  }
}
"""

CART_CREATE = f"""
mutation CartCreate($input: CartInput!) {{
  cartCreate(input: $input) {{ cart {{ ...CartFields }} userErrors {{ field message code }} }}
}}
{CART_FIELDS}"""

CART_LINES_ADD = f"""
mutation CartLinesAdd($cartId: ID!, $lines: [CartLineInput!]!) {{
  cartLinesAdd(cartId: $cartId, lines: $lines) {{
    cart {{ ...CartFields }} userErrors {{ field message code }}
  }}
}}
{CART_FIELDS}"""

CART_LINES_UPDATE = f"""
mutation CartLinesUpdate($cartId: ID!, $lines: [CartLineUpdateInput!]!) {{
  cartLinesUpdate(cartId: $cartId, lines: $lines) {{
    cart {{ ...CartFields }} userErrors {{ field message code }}
  }}
}}
{CART_FIELDS}"""


def carts_by_id(count: int) -> str:
    """One aliased ``cart(id:)`` per id: the Storefront API has no batch cart read."""
    args = ", ".join(f"$c{i}: ID!" for i in range(count))
    fields = " ".join(f"c{i}: cart(id: $c{i}) {{ ...CartFields }}" for i in range(count))
    return f"query CartsById({args}) {{ {fields} }}\n{CART_FIELDS}"


def recommendations(count: int) -> str:
    args = ", ".join(f"$p{i}: ID!, $i{i}: ProductRecommendationIntent" for i in range(count))
    fields = " ".join(
        f"r{i}: productRecommendations(productId: $p{i}, intent: $i{i}) {{ id }}"
        for i in range(count)
    )
    return f"query Recommendations({args}) {{ {fields} }}"


# Admin API

ADMIN_VARIANTS_BY_SKU = """
query VariantsBySku($first: Int!, $query: String!) {
  productVariants(first: $first, query: $query) { nodes { id sku product { id } } }
}
"""

ADMIN_STOCK_BY_SKU = """
query StockBySku($first: Int!, $query: String!, $levels: Int!) {
  productVariants(first: $first, query: $query) {
    nodes {
      sku
      inventoryItem {
        inventoryLevels(first: $levels) {
          nodes {
            location { id }
            quantities(names: ["on_hand", "committed", "reserved", "safety_stock"]) {
              name quantity
            }
          }
        }
      }
    }
  }
}
"""

LOCATION_FIELDS = """
fragment LocationFields on Location {
  id name isActive fulfillsOnlineOrders
  address { formatted latitude longitude provinceCode countryCode }
  localPickupSettingsV2 { pickupTime }
}
"""

ADMIN_LOCATIONS = f"""
query Locations($after: String) {{
  locations(first: 100, after: $after) {{
    nodes {{ ...LocationFields }}
    pageInfo {{ hasNextPage endCursor }}
  }}
}}
{LOCATION_FIELDS}"""

ADMIN_LOCATIONS_BY_ID = f"""
query LocationsById($ids: [ID!]!) {{ nodes(ids: $ids) {{ ...LocationFields }} }}
{LOCATION_FIELDS}"""
