# Sourced by the scripts that install npm packages for the tests.
# node_cache_install NAME PACKAGE_JSON: installs the pinned packages of PACKAGE_JSON (a string)
# into ~/.cache/commercegraph/node/NAME-<hash of the pins>/ unless that directory is complete,
# and prints the directory. A change of pin makes a new directory; old ones are left alone.
node_cache_install() {
    local name="$1" manifest="$2"
    if ! command -v npm >/dev/null 2>&1; then
        echo "$name: npm is missing; the tests that need these packages skip" >&2
        return 3
    fi
    local hash root dir
    hash="$(printf '%s' "$manifest" | sha256sum | cut -c1-12)"
    root="${CG_NODE_CACHE:-$HOME/.cache/commercegraph/node}"
    dir="$root/$name-$hash"
    if [ -f "$dir/.complete" ]; then
        echo "$dir"
        return 0
    fi
    mkdir -p "$root"
    local tmp
    tmp="$(mktemp -d "$root/.$name-XXXXXX")"
    printf '%s\n' "$manifest" >"$tmp/package.json"
    # peers that the pins leave out (React for Apollo's hooks) stay out
    (cd "$tmp" && npm install --no-audit --no-fund --legacy-peer-deps --loglevel=error >&2) || {
        rm -rf "$tmp"
        return 1
    }
    touch "$tmp/.complete"
    rm -rf "$dir"
    mv "$tmp" "$dir"
    echo "$dir"
}
