#!/usr/bin/env bash
# Benchmarks of `mcpreg health --probe` (issue 3). No network beyond 127.0.0.1.
#
#   benches/probe.sh
#
# (a) Whole-process time of `mcpreg -r REG health --probe` over 1 and over 50
#     Streamable HTTP MCP servers on loopback. Target: 50 take at most twice as
#     long as 1 (the probes run in parallel). The servers are benches/fake_mcp_http.py:
#     one Python process listening on 50 ports of 127.0.0.1.
# (b) Whole-process time of one stdio probe of the official reference server
#     (server-everything), against the time `node` takes merely to start that
#     server and exit. The difference is what the probe itself costs.
#
# Prints a Markdown report on stdout and writes it to benches/out/probe.md;
# hyperfine's raw measurements go to benches/out/probe-*.json (git-ignored).
#
# Knobs (environment):
#   BENCH_RUNS=30 BENCH_WARMUP=5   hyperfine runs and warm-up runs per command
#   BENCH_SERVERS=50               how many HTTP servers in the large registry
#   BENCH_STRICT=1                 exit 3 when a target is missed
#   BENCH_KEEP=1                   keep the scratch folder (registries, logs)
#   BENCH_MCPREG=PATH              benchmark this binary instead of building one
#   BENCH_EVERYTHING=PATH          dist/index.js of server-everything (default: the
#                                  copy in .peers/, installed there with npm if missing)
#
# Needs cargo, python3 (standard library only), hyperfine (>= 1.13 for -N) and
# node + npm. When hyperfine, python3 or node is missing and the script runs as
# root, it installs it with apt-get and says so; server-everything is installed
# with npm into .peers/ (git-ignored).
#
# Exit status: 0 when everything ran (targets are reported, not enforced, unless
# BENCH_STRICT=1); 1 when a sanity check failed; 2 when a prerequisite is missing
# or the build fails; 3 for a missed target with BENCH_STRICT=1.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCHES=$ROOT/benches
OUT=$BENCHES/out
FAKE=$BENCHES/fake_mcp_http.py
RUNS=${BENCH_RUNS:-30}
WARMUP=${BENCH_WARMUP:-5}
NSERVERS=${BENCH_SERVERS:-50}
EVERYTHING_PKG=@modelcontextprotocol/server-everything
EVERYTHING=${BENCH_EVERYTHING:-$ROOT/.peers/node_modules/$EVERYTHING_PKG/dist/index.js}

say() { printf '\n== %s\n' "$*" >&2; }
die() { printf 'probe.sh: %s\n' "$*" >&2; exit "${2:-1}"; }
# shellcheck source=benches/lib.sh
source "$ROOT/benches/lib.sh"

