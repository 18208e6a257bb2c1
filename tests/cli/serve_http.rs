//! `mcpreg serve --http`: the HTTP face spoken to over raw loopback sockets, for
//! the hostile and broken requests no real client sends (the Python SDK's runs
//! over HTTP are in serve.rs, next to its stdio runs).

use crate::support::{HANG, Reg, eventually};
use serde_json::{Value, json};
use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Stdio};

on_both_backends!(own_probe_of_the_http_face_is_ok_in_both_eras,);

/// `mcpreg serve --http 127.0.0.1:0 EXTRA...`, running, and where it listens.
pub struct HttpServe {
    child: Child,
    pub url: String,
    pub addr: SocketAddr,
}

impl HttpServe {
    pub fn start(reg: &Reg, extra: &[&str]) -> HttpServe {
        let mut args = vec!["serve", "--http", "127.0.0.1:0"];
        args.extend_from_slice(extra);
        let mut child = reg
            .cmd(&args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start mcpreg serve --http");
        let mut url = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut url)
            .expect("read the URL serve prints");
        let url = url.trim().to_owned();
        let addr = url
            .strip_prefix("http://")
            .and_then(|rest| rest.strip_suffix("/mcp"))
            .and_then(|a| a.parse().ok())
            .unwrap_or_else(|| panic!("serve printed {url:?}, not its http://ADDR/mcp"));
        HttpServe { child, url, addr }
    }

    /// Sends `request` as it is, then reads the answer until the server closes.
    fn exchange(&self, request: &[u8]) -> Reply {
        let mut stream = self.connect();
        stream.write_all(request).expect("send the request");
        Reply::read(&mut stream)
    }

    fn connect(&self) -> TcpStream {
        let stream = TcpStream::connect(self.addr).expect("connect to serve");
        stream.set_read_timeout(Some(HANG)).expect("read timeout");
        stream
    }

    /// A request without a body: `METHOD PATH` with `headers`.
    fn bodiless(&self, method: &str, path: &str, headers: &[(&str, &str)]) -> Reply {
        let mut request = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n",
            self.addr
        );
        for (name, value) in headers {
            let _ = write!(request, "{name}: {value}\r\n");
        }
        request.push_str("\r\n");
        self.exchange(request.as_bytes())
    }

    /// A POST of `body` to /mcp with the headers every MCP client sends, and
    /// `extra` ones.
    fn post(&self, body: &str, extra: &[(&str, &str)]) -> Reply {
        self.exchange(&post_request(self.addr, body.as_bytes(), extra))
    }

    /// A 2026-07-28 request (stateless: the version in a header and in `_meta`).
    fn modern(&self, id: u64, method: &str, mut params: Value) -> Reply {
        params["_meta"] = json!({
            "io.modelcontextprotocol/protocolVersion": "2026-07-28",
            "io.modelcontextprotocol/clientCapabilities": {},
        });
        let body = json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params});
        let mut headers = vec![
            ("MCP-Protocol-Version", "2026-07-28"),
            ("Mcp-Method", method),
        ];
        let name = params["name"].as_str().unwrap_or_default().to_owned();
        if method == "tools/call" {
            headers.push(("Mcp-Name", &name));
        }
        self.post(&body.to_string(), &headers)
    }

    /// An `initialize` of 2025-11-25: the session id it was given.
    fn session(&self) -> String {
        let init = json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "protocolVersion": "2025-11-25", "capabilities": {},
            "clientInfo": {"name": "test", "version": "1"}}});
        let reply = self.post(&init.to_string(), &[]);
        assert_eq!(reply.status, 200, "{reply:?}");
        assert_eq!(reply.message()["result"]["protocolVersion"], "2025-11-25");
        let session = reply
            .header("mcp-session-id")
            .expect("a session id")
            .to_owned();
        let initialized = r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#;
        let headers = [
            ("Mcp-Session-Id", session.as_str()),
            ("MCP-Protocol-Version", "2025-11-25"),
        ];
        assert_eq!(self.post(initialized, &headers).status, 202);
        session
    }

    /// A request of the 2025 era in `session`.
    fn in_session(&self, session: &str, id: u64, method: &str, params: Value) -> Reply {
        let body = json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params});
        let headers = [
            ("Mcp-Session-Id", session),
            ("MCP-Protocol-Version", "2025-11-25"),
        ];
        self.post(&body.to_string(), &headers)
    }

    /// Still serving: a discover gets its answer.
    fn answers(&self) -> bool {
        let reply = self.modern(99, "server/discover", json!({}));
        reply.status == 200 && reply.message()["result"]["supportedVersions"].is_array()
    }

    /// Sends SIGTERM; the exit code.
    fn terminate(mut self) -> Option<i32> {
        let pid = i32::try_from(self.child.id()).expect("pid");
        // SAFETY: kill(2) of our own child by its pid.
        assert_eq!(unsafe { libc::kill(pid, libc::SIGTERM) }, 0);
        self.child.wait().expect("serve exits").code()
    }
}

