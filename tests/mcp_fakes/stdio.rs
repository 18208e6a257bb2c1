//! stdio fake servers: one Python 3 script, its behaviour chosen by argv[1].
//!
//! We may not add binaries to the crate, and a mode of the test binary would
//! print libtest's own lines on stdout; python3 is on every machine here, so
//! the fake is a script written once per test process to the temp dir.
//!
//! Environment understood by the script:
//! - `MCPREG_FAKE_PIDFILE`: write the server's pid there at start.
//! - `MCPREG_FAKE_CHILDFILE`: (behaviour `grandchild`) write the pid of the
//!   `sleep` child it spawns there.
//! - `MCPREG_FAKE_LOG`: append one line per message received.

use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// What the stdio fake does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Behaviour {
    /// initialize era (2025-06-18); `server/discover` is -32601.
    GoodOld,
    /// discover era (2026-07-28), `_meta` checked; `initialize` is -32601.
    GoodNew,
    /// `GoodOld`, but ignores SIGTERM and stays alive after stdin closes.
    IgnoresSigterm,
    /// `GoodOld`, writing 10 MB to stderr before each answer.
    FloodsStderr,
    /// Reads requests, never answers.
    NeverAnswers,
    /// `GoodOld`, sending a notification, a `ping` request and a response to
    /// another id before each answer.
    NotificationsFirst,
    /// Answers the first request with a line that is not JSON.
    InvalidJson,
    /// Exits with status 3 on the first request.
    ExitsAtOnce,
    /// Writes one endless line.
    EndlessLine,
    /// Spawns `sleep 300` (same process group), then never answers.
    Grandchild,
    /// `GoodNew`, but the first answer (to `server/discover`) comes after
    /// `MCPREG_FAKE_DELAY_MS` (default 1000) milliseconds.
    SlowNew,
    /// `GoodOld`, but tools/list gives 20 pages of 1,000 tools (`t<page>_<i>`),
    /// and the first page also holds 500 copies of `t0_0`, a tool whose name is
    /// 1 MB long and a tool `big` whose description is 100 KB long.
    ManyTools,
    /// `GoodOld`, but its server name and tool names carry terminal controls
    /// (OSC title, clear screen, C1 CSI, a bidi override). With `MCPREG_FAKE_FAIL=1` every request gets a JSON-RPC
    /// error whose message is such text instead.
    HostileText,
    /// `GoodOld`, but first starts `sleep 300` in a new session (`setsid`), out of
    /// its process group; its pid goes to `MCPREG_FAKE_CHILDFILE`.
    SetsidGrandchild,
}

impl Behaviour {
    pub fn as_str(self) -> &'static str {
        match self {
            Behaviour::GoodOld => "good-old",
            Behaviour::GoodNew => "good-new",
            Behaviour::IgnoresSigterm => "ignores-sigterm",
            Behaviour::FloodsStderr => "floods-stderr",
            Behaviour::NeverAnswers => "never-answers",
            Behaviour::NotificationsFirst => "notifications-first",
            Behaviour::InvalidJson => "invalid-json",
            Behaviour::ExitsAtOnce => "exits-at-once",
            Behaviour::EndlessLine => "endless-line",
            Behaviour::Grandchild => "grandchild",
            Behaviour::SlowNew => "slow-new",
            Behaviour::ManyTools => "many-tools",
            Behaviour::HostileText => "hostile-text",
            Behaviour::SetsidGrandchild => "setsid-grandchild",
        }
    }
}

/// The argv that runs the fake: `["python3", "<script>", "<behaviour>"]`.
pub fn argv(b: Behaviour) -> Vec<String> {
    vec![
        "python3".to_string(),
        script().to_string_lossy().into_owned(),
        b.as_str().to_string(),
    ]
}

/// Command and arguments separately, as `Transport::Stdio` wants them.
pub fn command(b: Behaviour) -> (String, Vec<String>) {
    let mut v = argv(b);
    let cmd = v.remove(0);
    (cmd, v)
}