# ---------------------------------------------------------------------------
# Cleanup: every process started here is recorded and stopped on exit, whether
# the script finishes, fails under `set -e`, or is interrupted.
# ---------------------------------------------------------------------------
WORK=""
PIDS=()
cleanup() {
    local status=$?
    trap - EXIT INT TERM
    local pid
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    if [[ -n $WORK && -d $WORK ]]; then
        if [[ ${BENCH_KEEP:-} == 1 ]]; then
            echo "probe.sh: kept scratch folder $WORK" >&2
        else
            rm -rf "$WORK"
        fi
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------------------
# 1. Prerequisites and build
# ---------------------------------------------------------------------------
say "checking tools"
command -v cargo >/dev/null || die "cargo is needed to build mcpreg (https://rustup.rs)" 2
tools=(hyperfine=hyperfine python3=python3 node=nodejs)
# npm is only needed to install server-everything.
[[ -f $EVERYTHING ]] || tools+=(npm=npm)
install_tools "${tools[@]}"
if [[ ! -f $EVERYTHING ]]; then
    [[ -z ${BENCH_EVERYTHING:-} ]] || die "BENCH_EVERYTHING=$BENCH_EVERYTHING does not exist" 2
    echo "probe.sh: installing with npm into $ROOT/.peers: $EVERYTHING_PKG" >&2
    npm install --prefix "$ROOT/.peers" --no-audit --no-fund "$EVERYTHING_PKG" >&2 ||
        die "npm install $EVERYTHING_PKG failed" 2
    [[ -f $EVERYTHING ]] || die "npm installed $EVERYTHING_PKG but $EVERYTHING is missing" 2
fi

private_binary probe
rm -f "$OUT"/probe-*.json "$OUT/probe.md"

# hyperfine, the same way for every benchmark: no shell in between (-N), warm-up
# runs, stdin from /dev/null, its progress on stderr.
bench() {
    local json=$1
    shift
    hyperfine -N --warmup "$WARMUP" --runs "$RUNS" --export-json "$OUT/$json" "$@" </dev/null >&2
}

# N free TCP ports of 127.0.0.1, asked of the kernel (all bound at once, so distinct).

# ---------------------------------------------------------------------------
# 2. (a) HTTP: the fake servers and the two registries
# ---------------------------------------------------------------------------
say "starting $NSERVERS fake MCP servers (benches/fake_mcp_http.py) on 127.0.0.1"
read -ra PORTS <<<"$(free_ports "$NSERVERS")"
# One process per server, as real servers are: a single Python process would put
# all fifty behind one interpreter lock and measure that lock, not the client.
FAKE_PIDS=()
for port in "${PORTS[@]}"; do
    python3 "$FAKE" "$port" 2>>"$WORK/fake.log" &
    FAKE_PIDS+=("$!")
    PIDS+=("$!")
done
# Wait until every port accepts a connection.
python3 - "${PORTS[@]}" <<'EOF' || die "the fake servers did not start: $(cat "$WORK/fake.log")"
import socket, sys, time
ports = [int(p) for p in sys.argv[1:]]
deadline = time.monotonic() + 15
waiting = set(ports)
while waiting and time.monotonic() < deadline:
    for p in list(waiting):
        try:
            socket.create_connection(("127.0.0.1", p), timeout=0.2).close()
            waiting.discard(p)
        except OSError:
            pass
    if waiting:
        time.sleep(0.05)
sys.exit(1 if waiting else 0)
EOF

REG1=$WORK/http-1.json
REGN=$WORK/http-$NSERVERS.json
for i in "${!PORTS[@]}"; do
    "$MCPREG" -r "$REGN" -q register --name "s$i" --url "http://127.0.0.1:${PORTS[$i]}/mcp" >/dev/null
done
"$MCPREG" -r "$REG1" -q register --name s0 --url "http://127.0.0.1:${PORTS[0]}/mcp" >/dev/null

# Sanity: every probe must succeed and find what the fake server says, or the
# numbers would time failures.
check_http() {
    local reg=$1 n=$2
    "$MCPREG" -r "$reg" --format json health --probe >"$WORK/check.json" ||
        die "sanity: health --probe on $reg failed: $(head -c 2000 "$WORK/check.json")"
    python3 - "$WORK/check.json" "$n" <<'EOF' || die "sanity: health --probe on $reg did not report $n healthy servers"
import json, sys
report = json.load(open(sys.argv[1]))
n = int(sys.argv[2])
s = report["summary"]
ok = s["total"] == n and s["ok"] == n and all(
    e["health"]["protocol_version"] == "2025-11-25"
    and e["health"]["server_info"]["name"] == "bench"
    for e in report["servers"])
sys.exit(0 if ok else 1)
EOF
}
check_http "$REG1" 1
check_http "$REGN" "$NSERVERS"

say "(a) health --probe over 1 and over $NSERVERS HTTP servers"
bench probe-http.json \
    -n "health --probe, 1 server" "$MCPREG -r $REG1 health --probe" \
    -n "health --probe, $NSERVERS servers" "$MCPREG -r $REGN health --probe" \
    -n "health --probe --parallel 1, $NSERVERS servers" "$MCPREG -r $REGN health --probe --parallel 1"

# How much CPU the fake servers spend on one run over all of them: on two cores,
# half of it is a floor under the wall time of that run that no client can go
# below. The report shows it next to the target.
CLK_TCK=$(getconf CLK_TCK)
cpu_ticks() { for pid in "${FAKE_PIDS[@]}"; do awk '{print $14 + $15}' "/proc/$pid/stat"; done | awk '{s += $1} END {print s}'; }
before=$(cpu_ticks)
for _ in $(seq 10); do "$MCPREG" -r "$REGN" -q health --probe >/dev/null; done
after=$(cpu_ticks)
FAKE_CPU_MS=$(python3 -c "print(f'{($after - $before) * 1000 / $CLK_TCK / 10:.1f}')")

kill "${FAKE_PIDS[@]}" 2>/dev/null || true

# ---------------------------------------------------------------------------
# 3. (b) stdio: one probe of server-everything against node merely starting it
# ---------------------------------------------------------------------------
say "(b) one stdio probe of server-everything vs node starting it"
REGS=$WORK/stdio.json
"$MCPREG" -r "$REGS" -q register --name everything -- node "$EVERYTHING" stdio >/dev/null
"$MCPREG" -r "$REGS" --format json health --probe >"$WORK/check.json" ||
    die "sanity: health --probe of server-everything failed: $(head -c 2000 "$WORK/check.json")"
python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
h = r["servers"][0]["health"]
sys.exit(0 if r["summary"]["ok"] == 1 and h["protocol_version"] else 1)' "$WORK/check.json" ||
    die "sanity: the probe of server-everything did not succeed: $(head -c 2000 "$WORK/check.json")"

# "node merely starting it": `node index.js stdio` with stdin at /dev/null. The
# server loads all its modules, creates the MCP server, connects the stdio
# transport, reads end-of-file and exits: that is start-up and nothing else, with
# no MCP message exchanged. It only counts if it really exits by itself, so check
# that first (status 0, within 20 s). Should a later version keep running after
# end-of-file, measure instead `node --input-type=module -e 'await import(...);
# process.exit(0)'`: index.js awaits the import of its stdio transport, whose
# module starts the server, so the import resolves once the server is set up,
# and the process then exits without waiting for stdin. (Both take the same time
# on server-everything 2026.8.31; the first one needs no knowledge of its code.)
START_HOW="node index.js stdio </dev/null (exits at end of input)"
START_CMD="node $EVERYTHING stdio"
START_ARGV=(node "$EVERYTHING" stdio)
if ! timeout 20 node "$EVERYTHING" stdio </dev/null >/dev/null 2>"$WORK/start.err"; then
    START_HOW="node --input-type=module -e 'await import(index.js); process.exit(0)' (index.js stdio did not exit at end of input)"
    START_CMD="node --input-type=module -e 'await import(\"file://$EVERYTHING\"); process.exit(0)' stdio"
    START_ARGV=(node --input-type=module -e "await import(\"file://$EVERYTHING\"); process.exit(0)" stdio)
    echo "probe.sh: node index.js stdio did not exit at end of input; measuring the import instead" >&2
    timeout 20 node --input-type=module -e "await import(\"file://$EVERYTHING\"); process.exit(0)" stdio \
        </dev/null >/dev/null 2>"$WORK/start.err" ||
        die "server-everything did not start and exit: $(tail -n 5 "$WORK/start.err")" 2
fi

bench probe-stdio.json \
    -n "mcpreg health --probe (server-everything, stdio)" "$MCPREG -r $REGS health --probe" \
    -n "node starting server-everything" "$START_CMD"

# Where the probe's time goes. mcpreg records in the entry the latency of each
# probe: from spawning the server to its last answer, before the teardown (close
# stdin, wait, SIGTERM, ...) and before writing the registry. 10 more pairs of
# runs, each a node start then a probe, timed here, give per-pair differences,
# which a busy machine disturbs much less than a difference of two medians taken
# a few seconds apart.
python3 - "$MCPREG" "$REGS" "${START_ARGV[@]}" >"$WORK/split.env" <<'EOF' ||
import json, statistics, subprocess, sys, time
mcpreg, reg, start = sys.argv[1], sys.argv[2], sys.argv[3:]
rows = []
for _ in range(10):
    t0 = time.perf_counter()
    subprocess.run(start, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, check=True)
    t1 = time.perf_counter()
    out = subprocess.run([mcpreg, "-r", reg, "--format", "json", "health", "--probe"],
                         stdin=subprocess.DEVNULL, capture_output=True, check=True).stdout
    t2 = time.perf_counter()
    lat = json.loads(out)["servers"][0]["health"]["latency_ms"] / 1000
    rows.append((t1 - t0, t2 - t1, lat))
med = lambda f: statistics.median(f(*r) for r in rows)
print(f"SPLIT_START={med(lambda s, p, l: s):.6f}")
print(f"SPLIT_PROBE={med(lambda s, p, l: p):.6f}")
print(f"SPLIT_LATENCY={med(lambda s, p, l: l):.6f}")
print(f"SPLIT_OVERHEAD={med(lambda s, p, l: p - s):.6f}")
print(f"SPLIT_EXCHANGE={med(lambda s, p, l: l - s):.6f}")
print(f"SPLIT_AFTER={med(lambda s, p, l: p - l):.6f}")
EOF
    die "sanity: a probe of server-everything failed in the paired runs"
# shellcheck disable=SC1091
source "$WORK/split.env"

# ---------------------------------------------------------------------------
# 4. Report
# ---------------------------------------------------------------------------
commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
if [[ -n $(git -C "$ROOT" status --porcelain --untracked-files=no -- src Cargo.toml Cargo.lock 2>/dev/null) ]]; then
    commit="$commit + uncommitted changes"
fi
everything_version=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["version"])' \
    "$(dirname "$EVERYTHING")/../package.json" 2>/dev/null || echo unknown)