impl Drop for HttpServe {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn post_request(addr: SocketAddr, body: &[u8], extra: &[(&str, &str)]) -> Vec<u8> {
    let mut head = format!(
        "POST /mcp HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (name, value) in extra {
        let _ = write!(head, "{name}: {value}\r\n");
    }
    head.push_str("\r\n");
    let mut request = head.into_bytes();
    request.extend_from_slice(body);
    request
}

/// An HTTP answer as the server sent it (chunked bodies put together).
#[derive(Debug)]
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Reply {
    fn read(stream: &mut TcpStream) -> Reply {
        let mut raw = Vec::new();
        // A reset after the answer (the server closing on a body it did not
        // read) ends the read like a close does.
        let _ = stream.read_to_end(&mut raw);
        let text = String::from_utf8_lossy(&raw);
        let (head, body) = text
            .split_once("\r\n\r\n")
            .unwrap_or_else(|| panic!("no HTTP answer: {text:?}"));
        let mut lines = head.lines();
        let status = lines
            .next()
            .and_then(|l| l.split(' ').nth(1))
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("no status line: {head:?}"));
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
            .collect();
        let chunked = headers
            .iter()
            .any(|(k, v)| k == "transfer-encoding" && v.contains("chunked"));
        let body = if chunked {
            dechunk(body)
        } else {
            body.to_owned()
        };
        Reply {
            status,
            headers,
            body,
        }
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The JSON-RPC message of the answer: the body, or the last `data:` line
    /// of an event stream that holds one.
    fn message(&self) -> Value {
        if let Ok(message) = serde_json::from_str(&self.body) {
            return message;
        }
        self.body
            .lines()
            .filter_map(|l| l.strip_prefix("data:"))
            .filter_map(|d| serde_json::from_str::<Value>(d.trim()).ok())
            .next_back()
            .unwrap_or_else(|| panic!("no JSON-RPC message in {self:?}"))
    }
}

fn dechunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let Ok(size) = usize::from_str_radix(size.trim(), 16) else {
            break;
        };
        if size == 0 || rest.len() < size {
            out.push_str(&rest[..size.min(rest.len())]);
            break;
        }
        out.push_str(&rest[..size]);
        body = rest[size..].trim_start_matches("\r\n");
    }
    out
}

fn code_of(reply: &Reply) -> Value {
    reply.message()["error"]["code"].clone()
}

/// A registry with one stdio server of two tools.
fn one_server(reg: &Reg) -> String {
    reg.register(
        "files",
        &[
            "--tool",
            "read_file=Read a text file",
            "--tool",
            "list_dir=List a folder",
            "--",
            "/usr/bin/true",
        ],
    )
}

