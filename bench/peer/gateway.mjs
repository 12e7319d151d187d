// Hive Gateway configuration for bench/peer.py: a product of the commerce subgraph gains its
// price rows (pricing) and stock rows (inventory). Each is one batched backend call for all
// the products of a page: the gateway's DataLoader gathers the skus, as CommerceGraph's do.
import { defineConfig } from '@graphql-hive/gateway';
import { print } from 'graphql';

const batched = (source, field, response, keysFromSkus) => (root, _args, context, info) =>
  context[source].Query[field]({
    root,
    context,
    info,
    key: root.sku,
    argsFromKeys: (skus) => ({ input: { keys: keysFromSkus(skus) } }),
    // the batch answer is a union (200 or error) holding one item per key, in key order
    selectionSet: (subtree) => `{ ... on ${response} { items ${print(subtree)} } }`,
    valuesFromResults: (result) => result?.items ?? [],
  });

export const gatewayConfig = defineConfig({
  additionalTypeDefs: /* GraphQL */ `
    extend type commerce_ProductRecord {
      prices: [pricing_PriceRow!]!
      stock: [inventory_StockRecord!]!
    }
  `,
  additionalResolvers: {
    commerce_ProductRecord: {
      prices: {
        selectionSet: '{ sku }',
        resolve: batched('pricing', 'price_rows', 'pricing_price_rows_200_response', (skus) =>
          skus.map((sku) => [sku, 'USD']),
        ),
      },
      stock: {
        selectionSet: '{ sku }',
        resolve: batched('inventory', 'stock_batch', 'inventory_stock_batch_200_response', (skus) => skus),
      },
    },
  },
});