/// How long python3 (what the fakes run) takes to start on this machine right
/// now: the median of three empty runs. On two busy cores this is seconds where
/// a quiet machine takes tens of milliseconds, so the timeouts within which a
/// fake must start (or must be seen running) are multiples of it.
pub fn python_start() -> Duration {
    let mut runs: Vec<Duration> = (0..3)
        .map(|_| {
            let started = Instant::now();
            let ran = std::process::Command::new("python3")
                .args(["-c", ""])
                .status();
            assert!(ran.is_ok_and(|s| s.success()), "python3 -c '' failed");
            started.elapsed()
        })
        .collect();
    runs.sort();
    runs[1]
}

/// Whole seconds for a timeout that a stdio fake must start within: at least
/// `floor`, and four python3 starts measured now.
pub fn timeout_secs(floor: u64) -> u64 {
    let four = python_start() * 4;
    floor.max(four.as_secs() + u64::from(four.subsec_nanos() > 0))
}

/// The script's path (written at first use).
pub fn script() -> PathBuf {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        let path =
            std::env::temp_dir().join(format!("mcpreg-fake-stdio-{}.py", std::process::id()));
        std::fs::write(&path, SCRIPT).expect("write the stdio fake script");
        path
    })
    .clone()
}

const SCRIPT: &str = r#"
import json, os, signal, subprocess, sys, time

mode = sys.argv[1]
if os.environ.get("MCPREG_FAKE_PIDFILE"):
    with open(os.environ["MCPREG_FAKE_PIDFILE"], "w") as f:
        f.write(str(os.getpid()))
log_path = os.environ.get("MCPREG_FAKE_LOG")

def log(line):
    if log_path:
        with open(log_path, "a") as f:
            f.write(line + "\n")

if mode == "ignores-sigterm":
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
if mode == "grandchild":
    child = subprocess.Popen(["sleep", "300"])
    with open(os.environ["MCPREG_FAKE_CHILDFILE"], "w") as f:
        f.write(str(child.pid))
if mode == "setsid-grandchild":
    child = subprocess.Popen(["sleep", "300"], start_new_session=True)
    with open(os.environ["MCPREG_FAKE_CHILDFILE"], "w") as f:
        f.write(str(child.pid))
HOSTILE = "\x1b]0;ERR-HIJACK\x07\x1b[2J\u009b31m\u202eevil"

NEW = "2026-07-28"
TOOLS = ["alpha", "bravo", "charlie", "delta", "echo"]
PAGES = {None: (0, 2, "p2"), "p2": (2, 4, "p3"), "p3": (4, 5, None)}
# A server whose tools change between probes, read at start: one name a line,
# or a JSON list of whole tool definitions.
DEFINED = None
if os.environ.get("MCPREG_FAKE_TOOLS_FILE"):
    with open(os.environ["MCPREG_FAKE_TOOLS_FILE"]) as f:
        text = f.read()
    if text.lstrip().startswith("["):
        DEFINED = json.loads(text)
        TOOLS = [t["name"] for t in DEFINED]
    else:
        TOOLS = [t for t in text.split() if t]
    PAGES = {None: (0, len(TOOLS), None)}

