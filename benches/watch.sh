#!/usr/bin/env bash
# Benchmark of `mcpreg watch` (issue 7): latency from `register` exiting to the
# matching `added` event, median and p99 over 1,000 changes, on a registry file and
# on etcd; and the CPU an idle watch costs. Loopback only.
#   benches/watch.sh [CHANGES] [IDLE_SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
changes=${1:-1000}
idle=${2:-10}
out=benches/out
mkdir -p "$out"
work=$(mktemp -d)
etcd_pid=
cleanup() {
  [ -n "$etcd_pid" ] && kill "$etcd_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

command -v etcd >/dev/null || { [ "$(id -u)" -eq 0 ] && apt-get install -y -qq etcd-server >/dev/null; }
cargo build --release --quiet
bin=target/release/mcpreg

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
client=$(free_port); peer=$(free_port)
etcd --name watchbench --data-dir "$work/etcd" --log-level error \
  --listen-client-urls "http://127.0.0.1:$client" --advertise-client-urls "http://127.0.0.1:$client" \
  --listen-peer-urls "http://127.0.0.1:$peer" --initial-advertise-peer-urls "http://127.0.0.1:$peer" \
  --initial-cluster "watchbench=http://127.0.0.1:$peer" >/dev/null 2>&1 &
etcd_pid=$!
for _ in $(seq 100); do
  "$bin" -r "etcd://127.0.0.1:$client/ready" list >/dev/null 2>&1 && break
  sleep 0.1
done

file=$(python3 benches/watch_latency.py "$bin" "$work/registry.json" "$changes" "$idle")
etcd=$(python3 benches/watch_latency.py "$bin" "etcd://127.0.0.1:$client/bench" "$changes" "$idle")
{
  echo "| backend | changes | median ms | p99 ms | max ms | CPU while idle |"
  echo "|---|---|---|---|---|---|"
  for pair in "file:$file" "etcd:$etcd"; do
    name=${pair%%:*}; json=${pair#*:}
    python3 - "$name" "$json" <<'PY'
import json, sys
r = json.loads(sys.argv[2])
print(f"| {sys.argv[1]} | {r['changes']} | {r['median_ms']} | {r['p99_ms']} | {r['max_ms']} "
      f"| {r['idle_cpu_seconds']} s in {r['idle_seconds']} s |")
PY
  done
} | tee "$out/watch.md"
