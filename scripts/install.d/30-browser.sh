#!/usr/bin/env bash
# The browser test of `harness report`: Debian's chromium and playwright-core
# (the driver only; its own browser download cannot reach the network here,
# so it drives the system chromium). Idempotent.
set -euo pipefail
# apt-get needs root: GitHub-hosted runners are not root but have sudo.
SUDO=""
if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi
cd "$(dirname "$0")/../.."

say() { printf '[install] %s\n' "$*" >&2; }

if [ ! -x /usr/bin/chromium ]; then
  say "installing chromium"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
fi

dir=harness/tests/browser
if [ ! -d "$dir/node_modules/playwright-core" ]; then
  say "installing playwright-core into $dir/node_modules"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
fi
