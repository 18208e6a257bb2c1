//! HTTP transports over blocking `ureq`: Streamable HTTP and legacy HTTP+SSE.
//!
//! **Streamable HTTP** (2025-03-26 and later): every message is a POST with
//! `Content-Type: application/json` and
//! `Accept: application/json, text/event-stream`. The answer to a request is
//! either one JSON body or an SSE stream in which the server may first send
//! notifications and requests of its own; we read events until the response
//! with our id arrives and skip the rest (server requests are answered as on
//! stdio: `ping` with `{}`, anything else with -32601, each answer POSTed
//! back, best effort). The `Mcp-Session-Id` of the `initialize` reply is
//! echoed on every later request and the session is DELETEd at the end (best
//! effort, at most one second). Once a version is settled it is sent as
//! `MCP-Protocol-Version`; in the new era every request also carries
//! `Mcp-Method`.
//!
//! **Legacy HTTP+SSE** (2024-11-05): GET the URL with
//! `Accept: text/event-stream`; the first event, `endpoint`, names the URL to
//! POST to (relative or absolute, but it must stay on the same origin: a
//! server does not get to point our POSTs at another host); answers arrive as
//! `message` events on the GET stream, which a reader thread feeds into a
//! channel so that each wait has a deadline. The reader thread ends when the
//! stream ends or, at the latest, at the probe's deadline (the GET carries
//! it as ureq's global timeout); a probe that finishes early leaves it
//! blocked until then, holding one idle connection.
//!
//! Common rules: redirects are never followed (an error names the status and
//! Location); no proxy from the environment is used (a probe talks to the
//! address it was given); every request gets ureq's global timeout set to
//! what is left of the probe; every body byte is charged to the probe's
//! byte budget.

use super::jsonrpc::{self, Id, Incoming, RpcError};
use super::probe::{Budget, Transport};
use super::sse::{Decoder, Event, SseError};
use super::{Era, ProbeError, io_reason};
use serde_json::Value;
use std::collections::BTreeMap;
use std::io::{self, BufReader, Read};
use std::sync::mpsc::{Receiver, RecvTimeoutError, sync_channel};
use std::thread;
use std::time::{Duration, Instant};
use ureq::http::{Response, Uri};
use ureq::{Agent, Body};

const ACCEPT_BOTH: &str = "application/json, text/event-stream";

/// What every HTTP exchange of one probe shares.
#[derive(Clone)]
pub(crate) struct Client {
    agent: Agent,
    url: String,
    uri: Uri,
    headers: BTreeMap<String, String>,
    timeout: Duration,
    budget: Budget,
}

impl Client {
    pub(crate) fn new(
        url: &str,
        headers: &BTreeMap<String, String>,
        timeout: Duration,
        budget: &Budget,
    ) -> Result<Self, ProbeError> {
        let uri: Uri =
            url.parse()
                .map_err(|e: ureq::http::uri::InvalidUri| ProbeError::BadUrl {
                    url: url.to_string(),
                    reason: e.to_string(),
                })?;
        match uri.scheme_str() {
            Some("http") | Some("https") => {}
            _ => {
                return Err(ProbeError::BadUrl {
                    url: url.to_string(),
                    reason: "the scheme must be http or https".into(),
                });
            }
        }
        if uri.host().is_none_or(str::is_empty) {
            return Err(ProbeError::BadUrl {
                url: url.to_string(),
                reason: "no host".into(),
            });
        }
        let agent: Agent = crate::http_agent::agent(
            ureq::Agent::config_builder()
                .http_status_as_error(false)
                .max_redirects(0)
                .proxy(None)
                .user_agent(format!("mcpreg/{}", env!("CARGO_PKG_VERSION")))
                .build(),
        );
        Ok(Client {
            agent,
            url: url.to_string(),
            uri,
            headers: headers.clone(),
            timeout,
            budget: budget.clone(),
        })
    }

    fn timeout_error(&self, waiting_for: &str) -> ProbeError {
        ProbeError::Timeout {
            after: self.timeout,
            waiting_for: waiting_for.to_string(),
        }
    }

    fn host(&self) -> String {
        self.uri.host().unwrap_or_default().to_string()
    }

