//! HTTP fake servers: threads of the test process on 127.0.0.1.
//!
//! Minimal HTTP/1.1 by hand: one request per connection (`Connection:
//! close`), request bodies by `Content-Length` only. Every request is logged
//! as "METHOD PATH [json-rpc method or reply id]" for assertions.
#![allow(
    clippy::too_many_lines,
    reason = "a fake's answers are one table of cases, read top to bottom"
)]

use super::brain::{Brain, FakeEra, NEW_VERSION};
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

/// What kind of server to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HttpFake {
    /// A good Streamable HTTP server at `/mcp`. Old era: sessions
    /// (`Mcp-Session-Id`), `MCP-Protocol-Version` checked after
    /// initialization, DELETE ends the session. New era: `MCP-Protocol-Version`
    /// and `Mcp-Method` headers checked on every request. `sse`: answers come
    /// as an SSE stream instead of a JSON body.
    Streamable { era: FakeEra, sse: bool },
    /// A 2024-11-05 server: GET `/sse` gives the event stream whose first
    /// event names `/messages?sessionId=..`; a POST to `/sse` is a 404.
    LegacySse,
    /// Reads the request, never answers.
    NeverAnswers,
    /// Sends headers announcing 1000 bytes, sends 20, then stalls.
    StallMidBody,
    /// Answers with 100 MB of JSON-looking body.
    Huge,
    /// Answers `{this is not json`.
    InvalidJson,
    /// Answers every request with JSON-RPC error -32603 "boom".
    JsonRpcError,
    /// Old-era server answering in SSE streams that first carry a
    /// notification, a `ping` request (id "srv-1") and a response to
    /// someone else's id.
    NoiseFirst,
    /// Answers with an SSE stream of keep-alive comments that never ends.
    EndlessSse,
    /// Answers everything with a 302 to `http://127.0.0.1:9/elsewhere`.
    Redirect,
    /// A new-era server that only speaks a future version: `server/discover`
    /// gets 400 with `UnsupportedProtocolVersionError` (-32022) whose
    /// `data.supported` is `supported`; `initialize` is -32601.
    Unsupported { supported: &'static [&'static str] },
    /// The good old-era JSON server, but every request needs
    /// `Authorization: Bearer secret` (else 401).
    RequireAuth,
}

pub struct FakeHttp {
    pub addr: SocketAddr,
    log: Arc<Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
}

struct Shared {
    kind: HttpFake,
    log: Arc<Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
    sessions: Mutex<HashMap<String, String>>,
    streams: Mutex<HashMap<String, Sender<String>>>,
    counter: AtomicU64,
}

impl FakeHttp {
    pub fn start(kind: HttpFake) -> FakeHttp {
        Self::start_at(kind, "127.0.0.1:0")
    }

    /// The server on a given loopback address, such as `127.83.1.1:0` or
    /// `[::1]:0` (`scan` tests keep their listeners apart this way).
    pub fn start_at(kind: HttpFake, addr: &str) -> FakeHttp {
        let listener = TcpListener::bind(addr).unwrap_or_else(|e| panic!("bind {addr}: {e}"));
        let addr = listener.local_addr().expect("local addr");
        let log = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let shared = Arc::new(Shared {
            kind,
            log: log.clone(),
            stop: stop.clone(),
            sessions: Mutex::new(HashMap::new()),
            streams: Mutex::new(HashMap::new()),
            counter: AtomicU64::new(0),
        });
        thread::spawn(move || {
            for conn in listener.incoming() {
                if shared.stop.load(Ordering::SeqCst) {
                    return;
                }
                let Ok(conn) = conn else { continue };
                let shared = shared.clone();
                thread::spawn(move || handle(conn, &shared));
            }
        });
        FakeHttp { addr, log, stop }
    }

    /// The URL a probe should use: `/sse` for the legacy server, else `/mcp`.
    pub fn url(&self) -> String {
        format!("http://{}/mcp", self.addr)
    }

    pub fn url_path(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// What the server saw so far, one line per request.
    pub fn requests(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }
}

impl Drop for FakeHttp {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_millis(200));
    }
}

struct Request {
    method: String,
    path: String,
    headers: BTreeMap<String, String>,
    body: Vec<u8>,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(&name.to_ascii_lowercase())
            .map(String::as_str)
    }
}

