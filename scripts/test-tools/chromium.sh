#!/usr/bin/env bash
# Headless Chromium (Debian's build) for the browser tests: GraphiQL served offline.
# Installs nothing when /usr/bin/chromium is already there.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
    exit 0
fi
if [ "$(id -u)" != "0" ]; then
    echo "chromium.sh: /usr/bin/chromium is missing and this is not root; the browser tests skip" >&2
    exit 0
fi
export DEBIAN_FRONTEND=noninteractive
# Other jobs on the machine may hold the dpkg lock for a while: wait for it rather than fail.
apt-get -o DPkg::Lock::Timeout=600 update -qq
apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends chromium chromium-driver fonts-liberation >/dev/null
test -x /usr/bin/chromium
