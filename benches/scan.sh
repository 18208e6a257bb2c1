#!/usr/bin/env bash
# mcpreg scan's TCP phase (--no-identify) against nmap's connect scan
# (nmap -sT -T5 -n -Pn), side by side, on loopback only:
#   (a) one loopback address x ports 1-65535
#   (b) one loopback /16 x one port
#   (c) 2,000 filtered targets at a 500 ms timeout, several windows
# Ground truth comes from listeners this script opens (benches/scan_listeners.py);
# both tools must report exactly that open set. Medians come from hyperfine.
# Every address used is in 127.0.0.0/8; nothing else is ever sent a packet.
#
# Usage: benches/scan.sh            (RUNS=10 by default; results in benches/out/)
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${RUNS:-10}
A_ADDR=127.78.0.1                 # (a): one address, every port
B_BLOCK=127.77.0.0/16 B_PORT=${B_PORT:-8080}
B_OPEN=(127.77.0.1 127.77.1.2 127.77.128.3 127.77.255.254)
C_ADDR=127.79.0.1 C_LO=20000 C_HI=21999 C_TIMEOUT=500ms

need() { command -v "$1" >/dev/null 2>&1; }
if ! need nmap; then
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nmap >/dev/null
  else
    echo "benches/scan.sh: please install nmap (Debian package nmap)" >&2; exit 2
  fi
fi
for tool in hyperfine python3 ss; do
  need "$tool" || { echo "benches/scan.sh: $tool is missing" >&2; exit 2; }
done

cargo build --release --quiet
bin="${CARGO_TARGET_DIR:-target}/release/mcpreg"
out=benches/out
mkdir -p "$out"
reg="$out/registry.json"   # scan writes nothing without --register

# Ground truth: listeners of our own, plus any wildcard listener of the host
# (0.0.0.0:P answers on every loopback address too).
ready="$out/listeners.txt"
rm -f "$ready"
ulimit -n "$(ulimit -Hn)"
python3 benches/scan_listeners.py "$ready" \
  open "$A_ADDR" 8 open-at "$B_PORT" "${B_OPEN[@]}" filtered "$C_ADDR" "$C_LO" "$C_HI" &
helper=$!
trap 'kill "$helper" 2>/dev/null || true' EXIT
for _ in $(seq 300); do [ -f "$ready" ] && break; kill -0 "$helper"; sleep 0.1; done
[ -f "$ready" ] || { echo "benches/scan.sh: listeners not ready" >&2; exit 2; }
wildcard=$(ss -ltnH | awk '{print $4}' | sed -nE 's/^(0\.0\.0\.0|\*|\[::\]):([0-9]+)$/\2/p' | sort -un)
if grep -qx "$B_PORT" <<<"$wildcard"; then
  echo "benches/scan.sh: a wildcard listener holds port $B_PORT; set B_PORT" >&2; exit 2
fi
truth_a=$( { awk -v a="$A_ADDR" '$1 == a {print a":"$2}' "$ready"; for p in $wildcard; do echo "$A_ADDR:$p"; done; } | sort -u)
truth_b=$(awk -v p="$B_PORT" '$2 == p {print $1":"p}' "$ready" | sort -u)

nmap_open() { nmap -sT -T5 -n -Pn "$@" -oG - | python3 -c '
import re, sys
for line in sys.stdin:
    m = re.match(r"Host: (\S+) .*Ports: (.*)", line)
    if m:
        for p in m.group(2).split(", "):
            f = p.split("/")
            if f[1] == "open":
                print(f"{m.group(1)}:{f[0]}")' | sort -u; }
mcpreg_open() { "$bin" -r "$reg" scan "$@" --no-identify --json | python3 -c '
import json, sys
for r in json.load(sys.stdin):
    print("%s:%s" % (r["address"], r["port"]))' | sort -u; }
check() {  # name, truth, nmap's set, mcpreg's set
  if [ "$2" != "$3" ] || [ "$2" != "$4" ]; then
    printf 'benches/scan.sh: %s: open sets differ\ntruth:\n%s\nnmap:\n%s\nmcpreg:\n%s\n' "$1" "$2" "$3" "$4" >&2
    exit 1
  fi
  echo "($1) open set agrees with the ground truth: $(wc -l <<<"$2") ports"
}

check a "$truth_a" "$(nmap_open -p1-65535 "$A_ADDR")" "$(mcpreg_open "$A_ADDR" --ports 1-65535)"
check b "$truth_b" "$(nmap_open -p"$B_PORT" "$B_BLOCK")" "$(mcpreg_open "$B_BLOCK" --ports "$B_PORT")"

hf() { local runs=$1; shift; hyperfine -N --style basic --warmup 1 --runs "$runs" "$@"; }
hf "$RUNS" --export-json "$out/scan-a.json" \
  -n "nmap (a)" "nmap -sT -T5 -n -Pn -p1-65535 $A_ADDR -oN /dev/null" \
  -n "mcpreg (a)" "$bin -r $reg scan $A_ADDR --ports 1-65535 --no-identify"
hf "$RUNS" --export-json "$out/scan-b.json" \
  -n "nmap (b)" "nmap -sT -T5 -n -Pn -p$B_PORT $B_BLOCK -oN /dev/null" \
  -n "mcpreg (b)" "$bin -r $reg scan $B_BLOCK --ports $B_PORT --no-identify"
# (c): nothing answers, so the time is ceil(2000 / window) x 500 ms.
hf 3 --export-json "$out/scan-c.json" -i \
  -n "mcpreg (c) default window" "$bin -r $reg scan $C_ADDR --ports $C_LO-$C_HI --timeout $C_TIMEOUT --no-identify" \
  -n "mcpreg (c) window 1000" "$bin -r $reg scan $C_ADDR --ports $C_LO-$C_HI --timeout $C_TIMEOUT --no-identify --concurrency 1000" \
  -n "mcpreg (c) window 500" "$bin -r $reg scan $C_ADDR --ports $C_LO-$C_HI --timeout $C_TIMEOUT --no-identify --concurrency 500" \
  -n "mcpreg (c) window 250" "$bin -r $reg scan $C_ADDR --ports $C_LO-$C_HI --timeout $C_TIMEOUT --no-identify --concurrency 250"

python3 - "$out" <<'PY'
import json, sys
out = sys.argv[1]
med = {}
for case in "abc":
    for r in json.load(open(f"{out}/scan-{case}.json"))["results"]:
        med[r["command"]] = r["median"]
print()
print("| case | nmap -sT -T5 median | mcpreg --no-identify median | ratio |")
print("|---|---|---|---|")
for case, what in [("a", "1 address x 65,535 ports"), ("b", "/16 x 1 port")]:
    n, m = med[f"nmap ({case})"], med[f"mcpreg ({case})"]
    print(f"| ({case}) {what} | {n:.3f} s | {m:.3f} s | {m / n:.2f} |")
print()
print("| (c) 2,000 filtered targets, 500 ms | expected ceil(2000/window) x 0.5 s | median |")
print("|---|---|---|")
for w in ["default window", "window 1000", "window 500", "window 250"]:
    n = 1 if w == "default window" else -(-2000 // int(w.split()[1]))
    print(f"| {w} | {n * 0.5:.1f} s | {med['mcpreg (c) ' + w]:.3f} s |")
PY
