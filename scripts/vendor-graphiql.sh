#!/usr/bin/env bash
# Re-creates the GraphiQL page's vendored assets from npm, at the pinned versions, so the page
# served by `commercegraph serve` needs no network. Run from anywhere; commit what it writes.
set -euo pipefail

GRAPHIQL_VERSION=3.8.3  # the last line with a UMD build (4+ ship ES modules only)
REACT_VERSION=18.3.1    # React 19 dropped the UMD builds GraphiQL's UMD build expects

root="$(cd "$(dirname "$0")/.." && pwd)"
out="${GRAPHIQL_VENDOR_DIR:-$root/commercegraph/http/static/graphiql/vendor}"  # the override is for tests
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cd "$work"
npm pack --silent "graphiql@$GRAPHIQL_VERSION" "react@$REACT_VERSION" "react-dom@$REACT_VERSION" >/dev/null
for pkg in "graphiql-$GRAPHIQL_VERSION" "react-$REACT_VERSION" "react-dom-$REACT_VERSION"; do
    name="${pkg%-*}"
    mkdir "$name"
    tar xzf "$pkg.tgz" -C "$name" --strip-components=1
done

rm -rf "$out"
mkdir -p "$out"
cp graphiql/graphiql.min.js graphiql/graphiql.min.css "$out/"
cp react/umd/react.production.min.js react-dom/umd/react-dom.production.min.js "$out/"
cp graphiql/LICENSE "$out/LICENSE.graphiql"
cp react/LICENSE "$out/LICENSE.react"
cp react-dom/LICENSE "$out/LICENSE.react-dom"
# The min files point at source maps that are not shipped: drop the pointer, keep the code.
sed -i -e '/^\/\/# sourceMappingURL=/d' "$out"/*.js
sed -i -e 's|/\*# sourceMappingURL=[^*]*\*/||' "$out"/*.css
{
    echo "graphiql $GRAPHIQL_VERSION"
    echo "react $REACT_VERSION"
    echo "react-dom $REACT_VERSION"
} >"$out/VERSIONS"
(cd "$out" && sha256sum -- *.js *.css >SHA256SUMS)
echo "wrote $(ls "$out" | wc -l) files to $out"
