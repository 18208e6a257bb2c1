#!/usr/bin/env bash
# mcpreg ranked search (issue 13 §2): `find --query` against `find --tool` and jq,
# all in one run, on registries whose tools look like real servers' (1 to 14 tools
# per entry, each with a title, a description and an inputSchema of a few hundred
# bytes; benches/gen_registry.py --tools realistic). No network at all.
#
#   benches/search.sh
#
# Knobs: BENCH_QUICK=1 (3 runs each: a smoke test, not numbers), BENCH_STRICT=1
# (exit 3 when a target is missed), BENCH_MCPREG=PATH (this binary, not a build),
# BENCH_KEEP=1 (keep the scratch folder).
#
# Exit status: 0 when everything ran; 1 when a sanity check failed; 2 when a
# prerequisite is missing; 3 with BENCH_STRICT=1 when a target is missed.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=$ROOT/benches/out
GEN=$ROOT/benches/gen_registry.py
QUERY="read a text file"
TOOL=read_file

say() { printf '\n== %s\n' "$*" >&2; }
die() { printf 'search.sh: %s\n' "$*" >&2; exit "${2:-1}"; }
# shellcheck source=benches/lib.sh
source "$ROOT/benches/lib.sh"

WORK=""
cleanup() {
    local status=$?
    if [[ -n $WORK && -d $WORK && ${BENCH_KEEP:-} != 1 ]]; then rm -rf "$WORK"; fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

command -v python3 >/dev/null || die "python3 is needed to generate registries" 2
install_tools hyperfine=hyperfine jq=jq
private_binary search
rm -f "$OUT"/search-*.json "$OUT/search-results.md"

# The layout mcpreg writes (see benches/run.sh): the generator writes the same.
"$MCPREG" -r "$WORK/probe.json" register --name probe --tool t=d --meta k=v -q -- /bin/true >/dev/null
LAYOUT=$(python3 "$GEN" --detect-layout "$WORK/probe.json")
[[ $LAYOUT != unknown ]] || LAYOUT=fields

say "generating registries with realistic tools"
python3 "$GEN" 10000 "$WORK/entries-10000.json" --tools realistic --layout "$LAYOUT"
python3 "$GEN" 1000 "$WORK/tools-1000.json" --tools realistic --total-tools 1000 --layout "$LAYOUT"
python3 "$GEN" 100000 "$WORK/tools-100000.json" --tools realistic --total-tools 100000 --layout "$LAYOUT"
read -r RARE_TOOL _ < <(python3 "$GEN" --print-expected 100)
describe() { # $1 = file: "entries tools bytes"
    python3 - "$1" <<'PY'
import json, os, sys
servers = json.load(open(sys.argv[1]))["servers"]
print(len(servers), sum(len(e["tools"]) for e in servers), os.path.getsize(sys.argv[1]))
PY
}
declare -A SHAPE
for f in entries-10000 tools-1000 tools-100000; do
    SHAPE[$f]=$(describe "$WORK/$f.json")
    echo "  $f: ${SHAPE[$f]} (entries, tools, bytes)" >&2
done

# Sanity: mcpreg and jq agree on `--tool`; the query finds the text-file readers.
BIG=$WORK/entries-10000.json
JQ_FILTER='(now | strftime("%Y-%m-%dT%H:%M:%S.000Z")) as $now | [.servers[] | select(any(.tools[]; .name == $t)) | select(.lease == null or .lease.expires_at > $now)]'
for t in "$TOOL" "$RARE_TOOL"; do
    diff <("$MCPREG" -r "$BIG" find --tool "$t" --format ids) \
        <(jq -r --arg t "$t" "$JQ_FILTER | .[].id" "$BIG") >/dev/null ||
        die "sanity: jq and mcpreg disagree on --tool $t"
done
best=$("$MCPREG" -r "$BIG" find --query "$QUERY" --one --json | jq -r '.search.tools[0].name')
[[ $best == read_text_file || $best == read_file ]] ||
    die "sanity: the best tool for '$QUERY' is $best, not a file reader"
FOUND_TOOL=$("$MCPREG" -r "$BIG" find --tool "$TOOL" --format ids | wc -l)
FOUND_QUERY=$("$MCPREG" -r "$BIG" find --query "$QUERY" --format ids | wc -l)
echo "  --tool $TOOL matches $FOUND_TOOL entries; --query '$QUERY' matches $FOUND_QUERY" >&2

runs() { # $1 = runs (default 20); the seconds-long jq runs get fewer
    if [[ ${BENCH_QUICK:-} == 1 ]]; then echo "--warmup 1 --runs 3"
    elif [[ ${1:-20} -lt 10 ]]; then echo "--warmup 1 --runs $1"
    else echo "--warmup 2 --runs ${1:-20}"; fi
}
bench() { # $1 = name, $2 = label, $3 = command; $4 = runs
    # shellcheck disable=SC2046  # runs prints several words on purpose
    hyperfine -N --style basic $(runs "${4:-}") --export-json "$OUT/search-$1.json" \
        --command-name "$2" "$3" >&2
}

say "10,000 entries"
bench tool-json "find --tool $TOOL --format json" "$MCPREG -r $BIG find --tool $TOOL --format json"
bench tool-ids "find --tool $TOOL --format ids" "$MCPREG -r $BIG find --tool $TOOL --format ids"
bench query-json "find --query '$QUERY' --format json --limit 10" \
    "$MCPREG -r $BIG find --query '$QUERY' --format json --limit 10"
bench query-table "find --query '$QUERY' (table, 10 shown)" "$MCPREG -r $BIG find --query '$QUERY'"
bench query-all "find --query '$QUERY' --format json (all $FOUND_QUERY matches)" \
    "$MCPREG -r $BIG find --query '$QUERY' --format json" 10
bench jq-tool "jq, the entries offering $TOOL" "jq --arg t $TOOL '$JQ_FILTER' $BIG" 5
bench rare-json "find --tool $RARE_TOOL --format json" "$MCPREG -r $BIG find --tool $RARE_TOOL --format json"
bench jq-rare "jq, the entries offering $RARE_TOOL" "jq --arg t $RARE_TOOL '$JQ_FILTER' $BIG" 5

say "1,000 and 100,000 tools"
for f in tools-1000 tools-100000; do
    bench "query-$f" "find --query '$QUERY' --format json --limit 10 ($f)" \
        "$MCPREG -r $WORK/$f.json find --query '$QUERY' --format json --limit 10"
    bench "tool-$f" "find --tool $TOOL --format json ($f)" \
        "$MCPREG -r $WORK/$f.json find --tool $TOOL --format json"
done

say "report"
export SHAPE_BIG=${SHAPE[entries-10000]} SHAPE_1K=${SHAPE[tools-1000]} SHAPE_100K=${SHAPE[tools-100000]}
export COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
export MCPREG_VERSION=$("$MCPREG" --version) HYPERFINE_VERSION=$(hyperfine --version) JQ_VERSION=$(jq --version)
export CPUS=$(nproc) LOADAVG=$(cut -d' ' -f1-3 /proc/loadavg) FOUND_TOOL FOUND_QUERY
set +e
python3 - "$OUT" <<'PY' | tee "$OUT/search-results.md"
import json, os, sys
out, env = sys.argv[1], os.environ
def load(name):
    r = json.load(open(f"{out}/search-{name}.json"))["results"][0]
    return (r["command"], r["median"] * 1000, r["mean"] * 1000, r["stddev"] * 1000,
            (r["user"] + r["system"]) * 1000)
def shape(s):
    n, tools, size = s.split()
    return f"{int(n):,} entries, {int(tools):,} tools, {int(size) / 1e6:.1f} MB"
p = print
p("# mcpreg ranked search benchmark\n")
p(f"- mcpreg: {env['MCPREG_VERSION']} at {env['COMMIT']}; {env['HYPERFINE_VERSION']}, {env['JQ_VERSION']}")
p(f"- machine: {env['CPUS']} CPUs, load average at report time {env['LOADAVG']}")
p(f"- 10,000-entry file: {shape(env['SHAPE_BIG'])}; `--tool read_file` matches "
  f"{env['FOUND_TOOL']} entries, the query {env['FOUND_QUERY']}\n")
# CPU time (user + system, means) beside wall time: on a shared, loaded machine the
# wall time mostly measures the wait for a core.
p("| Benchmark | File | Median ms | Mean ± σ ms | CPU ms (user + sys) |")
p("|---|---|---:|---:|---:|")
rows = [("tool-json", "SHAPE_BIG"), ("tool-ids", "SHAPE_BIG"), ("query-json", "SHAPE_BIG"),
        ("query-table", "SHAPE_BIG"), ("query-all", "SHAPE_BIG"), ("jq-tool", "SHAPE_BIG"),
        ("rare-json", "SHAPE_BIG"), ("jq-rare", "SHAPE_BIG"),
        ("query-tools-1000", "SHAPE_1K"), ("tool-tools-1000", "SHAPE_1K"),
        ("query-tools-100000", "SHAPE_100K"), ("tool-tools-100000", "SHAPE_100K")]
for name, s in rows:
    label, med, mean, sd, cpu = load(name)
    p(f"| `{label}` | {shape(env[s])} | {med:.1f} | {mean:.1f} ± {sd:.1f} | {cpu:.1f} |")
q, t = load("query-json")[1], load("tool-json")[1]
rare, jq = load("rare-json")[1], load("jq-rare")[1]
tool_jq = load("jq-tool")[1]
q_cpu, t_cpu = load("query-json")[4], load("tool-json")[4]
p(f"\nCPU time of `find --query` vs `find --tool read_file`: {q_cpu:.1f} ms vs {t_cpu:.1f} ms = {q_cpu / t_cpu:.2f} ×")
targets = [
    ("`find --query` ≤ 2 × `find --tool read_file` (10,000 entries, JSON)", f"{q:.1f} ms vs {t:.1f} ms = {q / t:.2f} ×", q <= 2 * t),
    ("`find --tool` ≤ 1/10 of jq (rare tool, 10,000 entries)", f"{rare:.1f} ms vs {jq:.1f} ms = {rare / jq:.3f}", rare <= jq / 10),
    ("`find --tool read_file` ≤ 1/10 of jq (10,000 entries)", f"{t:.1f} ms vs {tool_jq:.1f} ms = {t / tool_jq:.3f}", t <= tool_jq / 10),
]
p("\n## Targets\n")
p("| Target | Measured | Result |")
p("|---|---|---|")
for name, measured, ok in targets:
    p(f"| {name} | {measured} | {'pass' if ok else '**FAIL**'} |")
sys.exit(0 if all(ok for *_, ok in targets) else 3)
PY
status=${PIPESTATUS[0]}
set -e
echo "wrote $OUT/search-results.md" >&2
if ((status == 3)) && [[ ${BENCH_STRICT:-} == 1 ]]; then exit 3; fi
((status == 0 || status == 3)) || die "the report failed (status $status)"
