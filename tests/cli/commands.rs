//! What each command does, end to end.

use crate::support::{Reg, finish, mcpreg};
use std::os::unix::fs::PermissionsExt;
use std::thread::sleep;
use std::time::{Duration, Instant};

fn register_prints_an_id_and_running_it_twice_updates_one_entry(reg: &Reg) {
    let args = [
        "register",
        "--name",
        "filesystem",
        "--tool",
        "read_file=Read a file",
        "--tag",
        "local",
        "--",
        "/usr/local/bin/mcp-fs",
        "/data",
    ];
    let id = reg.run(&args).ok().stdout.trim().to_owned();
    assert!(id.starts_with("filesystem-"), "{id}");
    let first = reg.snapshot();
    let again = reg.run(&args).ok().stdout.trim().to_owned();
    assert_eq!(id, again);
    assert_eq!(
        reg.snapshot(),
        first,
        "an unchanged registration rewrote the entry"
    );
    assert_eq!(reg.ids(), vec![id.clone()]);

    let e = reg.entry(&id);
    assert_eq!(e["transport"]["type"], "stdio");
    assert_eq!(e["transport"]["command"], "/usr/local/bin/mcp-fs");
    assert_eq!(e["transport"]["args"][0], "/data");
    assert_eq!(e["tools"][0]["name"], "read_file");
    assert_eq!(e["tools"][0]["description"], "Read a file");
    assert_eq!(e["capabilities"][0], "tools");
    assert_eq!(e["lease"], serde_json::Value::Null);
    assert_eq!(e["health"], serde_json::Value::Null);
}

fn a_changed_registration_keeps_the_first_registration_time(reg: &Reg) {
    let id = reg.register("fs", &["--id", "fs", "--tag", "a"]);
    let before = reg.entry(&id);
    sleep(Duration::from_millis(20));
    reg.register("fs", &["--id", "fs", "--tag", "b"]);
    let after = reg.entry(&id);
    assert_eq!(after["registered_at"], before["registered_at"]);
    assert_ne!(after["updated_at"], before["updated_at"]);
    assert_eq!(after["tags"], serde_json::json!(["b"]));
}

fn http_servers_and_every_declared_field_are_recorded(reg: &Reg) {
    let id = reg.register(
        "search",
        &[
            "--url",
            "http://127.0.0.1:8080/mcp",
            "--transport",
            "sse",
            "--header",
            "Authorization=Bearer x",
            "--description",
            "Finds things",
            "--version",
            "2.1.0",
            "--resource",
            "file:///{path}",
            "--prompt",
            "summarise",
            "--capability",
            "logging",
            "--meta",
            "team=search",
            "--auth",
            "bearer",
            "--health-url",
            "http://127.0.0.1:8080/health",
            "--ttl",
            "1m",
        ],
    );
    let e = reg.entry(&id);
    assert_eq!(
        e["transport"],
        serde_json::json!({"type": "sse", "url": "http://127.0.0.1:8080/mcp", "headers": {"Authorization": "Bearer x"}})
    );
    assert_eq!(e["description"], "Finds things");
    assert_eq!(e["version"], "2.1.0");
    assert_eq!(e["resources"][0]["uri"], "file:///{path}");
    assert_eq!(e["prompts"][0]["name"], "summarise");
    assert_eq!(
        e["capabilities"],
        serde_json::json!(["logging", "prompts", "resources"])
    );
    assert_eq!(e["meta"]["team"], "search");
    assert_eq!(e["auth"]["type"], "bearer");
    assert_eq!(e["lease"]["ttl_s"], 60);
}