    /// Map a ureq error of an exchange about `waiting_for`.
    fn map_error(&self, e: ureq::Error, waiting_for: &str, url: &str) -> ProbeError {
        if self.budget.exceeded() {
            return ProbeError::TooLarge {
                limit: self.budget.limit(),
            };
        }
        match e {
            ureq::Error::Timeout(_) => self.timeout_error(waiting_for),
            ureq::Error::Io(io) => self.map_io(&io, waiting_for),
            ureq::Error::HostNotFound => ProbeError::HostNotFound(self.host()),
            ureq::Error::BadUri(reason) => ProbeError::BadUrl {
                url: url.to_string(),
                reason,
            },
            ureq::Error::ConnectionFailed => ProbeError::Io("connection failed".into()),
            ureq::Error::Tls(reason) => ProbeError::Tls(reason.to_string()),
            ureq::Error::BodyExceedsLimit(_) => ProbeError::TooLarge {
                limit: self.budget.limit(),
            },
            ureq::Error::Protocol(e) => ProbeError::Http(format!("invalid HTTP response: {e}")),
            other => ProbeError::Http(other.to_string()),
        }
    }

    fn map_io(&self, io: &io::Error, waiting_for: &str) -> ProbeError {
        match io.kind() {
            io::ErrorKind::ConnectionRefused => ProbeError::ConnectionRefused,
            io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => self.timeout_error(waiting_for),
            io::ErrorKind::UnexpectedEof
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::BrokenPipe => ProbeError::Closed {
                what: "the connection".into(),
                waiting_for: waiting_for.to_string(),
            },
            _ => ProbeError::Io(io_reason(io)),
        }
    }

    /// An error while reading a body (through [`Capped`]).
    fn map_read_error(&self, e: io::Error, waiting_for: &str, url: &str) -> ProbeError {
        self.map_error(ureq::Error::from(e), waiting_for, url)
    }

    fn remaining(&self, deadline: Instant, waiting_for: &str) -> Result<Duration, ProbeError> {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            Err(self.timeout_error(waiting_for))
        } else {
            Ok(left)
        }
    }

    /// POST a JSON-RPC message; the response is checked for redirects only.
    fn post(
        &self,
        url: &str,
        msg: &Value,
        extra: &[(&str, String)],
        accept: &str,
        deadline: Instant,
        waiting_for: &str,
    ) -> Result<Response<Body>, ProbeError> {
        let left = self.remaining(deadline, waiting_for)?;
        let mut req = self
            .agent
            .post(url)
            .config()
            .timeout_global(Some(left))
            .build()
            .header("Content-Type", "application/json")
            .header("Accept", accept);
        for (k, v) in &self.headers {
            req = req.header(k.as_str(), v.as_str());
        }
        for (k, v) in extra {
            req = req.header(*k, v.as_str());
        }
        let body = serde_json::to_vec(msg).expect("a JSON value serializes");
        let resp = req
            .send(&body[..])
            .map_err(|e| self.map_error(e, waiting_for, url))?;
        check_redirect(&resp)?;
        Ok(resp)
    }

    /// The body as a reader charged to the byte budget.
    fn reader(&self, resp: Response<Body>) -> Capped<impl Read + Send + 'static> {
        Capped {
            inner: resp.into_body().into_reader(),
            budget: self.budget.clone(),
        }
    }

    /// Read a whole (capped) body.
    fn read_body(
        &self,
        resp: Response<Body>,
        waiting_for: &str,
        url: &str,
    ) -> Result<Vec<u8>, ProbeError> {
        let mut out = Vec::new();
        self.reader(resp)
            .read_to_end(&mut out)
            .map_err(|e| self.map_read_error(e, waiting_for, url))?;
        Ok(out)
    }

    /// An HTTP status that is neither 2xx nor 3xx: a JSON-RPC error in the
    /// body if there is one (a JSON-RPC error is that, whatever the status),
    /// else an HTTP error.
    fn failure(
        &self,
        resp: Response<Body>,
        method: &str,
        url: &str,
    ) -> Result<RpcError, ProbeError> {
        let status = resp.status();
        let is_json = media_type(&resp) == "application/json";
        let http_error = ProbeError::HttpStatus {
            status: status.as_u16(),
            reason: status.canonical_reason().unwrap_or("").to_string(),
            method: method.to_string(),
            url: url.to_string(),
        };
        if !is_json {
            return Err(http_error);
        }
        let mut body = Vec::new();
        let mut r = self.reader(resp).take(64 * 1024);
        if r.read_to_end(&mut body).is_err() {
            if self.budget.exceeded() {
                return Err(ProbeError::TooLarge {
                    limit: self.budget.limit(),
                });
            }
            return Err(http_error);
        }
        match jsonrpc::parse(&body) {
            Ok(msgs) => msgs
                .into_iter()
                .find_map(|m| match m {
                    Incoming::Response {
                        outcome: Err(e), ..
                    } => Some(e),
                    _ => None,
                })
                .ok_or(http_error),
            Err(_) => Err(http_error),
        }
    }
}

