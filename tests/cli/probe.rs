//! `health --probe`, `register --introspect` and `prune --down-for`, against fake
//! MCP servers on loopback and as child processes.

use crate::mcp_fakes::brain::FakeEra;
use crate::mcp_fakes::http::{FakeHttp, HttpFake};
use crate::mcp_fakes::stdio::{Behaviour, argv, timeout_secs};
use crate::support::{Reg, eventually, finish, read_pid, timed};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Stdio;
use std::thread::sleep;
use std::time::Duration;

/// Registers the stdio fake with `behaviour`, writing its pid to `pidfile`.
fn register_stdio(reg: &Reg, name: &str, behaviour: Behaviour, pidfile: Option<&Path>) -> String {
    let mut args: Vec<String> = ["register", "--name", name].map(String::from).to_vec();
    if let Some(p) = pidfile {
        args.push("--env".into());
        args.push(format!("MCPREG_FAKE_PIDFILE={}", p.display()));
    }
    args.push("--".into());
    args.extend(argv(behaviour));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    reg.run(&args).ok().stdout.trim().to_owned()
}

fn register_url(reg: &Reg, name: &str, url: &str, extra: &[&str]) -> String {
    let mut args = vec!["register", "--name", name, "--url", url];
    args.extend_from_slice(extra);
    reg.run(&args).ok().stdout.trim().to_owned()
}

/// A loopback port nothing listens on.
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// The process is gone (or a zombie, which is dead too).
fn gone(pid: i32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(_) => true,
        Ok(stat) => stat
            .rsplit(')')
            .next()
            .is_some_and(|rest| rest.trim_start().starts_with('Z')),
    }
}

fn health_probe_speaks_both_eras_over_every_transport_and_records_it(reg: &Reg) {
    let old_json = FakeHttp::start(HttpFake::Streamable {
        era: FakeEra::Old,
        sse: false,
    });
    let new_sse = FakeHttp::start(HttpFake::Streamable {
        era: FakeEra::New,
        sse: true,
    });
    let legacy = FakeHttp::start(HttpFake::LegacySse);
    let noisy = FakeHttp::start(HttpFake::NoiseFirst);
    let ids = [
        (
            register_url(reg, "old-json", &old_json.url(), &[]),
            "2025-06-18",
            "fake-old",
        ),
        (
            register_url(reg, "new-sse", &new_sse.url(), &[]),
            "2026-07-28",
            "fake-new",
        ),
        (
            register_url(
                reg,
                "legacy",
                &legacy.url_path("/sse"),
                &["--transport", "sse"],
            ),
            "2024-11-05",
            "fake-old",
        ),
        (
            register_url(reg, "noisy", &noisy.url(), &[]),
            "2025-06-18",
            "fake-old",
        ),
        (
            register_stdio(reg, "stdio-old", Behaviour::GoodOld, None),
            "2025-06-18",
            "fake-stdio-old",
        ),
        (
            register_stdio(reg, "stdio-new", Behaviour::GoodNew, None),
            "2026-07-28",
            "fake-stdio-new",
        ),
        (
            register_stdio(reg, "stdio-notes", Behaviour::NotificationsFirst, None),
            "2025-06-18",
            "fake-stdio-old",
        ),
    ];
    let run = reg.run(&["health", "--probe"]).ok();
    assert!(
        run.stdout
            .contains("7 total, 7 live, 0 expired, 7 ok, 0 down"),
        "{}",
        run.stdout
    );
    for (id, version, server) in &ids {
        let h = &reg.entry(id)["health"];
        assert_eq!(h["status"], "ok", "{id}: {h}");
        assert_eq!(h["protocol_version"], *version, "{id}");
        assert_eq!(h["server_info"]["name"], *server, "{id}");
        assert_eq!(h["failures"], 0);
        assert!(
            h["latency_ms"].is_u64() && h["last_ok_at"] == h["checked_at"],
            "{id}: {h}"
        );
    }
    for fake in [&old_json, &new_sse, &legacy, &noisy] {
        let seen = fake.requests().join("\n");
        assert!(
            !seen.contains("tools/call"),
            "the probe called a tool: {seen}"
        );
        assert!(seen.contains("tools/list"), "{seen}");
    }
}