def send(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()

def result_for(method, params, new):
    if method == "initialize" and mode == "many-tools":
        # A name and a version past the label cap (the cut falls inside the
        # two-byte "é"), and a capability with a giant name.
        return {"protocolVersion": "2025-06-18",
                "capabilities": {"tools": {}, "resources": {}, "prompts": {}, "c" * 100000: {}},
                "serverInfo": {"name": "n" * 255 + "\u00e9" * 10, "version": "v" * 100000}}, None
    if method == "initialize" and mode == "hostile-text":
        return {"protocolVersion": "2025-06-18", "capabilities": {"tools": {}},
                "serverInfo": {"name": "srv" + HOSTILE, "version": "1"}}, None
    if new:
        meta = (params or {}).get("_meta") or {}
        if meta.get("io.modelcontextprotocol/protocolVersion") != NEW or not isinstance(meta.get("io.modelcontextprotocol/clientCapabilities"), dict):
            return None, (-32602, "missing _meta")
    if new and method == "server/discover":
        return {"resultType": "complete", "supportedVersions": [NEW],
                "capabilities": {"tools": {}, "prompts": {}},
                "_meta": {"io.modelcontextprotocol/serverInfo": {"name": "fake-stdio-new", "version": "2.0.0"}}}, None
    if not new and method == "initialize":
        return {"protocolVersion": "2025-06-18",
                "capabilities": {"tools": {}, "resources": {}, "prompts": {}},
                "serverInfo": {"name": "fake-stdio-old", "version": "1.0.0"}}, None
    if method == "tools/list" and mode == "many-tools":
        page = int((params or {}).get("cursor") or 0)
        tools = [{"name": "t%d_%d" % (page, i)} for i in range(1000)]
        if page == 0:
            tools += [{"name": "t0_0"}] * 500
            tools.append({"name": "x" * 1000000})
            tools.append({"name": "big", "description": "d" * 100000})
        r = {"tools": tools}
        if page < 19:
            r["nextCursor"] = str(page + 1)
        return r, None
    if method == "tools/list" and mode == "hostile-text":
        return {"tools": [{"name": "read" + HOSTILE, "description": "line1\nmcpreg: forged"}]}, None
    if method == "tools/list":
        cursor = (params or {}).get("cursor")
        if cursor not in PAGES:
            return None, (-32602, "bad cursor")
        a, b, nxt = PAGES[cursor]
        r = {"tools": DEFINED[a:b] if DEFINED is not None else [{"name": t, "description": "the %s tool" % t, "inputSchema": {"type": "object"}} for t in TOOLS[a:b]]}
        if nxt:
            r["nextCursor"] = nxt
        if new:
            r["resultType"] = "complete"
        return r, None
    if method == "resources/list" and not new:
        return {"resources": [{"uri": "file:///etc/motd", "name": "motd"}]}, None
    if method == "prompts/list":
        r = {"prompts": [{"name": "summarize", "description": "Summarize"}]}
        if new:
            r["resultType"] = "complete"
        return r, None
    return None, (-32601, "Method not found: %s" % method)

for line in sys.stdin:
    line = line.strip()
    if not line:
        continue
    msg = json.loads(line)
    log(json.dumps(msg))
    if "method" not in msg or "id" not in msg:
        continue
    if mode == "slow-new" and msg["method"] == "server/discover":
        time.sleep(int(os.environ.get("MCPREG_FAKE_DELAY_MS", "1000")) / 1000.0)
    if mode == "never-answers" or mode == "grandchild":
        continue
    if mode == "exits-at-once":
        sys.exit(3)
    if mode == "invalid-json":
        sys.stdout.write("this is not json\n")
        sys.stdout.flush()
        continue
    if mode == "endless-line":
        chunk = "x" * 65536
        try:
            while True:
                sys.stdout.write(chunk)
        except Exception:
            sys.exit(0)
    if mode == "floods-stderr":
        blob = "e" * (1024 * 1024)
        for _ in range(10):
            sys.stderr.write(blob)
        sys.stderr.flush()
    if mode == "notifications-first":
        send({"jsonrpc": "2.0", "method": "notifications/message", "params": {"level": "info", "data": "hi"}})
        send({"jsonrpc": "2.0", "id": "srv-1", "method": "ping"})
        send({"jsonrpc": "2.0", "id": 999, "result": {}})
        sys.stdout.write("\n")
    if mode == "hostile-text" and os.environ.get("MCPREG_FAKE_FAIL") == "1":
        send({"jsonrpc": "2.0", "id": msg["id"], "error": {"code": -32603, "message": HOSTILE}})
        continue
    result, error = result_for(msg["method"], msg.get("params"), mode in ("good-new", "slow-new"))
    if error:
        send({"jsonrpc": "2.0", "id": msg["id"], "error": {"code": error[0], "message": error[1]}})
    else:
        send({"jsonrpc": "2.0", "id": msg["id"], "result": result})

if mode == "ignores-sigterm":
    while True:
        time.sleep(1)
"#;