fn check_redirect(resp: &Response<Body>) -> Result<(), ProbeError> {
    let status = resp.status().as_u16();
    if (300..400).contains(&status) {
        let location = resp
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("(no Location header)")
            .to_string();
        return Err(ProbeError::Redirect { status, location });
    }
    Ok(())
}

/// The media type of the response, lower-case, without parameters.
fn media_type(resp: &Response<Body>) -> String {
    resp.headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default()
}

/// A reader that charges every byte to the probe's budget.
pub(crate) struct Capped<R> {
    inner: R,
    budget: Budget,
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.budget
            .charge(n as u64)
            .map_err(|e| io::Error::other(e.to_string()))?;
        Ok(n)
    }
}

/// Decode one body or SSE data payload into messages.
fn decode(bytes: &[u8], location: impl FnOnce() -> String) -> Result<Vec<Incoming>, ProbeError> {
    jsonrpc::parse(bytes).map_err(|e| match e {
        jsonrpc::FramingError::Json {
            message,
            line,
            column,
        } => ProbeError::InvalidJson {
            location: format!("line {line} column {column} of {}", location()),
            detail: message,
        },
        jsonrpc::FramingError::Invalid(why) => ProbeError::InvalidMessage(why),
    })
}

fn answer_for(id: &Id, method: &str) -> Value {
    if method == "ping" {
        jsonrpc::response_ok(id, serde_json::json!({}))
    } else {
        jsonrpc::response_err(id, jsonrpc::METHOD_NOT_FOUND, "method not found")
    }
}

fn params_opt(params: Value) -> Option<Value> {
    if params.is_null() { None } else { Some(params) }
}

/// The Streamable HTTP transport.
pub(crate) struct Streamable {
    client: Client,
    session: Option<String>,
    version: Option<String>,
    new_era: bool,
    next_id: i64,
    closed: bool,
}

impl Streamable {
    pub(crate) fn new(client: &Client) -> Self {
        Streamable {
            client: client.clone(),
            session: None,
            version: None,
            new_era: false,
            next_id: 0,
            closed: false,
        }
    }

    fn headers(&self, method: Option<&str>) -> Vec<(&'static str, String)> {
        let mut h = Vec::new();
        if let Some(s) = &self.session {
            h.push(("Mcp-Session-Id", s.clone()));
        }
        if let Some(v) = &self.version {
            h.push(("MCP-Protocol-Version", v.clone()));
        }
        if let (true, Some(m)) = (self.new_era, method) {
            h.push(("Mcp-Method", m.to_string()));
        }
        h
    }

    /// POST our answer to a server request, best effort.
    fn answer(&self, id: &Id, method: &str, deadline: Instant) {
        let msg = answer_for(id, method);
        let url = self.client.url.clone();
        if let Ok(resp) = self.client.post(
            &url,
            &msg,
            &self.headers(None),
            ACCEPT_BOTH,
            deadline,
            method,
        ) {
            drop(resp);
        }
    }

    /// Look for our response among `msgs`; answer server requests.
    fn scan(
        &self,
        msgs: Vec<Incoming>,
        id: i64,
        deadline: Instant,
    ) -> Option<Result<Value, RpcError>> {
        for m in msgs {
            match m {
                Incoming::Response {
                    id: Some(Id::Num(n)),
                    outcome,
                } if n == id => return Some(outcome),
                Incoming::Response { id: None, outcome } => return Some(outcome),
                Incoming::Response { .. } | Incoming::Notification { .. } => {}
                Incoming::Request { id, method, .. } => self.answer(&id, &method, deadline),
            }
        }
        None
    }
}

