#!/usr/bin/env bash
# mcpreg serve over Streamable HTTP (issue 14 §3): 16 concurrent clients calling
# `find_servers` on a 10,000-entry registry with real-shaped tools
# (benches/gen_registry.py --tools realistic), against one `mcpreg find` process
# with the same filter on the same file, in one run. Also the server's memory
# (idle and after the load), and the time from a `register` into the file to the
# first find_servers answer that shows it. Loopback only.
#
#   benches/serve.sh
#
# The load generator is benches/serve_load.py (stdlib Python, one keep-alive
# connection per client thread); it reports its own CPU time beside the server's,
# so the report shows which of the two the two cores were busy with.
#
# Knobs: BENCH_DURATION (seconds per load run, 20), BENCH_CLIENTS (16),
# BENCH_ENTRIES (10000), BENCH_CHANGES (register-to-visible changes, 20),
# BENCH_QUICK=1 (short runs: a smoke test, not numbers), BENCH_STRICT=1 (exit 3
# when a target is missed), BENCH_MCPREG=PATH (this binary, not a build),
# BENCH_KEEP=1 (keep the scratch folder). With etcd and etcdctl on PATH, the
# register-to-visible part runs on a throwaway etcd too.
#
# Exit status: 0 when everything ran; 1 when a sanity check failed; 2 when a
# prerequisite is missing; 3 with BENCH_STRICT=1 when a target is missed.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=$ROOT/benches/out
GEN=$ROOT/benches/gen_registry.py
LOAD=$ROOT/benches/serve_load.py
ENTRIES=${BENCH_ENTRIES:-10000}
CLIENTS=${BENCH_CLIENTS:-16}
DURATION=${BENCH_DURATION:-20}
CHANGES=${BENCH_CHANGES:-20}
RUNS=20
if [[ ${BENCH_QUICK:-} == 1 ]]; then DURATION=3 CHANGES=5 RUNS=3; fi

say() { printf '\n== %s\n' "$*" >&2; }
die() { printf 'serve.sh: %s\n' "$*" >&2; exit "${2:-1}"; }
# shellcheck source=benches/lib.sh
source "$ROOT/benches/lib.sh"

