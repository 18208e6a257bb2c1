//! Real peers: the official reference server `@modelcontextprotocol/server-everything`
//! in its stdio, streamableHttp and sse modes. `scripts/test` installs it into
//! `.peers/`; plain `cargo test` skips these tests with a printed reason when it is
//! absent, unless MCPREG_REQUIRE_PEERS=1, where a missing peer fails the run.

use crate::support::Reg;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const EVERYTHING: &str =
    ".peers/node_modules/@modelcontextprotocol/server-everything/dist/index.js";

/// The peer's entry script, or None (with the reason printed) when it may be skipped.
pub fn server_everything() -> Option<PathBuf> {
    let js = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(EVERYTHING);
    let node = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if js.exists() && node {
        return Some(js);
    }
    let why = format!(
        "server-everything needs node and {EVERYTHING} (scripts/test installs both); node found: {node}"
    );
    assert!(
        std::env::var("MCPREG_REQUIRE_PEERS").as_deref() != Ok("1"),
        "MCPREG_REQUIRE_PEERS=1 but {why}"
    );
    eprintln!("skipped: {why}");
    None
}

/// A node server on a loopback port, killed when dropped.
struct Node(Child);

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start(js: &PathBuf, mode: &str) -> (Node, u16) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .unwrap()
        .port();
    let child = Command::new("node")
        .arg(js)
        .arg(mode)
        .env("PORT", port.to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let node = Node(child);
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "node {mode} never listened on {port}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    (node, port)
}

#[test]
fn server_everything_is_introspected_and_healthy_in_all_three_modes() {
    let Some(js) = server_everything() else {
        return;
    };
    let js_arg = js.to_string_lossy().into_owned();
    let reg = Reg::new();
    let (_http, http_port) = start(&js, "streamableHttp");
    let (_sse, sse_port) = start(&js, "sse");
    let http_url = format!("http://127.0.0.1:{http_port}/mcp");
    let sse_url = format!("http://127.0.0.1:{sse_port}/sse");
    let registrations: [Vec<&str>; 3] = [
        vec![
            "register",
            "--name",
            "everything-stdio",
            "--introspect",
            "--timeout",
            "30s",
            "--",
            "node",
            &js_arg,
            "stdio",
        ],
        vec![
            "register",
            "--name",
            "everything-http",
            "--introspect",
            "--timeout",
            "30s",
            "--url",
            &http_url,
        ],
        vec![
            "register",
            "--name",
            "everything-sse",
            "--introspect",
            "--timeout",
            "30s",
            "--url",
            &sse_url,
            "--transport",
            "sse",
        ],
    ];
    let mut ids = vec![];
    for args in &registrations {
        let id = reg.run(args).ok().stdout.trim().to_owned();
        let e = reg.entry(&id);
        let tools: Vec<&str> = e["tools"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|t| t["name"].as_str())
            .collect();
        assert!(
            tools.contains(&"echo"),
            "{id}: introspection missed echo: {tools:?}"
        );
        assert!(
            e["capabilities"]
                .as_array()
                .unwrap()
                .contains(&"tools".into())
        );
        ids.push(id);
    }
    let found = reg.run(&["find", "--tool", "echo", "--format", "ids"]).ok();
    assert_eq!(found.stdout.lines().count(), 3);

    let run = reg.run(&["health", "--probe", "--timeout", "30s"]).ok();
    assert!(
        run.stdout
            .contains("3 total, 3 live, 0 expired, 3 ok, 0 down"),
        "{}",
        run.stdout
    );
    for id in &ids {
        let h = reg.entry(id)["health"].clone();
        assert_eq!(h["status"], "ok", "{id}: {h}");
        assert_eq!(h["server_info"]["name"], "mcp-servers/everything", "{id}");
    }
}
