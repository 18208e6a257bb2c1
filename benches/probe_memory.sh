#!/usr/bin/env bash
# Peak memory of `mcpreg health --probe` against hostile servers (issue 11 §5).
# No network beyond 127.0.0.1.
#
#   benches/probe_memory.sh
#
# BENCH_SERVERS (default 64) Streamable HTTP servers on 127.0.0.1 (one Python
# process, benches/fake_mcp_http.py --pages), each answering tools/list with
# BENCH_PAGES (default 100) pages of BENCH_TOOLS (default 3,000) tools: 300,000
# tools and about 11 MB per server, under the probe's 16 MiB read cap, so every
# probe succeeds and has to decide what to keep. One `health --probe` over all of
# them runs under /usr/bin/time -v; its "Maximum resident set size" is the figure.
# Target: under 1 GB for 64 servers.
#
# With BENCH_BEFORE=PATH (another mcpreg binary, e.g. one built from main) the same
# registry is probed by that binary too, in the same run, with BENCH_BEFORE_SERVERS
# servers (default: BENCH_SERVERS; main needs about 230 MB per server, so a smaller
# number keeps a shared machine alive).
#
# Prints a Markdown report on stdout and writes it to benches/out/probe_memory.md.
#
# Knobs: BENCH_SERVERS, BENCH_PAGES, BENCH_TOOLS, BENCH_BEFORE, BENCH_BEFORE_SERVERS,
#        BENCH_MCPREG=PATH (measure this binary instead of building one), BENCH_KEEP=1.
# Exit status: 0 when everything ran; 1 when a sanity check failed; 2 when a
# prerequisite is missing or the build fails.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCHES=$ROOT/benches
OUT=$BENCHES/out
FAKE=$BENCHES/fake_mcp_http.py
NSERVERS=${BENCH_SERVERS:-64}
NPAGES=${BENCH_PAGES:-100}
NTOOLS=${BENCH_TOOLS:-3000}
BEFORE=${BENCH_BEFORE:-}
NBEFORE=${BENCH_BEFORE_SERVERS:-$NSERVERS}

say() { printf '\n== %s\n' "$*" >&2; }
die() { printf 'probe_memory.sh: %s\n' "$*" >&2; exit "${2:-1}"; }
# shellcheck source=benches/lib.sh
source "$ROOT/benches/lib.sh"

WORK=""
FAKE_PID=""
cleanup() {
    local status=$?
    trap - EXIT INT TERM
    if [[ -n $FAKE_PID ]]; then
        kill "$FAKE_PID" 2>/dev/null || true
        wait "$FAKE_PID" 2>/dev/null || true
    fi
    if [[ -n $WORK && -d $WORK && ${BENCH_KEEP:-} != 1 ]]; then rm -rf "$WORK"; fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

install_tools python3=python3 /usr/bin/time=time
[[ -z $BEFORE || -x $BEFORE ]] || die "BENCH_BEFORE=$BEFORE is not an executable" 2
private_binary probe_memory

say "starting $NSERVERS hostile servers ($NPAGES pages of $NTOOLS tools each) on 127.0.0.1"
read -ra PORTS <<<"$(free_ports "$NSERVERS")"
python3 "$FAKE" --pages "$NPAGES" --tools-per-page "$NTOOLS" "${PORTS[@]}" 2>"$WORK/fake.log" &
FAKE_PID=$!
for _ in $(seq 300); do
    grep -q listening "$WORK/fake.log" 2>/dev/null && break
    kill -0 "$FAKE_PID" 2>/dev/null || die "the fake servers did not start: $(cat "$WORK/fake.log")" 2
    sleep 0.1
done

# registry N: a registry of the first N servers.
registry() {
    local reg=$WORK/reg-$1.json i
    if [[ ! -f $reg ]]; then
        for ((i = 0; i < $1; i++)); do
            "$MCPREG" -r "$reg" -q register --name "s$i" --url "http://127.0.0.1:${PORTS[$i]}/mcp" >/dev/null
        done
    fi
    echo "$reg"
}

# measure BINARY N: "peak_kib seconds ok_servers" of one health --probe over N servers.
measure() {
    local bin=$1 n=$2 reg
    reg=$(registry "$n")
    /usr/bin/time -v -o "$WORK/time.txt" "$bin" -r "$reg" --format json health --probe --timeout 120s \
        >"$WORK/health.json" 2>"$WORK/health.err" || true
    local kib secs ok
    kib=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/time.txt")
    secs=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$WORK/time.txt")
    ok=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["summary"]["ok"])' \
        "$WORK/health.json" 2>/dev/null || echo "?")
    echo "$kib $secs $ok"
}

say "health --probe over $NSERVERS servers with $MCPREG"
read -r AFTER_KIB AFTER_SECS AFTER_OK <<<"$(measure "$MCPREG" "$NSERVERS")"
[[ $AFTER_OK == "$NSERVERS" ]] ||
    die "sanity: only $AFTER_OK of $NSERVERS probes succeeded: $(head -c 2000 "$WORK/health.err" "$WORK/health.json")"
TRUNCATED=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["servers"][0]["health"].get("truncated"))' "$WORK/health.json")
SINGLE=$(measure "$MCPREG" 1)

BEFORE_ROW=""
if [[ -n $BEFORE ]]; then
    say "health --probe over $NBEFORE servers with $BEFORE"
    read -r B_KIB B_SECS B_OK <<<"$(measure "$BEFORE" "$NBEFORE")"
    read -r B1_KIB _ _ <<<"$(measure "$BEFORE" 1)"
    BEFORE_ROW="| before: \`$BEFORE\` | $NBEFORE | $((B_KIB / 1024)) | $((B1_KIB / 1024)) | $B_SECS | $B_OK of $NBEFORE |"
fi

commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
if [[ -n $(git -C "$ROOT" status --porcelain --untracked-files=no -- src Cargo.toml Cargo.lock 2>/dev/null) ]]; then
    commit="$commit + uncommitted changes"
fi
read -r S_KIB _ _ <<<"$SINGLE"
{
    echo "# mcpreg health --probe peak memory against hostile servers (issue 11 §5)"
    echo
    echo "mcpreg $commit; $(nproc) cores, $(uname -sr). Each server answers tools/list with"
    echo "$NPAGES pages of $NTOOLS tools (about $((NPAGES * NTOOLS * 38 / 1000000)) MB per server, under the 16 MiB read cap)."
    echo "Peak RSS is \`/usr/bin/time -v\`'s maximum resident set size of the whole process."
    echo
    echo "| Binary | Servers | Peak RSS (MiB) | Peak RSS, 1 server (MiB) | Wall time | Probes ok |"
    echo "|---|---:|---:|---:|---:|---:|"
    echo "| after: this tree | $NSERVERS | $((AFTER_KIB / 1024)) | $((S_KIB / 1024)) | $AFTER_SECS | $AFTER_OK of $NSERVERS |"
    [[ -z $BEFORE_ROW ]] || echo "$BEFORE_ROW"
    echo
    echo "Target: under 1 GB for $NSERVERS servers: $( ((AFTER_KIB < 1000000)) && echo PASS || echo FAIL)."
    echo "Recorded in each entry's health: \`truncated: $TRUNCATED\`."
} | tee "$OUT/probe_memory.md"