fn find_applies_every_filter_and_exits_1_on_no_match(reg: &Reg) {
    let fs = reg.register(
        "fs",
        &[
            "--tool",
            "read_file",
            "--tool",
            "write_file",
            "--tag",
            "local",
            "--meta",
            "team=platform",
        ],
    );
    let db = reg.register(
        "db",
        &["--tool", "query", "--tag", "local", "--tag", "prod"],
    );
    let web = reg.register(
        "web",
        &[
            "--url",
            "http://127.0.0.1:9/mcp",
            "--tool",
            "read_file",
            "--tag",
            "prod",
        ],
    );

    let ids = |args: &[&str]| {
        let mut all = vec!["find", "--format", "ids"];
        all.extend_from_slice(args);
        let run = reg.run(&all);
        (
            run.code,
            run.stdout.lines().map(str::to_owned).collect::<Vec<_>>(),
        )
    };
    let mut both = vec![fs.clone(), web.clone()];
    both.sort();
    assert_eq!(ids(&["--tool", "read_file"]), (0, both));
    assert_eq!(
        ids(&["--tool", "read_file", "--tool", "write_file"]),
        (0, vec![fs.clone()])
    );
    assert_eq!(
        ids(&["--tag", "local", "--tag", "prod"]),
        (0, vec![db.clone()])
    );
    assert_eq!(
        ids(&["--transport", "streamable-http"]),
        (0, vec![web.clone()])
    );
    assert_eq!(ids(&["--name", "db"]), (0, vec![db.clone()]));
    assert_eq!(ids(&["--meta", "team=platform"]), (0, vec![fs.clone()]));
    assert_eq!(
        ids(&[
            "--capability",
            "tools",
            "--tag",
            "prod",
            "--transport",
            "stdio"
        ]),
        (0, vec![db])
    );
    assert_eq!(ids(&["--tool", "nope"]), (1, vec![]));
    assert_eq!(ids(&["--meta", "team=other"]), (1, vec![]));

    let json = reg
        .run(&["find", "--tool", "write_file", "--json"])
        .ok()
        .json();
    assert_eq!(json.as_array().map(Vec::len), Some(1));
    assert_eq!(json[0]["id"], fs.as_str());
    assert_eq!(json[0]["tools"][1]["name"], "write_file");

    let one = reg
        .run(&["find", "--tag", "prod", "--one", "--json"])
        .ok()
        .json();
    assert!(
        one.is_object(),
        "--one prints an entry, not an array: {one}"
    );
    assert_eq!(
        one["tags"].as_array().map(|t| t.contains(&"prod".into())),
        Some(true)
    );

    let yaml = reg.run(&["find", "--name", "fs", "--yaml"]).ok().stdout;
    assert!(yaml.contains(&format!("id: {fs}")), "{yaml}");
}

fn global_options_work_after_the_command_and_from_the_environment(reg: &Reg) {
    let id = reg.register("fs", &[]);
    let after = reg.run(&["list", "--json"]).ok().json();
    assert_eq!(after[0]["id"], id.as_str());
    let env = finish(
        reg.bare()
            .env("MCPREG_REGISTRY", reg.location())
            .env("MCPREG_FORMAT", "ids")
            .arg("list")
            .output()
            .unwrap(),
    )
    .ok();
    assert_eq!(env.stdout.trim(), id);
}

#[test]
fn expired_entries_leave_find_until_a_heartbeat_revives_them() {
    let reg = Reg::new();
    let id = reg.register("blinky", &["--ttl", "1s", "--tool", "blink"]);
    let steady = reg.register("steady", &["--tool", "blink"]);
    reg.run(&["find", "--tool", "blink", "--format", "ids"])
        .ok();
    sleep(Duration::from_millis(1100));
    let live = reg
        .run(&["find", "--tool", "blink", "--format", "ids"])
        .ok();
    assert_eq!(live.stdout.trim(), steady, "leaseless entries stay live");
    let expired = reg
        .run(&["find", "--status", "expired", "--format", "ids"])
        .ok();
    assert_eq!(expired.stdout.trim(), id);
    let any = reg
        .run(&["find", "--status", "any", "--format", "ids"])
        .ok();
    assert_eq!(any.stdout.lines().count(), 2);

    // The heartbeat renews for the same 1s, so `find` must run within that second
    // to see it live. On a loaded machine that can take longer: then the lease has
    // lapsed again by right and the round says nothing, so try again.
    let revived = (0..20).find_map(|_| {
        let renewed = Instant::now();
        reg.run(&["heartbeat", &id]).ok();
        let found = reg
            .run(&["find", "--tool", "blink", "--format", "ids"])
            .ok();
        (renewed.elapsed() < Duration::from_millis(900)).then_some(found)
    });
    let revived = revived.expect("no heartbeat and find within the 1s ttl in 20 tries");
    assert_eq!(revived.stdout.lines().count(), 2, "{}", revived.stdout);
    assert_eq!(reg.entry(&id)["lease"]["ttl_s"], 1);
}

