#!/usr/bin/env bash
# wrk, the HTTP load generator bench/serve_workers.py drives the server with: a small C
# program, so the load it makes costs the two cores little next to the server's own work.
set -euo pipefail
if command -v wrk >/dev/null 2>&1; then
    exit 0
fi
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
else
    echo "wrk is missing: install it with your package manager (apt-get install wrk)" >&2
    exit 1
fi