impl Transport for Streamable {
    fn name(&self) -> &'static str {
        "streamable-http"
    }

    fn set_protocol(&mut self, era: Era, version: &str) {
        self.new_era = era == Era::Discover;
        self.version = Some(version.to_string());
    }

    fn request(
        &mut self,
        method: &str,
        params: Value,
        deadline: Instant,
    ) -> Result<Result<Value, RpcError>, ProbeError> {
        self.next_id += 1;
        let id = self.next_id;
        let msg = jsonrpc::request(id, method, params_opt(params));
        let url = self.client.url.clone();
        let resp = self.client.post(
            &url,
            &msg,
            &self.headers(Some(method)),
            ACCEPT_BOTH,
            deadline,
            method,
        )?;
        let status = resp.status().as_u16();
        if !(200..300).contains(&status) {
            return Ok(Err(self.client.failure(resp, "POST", &url)?));
        }
        if method == "initialize"
            && let Some(sid) = resp
                .headers()
                .get("mcp-session-id")
                .and_then(|v| v.to_str().ok())
        {
            self.session = Some(sid.to_string());
        }
        if status == 202 || status == 204 {
            return Err(ProbeError::Protocol(format!(
                "server accepted {method} without answering it (HTTP {status})"
            )));
        }
        match media_type(&resp).as_str() {
            "application/json" => {
                let body = self.client.read_body(resp, method, &url)?;
                let msgs = decode(&body, || "the response body".to_string())?;
                self.scan(msgs, id, deadline).ok_or_else(|| {
                    ProbeError::InvalidMessage(format!(
                        "the JSON reply to {method} does not answer it (no response with id {id})"
                    ))
                })
            }
            "text/event-stream" => {
                let reader = BufReader::new(self.client.reader(resp));
                let mut events = Decoder::new(reader, u64::MAX);
                let mut n = 0u64;
                loop {
                    let ev = events.next_event().map_err(|e| match e {
                        SseError::Io(io) => self.client.map_read_error(io, method, &url),
                        SseError::TooLarge(_) => ProbeError::TooLarge {
                            limit: self.client.budget.limit(),
                        },
                        SseError::InvalidUtf8 { line } => ProbeError::InvalidMessage(format!(
                            "the event stream is not UTF-8 at line {line}"
                        )),
                    })?;
                    let Some(ev) = ev else {
                        return Err(ProbeError::Closed {
                            what: "the event stream".into(),
                            waiting_for: method.to_string(),
                        });
                    };
                    n += 1;
                    if ev.event != "message" || ev.data.trim().is_empty() {
                        continue;
                    }
                    let msgs = decode(ev.data.as_bytes(), || format!("SSE event {n}"))?;
                    if let Some(outcome) = self.scan(msgs, id, deadline) {
                        return Ok(outcome);
                    }
                }
            }
            other => Err(ProbeError::NotMcp(format!(
                "POST {url} answered {method} with Content-Type {}",
                if other.is_empty() { "(none)" } else { other }
            ))),
        }
    }

    fn notify(&mut self, method: &str, params: Value, deadline: Instant) -> Result<(), ProbeError> {
        let msg = jsonrpc::notification(method, params_opt(params));
        let url = self.client.url.clone();
        // The status is not checked: a server that refuses a notification
        // shows it on the next request, which says more.
        let resp = self.client.post(
            &url,
            &msg,
            &self.headers(Some(method)),
            ACCEPT_BOTH,
            deadline,
            method,
        )?;
        drop(resp);
        Ok(())
    }

    fn close(&mut self) {
        if self.closed {
            return;
        }
        self.closed = true;
        let Some(session) = self.session.take() else {
            return;
        };
        let mut req = self
            .client
            .agent
            .delete(&self.client.url)
            .config()
            .timeout_global(Some(Duration::from_secs(1)))
            .build()
            .header("Mcp-Session-Id", session.as_str());
        if let Some(v) = &self.version {
            req = req.header("MCP-Protocol-Version", v.as_str());
        }
        for (k, v) in &self.client.headers {
            req = req.header(k.as_str(), v.as_str());
        }
        let _ = req.call();
    }
}

impl Drop for Streamable {
    fn drop(&mut self) {
        self.close();
    }
}

/// What the legacy GET stream's reader thread hands over.
enum StreamItem {
    Event(Event),
    End,
    Failed(ProbeError),
}

/// The legacy HTTP+SSE transport of protocol 2024-11-05.
pub(crate) struct LegacySse {
    client: Client,
    endpoint: String,
    rx: Receiver<StreamItem>,
    next_id: i64,
    events: u64,
    ended: Option<ProbeError>,
}

