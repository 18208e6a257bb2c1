//! Real peers: the official reference server `@modelcontextprotocol/server-everything`
//! in its stdio, streamableHttp and sse modes. `scripts/test` installs it into
//! `.peers/`; plain `cargo test` skips these tests with a printed reason when it is
//! absent, unless `MCPREG_REQUIRE_PEERS=1`, where a missing peer fails the run.

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
    skipped(&format!(
        "server-everything needs node and {EVERYTHING} (scripts/test installs both); node found: {node}"
    ))
}

/// Says why a peer test does not run, and returns None; under
/// `MCPREG_REQUIRE_PEERS=1` a missing peer fails the test instead.
pub fn skipped<T>(why: &str) -> Option<T> {
    assert!(
        std::env::var("MCPREG_REQUIRE_PEERS").as_deref() != Ok("1"),
        "MCPREG_REQUIRE_PEERS=1 but {why}"
    );
    eprintln!("skipped: {why}");
    None
}

/// The official Python SDK (`mcp`, pinned in `scripts/test`) in `.peers/py`, and
/// the server built on it, or None (with the reason printed) when it may be
/// skipped.
fn python_sdk() -> Option<(PathBuf, PathBuf)> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let python = root.join(".peers/py/bin/python");
    let server = root.join("tests/data/py_sdk_server.py");
    let ready = Command::new(&python)
        .args(["-c", "import mcp.server.mcpserver"])
        .output()
        .is_ok_and(|o| o.status.success());
    if ready {
        return Some((python, server));
    }
    skipped("the Python MCP SDK needs .peers/py with `mcp` (scripts/test installs it)")
}

/// A peer server on a loopback port, killed when dropped.
struct Node(Child);

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .unwrap()
        .port()
}

fn start(js: &PathBuf, mode: &str) -> (Node, u16) {
    let port = free_port();
    let mut command = Command::new("node");
    command.arg(js).arg(mode).env("PORT", port.to_string());
    (serve(command, port, mode), port)
}

/// The Python SDK server in `mode` (streamable-http or sse) on a free port.
fn start_python(python: &PathBuf, server: &PathBuf, mode: &str) -> (Node, u16) {
    let port = free_port();
    let mut command = Command::new(python);
    command.arg(server).arg(mode).arg(port.to_string());
    (serve(command, port, mode), port)
}

