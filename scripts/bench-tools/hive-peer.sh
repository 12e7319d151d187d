#!/usr/bin/env bash
# Hive Gateway and GraphQL Mesh's composer with its OpenAPI source, for bench/peer.py: the
# peer gateway composes the reference backends' OpenAPI documents and serves the same read
# as CommerceGraph. Installs into the node cache outside the work tree and prints the folder.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=../lib/node-cache.sh
. "$here/../lib/node-cache.sh"
status=0
node_cache_install peer '{
  "name": "commercegraph-bench-peer",
  "private": true,
  "type": "module",
  "dependencies": {
    "@graphql-hive/gateway": "2.15.1",
    "@graphql-mesh/compose-cli": "1.8.2",
    "@graphql-mesh/transport-rest": "0.12.2",
    "@omnigraph/openapi": "0.112.4",
    "graphql": "16.11.0"
  }
}' || status=$?
[ "$status" = 3 ] && [ "${CI:-}" != "true" ] && exit 0
exit "$status"