fn read_request(conn: &TcpStream) -> Option<Request> {
    let mut r = BufReader::new(conn.try_clone().ok()?);
    let mut line = String::new();
    r.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_string();
    let path = parts.next()?.to_string();
    let mut headers = BTreeMap::new();
    loop {
        let mut h = String::new();
        if r.read_line(&mut h).ok()? == 0 {
            return None;
        }
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        let (k, v) = h.split_once(':')?;
        headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
    }
    let len: usize = headers
        .get("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; len];
    r.read_exact(&mut body).ok()?;
    Some(Request {
        method,
        path,
        headers,
        body,
    })
}

fn respond(mut conn: &TcpStream, status: &str, headers: &[(&str, String)], body: &[u8]) {
    let mut head = format!(
        "HTTP/1.1 {status}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        let _ = write!(head, "{k}: {v}\r\n");
    }
    head.push_str("\r\n");
    let _ = conn.write_all(head.as_bytes());
    let _ = conn.write_all(body);
    let _ = conn.flush();
}

fn json_reply(conn: &TcpStream, status: &str, headers: &[(&str, String)], v: &Value) {
    let mut h = vec![("Content-Type", "application/json".to_string())];
    h.extend(headers.iter().cloned());
    respond(conn, status, &h, v.to_string().as_bytes());
}

/// Start an SSE response (no length: the stream ends when we close).
fn sse_head(mut conn: &TcpStream, headers: &[(&str, String)]) -> bool {
    let mut head = String::from(
        "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n",
    );
    for (k, v) in headers {
        let _ = write!(head, "{k}: {v}\r\n");
    }
    head.push_str("\r\n");
    conn.write_all(head.as_bytes()).is_ok()
}

fn sse_event(mut conn: &TcpStream, event: Option<&str>, data: &str) -> bool {
    let mut s = String::new();
    if let Some(e) = event {
        let _ = writeln!(s, "event: {e}");
    }
    for line in data.split('\n') {
        let _ = writeln!(s, "data: {line}");
    }
    s.push('\n');
    conn.write_all(s.as_bytes()).is_ok() && conn.flush().is_ok()
}

fn stall(shared: &Shared) {
    while !shared.stop.load(Ordering::SeqCst) {
        thread::sleep(Duration::from_millis(20));
    }
}

fn jsonrpc_error(id: Value, code: i64, message: &str) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}})
}