export OUT NSERVERS RUNS WARMUP FAKE_CPU_MS START_HOW commit everything_version
export SPLIT_START SPLIT_PROBE SPLIT_LATENCY SPLIT_OVERHEAD SPLIT_EXCHANGE SPLIT_AFTER
export HOST_INFO="$(nproc) cores, $(uname -sr), $(hyperfine --version), node $(node --version)"
set +e
python3 - >"$OUT/probe.md" <<'EOF'
import json, os, sys

out = os.environ["OUT"]
n = os.environ["NSERVERS"]

def load(name):
    return json.load(open(os.path.join(out, name)))["results"]

def ms(x):
    return f"{x * 1000:.1f}"

def row(r):
    return (f"| {r['command']} | {ms(r['median'])} | {ms(r['mean'])} ± {ms(r['stddev'])} "
            f"| {ms(r['min'])} | {ms(r['max'])} | {ms(r['user'])} + {ms(r['system'])} | {len(r['times'])} |")

head = ("| Command | Median (ms) | Mean ± σ (ms) | Min (ms) | Max (ms) | CPU user + sys, mean (ms) | Runs |\n"
        "|---|---:|---:|---:|---:|---:|---:|")
missed = 0
print("# mcpreg health --probe benchmarks (issue 3)\n")
print(f"mcpreg {os.environ['commit']}; {os.environ['HOST_INFO']}; "
      f"{os.environ['WARMUP']} warm-up runs; whole processes timed with `hyperfine -N`.\n")

