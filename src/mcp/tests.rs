//! The probe against the fakes of `tests/mcp_fakes/`: good servers of both
//! eras on the three transports, and hostile ones. Every hostile case checks
//! the exact error line, that the probe returned within its timeout plus a
//! little slack, and for stdio that no process is left behind.

use super::fakes::brain::{FakeEra, TOOLS};
use super::fakes::http::{FakeHttp, HttpFake};
use super::fakes::stdio::{self, Behaviour};
use super::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// What a probe may take beyond its timeout: teardown (SIGTERM wait, SIGKILL,
/// reaping) and thread scheduling. 1.5s, or ten starts of python3 (what the
/// stdio fakes run) when the machine is slower than that right now.
fn slack() -> Duration {
    (stdio::python_start() * 10).max(Duration::from_millis(1500))
}

fn opts(secs: u64) -> ProbeOptions {
    ProbeOptions {
        timeout: Duration::from_secs(secs),
        ..ProbeOptions::default()
    }
}

fn http(url: String, transport: TransportKind) -> Transport {
    Transport::http(transport, url, BTreeMap::new())
}

struct StdioCase {
    dir: tempfile::TempDir,
}

impl StdioCase {
    fn new() -> Self {
        StdioCase {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn file(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn target(&self, b: Behaviour) -> Transport {
        let (command, args) = stdio::command(b);
        let mut env = BTreeMap::new();
        for (k, f) in [
            ("MCPREG_FAKE_PIDFILE", "pid"),
            ("MCPREG_FAKE_CHILDFILE", "child"),
            ("MCPREG_FAKE_LOG", "log"),
        ] {
            env.insert(k.to_string(), self.file(f).to_string_lossy().into_owned());
        }
        Transport::Stdio {
            command,
            args,
            env,
            cwd: None,
        }
    }

    fn pid(&self, name: &str) -> i32 {
        read_pid(&self.file(name))
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.file("log")).unwrap_or_default()
    }
}

fn read_pid(path: &Path) -> i32 {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .trim()
        .parse()
        .unwrap()
}

/// The process is gone, or a zombie that is not ours to reap (a grandchild
/// re-parented to an init that has not reaped it yet).
fn assert_gone(pid: i32) {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"));
    if let Ok(stat) = stat {
        let state = stat[stat.rfind(')').unwrap() + 2..].chars().next().unwrap();
        assert_eq!(state, 'Z', "process {pid} is still alive: {stat}");
        let ppid: i32 = stat[stat.rfind(')').unwrap() + 4..]
            .split_whitespace()
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert_ne!(
            ppid,
            i32::try_from(std::process::id()).expect("a pid fits an i32"),
            "our own child {pid} was not reaped"
        );
    }
}

fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let t = Instant::now();
    let r = f();
    (r, t.elapsed())
}

fn probe_err(target: &Transport, o: &ProbeOptions) -> (String, Duration) {
    let (r, took) = timed(|| probe(target, o));
    match r {
        Ok(report) => panic!("expected an error, got {report:?}"),
        Err(e) => (e.to_string(), took),
    }
}

fn tool_names(r: &ProbeReport) -> Vec<&str> {
    r.tools.iter().map(|t| t.name.as_str()).collect()
}

// ---------------------------------------------------------------- stdio

#[test]
fn stdio_old_era() {
    let case = StdioCase::new();
    let r = probe(&case.target(Behaviour::GoodOld), &opts(10)).unwrap();
    assert_eq!(r.era, Era::Initialize);
    assert_eq!(r.protocol_version, "2025-06-18");
    assert_eq!(r.transport.as_str(), "stdio");
    assert_eq!(r.server_name.as_deref(), Some("fake-stdio-old"));
    assert_eq!(r.server_version.as_deref(), Some("1.0.0"));
    assert_eq!(r.capabilities, ["prompts", "resources", "tools"]);
    assert_eq!(tool_names(&r), TOOLS);
    assert_eq!(r.tools[0].description.as_deref(), Some("the alpha tool"));
    assert_eq!(r.resources[0].uri, "file:///etc/motd");
    assert_eq!(r.prompts[0].name, "summarize");
    assert!(r.latency > Duration::ZERO);
    assert_gone(case.pid("pid"));
    let log = case.log();
    assert!(log.contains("\"server/discover\""), "{log}");
    assert!(log.contains("notifications/initialized"), "{log}");
}

#[test]
fn stdio_new_era() {
    let case = StdioCase::new();
    let r = probe(&case.target(Behaviour::GoodNew), &opts(10)).unwrap();
    assert_eq!(r.era, Era::Discover);
    assert_eq!(r.protocol_version, "2026-07-28");
    assert_eq!(r.server_name.as_deref(), Some("fake-stdio-new"));
    assert_eq!(r.capabilities, ["prompts", "tools"]);
    assert_eq!(tool_names(&r), TOOLS);
    assert!(r.resources.is_empty());
    assert_eq!(r.prompts.len(), 1);
    assert_gone(case.pid("pid"));
    assert!(!case.log().contains("initialize"));
}

#[test]
fn stdio_slow_new_era_server_still_counts_as_new_era() {
    // discover gets a third of the timeout; the server answers it after half
    // of it, then refuses the fallback initialize: the late discover answer
    // wins. The timeout is 3s, or more when python3 starts slowly here, so the
    // answer still comes well within it.
    let case = StdioCase::new();
    let secs = stdio::timeout_secs(3);
    let mut target = case.target(Behaviour::SlowNew);
    if let Transport::Stdio { env, .. } = &mut target {
        env.insert("MCPREG_FAKE_DELAY_MS".into(), (secs * 500).to_string());
    }
    let r = probe(&target, &opts(secs)).unwrap();
    assert_eq!(r.era, Era::Discover);
    assert_eq!(tool_names(&r), TOOLS);
    assert_gone(case.pid("pid"));
    assert!(case.log().contains("\"initialize\""));
}

#[test]
fn stdio_server_ignoring_sigterm_is_killed() {
    let case = StdioCase::new();
    // It must start and answer within the timeout: 2s, or longer on a slow machine.
    let secs = stdio::timeout_secs(2);
    let (r, took) = timed(|| probe(&case.target(Behaviour::IgnoresSigterm), &opts(secs)));
    assert_eq!(tool_names(&r.unwrap()), TOOLS);
    assert!(took < Duration::from_secs(secs) + slack(), "{took:?}");
    assert_gone(case.pid("pid"));
}

#[test]
fn stdio_server_flooding_stderr_does_not_block() {
    let case = StdioCase::new();
    let r = probe(&case.target(Behaviour::FloodsStderr), &opts(10)).unwrap();
    assert_eq!(tool_names(&r), TOOLS);
    assert_gone(case.pid("pid"));
}

/// Probes a fake that never answers until the probe times out, and gives the
/// pids the fake wrote to `files`. The timeout (at least `floor` seconds) follows
/// python3's start time as measured now, so that the fake starts and writes them
/// within it; should a burst of load outlast it, the probe is tried again with
/// twice the time.
fn timed_out_after_start<const N: usize>(
    behaviour: Behaviour,
    floor: u64,
    files: [&str; N],
) -> [i32; N] {
    let mut secs = stdio::timeout_secs(floor);
    loop {
        let case = StdioCase::new();
        let (e, took) = probe_err(&case.target(behaviour), &opts(secs));
        assert_eq!(e, format!("timed out after {secs}s waiting for initialize"));
        assert!(took < Duration::from_secs(secs) + slack(), "{took:?}");
        let written = files.map(|name| {
            let text = std::fs::read_to_string(case.file(name)).ok()?;
            text.trim().parse::<i32>().ok()
        });
        if written.iter().all(Option::is_some) {
            return written.map(Option::unwrap_or_default);
        }
        assert!(secs < 120, "the fake never started within {secs}s");
        secs *= 2;
    }
}

#[test]
fn stdio_server_that_never_answers_times_out() {
    let [pid] = timed_out_after_start(Behaviour::NeverAnswers, 2, ["pid"]);
    assert_gone(pid);
}

#[test]
fn stdio_notifications_and_server_requests_first() {
    let case = StdioCase::new();
    let r = probe(&case.target(Behaviour::NotificationsFirst), &opts(10)).unwrap();
    assert_eq!(tool_names(&r), TOOLS);
    assert_gone(case.pid("pid"));
    // The server's ping was answered with an empty result.
    let log = case.log();
    assert!(
        log.contains(r#"{"id": "srv-1", "jsonrpc": "2.0", "result": {}}"#)
            || log.contains(r#""id": "srv-1""#) && log.contains(r#""result": {}"#),
        "{log}"
    );
}

#[test]
fn stdio_invalid_json() {
    let case = StdioCase::new();
    let (e, _) = probe_err(&case.target(Behaviour::InvalidJson), &opts(5));
    assert_eq!(
        e,
        "invalid JSON from server at line 1 column 2: expected ident"
    );
    assert_gone(case.pid("pid"));
}

#[test]
fn stdio_server_that_exits() {
    let case = StdioCase::new();
    let (e, _) = probe_err(&case.target(Behaviour::ExitsAtOnce), &opts(5));
    assert_eq!(
        e,
        "server exited before answering initialize (exit status: 3)"
    );
    assert_gone(case.pid("pid"));
}

#[test]
fn stdio_endless_line_hits_the_byte_cap() {
    let case = StdioCase::new();
    let o = ProbeOptions {
        timeout: Duration::from_secs(5),
        max_bytes: 1 << 20,
    };
    let (e, took) = probe_err(&case.target(Behaviour::EndlessLine), &o);
    assert_eq!(e, "response exceeded 1048576 bytes");
    assert!(took < Duration::from_secs(5), "{took:?}");
    assert_gone(case.pid("pid"));
}

#[test]
fn stdio_grandchildren_die_too() {
    let [pid, child] = timed_out_after_start(Behaviour::Grandchild, 1, ["pid", "child"]);
    assert_gone(pid);
    assert_gone(child);
    assert!(
        !crate::process::group_alive(pid),
        "live processes left in group {pid}"
    );
}

#[test]
fn stdio_program_that_does_not_exist() {
    let target = Transport::Stdio {
        command: "mcpreg-no-such-program".into(),
        args: vec![],
        env: BTreeMap::new(),
        cwd: None,
    };
    let (e, _) = probe_err(&target, &opts(2));
    assert_eq!(
        e,
        "cannot start `mcpreg-no-such-program`: No such file or directory"
    );
}

// ---------------------------------------------------------------- HTTP

#[test]
fn http_old_era_json_and_sse_replies() {
    for sse in [false, true] {
        let fake = FakeHttp::start(HttpFake::Streamable {
            era: FakeEra::Old,
            sse,
        });
        let r = probe(&http(fake.url(), TransportKind::StreamableHttp), &opts(10)).unwrap();
        assert_eq!(r.era, Era::Initialize);
        assert_eq!(r.protocol_version, "2025-06-18");
        assert_eq!(r.transport.as_str(), "streamable-http");
        assert_eq!(r.server_name.as_deref(), Some("fake-old"));
        assert_eq!(r.capabilities, ["logging", "prompts", "resources", "tools"]);
        assert_eq!(tool_names(&r), TOOLS);
        assert_eq!(r.resources.len(), 3);
        assert_eq!(r.resources[1].name.as_deref(), Some("notes"));
        // A resource template is kept as a resource whose uri is the template.
        assert_eq!(r.resources[2].uri, "notes://{id}");
        assert_eq!(r.resources[2].mime_type.as_deref(), Some("text/plain"));
        assert_eq!(
            r.tools[0].input_schema,
            Some(serde_json::json!({"type": "object"}))
        );
        let log = fake.requests();
        assert_eq!(
            log,
            [
                "POST /mcp server/discover",
                "POST /mcp initialize",
                "POST /mcp notifications/initialized",
                "POST /mcp tools/list",
                "POST /mcp tools/list",
                "POST /mcp tools/list",
                "POST /mcp resources/list",
                "POST /mcp resources/templates/list",
                "POST /mcp prompts/list",
                "DELETE /mcp",
            ],
            "sse={sse}"
        );
    }
}

#[test]
fn http_new_era_json_and_sse_replies() {
    for sse in [false, true] {
        let fake = FakeHttp::start(HttpFake::Streamable {
            era: FakeEra::New,
            sse,
        });
        let r = probe(&http(fake.url(), TransportKind::StreamableHttp), &opts(10)).unwrap();
        assert_eq!(r.era, Era::Discover);
        assert_eq!(r.protocol_version, "2026-07-28");
        assert_eq!(r.server_name.as_deref(), Some("fake-new"));
        assert_eq!(r.capabilities, ["prompts", "tools"]);
        assert_eq!(tool_names(&r), TOOLS);
        assert!(r.resources.is_empty());
        assert_eq!(
            fake.requests(),
            [
                "POST /mcp server/discover",
                "POST /mcp tools/list",
                "POST /mcp tools/list",
                "POST /mcp tools/list",
                "POST /mcp prompts/list",
            ],
            "sse={sse}"
        );
    }
}

#[test]
fn legacy_sse_given_by_the_user() {
    let fake = FakeHttp::start(HttpFake::LegacySse);
    let r = probe(&http(fake.url_path("/sse"), TransportKind::Sse), &opts(10)).unwrap();
    assert_eq!(r.transport.as_str(), "sse");
    assert_eq!(r.protocol_version, "2024-11-05");
    assert_eq!(tool_names(&r), TOOLS);
    let log = fake.requests();
    assert_eq!(log[0], "GET /sse");
    assert!(
        log[1].starts_with("POST /messages?sessionId=legacy-1 initialize"),
        "{log:?}"
    );
}

#[test]
fn streamable_falls_back_to_legacy_sse() {
    let fake = FakeHttp::start(HttpFake::LegacySse);
    let r = probe(
        &http(fake.url_path("/sse"), TransportKind::StreamableHttp),
        &opts(10),
    )
    .unwrap();
    assert_eq!(r.transport.as_str(), "sse");
    assert_eq!(r.era, Era::Initialize);
    assert_eq!(tool_names(&r), TOOLS);
    let log = fake.requests();
    assert_eq!(
        &log[..3],
        [
            "POST /sse server/discover",
            "POST /sse initialize",
            "GET /sse"
        ]
    );
}

#[test]
fn http_server_that_never_answers_times_out() {
    let fake = FakeHttp::start(HttpFake::NeverAnswers);
    let (e, took) = probe_err(&http(fake.url(), TransportKind::StreamableHttp), &opts(2));
    assert_eq!(e, "timed out after 2s waiting for initialize");
    assert!(took < Duration::from_secs(2) + slack(), "{took:?}");
}

#[test]
fn http_server_that_stalls_mid_body_times_out() {
    let fake = FakeHttp::start(HttpFake::StallMidBody);
    let (e, took) = probe_err(&http(fake.url(), TransportKind::StreamableHttp), &opts(2));
    assert_eq!(e, "timed out after 2s waiting for initialize");
    assert!(took < Duration::from_secs(2) + slack(), "{took:?}");
}

#[test]
fn http_100_megabytes_hit_the_byte_cap() {
    let fake = FakeHttp::start(HttpFake::Huge);
    // The cap, not the timeout, ends it: a timeout generous enough for a debug
    // build reading 16 MB on a loaded machine.
    let (e, took) = probe_err(&http(fake.url(), TransportKind::StreamableHttp), &opts(60));
    assert_eq!(e, "response exceeded 16777216 bytes");
    assert!(took < Duration::from_secs(60), "{took:?}");
}

#[test]
fn http_invalid_json() {
    let fake = FakeHttp::start(HttpFake::InvalidJson);
    let (e, _) = probe_err(&http(fake.url(), TransportKind::StreamableHttp), &opts(5));
    assert_eq!(
        e,
        "invalid JSON from server at line 1 column 2 of the response body: key must be a string"
    );
}

#[test]
fn http_json_rpc_error() {
    let fake = FakeHttp::start(HttpFake::JsonRpcError);
    let (e, _) = probe_err(&http(fake.url(), TransportKind::StreamableHttp), &opts(5));
    assert_eq!(e, "server returned JSON-RPC error -32603: boom");
    // discover's error made us fall back; initialize's error is final.
    assert_eq!(
        fake.requests(),
        ["POST /mcp server/discover", "POST /mcp initialize"]
    );
}

#[test]
fn http_notifications_and_server_requests_first() {
    let fake = FakeHttp::start(HttpFake::NoiseFirst);
    let r = probe(&http(fake.url(), TransportKind::StreamableHttp), &opts(10)).unwrap();
    assert_eq!(tool_names(&r), TOOLS);
    let log = fake.requests();
    assert!(log.iter().any(|l| l == "POST /mcp reply srv-1"), "{log:?}");
    assert!(!log.iter().any(|l| l.contains("tools/call")));
}

#[test]
fn http_endless_event_stream_times_out() {
    let fake = FakeHttp::start(HttpFake::EndlessSse);
    let (e, took) = probe_err(&http(fake.url(), TransportKind::StreamableHttp), &opts(2));
    assert_eq!(e, "timed out after 2s waiting for initialize");
    assert!(took < Duration::from_secs(2) + slack(), "{took:?}");
}

#[test]
fn legacy_endless_event_stream_times_out() {
    // The GET stream of the legacy transport never sends `endpoint`.
    let fake = FakeHttp::start(HttpFake::EndlessSse);
    let (e, took) = probe_err(&http(fake.url(), TransportKind::Sse), &opts(2));
    assert_eq!(e, "timed out after 2s waiting for the endpoint event");
    assert!(took < Duration::from_secs(2) + slack(), "{took:?}");
}

#[test]
fn http_redirects_are_not_followed() {
    let fake = FakeHttp::start(HttpFake::Redirect);
    for transport in [TransportKind::StreamableHttp, TransportKind::Sse] {
        let (e, _) = probe_err(&http(fake.url(), transport), &opts(5));
        assert_eq!(
            e,
            "HTTP 302 redirect to http://127.0.0.1:9/elsewhere (redirects are not followed)"
        );
    }
}

#[test]
fn http_unsupported_protocol_version_is_final() {
    let fake = FakeHttp::start(HttpFake::Unsupported {
        supported: &["2027-01-01"],
    });
    let (e, _) = probe_err(&http(fake.url(), TransportKind::StreamableHttp), &opts(5));
    assert_eq!(
        e,
        "server supports protocol versions 2027-01-01, none of which this client speaks"
    );
    assert_eq!(fake.requests(), ["POST /mcp server/discover"]);
}

#[test]
fn http_unsupported_protocol_version_naming_an_old_one_falls_back() {
    let fake = FakeHttp::start(HttpFake::Unsupported {
        supported: &["2025-06-18"],
    });
    let (e, _) = probe_err(&http(fake.url(), TransportKind::StreamableHttp), &opts(5));
    assert_eq!(e, "server returned JSON-RPC error -32601: Method not found");
    assert_eq!(
        fake.requests(),
        ["POST /mcp server/discover", "POST /mcp initialize"]
    );
}

#[test]
fn http_headers_are_sent_on_every_request() {
    let fake = FakeHttp::start(HttpFake::RequireAuth);
    let (e, _) = probe_err(&http(fake.url(), TransportKind::StreamableHttp), &opts(5));
    assert_eq!(e, format!("HTTP 401 Unauthorized from POST {}", fake.url()));
    let mut headers = BTreeMap::new();
    headers.insert("Authorization".to_string(), "Bearer secret".to_string());
    let target = Transport::StreamableHttp {
        url: fake.url(),
        headers,
    };
    let r = probe(&target, &opts(5)).unwrap();
    assert_eq!(tool_names(&r), TOOLS);
    assert_eq!(fake.requests().last().unwrap(), "DELETE /mcp");
}

#[test]
fn http_connection_refused() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let url = format!("http://127.0.0.1:{port}/mcp");
    let (e, _) = probe_err(&http(url, TransportKind::StreamableHttp), &opts(5));
    assert_eq!(e, "connection refused");
}

#[test]
fn bad_urls() {
    let (e, _) = probe_err(
        &http("ftp://127.0.0.1/x".into(), TransportKind::StreamableHttp),
        &opts(1),
    );
    assert_eq!(
        e,
        "invalid URL ftp://127.0.0.1/x: the scheme must be http or https"
    );
}

#[test]
fn durations_print_short() {
    assert_eq!(fmt_duration(Duration::from_secs(2)), "2s");
    assert_eq!(fmt_duration(Duration::from_millis(1500)), "1.5s");
    assert_eq!(fmt_duration(Duration::from_millis(250)), "250ms");
}