fn handle(conn: TcpStream, shared: &Shared) {
    let _ = conn.set_read_timeout(Some(Duration::from_secs(10)));
    let Some(req) = read_request(&conn) else {
        return;
    };
    let msg: Value = serde_json::from_slice(&req.body).unwrap_or(Value::Null);
    let rpc_method = msg
        .get("method")
        .and_then(Value::as_str)
        .map(str::to_string);
    let desc = match (&rpc_method, msg.get("id")) {
        (Some(m), _) => m.clone(),
        (None, Some(id)) => format!(
            "reply {}",
            id.as_str().map_or(id.to_string(), str::to_string)
        ),
        (None, None) => String::new(),
    };
    shared.log.lock().unwrap().push(
        format!("{} {} {desc}", req.method, req.path)
            .trim_end()
            .to_string(),
    );
    let id = msg.get("id").cloned().unwrap_or(Value::Null);
    match shared.kind {
        HttpFake::Streamable { era, sse } => streamable(&conn, shared, &req, &msg, era, sse),
        HttpFake::NoiseFirst => streamable(&conn, shared, &req, &msg, FakeEra::Old, true),
        HttpFake::LegacySse => legacy(&conn, shared, &req, &msg),
        HttpFake::NeverAnswers => stall(shared),
        HttpFake::StallMidBody => {
            let mut c = &conn;
            let _ = c.write_all(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"jsonrpc\":\"2.0\",\"id\"",
            );
            let _ = c.flush();
            stall(shared);
        }
        HttpFake::Huge => {
            let mut c = &conn;
            let head =
                "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Type: application/json\r\n\r\n";
            let _ = c.write_all(head.as_bytes());
            let _ = c.write_all(b"{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"pad\":\"");
            let chunk = vec![b'x'; 64 * 1024];
            let mut sent = 0usize;
            while sent < 100 * 1024 * 1024 && !shared.stop.load(Ordering::SeqCst) {
                if c.write_all(&chunk).is_err() {
                    return;
                }
                sent += chunk.len();
            }
            let _ = c.write_all(b"\"}}");
        }
        HttpFake::InvalidJson => respond(
            &conn,
            "200 OK",
            &[("Content-Type", "application/json".into())],
            b"{this is not json",
        ),
        HttpFake::JsonRpcError => {
            json_reply(&conn, "200 OK", &[], &jsonrpc_error(id, -32603, "boom"));
        }
        HttpFake::EndlessSse => {
            if !sse_head(&conn, &[]) {
                return;
            }
            let mut c = &conn;
            while !shared.stop.load(Ordering::SeqCst) {
                if c.write_all(b": keep-alive\n\n")
                    .and_then(|()| c.flush())
                    .is_err()
                {
                    return;
                }
                thread::sleep(Duration::from_millis(50));
            }
        }
        HttpFake::Unsupported { supported } => {
            if msg.get("method").and_then(Value::as_str) == Some("server/discover") {
                let body = json!({"jsonrpc": "2.0", "id": id, "error": {
                    "code": -32022, "message": "Unsupported protocol version",
                    "data": {"supported": supported, "requested": NEW_VERSION}}});
                json_reply(&conn, "400 Bad Request", &[], &body);
            } else {
                json_reply(
                    &conn,
                    "200 OK",
                    &[],
                    &jsonrpc_error(id, -32601, "Method not found"),
                );
            }
        }
        HttpFake::RequireAuth => {
            if req.header("authorization") == Some("Bearer secret") {
                streamable(&conn, shared, &req, &msg, FakeEra::Old, false);
            } else {
                respond(
                    &conn,
                    "401 Unauthorized",
                    &[("WWW-Authenticate", "Bearer".into())],
                    b"",
                );
            }
        }
        HttpFake::Redirect => respond(
            &conn,
            "302 Found",
            &[("Location", "http://127.0.0.1:9/elsewhere".into())],
            b"",
        ),
    }
}

