// GraphQL Mesh composition of the reference backends' OpenAPI documents for bench/peer.py:
// one subgraph per domain (types prefixed with it, as the three documents share names such
// as Error), each backend's URL from PEER_<DOMAIN>. The batch reads the page needs are
// queries (OpenAPI POSTs become mutations otherwise).
import { createPrefixTransform, defineConfig } from '@graphql-mesh/compose-cli';
import { loadOpenAPISubgraph } from '@omnigraph/openapi';

const subgraph = (name, read) => ({
  sourceHandler: loadOpenAPISubgraph(name, {
    source: `./${name}.yaml`,
    endpoint: process.env[`PEER_${name.toUpperCase()}`],
    selectQueryOrMutationField: [{ type: 'Query', fieldName: read }],
  }),
  transforms: [createPrefixTransform({ value: `${name}_` })],
});

export const composeConfig = defineConfig({
  subgraphs: [
    subgraph('commerce', 'search_products'),
    subgraph('pricing', 'price_rows'),
    subgraph('inventory', 'stock_batch'),
  ],
});
