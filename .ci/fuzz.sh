#!/usr/bin/env bash
# Runs every libFuzzer target of a TAPE_FUZZ build for a bounded time, two at a time (CI has two
# cores), from a seed corpus written from the shipped scenarios. A crash, leak, timeout or
# sanitizer report fails the run; the input that caused it is kept as
# BUILD_DIR/fuzz-artifacts/<target>-crash-... and becomes a regression test.
# Usage: bash .ci/fuzz.sh BUILD_DIR [SECONDS_PER_TARGET]   (default 60)
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

run_target() {
  local target="$1" seeds="$2" extra=("${@:3}")
  mkdir -p "$work/new/$target"
  # Scenario text resolves includes against the working dir: run beside the shipped scenarios.
  (cd scenarios && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    "$build/fuzz/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -max_len=65536 -print_final_stats=1 -artifact_prefix="$artifacts/$target-" "${extra[@]}" \
      "$work/new/$target" "$seeds" > "$work/$target.log" 2>&1) \
    && echo "fuzz $target: ok ($(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' \
         "$work/$target.log" | grep -o '[0-9]*$') runs in ${seconds}s)" \
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
launch scenario_fuzz "$work/seed/scenario" -dict="$PWD/fuzz/scenario.dict"
launch input_block_fuzz "$work/seed/input_block"
launch output_block_fuzz "$work/seed/output_block"
launch snapshot_fuzz "$work/seed/snapshot"
launch state_fuzz "$work/seed/state"
launch log_text_fuzz "$work/seed/log_text"
for pid in "${pids[@]}"; do wait "$pid" || status=1; done
exit "$status"
