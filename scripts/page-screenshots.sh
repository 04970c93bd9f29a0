#!/usr/bin/env bash
# Screenshots of the scheduler's desk (the page `carerota serve` serves at /), at 1366x768:
# scripts/page-screenshots.sh [DIR] runs the page's browser tests (tests/web_page.rs) with
# CAREROTA_SCREENSHOTS=DIR, which start a server on loopback, plan the Rutland day and drive
# headless Chromium through the screens, writing DIR/today.png, referral.png, applied.png,
# conflict.png, versions.png, planday.png, study.png and study-report.png. Default DIR:
# out/screenshots.
# Needs chromium and chromium-driver (scripts/setup.sh installs them).
set -euo pipefail
dir="${1:-out/screenshots}"
mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"
CAREROTA_SCREENSHOTS="$dir" cargo test --release --test web_page -- --test-threads=1
ls "$dir"/*.png