WORK="" SERVER_PID=""
stop_server() { # SIGTERM, then the exit status (the issue wants 0)
    local status=0
    [[ -n $SERVER_PID ]] || return 0
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" || status=$?
    SERVER_PID=""
    return "$status"
}
ETCD_PID=""
stop_etcd() {
    [[ -n $ETCD_PID ]] || return 0
    kill "$ETCD_PID" 2>/dev/null || true
    wait "$ETCD_PID" 2>/dev/null || true
    ETCD_PID=""
}
cleanup() {
    local status=$?
    stop_server || true
    stop_etcd
    if [[ -n $WORK && -d $WORK && ${BENCH_KEEP:-} != 1 ]]; then rm -rf "$WORK"; fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

command -v python3 >/dev/null || die "python3 is needed for the registry and the load" 2
install_tools hyperfine=hyperfine
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
private_binary serve
"$MCPREG" serve --help | grep -q -- --http ||
    die "this mcpreg has no 'serve --http' (issue 14's HTTP face is not in this build)" 2
rm -f "$OUT"/serve-*.json "$OUT/serve-results.md"

# The layout mcpreg writes (see benches/run.sh): the generator writes the same.
"$MCPREG" -r "$WORK/probe.json" register --name probe --tool t=d --meta k=v -q -- /bin/true >/dev/null
LAYOUT=$(python3 "$GEN" --detect-layout "$WORK/probe.json")
[[ $LAYOUT != unknown ]] || LAYOUT=fields

say "generating $ENTRIES entries with realistic tools"
BIG=$WORK/entries.json
python3 "$GEN" "$ENTRIES" "$BIG" --tools realistic --layout "$LAYOUT"
read -r TOOL _ < <(python3 "$GEN" --print-expected "$ENTRIES")
FILTER="{\"filters\": {\"tool\": \"$TOOL\"}}"
SIZE=$(stat -c %s "$BIG")
EXPECT=$("$MCPREG" -r "$BIG" find --tool "$TOOL" --format ids | wc -l)
((EXPECT > 0)) || die "sanity: find --tool $TOOL finds nothing"
echo "  $ENTRIES entries, $SIZE bytes; find --tool $TOOL matches $EXPECT" >&2

bench() { # $1 = name, $2 = label, $3 = command
    hyperfine -N --style basic --warmup 2 --runs "$RUNS" --export-json "$OUT/serve-$1.json" \
        --command-name "$2" "$3" >&2
}

start_server() {
    read -r PORT < <(free_ports 1)
    URL=http://127.0.0.1:$PORT/mcp
    "$MCPREG" -r "$BIG" serve --http "127.0.0.1:$PORT" 2>"$WORK/serve.log" &
    SERVER_PID=$!
    local t0=$SECONDS
    # Ready when one call answers with every match (the snapshot is loaded).
    until python3 "$LOAD" load "$URL" --clients 1 --calls 1 --warmup 0 \
        --arguments "$FILTER" --expect-count "$EXPECT" >/dev/null 2>&1; do
        kill -0 "$SERVER_PID" 2>/dev/null || die "serve exited: $(tail -3 "$WORK/serve.log")"
        ((SECONDS - t0 < 120)) || die "serve did not answer within 120 s"
        sleep 0.1
    done
    echo "  serving $URL (pid $SERVER_PID), ready after $((SECONDS - t0)) s" >&2
}
memory() { python3 -B -c 'import json, sys; sys.path.insert(0, sys.argv[1]); import serve_load; print(json.dumps(serve_load.memory_of(int(sys.argv[2]))))' "$ROOT/benches" "$SERVER_PID"; }
load() { # $1 = name, $2 = era
    python3 "$LOAD" load "$URL" --era "$2" --clients "$CLIENTS" --duration "$DURATION" \
        --arguments "$FILTER" --expect-count "$EXPECT" --server-pid "$SERVER_PID" \
        >"$OUT/serve-$1.json" || die "load ($2) failed: $(cat "$OUT/serve-$1.json")"
    echo "  $2: $(cat "$OUT/serve-$1.json")" >&2
}

say "one mcpreg find process (before the load)"
bench find-table "find --tool $TOOL" "$MCPREG -r $BIG find --tool $TOOL"
bench find-json "find --tool $TOOL --format json" "$MCPREG -r $BIG find --tool $TOOL --format json"

say "serve --http, $CLIENTS clients, ${DURATION} s per run"
start_server
sleep 1
memory >"$OUT/serve-memory-idle.json"
echo "  idle: $(cat "$OUT/serve-memory-idle.json")" >&2
load modern-1 2026-07-28
load legacy 2025-11-25
load modern-2 2026-07-28
memory >"$OUT/serve-memory-loaded.json"

say "one mcpreg find process (after the load)"
bench find-table-after "find --tool $TOOL (after)" "$MCPREG -r $BIG find --tool $TOOL"

say "register -> visible in find_servers, $CHANGES changes"
python3 "$LOAD" visible "$URL" "$MCPREG" "$BIG" --changes "$CHANGES" --server-pid "$SERVER_PID" \
    >"$OUT/serve-visible.json" || die "visible failed: $(cat "$OUT/serve-visible.json")"
echo "  $(cat "$OUT/serve-visible.json")" >&2
SIGTERM_STATUS=0
stop_server || SIGTERM_STATUS=$?

# The same on etcd: 10,000 entries (benches/etcd_scale.py's, each with its own
# lease), `serve -r etcd://...`, and `register`s into etcd. The change reaches
# serve through etcd's watch stream; timed from `register`'s exit, which comes
# after etcd's event, so this is an upper bound of "within 100 ms of the event".
if command -v etcd >/dev/null && command -v etcdctl >/dev/null; then
    say "etcd: register -> visible in find_servers, $CHANGES changes"
    read -r CPORT PPORT < <(free_ports 2)
    ENDPOINT=127.0.0.1:$CPORT
    etcd --name bench --data-dir "$WORK/etcd" \
        --listen-client-urls "http://$ENDPOINT" --advertise-client-urls "http://$ENDPOINT" \
        --listen-peer-urls "http://127.0.0.1:$PPORT" \
        --initial-advertise-peer-urls "http://127.0.0.1:$PPORT" \
        --initial-cluster "bench=http://127.0.0.1:$PPORT" --initial-cluster-state new \
        --logger zap --log-level error --log-outputs stderr >"$WORK/etcd.log" 2>&1 &
    ETCD_PID=$!
    for _ in $(seq 100); do
        etcdctl --endpoints "$ENDPOINT" endpoint health >/dev/null 2>&1 && break
        sleep 0.1
    done
    python3 "$ROOT/benches/etcd_scale.py" seed "$ENDPOINT" /serve "$ENTRIES" >/dev/null ||
        die "could not seed etcd: $(tail -3 "$WORK/etcd.log")"
    ETCD_REG=etcd://$ENDPOINT/serve
    read -r PORT < <(free_ports 1)
    URL=http://127.0.0.1:$PORT/mcp
    "$MCPREG" -r "$ETCD_REG" serve --http "127.0.0.1:$PORT" 2>"$WORK/serve-etcd.log" &
    SERVER_PID=$!
    t0=$SECONDS
    until python3 "$LOAD" load "$URL" --clients 1 --calls 1 --warmup 0 \
        --arguments '{"filters": {"status": "any", "limit": 1}}' --expect-count 1 >/dev/null 2>&1; do
        kill -0 "$SERVER_PID" 2>/dev/null || die "serve (etcd) exited: $(tail -3 "$WORK/serve-etcd.log")"
        ((SECONDS - t0 < 120)) || die "serve (etcd) did not answer within 120 s"
        sleep 0.1
    done
    memory >"$OUT/serve-etcd-memory-idle.json"
    python3 "$LOAD" visible "$URL" "$MCPREG" "$ETCD_REG" --changes "$CHANGES" --server-pid "$SERVER_PID" \
        >"$OUT/serve-etcd-visible.json" || die "visible (etcd) failed: $(cat "$OUT/serve-etcd-visible.json")"
    echo "  $(cat "$OUT/serve-etcd-visible.json")" >&2
    stop_server || true
    stop_etcd
fi

say "report"
export COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
export MCPREG_VERSION=$("$MCPREG" --version) HYPERFINE_VERSION=$(hyperfine --version)
export CPUS=$(nproc) LOAD_START LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)
export ENTRIES SIZE TOOL EXPECT CLIENTS DURATION SIGTERM_STATUS
set +e
python3 - "$OUT" <<'PY' | tee "$OUT/serve-results.md"
import json, os, sys
out, env = sys.argv[1], os.environ
def j(name):
    return json.load(open(f"{out}/serve-{name}.json"))