#[test]
fn bad_bodies_get_the_json_rpc_error_of_their_kind_in_both_eras() {
    let reg = Reg::new();
    let id = one_server(&reg);
    let serve = HttpServe::start(&reg, &[]);

    let not_json = serve.post("{this is not json", &[]);
    assert_eq!((not_json.status, code_of(&not_json)), (400, json!(-32700)));
    assert_eq!(not_json.message()["id"], Value::Null);
    let shape = serve.post(r#"{"jsonrpc":"2.0","id":7}"#, &[]);
    assert_eq!((shape.status, code_of(&shape)), (400, json!(-32600)));
    assert_eq!(shape.message()["id"], 7);
    let array = serve.post("[1, 2, 3]", &[]);
    assert_eq!(code_of(&array), json!(-32600), "{array:?}");

    // 2026-07-28, stateless.
    let unknown = serve.modern(2, "no/such/method", json!({}));
    assert_eq!(code_of(&unknown), json!(-32601), "{unknown:?}");
    let no_tool = serve.modern(3, "tools/call", json!({"name": "rm_rf", "arguments": {}}));
    assert_eq!(code_of(&no_tool), json!(-32602), "{no_tool:?}");
    let no_name = serve.modern(4, "tools/call", json!({"arguments": {}}));
    assert_eq!(code_of(&no_name), json!(-32602), "{no_name:?}");
    let bad_args = serve.modern(
        5,
        "tools/call",
        json!({"name": "get_server", "arguments": {"id": 5}}),
    );
    assert_eq!(
        bad_args.message()["result"]["isError"],
        true,
        "{bad_args:?}"
    );
    let good = serve.modern(
        6,
        "tools/call",
        json!({"name": "get_server", "arguments": {"id": id}}),
    );
    assert_eq!(
        good.message()["result"]["structuredContent"]["server"]["id"],
        id.as_str(),
        "{good:?}"
    );

    // 2025-11-25, in a session.
    let session = serve.session();
    let unknown = serve.in_session(&session, 2, "no/such/method", json!({}));
    assert_eq!(code_of(&unknown), json!(-32601), "{unknown:?}");
    let no_tool = serve.in_session(&session, 3, "tools/call", json!({"name": "rm_rf"}));
    assert_eq!(code_of(&no_tool), json!(-32602), "{no_tool:?}");
    let no_name = serve.in_session(&session, 4, "tools/call", json!({}));
    assert_eq!(code_of(&no_name), json!(-32602), "{no_name:?}");
    let bad_args = serve.in_session(
        &session,
        5,
        "tools/call",
        json!({"name": "find_servers", "arguments": {"filters": {"colour": "blue"}}}),
    );
    assert_eq!(
        bad_args.message()["result"]["isError"],
        true,
        "{bad_args:?}"
    );
    let listed = serve.in_session(&session, 6, "tools/list", json!({}));
    assert_eq!(
        listed.message()["result"]["tools"].as_array().map(Vec::len),
        Some(4),
        "{listed:?}"
    );
    // DELETE ends the session.
    let end = serve.bodiless(
        "DELETE",
        "/mcp",
        &[
            ("Mcp-Session-Id", session.as_str()),
            ("MCP-Protocol-Version", "2025-11-25"),
        ],
    );
    assert_eq!(end.status, 204, "{end:?}");
    let gone = serve.in_session(&session, 7, "tools/list", json!({}));
    assert_eq!(gone.status, 404, "{gone:?}");

    let elsewhere = serve.bodiless("GET", "/nope", &[]);
    assert_eq!(elsewhere.status, 404);
    assert!(serve.answers());
    assert_eq!(serve.terminate(), Some(0), "SIGTERM ends it with 0");
}

#[test]
fn oversized_and_endless_bodies_get_413_and_the_server_goes_on() {
    let reg = Reg::new();
    one_server(&reg);
    let serve = HttpServe::start(&reg, &[]);
    let one_mib = 1 << 20;

    // Declared too long: refused before a byte of the body is read.
    let mut stream = serve.connect();
    let head = format!(
        "POST /mcp HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\nContent-Length: {}\r\n\r\n",
        serve.addr,
        2 * one_mib
    );
    stream.write_all(head.as_bytes()).expect("send");
    assert_eq!(Reply::read(&mut stream).status, 413);

    // Exactly 1 MiB is read (and is no JSON); one byte more is too long.
    let at_cap = format!("\"{}\"", "a".repeat(one_mib - 2));
    assert_eq!(serve.post(&at_cap, &[]).status, 400);
    let over = format!("\"{}\"", "a".repeat(one_mib - 1));
    assert_eq!(serve.post(&over, &[]).status, 413);

    // Chunked and endless: the answer comes while the client still sends.
    let mut stream = serve.connect();
    let head = format!(
        "POST /mcp HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n",
        serve.addr
    );
    stream.write_all(head.as_bytes()).expect("send");
    let mut sender = stream.try_clone().expect("clone the socket");
    let sending = std::thread::spawn(move || {
        let chunk = format!("4000\r\n{}\r\n", "a".repeat(0x4000));
        let mut sent = 0usize;
        while sender.write_all(chunk.as_bytes()).is_ok() {
            sent += chunk.len();
        }
        sent
    });
    assert_eq!(Reply::read(&mut stream).status, 413);
    let sent = sending
        .join()
        .expect("the sender ends when the server closes");
    assert!(sent > one_mib, "sent {sent} bytes");

    assert!(serve.answers(), "still serving after the big bodies");
    assert_eq!(serve.terminate(), Some(0));
}

#[test]
fn a_token_is_required_once_given() {
    let reg = Reg::new();
    one_server(&reg);
    let token_file = reg.folder().join("token");
    std::fs::write(&token_file, "s3cret-Token_42\n").expect("write the token");
    let token = token_file.to_str().expect("a UTF-8 path");
    let serve = HttpServe::start(&reg, &["--token", token]);
    let discover = |extra: &[(&str, &str)]| {
        let body = json!({"jsonrpc": "2.0", "id": 1, "method": "server/discover", "params": {"_meta": {
            "io.modelcontextprotocol/protocolVersion": "2026-07-28",
            "io.modelcontextprotocol/clientCapabilities": {}}}});
        let mut headers = vec![
            ("MCP-Protocol-Version", "2026-07-28"),
            ("Mcp-Method", "server/discover"),
        ];
        headers.extend_from_slice(extra);
        serve.post(&body.to_string(), &headers)
    };
    for wrong in [
        None,
        Some("Bearer s3cret-Token_4"),
        Some("Bearer s3cret-Token_42x"),
        Some("Basic s3cret-Token_42"),
        Some("s3cret-Token_42"),
    ] {
        let extra: Vec<(&str, &str)> = wrong.iter().map(|w| ("Authorization", *w)).collect();
        let reply = discover(&extra);
        assert_eq!(reply.status, 401, "{wrong:?}: {reply:?}");
        assert_eq!(
            reply.header("www-authenticate"),
            Some("Bearer realm=\"mcpreg\"")
        );
        assert!(!reply.body.contains("s3cret"), "{reply:?}");
    }
    let reply = discover(&[("Authorization", "Bearer s3cret-Token_42")]);
    assert_eq!(reply.status, 200, "{reply:?}");
    // Every path of the listener is behind the token.
    let other = serve.bodiless("GET", "/v0.1/servers", &[]);
    assert_eq!(other.status, 401);
    assert_eq!(serve.terminate(), Some(0));

    // A token file must be a regular file holding one token.
    let folder = reg.folder().to_str().expect("a UTF-8 path").to_owned();
    let empty = reg.folder().join("empty");
    std::fs::write(&empty, "  \n").expect("write");
    let spaced = reg.folder().join("spaced");
    std::fs::write(&spaced, "two words").expect("write");
    let fifo = reg.folder().join("fifo");
    let c_path = std::ffi::CString::new(fifo.to_str().expect("utf-8")).expect("no NUL");
    // SAFETY: mkfifo(3) on a path of our own temporary folder.
    assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) }, 0);
    for bad in [
        folder.as_str(),
        empty.to_str().expect("utf-8"),
        spaced.to_str().expect("utf-8"),
        fifo.to_str().expect("utf-8"),
        "/nonexistent/token",
    ] {
        reg.run(&["serve", "--http", "127.0.0.1:0", "--token", bad])
            .code(2)
            .stderr_has("--token");
    }
}

