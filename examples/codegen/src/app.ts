// A small client on the generated types: every query result, variable and enum is checked.
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { print } from "graphql";

import {
  DeviJourneyDocument,
  ProductsWithFacetsDocument,
  type DeviJourneyQuery,
  type LoyaltyTier,
  type ProductSortInput,
  type ProductsWithFacetsQuery,
  type ProductsWithFacetsQueryVariables,
} from "./gql/graphql";

const ENDPOINT = "http://127.0.0.1:8000/graphql";

export async function execute<Result, Variables>(
  document: TypedDocumentNode<Result, Variables>,
  variables: Variables,
  token?: string,
): Promise<Result> {
  const headers: Record<string, string> = { "Content-Type": "application/json" };
  if (token !== undefined) headers["Authorization"] = `Bearer ${token}`;
  const response = await fetch(ENDPOINT, {
    method: "POST",
    headers,
    body: JSON.stringify({ query: print(document), variables }),
  });
  const body = (await response.json()) as { data?: Result; errors?: { message: string }[] };
  if (body.errors !== undefined || body.data === undefined) {
    throw new Error(body.errors?.map((e) => e.message).join("; ") ?? "no data");
  }
  return body.data;
}

const NEXT_TIER: Record<LoyaltyTier, LoyaltyTier | null> = {
  BRONZE: "SILVER",
  SILVER: "GOLD",
  GOLD: "PLATINUM",
  PLATINUM: null,
};

export function greeting(data: DeviJourneyQuery): string {
  const me = data.me;
  if (me === null) return "Welcome!";
  const balance = me.wallet?.balance.formatted ?? "no wallet";
  const tier = me.loyalty?.tier;
  const next = tier === undefined ? null : NEXT_TIER[tier];
  const lastStoreOrder = me.orders.edges[0]?.node.store?.name ?? "none yet";
  return `${me.displayName}: ${balance}, ${tier ?? "no tier"} (next ${next ?? "-"}), ${lastStoreOrder}`;
}

export function facetLines(data: ProductsWithFacetsQuery): string[] {
  const { facets, totalCount, edges, pageInfo } = data.products;
  const brands = facets.brands.map((f) => `${f.value} (${f.count})`);
  const cheapest = edges[0]?.node.price.final.amount ?? 0;
  return [`${totalCount ?? 0} products from ${cheapest} minor units`, ...brands, pageInfo.endCursor ?? ""];
}

const byPrice: ProductSortInput = { field: "PRICE", direction: "ASC", currency: "USD" };
// @ts-expect-error POPULARITY is not a ProductSortField
const notASortField: ProductSortInput = { field: "POPULARITY" };

export async function main(token: string): Promise<void> {
  const journey = await execute(DeviJourneyDocument, {}, token);
  console.log(greeting(journey));
  const variables: ProductsWithFacetsQueryVariables = { query: "coffee", sort: byPrice, first: 5 };
  console.log(facetLines(await execute(ProductsWithFacetsDocument, variables)).join("\n"));
  console.log(notASortField);
}
