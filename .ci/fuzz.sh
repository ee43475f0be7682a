#!/usr/bin/env bash
# Runs every libFuzzer target of a TAPE_FUZZ build for a bounded number of runs (about half a minute
# each on the 2-core CI machine, capped in time), two at a time, from a seed corpus written from
# the shipped scenarios. The seed is fixed, so a given tree fuzzes the same inputs on every run:
# CI is reproducible, and a new find means the code changed. A crash, leak, timeout or sanitizer
# report fails the run; the input that caused it is kept as
# BUILD_DIR/fuzz-artifacts/<target>-crash-... and becomes a test and a file in fuzz/regressions/.
# For exploratory fuzzing run a target by hand with another -seed and a longer -max_total_time.
# Usage: bash .ci/fuzz.sh BUILD_DIR [SECONDS_CAP_PER_TARGET]   (default 60)
set -euo pipefail
cd "$(dirname "$0")/.."
build="$(realpath "$1")"
seconds="${2:-60}"
work="$build/fuzz-work"
artifacts="$build/fuzz-artifacts"
rm -rf "$work"
mkdir -p "$work" "$artifacts"
"$build/fuzz/tape_fuzz_corpus" "$work/seed"
mkdir -p "$work/seed/scenario"
cp scenarios/*.toml configs/*.toml "$work/seed/scenario/"
mkdir -p "$work/seed/backtest_config"
cp examples/*/*.toml "$work/seed/backtest_config/"

run_target() {
  local target="$1" runs="$2" seeds="$3" extra=("${@:4}")
  mkdir -p "$work/new/$target"
  # Scenario text resolves includes against the working dir: run beside the shipped scenarios.
  (cd scenarios && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    "$build/fuzz/$target" -seed=1 -runs="$runs" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -max_len=65536 -print_final_stats=1 -artifact_prefix="$artifacts/$target-" "${extra[@]}" \
      "$work/new/$target" "$seeds" > "$work/$target.log" 2>&1) \
    && echo "fuzz $target: ok ($(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' \
         "$work/$target.log" | grep -o '[0-9]*$') runs)" \
    || { echo "fuzz $target: FAILED"; tail -n 60 "$work/$target.log"; return 1; }
}

# Inputs that once crashed a target (fuzz/regressions/<target>/) run first, once each.
for dir in fuzz/regressions/*/; do
  [ -d "$dir" ] || continue
  target="$(basename "$dir")"
  (cd scenarios && "$build/fuzz/$target" -runs=1 "$(realpath "../$dir")"/*) > "$work/regress-$target.log" 2>&1 \
    || { echo "fuzz regression $target: FAILED"; tail -n 60 "$work/regress-$target.log"; exit 1; }
  echo "fuzz regression $target: ok ($(ls "$dir" | wc -l) inputs)"
done

pids=()
status=0
launch() {
  run_target "$@" &
  pids+=($!)
  if ((${#pids[@]} == 2)); then
    wait "${pids[0]}" || status=1
    pids=("${pids[1]}")
  fi
}
# Runs per target: about 30 s each, two at a time, under ASan+UBSan on the CI machine.
launch scenario_fuzz 150000 "$work/seed/scenario" -dict="$PWD/fuzz/scenario.dict"
launch input_block_fuzz 25000 "$work/seed/input_block"
launch output_block_fuzz 50000 "$work/seed/output_block"
launch snapshot_fuzz 2500000 "$work/seed/snapshot"
launch state_fuzz 4000 "$work/seed/state"
launch log_text_fuzz 2500000 "$work/seed/log_text"
launch csv_import_fuzz 1500 "$work/seed/csv_import"
launch jsonl_import_fuzz 3000 "$work/seed/jsonl_import"
launch lobster_import_fuzz 4000 "$work/seed/lobster_import"
launch decimal_time_fuzz 500000 "$work/seed/decimal_time"
launch backtest_config_fuzz 100000 "$work/seed/backtest_config" -dict="$PWD/fuzz/scenario.dict"
for pid in "${pids[@]}"; do wait "$pid" || status=1; done
exit "$status"
