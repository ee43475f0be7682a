# Shared by the live benchmarks (sourced): a nats-server with JetStream on a free loopback port
# and a temporary store under $tmp (which the caller made), stopped and $tmp removed on exit;
# sets port, mport (a free port for tape live's /metrics) and url. metric NAME reads one
# figure from that /metrics.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port="$(free_port)"
mport="$(free_port)"
url="nats://127.0.0.1:$port"
nats-server -js -p "$port" -sd "$tmp/js" >"$tmp/nats.log" 2>&1 &
nats_pid=$!
cleanup() { kill "$nats_pid" 2>/dev/null || true; wait "$nats_pid" 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT
for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null && break; sleep 0.05; done
metric() { curl -s "127.0.0.1:$mport/metrics" | awk -v k="$1" '$1 == k { print $2 }'; }