def hf(name):
    r = j(name)["results"][0]
    return r["median"] * 1000, r["mean"] * 1000, r["stddev"] * 1000, (r["user"] + r["system"]) * 1000
p = print
p("# mcpreg serve --http benchmark\n")
p(f"- mcpreg: {env['MCPREG_VERSION']} at {env['COMMIT']}; {env['HYPERFINE_VERSION']}")
p(f"- machine: {env['CPUS']} CPUs; load average {env['LOAD_START']} at the start, {env['LOAD_END']} at the end")
p(f"- registry: {int(env['ENTRIES']):,} entries (realistic tools), {int(env['SIZE']) / 1e6:.1f} MB; "
  f"filter `tool: {env['TOOL']}` matches {env['EXPECT']} entries")
p(f"- load: {env['CLIENTS']} clients, one keep-alive connection each, back to back, "
  f"{env['DURATION']} s per run\n")
p("| run | era | calls | calls/s | p50 ms | p90 ms | p99 ms | max ms | server CPU µs/call | generator CPU µs/call | cores: server + generator |")
p("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
runs = [("modern-1", j("modern-1")), ("legacy", j("legacy")), ("modern-2", j("modern-2"))]
for name, r in runs:
    p(f"| {name} | {r['era']} | {r['calls']:,} | {r['calls_per_s']:,.0f} | {r['p50_ms']:.2f} | {r['p90_ms']:.2f} "
      f"| {r['p99_ms']:.2f} | {r['max_ms']:.1f} | {r['server_cpu_us_per_call']:.0f} | {r['generator_cpu_us_per_call']:.0f} "
      f"| {r['server_cores']:.2f} + {r['generator_cores']:.2f} |")
p("\n| one process | median ms | mean ± σ ms | CPU ms (user + sys) |")
p("|---|---:|---:|---:|")
for name, label in [("find-table", f"`find --tool {env['TOOL']}`"),
                    ("find-json", f"`find --tool {env['TOOL']} --format json`"),
                    ("find-table-after", f"`find --tool {env['TOOL']}` (after the load)")]:
    med, mean, sd, cpu = hf(name)
    p(f"| {label} | {med:.1f} | {mean:.1f} ± {sd:.1f} | {cpu:.1f} |")
idle, loaded, vis = j("memory-idle"), j("memory-loaded"), j("visible")
mib = lambda k: f"{k / 1024:.1f} MiB"
p(f"\nServer memory: idle VmRSS {mib(idle['VmRSS'])} (VmHWM {mib(idle['VmHWM'])}); "
  f"after the load VmRSS {mib(loaded['VmRSS'])} (VmHWM {mib(loaded['VmHWM'])}); "
  f"after {vis['changes']} changes VmRSS {mib(vis['server_memory_kib']['VmRSS'])} "
  f"(VmHWM {mib(vis['server_memory_kib']['VmHWM'])}).")
p(f"\n`register` into the file to the first find_servers answer showing it ({vis['changes']} changes, "
  f"{vis['before_exit']} seen before `register` was reaped): from its exit p50 {vis['from_exit_p50_ms']} ms, "
  f"p99 {vis['from_exit_p99_ms']} ms, max {vis['from_exit_max_ms']} ms; from its start p50 "
  f"{vis['from_start_p50_ms']} ms, max {vis['from_start_max_ms']} ms.")
p(f"\nSIGTERM: serve exited with status {env['SIGTERM_STATUS']}.")
etcd_vis = None
if os.path.exists(f"{out}/serve-etcd-visible.json"):
    etcd_vis, etcd_idle = j("etcd-visible"), j("etcd-memory-idle")
    p(f"\netcd ({int(env['ENTRIES']):,} entries): `register` to the first find_servers answer showing it "
      f"({etcd_vis['changes']} changes, {etcd_vis['before_exit']} seen before `register` was reaped): from its exit "
      f"p50 {etcd_vis['from_exit_p50_ms']} ms, p99 {etcd_vis['from_exit_p99_ms']} ms, max {etcd_vis['from_exit_max_ms']} ms; "
      f"server VmRSS idle {mib(etcd_idle['VmRSS'])}, after the changes {mib(etcd_vis['server_memory_kib']['VmRSS'])}.")
find_ms, _, _, find_cpu = hf("find-table")
targets = []
for name, r in runs:
    if r["era"] == "2026-07-28":
        ratio = r["p50_ms"] / find_ms
        targets.append((f"p50 of find_servers ({name}) ≤ 1/10 of one `find` process",
                        f"{r['p50_ms']:.2f} ms vs {find_ms:.1f} ms = {ratio:.3f}", ratio <= 0.1))
legacy = j("legacy")
targets.append(("p50 in the 2025-11-25 era (sessions), same target",
                f"{legacy['p50_ms']:.2f} ms vs {find_ms:.1f} ms = {legacy['p50_ms'] / find_ms:.3f}",
                legacy["p50_ms"] / find_ms <= 0.1))
targets.append(("a change is visible within 100 ms of the write (p99 from `register` exit)",
                f"p99 {vis['from_exit_p99_ms']} ms, max {vis['from_exit_max_ms']} ms",
                vis["from_exit_p99_ms"] <= 100))
if etcd_vis is not None:
    targets.append(("etcd: a change is visible within 100 ms of the event (p99 from `register` exit)",
                    f"p99 {etcd_vis['from_exit_p99_ms']} ms, max {etcd_vis['from_exit_max_ms']} ms",
                    etcd_vis["from_exit_p99_ms"] <= 100))
targets.append(("SIGTERM ends serve with status 0", env["SIGTERM_STATUS"], env["SIGTERM_STATUS"] == "0"))
p(f"\nCPU, not wall: server CPU per call {runs[0][1]['server_cpu_us_per_call']:.0f} µs vs {find_cpu:.0f} ms of CPU "
  f"for one `find` process = {runs[0][1]['server_cpu_us_per_call'] / 1000 / find_cpu:.4f}.")
p("\n## Targets\n")
p("| Target | Measured | Result |")
p("|---|---|---|")
for name, measured, ok in targets:
    p(f"| {name} | {measured} | {'pass' if ok else '**FAIL**'} |")
sys.exit(0 if all(ok for *_, ok in targets) else 3)
PY
status=${PIPESTATUS[0]}
set -e
echo "wrote $OUT/serve-results.md" >&2
if ((status == 3)) && [[ ${BENCH_STRICT:-} == 1 ]]; then exit 3; fi
((status == 0 || status == 3)) || die "the report failed (status $status)"