#[test]
fn hostile_and_broken_servers_end_within_the_timeout_with_a_precise_error() {
    let reg = Reg::new();
    let pids = tempfile::tempdir().unwrap();
    let pid_of = |name: &str| pids.path().join(name);
    // The well-behaved fakes among these must start and answer within the
    // timeout while four more python3 fakes start beside them, and floods-stderr
    // sends 10 MB before each of its answers: three times what one fake gets
    // (2s or four python3 starts measured now). Under load 2s and then 3s lost
    // a fake 4 times in 10 here.
    let secs = timeout_secs(2) * 3;
    let timeout = format!("{secs}s");
    let timed_out = format!("timed out after {secs}s");
    let timed_out = timed_out.as_str();
    let fakes = [
        (HttpFake::NeverAnswers, timed_out),
        (HttpFake::StallMidBody, timed_out),
        (HttpFake::Huge, "response exceeded 16777216 bytes"),
        (HttpFake::InvalidJson, "invalid JSON from server"),
        (
            HttpFake::JsonRpcError,
            "server returned JSON-RPC error -32603: boom",
        ),
        (HttpFake::EndlessSse, timed_out),
        (
            HttpFake::Redirect,
            "HTTP 302 redirect to http://127.0.0.1:9/elsewhere (redirects are not followed)",
        ),
    ];
    let servers: Vec<FakeHttp> = fakes
        .iter()
        .map(|(kind, _)| FakeHttp::start(*kind))
        .collect();
    let mut expect = vec![];
    for ((kind, error), server) in fakes.iter().zip(&servers) {
        expect.push((
            register_url(&reg, &format!("{kind:?}"), &server.url(), &[]),
            *error,
        ));
    }
    for (behaviour, error) in [
        (Behaviour::NeverAnswers, timed_out),
        (Behaviour::IgnoresSigterm, ""),
        (Behaviour::FloodsStderr, ""),
        (Behaviour::InvalidJson, "invalid JSON from server"),
        (Behaviour::ExitsAtOnce, "server exited before answering"),
    ] {
        let name = behaviour.as_str();
        expect.push((
            register_stdio(&reg, name, behaviour, Some(&pid_of(name))),
            error,
        ));
    }
    expect.push((
        register_url(
            &reg,
            "refused",
            &format!("http://127.0.0.1:{}/mcp", closed_port()),
            &[],
        ),
        "connection refused",
    ));
    let missing = reg
        .run(&[
            "register",
            "--name",
            "missing",
            "--",
            "/nonexistent/mcp-server",
        ])
        .ok();
    expect.push((
        missing.stdout.trim().to_owned(),
        "cannot start `/nonexistent/mcp-server`: No such file or directory",
    ));

    let (run, took) = timed(|| {
        reg.run(&["health", "--probe", "--timeout", &timeout, "--json"])
            .code(1)
    });
    // Fourteen probes, four of which run into the timeout: one after the other
    // they would take at least four timeouts, in parallel about one.
    let sequential = Duration::from_secs(4 * secs);
    assert!(
        took < sequential,
        "probes did not run in parallel: {took:?}"
    );
    let report = run.json();
    assert_eq!(report["summary"]["total"], 14);
    assert_eq!(report["summary"]["ok"], 2, "{}", run.stdout);
    for (id, error) in &expect {
        let h = &reg.entry(id)["health"];
        if error.is_empty() {
            assert_eq!(h["status"], "ok", "{id}: {h}");
        } else {
            assert_eq!(h["status"], "down", "{id}: {h}");
            let got = h["error"].as_str().unwrap_or_default();
            assert!(got.contains(error), "{id}: error {got:?} lacks {error:?}");
        }
    }
    for name in [
        "never-answers",
        "ignores-sigterm",
        "floods-stderr",
        "invalid-json",
        "exits-at-once",
    ] {
        let pid = read_pid(&pid_of(name));
        assert!(gone(pid), "{name}: process {pid} was left behind");
    }
}