#[test]
fn the_python_sdk_client_brings_the_token_in_both_eras() {
    let Some(python) = crate::serve::python() else {
        return;
    };
    let reg = Reg::new();
    let (files, _) = crate::serve::two_servers(&reg);
    let token_file = reg.folder().join("token");
    std::fs::write(&token_file, "py-t0ken\n").expect("write the token");
    let serve = HttpServe::start(&reg, &["--token", token_file.to_str().expect("utf-8")]);
    let script =
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/py_sdk_client.py");
    let client = |mode: &str, token: &str| {
        std::process::Command::new(&python)
            .env("MCPREG_TEST_TOKEN", token)
            .arg(&script)
            .args([mode, serve.url.as_str(), reg.location(), &files])
            .output()
            .expect("run the Python client")
    };
    for (mode, version) in [("auto", "2026-07-28"), ("legacy", "2025-11-25")] {
        let out = client(mode, "py-t0ken");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{mode}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let got: Value = serde_json::from_str(&stdout).expect("the client prints JSON");
        assert_eq!(got["protocol_version"], version, "{mode}");
        assert_eq!(
            got["calls"]["get_server"]["structured"]["server"]["id"],
            files.as_str()
        );
        let refused = client(mode, "not-the-t0ken");
        assert!(!refused.status.success(), "{mode}: served a wrong token");
    }
}