fn heartbeat_renews_from_now_and_can_change_the_ttl(reg: &Reg) {
    let id = reg.register("hb", &["--ttl", "30s"]);
    let before = reg.entry(&id)["lease"]["expires_at"]
        .as_str()
        .unwrap()
        .to_owned();
    sleep(Duration::from_millis(20));
    reg.run(&["heartbeat", &id]).ok();
    let after = reg.entry(&id)["lease"]["expires_at"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(after > before, "{after} <= {before}");
    reg.run(&["heartbeat", &id, "--ttl", "2m"]).ok();
    assert_eq!(reg.entry(&id)["lease"]["ttl_s"], 120);
}

fn heartbeat_of_several_ids_renews_the_known_and_exits_1_for_the_unknown(reg: &Reg) {
    let id = reg.register("hb", &["--ttl", "30s"]);
    let before = reg.entry(&id)["lease"]["expires_at"].clone();
    sleep(Duration::from_millis(20));
    reg.run(&["heartbeat", &id, "ghost-1"])
        .code(1)
        .stderr_has("\"ghost-1\"");
    assert_ne!(reg.entry(&id)["lease"]["expires_at"], before);
}

fn deregister_removes_and_says_which_ids_were_unknown(reg: &Reg) {
    let a = reg.register("a", &[]);
    let b = reg.register("b", &[]);
    reg.run(&["deregister", &a]).ok();
    assert_eq!(reg.ids(), vec![b.clone()]);
    reg.run(&["deregister", &b, "ghost"])
        .code(1)
        .stderr_has("\"ghost\"");
    assert_eq!(reg.ids(), Vec::<String>::new());
}

fn show_prints_one_entry_in_full_or_exits_1(reg: &Reg) {
    let id = reg.register(
        "fs",
        &["--tool", "read_file=Read a file", "--env", "LOG=info"],
    );
    let table = reg.run(&["show", &id]).ok().stdout;
    for needle in [
        id.as_str(),
        "read_file: Read a file",
        "LOG=info",
        "/usr/bin/true fs",
    ] {
        assert!(table.contains(needle), "{needle:?} missing from {table}");
    }
    let json = reg.run(&["show", &id, "--json"]).ok().json();
    let listed = reg.run(&["list", "--json"]).ok().json();
    assert_eq!(json, listed[0], "show --json prints the whole stored entry");
    assert_eq!(json["transport"]["env"]["LOG"], "info");
    reg.run(&["show", "ghost"]).code(1).stderr_has("\"ghost\"");
}

#[test]
fn prune_removes_expired_entries_once_and_is_quiet_otherwise() {
    let reg = Reg::new();
    let alive = reg.register("alive", &["--ttl", "1h"]);
    let forever = reg.register("forever", &[]);
    // Before the 1s lease is registered: on a loaded machine the commands between
    // registering it and this prune could take longer than its ttl.
    assert_eq!(reg.run(&["prune"]).ok().stdout, "");
    let dead = reg.register("dead", &["--ttl", "1s"]);
    sleep(Duration::from_millis(1100));

    let dry = reg.run(&["prune", "--dry-run"]).ok();
    assert!(
        dry.stdout
            .starts_with(&format!("would remove {dead} (lease expired")),
        "{}",
        dry.stdout
    );
    assert_eq!(reg.ids().len(), 3, "--dry-run removed something");
    assert_eq!(reg.run(&["prune", "--grace", "1h"]).ok().stdout, "");
    assert_eq!(reg.ids().len(), 3, "--grace did not keep the entry");

    let pruned = reg.run(&["prune"]).ok();
    assert_eq!(pruned.stdout.lines().count(), 1, "{}", pruned.stdout);
    assert!(
        pruned
            .stdout
            .starts_with(&format!("removed {dead} (lease expired"))
    );
    let mut expect = vec![alive, forever];
    expect.sort();
    assert_eq!(reg.ids(), expect);
    let bytes = reg.bytes();
    assert_eq!(reg.run(&["prune"]).ok().stdout, "");
    assert_eq!(
        reg.bytes(),
        bytes,
        "a prune with nothing to do wrote the file"
    );
}

#[test]
fn prune_down_for_removes_entries_whose_probes_keep_failing() {
    // Health is written by `health --probe`; here the file says what the probes found.
    let reg = Reg::new();
    let down = reg.register("down", &[]);
    let flaky = reg.register("flaky", &[]);
    let mut doc = reg.json();
    for server in doc["servers"].as_array_mut().unwrap() {
        let last_ok = if server["id"] == down.as_str() {
            "2020-01-01T00:00:00Z"
        } else {
            "2099-01-01T00:00:00Z"
        };
        server["health"] = serde_json::json!({
            "status": "down", "checked_at": "2026-01-01T00:00:00Z", "last_ok_at": last_ok,
            "latency_ms": null, "failures": 4, "error": "connection refused",
            "protocol_version": null, "server_info": null
        });
    }
    std::fs::write(&reg.path, serde_json::to_vec_pretty(&doc).unwrap()).unwrap();
    assert_eq!(
        reg.run(&["prune"]).ok().stdout,
        "",
        "without --down-for health is not pruned"
    );
    let pruned = reg.run(&["prune", "--down-for", "1h"]).ok().stdout;
    assert!(
        pruned.starts_with(&format!("removed {down} (down for")),
        "{pruned}"
    );
    assert!(pruned.contains("connection refused"));
    assert_eq!(reg.ids(), vec![flaky]);
}

#[test]
fn health_summarises_leases_and_exits_1_when_one_expired() {
    let reg = Reg::new();
    let live = reg.register("live", &["--ttl", "1h"]);
    reg.run(&["health"]).ok();
    let gone = reg.register("gone", &["--ttl", "1s"]);
    sleep(Duration::from_millis(1100));
    let run = reg.run(&["health"]).code(1);
    assert!(
        run.stdout.contains("2 total, 1 live, 1 expired"),
        "{}",
        run.stdout
    );
    let json = reg.run(&["health", "--json"]).code(1).json();
    assert_eq!(json["summary"]["expired"], 1);
    assert_eq!(json["servers"].as_array().map(Vec::len), Some(2));
    reg.run(&["health", &live]).ok();
    reg.run(&["health", &gone]).code(1);
    reg.run(&["health", "ghost"])
        .code(1)
        .stderr_has("\"ghost\"");
}

#[test]
fn yaml_registries_work_the_same_and_keep_unknown_fields() {
    let reg = Reg::with_text(
        "registry.yaml",
        "schema: 1\nfuture_top: {kept: true}\nservers:\n- id: old-1\n  name: old\n  transport: {type: stdio, command: /bin/old}\n  registered_at: 2026-11-21T10:00:00Z\n  updated_at: 2026-11-21T10:00:00Z\n  future_field: [1, 2]\n",
    );
    let id = reg.register("fs", &["--tool", "read_file", "--ttl", "30s"]);
    reg.run(&["heartbeat", &id, "old-1", "--ttl", "10s"]).ok();
    let found = reg
        .run(&["find", "--tool", "read_file", "--format", "ids"])
        .ok();
    assert_eq!(found.stdout.trim(), id);
    let text = std::fs::read_to_string(&reg.path).unwrap();
    let doc: serde_json::Value = serde_yaml::from_str(&text).unwrap();
    assert_eq!(doc["future_top"]["kept"], true);
    let old = doc["servers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == "old-1")
        .unwrap();
    assert_eq!(old["future_field"], serde_json::json!([1, 2]));
    assert_eq!(old["lease"]["ttl_s"], 10);
    assert_eq!(crate::support::ids_of(&doc), {
        let mut v = vec![id, "old-1".to_owned()];
        v.sort();
        v
    });
}

#[test]
fn json_rewrites_keep_unknown_fields_of_touched_and_untouched_entries() {
    let reg = Reg::new();
    let a = reg.register("a", &["--ttl", "30s"]);
    let b = reg.register("b", &["--ttl", "30s"]);
    let mut doc = reg.json();
    doc["written_by"] = "mcpreg 9".into();
    for server in doc["servers"].as_array_mut().unwrap() {
        server["future"] = serde_json::json!({"nested": [1, "two"]});
    }
    std::fs::write(&reg.path, serde_json::to_vec_pretty(&doc).unwrap()).unwrap();
    reg.run(&["heartbeat", &a]).ok();
    reg.register("c", &[]);
    let after = reg.json();
    assert_eq!(after["written_by"], "mcpreg 9");
    for id in [&a, &b] {
        assert_eq!(
            reg.entry(id)["future"]["nested"][1],
            "two",
            "{id} lost its field"
        );
    }
    assert_eq!(after["servers"].as_array().map(Vec::len), Some(3));
}

fn entries_are_kept_sorted_by_id(reg: &Reg) {
    for name in ["zeta", "alpha", "mid", "beta"] {
        reg.register(name, &["--id", name]);
    }
    assert_eq!(reg.ids(), ["alpha", "beta", "mid", "zeta"]);
}

#[test]
fn a_new_registry_is_private_and_reads_never_create_it() {
    let reg = Reg::new();
    reg.run(&["list"]).ok();
    reg.run(&["find", "--tool", "x"]).code(1);
    assert!(reg.bytes().is_none(), "a read created the registry");
    reg.register("fs", &[]);
    let mode = std::fs::metadata(&reg.path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "registry mode {mode:o}");
    let lock = reg.folder().join("registry.json.lock");
    assert!(lock.exists(), "the sidecar lock file is kept");
}

#[test]
fn the_default_registry_lives_in_the_data_dir_and_is_created_on_first_write() {
    let home = tempfile::tempdir().unwrap();
    let data = home.path().join("data");
    let run = |args: &[&str]| {
        finish(
            mcpreg()
                .env("HOME", home.path())
                .env("XDG_DATA_HOME", &data)
                .args(args)
                .output()
                .unwrap(),
        )
    };
    run(&["list"]).ok();
    assert!(!data.exists(), "a read created the data dir");
    run(&["register", "--name", "fs", "--", "/bin/fs"]).ok();
    let file = data.join("mcpreg").join("registry.json");
    assert!(file.exists(), "no registry at {}", file.display());
    let folder_mode = std::fs::metadata(data.join("mcpreg"))
        .unwrap()
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(folder_mode, 0o700);
    assert_eq!(
        run(&["list", "--format", "ids"])
            .ok()
            .stdout
            .lines()
            .count(),
        1
    );
}

fn a_closed_stdout_ends_quietly(reg: &Reg) {
    // More than a pipe holds (64 KiB), so the writer meets the closed pipe.
    for i in 0..150 {
        reg.register(&format!("s{i}"), &["--tool", "t"]);
    }
    let mut child = reg
        .cmd(&["list", "--json"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}

on_both_backends!(
    register_prints_an_id_and_running_it_twice_updates_one_entry,
    a_changed_registration_keeps_the_first_registration_time,
    http_servers_and_every_declared_field_are_recorded,
    find_applies_every_filter_and_exits_1_on_no_match,
    global_options_work_after_the_command_and_from_the_environment,
    heartbeat_renews_from_now_and_can_change_the_ttl,
    heartbeat_of_several_ids_renews_the_known_and_exits_1_for_the_unknown,
    deregister_removes_and_says_which_ids_were_unknown,
    show_prints_one_entry_in_full_or_exits_1,
    entries_are_kept_sorted_by_id,
    a_closed_stdout_ends_quietly,
);

#[test]
fn find_sees_tools_spelled_with_json_escapes_in_a_hand_edited_file() {
    let reg = Reg::with_text(
        "registry.json",
        r#"{"schema": 1, "servers": [
  {"id": "esc", "name": "esc", "transport": {"type": "stdio", "command": "/bin/e"},
   "tools": [{"name": "read\u005ffile"}],
   "registered_at": "2026-11-21T10:00:00Z", "updated_at": "2026-11-21T10:00:00Z"},
  {"id": "plain", "name": "plain", "transport": {"type": "stdio", "command": "/bin/p"},
   "tools": [{"name": "write_file"}],
   "registered_at": "2026-11-21T10:00:00Z", "updated_at": "2026-11-21T10:00:00Z"}
]}"#,
    );
    let found = reg
        .run(&["find", "--tool", "read_file", "--format", "ids"])
        .ok();
    assert_eq!(found.stdout, "esc\n");
    reg.run(&["find", "--tool", "write_file", "--format", "ids"])
        .ok();
}

/// A registry API that cannot be fetched is a runtime failure naming the URL it
/// asked (exit 2, the registry untouched), not a misused `--from`: a port bound but
/// never listening refuses at once, and a server that answers 500 is an HTTP error.
#[test]
fn register_from_a_url_that_cannot_be_fetched_names_the_url() {
    use std::io::{BufRead, BufReader, Write};
    // Bound and held, never listening: every connection is refused while it lives.
    let refusing =
        socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).expect("a socket");
    refusing
        .bind(
            &"127.0.0.1:0"
                .parse::<std::net::SocketAddr>()
                .unwrap()
                .into(),
        )
        .expect("a loopback port");
    let refused = refusing.local_addr().unwrap().as_socket().unwrap();
    let failing = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let erring = failing.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in failing.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            while reader.read_line(&mut line).unwrap_or(0) > 0 && !line.ends_with("\r\n\r\n") {}
            let body = "{\"error\": \"down\"}";
            let _ = write!(
                stream,
                "HTTP/1.1 500 X\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    for (addr, why) in [(refused, "page 1: "), (erring, "page 1: HTTP 500")] {
        let reg = Reg::new();
        let base = format!("http://{addr}");
        let run = reg
            .run(&["register", "--from", &base, "--timeout", "60s"])
            .code(2)
            .stderr_has(&format!("{base}/v0.1/servers: {why}"));
        assert!(
            !run.stderr.contains("--from:"),
            "a fetch failure blamed the flag: {}",
            run.stderr
        );
        assert!(reg.bytes().is_none(), "{base}: the registry was written");
    }
}

/// `export --namespace` is checked only for `--to server-json`, and after "no
/// entry matched": an empty match exits 1 whatever the namespace, a match with a
/// namespace that cannot start a server.json name exits 2 naming the flag.
#[test]
fn export_checks_the_namespace_after_the_match_and_names_the_flag() {
    let reg = Reg::new();
    let export = ["export", "--to", "server-json", "--namespace", "no dots/"];
    reg.run(&export).code(1).stderr_has("no entry matched");
    reg.register("files", &["--", "/bin/mcp-files"]);
    reg.run(&export).code(2).stderr_has("--namespace: ");
    assert!(
        !reg.run(&export).stdout.contains('{'),
        "a refused namespace still wrote server.json"
    );
}