fn failures_count_up_keep_the_last_success_and_feed_prune_down_for(reg: &Reg) {
    let server = FakeHttp::start(HttpFake::Streamable {
        era: FakeEra::Old,
        sse: false,
    });
    let id = register_url(reg, "flaky", &server.url(), &[]);
    reg.run(&["health", "--probe"]).ok();
    let last_ok = reg.entry(&id)["health"]["last_ok_at"].clone();
    assert!(last_ok.is_string());
    drop(server); // now nothing answers there

    reg.run(&["health", "--probe", "--timeout", "2s"]).code(1);
    reg.run(&["health", "--probe", "--timeout", "2s"]).code(1);
    let h = reg.entry(&id)["health"].clone();
    assert_eq!(
        (h["status"].as_str(), h["failures"].as_u64()),
        (Some("down"), Some(2))
    );
    assert_eq!(h["last_ok_at"], last_ok);
    assert_eq!(
        h["server_info"]["name"], "fake-old",
        "what the last success learned is kept"
    );

    assert_eq!(reg.run(&["prune", "--down-for", "1h"]).ok().stdout, "");
    sleep(Duration::from_millis(1100));
    let pruned = reg.run(&["prune", "--down-for", "1s"]).ok().stdout;
    assert!(
        pruned.starts_with(&format!("removed {id} (down for")),
        "{pruned}"
    );
    assert!(reg.ids().is_empty());
}

fn register_introspect_fills_what_the_server_offers_and_flags_win(reg: &Reg) {
    let server = FakeHttp::start(HttpFake::Streamable {
        era: FakeEra::New,
        sse: false,
    });
    let id = register_url(reg, "fake", &server.url(), &["--introspect"]);
    let e = reg.entry(&id);
    let tools: Vec<&str> = e["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        tools,
        ["alpha", "bravo", "charlie", "delta", "echo"],
        "all pages followed"
    );
    assert_eq!(e["tools"][4]["description"], "the echo tool");
    assert_eq!(e["prompts"][0]["name"], "summarize");
    assert_eq!(e["version"], "2.0.0");
    assert!(
        e["capabilities"]
            .as_array()
            .unwrap()
            .contains(&"tools".into())
    );
    assert_eq!(e["health"]["status"], "ok");
    assert_eq!(e["health"]["protocol_version"], "2026-07-28");
    reg.run(&["find", "--tool", "echo"]).ok();

    let stdio = register_stdio_with(
        reg,
        &["--introspect", "--tool", "mine", "--version", "9"],
        Behaviour::GoodOld,
    );
    let e = reg.entry(&stdio);
    assert_eq!(
        e["tools"],
        serde_json::json!([{"name": "mine", "description": null}])
    );
    assert_eq!(e["version"], "9");
    assert_eq!(
        e["prompts"][0]["name"], "summarize",
        "prompts were not given, so they are introspected"
    );
    assert_eq!(e["resources"][0]["uri"], "file:///etc/motd");
}

fn register_stdio_with(reg: &Reg, flags: &[&str], behaviour: Behaviour) -> String {
    let mut args = vec!["register", "--name", "stdio"];
    args.extend_from_slice(flags);
    args.push("--");
    let command = argv(behaviour);
    args.extend(command.iter().map(String::as_str));
    reg.run(&args).ok().stdout.trim().to_owned()
}