#[test]
fn a_bad_host_or_origin_gets_403() {
    let reg = Reg::new();
    one_server(&reg);
    let serve = HttpServe::start(&reg, &["--allow-host", "registry.test"]);
    let discover = |host: &str, origin: Option<&str>| {
        let body =
            json!({"jsonrpc": "2.0", "id": 1, "method": "server/discover", "params": {"_meta": {
            "io.modelcontextprotocol/protocolVersion": "2026-07-28",
            "io.modelcontextprotocol/clientCapabilities": {}}}})
            .to_string();
        let mut request = format!(
            "POST /mcp HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\nMCP-Protocol-Version: 2026-07-28\r\nMcp-Method: server/discover\r\nContent-Length: {}\r\nConnection: close\r\n",
            body.len()
        );
        if let Some(origin) = origin {
            let _ = write!(request, "Origin: {origin}\r\n");
        }
        request.push_str("\r\n");
        request.push_str(&body);
        serve.exchange(request.as_bytes()).status
    };
    let port = serve.addr.port();
    let here = format!("127.0.0.1:{port}");
    for (host, origin, status) in [
        (here.as_str(), None, 200),
        (&format!("localhost:{port}"), None, 200),
        ("registry.test", None, 200),
        ("evil.example", None, 403),
        (&format!("evil.example:{port}"), None, 403),
        ("127.0.0.1.evil.example", None, 403),
        (here.as_str(), Some("http://localhost:3000"), 200),
        (here.as_str(), Some("http://registry.test"), 200),
        (here.as_str(), Some("https://evil.example"), 403),
        (here.as_str(), Some("http://192.0.2.7"), 403),
        (here.as_str(), Some("null"), 403),
    ] {
        assert_eq!(
            discover(host, origin),
            status,
            "Host {host}, Origin {origin:?}"
        );
    }
    assert_eq!(serve.terminate(), Some(0));
}

#[test]
fn a_non_loopback_address_needs_a_token_or_no_auth() {
    // Refused before anything is bound: no traffic leaves loopback.
    let reg = Reg::new();
    for addr in ["0.0.0.0:7333", "[::]:7333", "192.0.2.1:7333"] {
        reg.run(&["serve", "--http", addr])
            .code(2)
            .stderr_has("--token")
            .stderr_has("--no-auth");
    }
    for bad in [
        "localhost",
        "127.0.0.1",
        "127.0.0.1:99999",
        "http://127.0.0.1:1/mcp",
    ] {
        reg.run(&["serve", "--http", bad])
            .code(2)
            .stderr_has("--http");
    }
    let token = reg.folder().join("token");
    std::fs::write(&token, "t0ken").expect("write");
    let token = token.to_str().expect("utf-8");
    reg.run(&[
        "serve",
        "--http",
        "0.0.0.0:7333",
        "--token",
        token,
        "--no-auth",
    ])
    .code(2);
    reg.run(&["serve", "--token", token]).code(2);
    reg.run(&["serve", "--no-auth"]).code(2);
    // The environment says the same as the flags.
    let refused = reg
        .cmd(&["serve"])
        .env("MCPREG_SERVE_HTTP", "0.0.0.0:7333")
        .output()
        .expect("run serve");
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--no-auth"));
}

