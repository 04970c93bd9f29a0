#!/usr/bin/env bash
# Fuzzes carerota's readers with cargo-fuzz (libFuzzer):
#   scripts/fuzz.sh              every target, 600 s each, one after another
#   scripts/fuzz.sh TARGET [S]   one target (`scripts/fuzz.sh list` names them) for S seconds
#   scripts/fuzz.sh all S        every target, S seconds each
# The fuzz package is tests/fuzz (its own workspace, outside the main build). Each target starts
# from its committed seeds (tests/fuzz/seeds/TARGET) and grows a working corpus in
# tests/fuzz/corpus/TARGET; a crash is written to tests/fuzz/artifacts/TARGET/ and stops that
# target's run; logs go to tests/fuzz/logs/TARGET.log. Exit status: 0 when no target crashed.
#
# Installs cargo-fuzz (crates.io) when it is missing. cargo fuzz passes nightly-only flags to
# rustc; RUSTC_BOOTSTRAP=1 lets the stable toolchain take them. By default no sanitizer is used
# (FUZZ_SANITIZER=none: safe Rust panics are what is hunted, and it runs about twice as fast;
# set FUZZ_SANITIZER=address for AddressSanitizer) and debug assertions are on, so an integer
# overflow panics as it does in the tests. Each input must finish within 10 s (a slower one
# counts as a hang). Runs under `nice -n 19`.
set -euo pipefail
cd "$(dirname "$0")/.."

fuzz_dir=tests/fuzz
what="${1:-all}"
seconds="${2:-600}"
sanitizer="${FUZZ_SANITIZER:-none}"
export RUSTC_BOOTSTRAP=1
export CMAKE_BUILD_PARALLEL_LEVEL="${CMAKE_BUILD_PARALLEL_LEVEL:-2}"

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "fuzz: installing cargo-fuzz" >&2
  cargo install cargo-fuzz --locked
fi

targets=$(cargo fuzz list --fuzz-dir "$fuzz_dir")
case "$what" in
  list) echo "$targets"; exit 0 ;;
  all) run=$targets ;;
  *)
    if ! grep -qx "$what" <<<"$targets"; then
      echo "fuzz: no target \`$what\`; targets: $(echo $targets)" >&2
      exit 2
    fi
    run=$what
    ;;
esac
case "$seconds" in
  '' | *[!0-9]*) echo "fuzz: SECONDS must be a whole number, got \`$seconds\`" >&2; exit 2 ;;
esac

mkdir -p "$fuzz_dir/logs"
failed=()
for t in $run; do
  mkdir -p "$fuzz_dir/corpus/$t" "$fuzz_dir/seeds/$t"
  log="$fuzz_dir/logs/$t.log"
  echo "fuzz: $t for ${seconds} s (log: $log)" >&2
  if nice -n 19 cargo fuzz run --fuzz-dir "$fuzz_dir" -s "$sanitizer" --debug-assertions "$t" \
    "$fuzz_dir/corpus/$t" "$fuzz_dir/seeds/$t" -- \
    -max_total_time="$seconds" -timeout=10 -print_final_stats=1 >"$log" 2>&1; then
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    echo "fuzz: $t: no crash, ${runs:-?} runs, corpus $(ls "$fuzz_dir/corpus/$t" | wc -l) inputs" >&2
  else
    echo "fuzz: $t FAILED; see $log and $fuzz_dir/artifacts/$t/" >&2
    failed+=("$t")
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: crashed: ${failed[*]}" >&2
  exit 1
fi
