//! What mcpreg records is true for the server it describes (issue "What mcpreg
//! records must be true"): the transport that answered, the server's own name and
//! version in both eras, commands that run from every folder, tools learned for
//! imported servers, and `run` that never registers someone else's server.
//! The real Python SDK and the reference servers are in `peers.rs`; these use the
//! fakes, for the cases a real server does not show on demand.

use crate::mcp_fakes::brain::FakeEra;
use crate::mcp_fakes::http::{FakeHttp, HttpFake};
use crate::mcp_fakes::stdio::{Behaviour, argv, script};
use crate::support::{Reg, finish, mcpreg};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::{Duration, Instant};

fn names(list: &serde_json::Value) -> Vec<String> {
    list.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|t| t["name"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

fn learned(entry: &serde_json::Value) -> Vec<String> {
    entry["learned"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// A loopback port nothing listens on.
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

fn introspection_records_the_transport_that_answered(reg: &Reg) {
    let legacy = FakeHttp::start(HttpFake::LegacySse);
    let sse_url = legacy.url_path("/sse");
    let id = reg
        .run(&[
            "register",
            "--name",
            "old",
            "--introspect",
            "--url",
            &sse_url,
        ])
        .ok()
        .stdout
        .trim()
        .to_owned();
    let e = reg.entry(&id);
    assert_eq!(e["transport"]["type"], "sse", "{e}");
    assert_eq!(e["health"]["status"], "ok");
    // The id is the one a plain `register --transport sse` derives: re-running
    // either line updates the same entry.
    let plain = reg.run(&[
        "register",
        "--name",
        "old",
        "--url",
        &sse_url,
        "--transport",
        "sse",
    ]);
    assert_eq!(plain.ok().stdout.trim(), id);

    // An explicit --transport is kept: a server that answers only the other
    // way is an error on that flag, and nothing is written.
    let before = reg.snapshot();
    reg.run(&[
        "register",
        "--name",
        "old2",
        "--introspect",
        "--url",
        &sse_url,
        "--transport",
        "streamable-http",
    ])
    .code(2)
    .stderr_has("--transport: ")
    .stderr_has("answers over sse, not streamable-http");
    let streamable = FakeHttp::start(HttpFake::Streamable {
        era: FakeEra::New,
        sse: false,
    });
    reg.run(&[
        "register",
        "--name",
        "new",
        "--introspect",
        "--url",
        &streamable.url(),
        "--transport",
        "sse",
    ])
    .code(2)
    .stderr_has("answers over streamable-http, not sse");
    assert_eq!(reg.snapshot(), before, "a refused registration wrote");

    // What Claude Code is told is what answers.
    let exported = reg.run(&["export", "--to", "claude-code"]).ok().json();
    assert_eq!(exported["mcpServers"]["old"]["type"], "sse", "{exported}");
}

fn health_reports_a_transport_mismatch_and_keeps_the_declaration(reg: &Reg) {
    let legacy = FakeHttp::start(HttpFake::LegacySse);
    let streamable = FakeHttp::start(HttpFake::Streamable {
        era: FakeEra::Old,
        sse: false,
    });
    let as_http = reg
        .run(&["register", "--name", "a", "--url", &legacy.url_path("/sse")])
        .ok()
        .stdout
        .trim()
        .to_owned();
    let as_sse = reg
        .run(&[
            "register",
            "--name",
            "b",
            "--url",
            &streamable.url(),
            "--transport",
            "sse",
        ])
        .ok()
        .stdout
        .trim()
        .to_owned();
    let run = reg.run(&["health", "--probe"]).code(1);
    assert!(run.stdout.contains("0 ok, 2 down"), "{}", run.stdout);
    for (id, kind, error) in [
        (
            &as_http,
            "streamable-http",
            "answers over sse, registered as streamable-http",
        ),
        (
            &as_sse,
            "sse",
            "answers over streamable-http, registered as sse",
        ),
    ] {
        let e = reg.entry(id);
        assert_eq!(e["health"]["status"], "down", "{id}: {e}");
        assert_eq!(e["health"]["error"], error, "{id}");
        assert_eq!(
            e["transport"]["type"], kind,
            "{id}: the declaration changed"
        );
    }
}

fn commands_registered_from_one_folder_work_from_every_folder(reg: &Reg) {
    // A project folder holding the server script and a launcher beside it.
    let project = reg.folder().join("project");
    std::fs::create_dir_all(project.join("bin")).unwrap();
    std::fs::copy(script(), project.join("server.py")).unwrap();
    let launcher = project.join("bin/serve");
    std::fs::write(
        &launcher,
        format!(
            "#!/bin/sh\nexec python3 {} good-old\n",
            project.join("server.py").display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&launcher, std::fs::Permissions::from_mode(0o755)).unwrap();
    let register_here = |args: &[&str]| {
        let out = reg
            .cmd(args)
            .current_dir(&project)
            .output()
            .expect("run mcpreg");
        finish(out).ok().stdout.trim().to_owned()
    };
    // A relative argument that exists here: the folder is recorded.
    let by_arg = register_here(&[
        "register",
        "--name",
        "by-arg",
        "--",
        "python3",
        "server.py",
        "good-old",
    ]);
    // A program given as a relative path: made absolute, no folder needed.
    let by_path = register_here(&["register", "--name", "by-path", "--", "bin/serve"]);
    // Registering the same line again from the same folder is the same entry.
    assert_eq!(
        register_here(&[
            "register",
            "--name",
            "by-arg",
            "--",
            "python3",
            "server.py",
            "good-old",
        ]),
        by_arg
    );

    let a = reg.entry(&by_arg)["transport"].clone();
    assert_eq!(a["command"], "python3", "a bare name stays for PATH: {a}");
    assert_eq!(a["args"][0], "server.py");
    assert_eq!(a["cwd"], project.to_str().unwrap());
    let b = reg.entry(&by_path)["transport"].clone();
    assert_eq!(b["command"], launcher.to_str().unwrap());
    assert!(b.get("cwd").is_none(), "no relative argument, no cwd: {b}");

    // Probes from another folder start both where they belong.
    let elsewhere = reg.folder().join("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    let out = reg
        .cmd(&["health", "--probe"])
        .current_dir(&elsewhere)
        .output()
        .unwrap();
    let run = finish(out).ok();
    assert!(run.stdout.contains("2 ok, 0 down"), "{}", run.stdout);

    // VS Code starts a server in a folder; Claude Code gets absolute paths.
    let vscode = reg.run(&["export", "--to", "vscode"]).ok().json();
    assert_eq!(
        vscode["servers"]["by-arg"]["cwd"],
        project.to_str().unwrap(),
        "{vscode}"
    );
    let claude = reg.run(&["export", "--to", "claude-code"]).ok();
    assert!(
        claude.stderr.contains("written with absolute paths") && claude.stderr.contains(&by_arg),
        "{}",
        claude.stderr
    );
    let server = &claude.json()["mcpServers"]["by-arg"];
    assert_eq!(
        server["args"][0],
        project.join("server.py").to_str().unwrap()
    );
    assert_eq!(
        server["args"][1], "good-old",
        "a word that is no path stays"
    );
    assert!(server.get("cwd").is_none());
}

/// A Claude Code config naming an HTTP fake, a stdio fake and, when `dead` is
/// given, a server on a port where nothing listens.
fn client_config(reg: &Reg, http: &FakeHttp, dead: Option<u16>) -> std::path::PathBuf {
    let stdio = argv(Behaviour::GoodNew);
    let mut servers = serde_json::json!({
        "remote": {"type": "http", "url": http.url()},
        "local": {"type": "stdio", "command": stdio[0], "args": &stdio[1..]},
    });
    if let Some(port) = dead {
        servers["dead"] =
            serde_json::json!({"type": "http", "url": format!("http://127.0.0.1:{port}/mcp")});
    }
    let path = reg.folder().join(format!("mcp-{}.json", dead.is_some()));
    std::fs::write(
        &path,
        serde_json::to_string(&serde_json::json!({ "mcpServers": servers })).unwrap(),
    )
    .unwrap();
    path
}

fn imported_servers_learn_their_tools(reg: &Reg) {
    let http = FakeHttp::start(HttpFake::Streamable {
        era: FakeEra::Old,
        sse: false,
    });
    let dead = closed_port();
    let with_dead = client_config(reg, &http, Some(dead));
    let before = reg.snapshot();
    let refused = reg
        .run(&[
            "register",
            "--from",
            with_dead.to_str().unwrap(),
            "--introspect",
            "--timeout",
            "5s",
        ])
        .code(2)
        .stderr_has("--introspect: dead-")
        .stderr_has("connection refused");
    assert!(refused.stdout.is_empty(), "{}", refused.stdout);
    assert_eq!(reg.snapshot(), before, "a failed import wrote");

    let kept = reg
        .run(&[
            "register",
            "--from",
            with_dead.to_str().unwrap(),
            "--introspect",
            "--keep-unreachable",
            "--timeout",
            "5s",
        ])
        .ok();
    assert!(
        kept.stderr.contains("imported without its tools") && kept.stderr.contains("dead-"),
        "{}",
        kept.stderr
    );
    assert_eq!(kept.stdout.lines().count(), 3);
    let found = reg
        .run(&["find", "--tool", "alpha", "--format", "ids"])
        .ok();
    let found: Vec<&str> = found.stdout.lines().collect();
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(found.iter().any(|id| id.starts_with("remote-")));
    assert!(found.iter().any(|id| id.starts_with("local-")));
    for id in kept.stdout.lines() {
        let e = reg.entry(id);
        if id.starts_with("dead-") {
            assert_eq!(names(&e["tools"]), Vec::<String>::new());
            assert_eq!(learned(&e), Vec::<String>::new());
        } else {
            assert_eq!(e["health"]["status"], "ok", "{id}");
            assert!(learned(&e).contains(&"tools".to_owned()), "{id}: {e}");
        }
    }
}

fn refresh_writes_learned_fields_and_keeps_what_was_given_by_hand(reg: &Reg) {
    let tools_file = reg.folder().join("tools.txt");
    std::fs::write(&tools_file, "read_file\nwrite_file\n").unwrap();
    let env = format!("MCPREG_FAKE_TOOLS_FILE={}", tools_file.display());
    let register = |name: &str, extra: &[&str]| {
        let mut args = vec!["register", "--name", name, "--env", &env];
        args.extend_from_slice(extra);
        args.push("--");
        let fake = argv(Behaviour::GoodOld);
        let fake: Vec<&str> = fake.iter().map(String::as_str).collect();
        args.extend(fake);
        reg.run(&args).ok().stdout.trim().to_owned()
    };
    let learnt = register("learnt", &["--introspect"]);
    let bare = register("bare", &[]);
    let by_hand = register("by-hand", &["--tool", "handmade", "--version", "9"]);
    assert_eq!(
        learned(&reg.entry(&learnt)),
        ["tools", "resources", "prompts", "capabilities", "version"]
    );
    assert_eq!(learned(&reg.entry(&by_hand)), Vec::<String>::new());

    // The server changes what it offers; a plain probe records health only (the
    // changed tools make each entry `changed`, see choosing.rs).
    std::fs::write(&tools_file, "read_file\nlist_directory\nsearch\n").unwrap();
    reg.run(&["health", "--probe"]).code(1);
    assert_eq!(
        names(&reg.entry(&learnt)["tools"]),
        ["read_file", "write_file"]
    );
    assert_eq!(names(&reg.entry(&bare)["tools"]), Vec::<String>::new());

    reg.run(&["health", "--probe", "--refresh"]).code(1);
    let now = ["read_file", "list_directory", "search"];
    let e = reg.entry(&learnt);
    assert_eq!(names(&e["tools"]), now, "learned tools are refreshed");
    assert_eq!(e["version"], "1.0.0");
    let e = reg.entry(&bare);
    assert_eq!(names(&e["tools"]), now, "empty tools are filled");
    assert_eq!(names(&e["resources"]), ["motd"]);
    assert!(learned(&e).contains(&"tools".to_owned()));
    let e = reg.entry(&by_hand);
    assert_eq!(names(&e["tools"]), ["handmade"], "given by hand: kept");
    assert_eq!(e["version"], "9");
    assert_eq!(names(&e["resources"]), ["motd"], "an empty field is filled");
    assert!(!learned(&e).contains(&"tools".to_owned()), "{e}");
    assert!(!learned(&e).contains(&"version".to_owned()), "{e}");
    let found = reg
        .run(&[
            "find",
            "--tool",
            "list_directory",
            "--health",
            "any",
            "--format",
            "ids",
        ])
        .ok();
    assert_eq!(found.stdout.lines().count(), 2, "{}", found.stdout);
}

on_both_backends!(
    introspection_records_the_transport_that_answered,
    health_reports_a_transport_mismatch_and_keeps_the_declaration,
    commands_registered_from_one_folder_work_from_every_folder,
    imported_servers_learn_their_tools,
    refresh_writes_learned_fields_and_keeps_what_was_given_by_hand,
);

const HTTP_SERVER: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/mcp_http_server.py");

#[test]
fn run_refuses_a_url_where_another_server_already_answers() {
    let reg = Reg::new();
    let other = FakeHttp::start(HttpFake::Streamable {
        era: FakeEra::Old,
        sse: false,
    });
    let pidfile = reg.folder().join("child.pid");
    let child = format!("echo $$ > {}; exec sleep 30", pidfile.display());
    let started = Instant::now();
    reg.run(&[
        "run",
        "--name",
        "mine",
        "--url",
        &other.url(),
        "--",
        "sh",
        "-c",
        &child,
    ])
    .code(2)
    .stderr_has("--url: ")
    .stderr_has("already answers before the server is started: the MCP server fake-old 1.0.0");
    assert!(!pidfile.exists(), "the server was started anyway");
    assert!(
        reg.ids().is_empty(),
        "something was registered: {:?}",
        reg.ids()
    );
    assert!(started.elapsed() < Duration::from_secs(60));
}

#[test]
fn run_registers_only_a_server_that_is_still_its_own_child() {
    // The child leaves a server behind on the port and exits at once with 3:
    // what then answers is not the child, and is not registered.
    let reg = Reg::new();
    let port = closed_port();
    let pidfile = reg.folder().join("server.pid");
    // The orphan ends itself after 120s at the latest: it may not have written
    // its pidfile yet when `run` returns, and then nothing here could kill it.
    let child = format!(
        "python3 {HTTP_SERVER} {port} {} 120 0 & exit 3",
        pidfile.display()
    );
    let url = format!("http://127.0.0.1:{port}/mcp");
    let run = reg.run(&[
        "run", "--name", "gone", "--url", &url, "--", "sh", "-c", &child,
    ]);
    // Whatever happened, the orphan server must not outlive the test.
    if let Some(pid) = std::fs::read_to_string(&pidfile)
        .ok()
        .and_then(|p| p.trim().parse::<i32>().ok())
    {
        // SAFETY: kill has no memory preconditions.
        unsafe { libc::kill(pid, libc::SIGTERM) };
    }
    assert_eq!(run.code, 3, "stderr: {}", run.stderr);
    assert!(run.stderr.contains("exited"), "{}", run.stderr);
    assert!(reg.ids().is_empty(), "registered: {:?}", reg.ids());
}

#[test]
fn a_private_registry_in_a_shared_sticky_folder_is_trusted_and_a_shared_folder_is_not() {
    let base = tempfile::tempdir().unwrap();
    for (mode, trusted) in [(0o1777, true), (0o777, false)] {
        let folder = base.path().join(format!("f{mode:o}"));
        std::fs::create_dir(&folder).unwrap();
        std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(mode)).unwrap();
        let registry = folder.join("reg.json");
        let registry = registry.to_str().unwrap();
        let mut args = vec!["-r", registry, "register", "--name", "s", "--"];
        let fake = argv(Behaviour::GoodOld);
        args.extend(fake.iter().map(String::as_str));
        finish(mcpreg().args(&args).output().unwrap()).ok();
        let mode_of = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode_of(Path::new(registry)), 0o600);
        let run = finish(
            mcpreg()
                .args(["-r", registry, "health", "--probe"])
                .output()
                .unwrap(),
        );
        if trusted {
            let run = run.ok();
            assert!(run.stdout.contains("1 ok"), "{}", run.stdout);
        } else {
            run.code(2)
                .stderr_has("refusing to run commands from its folder")
                .stderr_has("move the registry to a private folder");
        }
    }
}