/// Starts a peer server and waits until it listens on `port`.
fn serve(mut command: Command, port: u16, mode: &str) -> Node {
    let child = command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let node = Node(child);
    // Only bounds a hang: a loaded machine takes seconds to start Python or node.
    let deadline = Instant::now() + Duration::from_secs(60);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "the {mode} peer never listened on {port}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    node
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

/// The official Python SDK's `MCPServer` over stdio, Streamable HTTP and SSE: the
/// transport recorded is the one that answered (SSE without `--transport`), the
/// identity of the 2026-07-28 era comes from the result `_meta`, and `health`
/// names a transport that no longer answers.
#[test]
fn python_sdk_servers_are_recorded_as_they_answer_in_both_eras() {
    let Some((python, server)) = python_sdk() else {
        return;
    };
    let reg = Reg::new();
    let (_http, http_port) = start_python(&python, &server, "streamable-http");
    let (_sse, sse_port) = start_python(&python, &server, "sse");
    let http_url = format!("http://127.0.0.1:{http_port}/mcp");
    let sse_url = format!("http://127.0.0.1:{sse_port}/sse");
    let (py, srv) = (python.to_str().unwrap(), server.to_str().unwrap());
    let introspect = |name: &str, target: &[&str]| {
        let mut args = vec![
            "register",
            "--name",
            name,
            "--introspect",
            "--timeout",
            "60s",
        ];
        args.extend_from_slice(target);
        reg.run(&args).ok().stdout.trim().to_owned()
    };
    let cases = [
        (
            introspect("py-stdio", &["--", py, srv]),
            "stdio",
            "2026-07-28",
        ),
        (
            introspect("py-http", &["--url", &http_url]),
            "streamable-http",
            "2026-07-28",
        ),
        (
            introspect("py-sse", &["--url", &sse_url]),
            "sse",
            "2025-11-25",
        ),
    ];
    for (id, kind, version) in &cases {
        let e = reg.entry(id);
        assert_eq!(e["transport"]["type"], *kind, "{id}: {e}");
        assert_eq!(e["health"]["protocol_version"], *version, "{id}");
        assert_eq!(e["health"]["server_info"]["name"], "py-sdk-peer", "{id}");
        assert_eq!(e["health"]["server_info"]["version"], "2.3.0-peer", "{id}");
        assert_eq!(e["version"], "2.3.0-peer", "{id}");
        let tools: Vec<&str> = e["tools"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|t| t["name"].as_str())
            .collect();
        assert_eq!(tools, ["read_text_file", "current_time"], "{id}");
    }
    // The full definitions are kept, and shown for people.
    let stdio_id = &cases[0].0;
    let tool = &reg.entry(stdio_id)["tools"][0];
    assert_eq!(tool["inputSchema"]["required"], serde_json::json!(["path"]));
    assert_eq!(tool["outputSchema"]["type"], "object");
    let shown = reg.run(&["show", stdio_id]).ok().stdout;
    assert!(shown.contains("  path string required"), "{shown}");
    assert!(shown.contains("summarize(text)"), "{shown}");
    let code = reg.run(&["export", "--to", "claude-code"]).ok().json();
    assert_eq!(code["mcpServers"]["py-sse"]["type"], "sse", "{code}");
    assert_eq!(code["mcpServers"]["py-http"]["type"], "http", "{code}");

    // An entry that says streamable-http for the SSE server: health names it.
    let wrong = reg
        .run(&["register", "--name", "wrong", "--url", &sse_url])
        .ok()
        .stdout
        .trim()
        .to_owned();
    let run = reg.run(&["health", "--probe", "--timeout", "60s"]).code(1);
    assert!(run.stdout.contains("3 ok, 1 down"), "{}", run.stdout);
    let e = reg.entry(&wrong);
    assert_eq!(
        e["health"]["error"],
        "answers over sse, registered as streamable-http"
    );
    assert_eq!(e["transport"]["type"], "streamable-http");

    // A scan names what it registers by the server's own name, in both eras.
    let ports = format!("{http_port},{sse_port}");
    reg.run(&[
        "scan",
        "127.0.0.1/32",
        "--ports",
        &ports,
        "--register",
        "--probe-timeout",
        "30s",
    ])
    .ok();
    let scanned = reg
        .run(&["find", "--name", "py-sdk-peer", "--json"])
        .ok()
        .json();
    let kinds: Vec<&str> = scanned
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["transport"]["type"].as_str())
        .collect();
    assert_eq!(kinds.len(), 2, "{scanned}");
    assert!(kinds.contains(&"sse") && kinds.contains(&"streamable-http"));
}

/// `mcpreg run` of the Python SDK's SSE server records sse, not the default.
#[test]
fn run_records_the_python_sdk_sse_server_as_sse() {
    let Some((python, server)) = python_sdk() else {
        return;
    };
    let reg = Reg::new();
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}/sse");
    let mut child = reg
        .cmd(&[
            "run",
            "--name",
            "py-run",
            "--url",
            &url,
            "--startup-timeout",
            "60s",
            "--",
            python.to_str().unwrap(),
            server.to_str().unwrap(),
            "sse",
            &port.to_string(),
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The server's own output shares run's stdout: the id is the line that is one.
    let stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let id = std::io::BufRead::lines(stdout)
        .map_while(Result::ok)
        .find(|line| line.starts_with("py-run-") && !line.contains(' '))
        .unwrap_or_default();
    let entry = (!id.is_empty()).then(|| reg.entry(&id));
    crate::support::kill(&child, libc::SIGTERM);
    let out = child.wait_with_output().unwrap();
    let entry = entry.unwrap_or_else(|| {
        panic!(
            "run registered nothing: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    assert_eq!(entry["transport"]["type"], "sse", "{entry}");
    assert_eq!(entry["health"]["server_info"]["name"], "py-sdk-peer");
    assert!(reg.ids().is_empty(), "run left its entry behind");
}

/// `mcp-server-time` from the Python Package Index, a 2026-07-28 server over stdio: its own name.
#[test]
fn mcp_server_time_is_named_by_its_result_meta() {
    let Some((python, _)) = python_sdk() else {
        return;
    };
    let time = python.with_file_name("mcp-server-time");
    assert!(
        time.exists(),
        "scripts/test installs mcp-server-time beside mcp"
    );
    let reg = Reg::new();
    let id = reg
        .run(&[
            "register",
            "--name",
            "time",
            "--introspect",
            "--timeout",
            "60s",
            "--",
            time.to_str().unwrap(),
        ])
        .ok()
        .stdout
        .trim()
        .to_owned();
    let e = reg.entry(&id);
    assert_eq!(e["health"]["protocol_version"], "2026-07-28");
    assert_eq!(e["health"]["server_info"]["name"], "mcp-time", "{e}");
    assert!(e["tools"].to_string().contains("get_current_time"));
}
