#!/usr/bin/env bash
# Set-up on a fresh machine: the npm packages, and Debian's Chromium for the dashboard's browser
# test (playwright-core drives it; never `npx playwright install`, which downloads and fails here).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x /usr/bin/chromium ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
fi
npm ci --no-audit --no-fund
