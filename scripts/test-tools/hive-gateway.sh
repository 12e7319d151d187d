#!/usr/bin/env bash
# Hive Gateway and a federation composer for the federation test. Prints the directory.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=../lib/node-cache.sh
. "$here/../lib/node-cache.sh"
status=0
node_cache_install gateway '{
  "name": "commercegraph-test-gateway",
  "private": true,
  "type": "module",
  "dependencies": {
    "@graphql-hive/gateway": "2.15.1",
    "@theguild/federation-composition": "0.27.0",
    "graphql": "16.11.0"
  }
}' || status=$?
[ "$status" = 3 ] && [ "${CI:-}" != "true" ] && exit 0
exit "$status"