#[test]
fn a_client_that_disconnects_mid_stream_does_no_harm() {
    let reg = Reg::new();
    one_server(&reg);
    let serve = HttpServe::start(&reg, &[]);
    let session = serve.session();
    for _ in 0..3 {
        // The session's event stream, dropped once it has begun.
        let mut stream = serve.connect();
        let get = format!(
            "GET /mcp HTTP/1.1\r\nHost: {}\r\nAccept: text/event-stream\r\nMcp-Session-Id: {session}\r\nMCP-Protocol-Version: 2025-11-25\r\n\r\n",
            serve.addr
        );
        stream.write_all(get.as_bytes()).expect("send");
        let mut first = [0u8; 12];
        stream.read_exact(&mut first).expect("the stream begins");
        assert_eq!(&first, b"HTTP/1.1 200");
        drop(stream);

        // A 2026 subscription, dropped the same way.
        let listen = json!({"jsonrpc": "2.0", "id": 3, "method": "subscriptions/listen", "params": {
            "notifications": {"resourcesListChanged": true},
            "_meta": {"io.modelcontextprotocol/protocolVersion": "2026-07-28",
                      "io.modelcontextprotocol/clientCapabilities": {}}}});
        let mut stream = serve.connect();
        let request = post_request(
            serve.addr,
            listen.to_string().as_bytes(),
            &[
                ("MCP-Protocol-Version", "2026-07-28"),
                ("Mcp-Method", "subscriptions/listen"),
            ],
        );
        stream.write_all(&request).expect("send");
        let mut first = [0u8; 12];
        stream.read_exact(&mut first).expect("the stream begins");
        assert_eq!(&first, b"HTTP/1.1 200", "{listen}");
        drop(stream);

        // Half a request, then gone.
        let request = post_request(
            serve.addr,
            br#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#,
            &[],
        );
        let mut stream = serve.connect();
        stream
            .write_all(&request[..request.len() - 10])
            .expect("send");
        drop(stream);
    }
    // A change reaches the session still there, and everyone is answered.
    reg.register("late", &["--tool", "later=Come later"]);
    eventually("the new entry reaches the session", || {
        let found = serve.in_session(
            &session,
            9,
            "tools/call",
            json!({"name": "find_servers", "arguments": {"filters": {"name": "late"}}}),
        );
        found.message()["result"]["structuredContent"]["servers"]
            .as_array()
            .is_some_and(|s| s.len() == 1)
    });
    assert!(serve.answers());
    assert_eq!(serve.terminate(), Some(0));
}