fn register_introspect_of_an_unreachable_server_writes_nothing(reg: &Reg) {
    reg.register("existing", &[]);
    let before = reg.snapshot();
    let url = format!("http://127.0.0.1:{}/mcp", closed_port());
    reg.run(&[
        "register",
        "--name",
        "x",
        "--url",
        &url,
        "--introspect",
        "--timeout",
        "2s",
    ])
    .code(2)
    .stderr_has(&url)
    .stderr_has("connection refused");
    reg.run(&[
        "register",
        "--name",
        "y",
        "--introspect",
        "--",
        "/nonexistent/server",
    ])
    .code(2)
    .stderr_has("cannot start `/nonexistent/server`");
    assert_eq!(reg.snapshot(), before);
}

#[test]
fn stdio_probes_refuse_a_registry_others_could_have_written() {
    let reg = Reg::new();
    let pidfile = reg.folder().join("never-started.pid");
    register_stdio(&reg, "fs", Behaviour::GoodOld, Some(&pidfile));
    let original = reg.bytes();
    let set_mode = |p: &Path, mode| {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
    };

    set_mode(&reg.path, 0o664);
    reg.run(&["health", "--probe"]).code(2).stderr_has(
        "refusing to run commands from the registry: it is writable by group or others (mode 664)",
    );
    set_mode(&reg.path, 0o600);
    set_mode(reg.folder(), 0o777);
    reg.run(&["health", "--probe"])
        .code(2)
        .stderr_has("refusing to run commands from its folder");
    set_mode(reg.folder(), 0o700);
    if unsafe { libc::geteuid() } == 0 {
        std::os::unix::fs::chown(&reg.path, Some(65534), None).unwrap();
        reg.run(&["health", "--probe"])
            .code(2)
            .stderr_has("it is owned by uid 65534, not by you (uid 0)");
        std::os::unix::fs::chown(&reg.path, Some(0), None).unwrap();
    }
    assert!(!pidfile.exists(), "a refused probe started the command");
    assert_eq!(reg.bytes(), original);
    reg.run(&["health", "--probe"]).ok();
    assert!(pidfile.exists());
}

fn a_probe_result_never_overwrites_an_entry_re_registered_meanwhile(reg: &Reg) {
    let (moved, write) =
        timed(|| register_stdio_with(reg, &["--tag", "before"], Behaviour::NeverAnswers));
    let started = reg.folder().join("steady.pid");
    let steady = register_stdio(reg, "steady", Behaviour::NeverAnswers, Some(&started));
    // The fakes must start, and the re-registration land, while the probe waits
    // for its timeout: three single-fake timeouts (2s or four python3 starts
    // measured now; one of them lost the race under load), or twenty
    // registrations' time.
    let secs = (timeout_secs(2) * 3).max((write * 20).as_secs());
    let mut probing = reg
        .cmd(&["health", "--probe", "--timeout", &format!("{secs}s")])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Once the probe has started the servers it has read the entries: now the
    // re-registration comes in the middle of the probe, not before it.
    eventually("the probe starts the servers", || {
        let ended = probing.try_wait().unwrap();
        assert!(
            ended.is_none(),
            "the probe ended before its servers started"
        );
        started.exists()
    });
    let again = register_stdio_with(reg, &["--tag", "after"], Behaviour::NeverAnswers);
    assert_eq!(again, moved);
    let run = finish(probing.wait_with_output().unwrap()).code(1);
    assert!(
        run.stderr.contains(&format!(
            "{moved}: re-registered or removed while it was probed"
        )),
        "{}",
        run.stderr
    );
    let e = reg.entry(&moved);
    assert_eq!(e["tags"], serde_json::json!(["after"]));
    assert_eq!(
        e["health"],
        serde_json::Value::Null,
        "a stale probe result was recorded"
    );
    assert_eq!(reg.entry(&steady)["health"]["status"], "down");
}

on_both_backends!(
    health_probe_speaks_both_eras_over_every_transport_and_records_it,
    failures_count_up_keep_the_last_success_and_feed_prune_down_for,
    register_introspect_fills_what_the_server_offers_and_flags_win,
    register_introspect_of_an_unreachable_server_writes_nothing,
    a_probe_result_never_overwrites_an_entry_re_registered_meanwhile,
);
