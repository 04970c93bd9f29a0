#!/usr/bin/env bash
# Installs what building carerota needs on a fresh Debian machine: cmake and libclang-dev
# (HiGHS is compiled from source by the highs-sys crate), and chromium and chromium-driver (the
# tests that open report.html and the service's page in a headless browser, and the
# screenshot scripts), and postgresql (the tests of
# the store on PostgreSQL start throwaway clusters with its initdb). Safe to run again: it
# installs only what is missing. Needs root (or sudo) for apt-get.
set -euo pipefail

need=()
command -v cmake >/dev/null 2>&1 || need+=(cmake)
# bindgen loads libclang.so itself (libclang-cpp is a different library and does not do).
if ! ls /usr/lib/llvm-*/lib/libclang.so* /usr/lib/llvm-*/lib/libclang-[0-9]*.so* >/dev/null 2>&1 \
  && ! ls /usr/lib/*-linux-gnu/libclang.so* /usr/lib/*-linux-gnu/libclang-[0-9]*.so* >/dev/null 2>&1; then
  need+=(libclang-dev)
fi
command -v c++ >/dev/null 2>&1 || need+=(g++)
command -v make >/dev/null 2>&1 || need+=(make)
[ -x "${CAREROTA_CHROMIUM:-/usr/bin/chromium}" ] || need+=(chromium)
# The page's browser tests drive Chromium through WebDriver.
[ -x "${CAREROTA_CHROMEDRIVER:-/usr/bin/chromedriver}" ] || need+=(chromium-driver)
# The server binaries (Debian keeps them off PATH, in /usr/lib/postgresql/VERSION/bin). As
# root (CI) the tests run PostgreSQL as the `postgres` system user, which the package makes.
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null 2>&1 \
  && [ ! -x "${CAREROTA_PG_BIN:-/nonexistent}/initdb" ]; then
  need+=(postgresql)
elif [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
  need+=(postgresql)
fi

if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing ${need[*]}" >&2
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

if ! command -v cargo >/dev/null 2>&1; then
  echo "setup: cargo not found; install Rust (https://rustup.rs) and run again" >&2
  exit 1
fi

data="${CAREROTA_DATA_DIR:-../shared/data}"
if [ ! -f "$data/osm/rutland-2022-07-20.osm.pbf" ]; then
  echo "setup: the default map $data/osm/rutland-2022-07-20.osm.pbf is missing;" >&2
  echo "       put the shared data folder beside the repository or set CAREROTA_DATA_DIR" >&2
  exit 1
fi