#[test]
fn connections_beyond_the_bound_get_503() {
    let reg = Reg::new();
    let serve = HttpServe::start(&reg, &["--max-connections", "1"]);
    // A client that connects and says nothing holds the one connection (for
    // the default 30 s a client may take to send its request).
    let idle = serve.connect();
    let busy = serve.post(r#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#, &[]);
    assert_eq!(busy.status, 503, "{busy:?}");
    assert_eq!(busy.header("retry-after"), Some("1"));
    drop(idle);
    eventually("the connection is free again", || serve.answers());
    assert_eq!(serve.terminate(), Some(0));
}

#[test]
fn sessions_are_bounded() {
    let reg = Reg::new();
    let serve = HttpServe::start(&reg, &[]);
    let init = json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-11-25", "capabilities": {},
        "clientInfo": {"name": "test", "version": "1"}}})
    .to_string();
    // The server's MAX_SESSIONS.
    let sessions: Vec<String> = (0..1024)
        .map(|n| {
            let reply = serve.post(&init, &[]);
            assert_eq!(reply.status, 200, "session {n}: {reply:?}");
            reply
                .header("mcp-session-id")
                .expect("a session id")
                .to_owned()
        })
        .collect();
    let refused = serve.post(&init, &[]);
    assert_eq!(refused.status, 503, "{refused:?}");
    assert_eq!(refused.header("retry-after"), Some("1"));
    // The new era has no sessions: it is served all the same.
    assert!(serve.answers());
    let end = serve.bodiless("DELETE", "/mcp", &[("Mcp-Session-Id", &sessions[0])]);
    assert_eq!(end.status, 204);
    eventually("an ended session makes room", || {
        serve.post(&init, &[]).status == 200
    });
    assert_eq!(serve.terminate(), Some(0));
}

#[test]
fn slow_clients_are_disconnected() {
    // Answers of several MiB, so that a client that does not read stalls the
    // server's writes.
    let mut reg = Reg::new();
    let description = "d".repeat(60 * 1024);
    let servers: Vec<Value> = (0..120)
        .map(|i| {
            json!({"id": format!("big-{i:06x}"), "name": "big", "description": description,
                   "transport": {"type": "stdio", "command": "/usr/bin/true", "args": [], "env": {}},
                   "tools": [], "registered_at": "2026-01-01T00:00:00Z",
                   "updated_at": "2026-01-01T00:00:00Z"})
        })
        .collect();
    let big = reg.folder().join("big.json");
    std::fs::write(&big, json!({"schema": 1, "servers": servers}).to_string())
        .expect("write the registry");
    reg.set_location(big.to_str().expect("utf-8").to_owned());
    // One connection at a time: the next client is served only once the slow
    // one is gone.
    let serve = HttpServe::start(&reg, &["--max-connections", "1", "--client-timeout", "1s"]);
    let find_all = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {
        "name": "find_servers", "arguments": {"filters": {"limit": 1000}},
        "_meta": {"io.modelcontextprotocol/protocolVersion": "2026-07-28",
                  "io.modelcontextprotocol/clientCapabilities": {}}}})
    .to_string();
    let headers = [
        ("MCP-Protocol-Version", "2026-07-28"),
        ("Mcp-Method", "tools/call"),
        ("Mcp-Name", "find_servers"),
    ];
    let whole = serve.post(&find_all, &headers);
    assert_eq!(
        whole.status,
        200,
        "{}",
        &whole.body[..whole.body.len().min(300)]
    );
    assert!(whole.body.len() > 4 << 20, "{} bytes", whole.body.len());

    // Asks for the big answer and never reads it.
    let socket =
        socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).expect("a socket");
    socket.set_recv_buffer_size(4096).expect("a small buffer");
    socket.connect(&serve.addr.into()).expect("connect");
    let mut staller: TcpStream = socket.into();
    staller.set_read_timeout(Some(HANG)).expect("read timeout");
    staller
        .write_all(&post_request(serve.addr, find_all.as_bytes(), &headers))
        .expect("send");
    eventually(
        "the stalled client is dropped and the next one served",
        || serve.answers(),
    );
    let mut got = Vec::new();
    let _ = staller.read_to_end(&mut got);
    assert!(got.len() < whole.body.len(), "the staller got everything");

    // Slow to send its headers: dropped without an answer.
    let mut slow = serve.connect();
    slow.write_all(b"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        .expect("send");
    let mut rest = Vec::new();
    let _ = slow.read_to_end(&mut rest);
    assert!(
        rest.is_empty() || rest.starts_with(b"HTTP/1.1 408"),
        "{rest:?}"
    );
    // Slow to send its body: 408.
    let mut slow = serve.connect();
    let partial = post_request(serve.addr, find_all.as_bytes(), &headers);
    slow.write_all(&partial[..partial.len() - 5]).expect("send");
    assert_eq!(Reply::read(&mut slow).status, 408);
    assert!(serve.answers());
    assert_eq!(serve.terminate(), Some(0));
}

