#!/usr/bin/env bash
# How long a clean stop of `tape live` takes: SIGTERM to exit, the session idle and caught up
# (1,000 messages journaled and acknowledged, /metrics on), RUNS times on one log (--resume).
# Usage: bench/live/live_stop.sh TAPE [RUNS]   (a by-hand figure for bench/RESULTS.md)
set -euo pipefail
TAPE=$1; RUNS=${2:-5}
tmp=$(mktemp -d)
source "$(dirname "$0")/common.sh"
cat > "$tmp/live.toml" <<T
[backtest]
name = "stop"
[live]
heartbeat_ms = 100
metrics_port = $mport
[live.nats]
url = "$url"
subjects = ["tape.in.>"]
[[instruments]]
symbol = "ACME"
tick_size = "0.01"
T
for i in $(seq 1000); do echo '{"type":"quote","symbol":"ACME","bid":"10.00","bid_qty":5,"ask":"10.10","ask_qty":7}'; done > "$tmp/m.jsonl"
$TAPE publish "$tmp/m.jsonl" --subject tape.in.md --url "$url" >/dev/null
for r in $(seq "$RUNS"); do
  args=(live "$tmp/live.toml" --data-dir "$tmp/s")
  [ "$r" -gt 1 ] && args+=(--resume)
  ${STRACE:-} $TAPE "${args[@]}" > "$tmp/out" 2>"$tmp/err" &
  pid=$!
  for _ in $(seq 500); do [ "$(metric tape_live_acked_stream_seq)" = "1000" ] && break; sleep 0.02; done
  sleep 0.5
  t0=$(date +%s%N); kill -TERM $pid; wait $pid; rc=$?; t1=$(date +%s%N)
  echo "run $r: exit $rc, stop took $(( (t1-t0)/1000000 )) ms"
done
