//! Issue 11, the server and process side: what a hostile server says is bounded
//! and escaped, what it starts dies with the probe, signals are answered at once,
//! and registration refuses what would misbehave later.

use crate::lifecycle::{Guard, SERVER, free_port};
use crate::mcp_fakes::stdio::{Behaviour, argv};
use crate::support::{Reg, Run, read_pid};
use std::path::Path;
use std::time::{Duration, Instant};

/// `register --introspect` of a stdio fake with `env`, returning its id.
fn introspect(reg: &Reg, name: &str, b: Behaviour, env: &[(&str, &Path)]) -> Run {
    let mut args = vec![
        "register",
        "--name",
        name,
        "--introspect",
        "--timeout",
        "60s",
    ];
    let mut envs = Vec::new();
    for (k, v) in env {
        envs.push(format!("{k}={}", v.display()));
    }
    for e in &envs {
        args.extend(["--env", e.as_str()]);
    }
    args.push("--");
    let fake = argv(b);
    args.extend(fake.iter().map(String::as_str));
    reg.run(&args)
}

/// A terminal control or bidi character, which nothing printed for people holds
/// without colour (line breaks between rows aside).
fn has_control(text: &str) -> bool {
    text.chars().any(|c| {
        (c.is_control() && c != '\n')
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    })
}

/// Any of the hostile fake's sequences, raw (our own colours aside).
fn has_hostile(text: &str) -> bool {
    ["\u{1b}]0;", "\u{1b}[2J", "\u{9b}", "\u{202e}", "\u{7}"]
        .iter()
        .any(|s| text.contains(s))
}

// §5 and §9: what a probe keeps is bounded, duplicates and giant names dropped,
// and the entry's health says what was left out.
#[test]
fn a_probe_keeps_at_most_ten_thousand_items_and_says_what_it_dropped() {
    let reg = Reg::new();
    let id = introspect(&reg, "many", Behaviour::ManyTools, &[])
        .ok()
        .stdout
        .trim()
        .to_owned();
    let entry = reg.entry(&id);
    let tools = entry["tools"].as_array().expect("tools");
    // The cap counts all three lists: the tools fill it, the fake's one resource
    // and one prompt are dropped.
    assert_eq!(tools.len(), 10_000, "tools kept");
    assert_eq!(entry["resources"], serde_json::json!([]));
    let mut names: Vec<&str> = tools.iter().filter_map(|t| t["name"].as_str()).collect();
    assert!(names.iter().all(|n| n.len() <= 256), "no giant name kept");
    names.sort_unstable();
    let before = names.len();
    names.dedup();
    assert_eq!(names.len(), before, "no duplicate kept");
    let big = tools.iter().find(|t| t["name"] == "big").expect("big kept");
    assert_eq!(big["description"].as_str().map(str::len), Some(64 * 1024));
    let truncated = entry["health"]["truncated"].as_str().unwrap_or_default();
    for part in [
        "10001 tools dropped (over 10000 items)",
        "500 duplicate tool names dropped",
        "1 tools with names over 256 bytes dropped",
        "1 resources dropped (over 10000 items)",
        "1 descriptions cut to 64 KiB",
        "2 of the server's name and version cut to 256 bytes",
        "1 capabilities with names over 256 bytes dropped",
    ] {
        assert!(truncated.contains(part), "{part:?} in {truncated:?}");
    }
    // The server's labels fit what a registration may hold, cut at a character.
    let info = &entry["health"]["server_info"];
    assert_eq!(info["name"], "n".repeat(255), "{info}");
    assert_eq!(info["version"], "v".repeat(256), "{info}");
    let capabilities = entry["capabilities"].as_array().expect("capabilities");
    assert!(
        capabilities
            .iter()
            .all(|c| c.as_str().is_some_and(|c| c.len() <= 256)),
        "{capabilities:?}"
    );
    // `health --probe` records the same, and shows it.
    let run = reg.run(&["health", "--probe", "--timeout", "60s", "--color", "never"]);
    assert!(
        run.stdout.contains("truncated: 10001 tools dropped"),
        "{}",
        run.stdout
    );
}