impl LegacySse {
    /// GET the URL and wait for the `endpoint` event.
    pub(crate) fn connect(client: &Client, deadline: Instant) -> Result<Self, ProbeError> {
        let waiting_for = "the endpoint event";
        let url = client.url.clone();
        let left = client.remaining(deadline, waiting_for)?;
        let mut req = client
            .agent
            .get(&url)
            .config()
            .timeout_global(Some(left))
            .build()
            .header("Accept", "text/event-stream");
        for (k, v) in &client.headers {
            req = req.header(k.as_str(), v.as_str());
        }
        let resp = req
            .call()
            .map_err(|e| client.map_error(e, waiting_for, &url))?;
        check_redirect(&resp)?;
        let status = resp.status();
        if !status.is_success() {
            return Err(ProbeError::HttpStatus {
                status: status.as_u16(),
                reason: status.canonical_reason().unwrap_or("").to_string(),
                method: "GET".into(),
                url,
            });
        }
        let mt = media_type(&resp);
        if mt != "text/event-stream" {
            return Err(ProbeError::NotMcp(format!(
                "GET {url} answered with Content-Type {}, not text/event-stream",
                if mt.is_empty() { "(none)" } else { &mt }
            )));
        }
        let reader = BufReader::new(client.reader(resp));
        let (tx, rx) = sync_channel(64);
        let thread_client = client.clone();
        let thread_url = url.clone();
        thread::Builder::new()
            .name("mcp-sse-reader".into())
            .spawn(move || {
                let mut events = Decoder::new(reader, u64::MAX);
                loop {
                    let item = match events.next_event() {
                        Ok(Some(ev)) => StreamItem::Event(ev),
                        Ok(None) => StreamItem::End,
                        Err(SseError::Io(io)) => StreamItem::Failed(thread_client.map_read_error(
                            io,
                            "the event stream",
                            &thread_url,
                        )),
                        Err(SseError::TooLarge(_)) => StreamItem::Failed(ProbeError::TooLarge {
                            limit: thread_client.budget.limit(),
                        }),
                        Err(SseError::InvalidUtf8 { line }) => {
                            StreamItem::Failed(ProbeError::InvalidMessage(format!(
                                "the event stream is not UTF-8 at line {line}"
                            )))
                        }
                    };
                    let last = !matches!(item, StreamItem::Event(_));
                    if tx.send(item).is_err() || last {
                        return;
                    }
                }
            })
            .map_err(|e| ProbeError::Io(format!("cannot start a reader thread: {e}")))?;
        let mut t = LegacySse {
            client: client.clone(),
            endpoint: String::new(),
            rx,
            next_id: 0,
            events: 0,
            ended: None,
        };
        let first = t.next_event(deadline, waiting_for)?;
        if first.event != "endpoint" {
            return Err(ProbeError::Protocol(format!(
                "expected an `endpoint` event first, got `{}`",
                first.event
            )));
        }
        t.endpoint = resolve_endpoint(&client.uri, first.data.trim())?;
        Ok(t)
    }

    fn next_event(&mut self, deadline: Instant, waiting_for: &str) -> Result<Event, ProbeError> {
        if let Some(e) = &self.ended {
            return Err(e.clone());
        }
        let wait = deadline.saturating_duration_since(Instant::now());
        let item = match self.rx.recv_timeout(wait) {
            Ok(item) => item,
            Err(RecvTimeoutError::Timeout) => return Err(self.client.timeout_error(waiting_for)),
            Err(RecvTimeoutError::Disconnected) => StreamItem::End,
        };
        match item {
            StreamItem::Event(ev) => {
                self.events += 1;
                Ok(ev)
            }
            StreamItem::End => {
                let e = ProbeError::Closed {
                    what: "the event stream".into(),
                    waiting_for: waiting_for.to_string(),
                };
                self.ended = Some(e.clone());
                Err(e)
            }
            StreamItem::Failed(e) => {
                // A read timeout in the thread is the probe's deadline.
                let e = match e {
                    ProbeError::Timeout { after, .. } => ProbeError::Timeout {
                        after,
                        waiting_for: waiting_for.to_string(),
                    },
                    other => other,
                };
                self.ended = Some(e.clone());
                Err(e)
            }
        }
    }

    fn post(&self, msg: &Value, deadline: Instant, waiting_for: &str) -> Result<(), ProbeError> {
        let endpoint = self.endpoint.clone();
        let resp = self.client.post(
            &endpoint,
            msg,
            &[],
            "application/json, text/event-stream",
            deadline,
            waiting_for,
        )?;
        let status = resp.status();
        if !status.is_success() {
            return match self.client.failure(resp, "POST", &endpoint) {
                Ok(rpc) => Err(ProbeError::JsonRpc {
                    code: rpc.code,
                    message: rpc.message,
                }),
                Err(e) => Err(e),
            };
        }
        Ok(())
    }
}