#[test]
fn sigint_ends_it_with_0() {
    let reg = Reg::new();
    let serve = HttpServe::start(&reg, &[]);
    assert!(serve.answers());
    let mut serve = serve;
    let pid = i32::try_from(serve.child.id()).expect("pid");
    // SAFETY: kill(2) of our own child by its pid.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGINT) }, 0);
    assert_eq!(serve.child.wait().expect("serve exits").code(), Some(0));
}

/// A loopback proxy in front of `serve --http` that makes it look like a
/// server of the 2025 era: `server/discover` gets -32601, as such a server
/// answers it; every other request goes through, one connection each.
struct OldEraProxy {
    addr: SocketAddr,
}

impl OldEraProxy {
    fn start(upstream: SocketAddr) -> OldEraProxy {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind the proxy");
        let addr = listener.local_addr().expect("the proxy's address");
        std::thread::spawn(move || {
            for client in listener.incoming().map_while(Result::ok) {
                std::thread::spawn(move || Self::relay(client, upstream));
            }
        });
        OldEraProxy { addr }
    }

    fn relay(mut client: TcpStream, upstream: SocketAddr) {
        let _ = client.set_read_timeout(Some(HANG));
        let mut reader = BufReader::new(client.try_clone().expect("clone"));
        let mut head = Vec::new();
        let mut length = 0usize;
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            if line == "\r\n" {
                break;
            }
            let lower = line.to_ascii_lowercase();
            if let Some(n) = lower.strip_prefix("content-length:") {
                length = n.trim().parse().unwrap_or(0);
            }
            if !lower.starts_with("connection:") {
                head.push(line);
            }
        }
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        if String::from_utf8_lossy(&body).contains("\"server/discover\"") {
            let id =
                serde_json::from_slice::<Value>(&body).map_or(Value::Null, |m| m["id"].clone());
            let error = json!({"jsonrpc": "2.0", "id": id,
                               "error": {"code": -32601, "message": "Method not found"}})
            .to_string();
            let answer = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{error}",
                error.len()
            );
            let _ = client.write_all(answer.as_bytes());
            return;
        }
        let Ok(mut server) = TcpStream::connect(upstream) else {
            return;
        };
        let mut request = head.concat();
        request.push_str("Connection: close\r\n\r\n");
        let mut request = request.into_bytes();
        request.extend_from_slice(&body);
        if server.write_all(&request).is_ok() {
            let _ = std::io::copy(&mut server, &mut client);
        }
    }
}

/// `register --introspect` and `health --probe` of the HTTP face: directly
/// (the probe's first choice, 2026-07-28), and through the proxy that makes it
/// look like a server of the 2025 era (the probe falls back to `initialize`).
fn own_probe_of_the_http_face_is_ok_in_both_eras(reg: &Reg) {
    let serve = HttpServe::start(reg, &[]);
    let proxy = OldEraProxy::start(serve.addr);
    let old = format!("http://{}/mcp", proxy.addr);
    for (name, url, version) in [
        ("registry", serve.url.as_str(), "2026-07-28"),
        ("registry-2025", old.as_str(), "2025-11-25"),
    ] {
        let id = reg
            .run(&["register", "--introspect", "--name", name, "--url", url])
            .ok()
            .stdout
            .trim()
            .to_owned();
        let entry = reg.entry(&id);
        let tools: Vec<&str> = entry["tools"]
            .as_array()
            .expect("tools")
            .iter()
            .filter_map(|t| t["name"].as_str())
            .collect();
        assert_eq!(tools, crate::serve::FOUR_TOOLS, "{name}");
        reg.run(&["health", "--probe", &id, "--json"]).ok();
        let health = &reg.entry(&id)["health"];
        assert_eq!(health["status"], "ok", "{name}: {health}");
        assert_eq!(health["protocol_version"], version, "{name}: {health}");
    }
    assert_eq!(serve.terminate(), Some(0));
}
