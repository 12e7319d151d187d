#!/usr/bin/env bash
# HAProxy from Debian's packages, for the several-replicas test: installed with apt when
# missing (CI runs as root); elsewhere the test skips with the reason.
set -euo pipefail
if command -v haproxy >/dev/null 2>&1; then
    exit 0
fi
if [ "$(id -u)" != 0 ]; then
    echo "haproxy missing and not root: the several-replicas test will skip" >&2
    exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends haproxy >/dev/null
command -v haproxy >/dev/null