// §6: what a server says reaches a terminal escaped, with or without colour;
// JSON keeps it exact.
#[test]
fn server_text_is_escaped_for_people_and_exact_in_json() {
    const HOSTILE: &str = "\u{1b}]0;ERR-HIJACK\u{7}\u{1b}[2J\u{9b}31m\u{202e}evil";
    const SHOWN: &str = r"\x1b]0;ERR-HIJACK\x07\x1b[2J\u{9b}31m\u{202e}evil";
    let reg = Reg::new();
    let id = introspect(&reg, "text", Behaviour::HostileText, &[])
        .ok()
        .stdout
        .trim()
        .to_owned();
    for color in ["never", "always"] {
        let show = reg.run(&["show", &id, "--color", color]).ok();
        assert!(
            !has_hostile(&show.stdout),
            "show --color {color}: {:?}",
            show.stdout
        );
        assert!(
            color == "always" || !has_control(&show.stdout),
            "{:?}",
            show.stdout
        );
        assert!(
            show.stdout.contains(&format!("read{SHOWN}")),
            "{}",
            show.stdout
        );
        assert!(
            show.stdout.contains(r"line1\nmcpreg: forged"),
            "a description cannot forge a line: {}",
            show.stdout
        );
    }
    let json = reg.entry(&id);
    assert_eq!(json["tools"][0]["name"], format!("read{HOSTILE}"));
    assert_eq!(
        json["health"]["server_info"]["name"],
        format!("srv{HOSTILE}")
    );

    // A failing server's error text: in the health table, in a diagnostic, in JSON.
    let failing = Reg::new();
    let fail_env = "MCPREG_FAKE_FAIL=1".to_owned();
    let mut args = vec!["register", "--name", "fails", "--env", &fail_env, "--"];
    let fake = argv(Behaviour::HostileText);
    args.extend(fake.iter().map(String::as_str));
    let fid = failing.run(&args).ok().stdout.trim().to_owned();
    let health = failing.run(&["health", "--probe", "--color", "never", "--timeout", "60s"]);
    assert_eq!(health.code, 1, "{}", health.stderr);
    assert!(!has_control(&health.stdout), "{:?}", health.stdout);
    assert!(!has_hostile(&health.stderr), "{:?}", health.stderr);
    assert!(
        health.stdout.contains(r"\x1b]0;ERR-HIJACK"),
        "{}",
        health.stdout
    );
    let stored = failing.entry(&fid);
    assert!(
        stored["health"]["error"]
            .as_str()
            .is_some_and(|e| e.contains(HOSTILE)),
        "JSON is exact: {stored}"
    );
    let mut args = vec![
        "register",
        "--name",
        "fails2",
        "--introspect",
        "--env",
        &fail_env,
        "--",
    ];
    args.extend(fake.iter().map(String::as_str));
    let run = failing.run(&args).code(2);
    assert!(!has_control(run.stderr.trim_end()), "{:?}", run.stderr);
    assert!(run.stderr.contains(r"\x1b]0;ERR-HIJACK"), "{}", run.stderr);
}

/// The process `pid` is gone, or a zombie nobody reaps yet.
fn gone(pid: i32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(_) => true,
        Ok(stat) => stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().next())
            .is_some_and(|s| s == "Z" || s == "X"),
    }
}

fn kill(pid: i32, signal: i32) {
    // SAFETY: kill has no memory preconditions.
    unsafe {
        libc::kill(pid, signal);
    }
}

// §9: a grandchild that left the process group with setsid dies with the probe.
#[test]
fn a_grandchild_in_its_own_session_dies_with_the_probe() {
    let reg = Reg::new();
    let childfile = reg.folder().join("child.pid");
    introspect(
        &reg,
        "setsid",
        Behaviour::SetsidGrandchild,
        &[("MCPREG_FAKE_CHILDFILE", &childfile)],
    )
    .ok();
    let child = read_pid(&childfile);
    let escaped = !gone(child);
    kill(child, libc::SIGKILL);
    assert!(!escaped, "the setsid grandchild {child} outlived the probe");
}

// §9: registration refuses what would fail or misbehave at probe time.
#[test]
fn registration_refuses_bad_headers_ports_and_names() {
    let reg = Reg::new();
    let url = "http://127.0.0.1:9/mcp";
    for header in [
        "X-Evil=a\r\nHost: elsewhere",
        "X-Evil=a\nb",
        "Content-Length=5",
        "transfer-encoding=chunked",
        "Host=elsewhere",
        "Connection=close",
    ] {
        reg.run(&["register", "--name", "h", "--url", url, "--header", header])
            .code(2)
            .stderr_has("--header");
    }
    for bad in [
        "http://[::1]:99999/",
        "http://127.0.0.1:0/mcp",
        "http://127.0.0.1:70000/",
    ] {
        reg.run(&["register", "--name", "p", "--url", bad])
            .code(2)
            .stderr_has("port");
    }
    // As long as one argument may be (Linux: 128 KiB).
    let long = "x".repeat(100_000);
    reg.run(&["register", "--name", "n", "--url", url, "--tool", &long])
        .code(2)
        .stderr_has("--tool");
    assert!(reg.bytes().is_none(), "nothing was written");

    // The same holds for a declaration imported from server.json.
    reg.run(&["register", "--name", "d", "--url", url, "--tool", "t"])
        .ok();
    let export = reg.run(&["export", "--to", "server-json"]).ok();
    let mut doc: serde_json::Value = serde_json::from_str(&export.stdout).expect("server.json");
    let before = reg.snapshot();
    let cases: [(&str, serde_json::Value); 3] = [
        (
            "given twice",
            serde_json::json!([{"name": "t"}, {"name": "t"}]),
        ),
        (
            "bytes",
            serde_json::json!([{ "name": "y".repeat(100_000) }]),
        ),
        (
            "given twice",
            serde_json::Value::Array(vec![serde_json::json!({"name": "dup"}); 5_000]),
        ),
    ];
    for (why, tools) in cases {
        doc["_meta"]["mcpreg"]["tools"] = tools;
        let file = reg.folder().join("server.json");
        std::fs::write(&file, doc.to_string()).unwrap();
        reg.run(&["register", "--from", file.to_str().unwrap()])
            .code(2)
            .stderr_has(why);
        assert_eq!(reg.snapshot(), before, "the registry is untouched");
    }
    doc["_meta"]["mcpreg"]["tools"] = serde_json::json!([]);
    doc["_meta"]["mcpreg"]["transport"]["headers"] = serde_json::json!({"Host": "x"});
    let file = reg.folder().join("server.json");
    std::fs::write(&file, doc.to_string()).unwrap();
    reg.run(&["register", "--from", file.to_str().unwrap()])
        .code(2)
        .stderr_has("Host");
}

