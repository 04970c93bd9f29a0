#!/usr/bin/env bash
# Screenshot of a daily plan's report: scripts/screenshot.sh DIR [WIDTHxHEIGHT] writes
# DIR/report.png from DIR/report.html (as `carerota plan --out DIR` writes it) with headless
# Chromium, offline, in a throwaway profile. Chromium: CAREROTA_CHROMIUM or /usr/bin/chromium
# (scripts/setup.sh installs it).
set -euo pipefail

if [ $# -lt 1 ] || [ ! -f "$1/report.html" ]; then
  echo "usage: scripts/screenshot.sh DIR [WIDTHxHEIGHT]   (DIR holds report.html)" >&2
  exit 2
fi
dir="$(cd "$1" && pwd)"
size="${2:-1400x1000}"
chromium="${CAREROTA_CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$chromium" ]; then
  echo "screenshot: $chromium not found; run scripts/setup.sh or set CAREROTA_CHROMIUM" >&2
  exit 1
fi
profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
"$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$profile" --hide-scrollbars --window-size="${size/x/,}" \
  --screenshot="$dir/report.png" "file://$dir/report.html" 2>/dev/null
echo "wrote $dir/report.png"