http = load("probe-http.json")
one, many = http[0], http[1]
ratio = many["median"] / one["median"]
ok = ratio <= 2.0
missed += not ok
print(f"## (a) `mcpreg health --probe` over 1 and {n} Streamable HTTP servers on 127.0.0.1\n")
print(head)
for r in http:
    print(row(r))
print()
print("| Target | Measured | Result |\n|---|---|---|")
print(f"| {n} servers take at most 2 × the time of 1 | {ms(many['median'])} / {ms(one['median'])} ms "
      f"= **{ratio:.2f} ×** | {'PASS' if ok else 'FAIL'} |")
print()
print(f"The servers are `benches/fake_mcp_http.py`: one Python process per port ({n} ports), "
      "answering `server/discover` with -32601, then `initialize`, `notifications/initialized`, "
      "`tools/list` and `DELETE` (five HTTP requests per probe, the old-era fallback path). "
      f"Those processes used **{os.environ['FAKE_CPU_MS']} ms of CPU** per run over all {n} "
      "(measured over 10 runs): on two cores, half of that is a floor under the wall time of the "
      f"{n}-server run that no client can beat. The `--parallel 1` row probes the same "
      f"{n} servers one after another, for comparison.\n")

stdio = load("probe-stdio.json")
probe, start = stdio[0], stdio[1]
over = probe["median"] - start["median"]
print(f"## (b) One stdio probe of server-everything {os.environ['everything_version']} vs node starting it\n")
print(head)
for r in stdio:
    print(row(r))
print()
sp = {k: float(os.environ["SPLIT_" + k]) for k in
      ("START", "PROBE", "LATENCY", "OVERHEAD", "EXCHANGE", "AFTER")}
print("| | ms |\n|---|---:|")
print(f"| **Overhead of the probe**: median(probe) − median(start), from the table above | **{ms(over)}** |")
print()
print("Where the time goes, from 10 more pairs of runs (a start, then a probe), medians of per-pair values:\n")
print("| Per pair | Median (ms) |\n|---|---:|")
print(f"| node starting server-everything | {ms(sp['START'])} |")
print(f"| mcpreg health --probe, whole process | {ms(sp['PROBE'])} |")
print(f"| probe latency recorded by mcpreg (spawn to last answer) | {ms(sp['LATENCY'])} |")
print(f"| **overhead**: probe − start | **{ms(sp['OVERHEAD'])}** |")
print(f"| of it, the MCP exchange after start-up: latency − start | {ms(sp['EXCHANGE'])} |")
print(f"| of it, after the last answer (stopping the child, writing the registry, exit): probe − latency "
      f"| {ms(sp['AFTER'])} |")
print()
print(f"\"Start\" is `{os.environ['START_HOW']}`: node loads the server, connects its stdio "
      "transport and exits, without any MCP exchange. The probe's process spawns the same "
      "command, speaks MCP to it (`server/discover`, fallback to `initialize`, the lists), "
      "stops it (close stdin, then SIGTERM, then SIGKILL) and writes the result into the "
      "registry; its recorded latency ends at the last answer, before that teardown.")
sys.exit(3 if missed else 0)
EOF
report=$?
set -e
((report == 0 || report == 3)) || die "could not write the report (python3 exited $report)"
cat "$OUT/probe.md"
echo "probe.sh: report written to $OUT/probe.md" >&2
if ((report == 3)) && [[ ${BENCH_STRICT:-} == 1 ]]; then exit 3; fi
exit 0