/// Sends `signal` to mcpreg and waits for it to exit: how long that took, and
/// its exit code.
fn stop_with(guard: &mut Guard, signal: i32, limit: Duration) -> (Duration, Option<i32>) {
    let start = Instant::now();
    guard.signal(signal);
    let status = guard.wait(limit);
    (start.elapsed(), status.code())
}

/// `watch --exec sh -c SCRIPT` once the script has written its pid (`$$`) into
/// `pidfile`; the script's pid.
fn watch_exec(reg: &Reg, script: &str, pidfile: &Path) -> (Guard, i32) {
    let _ = std::fs::remove_file(pidfile);
    let script = format!("echo $$ > {}; {script}", pidfile.display());
    let watch = Guard::spawn(reg.cmd(&["watch", "--exec", "sh", "-c", &script]));
    (watch, read_pid(pidfile))
}

/// How long a loaded debug build may take, beyond the 2 s grace, to exit after a
/// signal: far below the 60 s a command would otherwise keep it.
const EXIT_SLACK: Duration = Duration::from_secs(20);

// §8: SIGINT and SIGTERM are answered at once by watch --exec, run and
// register --keepalive: the child's group gets SIGTERM, then SIGKILL after 2 s.
#[test]
fn signals_stop_watch_exec_run_and_keepalive_at_once() {
    let grace = Duration::from_secs(2);
    for signal in [libc::SIGTERM, libc::SIGINT] {
        // watch --exec with a command that would run for a minute.
        let reg = Reg::new();
        reg.register("a", &[]);
        let pidfile = reg.folder().join("exec.pid");
        let (mut watch, pid) = watch_exec(&reg, "exec sleep 60", &pidfile);
        let (took, code) = stop_with(&mut watch, signal, grace + EXIT_SLACK);
        assert_eq!(code, Some(0), "watch ends cleanly");
        assert!(gone(pid), "the --exec command {pid} was stopped");
        eprintln!("watch --exec, signal {signal}: exited after {took:?}");

        // A command that ignores SIGTERM is killed after the grace.
        let (mut watch, pid) = watch_exec(
            &reg,
            "trap '' TERM INT; while :; do sleep 1; done",
            &pidfile,
        );
        let (took, _) = stop_with(&mut watch, signal, grace + EXIT_SLACK);
        assert!(
            took + Duration::from_millis(100) >= grace,
            "the grace was given: {took:?}"
        );
        assert!(gone(pid), "the stubborn --exec command {pid} was killed");

        // run, with a server that ignores SIGTERM.
        let port = free_port().to_string();
        let url = format!("http://127.0.0.1:{port}/mcp");
        let server_pid = reg.folder().join("server.pid");
        let shell_pid = reg.folder().join("shell.pid");
        let script = format!(
            "trap '' TERM INT; echo $$ > {}; python3 {SERVER} {port} {} & while :; do sleep 1; done",
            shell_pid.display(),
            server_pid.display()
        );
        let mut run = Guard::spawn(reg.cmd(&[
            "run", "--name", "stubborn", "--ttl", "30s", "--url", &url, "--", "sh", "-c", &script,
        ]));
        let id = run.id();
        assert!(reg.ids().contains(&id));
        let shell = read_pid(&shell_pid);
        let (took, code) = stop_with(&mut run, signal, grace + EXIT_SLACK);
        assert_eq!(
            code,
            Some(128 + libc::SIGKILL),
            "the server's status: killed"
        );
        assert!(gone(shell), "the server {shell} was killed");
        assert!(!reg.ids().contains(&id), "and deregistered");
        eprintln!("run, signal {signal}: exited after {took:?}");

        // register --keepalive deregisters and exits at once.
        let mut kept = Guard::spawn(reg.cmd(&[
            "register",
            "--name",
            "kept",
            "--ttl",
            "30s",
            "--keepalive",
            "--",
            "/usr/bin/true",
        ]));
        let id = kept.id();
        let (_, code) = stop_with(&mut kept, signal, EXIT_SLACK);
        assert_eq!(code, Some(0));
        assert!(!reg.ids().contains(&id));
    }
}