fn streamable(
    conn: &TcpStream,
    shared: &Shared,
    req: &Request,
    msg: &Value,
    era: FakeEra,
    sse: bool,
) {
    if req.path != "/mcp" {
        return respond(conn, "404 Not Found", &[], b"not here");
    }
    let id = msg.get("id").cloned().unwrap_or(Value::Null);
    let session = req.header("mcp-session-id").map(str::to_string);
    match req.method.as_str() {
        "POST" => {}
        "DELETE" => {
            let known = session
                .as_ref()
                .is_some_and(|s| shared.sessions.lock().unwrap().remove(s).is_some());
            return if known {
                respond(conn, "200 OK", &[], b"");
            } else {
                respond(conn, "404 Not Found", &[], b"");
            };
        }
        _ => {
            return respond(
                conn,
                "405 Method Not Allowed",
                &[("Allow", "POST, DELETE".into())],
                b"",
            );
        }
    }
    let accept = req.header("accept").unwrap_or("");
    if !accept.contains("application/json") || !accept.contains("text/event-stream") {
        return json_reply(
            conn,
            "406 Not Acceptable",
            &[],
            &jsonrpc_error(id, -32000, "Not Acceptable"),
        );
    }
    if req.header("content-type") != Some("application/json") {
        return json_reply(
            conn,
            "415 Unsupported Media Type",
            &[],
            &jsonrpc_error(id, -32000, "bad type"),
        );
    }
    let method = msg.get("method").and_then(Value::as_str).unwrap_or("");
    let brain = Brain::new(era);
    let mut extra: Vec<(&str, String)> = Vec::new();
    match era {
        FakeEra::New => {
            if req.header("mcp-protocol-version") != Some(NEW_VERSION) {
                return json_reply(
                    conn,
                    "400 Bad Request",
                    &[],
                    &jsonrpc_error(id, -32000, "Bad Request: Unsupported protocol version"),
                );
            }
            if msg.get("method").is_some() && req.header("mcp-method") != Some(method) {
                return json_reply(
                    conn,
                    "400 Bad Request",
                    &[],
                    &jsonrpc_error(id, -32001, "Mcp-Method header mismatch"),
                );
            }
        }
        FakeEra::Old => {
            if method == "initialize" {
                let n = shared.counter.fetch_add(1, Ordering::SeqCst) + 1;
                let sid = format!("sess-{n}");
                shared
                    .sessions
                    .lock()
                    .unwrap()
                    .insert(sid.clone(), brain.old_version.to_string());
                extra.push(("Mcp-Session-Id", sid));
            } else {
                let version = session
                    .as_ref()
                    .and_then(|s| shared.sessions.lock().unwrap().get(s).cloned());
                let Some(version) = version else {
                    return json_reply(
                        conn,
                        "400 Bad Request",
                        &[],
                        &jsonrpc_error(id, -32000, "Bad Request: No valid session ID provided"),
                    );
                };
                if req.header("mcp-protocol-version") != Some(version.as_str()) {
                    return json_reply(
                        conn,
                        "400 Bad Request",
                        &[],
                        &jsonrpc_error(id, -32000, "Bad Request: Unsupported protocol version"),
                    );
                }
            }
        }
    }
    let Some(answer) = brain.answer(msg) else {
        // A notification or a reply to our ping.
        return respond(conn, "202 Accepted", &[], b"");
    };
    if !sse {
        return json_reply(conn, "200 OK", &extra, &answer);
    }
    if !sse_head(conn, &extra) {
        return;
    }
    if shared.kind == HttpFake::NoiseFirst {
        let noise = [
            json!({"jsonrpc": "2.0", "method": "notifications/message", "params": {"level": "info", "data": "hello"}}),
            json!({"jsonrpc": "2.0", "id": "srv-1", "method": "ping"}),
            json!({"jsonrpc": "2.0", "id": 999, "result": {}}),
        ];
        for n in noise {
            if !sse_event(conn, Some("message"), &n.to_string()) {
                return;
            }
        }
        // An event of another type and a comment, both to be skipped.
        let mut c = conn;
        let _ = c.write_all(b": just a comment\nevent: other\ndata: {\"not\": \"rpc\"}\n\n");
        thread::sleep(Duration::from_millis(20));
    }
    // Multi-line data, to check that lines are joined with \n.
    let pretty = serde_json::to_string_pretty(&answer).unwrap();
    sse_event(conn, Some("message"), &pretty);
}

fn legacy(conn: &TcpStream, shared: &Shared, req: &Request, msg: &Value) {
    match (req.method.as_str(), req.path.as_str()) {
        ("GET", "/sse") => {
            let n = shared.counter.fetch_add(1, Ordering::SeqCst) + 1;
            let sid = format!("legacy-{n}");
            let (tx, rx): (Sender<String>, Receiver<String>) = channel();
            shared.streams.lock().unwrap().insert(sid.clone(), tx);
            if !sse_head(conn, &[])
                || !sse_event(
                    conn,
                    Some("endpoint"),
                    &format!("/messages?sessionId={sid}"),
                )
            {
                return;
            }
            while !shared.stop.load(Ordering::SeqCst) {
                match rx.recv_timeout(Duration::from_millis(20)) {
                    Ok(data) => {
                        if !sse_event(conn, Some("message"), &data) {
                            break;
                        }
                    }
                    Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
                    Err(_) => break,
                }
            }
            shared.streams.lock().unwrap().remove(&sid);
        }
        ("POST", path) if path.starts_with("/messages?sessionId=") => {
            let sid = &path["/messages?sessionId=".len()..];
            let tx = shared.streams.lock().unwrap().get(sid).cloned();
            let Some(tx) = tx else {
                return respond(conn, "404 Not Found", &[], b"unknown session");
            };
            let mut brain = Brain::new(FakeEra::Old);
            brain.old_version = "2024-11-05";
            respond(conn, "202 Accepted", &[], b"Accepted");
            if let Some(answer) = brain.answer(msg) {
                let _ = tx.send(answer.to_string());
            }
        }
        _ => respond(
            conn,
            "404 Not Found",
            &[("Content-Type", "text/html".into())],
            b"<pre>Cannot POST</pre>",
        ),
    }
}