impl Transport for LegacySse {
    fn name(&self) -> &'static str {
        "sse"
    }

    fn request(
        &mut self,
        method: &str,
        params: Value,
        deadline: Instant,
    ) -> Result<Result<Value, RpcError>, ProbeError> {
        self.next_id += 1;
        let id = self.next_id;
        self.post(
            &jsonrpc::request(id, method, params_opt(params)),
            deadline,
            method,
        )?;
        loop {
            let ev = self.next_event(deadline, method)?;
            if ev.event != "message" || ev.data.trim().is_empty() {
                continue;
            }
            let n = self.events;
            for m in decode(ev.data.as_bytes(), || format!("SSE event {n}"))? {
                match m {
                    Incoming::Response {
                        id: Some(Id::Num(got)),
                        outcome,
                    } if got == id => return Ok(outcome),
                    Incoming::Response { id: None, outcome } => return Ok(outcome),
                    Incoming::Response { .. } | Incoming::Notification { .. } => {}
                    Incoming::Request { id, method, .. } => {
                        let _ = self.post(&answer_for(&id, &method), deadline, &method);
                    }
                }
            }
        }
    }

    fn notify(&mut self, method: &str, params: Value, deadline: Instant) -> Result<(), ProbeError> {
        self.post(
            &jsonrpc::notification(method, params_opt(params)),
            deadline,
            method,
        )
    }

    fn close(&mut self) {}
}

/// Resolve the `endpoint` event's URI against the GET URL; same origin only.
fn resolve_endpoint(base: &Uri, endpoint: &str) -> Result<String, ProbeError> {
    let scheme = base.scheme_str().unwrap_or("http");
    let authority = base.authority().map(|a| a.as_str()).unwrap_or_default();
    let origin = format!("{scheme}://{authority}");
    let resolved = if endpoint.contains("://") {
        endpoint.to_string()
    } else if let Some(rest) = endpoint.strip_prefix("//") {
        format!("{scheme}://{rest}")
    } else if endpoint.starts_with('/') {
        format!("{origin}{endpoint}")
    } else if endpoint.starts_with('?') {
        format!("{origin}{}{endpoint}", base.path())
    } else {
        let path = base.path();
        let dir = &path[..path.rfind('/').map_or(0, |i| i + 1)];
        let dir = if dir.is_empty() { "/" } else { dir };
        format!("{origin}{dir}{endpoint}")
    };
    let uri: Uri = resolved.parse().map_err(|_| {
        ProbeError::Protocol(format!(
            "the endpoint event names an invalid URL: {endpoint:?}"
        ))
    })?;
    let same = uri.scheme_str() == Some(scheme)
        && uri
            .authority()
            .is_some_and(|a| a.as_str().eq_ignore_ascii_case(authority));
    if !same {
        return Err(ProbeError::Protocol(format!(
            "the endpoint event points to {resolved}, outside {origin}"
        )));
    }
    Ok(resolved)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_resolve_on_the_same_origin_only() {
        let base: Uri = "http://127.0.0.1:3001/mcp/sse?x=1".parse().unwrap();
        let ok = |e: &str| resolve_endpoint(&base, e).unwrap();
        assert_eq!(
            ok("/message?sessionId=1"),
            "http://127.0.0.1:3001/message?sessionId=1"
        );
        assert_eq!(ok("messages?s=2"), "http://127.0.0.1:3001/mcp/messages?s=2");
        assert_eq!(ok("?s=3"), "http://127.0.0.1:3001/mcp/sse?s=3");
        assert_eq!(ok("http://127.0.0.1:3001/m"), "http://127.0.0.1:3001/m");
        assert_eq!(ok("//127.0.0.1:3001/m"), "http://127.0.0.1:3001/m");
        for bad in [
            "http://10.0.0.1/m",
            "https://127.0.0.1:3001/m",
            "//evil.example/m",
            "http://127.0.0.1:3002/",
        ] {
            let e = resolve_endpoint(&base, bad).unwrap_err();
            assert!(
                e.to_string().contains("outside http://127.0.0.1:3001"),
                "{e}"
            );
        }
    }
}
