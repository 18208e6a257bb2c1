# Shared by the benchmark scripts (sourced, not run). Expects ROOT, OUT and
# `die MESSAGE [STATUS]` to be defined by the script.

# install_tools TOOL=PACKAGE...: checks each TOOL is on PATH; missing ones are
# installed from their Debian PACKAGE when running as root, else the script stops
# with the command to run.
install_tools() {
    local pair missing=()
    for pair in "$@"; do
        command -v "${pair%%=*}" >/dev/null || missing+=("${pair#*=}")
    done
    ((${#missing[@]})) || return 0
    if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
        echo "$(basename "$0"): installing with apt-get: ${missing[*]}" >&2
        # A fresh container has no package lists yet: update only if needed.
        apt-get install -y "${missing[@]}" >&2 ||
            { apt-get update >&2 && apt-get install -y "${missing[@]}" >&2; }
    else
        die "missing tools; install them with: sudo apt-get install -y ${missing[*]}" 2
    fi
    for pair in "$@"; do
        command -v "${pair%%=*}" >/dev/null || die "${pair%%=*} is still missing after apt-get install" 2
    done
}

# private_binary NAME: builds mcpreg (or takes BENCH_MCPREG) and copies it into a
# new scratch folder $OUT/NAME.XXXXXX; sets WORK and MCPREG. A private copy, so a
# rebuild in the same tree during the run cannot swap the program being measured.
# The folder is on the repository's filesystem, not /tmp (often tmpfs), so that
# fsyncs cost what they cost on a real data directory.
private_binary() {
    local built
    if [[ -n ${BENCH_MCPREG:-} ]]; then
        [[ -x $BENCH_MCPREG ]] || die "BENCH_MCPREG=$BENCH_MCPREG is not an executable" 2
        built=$BENCH_MCPREG
    else
        printf '\n== building mcpreg (cargo build --release)\n' >&2
        (cd "$ROOT" && cargo build --release --quiet) ||
            die "cargo build --release failed; fix the build (or set BENCH_MCPREG=/path/to/mcpreg)" 2
        built=$ROOT/target/release/mcpreg
    fi
    mkdir -p "$OUT"
    WORK=$(mktemp -d "$OUT/$1.XXXXXX")
    cp "$built" "$WORK/mcpreg"
    MCPREG=$WORK/mcpreg
}

# free_ports N: N loopback ports free right now, space-separated.
free_ports() {
    python3 - "$1" <<'PY'
import socket, sys
socks = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))
PY
}
