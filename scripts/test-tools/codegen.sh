#!/usr/bin/env bash
# GraphQL Code Generator (client preset) and TypeScript, pinned by codegen/package-lock.json,
# installed into ~/.cache/commercegraph/node/codegen-<hash of the lock>/ and reused when there.
# Prints that directory as its last line; tests/test_codegen.py runs the tools from it.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
lock="$here/codegen/package-lock.json"
hash="$(cat "$here/codegen/package.json" "$lock" | sha256sum | cut -c1-12)"
dir="${XDG_CACHE_HOME:-$HOME/.cache}/commercegraph/node/codegen-$hash"

if [ -x "$dir/node_modules/.bin/graphql-codegen" ] && [ -x "$dir/node_modules/.bin/tsc" ]; then
    echo "$dir"
    exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
    if [ "${CI:-}" = "true" ]; then
        echo "codegen.sh: npm is required in CI (install Node.js 20+)" >&2
        exit 1
    fi
    echo "codegen.sh: npm not found; the codegen test will skip" >&2
    exit 0
fi

mkdir -p "$(dirname "$dir")"
staging="$(mktemp -d "$dir.partial.XXXXXX")"
trap 'rm -rf "$staging"' EXIT
cp "$here/codegen/package.json" "$lock" "$staging/"
# npm ci installs exactly the lock; a half-finished install never takes the final name
npm ci --prefix "$staging" --no-audit --no-fund --loglevel=error >&2
rm -rf "$dir"  # an incomplete leftover: a complete install returned above
if mv -T "$staging" "$dir" 2>/dev/null; then
    trap - EXIT
fi  # else a concurrent run finished first; its copy is the same lock, ours is dropped
echo "$dir"
