#!/usr/bin/env bash
# Live latency benchmark (issue 11, bench/RESULTS.md): message arrival (fetched by the client
# thread) to its outputs published, while `tape publish --rate RATE` sends N mixed messages
# (quotes, external orders, trades, cancels: accepted, fills and cancels are published) into a
# running `tape live` with sync = none and heartbeat_ms = 10.
# Usage: bench/live/live_latency.sh BUILD_DIR RATE [N] [FLUSH_INTERVAL_MS]
# Prints the summary's input_to_output_latency (p50 and p99 as histogram bucket upper bounds,
# the mean from sum / count) and the publisher's achieved rate.
# TAPE=BIN runs that tape binary as the session (the publisher is BUILD_DIR's).
# Starts its own nats-server on a free loopback port with a temporary store dir, stops it after.
set -euo pipefail
build="$(cd "${1:?BUILD_DIR}" && pwd)"
rate="${2:?RATE}"
n="${3:-50000}"
flush_ms="${4:-1}"
tmp="$(mktemp -d /tmp/live-latency-bench.XXXXXX)"
source "$(dirname "$0")/common.sh"

# The mix of tests/live/nats_fixture.h write_messages.
python3 - "$n" >"$tmp/m.jsonl" <<'EOF'
import sys
for i in range(int(sys.argv[1])):
    sym = "BOLT" if i % 7 == 3 else "ACME"
    k = i % 4
    if k == 0:
        print('{"type":"quote","symbol":"%s","bid":"10.00","bid_qty":5,"ask":"10.10","ask_qty":7}' % sym)
    elif k == 1:
        buy = i % 8 == 1
        print('{"type":"new_order","symbol":"%s","id":%d,"account":7,"side":"%s","order_type":"limit",'
              '"tif":"gtc","price":"10.%s","qty":3}' % (sym, i + 1, "buy" if buy else "sell", "00" if buy else "10"))
    elif k == 2:
        print('{"type":"trade","symbol":"%s","price":"10.05","qty":2}' % sym)
    else:
        print('{"type":"cancel","symbol":"%s","id":%d,"account":7}' % (sym, i - 1))
EOF
cat >"$tmp/bench.toml" <<EOF
[backtest]
name = "live-latency"

[live]
heartbeat_ms = 10
metrics_port = $mport

[live.nats]
url = "$url"

[recorder]
sync = "none"
flush_interval_ms = $flush_ms

[[instruments]]
symbol = "ACME"
tick_size = "0.01"

[[instruments]]
symbol = "BOLT"
tick_size = "0.05"
EOF
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
"${TAPE:-$build/tape}" live "$tmp/bench.toml" --data-dir "$tmp/session" --json >"$tmp/out.json" &
pid=$!
until [ -n "$(metric tape_live_connected || true)" ]; do sleep 0.05; done
"$build/tape" publish "$tmp/m.jsonl" --subject tape.in.md --url "$url" --rate "$rate" --json >"$tmp/pub.json"
until [ "$(metric tape_live_acked_stream_seq || echo 0)" = "$n" ]; do sleep 0.05; done
sleep 0.5  # the last batch's outputs
kill -TERM "$pid"
wait "$pid"
python3 - "$tmp/out.json" "$tmp/pub.json" "$rate" "$flush_ms" <<'EOF'
import json, sys
out = json.load(open(sys.argv[1]))["live"]
pub = json.load(open(sys.argv[2]))
h = out["input_to_output_latency"]
print("rate %s flush_interval_ms %s: published_per_s %s messages %d outputs %d p50<= %.2f ms p99<= %.2f ms mean %.2f ms"
      % (sys.argv[3], sys.argv[4], pub.get("messages_per_s", pub), out["messages"], h["count"],
         h["p50_ns_at_most"] / 1e6, h["p99_ns_at_most"] / 1e6, h["sum_ns"] / max(1, h["count"]) / 1e6))
EOF
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
