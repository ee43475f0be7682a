#!/usr/bin/env bash
# Live ingest benchmark (issue 11, bench/RESULTS.md): the bare libnats ceiling and `tape live`
# on the same JetStream stream of N messages (half quotes, half trades), sync = none.
# Usage: bench/live/live_ingest.sh BUILD_DIR [N] [RUNS]
# Starts its own nats-server on a free loopback port with a temporary store dir, stops it after.
# Per run prints the ceiling's line, then tape live's: messages journaled and acknowledged per
# second (first message fetched -> last acknowledged, polled every 20 ms from /metrics), the
# process's CPU seconds, and the summary's ingest_messages_per_s (first -> last fetched).
# PERF=FILE also records a perf profile of tape live. TAPES="BIN1 BIN2 ..." runs each of these
# tape binaries in turn in every run (before/after comparisons on one stream), default BUILD_DIR/tape.
set -euo pipefail
build="$(cd "${1:?BUILD_DIR}" && pwd)"
n="${2:-1000000}"
runs="${3:-1}"
tmp="$(mktemp -d /tmp/live-ingest-bench.XXXXXX)"
source "$(dirname "$0")/common.sh"

"$build/bench/live_ceiling" --url "$url" --publish "$n" >/dev/null
cat >"$tmp/bench.toml" <<EOF
[backtest]
name = "live-bench"

[live]
heartbeat_ms = 100
metrics_port = $mport

[live.nats]
url = "$url"
stream = "CEIL"
subjects = ["ceil.in.>"]
fetch_batch = 4096

[recorder]
sync = "none"

[[instruments]]
symbol = "ACME"
tick_size = "0.01"
EOF

now() { date +%s.%N; }
for r in $(seq "$runs"); do
  echo "run $r, load: $(cut -d' ' -f1-3 /proc/loadavg)"
  "$build/bench/live_ceiling" --url "$url" --messages "$n" --batch 4096 --meta
  for tape_bin in ${TAPES:-$build/tape}; do
  rm -rf "$tmp/session"
  "$tape_bin" live "$tmp/bench.toml" --data-dir "$tmp/session" --json >"$tmp/out.json" &
  pid=$!
  # PERF=FILE: perf record (all threads) of tape live into FILE.
  if [ -n "${PERF:-}" ]; then perf record -q -F 499 -g -p "$pid" -o "$PERF" 2>/dev/null & perf_pid=$!; fi
  t0=""
  until [ -n "$t0" ]; do
    s="$(metric tape_live_last_stream_seq || true)"
    if [ -n "$s" ] && [ "${s%.*}" -gt 0 ] 2>/dev/null; then t0="$(now)"; fi
    sleep 0.02
  done
  until [ "$(metric tape_live_acked_stream_seq || echo 0)" = "$n" ]; do sleep 0.02; done
  t1="$(now)"
  cpu="$(awk '{ print ($14 + $15) / 100 }' /proc/$pid/stat)"
  kill -TERM "$pid"
  wait "$pid"
  if [ -n "${PERF:-}" ]; then wait "$perf_pid"; fi
  fetched="$(python3 -c 'import json,sys; print(round(json.load(open(sys.argv[1]))["live"]["ingest_messages_per_s"]))' "$tmp/out.json")"
  python3 -c "import sys; n,t0,t1=int(sys.argv[1]),float(sys.argv[2]),float(sys.argv[3]); print(f'tape live ({sys.argv[6]}): messages {n} journaled_per_s {n/(t1-t0):.0f} cpu_s {sys.argv[4]} fetched_per_s {sys.argv[5]}')" "$n" "$t0" "$t1" "$cpu" "$fetched" "$tape_bin"
  done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
